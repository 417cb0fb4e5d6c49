// Players' feedback to customer service (what names no room or player; reports of a room or a
// player are in the complaints inbox above).
import { formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Item = Response<'GET /api/admin/feedback'>['items'][number];

export function FeedbackInbox({ ctx }: { ctx: Ctx }) {
  const zh = ctx.lang === 'zh';
  const [items, setItems] = useState<Item[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/feedback', { query: { limit: 50 } }).then(
      (r) => setItems(r.items),
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, []);
  return (
    <main data-testid="feedback-inbox">
      <section class="card">
        <h2>{zh ? '意见反馈' : 'Feedback'}</h2>
        {error && <p class="error">{error}</p>}
        {items && items.length === 0 && <p class="muted">{zh ? '暂无反馈' : 'No feedback'}</p>}
        <ul class="list">
          {(items ?? []).map((f) => (
            <li key={f.feedbackId} data-testid="feedback-item">
              <span>{f.text}</span>
              <small class="muted">
                <a href={`#/players/${encodeURIComponent(f.playerId)}`}>{f.playerId}</a> · {formatTimeMs(f.atMs)}
              </small>
            </li>
          ))}
        </ul>
      </section>
    </main>
  );
}

// The complaints inbox: players' reports, upheld (the target's credit drops), dismissed, or
// escalated to a risk case; and the complaint rate against its alert line.
import { formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { riskText } from './risk-i18n.ts';
import { consoleError } from '../errors.ts';

type Complaint = Response<'GET /api/admin/complaints'>['items'][number];
type Rate = Response<'GET /api/admin/complaints/rate'>;

export function ComplaintsPage({ ctx }: { ctx: Ctx }) {
  const r = riskText(ctx.lang);
  const [status, setStatus] = useState<Complaint['status']>('open');
  const [notes, setNotes] = useState<Record<string, string>>({});
  const { items, rate, error, setError, load } = useComplaints(ctx, status);

  const resolve = async (id: string, outcome: 'upheld' | 'dismissed') => {
    setError(null);
    try {
      await ctx.api.call('POST /api/admin/complaints/:complaintId/resolve', {
        params: { complaintId: id },
        body: { outcome, note: notes[id] ?? '' },
      });
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };
  const escalate = async (id: string) => {
    setError(null);
    try {
      const c = await ctx.api.call('POST /api/admin/complaints/:complaintId/escalate', {
        params: { complaintId: id },
        body: { note: notes[id] ?? '' },
      });
      ctx.navigate(`#/risk/${encodeURIComponent(c.id)}`);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="complaints-page">
      <section class="card">
        <h2>{r('inboxTitle')}</h2>
        {rate && (
          <p class={rate.alert ? 'error' : 'muted'} data-testid="complaint-rate">
            {r('rate', { rate: rate.ratePermille, complained: rate.roomsComplained, rooms: rate.rooms, alert: rate.alertPermille })}
            {rate.alert ? ` — ${r('rateAlert')}` : ''}
          </p>
        )}
        <div class="row">
          {(['open', 'upheld', 'dismissed'] as const).map((s) => (
            <button type="button" key={s} class={s === status ? 'primary' : ''} onClick={() => setStatus(s)}>
              {r(`status_${s}`)}
            </button>
          ))}
        </div>
        {error && <p class="error">{r('error', { message: error })}</p>}
        {items?.length === 0 && <p class="muted">{r('none')}</p>}
        <ul class="list">
          {items?.map((c) => (
            <ComplaintRow
              key={c.id}
              ctx={ctx}
              c={c}
              note={notes[c.id] ?? ''}
              onNote={(note) => setNotes({ ...notes, [c.id]: note })}
              onResolve={(outcome) => resolve(c.id, outcome)}
              onEscalate={() => escalate(c.id)}
            />
          ))}
        </ul>
      </section>
    </main>
  );
}

interface RowProps {
  ctx: Ctx;
  c: Complaint;
  note: string;
  onNote(note: string): void;
  onResolve(outcome: 'upheld' | 'dismissed'): Promise<void>;
  onEscalate(): Promise<void>;
}

/** One complaint: who reported whom where, and the decision (or how it was decided). */
function ComplaintRow({ ctx, c, note, onNote, onResolve, onEscalate }: RowProps) {
  const r = riskText(ctx.lang);
  return (
    <li data-testid="complaint" data-target={c.targetPlayerId ?? ''}>
      <p>
        <strong>{c.reason}</strong> {c.text}
      </p>
      <p class="small muted">
        {r('reporter')} <code translate={false}>{c.reporterId}</code> · {r('target')}{' '}
        <code translate={false}>{c.targetPlayerId ?? '—'}</code> · {r('room')} <code translate={false}>{c.roomId ?? '—'}</code> ·{' '}
        {formatTimeMs(c.createdAtMs)}
      </p>
      {c.status === 'open' ? (
        <div class="row">
          <input
            data-testid="complaint-note"
            placeholder={r('note')}
            value={note}
            onInput={(e) => onNote((e.target as HTMLInputElement).value)}
          />
          <button type="button" class="primary" data-testid="complaint-uphold" onClick={() => onResolve('upheld')}>
            {r('uphold')}
          </button>
          <button type="button" data-testid="complaint-dismiss" onClick={() => onResolve('dismissed')}>
            {r('dismiss')}
          </button>
          {c.targetPlayerId && (
            <button type="button" data-testid="complaint-escalate" onClick={onEscalate}>
              {r('escalate')}
            </button>
          )}
        </div>
      ) : (
        <p class="small">
          {r(`status_${c.status}`)} · {c.handledBy} — {c.resolutionNote}
        </p>
      )}
    </li>
  );
}

/** The complaints with one status, and the complaint rate over the last week. */
function useComplaints(ctx: Ctx, status: Complaint['status']) {
  const [items, setItems] = useState<Complaint[] | null>(null);
  const [rate, setRate] = useState<Rate | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(async () => {
    try {
      setItems((await ctx.api.call('GET /api/admin/complaints', { query: { status } })).items);
      setRate(await ctx.api.call('GET /api/admin/complaints/rate', { query: { days: 7 } }));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [ctx.api, status]);
  useEffect(() => {
    load();
  }, [load]);
  return { items, rate, error, setError, load };
}

// The withdrawal review queue: oldest first; approve (with an optional note) or reject (with a reason).
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { paymentsText } from './payments-i18n.ts';
import { consoleError } from '../errors.ts';

type Item = Response<'GET /api/admin/payments/withdrawals'>['items'][number];
type Status = Response<'GET /api/admin/payments/status'>;

export function ReviewPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [items, setItems] = useState<Item[] | null>(null);
  const [status, setStatus] = useState<Status | null>(null);
  const [notes, setNotes] = useState<Record<string, string>>({});
  const [done, setDone] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    const [q, s] = await Promise.all([
      api.call('GET /api/admin/payments/withdrawals', { query: { state: 'review', limit: 100 } }),
      api.call('GET /api/admin/payments/status', {}),
    ]);
    setItems(q.items);
    setStatus(s);
  }, [api]);

  useEffect(() => {
    load().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [load]);

  const decide = async (item: Item, decision: 'approve' | 'reject') => {
    setError(null);
    setDone(null);
    const note = notes[item.id] ?? '';
    try {
      if (decision === 'approve') {
        await api.call('POST /api/admin/payments/withdrawals/:withdrawalId/approve', { params: { withdrawalId: item.id }, body: { note } });
        setDone(p('approved', { id: item.id }));
      } else {
        await api.call('POST /api/admin/payments/withdrawals/:withdrawalId/reject', {
          params: { withdrawalId: item.id },
          body: { reason: note },
        });
        setDone(p('rejected', { id: item.id }));
      }
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  return (
    <main data-testid="reviews-page">
      <section class="card">
        <h1>{p('reviewTitle')}</h1>
        <p class="muted">{p('reviewHint')}</p>
        {status && (
          <p class="muted" data-testid="payments-status" data-breaker={status.breaker}>
            {p('providerStatus', {
              provider: status.provider ?? '—',
              breaker: p(`breaker_${status.breaker}`),
              pending: status.outboxPending,
            })}
          </p>
        )}
        {done && (
          <p class="ok" data-testid="review-done">
            {done}
          </p>
        )}
        {error && <p class="error">{p('error', { message: error })}</p>}
        {items !== null && items.length === 0 && <p class="muted">{p('noReviews')}</p>}
        {items !== null && items.length > 0 && <ReviewTable p={p} items={items} notes={notes} setNotes={setNotes} onDecide={decide} />}
      </section>
    </main>
  );
}

type PaymentsT = ReturnType<typeof paymentsText>;
type Decision = 'approve' | 'reject';

interface TableProps {
  p: PaymentsT;
  items: Item[];
  notes: Record<string, string>;
  setNotes(notes: Record<string, string>): void;
  onDecide(item: Item, decision: Decision): Promise<void>;
}

/** The withdrawals waiting for review, oldest first. */
function ReviewTable({ p, items, notes, setNotes, onDecide }: TableProps) {
  return (
    <table>
      <thead>
        <tr>
          <th>{p('createdAt')}</th>
          <th>{p('player')}</th>
          <th>{p('amount')}</th>
          <th>{p('reasons')}</th>
          <th>{p('note')}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <ReviewRow
            key={i.id}
            p={p}
            i={i}
            note={notes[i.id] ?? ''}
            onNote={(note) => setNotes({ ...notes, [i.id]: note })}
            onDecide={(decision) => onDecide(i, decision)}
          />
        ))}
      </tbody>
    </table>
  );
}

interface RowProps {
  p: PaymentsT;
  i: Item;
  note: string;
  onNote(note: string): void;
  onDecide(decision: Decision): Promise<void>;
}

/** One withdrawal: its player, amount and reasons for review, the note, and the two decisions. */
function ReviewRow({ p, i, note, onNote, onDecide }: RowProps) {
  return (
    <tr data-testid={`review-${i.id}`}>
      <td>{formatTimeMs(i.createdAtMs)}</td>
      <td>
        <a href={`#/players/${encodeURIComponent(i.playerId)}`}>
          <code translate={false}>{i.playerId}</code>
        </a>
      </td>
      <td class="num">{formatAmount('CNY', i.amountFen)}</td>
      <td>{i.reviewReasons.join('; ')}</td>
      <td>
        <input
          data-testid={`review-note-${i.id}`}
          placeholder={p('rejectReason')}
          value={note}
          onInput={(e) => onNote((e.target as HTMLInputElement).value)}
        />
      </td>
      <td class="nowrap">
        <button type="button" class="primary" onClick={() => void onDecide('approve')} data-testid={`approve-${i.id}`}>
          {p('approve')}
        </button>{' '}
        <button type="button" class="secondary" onClick={() => void onDecide('reject')} data-testid={`reject-${i.id}`}>
          {p('reject')}
        </button>
      </td>
    </tr>
  );
}

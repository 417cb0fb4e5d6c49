// Deposits and withdrawals, newest first, each with its state; a withdrawal waiting for the
// player's confirmation links to the page that confirms it.
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import type { Response } from '../shared/api.ts';
import { formatTimeMs } from '../shared/i18n.ts';
import { formatAmount } from '../shared/money.ts';
import { paymentsText } from './payments-i18n.ts';

type Deposit = Response<'GET /api/payments/deposits'>['items'][number];
type Withdrawal = Response<'GET /api/payments/withdrawals'>['items'][number];
type Row = { kind: 'deposit'; d: Deposit } | { kind: 'withdrawal'; w: Withdrawal };

const PAGE = 50;

export function PaymentsHistoryPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [rows, setRows] = useState<Row[] | null>(null);

  useEffect(() => {
    Promise.all([
      api.call('GET /api/payments/deposits', { query: { limit: PAGE } }),
      api.call('GET /api/payments/withdrawals', { query: { limit: PAGE } }),
    ]).then(
      ([d, w]) => {
        const all: Row[] = [
          ...d.items.map((x) => ({ kind: 'deposit' as const, d: x })),
          ...w.items.map((x) => ({ kind: 'withdrawal' as const, w: x })),
        ];
        all.sort(
          (a, b) => (b.kind === 'deposit' ? b.d.createdAtMs : b.w.createdAtMs) - (a.kind === 'deposit' ? a.d.createdAtMs : a.w.createdAtMs),
        );
        setRows(all);
      },
      () => setRows([]),
    );
  }, [api]);

  return (
    <main class="page" data-testid="payments-history-page">
      <a href="#/wallet" class="link">
        ← {p('back')}
      </a>
      <h1>{p('historyTitle')}</h1>
      <section class="card">
        {rows !== null && rows.length === 0 && <p class="muted">{p('noPayments')}</p>}
        <ul class="history" data-testid="payments-history">
          {(rows ?? []).map((r) =>
            r.kind === 'deposit' ? (
              <li key={r.d.id} data-testid={`deposit-${r.d.id}`} data-state={r.d.overLimit ? 'over_limit' : r.d.state}>
                <div>
                  <strong>{p('depositOf', { amount: formatAmount('CNY', r.d.amountFen) })}</strong>
                  <small class="muted">
                    {formatTimeMs(r.d.createdAtMs)}
                    {r.d.refundedFen > 0 ? ` · ${p('refunded', { amount: formatAmount('CNY', r.d.refundedFen) })}` : ''}
                  </small>
                </div>
                <span>{r.d.overLimit ? p('dstate_over_limit') : p(`dstate_${r.d.state}` as const)}</span>
              </li>
            ) : (
              <li key={r.w.id} data-testid={`withdrawal-${r.w.id}`} data-state={r.w.state}>
                <div>
                  <strong>{p('withdrawalOf', { amount: formatAmount('CNY', r.w.amountFen) })}</strong>
                  <small class="muted">{formatTimeMs(r.w.createdAtMs)}</small>
                </div>
                {r.w.state === 'awaiting_confirmation' ? (
                  <a class="link" href={`#/withdraw?id=${r.w.id}`}>
                    {p('confirmReceipt')}
                  </a>
                ) : (
                  <span>{p(`state_${r.w.state}` as const)}</span>
                )}
              </li>
            ),
          )}
        </ul>
      </section>
    </main>
  );
}

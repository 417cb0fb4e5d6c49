// The mini-game's WeChat virtual-payment orders beside WeChat Pay's daily reconciliation: totals
// by state, the orders WeChat never pushed (settled by a query) and those still unconfirmed, the
// newest orders with their pushes, queries and refunds (a finance operator refunds a delivered
// order here, with a reason), and the daily virtual-payment bills with their mismatches by kind.
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { newIdempotencyKey, paymentsText } from './payments-i18n.ts';

type Recon = Response<'GET /api/admin/vpay/reconciliation'>;
type Order = Response<'GET /api/admin/vpay/orders'>['items'][number];
type Bill = Response<'GET /api/admin/vpay/bills'>['items'][number];

/** Yesterday in China time (the newest day WeChat has a bill for). */
function chinaYesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
}

export function VpayReconciliation({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [recon, setRecon] = useState<Recon | null>(null);
  const [orders, setOrders] = useState<Order[]>([]);
  const [bills, setBills] = useState<Bill[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [refunding, setRefunding] = useState<string | null>(null);
  const [refundError, setRefundError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('vpay-refund'));
  const [done, setDone] = useState<string | null>(null);
  const [billDate, setBillDate] = useState(chinaYesterday);
  const [busy, setBusy] = useState(false);

  const load = useCallback(async () => {
    const [r, o] = await Promise.all([
      api.call('GET /api/admin/vpay/reconciliation', {}),
      api.call('GET /api/admin/vpay/orders', { query: { limit: 50 } }),
    ]);
    setRecon(r);
    setOrders(o.items);
    if (r.enabled) setBills((await api.call('GET /api/admin/vpay/bills', { query: { limit: 30 } })).items);
  }, [api]);

  useEffect(() => {
    load().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [load]);

  const line = (t: { orders: number; cards: number; cashFen: number }) =>
    p('vpayOrders', { n: t.orders, cards: t.cards, amount: formatAmount('CNY', t.cashFen) });
  const state = (o: Order) => {
    if (o.refundState === 'failed') return p('vpayRefundState_failed', { code: o.refundFailure ?? '' });
    if (o.refundState !== null) return p(`vpayRefundState_${o.refundState}`);
    return o.status === 'delivered' ? p('vpayDelivered') : o.status === 'pending' ? p('vpayPending') : p('vpayExpired');
  };
  const refundable = (o: Order) => o.status === 'delivered' && (o.refundState === null || o.refundState === 'failed');

  const refund = async (event: Event, o: Order) => {
    event.preventDefault();
    setRefundError(null);
    setDone(null);
    try {
      const r = await api.call('POST /api/admin/vpay/orders/:outTradeNo/refund', {
        params: { outTradeNo: o.outTradeNo },
        body: { reason, idempotencyKey: key },
      });
      setKey(newIdempotencyKey('vpay-refund'));
      setRefunding(null);
      setReason('');
      setDone(p('vpayRefundDone', { id: r.order.outTradeNo, state: state(r.order) }));
      await load();
    } catch (e) {
      // Said beside the form it answers (the order and the reason stay as typed).
      setRefundError(consoleError(ctx.lang, e));
    }
  };

  const settle = async (event: Event) => {
    event.preventDefault();
    setError(null);
    setBusy(true);
    try {
      await api.call('POST /api/admin/vpay/bills/:billDate/settle', { params: { billDate } });
      await load();
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <section class="card" data-testid="vpay-reconciliation">
      <h2>{p('vpayTitle')}</h2>
      <p class="muted">{p('vpayHint')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {done && (
        <p class="ok" data-testid="vpay-refund-done">
          {done}
        </p>
      )}
      {recon && !recon.enabled && <p class="muted">{p('vpayOff')}</p>}
      {recon && (
        <dl class="facts">
          <dt>{p('vpayDelivered')}</dt>
          <dd data-testid="vpay-delivered">{line(recon.delivered)}</dd>
          <dt>{p('vpayPending')}</dt>
          <dd>{line(recon.pending)}</dd>
          <dt>{p('vpayExpired')}</dt>
          <dd>{line(recon.expired)}</dd>
          <dt>{p('vpayRefunded')}</dt>
          <dd data-testid="vpay-refunded">{line(recon.refunded)}</dd>
          <dt>{p('vpayByQuery')}</dt>
          <dd class={recon.settledByQuery > 0 ? 'error' : 'ok'}>{recon.settledByQuery}</dd>
          <dt>{p('vpayOverdue')}</dt>
          <dd class={recon.pendingOverdue > 0 ? 'error' : 'ok'}>{recon.pendingOverdue}</dd>
        </dl>
      )}
      {orders.length > 0 && (
        <div class="scroll">
          <table>
            <thead>
              <tr>
                <th>{p('vpayOrderNo')}</th>
                <th>{p('vpayStatus')}</th>
                <th class="num">{p('vpayPushes')}</th>
                <th class="num">{p('vpayQueries')}</th>
                <th class="num">¥</th>
              </tr>
            </thead>
            <tbody>
              {orders.map((o) => (
                <>
                  <tr key={o.outTradeNo} data-testid="vpay-order" data-status={o.status} data-refund={o.refundState ?? ''}>
                    <td>
                      <code translate={false}>{o.outTradeNo}</code>
                      <br />
                      <small class="muted">{formatTimeMs(o.createdAtMs)}</small>
                    </td>
                    <td>
                      {state(o)}
                      {refundable(o) && refunding !== o.outTradeNo && (
                        <>
                          <br />
                          <button
                            type="button"
                            data-testid="vpay-refund-open"
                            onClick={() => {
                              setRefunding(o.outTradeNo);
                              setReason('');
                              setRefundError(null);
                              setDone(null);
                            }}
                          >
                            {p('vpayRefund')}
                          </button>
                        </>
                      )}
                    </td>
                    <td class="num">{o.pushes}</td>
                    <td class="num">{o.queries}</td>
                    <td class="num">{formatAmount('CNY', o.cashFen)}</td>
                  </tr>
                  {refunding === o.outTradeNo && (
                    <tr key={`${o.outTradeNo}-refund`}>
                      <td colSpan={5}>
                        <form onSubmit={(e) => refund(e, o)} data-testid="vpay-refund-form">
                          <p class="muted">{p('vpayRefundHint')}</p>
                          {refundError && (
                            <p class="error" role="alert" data-testid="vpay-error">
                              {refundError}
                            </p>
                          )}
                          <label>
                            {p('vpayRefundReason')}
                            <input
                              data-testid="vpay-refund-reason"
                              value={reason}
                              minLength={4}
                              maxLength={200}
                              required
                              onInput={(e) => setReason((e.target as HTMLInputElement).value)}
                            />
                          </label>
                          <button type="submit" class="primary" data-testid="vpay-refund-submit">
                            {p('vpayRefundConfirm')}
                          </button>{' '}
                          <button type="button" onClick={() => setRefunding(null)}>
                            {p('vpayRefundCancel')}
                          </button>
                        </form>
                      </td>
                    </tr>
                  )}
                </>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {recon?.enabled && (
        <div data-testid="vpay-bills">
          <h3>{p('vpayBills')}</h3>
          <p class="muted">{p('vpayBillsHint')}</p>
          <form onSubmit={settle}>
            <label>
              {p('billDate')}
              <input
                type="date"
                data-testid="vpay-bill-date"
                value={billDate}
                required
                onInput={(e) => setBillDate((e.target as HTMLInputElement).value)}
              />
            </label>
            <button type="submit" class="primary" data-testid="vpay-bill-run" disabled={busy}>
              {p('vpayBillRun')}
            </button>
          </form>
          {bills.length === 0 && <p class="muted">{p('vpayNoBills')}</p>}
          {bills.map((b) => (
            <div key={b.billDate} data-testid="vpay-bill" data-date={b.billDate} data-mismatches={b.mismatchCount}>
              <p>
                {p('vpayBillLine', {
                  date: b.billDate,
                  pays: b.pays,
                  paid: formatAmount('CNY', b.paidFen),
                  refunds: b.refunds,
                  refunded: formatAmount('CNY', b.refundedFen),
                  fee: formatAmount('CNY', b.feeFen),
                })}{' '}
                <strong class={b.mismatchCount > 0 ? 'error' : 'ok'}>
                  {b.mismatchCount > 0 ? p('vpayBillMismatches', { n: b.mismatchCount }) : p('vpayBillClean')}
                </strong>
              </p>
              {b.mismatches.length > 0 && (
                <table class="cards">
                  <thead>
                    <tr>
                      <th>{p('kind')}</th>
                      <th>{p('vpayOrderNo')}</th>
                      <th>{p('detail')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {b.mismatches.map((m) => (
                      <tr key={`${m.kind}-${m.outTradeNo}`} data-testid="vpay-mismatch" data-kind={m.kind}>
                        <td data-label={p('kind')}>{p(`vpayMismatch_${m.kind}`)}</td>
                        <td data-label={p('vpayOrderNo')}>
                          <code translate={false}>{m.outTradeNo}</code>
                        </td>
                        <td data-label={p('detail')} translate={false}>
                          {m.detail}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              )}
            </div>
          ))}
        </div>
      )}
    </section>
  );
}

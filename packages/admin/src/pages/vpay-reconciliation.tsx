// The mini-game's WeChat virtual-payment orders beside WeChat Pay's daily reconciliation: totals
// by state, the orders WeChat never pushed (settled by a query) and those still unconfirmed, and
// the newest orders with their pushes and queries.
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { paymentsText } from './payments-i18n.ts';

type Recon = Response<'GET /api/admin/vpay/reconciliation'>;
type Order = Response<'GET /api/admin/vpay/orders'>['items'][number];

export function VpayReconciliation({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [recon, setRecon] = useState<Recon | null>(null);
  const [orders, setOrders] = useState<Order[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    Promise.all([
      api.call('GET /api/admin/vpay/reconciliation', {}),
      api.call('GET /api/admin/vpay/orders', { query: { limit: 50 } }),
    ]).then(
      ([r, o]) => {
        setRecon(r);
        setOrders(o.items);
      },
      (e: unknown) => setError(consoleError(ctx.lang, e)),
    );
  }, [api]);

  const line = (t: { orders: number; cards: number; cashFen: number }) =>
    p('vpayOrders', { n: t.orders, cards: t.cards, amount: formatAmount('CNY', t.cashFen) });
  const state = (s: Order['status']) => (s === 'delivered' ? p('vpayDelivered') : s === 'pending' ? p('vpayPending') : p('vpayExpired'));

  return (
    <section class="card" data-testid="vpay-reconciliation">
      <h2>{p('vpayTitle')}</h2>
      <p class="muted">{p('vpayHint')}</p>
      {error && (
        <p class="error" role="alert">
          {error}
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
                <tr key={o.outTradeNo} data-testid="vpay-order" data-status={o.status}>
                  <td>
                    <code>{o.outTradeNo}</code>
                    <br />
                    <small class="muted">{formatTimeMs(o.createdAtMs)}</small>
                  </td>
                  <td>{state(o.status)}</td>
                  <td class="num">{o.pushes}</td>
                  <td class="num">{o.queries}</td>
                  <td class="num">{formatAmount('CNY', o.cashFen)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

// The mini-game's WeChat virtual-payment orders beside WeChat Pay's daily reconciliation: totals
// by state, the orders WeChat never pushed (settled by a query) and those still unconfirmed, the
// newest orders with their pushes, queries and refunds (a finance operator refunds a delivered
// order here, with a reason), and the daily virtual-payment bills with their mismatches by kind.
import { formatAmount, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { paymentsText } from './payments-i18n.ts';
import { type Bill, VpayBills } from './vpay-bills.tsx';
import { type Order, VpayOrders } from './vpay-orders.tsx';

type Recon = Response<'GET /api/admin/vpay/reconciliation'>;

export function VpayReconciliation({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [recon, setRecon] = useState<Recon | null>(null);
  const [orders, setOrders] = useState<Order[]>([]);
  const [bills, setBills] = useState<Bill[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);

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
      {orders.length > 0 && <VpayOrders ctx={ctx} orders={orders} onDone={setDone} load={load} />}
      {recon?.enabled && <VpayBills ctx={ctx} bills={bills} onError={setError} load={load} />}
    </section>
  );
}

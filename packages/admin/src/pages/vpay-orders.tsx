// The newest virtual-payment orders with their pushes, queries and refund state, and the refund form a finance operator opens on a delivered order.
import { formatAmount, formatTimeMs, type Response } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { newIdempotencyKey, paymentsText } from './payments-i18n.ts';

export type Order = Response<'GET /api/admin/vpay/orders'>['items'][number];

/** An order's state in words: its refund if one was asked, else delivered, pending or expired. */
export function orderState(p: ReturnType<typeof paymentsText>, o: Order): string {
  if (o.refundState === 'failed') return p('vpayRefundState_failed', { code: o.refundFailure ?? '' });
  if (o.refundState !== null) return p(`vpayRefundState_${o.refundState}`);
  return o.status === 'delivered' ? p('vpayDelivered') : o.status === 'pending' ? p('vpayPending') : p('vpayExpired');
}

const refundable = (o: Order) => o.status === 'delivered' && (o.refundState === null || o.refundState === 'failed');

/** The orders table; a refund's outcome is said at the page's top through `onDone`, then the page reloads. */
interface VpayOrdersProps {
  ctx: Ctx;
  orders: Order[];
  onDone: (done: string | null) => void;
  load: () => Promise<void>;
}

export function VpayOrders({ ctx, orders, onDone, load }: VpayOrdersProps) {
  const p = paymentsText(ctx.lang);
  const [refunding, setRefunding] = useState<string | null>(null);
  const [refundError, setRefundError] = useState<string | null>(null);
  const [reason, setReason] = useState('');
  const [key, setKey] = useState(() => newIdempotencyKey('vpay-refund'));

  const refund = async (event: Event, o: Order) => {
    event.preventDefault();
    setRefundError(null);
    onDone(null);
    try {
      const r = await ctx.api.call('POST /api/admin/vpay/orders/:outTradeNo/refund', {
        params: { outTradeNo: o.outTradeNo },
        body: { reason, idempotencyKey: key },
      });
      setKey(newIdempotencyKey('vpay-refund'));
      setRefunding(null);
      setReason('');
      onDone(p('vpayRefundDone', { id: r.order.outTradeNo, state: orderState(p, r.order) }));
      await load();
    } catch (e) {
      // Said beside the form it answers (the order and the reason stay as typed).
      setRefundError(consoleError(ctx.lang, e));
    }
  };

  return (
    <div class="scroll">
      <table>
        <OrdersHead p={p} />
        <tbody>
          {orders.map((o) => (
            <>
              <OrderRow
                key={o.outTradeNo}
                p={p}
                o={o}
                canOpen={refundable(o) && refunding !== o.outTradeNo}
                onOpen={() => {
                  setRefunding(o.outTradeNo);
                  setReason('');
                  setRefundError(null);
                  onDone(null);
                }}
              />
              {refunding === o.outTradeNo && (
                <RefundRow
                  key={`${o.outTradeNo}-refund`}
                  p={p}
                  error={refundError}
                  reason={reason}
                  onReason={setReason}
                  onSubmit={(e) => refund(e, o)}
                  onCancel={() => setRefunding(null)}
                />
              )}
            </>
          ))}
        </tbody>
      </table>
    </div>
  );
}

/** The refund form under its order: the reason (4–200 characters) and its error, said beside it. */
function RefundRow({
  p,
  error,
  reason,
  onReason,
  onSubmit,
  onCancel,
}: {
  p: ReturnType<typeof paymentsText>;
  error: string | null;
  reason: string;
  onReason: (reason: string) => void;
  onSubmit: (event: Event) => void;
  onCancel: () => void;
}) {
  return (
    <tr>
      <td colSpan={5}>
        <form onSubmit={onSubmit} data-testid="vpay-refund-form">
          <p class="muted">{p('vpayRefundHint')}</p>
          {error && (
            <p class="error" role="alert" data-testid="vpay-error">
              {error}
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
              onInput={(e) => onReason((e.target as HTMLInputElement).value)}
            />
          </label>
          <button type="submit" class="primary" data-testid="vpay-refund-submit">
            {p('vpayRefundConfirm')}
          </button>{' '}
          <button type="button" onClick={onCancel}>
            {p('vpayRefundCancel')}
          </button>
        </form>
      </td>
    </tr>
  );
}

/** An order's row: its number and time, its state (with the refund button when it can be refunded), pushes, queries and amount. */
function OrderRow({ p, o, canOpen, onOpen }: { p: ReturnType<typeof paymentsText>; o: Order; canOpen: boolean; onOpen: () => void }) {
  return (
    <tr data-testid="vpay-order" data-status={o.status} data-refund={o.refundState ?? ''}>
      <td>
        <code translate={false}>{o.outTradeNo}</code>
        <br />
        <small class="muted">{formatTimeMs(o.createdAtMs)}</small>
      </td>
      <td>
        {orderState(p, o)}
        {canOpen && (
          <>
            <br />
            <button type="button" data-testid="vpay-refund-open" onClick={onOpen}>
              {p('vpayRefund')}
            </button>
          </>
        )}
      </td>
      <td class="num">{o.pushes}</td>
      <td class="num">{o.queries}</td>
      <td class="num">{formatAmount('CNY', o.cashFen)}</td>
    </tr>
  );
}

function OrdersHead({ p }: { p: ReturnType<typeof paymentsText> }) {
  return (
    <thead>
      <tr>
        <th>{p('vpayOrderNo')}</th>
        <th>{p('vpayStatus')}</th>
        <th class="num">{p('vpayPushes')}</th>
        <th class="num">{p('vpayQueries')}</th>
        <th class="num">¥</th>
      </tr>
    </thead>
  );
}

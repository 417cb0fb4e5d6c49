// Virtual-payment endpoints. Signing a purchase is a `money` route with the room-card purchase's
// compliance action (compliance is asked before anything is signed); the order check settles a
// purchase whose delivery push has not come; the console lists orders and their reconciliation.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdempotencyKey, itemList, limitQuery, TimeMs } from '../http/schemas.ts';
import { REASON_LENGTH_MAX, REASON_LENGTH_MIN } from '../payments/contract.ts';

/**
 * What a bill can disagree with us about:
 *   unknown_order         a payment in the bill we never signed
 *   not_delivered         paid in the bill, our order still pending or closed (no cards credited)
 *   amount_differs        paid amount or quantity differs from what we signed
 *   not_in_bill           delivered by us that day, in no bill
 *   refund_not_recorded   a refund in the bill our order does not show as refunded
 *   refund_not_in_bill    refunded by us that day, not in the bill
 *   settled_by_query      delivered that day without a push ever coming (WeChat's push channel to look at)
 */
export const VPAY_MISMATCH_KINDS = [
  'unknown_order',
  'not_delivered',
  'amount_differs',
  'not_in_bill',
  'refund_not_recorded',
  'refund_not_in_bill',
  'settled_by_query',
] as const;
const OutTradeNo = Type.String({ pattern: '^[0-9A-Za-z]{1,32}$' });
const Status = Type.Union([Type.Literal('pending'), Type.Literal('delivered'), Type.Literal('expired')]);

const OrderBody = Type.Object({
  outTradeNo: Type.String(),
  playerId: Type.String(),
  quantity: Type.Integer(),
  priceFen: Fen({ minimum: 0 }),
  cashFen: Fen({ minimum: 0 }),
  status: Status,
  settledBy: Type.Union([Type.Literal('push'), Type.Literal('query'), Type.Null()]),
  roomOrderId: Type.Union([Type.String(), Type.Null()]),
  pushes: Type.Integer(),
  queries: Type.Integer(),
  wechatTransactionId: Type.Union([Type.String(), Type.Null()]),
  createdAtMs: TimeMs(),
  deliveredAtMs: Type.Union([TimeMs(), Type.Null()]),
  refundNo: Type.Union([Type.String(), Type.Null()]),
  refundState: Type.Union([Type.Literal('refunding'), Type.Literal('refunded'), Type.Literal('failed'), Type.Null()]),
  refundReason: Type.Union([Type.String(), Type.Null()]),
  refundFailure: Type.Union([Type.String(), Type.Null()]),
  refundedAtMs: Type.Union([TimeMs(), Type.Null()]),
});
const BillBody = Type.Object({
  billDate: Type.String(),
  pays: Type.Integer(),
  paidFen: Fen({ minimum: 0 }),
  refunds: Type.Integer(),
  refundedFen: Fen({ minimum: 0 }),
  feeFen: Fen({ description: 'WeChat’s platform fee on the day, net of fees given back with refunds' }),
  feeBookedFen: Fen({ description: 'what the ledger holds for it (provider_fees)' }),
  mismatchCount: Type.Integer({ minimum: 0 }),
  mismatches: Type.Array(
    Type.Object({
      kind: Type.Union(VPAY_MISMATCH_KINDS.map((k) => Type.Literal(k))),
      outTradeNo: Type.String(),
      detail: Type.String(),
    }),
  ),
  runs: Type.Integer({ minimum: 1 }),
  runAtMs: TimeMs(),
});
const Totals = Type.Object({ orders: Type.Integer(), cashFen: Fen({ minimum: 0 }), cards: Type.Integer() });

export const vpayContract = contract({
  vpayRoomCards: {
    method: 'POST',
    url: '/api/vpay/room-cards',
    summary: 'Mini-game: sign a purchase of room cards for wx.requestMidasPaymentGameItem (虚拟支付 2.0)',
    description:
      'Answers signData, paySig (AppKey) and the user-state signature (the player’s session_key, which never leaves the server). The cards arrive with WeChat’s delivery push, or when the order check finds the order paid. VPAY_SESSION_REQUIRED: wx.checkSession failed or the player never signed in through the mini-game; sign in again.',
    tags: ['vpay'],
    auth: 'player',
    kind: 'money',
    action: 'buy_room_cards',
    example: { body: { quantity: 5 } },
    body: Type.Object({ quantity: Type.Integer() }, { additionalProperties: false }),
    response: Type.Object({
      outTradeNo: Type.String(),
      quantity: Type.Integer(),
      cashFen: Fen({ minimum: 0 }),
      signData: Type.String(),
      paySig: Type.String(),
      signature: Type.String(),
    }),
    status: 201,
  },
  vpayOrderCheck: {
    method: 'POST',
    url: '/api/vpay/orders/:outTradeNo/check',
    summary: 'Mini-game: the state of my purchase, asking WeChat when its delivery push has not come (after a payment timeout)',
    tags: ['vpay'],
    auth: 'player',
    params: Type.Object({ outTradeNo: OutTradeNo }),
    response: OrderBody,
  },
  vpayAdminOrders: {
    method: 'GET',
    url: '/api/admin/vpay/orders',
    summary: 'Virtual-payment (mini-game) orders, newest first',
    tags: ['admin', 'vpay'],
    auth: 'operator',
    roles: ['finance', 'support', 'admin'],
    query: Type.Object(
      { status: Type.Optional(Status), limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 200 })) },
      { additionalProperties: false },
    ),
    response: itemList(OrderBody),
  },
  vpayAdminReconciliation: {
    method: 'GET',
    url: '/api/admin/vpay/reconciliation',
    summary: 'Virtual-payment orders by state against pushes and queries',
    tags: ['admin', 'vpay'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    response: Type.Object({
      enabled: Type.Boolean(),
      pending: Totals,
      delivered: Totals,
      expired: Totals,
      refunded: Totals,
      settledByQuery: Type.Integer(),
      pendingOverdue: Type.Integer(),
    }),
  },
  vpayAdminRefund: {
    method: 'POST',
    url: '/api/admin/vpay/orders/:outTradeNo/refund',
    summary: 'Refund a delivered virtual-payment order in full: its room cards are taken back, then WeChat refunds the payer; audited',
    description:
      'Only while the player still holds the order’s room cards (VPAY_REFUND_CARDS_SPENT otherwise: nothing changes). The cards are held, WeChat’s refund is asked under our refund number, then the hold is posted and the CNY returned (`revenue → provider_clearing`); a refusal releases the cards (`refundState: failed`). The compliance action is refund_deposit. The same key and reason answer the same refund (`replayed`).',
    tags: ['admin', 'vpay'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    kind: 'money',
    action: 'refund_deposit',
    example: {
      params: { outTradeNo: 'vpexample0000000000000001' },
      body: { reason: 'bought by mistake', idempotencyKey: 'example-vpay-refund-0001' },
    },
    params: Type.Object({ outTradeNo: OutTradeNo }),
    body: Type.Object(
      { reason: Type.String({ minLength: REASON_LENGTH_MIN, maxLength: REASON_LENGTH_MAX }), idempotencyKey: IdempotencyKey },
      { additionalProperties: false },
    ),
    response: Type.Object({ order: OrderBody, replayed: Type.Boolean() }),
    status: 201,
  },
  vpayAdminBills: {
    method: 'GET',
    url: '/api/admin/vpay/bills',
    summary: 'Virtual-payment bills reconciled so far, newest day first, with their mismatches by kind and the fee booked',
    tags: ['admin', 'vpay'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    query: limitQuery(200),
    response: itemList(BillBody),
  },
  vpayAdminSettleBill: {
    method: 'POST',
    url: '/api/admin/vpay/bills/:billDate/settle',
    summary:
      'Download that day’s virtual-payment bill (China time) and reconcile it with orders, pushes and queries now; WeChat’s fee is booked once (only a difference on a re-run); audited',
    tags: ['admin', 'vpay'],
    auth: 'operator',
    roles: ['finance', 'admin'],
    params: Type.Object({ billDate: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }) }),
    response: BillBody,
  },
});

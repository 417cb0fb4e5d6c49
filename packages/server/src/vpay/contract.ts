// Virtual-payment endpoints. Signing a purchase is a `money` route with the room-card purchase's
// compliance action (compliance is asked before anything is signed); the order check settles a
// purchase whose delivery push has not come; the console lists orders and their reconciliation.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, TimeMs } from '../http/schemas.ts';

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
    response: Type.Object({ items: Type.Array(OrderBody) }),
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
      settledByQuery: Type.Integer(),
      pendingOverdue: Type.Integer(),
    }),
  },
});

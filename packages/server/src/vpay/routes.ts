// Handlers for the virtual-payment endpoints, and WeChat's delivery push (not a declared endpoint:
// the PayEventSig over the raw payload is its authentication, and it answers in WeChat's terms).
import type { FastifyInstance } from 'fastify';
import { implement, type Implementation } from '../http/routes.ts';
import { vpayContract as c } from './contract.ts';
import type { VirtualPayments, VpayBill, VpayOrder } from './service.ts';

const billBody = (b: VpayBill) => ({ ...b, mismatches: [...b.mismatches] });

export const VPAY_PUSH_PATH = '/api/vpay/wechat/push';

function orderBody(o: VpayOrder) {
  return {
    outTradeNo: o.outTradeNo,
    playerId: o.playerId,
    quantity: o.quantity,
    priceFen: o.priceFen,
    cashFen: o.cashFen,
    status: o.status,
    settledBy: o.settledBy,
    roomOrderId: o.roomOrderId,
    pushes: o.pushes,
    queries: o.queries,
    wechatTransactionId: o.wechatTransactionId,
    createdAtMs: o.createdAtMs,
    deliveredAtMs: o.deliveredAtMs,
    refundNo: o.refundNo,
    refundState: o.refundState,
    refundReason: o.refundReason,
    refundFailure: o.refundFailure,
    refundedAtMs: o.refundedAtMs,
  };
}

export function vpayRoutes(vpay: VirtualPayments): Record<keyof typeof c, Implementation> {
  return {
    vpayRoomCards: implement(c.vpayRoomCards, async ({ actor, body }) => vpay.prepare(actor.playerId, body.quantity), {
      complianceContext: ({ body }) => ({ quantity: body.quantity }),
    }),
    vpayOrderCheck: implement(c.vpayOrderCheck, async ({ actor, params }) =>
      orderBody(await vpay.check(actor.playerId, params.outTradeNo)),
    ),
    vpayAdminOrders: implement(c.vpayAdminOrders, async ({ query }) => ({
      items: (await vpay.list({ ...(query.status ? { status: query.status } : {}), ...(query.limit ? { limit: query.limit } : {}) })).map(
        orderBody,
      ),
    })),
    vpayAdminReconciliation: implement(c.vpayAdminReconciliation, async () => {
      const r = await vpay.reconciliation();
      return {
        enabled: vpay.enabled,
        ...r.counts,
        refunded: r.refunded,
        settledByQuery: r.settledByQuery,
        pendingOverdue: r.pendingOverdue,
      };
    }),
    vpayAdminRefund: implement(c.vpayAdminRefund, async ({ actor, params, body, request }) => {
      const r = await vpay.refund(actor, params.outTradeNo, body, { requestId: request.id, ip: request.ip });
      return { order: orderBody(r.order), replayed: r.replayed };
    }),
    vpayAdminBills: implement(c.vpayAdminBills, async ({ query }) => ({ items: (await vpay.bills(query.limit ?? 30)).map(billBody) })),
    vpayAdminSettleBill: implement(c.vpayAdminSettleBill, async ({ actor, params, request }) =>
      billBody(await vpay.settleBill(params.billDate, { op: actor, requestId: request.id, ip: request.ip })),
    ),
  };
}

/** The message-push URL configured for the mini-game (JSON format): delivery pushes arrive here. */
export async function registerVpayPushRoute(app: FastifyInstance, vpay: VirtualPayments): Promise<void> {
  await app.register(async (scope) => {
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 64 * 1024 }, (_request, body, done) => done(null, body));
    scope.post(
      VPAY_PUSH_PATH,
      {
        schema: {
          operationId: 'vpayWechatPush',
          summary:
            'WeChat virtual-payment delivery push (minigame_game_pay_goods_deliver_notify): PayEventSig verified, cards credited once',
          description:
            'Answers {"ErrCode":0,"ErrMsg":"Success"} when the cards are credited now or were before; any other ErrCode (401 for a PayEventSig that does not verify) makes WeChat retry on its schedule.',
          tags: ['vpay'],
          'x-fairground-auth': 'none',
        },
      },
      async (request, reply) => {
        const raw = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const answer = await vpay.deliver(raw);
        return reply.code(answer.status).type('application/json').send(answer.body);
      },
    );
  });
}

// Refunds (/v3/refund/domestic/refunds): PROCESSING at once, SUCCESS at the next runDue, with a
// REFUND.SUCCESS notification when a notify_url was given. "同一退款单号多次请求只退一笔": the
// same out_refund_no always answers the one refund it created.
import { type ApiRequest, type ApiResult, jsonBody, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { wx } from './errors.ts';
import { REFUNDS_MAX, type Order, type Refund } from './model.ts';
import { feeFen } from './payments.ts';
import { rfc3339 } from './time.ts';
import { type Json, notifyUrl, obj, int, optStr, str } from './validate.ts';

export const REFUNDS_PER_ORDER_MAX = 50;
export const REFUND_WINDOW_MS = 365 * 86_400_000;
export const OUT_REFUND_NO = /^[0-9A-Za-z_\-|*@]{1,64}$/;

export function refundJson(r: Refund): Json {
  const out: Json = {
    refund_id: r.refundId,
    out_refund_no: r.outRefundNo,
    transaction_id: r.transactionId,
    out_trade_no: r.outTradeNo,
    channel: 'ORIGINAL',
    user_received_account: '支付用户零钱',
    create_time: rfc3339(r.createMs),
    status: r.status,
    funds_account: r.fundsAccount ?? 'AVAILABLE',
    amount: {
      total: r.totalFen,
      refund: r.refundFen,
      from: [],
      payer_total: r.totalFen,
      payer_refund: r.refundFen,
      settlement_refund: r.refundFen,
      settlement_total: r.totalFen,
      discount_refund: 0,
      currency: 'CNY',
      refund_fee: r.feeRefundFen,
    },
    promotion_detail: [],
  };
  if (r.successMs !== undefined) out.success_time = rfc3339(r.successMs);
  return out;
}

function notificationJson(core: SandboxCore, r: Refund): Json {
  const out: Json = {
    mchid: core.keys.mchid,
    out_trade_no: r.outTradeNo,
    transaction_id: r.transactionId,
    out_refund_no: r.outRefundNo,
    refund_id: r.refundId,
    refund_status: r.status,
    user_received_account: '支付用户零钱',
    amount: { total: r.totalFen, refund: r.refundFen, payer_total: r.totalFen, payer_refund: r.refundFen },
  };
  if (r.successMs !== undefined) out.success_time = rfc3339(r.successMs);
  return out;
}

function findOrder(core: SandboxCore, body: Json): Order {
  const transactionId = optStr(body, 'transaction_id', { max: 32 });
  const outTradeNo = optStr(body, 'out_trade_no', { max: 32 });
  if (transactionId === undefined && outTradeNo === undefined) throw wx.param('transaction_id和out_trade_no必须二选一', 'out_trade_no');
  const order = transactionId !== undefined ? core.ordersByTransaction.get(transactionId) : core.orders.get(outTradeNo ?? '');
  if (order === undefined) throw wx.resourceNotExists('订单不存在');
  if (outTradeNo !== undefined && order.outTradeNo !== outTradeNo) throw wx.invalid('transaction_id与out_trade_no不匹配');
  return order;
}

export function createRefund(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  const outRefundNo = str(body, 'out_refund_no', { max: 64, pattern: OUT_REFUND_NO });
  optStr(body, 'reason', { max: 80 });
  const notify = notifyUrl(body, 'notify_url', { required: false, allowHttp: core.options.allowHttpNotifyUrl, max: 256 });
  const fundsAccount = optStr(body, 'funds_account', { max: 32 });
  if (fundsAccount !== undefined && fundsAccount !== 'AVAILABLE') throw wx.param('funds_account仅支持AVAILABLE', 'funds_account');
  const amount = obj(body, 'amount');
  const refundFen = int(amount, 'refund', { min: 1, label: 'amount.refund' });
  const totalFen = int(amount, 'total', { min: 1, label: 'amount.total' });
  const currency = str(amount, 'currency', { max: 16, label: 'amount.currency' });
  if (currency !== 'CNY') throw wx.param('amount.currency仅支持CNY', 'amount.currency');

  const existing = core.refunds.get(outRefundNo);
  if (existing !== undefined) return ok(refundJson(existing));

  const order = findOrder(core, body);
  if (order.transactionId === undefined || (order.state !== 'SUCCESS' && order.state !== 'REFUND'))
    throw wx.invalid('订单未支付,不能发起退款');
  const nowMs = core.nowMs();
  if (nowMs - (order.successMs ?? nowMs) > REFUND_WINDOW_MS) throw wx.invalid('订单已超过可退款的最大期限(1年)');
  if (totalFen !== order.totalFen) throw wx.invalid('订单金额与原订单金额不一致');
  if (refundFen > order.totalFen - order.refundedFen) throw wx.invalid('申请退款金额超过订单可退金额');
  if (order.refundCount >= REFUNDS_PER_ORDER_MAX) throw wx.invalid('该订单部分退款次数已超过上限(50次)');
  if (order.lastRefundRequestMs !== undefined && nowMs - order.lastRefundRequestMs < core.options.refundIntervalMs) {
    throw wx.frequency('同一订单的退款申请间隔需大于1分钟,请稍后原单重试');
  }
  if (core.refunds.size >= REFUNDS_MAX) throw wx.frequency('沙盒退款单数已达上限');
  if (core.faults.take(['merchant-balance-low'], req.method, req.path) !== null || core.ledger.balanceFen('BASIC') < refundFen) {
    throw wx.notEnough('基本账户余额不足,请充值后原单重试');
  }
  // The fee is returned in proportion; the last refund gives back whatever fee is left.
  const orderFee = feeFen(order.totalFen);
  const refundedBefore = order.refundedFen;
  const feeBefore = Math.floor((orderFee * refundedBefore) / order.totalFen);
  const feeAfter = Math.floor((orderFee * (refundedBefore + refundFen)) / order.totalFen);
  const refund: Refund = {
    refundId: core.newRefundId(),
    outRefundNo,
    outTradeNo: order.outTradeNo,
    transactionId: order.transactionId,
    reason: optStr(body, 'reason', { max: 80 }),
    notifyUrl: notify,
    fundsAccount,
    refundFen,
    totalFen: order.totalFen,
    feeRefundFen: feeAfter - feeBefore,
    createMs: nowMs,
    successMs: undefined,
    status: 'PROCESSING',
  };
  order.refundedFen += refundFen;
  order.refundCount += 1;
  order.lastRefundRequestMs = nowMs;
  order.state = 'REFUND';
  core.refunds.set(outRefundNo, refund);
  bookRefund(core, refund);
  scheduleSettle(core, refund);
  return ok(refundJson(refund));
}

/** The refund in the merchant's basic account: the amount out, and the fee WeChat Pay gives back, if any. */
function bookRefund(core: SandboxCore, refund: Refund): void {
  core.ledger.move({
    atMs: refund.createMs,
    account: 'BASIC',
    businessNo: refund.refundId,
    bizName: '退款',
    bizType: '退款',
    direction: 'OUT',
    amountFen: refund.refundFen,
    applicant: 'system',
    remark: refund.reason ?? '',
    voucherNo: refund.outRefundNo,
  });
  if (refund.feeRefundFen > 0) {
    core.ledger.move({
      atMs: refund.createMs,
      account: 'BASIC',
      businessNo: refund.refundId,
      bizName: '退还交易手续费',
      bizType: '退还交易手续费',
      direction: 'IN',
      amountFen: refund.feeRefundFen,
      applicant: 'system',
      remark: '',
      voucherNo: refund.outRefundNo,
    });
  }
}

/** The refund succeeds as soon as the scheduler runs, and its notification is queued when it has a notify URL. */
function scheduleSettle(core: SandboxCore, refund: Refund): void {
  core.scheduler.work(refund.createMs, `refund settles ${refund.outRefundNo}`, () => {
    if (refund.status !== 'PROCESSING') return;
    refund.status = 'SUCCESS';
    refund.successMs = core.nowMs();
    if (refund.notifyUrl !== undefined) {
      core.notifier.enqueue({
        eventType: 'REFUND.SUCCESS',
        summary: '退款成功',
        originalType: 'refund',
        resource: notificationJson(core, refund),
        notifyUrl: refund.notifyUrl,
      });
    }
  });
}

export function queryRefund(core: SandboxCore, req: ApiRequest): ApiResult {
  const r = core.refunds.get(req.params[0] ?? '');
  if (r === undefined) throw wx.resourceNotExists('退款单不存在');
  return ok(refundJson(r));
}

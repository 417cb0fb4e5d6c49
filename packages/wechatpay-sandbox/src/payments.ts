// Orders: JSAPI (mini-program and in-WeChat H5), H5 (a browser outside WeChat) and Native (QR
// code). State machine NOTPAY -> SUCCESS (-> REFUND) | CLOSED; re-entry with the same
// out_trade_no and identical parameters before expiry is allowed and returns a current prepay id.
import { AppError } from '@fairground/core';
import { type ApiRequest, type ApiResult, jsonBody, NO_CONTENT, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { randomAlphanumeric, randomDigits } from './crypto.ts';
import { SandboxErrors, wx } from './errors.ts';
import { ORDERS_MAX, type Order, type TradeType } from './model.ts';
import { parseRfc3339, rfc3339 } from './time.ts';
import { canonical, type Json, notifyUrl, obj, optBool, optObj, optStr, int, str } from './validate.ts';

/** 0.60 %, the common rate; fees are rounded half up to whole fen, as the trade bill shows them. */
export const FEE_RATE_BPS = 60;
export const PREPAY_VALID_MS = 2 * 3600_000;
export const ORDER_DEFAULT_TTL_MS = 7 * 86_400_000;
export const ORDER_MIN_TTL_MS = 60_000;
export const ORDER_MAX_TTL_MS = 90 * 86_400_000;
/** When a simulated user acts on their own (a fault), they do it this long after the trigger. */
export const SIMULATED_USER_DELAY_MS = 1000;
export const OUT_TRADE_NO = /^[0-9A-Za-z_\-|*]{6,32}$/;

export function feeFen(amountFen: number): number {
  return Math.floor((amountFen * FEE_RATE_BPS + 5000) / 10_000);
}

const STATE_DESC: Record<Order['state'], string> = {
  NOTPAY: '订单未支付',
  SUCCESS: '支付成功',
  REFUND: '订单发生过退款',
  CLOSED: '订单已关闭',
};

/** The Transaction object of the query API and the TRANSACTION.SUCCESS notification. */
export function transactionJson(o: Order): Json {
  const paid = o.transactionId !== undefined;
  const out: Json = {
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.outTradeNo,
    trade_state: o.state,
    trade_state_desc: STATE_DESC[o.state],
    attach: o.attach ?? '',
    promotion_detail: [],
  };
  if (paid) {
    out.transaction_id = o.transactionId;
    out.trade_type = o.tradeType;
    out.bank_type = 'OTHERS';
    out.success_time = rfc3339(o.successMs ?? o.createMs);
    out.payer = { openid: o.paidOpenid };
    out.amount = { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' };
  } else {
    out.amount = { total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' };
    if (o.payerOpenid !== undefined) out.payer = { openid: o.payerOpenid };
  }
  return out;
}

function checkMchid(core: SandboxCore, req: ApiRequest, mchid: string | null): void {
  if (mchid === null || mchid === '') throw wx.param('mchid必填', 'mchid');
  if (mchid !== core.keys.mchid || mchid !== req.mchid) throw wx.mchNotExists();
}

export function createOrder(core: SandboxCore, req: ApiRequest, tradeType: TradeType): ApiResult {
  const body = jsonBody(req);
  const appid = str(body, 'appid', { max: 32 });
  const mchid = str(body, 'mchid', { max: 32 });
  checkMchid(core, req, mchid);
  if (appid !== core.keys.appid) throw wx.appidMismatch();
  const description = str(body, 'description', { max: 127 });
  const outTradeNo = str(body, 'out_trade_no', { max: 32, min: 6, pattern: OUT_TRADE_NO });
  const timeExpire = optStr(body, 'time_expire', { max: 64 });
  const attach = optStr(body, 'attach', { max: 128 });
  const notify = notifyUrl(body, 'notify_url', { required: true, allowHttp: core.options.allowHttpNotifyUrl, max: 255 }) as string;
  optStr(body, 'goods_tag', { max: 32 });
  optBool(body, 'support_fapiao');
  const amount = obj(body, 'amount');
  const totalFen = int(amount, 'total', { min: 1, label: 'amount.total' });
  const currency = optStr(amount, 'currency', { max: 16, label: 'amount.currency' });
  if (currency !== undefined && currency !== 'CNY') throw wx.param('amount.currency仅支持CNY', 'amount.currency');
  let payerOpenid: string | undefined;
  if (tradeType === 'JSAPI') {
    payerOpenid = str(obj(body, 'payer'), 'openid', { max: 128, label: 'payer.openid' });
  }
  checkScene(body, tradeType);
  const settle = optObj(body, 'settle_info');
  const profitSharing = settle === undefined ? false : (optBool(settle, 'profit_sharing', 'settle_info.profit_sharing') ?? false);
  const nowMs = core.nowMs();
  const expireMs = expiryOf(timeExpire, nowMs);
  const fingerprint = canonical({ ...body, time_expire: undefined, trade_type: tradeType });

  const existing = core.orders.get(outTradeNo);
  if (existing !== undefined) return repeatOrder(core, existing, fingerprint, nowMs);
  if (core.orders.size >= ORDERS_MAX) throw wx.frequency('沙盒订单数已达上限');

  const order: Order = {
    outTradeNo,
    appid,
    mchid,
    tradeType,
    description,
    attach,
    notifyUrl: notify,
    totalFen,
    payerOpenid,
    profitSharing,
    fingerprint,
    createMs: nowMs,
    expireMs,
    state: 'NOTPAY',
    prepayId: core.newPrepayId(),
    prepayIssuedMs: nowMs,
    codeToken: tradeType === 'NATIVE' ? core.newCodeToken() : undefined,
    transactionId: undefined,
    successMs: undefined,
    paidOpenid: undefined,
    closedMs: undefined,
    userCancelled: false,
    paidAfterExpiry: core.faults.take(['paid-after-expiry'], req.method, req.path) !== null,
    refundedFen: 0,
    refundCount: 0,
    lastRefundRequestMs: undefined,
    unsplitFen: 0,
  };
  core.orders.set(outTradeNo, order);
  core.ordersByPrepay.set(order.prepayId, order);
  if (order.codeToken !== undefined) core.ordersByCodeToken.set(order.codeToken, order);
  scheduleOrder(core, req, order, nowMs);
  return ok(prepayAnswer(core, order));
}

/** The scene_info a trade type needs: the payer's IP, and for H5 (MWEB) the kind of page. */
function checkScene(body: Json, tradeType: TradeType): void {
  const scene = tradeType === 'MWEB' ? obj(body, 'scene_info') : optObj(body, 'scene_info');
  if (scene !== undefined) {
    str(scene, 'payer_client_ip', { max: 45, label: 'scene_info.payer_client_ip' });
    if (tradeType === 'MWEB') {
      const h5 = obj(scene, 'h5_info', 'scene_info.h5_info');
      const type = str(h5, 'type', { max: 32, label: 'scene_info.h5_info.type' });
      if (!['iOS', 'Android', 'Wap'].includes(type))
        throw wx.param('scene_info.h5_info.type取值为iOS、Android或Wap', 'scene_info.h5_info.type');
    }
  }
}

/** When a new order expires: time_expire (rfc3339) clamped to the allowed range, else the default. */
function expiryOf(timeExpire: string | undefined, nowMs: number): number {
  if (timeExpire === undefined) return nowMs + ORDER_DEFAULT_TTL_MS;
  const parsed = parseRfc3339(timeExpire);
  if (parsed === null) throw wx.param('time_expire格式不正确,应为rfc3339格式', 'time_expire');
  return Math.min(Math.max(parsed, nowMs + ORDER_MIN_TTL_MS), nowMs + ORDER_MAX_TTL_MS);
}

/** The same out_trade_no again: the same order answers with its prepay id (a new one once it has lapsed); anything else is refused. */
function repeatOrder(core: SandboxCore, existing: Order, fingerprint: string, nowMs: number): ApiResult {
  if (existing.fingerprint !== fingerprint) throw wx.invalid('201 商户订单号重复');
  if (existing.state === 'SUCCESS' || existing.state === 'REFUND') throw wx.orderPaid();
  if (existing.state === 'CLOSED' || nowMs > existing.expireMs) throw wx.orderClosed();
  if (nowMs - existing.prepayIssuedMs > PREPAY_VALID_MS) {
    core.ordersByPrepay.delete(existing.prepayId);
    existing.prepayId = core.newPrepayId();
    existing.prepayIssuedMs = nowMs;
    core.ordersByPrepay.set(existing.prepayId, existing);
  }
  return ok(prepayAnswer(core, existing));
}

/** A new order's timers: its expiry (or a payment arriving after it, under that fault) and a user cancelling, under that fault. */
function scheduleOrder(core: SandboxCore, req: ApiRequest, order: Order, nowMs: number): void {
  const outTradeNo = order.outTradeNo;
  if (order.paidAfterExpiry) {
    core.scheduler.work(order.expireMs + SIMULATED_USER_DELAY_MS, `pay-after-expiry ${outTradeNo}`, () => {
      if (order.state === 'NOTPAY' || order.state === 'CLOSED') settlePayment(core, order, undefined);
    });
  } else {
    core.scheduler.deadline(order.expireMs, `expire ${outTradeNo}`, () => {
      if (order.state === 'NOTPAY') {
        order.state = 'CLOSED';
        order.closedMs = core.nowMs();
      }
    });
  }
  if (core.faults.take(['user-cancels'], req.method, req.path) !== null) {
    core.scheduler.work(nowMs + SIMULATED_USER_DELAY_MS, `user cancels ${outTradeNo}`, () => {
      if (order.state === 'NOTPAY') order.userCancelled = true;
    });
  }
}

function prepayAnswer(core: SandboxCore, o: Order): Json {
  if (o.tradeType === 'JSAPI') return { prepay_id: o.prepayId };
  if (o.tradeType === 'MWEB')
    return { h5_url: `${core.pagesUrl}/cashier?prepay_id=${encodeURIComponent(o.prepayId)}&package=${randomDigits(10)}` };
  return { code_url: `weixin://wxpay/bizpayurl?pr=${o.codeToken}` };
}

export function queryByOutTradeNo(core: SandboxCore, req: ApiRequest): ApiResult {
  checkMchid(core, req, req.query.get('mchid'));
  const o = core.orders.get(req.params[0] ?? '');
  if (o === undefined) throw wx.orderNotExist();
  return ok(transactionJson(o));
}

export function queryByTransactionId(core: SandboxCore, req: ApiRequest): ApiResult {
  checkMchid(core, req, req.query.get('mchid'));
  const o = core.ordersByTransaction.get(req.params[0] ?? '');
  if (o === undefined) throw wx.orderNotExist();
  return ok(transactionJson(o));
}

export function closeOrder(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonBody(req);
  checkMchid(core, req, typeof body.mchid === 'string' ? body.mchid : null);
  const o = core.orders.get(req.params[0] ?? '');
  if (o === undefined) throw wx.orderNotExist();
  if (o.state === 'SUCCESS' || o.state === 'REFUND') throw wx.orderPaid();
  if (o.state === 'NOTPAY') {
    o.state = 'CLOSED';
    o.closedMs = core.nowMs();
  }
  return NO_CONTENT;
}

/** The payment itself: money in, fee out, and the TRANSACTION.SUCCESS notification. */
export function settlePayment(core: SandboxCore, o: Order, openid: string | undefined): void {
  const nowMs = core.nowMs();
  o.state = 'SUCCESS';
  o.transactionId = core.newTransactionId();
  o.successMs = nowMs;
  o.paidOpenid = openid ?? o.payerOpenid ?? `oSandbox${randomAlphanumeric(20)}`;
  o.unsplitFen = o.profitSharing ? o.totalFen : 0;
  core.ordersByTransaction.set(o.transactionId, o);
  core.ledger.move({
    atMs: nowMs,
    account: 'BASIC',
    businessNo: o.transactionId,
    bizName: '交易',
    bizType: '交易',
    direction: 'IN',
    amountFen: o.totalFen,
    applicant: 'system',
    remark: o.description,
    voucherNo: o.outTradeNo,
  });
  const fee = feeFen(o.totalFen);
  if (fee > 0) {
    core.ledger.move({
      atMs: nowMs,
      account: 'BASIC',
      businessNo: o.transactionId,
      bizName: '扣除交易手续费',
      bizType: '扣除交易手续费',
      direction: 'OUT',
      amountFen: fee,
      applicant: 'system',
      remark: '',
      voucherNo: o.outTradeNo,
    });
  }
  core.notifier.enqueue({
    eventType: 'TRANSACTION.SUCCESS',
    summary: '支付成功',
    originalType: 'transaction',
    resource: transactionJson(o),
    notifyUrl: o.notifyUrl,
  });
}

function findPayable(core: SandboxCore, outTradeNo: string): Order {
  core.runDueTimers();
  const o = core.orders.get(outTradeNo);
  if (o === undefined) throw new AppError(SandboxErrors.SANDBOX_ORDER_NOT_FOUND, { outTradeNo });
  if (o.state !== 'NOTPAY') throw new AppError(SandboxErrors.SANDBOX_ORDER_NOT_PAYABLE, { outTradeNo, state: o.state });
  if (core.nowMs() > o.expireMs) throw new AppError(SandboxErrors.SANDBOX_ORDER_NOT_PAYABLE, { outTradeNo, state: 'EXPIRED' });
  return o;
}

/** What the payer does in the cashier: pay. */
export function userPay(core: SandboxCore, outTradeNo: string, openid?: string): void {
  const o = findPayable(core, outTradeNo);
  if (o.tradeType === 'JSAPI' && openid !== undefined && openid !== o.payerOpenid) {
    throw new AppError(SandboxErrors.SANDBOX_OPENID_MISMATCH, { outTradeNo });
  }
  settlePayment(core, o, openid);
}

/** What the payer does in the cashier: cancel. The order stays NOTPAY and no notification is sent. */
export function userCancelPayment(core: SandboxCore, outTradeNo: string): void {
  const o = findPayable(core, outTradeNo);
  o.userCancelled = true;
}

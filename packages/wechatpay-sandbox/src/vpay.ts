// 虚拟支付 2.0 as a mini-game meets it (research wechatpay.md §2.6): the payment sheet that
// wx.requestMidasPaymentGameItem opens (its signData checked against paySig under the AppKey and
// the user-state signature under the player's current session_key), the delivery push
// minigame_game_pay_goods_deliver_notify signed with PayEventSig and retried on WeChat's schedule
// until the game answers ErrCode 0, and the order query. Where WeChat's pages do not show a detail
// (the query's path for mini-games, the sheet's error codes, the push envelope) this follows our
// best reading and says so in the README.
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { ApiRequest, ApiResult } from './api.ts';
import { ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { WeixinError } from './errors.ts';
import { RETRY_SCHEDULE_MS } from './notifier.ts';

// The bill file in our reading (unverified): CSV, a header naming the columns, amounts in fen.
// Written here on its own (the sandbox does not borrow the client's code it is there to test).
const BILL_COLUMNS = 'type,order_id,refund_order_id,wx_order_id,openid,product_id,buy_quantity,fee,platform_fee,time';

export interface VpayBillRow {
  readonly kind: 'pay' | 'refund';
  readonly outTradeNo: string;
  readonly refundNo: string | null;
  readonly wxOrderId: string;
  readonly openid: string;
  readonly productId: string;
  readonly quantity: number;
  readonly amountFen: number;
  readonly feeFen: number;
  readonly atSeconds: number;
}

const billLine = (r: VpayBillRow) =>
  [r.kind, r.outTradeNo, r.refundNo ?? '', r.wxOrderId, r.openid, r.productId, r.quantity, r.amountFen, r.feeFen, r.atSeconds].join(',');

const DAY_MS = 24 * 3600_000;
/** Bills are cut by China's day (UTC+8). */
const CHINA_OFFSET_MS = 8 * 3600_000;

export const VPAY_DELIVER_EVENT = 'minigame_game_pay_goods_deliver_notify';
export const VPAY_PUSH_TIMEOUT_MS = 5000;
const ORDERS_MAX = 100_000;
const PUSHES_KEPT_MAX = 10_000;

export interface VpayAppConfig {
  readonly appid: string;
  readonly offerId: string;
  readonly appKey: string;
  /** The message-push URL (JSON) of the mini-game; null: pushes are dropped. */
  pushUrl: string | null;
  /**
   * The platform fee on each payment, in thousandths (the sandbox's own default of 100 = 10 %:
   * WeChat's rate is agreed per account and not in our sources). Rounded down to the fen.
   */
  feePermille: number;
}

/** A refund as the sandbox made it (whole orders only). */
export interface VpayRefund {
  readonly refundNo: string;
  readonly outTradeNo: string;
  readonly wxRefundId: string;
  readonly amountFen: number;
  /** The part of the order's fee WeChat gives back with it (all of it: a whole refund). */
  readonly feeFen: number;
  readonly atMs: number;
}

export type VpayOutcome = 'paid' | 'cancelled' | 'failed';

export interface VpayOrder {
  readonly outTradeNo: string;
  readonly appid: string;
  readonly openid: string;
  readonly env: number;
  readonly productId: string;
  readonly quantity: number;
  readonly goodsPrice: number;
  readonly attach: string;
  readonly transactionId: string;
  /** xpay order states: 2 paid (to deliver), 4 delivered (the game acknowledged a push), 5 refunded. */
  status: number;
  readonly paidMs: number;
  /** WeChat's platform fee on this payment (fen). */
  readonly feeFen: number;
}

export interface VpayPushRecord {
  readonly outTradeNo: string;
  readonly attempt: number;
  readonly atMs: number;
  readonly httpStatus: number | null;
  readonly errCode: number | null;
  readonly accepted: boolean;
  readonly forged: boolean;
}

interface PendingPush {
  readonly order: VpayOrder;
  dueMs: number;
  failures: number;
  /** Copies still to send even after an acknowledgement (a test of idempotency). */
  extraCopies: number;
  /** Sign with a wrong key (a test of PayEventSig checking). */
  forged: boolean;
}

/** How the sheet's "buyer" acts, and how the push then behaves (for tests). */
export interface VpayPayInput {
  readonly appid: string;
  readonly openid: string;
  readonly signData: string;
  readonly paySig: string;
  readonly signature: string;
  readonly outcome: VpayOutcome;
  /** Send the push this many times in all, acknowledged or not (default 1). */
  readonly pushCopies?: number;
  /** Never push (the game must query). */
  readonly dropPush?: boolean;
  /** Send one push signed with the wrong key before the real ones. */
  readonly forgedPush?: boolean;
}

/** What wx.requestMidasPaymentGameItem hands its success or fail callback. */
export interface VpaySheetAnswer {
  readonly errCode: number;
  readonly errMsg: string;
  readonly outTradeNo?: string;
}

const hmacHex = (key: string, msg: string) => createHmac('sha256', key).update(msg, 'utf8').digest('hex');
function sigEqual(expected: string, given: unknown): boolean {
  return (
    typeof given === 'string' && /^[0-9a-f]{64}$/.test(given) && timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'))
  );
}

export class VpayWorld {
  readonly apps = new Map<string, VpayAppConfig>();
  /** The current session_key per `${appid}:${openid}` (each jscode2session replaces it). */
  readonly sessionKeys = new Map<string, string>();
  readonly orders = new Map<string, VpayOrder>();
  readonly refunds = new Map<string, VpayRefund>();
  /** Bill files handed out by download_bill, by their token. */
  readonly #billFiles = new Map<string, { appid: string; day: string }>();
  readonly #pending: PendingPush[] = [];
  readonly #history: VpayPushRecord[] = [];
  readonly #core: () => SandboxCore;

  constructor(core: () => SandboxCore) {
    this.#core = core;
  }

  configure(input: { appid: string; offerId?: string; appKey?: string; pushUrl?: string | null; feePermille?: number }): VpayAppConfig {
    const core = this.#core();
    core.weixin.app(input.appid);
    const seed = createHash('sha256')
      .update(`vpay:${input.appid}:${core.weixin.apps.get(input.appid)?.secret}`)
      .digest('hex');
    const prev = this.apps.get(input.appid);
    const app: VpayAppConfig = {
      appid: input.appid,
      offerId: input.offerId ?? prev?.offerId ?? `1450${seed.slice(0, 6).replace(/[a-f]/g, '0')}`,
      appKey: input.appKey ?? prev?.appKey ?? seed.slice(0, 32),
      pushUrl: input.pushUrl === undefined ? (prev?.pushUrl ?? null) : input.pushUrl,
      feePermille: input.feePermille ?? prev?.feePermille ?? 100,
    };
    if (!Number.isSafeInteger(app.feePermille) || app.feePermille < 0 || app.feePermille > 1000)
      throw new RangeError('feePermille must be 0..1000');
    this.apps.set(app.appid, app);
    return app;
  }

  #app(appid: string): VpayAppConfig {
    const app = this.apps.get(appid);
    if (app === undefined) throw new WeixinError(48001, 'api unauthorized');
    return app;
  }

  /**
   * The payment sheet: checks what the game signed, then acts as the player chose. Error codes
   * follow our reading of the API page: -1 failed, -2 cancelled by the player, -15001 a parameter
   * or signature the sheet refuses, -15002 an OutTradeNo already used (unverified).
   */
  pay(input: VpayPayInput): VpaySheetAnswer {
    const app = this.apps.get(input.appid);
    if (app === undefined)
      return { errCode: -15001, errMsg: 'requestMidasPaymentGameItem:fail virtual payment is not enabled for this app' };
    if (!sigEqual(hmacHex(app.appKey, `requestMidasPaymentGameItem&${input.signData}`), input.paySig))
      return { errCode: -15001, errMsg: 'requestMidasPaymentGameItem:fail paySig error' };
    const sessionKey = this.sessionKeys.get(`${input.appid}:${input.openid}`);
    if (sessionKey === undefined || !sigEqual(hmacHex(sessionKey, input.signData), input.signature))
      return { errCode: -15001, errMsg: 'requestMidasPaymentGameItem:fail signature error (session_key)' };
    let d: Record<string, unknown>;
    try {
      d = JSON.parse(input.signData) as Record<string, unknown>;
    } catch {
      return { errCode: -15001, errMsg: 'requestMidasPaymentGameItem:fail signData is not JSON' };
    }
    const int = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v > 0;
    if (
      d.mode !== 'goods' ||
      d.offerId !== app.offerId ||
      d.currencyType !== 'CNY' ||
      (d.env !== 0 && d.env !== 1) ||
      !int(d.buyQuantity) ||
      !int(d.goodsPrice) ||
      typeof d.productId !== 'string' ||
      typeof d.outTradeNo !== 'string' ||
      !/^[0-9A-Za-z_-]{1,32}$/.test(d.outTradeNo)
    )
      return { errCode: -15001, errMsg: 'requestMidasPaymentGameItem:fail signData fields' };
    if (this.orders.has(d.outTradeNo)) return { errCode: -15002, errMsg: 'requestMidasPaymentGameItem:fail outTradeNo used' };
    if (input.outcome === 'cancelled') return { errCode: -2, errMsg: 'requestMidasPaymentGameItem:fail cancel' };
    if (input.outcome === 'failed') return { errCode: -1, errMsg: 'requestMidasPaymentGameItem:fail system error' };
    if (this.orders.size >= ORDERS_MAX) throw new Error('sandbox virtual-payment orders are full');
    const core = this.#core();
    const nowMs = core.nowMs();
    const order: VpayOrder = {
      outTradeNo: d.outTradeNo,
      appid: input.appid,
      openid: input.openid,
      env: d.env as number,
      productId: d.productId,
      quantity: d.buyQuantity as number,
      goodsPrice: d.goodsPrice as number,
      attach: typeof d.attach === 'string' ? d.attach : '',
      transactionId: `vp${String(core.nextSeq()).padStart(12, '0')}`,
      status: 2,
      paidMs: nowMs,
      feeFen: Math.floor(((d.goodsPrice as number) * (d.buyQuantity as number) * app.feePermille) / 1000),
    };
    this.orders.set(order.outTradeNo, order);
    if (input.dropPush !== true) {
      if (input.forgedPush === true) this.#pending.push({ order, dueMs: nowMs, failures: 0, extraCopies: 0, forged: true });
      this.#pending.push({ order, dueMs: nowMs, failures: 0, extraCopies: Math.max(0, (input.pushCopies ?? 1) - 1), forged: false });
    }
    return { errCode: 0, errMsg: 'requestMidasPaymentGameItem:ok', outTradeNo: order.outTradeNo };
  }

  /** The push body exactly as signed (JSON message-push envelope, our reading of event.html). */
  pushBody(order: VpayOrder, forged: boolean): string {
    const app = this.#app(order.appid);
    const payload = JSON.stringify({
      OpenId: order.openid,
      Env: order.env,
      OutTradeNo: order.outTradeNo,
      GoodsInfo: {
        ProductId: order.productId,
        Quantity: order.quantity,
        OrigPrice: order.goodsPrice,
        ActualPrice: order.goodsPrice * order.quantity,
        Attach: order.attach,
      },
      WeChatPayInfo: { MchOrderNo: order.outTradeNo, TransactionId: order.transactionId, PaidTime: Math.floor(order.paidMs / 1000) },
    });
    const key = forged ? `${app.appKey}x` : app.appKey;
    return JSON.stringify({
      ToUserName: `gh_${order.appid.slice(-12)}`,
      FromUserName: order.openid,
      CreateTime: Math.floor(this.#core().nowMs() / 1000),
      MsgType: 'event',
      Event: VPAY_DELIVER_EVENT,
      MiniGame: { Payload: payload, PayEventSig: hmacHex(key, `${VPAY_DELIVER_EVENT}&${payload}`) },
    });
  }

  /**
   * A whole-order refund: a paid order (state 2 or 4) with `refund_fee` equal to what it cost and
   * `left_fee` matching; a repeated `refund_order_id` answers the refund already made.
   */
  refund(appid: string, b: Record<string, unknown>): VpayRefund {
    const again = typeof b.refund_order_id === 'string' ? this.refunds.get(b.refund_order_id) : undefined;
    if (again !== undefined) {
      if (again.outTradeNo !== b.order_id) throw new WeixinError(268490011, 'refund_order_id used by another order');
      return again;
    }
    if (typeof b.refund_order_id !== 'string' || !/^[0-9A-Za-z_-]{8,32}$/.test(b.refund_order_id))
      throw new WeixinError(47001, 'data format error: refund_order_id');
    const o = typeof b.order_id === 'string' ? this.orders.get(b.order_id) : undefined;
    if (o === undefined || o.appid !== appid || o.openid !== b.openid || o.env !== b.env)
      throw new WeixinError(268490004, 'order not exist');
    if (o.status === 5) throw new WeixinError(268490012, 'order already refunded');
    const fee = o.goodsPrice * o.quantity;
    if (b.left_fee !== fee || b.refund_fee !== fee) throw new WeixinError(268490013, 'refund_fee or left_fee does not match the order');
    const core = this.#core();
    const r: VpayRefund = {
      refundNo: b.refund_order_id,
      outTradeNo: o.outTradeNo,
      wxRefundId: `vr${String(core.nextSeq()).padStart(12, '0')}`,
      amountFen: fee,
      feeFen: o.feeFen,
      atMs: core.nowMs(),
    };
    this.refunds.set(r.refundNo, r);
    o.status = 5;
    return r;
  }

  /** The bill lines of one China-time day (yyyymmdd): payments paid and refunds made that day. */
  billLines(appid: string, day: string): VpayBillRow[] {
    const start = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - CHINA_OFFSET_MS;
    const end = start + DAY_MS;
    const rows: VpayBillRow[] = [];
    for (const o of this.orders.values())
      if (o.appid === appid && o.paidMs >= start && o.paidMs < end)
        rows.push({
          kind: 'pay',
          outTradeNo: o.outTradeNo,
          refundNo: null,
          wxOrderId: o.transactionId,
          openid: o.openid,
          productId: o.productId,
          quantity: o.quantity,
          amountFen: o.goodsPrice * o.quantity,
          feeFen: o.feeFen,
          atSeconds: Math.floor(o.paidMs / 1000),
        });
    for (const r of this.refunds.values()) {
      const o = this.orders.get(r.outTradeNo);
      if (o === undefined || o.appid !== appid || r.atMs < start || r.atMs >= end) continue;
      rows.push({
        kind: 'refund',
        outTradeNo: r.outTradeNo,
        refundNo: r.refundNo,
        wxOrderId: r.wxRefundId,
        openid: o.openid,
        productId: o.productId,
        quantity: o.quantity,
        amountFen: r.amountFen,
        feeFen: -r.feeFen,
        atSeconds: Math.floor(r.atMs / 1000),
      });
    }
    return rows;
  }

  /** Hands out a bill file's token (download_bill); the file is cut when it is fetched. */
  billToken(appid: string, day: string): string {
    const token = createHash('sha256').update(`${appid}:${day}:${this.#core().nextSeq()}`).digest('hex').slice(0, 32);
    this.#billFiles.set(token, { appid, day });
    return token;
  }

  billFile(token: string): string | null {
    const f = this.#billFiles.get(token);
    if (f === undefined) return null;
    return `${BILL_COLUMNS}\n${this.billLines(f.appid, f.day).map(billLine).join('\n')}\n`;
  }

  peekDue(nowMs: number): boolean {
    return this.#pending.some((p) => p.dueMs <= nowMs);
  }

  /** Sends the earliest due push once; reschedules it by WeChat's retry schedule unless acknowledged. */
  async deliverOne(nowMs: number): Promise<void> {
    let best = -1;
    for (let i = 0; i < this.#pending.length; i++) {
      const p = this.#pending[i] as PendingPush;
      if (p.dueMs <= nowMs && (best < 0 || p.dueMs < (this.#pending[best] as PendingPush).dueMs)) best = i;
    }
    if (best < 0) return;
    const p = this.#pending.splice(best, 1)[0] as PendingPush;
    const app = this.#app(p.order.appid);
    let httpStatus: number | null = null;
    let errCode: number | null = null;
    if (app.pushUrl !== null) {
      try {
        const res = await fetch(app.pushUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: this.pushBody(p.order, p.forged),
          signal: AbortSignal.timeout(VPAY_PUSH_TIMEOUT_MS),
        });
        httpStatus = res.status;
        const answer = (await res.json().catch(() => null)) as { ErrCode?: unknown } | null;
        errCode = typeof answer?.ErrCode === 'number' ? answer.ErrCode : null;
      } catch {
        httpStatus = null;
      }
    }
    const accepted = httpStatus === 200 && errCode === 0;
    this.#history.push({
      outTradeNo: p.order.outTradeNo,
      attempt: p.failures + 1,
      atMs: nowMs,
      httpStatus,
      errCode,
      accepted,
      forged: p.forged,
    });
    if (this.#history.length > PUSHES_KEPT_MAX) this.#history.shift();
    // A forged copy is a probe: never retried.
    if (p.forged) return;
    if (accepted) {
      p.order.status = 4;
      if (p.extraCopies > 0) this.#pending.push({ ...p, dueMs: nowMs, extraCopies: p.extraCopies - 1 });
      return;
    }
    const wait = RETRY_SCHEDULE_MS[p.failures];
    if (wait === undefined) return;
    this.#pending.push({ ...p, failures: p.failures + 1, dueMs: nowMs + wait });
  }

  pushes(outTradeNo?: string): VpayPushRecord[] {
    return this.#history.filter((h) => outTradeNo === undefined || h.outTradeNo === outTradeNo);
  }
}

/**
 * `POST /xpay/query_order?access_token=…&pay_sig=…` with `{openid, env, order_id}`: the order as
 * the mini-program flavour answers it (the mini-game pages do not show this call; unverified).
 */
export function xpayQueryOrder(core: SandboxCore, req: ApiRequest): ApiResult {
  const token = req.query.get('access_token');
  if (token === null || token === '') throw new WeixinError(41001, 'access_token missing');
  const appid = core.weixin.appOfToken(token);
  const app = core.vpay.apps.get(appid);
  if (app === undefined) throw new WeixinError(48001, 'api unauthorized');
  const body = req.rawBody.toString('utf8');
  if (!sigEqual(hmacHex(app.appKey, `${req.path}&${body}`), req.query.get('pay_sig'))) throw new WeixinError(268435463, 'pay_sig error');
  let b: Record<string, unknown>;
  try {
    b = JSON.parse(body) as Record<string, unknown>;
  } catch {
    throw new WeixinError(47001, 'data format error');
  }
  if (typeof b.order_id !== 'string' || typeof b.openid !== 'string') throw new WeixinError(47001, 'data format error');
  const o = core.vpay.orders.get(b.order_id);
  if (o === undefined || o.appid !== appid || o.openid !== b.openid || o.env !== b.env) throw new WeixinError(268490004, 'order not exist');
  return ok({
    errcode: 0,
    errmsg: 'ok',
    order: {
      order_id: o.outTradeNo,
      create_time: Math.floor(o.paidMs / 1000),
      status: o.status,
      biz_type: 0,
      order_fee: o.goodsPrice * o.quantity,
      paid_fee: o.goodsPrice * o.quantity,
      order_type: 0,
      env_type: o.env,
      wx_order_id: o.transactionId,
      wxpay_order_id: o.transactionId,
      buy_quantity: o.quantity,
      product_id: o.productId,
    },
  });
}

/** Checks access_token and pay_sig of an xpay call and answers the app and its parsed body. */
function xpayCall(core: SandboxCore, req: ApiRequest): { app: VpayAppConfig; b: Record<string, unknown> } {
  const token = req.query.get('access_token');
  if (token === null || token === '') throw new WeixinError(41001, 'access_token missing');
  const appid = core.weixin.appOfToken(token);
  const app = core.vpay.apps.get(appid);
  if (app === undefined) throw new WeixinError(48001, 'api unauthorized');
  const body = req.rawBody.toString('utf8');
  if (!sigEqual(hmacHex(app.appKey, `${req.path}&${body}`), req.query.get('pay_sig'))) throw new WeixinError(268435463, 'pay_sig error');
  try {
    const b = JSON.parse(body) as unknown;
    if (typeof b !== 'object' || b === null || Array.isArray(b)) throw new Error('not an object');
    return { app, b: b as Record<string, unknown> };
  } catch {
    throw new WeixinError(47001, 'data format error');
  }
}

/**
 * `POST /xpay/refund_order?access_token=…&pay_sig=…` with `{openid, order_id, refund_order_id,
 * left_fee, refund_fee, biz_meta, refund_reason, req_from, env}`: a whole-order refund, made at
 * once (the mini-program flavour; unverified for mini-games).
 */
export function xpayRefundOrder(core: SandboxCore, req: ApiRequest): ApiResult {
  const { app, b } = xpayCall(core, req);
  const r = core.vpay.refund(app.appid, b);
  return ok({
    errcode: 0,
    errmsg: 'ok',
    refund_order_id: r.refundNo,
    refund_wx_order_id: r.wxRefundId,
    pay_order_id: r.outTradeNo,
    pay_wx_order_id: core.vpay.orders.get(r.outTradeNo)?.transactionId ?? '',
  });
}

/**
 * `POST /xpay/download_bill` with `{begin_ds, end_ds}` (one day, yyyymmdd): answers `{url}` of
 * the day's bill file (CSV; our reading, unverified). A day that has not ended is refused.
 */
export function xpayDownloadBill(core: SandboxCore, req: ApiRequest): ApiResult {
  const { app, b } = xpayCall(core, req);
  const day = String(b.begin_ds);
  if (!/^\d{8}$/.test(day) || b.end_ds !== b.begin_ds) throw new WeixinError(47001, 'data format error: begin_ds/end_ds');
  const end = Date.UTC(Number(day.slice(0, 4)), Number(day.slice(4, 6)) - 1, Number(day.slice(6, 8))) - CHINA_OFFSET_MS + DAY_MS;
  if (!(end <= core.nowMs())) throw new WeixinError(268490020, 'bill not ready');
  return ok({ errcode: 0, errmsg: 'ok', url: `${core.baseUrl}/xpay/bill_file/${core.vpay.billToken(app.appid, day)}` });
}

/** `GET /xpay/bill_file/{token}`: the bill file download_bill pointed at (unsigned, like WeChat Pay's). */
export function xpayBillFile(core: SandboxCore, req: ApiRequest): ApiResult {
  const text = core.vpay.billFile(req.params[0] ?? '');
  if (text === null) throw new WeixinError(40066, 'invalid url');
  return { status: 200, raw: Buffer.from(text, 'utf8'), contentType: 'text/csv; charset=utf-8' };
}

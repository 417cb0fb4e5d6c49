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
  /** xpay order states: 2 paid (to deliver), 4 delivered (the game acknowledged a push). */
  status: number;
  readonly paidMs: number;
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
  readonly #pending: PendingPush[] = [];
  readonly #history: VpayPushRecord[] = [];
  readonly #core: () => SandboxCore;

  constructor(core: () => SandboxCore) {
    this.#core = core;
  }

  configure(input: { appid: string; offerId?: string; appKey?: string; pushUrl?: string | null }): VpayAppConfig {
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
    };
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

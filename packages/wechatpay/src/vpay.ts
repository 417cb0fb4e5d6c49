// 虚拟支付 2.0 (WeChat's virtual payment for mini-games): the signatures both sides compute.
// The signing half loads alone (`@fairground/wechatpay/vpay`): the server signs without loading the Pay client and its error codes.
// A mini-game cannot call wx.requestPayment; items are sold through wx.requestMidasPaymentGameItem,
// signed with the virtual-payment AppKey and the player's session_key (research wechatpay.md §2.6,
// https://developers.weixin.qq.com/minigame/introduction/commercialization/virtual-payment/signature.html):
//   paySig     = hex(HMAC-SHA256(AppKey, "requestMidasPaymentGameItem&" + signData))
//   signature  = hex(HMAC-SHA256(session_key, signData))          (user state; session_key as issued)
//   pay_sig    = hex(HMAC-SHA256(AppKey, uri + "&" + body))         (server API calls)
//   PayEventSig = hex(HMAC-SHA256(AppKey, event + "&" + payload))   (delivery push)
// signData is sent as the exact string that was signed, so its key order is ours to choose; we keep
// the order of the documented example.
import { createHmac, timingSafeEqual } from 'node:crypto';

export const VPAY_PAY_SIG_METHOD = 'requestMidasPaymentGameItem';
/** The delivery push of an item bought in a mini-game (…/virtual-payment/goods.html). */
export const VPAY_DELIVER_EVENT = 'minigame_game_pay_goods_deliver_notify';
/** Where WeChat runs the payment: 0 production, 1 sandbox (沙箱环境). */
export type VpayEnv = 0 | 1;

export interface VpaySignDataInput {
  readonly offerId: string;
  readonly buyQuantity: number;
  readonly env: VpayEnv;
  readonly productId: string;
  /** Unit price in fen, as configured for the item in the MP console. */
  readonly goodsPrice: number;
  readonly outTradeNo: string;
  readonly attach: string;
}

/** The signData string (JSON, documented key order; `mode: goods`, `currencyType: CNY`). */
export function vpaySignData(i: VpaySignDataInput): string {
  return JSON.stringify({
    mode: 'goods',
    offerId: i.offerId,
    buyQuantity: i.buyQuantity,
    env: i.env,
    currencyType: 'CNY',
    productId: i.productId,
    goodsPrice: i.goodsPrice,
    outTradeNo: i.outTradeNo,
    attach: i.attach,
  });
}

function hmacHex(key: string, message: string): string {
  return createHmac('sha256', key).update(message, 'utf8').digest('hex');
}

/** paySig of wx.requestMidasPaymentGameItem. */
export function vpayPaySig(appKey: string, signData: string): string {
  return hmacHex(appKey, `${VPAY_PAY_SIG_METHOD}&${signData}`);
}

/**
 * The user-state signature: HMAC keyed by the session_key string exactly as code2session issued it
 * (community code does so; whether WeChat Base64-decodes it first is unverified, research §2.6).
 */
export function vpayUserSignature(sessionKey: string, payload: string): string {
  return hmacHex(sessionKey, payload);
}

/** pay_sig of a server API call: `uri` is the path without the query. */
export function vpayApiSig(appKey: string, uri: string, body: string): string {
  return hmacHex(appKey, `${uri}&${body}`);
}

/** PayEventSig of a push. */
export function vpayEventSig(appKey: string, event: string, payload: string): string {
  return hmacHex(appKey, `${event}&${payload}`);
}

/** Constant-time comparison of two hex signatures (false for anything not 64 lower-case hex digits). */
export function vpaySigEqual(expected: string, given: unknown): boolean {
  if (typeof given !== 'string' || !/^[0-9a-f]{64}$/.test(given)) return false;
  return timingSafeEqual(Buffer.from(expected, 'hex'), Buffer.from(given, 'hex'));
}

/** The fields of a delivery push we use (`GoodsInfo` carries the item and quantity). */
export interface VpayDeliverPayload {
  readonly OpenId: string;
  readonly Env: number;
  readonly OutTradeNo: string;
  readonly GoodsInfo: {
    readonly ProductId: string;
    readonly Quantity: number;
    readonly ZoneId?: string;
    readonly OrigPrice?: number;
    readonly ActualPrice?: number;
    readonly Attach?: string;
  };
  readonly WeChatPayInfo?: { readonly MchOrderNo?: string; readonly TransactionId?: string; readonly PaidTime?: number };
}

/** An order as the query answers it. */
export interface VpayOrderStatus {
  readonly outTradeNo: string;
  /** WeChat's order state (0 created … 4 delivered, 5 refunded, 6 closed). */
  readonly status: number;
  readonly paid: boolean;
  readonly quantity: number | null;
  readonly orderFee: number | null;
}

/** The query's errcode for an order WeChat does not know (xpay "order not exist"; unverified). */
export const VPAY_ORDER_NOT_EXIST = 268490004;

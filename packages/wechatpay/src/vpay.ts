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

/**
 * A refund of a virtual-payment order (`/xpay/refund_order`, the mini-program flavour; the
 * mini-game pages do not show refunds, so the path and fields are our reading, unverified).
 * `refundNo` is ours and makes the call idempotent: WeChat answers a repeated number with the
 * refund it already made.
 */
export interface VpayRefundInput {
  readonly openid: string;
  readonly env: VpayEnv;
  readonly outTradeNo: string;
  readonly refundNo: string;
  /** What is left of the order before this refund (fen). */
  readonly leftFeeFen: number;
  readonly refundFeeFen: number;
  /** Free text for the operator's reason (WeChat's own reason code is `refund_reason`: "0" other). */
  readonly bizMeta: string;
}

export interface VpayRefundResult {
  readonly refundNo: string;
  readonly wxRefundId: string;
}

/** One line of a virtual-payment bill: a payment or a refund, amounts and WeChat's fee in fen. */
export interface VpayBillRow {
  readonly kind: 'pay' | 'refund';
  readonly outTradeNo: string;
  readonly refundNo: string | null;
  readonly wxOrderId: string;
  readonly openid: string;
  readonly productId: string;
  readonly quantity: number;
  /** Paid (pay) or refunded (refund), fen. */
  readonly amountFen: number;
  /** The platform fee WeChat keeps on this line (negative on a refund line when it is given back). */
  readonly feeFen: number;
  readonly atSeconds: number;
}

/** The columns of the bill file, in our reading (unverified: the pages do not show the file). */
export const VPAY_BILL_COLUMNS = [
  'type',
  'order_id',
  'refund_order_id',
  'wx_order_id',
  'openid',
  'product_id',
  'buy_quantity',
  'fee',
  'platform_fee',
  'time',
] as const;
/** Lines one bill may hold (a day of a large game fits many times over). */
export const VPAY_BILL_ROWS_MAX = 200_000;

/**
 * Parses a bill file (UTF-8 CSV with a header naming the columns above, in any order; amounts
 * integer fen). Anything else is refused with a RangeError rather than half-read.
 */
export function parseVpayBill(text: string): VpayBillRow[] {
  const lines = text
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .filter((l) => l.trim() !== '');
  const header = (lines.shift() ?? '').split(',').map((h) => h.trim());
  const at: Record<string, number> = {};
  for (const c of VPAY_BILL_COLUMNS) {
    const i = header.indexOf(c);
    if (i < 0) throw new RangeError(`bill has no ${c} column`);
    at[c] = i;
  }
  if (lines.length > VPAY_BILL_ROWS_MAX) throw new RangeError(`bill has more than ${VPAY_BILL_ROWS_MAX} lines`);
  return lines.map((line, n) => {
    const cells = line.split(',');
    const cell = (c: (typeof VPAY_BILL_COLUMNS)[number]) => (cells[at[c] as number] ?? '').trim();
    const int = (c: (typeof VPAY_BILL_COLUMNS)[number], signed = false) => {
      const v = cell(c);
      if (!(signed ? /^-?\d{1,15}$/ : /^\d{1,15}$/).test(v)) throw new RangeError(`bill line ${n + 2}: ${c} is not an integer`);
      return Number(v);
    };
    const type = cell('type');
    if (type !== 'pay' && type !== 'refund') throw new RangeError(`bill line ${n + 2}: type is ${type.slice(0, 16)}`);
    const outTradeNo = cell('order_id');
    if (!/^[0-9A-Za-z_-]{1,64}$/.test(outTradeNo)) throw new RangeError(`bill line ${n + 2}: order_id is malformed`);
    const refundNo = cell('refund_order_id');
    if (type === 'refund' && !/^[0-9A-Za-z_-]{1,64}$/.test(refundNo))
      throw new RangeError(`bill line ${n + 2}: a refund without refund_order_id`);
    return {
      kind: type,
      outTradeNo,
      refundNo: type === 'refund' ? refundNo : null,
      wxOrderId: cell('wx_order_id').slice(0, 64),
      openid: cell('openid').slice(0, 128),
      productId: cell('product_id').slice(0, 64),
      quantity: int('buy_quantity'),
      amountFen: int('fee'),
      feeFen: int('platform_fee', true),
      atSeconds: int('time'),
    };
  });
}

/** One line of the bill file as the sandbox writes it (and as the parser reads it). */
export function formatVpayBillLine(r: VpayBillRow): string {
  return [r.kind, r.outTradeNo, r.refundNo ?? '', r.wxOrderId, r.openid, r.productId, r.quantity, r.amountFen, r.feeFen, r.atSeconds].join(
    ',',
  );
}

// What virtual payment needs from WeChat: the mini-game's appid, the OfferID/AppKey/env of its
// virtual-payment account, the order query, the refund and the daily bill. Bound only with real
// WeChat sign-in (the user-state signature needs the session_key code2session issued). The refund
// and bill calls follow our reading of the mini-program flavour (unverified; wechatpay README).
import type { VpayBillRow, VpayOrderStatus } from '@fairground/wechatpay/vpay';
import type { VpayConfig } from '../wechat/index.ts';

/** A refund WeChat did not make: `refused` is final (it said no), `unclear` may have happened. */
export class VpayRefundFailure extends Error {
  readonly kind: 'refused' | 'unclear';
  readonly code: string;
  constructor(kind: 'refused' | 'unclear', code: string) {
    super(`virtual-payment refund ${kind}: ${code}`);
    this.kind = kind;
    this.code = code;
  }
}

export interface VirtualPaymentPort {
  /** The mini-game whose players pay (its session_keys sign the user state). */
  readonly appid: string;
  readonly config: VpayConfig;
  queryOrder(q: { readonly openid: string; readonly outTradeNo: string }): Promise<VpayOrderStatus>;
  /** A whole-order refund, idempotent by `refundNo`; throws VpayRefundFailure. */
  refundOrder(r: {
    readonly openid: string;
    readonly outTradeNo: string;
    readonly refundNo: string;
    readonly amountFen: number;
    readonly reason: string;
  }): Promise<{ readonly wxRefundId: string }>;
  /** The bill of one China-time day (`yyyymmdd`). */
  downloadBill(day: string): Promise<VpayBillRow[]>;
}

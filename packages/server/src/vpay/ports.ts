// What virtual payment needs from WeChat: the mini-game's appid, the OfferID/AppKey/env of its
// virtual-payment account, and the order query. Bound only with real WeChat sign-in (the
// user-state signature needs the session_key code2session issued).
import type { VpayOrderStatus } from '@fairground/wechatpay/vpay';
import type { VpayConfig } from '../wechat/config.ts';

export interface VirtualPaymentPort {
  /** The mini-game whose players pay (its session_keys sign the user state). */
  readonly appid: string;
  readonly config: VpayConfig;
  queryOrder(q: { readonly openid: string; readonly outTradeNo: string }): Promise<VpayOrderStatus>;
}

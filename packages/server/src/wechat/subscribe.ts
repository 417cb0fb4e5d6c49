// The subscription-message sender port bound to WeChat: subscribeMessage.send on the mini-game app,
// with the access token the app's client keeps in the shared cache (token-cache.ts); the client
// replaces a rejected token (40001/42001) once. The call and its errcodes are described beside
// WeixinClient.subscribeSend (packages/wechatpay, weixin.ts; developers.weixin.qq.com/miniprogram/
// dev/OpenApiDoc/mp-message-management/subscribe-message/sendMessage.html).
import { WechatPayError, type WeixinClient, weixinErrcode } from '@fairground/wechatpay';
import type { SubscribeSender } from '../subscriptions/index.ts';

export function wechatSubscribeSender(client: WeixinClient): SubscribeSender {
  return {
    appId: client.appid,
    async send(m) {
      try {
        await client.subscribeSend({ touser: m.touser, templateId: m.templateId, page: m.page, data: m.data, lang: m.lang });
        return { ok: true };
      } catch (e) {
        // An errcode is WeChat's answer; a timeout or a malformed answer has none (retried later).
        if (e instanceof WechatPayError) return { ok: false, errcode: weixinErrcode(e) ?? null };
        // Refused before the call: the openid or the template id is malformed (never retried).
        if (e instanceof RangeError) return { ok: false, errcode: e.message.includes('openid') ? 40003 : 40037 };
        throw e;
      }
    },
  };
}

// The chat domain's content-check port bound to WeChat: msgSecCheck v2 on the mini-game app, with
// the access token the app's client already keeps in the shared cache (token-cache.ts). The call,
// its fields and errcodes are described beside WeixinClient.msgSecCheck (packages/wechatpay,
// weixin.ts; developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html).
// Chat at a card table is a comment-like short message: scene 2 (评论).
import { WechatPayError, type WeixinClient, weixinErrcode } from '@fairground/wechatpay';
import { type ContentCheck, ContentCheckUnavailable } from '../chat/index.ts';

const CHAT_SCENE = 2;

export function wechatContentCheck(client: WeixinClient): ContentCheck {
  return {
    appid: client.appid,
    async check({ openid, content }) {
      try {
        const v = await client.msgSecCheck({ openid, content, scene: CHAT_SCENE });
        return { suggest: v.suggest, label: v.label, traceId: v.traceId ?? null };
      } catch (e) {
        // No verdict: a refused request (61010 user not active in two hours, 40003 unknown openid,
        // 44004, 40001 after the one token replacement), a timeout, or a malformed answer.
        if (e instanceof WechatPayError || e instanceof RangeError)
          throw new ContentCheckUnavailable(weixinErrcode(e) ?? null, e instanceof Error ? e.message : 'content check failed');
        throw e;
      }
    },
  };
}

// Subscription messages as the platform sends them: POST /cgi-bin/message/subscribe/send?access_token=…
//
// subscribeMessage.send (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/mp-message-management/
// subscribe-message/sendMessage.html, formerly …/api-backend/open-api/subscribe-message/
// subscribeMessage.send.html): the body is `{touser, template_id, page?, data, miniprogram_state?,
// lang?}`; `data` maps each template keyword (thing1, date2, …) to `{value}`; miniprogram_state is
// developer | trial | formal (default formal); lang zh_CN | en_US | zh_HK | zh_TW (default zh_CN).
// The answer is errcode 0 and `msgid`. Errcodes as the documentation and community threads quote
// them: 40003 touser is not a valid openid, 40037 template_id is not valid, 43101 "user refuse to
// accept the msg" (no unspent consent), 47003 template parameters invalid, 45009 the daily quota is
// reached, 40001/42001 a bad or expired token, -1 system busy.
//
// The sandbox cannot know what a player accepted on their phone, so it never answers 43101 by
// itself: it validates the token and the body, records the message (`WeixinWorld.subscribeSends`),
// and tests force the other answers with a 'weixin-errcode' fault on this path (faults.ts).
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { WeixinError } from './errors.ts';
import { jsonObject, need } from './weixin.ts';

export const SUBSCRIBE_STATES = ['developer', 'trial', 'formal'] as const;
export const SUBSCRIBE_LANGS = ['zh_CN', 'en_US', 'zh_HK', 'zh_TW'] as const;
/** A keyword's value longer than this is refused (47003); the documented limits are 20 characters for thing, less for others. */
export const SUBSCRIBE_VALUE_CHARS_MAX = 20;
const KEYWORD = /^[a-z_]+[0-9]{1,3}$/;

export function subscribeSend(core: SandboxCore, req: ApiRequest): ApiResult {
  const appid = core.weixin.appOfToken(need(req, 'access_token', 41001));
  const body = jsonObject(req);
  if ('access_token' in body) throw new WeixinError(47001, 'data format error');
  const { touser, template_id: templateId, page, data } = body;
  const state = body.miniprogram_state ?? 'formal';
  const lang = body.lang ?? 'zh_CN';
  if (typeof touser !== 'string' || touser === '' || core.weixin.playerByOpenid(appid, touser) === undefined)
    throw new WeixinError(40003, 'invalid openid');
  if (typeof templateId !== 'string' || !/^[0-9A-Za-z_-]{1,128}$/.test(templateId)) throw new WeixinError(40037, 'invalid template_id');
  if (page !== undefined && (typeof page !== 'string' || page.length > 512)) throw new WeixinError(47003, 'argument invalid! page');
  if (typeof state !== 'string' || !(SUBSCRIBE_STATES as readonly string[]).includes(state))
    throw new WeixinError(47003, 'argument invalid! miniprogram_state');
  if (typeof lang !== 'string' || !(SUBSCRIBE_LANGS as readonly string[]).includes(lang))
    throw new WeixinError(47003, 'argument invalid! lang');
  if (typeof data !== 'object' || data === null || Array.isArray(data) || Object.keys(data).length === 0)
    throw new WeixinError(47003, 'argument invalid! data');
  const values: Record<string, { value: string }> = {};
  for (const [k, v] of Object.entries(data as Record<string, unknown>)) {
    const value = typeof v === 'object' && v !== null ? (v as Record<string, unknown>).value : undefined;
    if (!KEYWORD.test(k) || typeof value !== 'string' || value === '' || [...value].length > SUBSCRIBE_VALUE_CHARS_MAX)
      throw new WeixinError(47003, `argument invalid! data.${k.slice(0, 20)}.value`);
    values[k] = { value };
  }
  const atMs = core.nowMs();
  core.weixin.subscribeSends.push({
    appid,
    touser,
    templateId,
    page: typeof page === 'string' ? page : null,
    data: values,
    miniprogramState: state,
    lang,
    atMs,
  });
  return ok({ errcode: 0, errmsg: 'ok', msgid: 3_000_000_000 + core.weixin.subscribeSends.length });
}

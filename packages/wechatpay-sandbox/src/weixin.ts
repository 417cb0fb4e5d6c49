// api.weixin.qq.com as the platform uses it: mini-game and mini-program login (jscode2session),
// the app's access_token (stable_token and the older /cgi-bin/token), the JS-SDK jsapi_ticket,
// the phone number (getuserphonenumber), and OAuth for official-account H5 pages and website QR
// login (code -> access_token -> userinfo, refresh_token). Answers are `{errcode, errmsg}` JSON
// with HTTP 200 on failure, as that API does. The rules and their sources are in weixin-world.ts.
import { randomBytes } from 'node:crypto';
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { WeixinError } from './errors.ts';
import type { OAuthScopeName, WeixinApp } from './weixin-model.ts';
import { TOKEN_TTL_S } from './weixin-world.ts';

export { LOGIN_CODE_TTL_MS, TOKEN_TTL_S } from './weixin-world.ts';

/** errmsg of the errcodes the sandbox answers, as WeChat spells them. */
export const WEIXIN_ERRMSG: Readonly<Record<number, string>> = {
  [-1]: 'system error',
  40001: 'invalid credential, access_token is invalid or not latest',
  40002: 'invalid grant_type',
  40003: 'invalid openid',
  40013: 'invalid appid',
  40029: 'invalid code',
  40030: 'invalid refresh_token',
  40097: 'invalid args',
  40125: 'invalid appsecret',
  40163: 'code been used',
  40226: 'high risk user',
  44004: 'empty content',
  41002: 'appid missing',
  41004: 'appsecret missing',
  41008: 'missing code',
  42001: 'access_token expired',
  42002: 'refresh_token expired',
  43002: 'require POST method',
  45009: 'reach max api daily quota limit',
  45011: 'api minute-quota reach limit mustslower retry next minute',
  47001: 'data format error',
  48001: 'api unauthorized',
  61010: 'code is expired',
  87014: 'risky content',
};

export function weixinErrmsg(errcode: number): string {
  return WEIXIN_ERRMSG[errcode] ?? 'sandbox injected error';
}

/** Issues a single-use code for the default app (the first version's API; see WeixinWorld.legacyCode). */
export function issueLoginCode(
  core: SandboxCore,
  openid: string,
  kind: 'jscode' | 'oauth',
  scope: OAuthScopeName = 'snsapi_userinfo',
): string {
  return core.weixin.legacyCode(openid, kind, scope);
}

export function need(req: ApiRequest, name: string, missingErrcode = 41002): string {
  const v = req.query.get(name);
  if (v === null || v === '') throw new WeixinError(missingErrcode, `${name} missing`);
  return v;
}

function appOf(core: SandboxCore, appid: string, secret: string): WeixinApp {
  const app = core.weixin.apps.get(appid);
  if (app === undefined) throw new WeixinError(40013, 'invalid appid');
  if (secret !== app.secret) throw new WeixinError(40125, 'invalid appsecret');
  return app;
}

function checkApp(core: SandboxCore, req: ApiRequest): WeixinApp {
  const appid = need(req, 'appid', 41002);
  const secret = need(req, 'secret', 41004);
  return appOf(core, appid, secret);
}

/** A JSON body as these endpoints read it: 47001 when it is not a JSON object. */
export function jsonObject(req: ApiRequest): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(req.rawBody.toString('utf8'));
  } catch {
    throw new WeixinError(47001, 'data format error');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new WeixinError(47001, 'data format error');
  return value as Record<string, unknown>;
}

export function jscode2session(core: SandboxCore, req: ApiRequest): ApiResult {
  const app = checkApp(core, req);
  const code = need(req, 'js_code', 41008);
  if (need(req, 'grant_type') !== 'authorization_code') throw new WeixinError(40002, 'invalid grant_type');
  const { c, player } = core.weixin.peekCode(code, 'jscode', app.appid);
  const openid = core.weixin.openidOf(player, app.appid);
  core.weixin.countUserCall(app.appid, openid);
  c.used = true;
  core.weixin.markActive(app.appid, openid);
  if (player.highRisk) throw new WeixinError(40226, 'high risk user');
  const key = sessionKey();
  // Virtual payment checks the user-state signature with the player's newest session_key.
  core.vpay.sessionKeys.set(`${app.appid}:${openid}`, key);
  const out: Record<string, unknown> = { session_key: key, openid };
  const unionid = core.weixin.unionidOf(player, app);
  if (unionid !== undefined) out.unionid = unionid;
  return ok(out);
}

function sessionKey(): string {
  // 16 random bytes in Base64, as the AES-128 key it is.
  return randomBytes(16).toString('base64');
}

export function oauthAccessToken(core: SandboxCore, req: ApiRequest): ApiResult {
  const app = checkApp(core, req);
  const code = need(req, 'code', 41008);
  if (need(req, 'grant_type') !== 'authorization_code') throw new WeixinError(40002, 'invalid grant_type');
  const { c, player } = core.weixin.peekCode(code, 'oauth', app.appid);
  c.used = true;
  const { accessToken, refreshToken } = core.weixin.newOAuthTokens(c, player);
  const scope = c.scope ?? 'snsapi_base';
  const out: Record<string, unknown> = {
    access_token: accessToken,
    expires_in: TOKEN_TTL_S,
    refresh_token: refreshToken,
    openid: core.weixin.openidOf(player, app.appid),
    scope,
    is_snapshotuser: 0,
  };
  const unionid = core.weixin.unionidOf(player, app);
  if (unionid !== undefined && scope !== 'snsapi_base') out.unionid = unionid;
  return ok(out);
}

export function oauthRefreshToken(core: SandboxCore, req: ApiRequest): ApiResult {
  const appid = need(req, 'appid', 41002);
  if (!core.weixin.apps.has(appid)) throw new WeixinError(40013, 'invalid appid');
  if (need(req, 'grant_type') !== 'refresh_token') throw new WeixinError(40002, 'invalid grant_type');
  const { accessToken, r } = core.weixin.refreshOAuth(appid, need(req, 'refresh_token', 40030));
  return ok({
    access_token: accessToken,
    expires_in: TOKEN_TTL_S,
    refresh_token: req.query.get('refresh_token'),
    openid: r.openid,
    scope: r.scope,
  });
}

export function snsUserinfo(core: SandboxCore, req: ApiRequest): ApiResult {
  const t = core.weixin.oauthToken(need(req, 'access_token', 41001));
  if (need(req, 'openid', 41009) !== t.openid) throw new WeixinError(40003, 'invalid openid');
  if (t.scope === 'snsapi_base') throw new WeixinError(48001, 'api unauthorized');
  const player = core.weixin.players.get(t.handle);
  const app = core.weixin.apps.get(t.appid);
  if (player === undefined || app === undefined) throw new WeixinError(40003, 'invalid openid');
  const out: Record<string, unknown> = {
    openid: t.openid,
    nickname: player.nickname,
    // Since 2021 WeChat no longer gives sex and region: 0 and empty strings.
    sex: 0,
    province: '',
    city: '',
    country: '',
    headimgurl: core.weixin.avatarOf(player),
    privilege: [],
  };
  const unionid = core.weixin.unionidOf(player, app);
  if (unionid !== undefined) out.unionid = unionid;
  return ok(out);
}

export function snsAuth(core: SandboxCore, req: ApiRequest): ApiResult {
  const t = core.weixin.oauthToken(need(req, 'access_token', 41001));
  if (need(req, 'openid', 41009) !== t.openid) throw new WeixinError(40003, 'invalid openid');
  return ok({ errcode: 0, errmsg: 'ok' });
}

export function cgiToken(core: SandboxCore, req: ApiRequest): ApiResult {
  if (need(req, 'grant_type') !== 'client_credential') throw new WeixinError(40002, 'invalid grant_type');
  const app = checkApp(core, req);
  const t = core.weixin.legacyToken(app.appid);
  return ok({ access_token: t.value, expires_in: t.expiresInSeconds });
}

export function stableTokenGet(): ApiResult {
  throw new WeixinError(43002, 'require POST method');
}

export function stableToken(core: SandboxCore, req: ApiRequest): ApiResult {
  const body = jsonObject(req);
  if (body.grant_type !== 'client_credential') throw new WeixinError(40002, 'invalid grant_type');
  if (typeof body.appid !== 'string' || body.appid === '') throw new WeixinError(41002, 'appid missing');
  if (typeof body.secret !== 'string' || body.secret === '') throw new WeixinError(41004, 'appsecret missing');
  const force = body.force_refresh ?? false;
  if (typeof force !== 'boolean') throw new WeixinError(47001, 'data format error');
  const app = appOf(core, body.appid, body.secret);
  const t = core.weixin.stableToken(app.appid, force);
  return ok({ access_token: t.value, expires_in: t.expiresInSeconds });
}

export function getTicket(core: SandboxCore, req: ApiRequest): ApiResult {
  const appid = core.weixin.appOfToken(need(req, 'access_token', 41001));
  const type = need(req, 'type', 40097);
  if (type !== 'jsapi' && type !== 'wx_card') throw new WeixinError(40097, 'invalid args');
  const t = core.weixin.jsapiTicket(appid);
  return ok({ errcode: 0, errmsg: 'ok', ticket: t.ticket, expires_in: t.expiresInSeconds });
}

export function getUserPhoneNumber(core: SandboxCore, req: ApiRequest): ApiResult {
  const appid = core.weixin.appOfToken(need(req, 'access_token', 41001));
  const body = jsonObject(req);
  if (typeof body.code !== 'string' || body.code === '') throw new WeixinError(41008, 'missing code');
  // The page documents one answer for unknown, expired and used codes: 40029.
  const { c, player } = core.weixin.peekCode(body.code, 'phone', appid, 40029);
  if (body.openid !== undefined && body.openid !== core.weixin.openidOf(player, appid)) throw new WeixinError(40029, 'invalid code');
  c.used = true;
  const phone = player.phone;
  if (phone === null) throw new WeixinError(40029, 'invalid code');
  const nowS = Math.floor(core.nowMs() / 1000);
  return ok({
    errcode: 0,
    errmsg: 'ok',
    phone_info: {
      phoneNumber: phone.countryCode === '86' ? phone.number : `+${phone.countryCode}${phone.number}`,
      purePhoneNumber: phone.number,
      // The official example answers a number here although the field table says string.
      countryCode: Number(phone.countryCode),
      watermark: { timestamp: nowS, appid },
    },
  });
}

// api.weixin.qq.com as the platform uses it: mini-program login (jscode2session), H5 OAuth
// (code -> access_token -> userinfo), the official-account access_token and the JS-SDK
// jsapi_ticket. Answers are `{errcode, errmsg}` JSON with HTTP 200 on failure, as that API does.
import { createHash, randomBytes } from 'node:crypto';
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { randomAlphanumeric } from './crypto.ts';
import { WeixinError } from './errors.ts';
import { LOGIN_CODES_MAX, TOKENS_MAX } from './model.ts';

/** Login codes live 5 minutes and work once. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;
/** access_token and jsapi_ticket: 7200 s. */
export const TOKEN_TTL_S = 7200;
/** A replaced official-account access_token keeps working this long, as documented. */
export const OLD_TOKEN_GRACE_MS = 5 * 60_000;

function evictExpired<V extends { expiresMs: number }>(map: Map<string, V>, nowMs: number, max: number): void {
  if (map.size < max) return;
  for (const [k, v] of map) if (v.expiresMs <= nowMs) map.delete(k);
  while (map.size >= max) {
    const first = map.keys().next();
    if (first.done) break;
    map.delete(first.value);
  }
}

/** Issues a single-use code for `jscode2session` ('jscode') or the OAuth token exchange ('oauth'). */
export function issueLoginCode(core: SandboxCore, openid: string, kind: 'jscode' | 'oauth', scope = 'snsapi_userinfo'): string {
  if (typeof openid !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(openid))
    throw new Error(`openid must be 1-64 of [0-9A-Za-z_-]: ${openid}`);
  const nowMs = core.nowMs();
  evictExpired(core.weixinCodes, nowMs, LOGIN_CODES_MAX);
  const code = randomAlphanumeric(32);
  core.weixinCodes.set(code, { openid, kind, scope, expiresMs: nowMs + LOGIN_CODE_TTL_MS, used: false });
  return code;
}

export function unionidOf(core: SandboxCore, openid: string): string {
  return `oU${createHash('sha256').update(`${core.keys.mchid}:${openid}`).digest('base64url').slice(0, 26)}`;
}

export function nicknameOf(openid: string): string {
  return `沙盒玩家${openid.slice(-4)}`;
}

function need(req: ApiRequest, name: string): string {
  const v = req.query.get(name);
  if (v === null || v === '') throw new WeixinError(41002, `${name} missing`);
  return v;
}

function checkApp(core: SandboxCore, req: ApiRequest): void {
  if (need(req, 'appid') !== core.keys.appid) throw new WeixinError(40013, 'invalid appid');
  if (need(req, 'secret') !== core.keys.appSecret) throw new WeixinError(40125, 'invalid appsecret');
}

function takeCode(core: SandboxCore, code: string, kind: 'jscode' | 'oauth') {
  const c = core.weixinCodes.get(code);
  if (c === undefined || c.kind !== kind || c.expiresMs <= core.nowMs()) throw new WeixinError(40029, 'invalid code');
  if (c.used) throw new WeixinError(kind === 'oauth' ? 40163 : 40029, kind === 'oauth' ? 'code been used' : 'invalid code');
  c.used = true;
  return c;
}

function newToken(core: SandboxCore, token: { kind: 'oauth' | 'cgi'; openid: string; scope: string }): string {
  const nowMs = core.nowMs();
  evictExpired(core.weixinTokens, nowMs, TOKENS_MAX);
  const value = randomBytes(60).toString('base64url');
  core.weixinTokens.set(value, { ...token, expiresMs: nowMs + TOKEN_TTL_S * 1000 });
  return value;
}

function checkToken(core: SandboxCore, value: string, kind: 'oauth' | 'cgi') {
  const t = core.weixinTokens.get(value);
  if (t === undefined || t.kind !== kind) throw new WeixinError(40001, 'invalid credential, access_token is invalid or not latest');
  if (t.expiresMs <= core.nowMs()) throw new WeixinError(42001, 'access_token expired');
  return t;
}

export function jscode2session(core: SandboxCore, req: ApiRequest): ApiResult {
  checkApp(core, req);
  const code = need(req, 'js_code');
  if (need(req, 'grant_type') !== 'authorization_code') throw new WeixinError(40002, 'invalid grant_type');
  const c = takeCode(core, code, 'jscode');
  return ok({ session_key: randomBytes(16).toString('base64'), openid: c.openid, unionid: unionidOf(core, c.openid) });
}

export function oauthAccessToken(core: SandboxCore, req: ApiRequest): ApiResult {
  checkApp(core, req);
  const code = need(req, 'code');
  if (need(req, 'grant_type') !== 'authorization_code') throw new WeixinError(40002, 'invalid grant_type');
  const c = takeCode(core, code, 'oauth');
  const accessToken = newToken(core, { kind: 'oauth', openid: c.openid, scope: c.scope });
  const out: Record<string, unknown> = {
    access_token: accessToken,
    expires_in: TOKEN_TTL_S,
    refresh_token: randomBytes(60).toString('base64url'),
    openid: c.openid,
    scope: c.scope,
    is_snapshotuser: 0,
  };
  if (c.scope === 'snsapi_userinfo') out.unionid = unionidOf(core, c.openid);
  return ok(out);
}

export function snsUserinfo(core: SandboxCore, req: ApiRequest): ApiResult {
  const t = checkToken(core, need(req, 'access_token'), 'oauth');
  if (need(req, 'openid') !== t.openid) throw new WeixinError(40003, 'invalid openid');
  if (t.scope !== 'snsapi_userinfo') throw new WeixinError(48001, 'api unauthorized');
  return ok({
    openid: t.openid,
    nickname: nicknameOf(t.openid),
    sex: 0,
    province: '',
    city: '',
    country: '',
    headimgurl: `${core.pagesUrl}/avatar/${encodeURIComponent(t.openid)}.svg`,
    privilege: [],
    unionid: unionidOf(core, t.openid),
  });
}

export function snsAuth(core: SandboxCore, req: ApiRequest): ApiResult {
  const t = checkToken(core, need(req, 'access_token'), 'oauth');
  if (need(req, 'openid') !== t.openid) throw new WeixinError(40003, 'invalid openid');
  return ok({ errcode: 0, errmsg: 'ok' });
}

export function cgiToken(core: SandboxCore, req: ApiRequest): ApiResult {
  if (need(req, 'grant_type') !== 'client_credential') throw new WeixinError(40002, 'invalid grant_type');
  checkApp(core, req);
  const nowMs = core.nowMs();
  // A new token retires the previous ones after a short grace period.
  for (const t of core.weixinTokens.values()) {
    if (t.kind === 'cgi' && t.expiresMs > nowMs + OLD_TOKEN_GRACE_MS) t.expiresMs = nowMs + OLD_TOKEN_GRACE_MS;
  }
  return ok({ access_token: newToken(core, { kind: 'cgi', openid: '', scope: '' }), expires_in: TOKEN_TTL_S });
}

export function getTicket(core: SandboxCore, req: ApiRequest): ApiResult {
  checkToken(core, need(req, 'access_token'), 'cgi');
  const type = need(req, 'type');
  if (type !== 'jsapi' && type !== 'wx_card') throw new WeixinError(40097, 'invalid args');
  const nowMs = core.nowMs();
  if (core.jsapiTicket === null || core.jsapiTicket.expiresMs <= nowMs) {
    core.jsapiTicket = { ticket: randomBytes(64).toString('base64url'), expiresMs: nowMs + TOKEN_TTL_S * 1000 };
  }
  return ok({
    errcode: 0,
    errmsg: 'ok',
    ticket: core.jsapiTicket.ticket,
    expires_in: Math.floor((core.jsapiTicket.expiresMs - nowMs) / 1000),
  });
}

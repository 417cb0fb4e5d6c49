// The WeChat sign-in side of api.weixin.qq.com and open.weixin.qq.com, for one app (appid):
//
// - mini-game / mini-program login: `wx.login` code → GET /sns/jscode2session → openid, unionid,
//   session_key (developers.weixin.qq.com/minigame/dev/api-backend/open-api/login/auth.code2Session.html;
//   errors -1, 40029, 45011 (100 a minute per user), 40226; a replayed code answers 40163
//   "code been used", as community reports and several open-source clients show);
// - the app's access_token through the stable-token API, POST /cgi-bin/stable_token
//   (…/access-token/auth.getStableAccessToken.html, read through a verbatim copy in
//   handsomegyr's weixin PHP SDK, Weixin/Token/Server.php): in normal mode WeChat hands out the
//   current token until its last five minutes, then a new one while the old one stays valid for
//   the handover; `force_refresh: true` retires the current token at once, at most 20 times a
//   day and only if 30 s have passed since the previous forced call ("否则不会刷新");
// - the JS-SDK jsapi_ticket and the `wx.config` signature (official-account JS-SDK page);
// - the phone number: POST /wxa/business/getuserphonenumber?access_token=… with `{code}` →
//   `phone_info` (…/phonenumber/phonenumber.getPhoneNumber.html; code valid 5 min, single use,
//   40029 when unknown, expired or used; the example answers `countryCode` as a number although
//   the field table says string, so both are read);
// - H5 OAuth of an official account (open.weixin.qq.com/connect/oauth2/authorize, scopes
//   snsapi_base and snsapi_userinfo) and website QR login of an Open Platform website app
//   (open.weixin.qq.com/connect/qrconnect, scope snsapi_login): the same code → /sns/oauth2/access_token
//   → /sns/userinfo chain (offiaccount OA_Web_Apps/Wechat_webpage_authorization and oplatform
//   Website_App/WeChat_Login pages, read through community copies; `state` is [a-zA-Z0-9], at most
//   128 bytes, and comes back unchanged; a denied consent comes back with `state` only).
//
// - text content security, msgSecCheck v2: POST /wxa/msg_sec_check?access_token=… with
//   `{content, version: 2, scene, openid}` → `{errcode, errmsg, result: {suggest, label}, detail[]}`
//   (developers.weixin.qq.com/miniprogram/dev/OpenApiDoc/sec-center/sec-check/msgSecCheck.html;
//   `suggest` is pass | review | risky and `label` a number such as 100 normal, 20001 politics,
//   20002 porn, 20003 abuse, 20006 crime, 20008 fraud, 21000 other — the page spells the field
//   `suggust` and types `label` as a string, a community thread (developers.weixin.qq.com/community/
//   minihome/doc/000eaa0d75ce68830bbcabbea5b400) reports the answer is `suggest` and a number, so both
//   types are read; the `openid` must belong to a user who opened the mini-program or mini-game in
//   the last two hours, else 61010 "code is expired"; the token goes in the URL only, a token in the
//   body answers 47001);
//
// Tokens live in a TokenCache so every node of the server can share them (token-cache.ts).
import { inspect } from 'node:util';
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '@fairground/core';
import { badResponse, WechatPayError, WechatPayErrors } from './errors.ts';
import type { Fields, JsonObject } from './fields.ts';
import { type CallOptions, exchange, type FetchLike, USER_AGENT } from './http.ts';
import { DEFAULT_TIMEOUT_MS } from './limits.ts';
import { jsSdkSignature, randomNonce } from './signing.ts';
import { InMemoryTokenCache, TOKEN_LOCK_LEASE_MS_MAX, type TokenCache } from './token-cache.ts';
import { type CredentialFetcher, CredentialKeeper } from './weixin-credentials.ts';
import { type WeixinHttpConfig, weixinCall, weixinErrcode } from './weixin-http.ts';
import {
  parseVpayBill,
  type VpayBillRow,
  type VpayEnv,
  type VpayOrderStatus,
  type VpayRefundInput,
  type VpayRefundResult,
  vpayApiSig,
} from './vpay.ts';

/** The largest virtual-payment bill file read (bytes). */
export const VPAY_BILL_BYTES_MAX = 32 * 1024 * 1024;
export const DEFAULT_WEIXIN_API_BASE_URL = 'https://api.weixin.qq.com';
export const DEFAULT_WEIXIN_OPEN_BASE_URL = 'https://open.weixin.qq.com';

/**
 * The access_token is refreshed once less than this is left. It must stay under five minutes:
 * before its last five minutes the stable-token API answers with the same token again.
 */
export const ACCESS_TOKEN_REFRESH_MARGIN_MS = 4 * 60_000;
/** The jsapi_ticket is refreshed this long before it expires. */
export const JSAPI_TICKET_REFRESH_MARGIN_MS = 5 * 60_000;
/** Kept for callers of the first version of this module: the jsapi_ticket margin. */
export const TOKEN_REFRESH_MARGIN_MS = JSAPI_TICKET_REFRESH_MARGIN_MS;
/** How often a node waiting for another node's token refresh looks at the shared cache (real time). */
export const TOKEN_POLL_INTERVAL_MS = 50;
/** The JS-SDK interfaces a `wx.config` may list. */
export const JS_API_LIST_MAX = 64;
/** Login, OAuth and phone codes are short ([0-9A-Za-z], 32 or 64 characters today); anything past this is refused unsent. */
export const WEIXIN_CODE_CHARS_MAX = 256;
/** `state` of the OAuth pages: [a-zA-Z0-9], at most 128 bytes, as documented. */
export const OAUTH_STATE_PATTERN = /^[0-9A-Za-z]{1,128}$/;
/** Redirect URIs longer than this are refused (WeChat documents no limit; browsers cap URLs near 2 KB). */
export const REDIRECT_URI_CHARS_MAX = 1024;

const OPENID_PATTERN = /^[0-9A-Za-z_-]{1,128}$/;
// Real appids are 'wx' and 16 hex digits; tests and sandboxes use readable ones, so only the alphabet is checked.
const APPID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;

export interface WeixinClientOptions {
  /** The app: a mini-game, mini-program, official account or Open Platform website app. */
  readonly appid: string;
  /** Its AppSecret; needed for everything except building the OAuth page URLs. */
  readonly appSecret?: string | undefined;
  /** Stands in for https://api.weixin.qq.com (the sandbox's `baseUrl` in tests). */
  readonly apiBaseUrl?: string;
  /** Stands in for https://open.weixin.qq.com, where the OAuth and QR pages are (the sandbox's `pagesUrl`). */
  readonly openBaseUrl?: string;
  /** Where the access_token and jsapi_ticket are kept; default one in-memory cache per client. Share one across nodes. */
  readonly tokenCache?: TokenCache;
  readonly clock?: Clock;
  readonly fetch?: FetchLike;
  /** Deadline of each HTTP call unless the call says otherwise. */
  readonly timeoutMs?: number;
}

/**
 * The `session_key` of a code2Session answer. It keys the AES decryption of `encryptedData` and
 * the user-state signatures of virtual payment, and must never reach the player's device: it
 * prints and serialises as a placeholder, and only `reveal()` gives the value.
 */
export class WeixinSessionKey {
  readonly #value: string;
  constructor(value: string) {
    if (value.length === 0) throw new Error('empty session_key');
    this.#value = value;
  }
  /** The Base64 key itself, for decryption on the server. */
  reveal(): string {
    return this.#value;
  }
  toJSON(): string {
    return '[session_key withheld]';
  }
  toString(): string {
    return '[session_key withheld]';
  }
  [inspect.custom](): string {
    return 'WeixinSessionKey [withheld]';
  }
}

/** What code2Session proves: who signed in to a mini-game or mini-program. */
export interface Code2SessionResult {
  readonly openid: string;
  /** Only when the app is bound to an Open Platform account: the same person has one unionid across its apps. */
  readonly unionid: string | undefined;
  /** Server-only; see WeixinSessionKey. */
  readonly sessionKey: WeixinSessionKey;
}

/** @deprecated the first name of Code2SessionResult. */
export type CodeSession = Code2SessionResult;

export interface OAuthToken {
  /** The user's OAuth access token (for /sns/userinfo), not the app's access_token. */
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly refreshToken: string;
  readonly openid: string;
  /** As WeChat returns it, e.g. `snsapi_userinfo` or `snsapi_base,snsapi_userinfo,`. */
  readonly scope: string;
  readonly unionid: string | undefined;
  /** True when the user is browsing a snapshot page and has not really authorised. */
  readonly isSnapshotUser: boolean;
}

export interface OAuthUserInfo {
  readonly openid: string;
  readonly nickname: string;
  readonly sex: number | undefined;
  readonly province: string | undefined;
  readonly city: string | undefined;
  readonly country: string | undefined;
  readonly headImgUrl: string | undefined;
  readonly privilege: readonly string[];
  readonly unionid: string | undefined;
  readonly raw: JsonObject;
}

/** A phone number the player agreed to share (getPhoneNumber). */
export interface PhoneInfo {
  /** With the country code for numbers outside mainland China. */
  readonly phoneNumber: string;
  readonly purePhoneNumber: string;
  /** E.g. '86'. */
  readonly countryCode: string;
  readonly watermark: { readonly timestampSeconds: number; readonly appid: string };
}

/** A msgSecCheck v2 scene: 1 profile, 2 comment, 3 forum, 4 social log (the documented values). */
export type ContentScene = 1 | 2 | 3 | 4;
export type ContentSuggest = 'pass' | 'review' | 'risky';
/** Text longer than this is refused unsent (WeChat documents 2500 characters). */
export const SEC_CHECK_CONTENT_CHARS_MAX = 2500;

/** WeChat's verdict on a text (msgSecCheck v2). */
export interface ContentVerdict {
  /** pass: show it; review: a person should look; risky: do not show it. Unknown values read as `review`. */
  readonly suggest: ContentSuggest;
  /** 100 normal; 10001 ads, 20001 politics, 20002 porn, 20003 abuse, 20006 crime, 20008 fraud, 20012 vulgar, 20013 copyright, 21000 other. */
  readonly label: number;
  readonly traceId: string | undefined;
}

/** What the page passes to `wx.config` (plus the `jsApiList` it asks for). */
export interface JsSdkConfig {
  readonly appId: string;
  readonly timestamp: number;
  readonly nonceStr: string;
  readonly signature: string;
  readonly jsApiList: readonly string[];
  readonly openTagList: readonly string[];
}

export type OAuthScope = 'snsapi_base' | 'snsapi_userinfo';

/** A fresh OAuth `state` from node:crypto (32 characters of [0-9A-Za-z]); keep it in the player's session and compare on return. */
export function newOAuthState(): string {
  const alphabet = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
  let out = '';
  // 248 = 4 * 62: bytes at or above it are skipped so every character is equally likely.
  while (out.length < 32) for (const b of randomBytes(48)) if (b < 248 && out.length < 32) out += alphabet[b % 62];
  return out;
}

function refuse(what: string, reason: string): WechatPayError {
  return new WechatPayError(WechatPayErrors.WEIXIN_CODE_INVALID, {
    kind: 'invalid-input',
    retrySameRequest: false,
    outcomeUnknown: false,
    details: { reason: `${what} ${reason}` },
    message: `${what} refused before sending: ${reason}`,
  });
}

/** A code from the player's device is untrusted: refuse what cannot be a WeChat code without spending a call. */
function checkCode(code: unknown, what: string): string {
  if (typeof code !== 'string' || code.length === 0) throw refuse(what, 'is empty');
  if (code.length > WEIXIN_CODE_CHARS_MAX) throw refuse(what, `is longer than ${WEIXIN_CODE_CHARS_MAX} characters`);
  if (!/^[\x21-\x7e]+$/.test(code)) throw refuse(what, 'has characters a WeChat code never has');
  return code;
}

function checkRedirectUri(uri: string): void {
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    throw new RangeError('redirectUri must be an absolute URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RangeError('redirectUri must be http(s)');
  if (uri.length > REDIRECT_URI_CHARS_MAX) throw new RangeError(`redirectUri must be at most ${REDIRECT_URI_CHARS_MAX} characters`);
  if (url.hash !== '') throw new RangeError('redirectUri must not have a #fragment (WeChat appends its own)');
}

function checkState(state: string): void {
  if (!OAUTH_STATE_PATTERN.test(state)) throw new RangeError('OAuth state must be 1-128 characters of [0-9A-Za-z] (use newOAuthState())');
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

export class WeixinClient {
  readonly appid: string;
  readonly #secret: string | undefined;
  readonly #http: WeixinHttpConfig;
  readonly #openBaseUrl: string;
  readonly #clock: Clock;
  readonly #tokens: CredentialKeeper;
  readonly #tickets: CredentialKeeper;
  readonly #accessTokenKey: string;
  readonly #ticketKey: string;

  constructor(options: WeixinClientOptions) {
    if (!APPID_PATTERN.test(options.appid)) throw new Error(`appid must be 1-64 of [0-9A-Za-z_-]: ${options.appid}`);
    this.appid = options.appid;
    this.#secret = options.appSecret;
    this.#clock = options.clock ?? systemClock;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#http = {
      baseUrl: trimSlash(options.apiBaseUrl ?? DEFAULT_WEIXIN_API_BASE_URL),
      fetch: options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init)),
      timeoutMs,
    };
    this.#openBaseUrl = trimSlash(options.openBaseUrl ?? DEFAULT_WEIXIN_OPEN_BASE_URL);
    const cache = options.tokenCache ?? new InMemoryTokenCache({ clock: this.#clock });
    // A refresh holds the lock for at most one HTTP deadline plus slack, so waiting nodes give up in time.
    const lockLeaseMs = Math.min(timeoutMs + 5_000, TOKEN_LOCK_LEASE_MS_MAX);
    const keeper = (refreshMarginMs: number) =>
      new CredentialKeeper({ cache, clock: this.#clock, refreshMarginMs, lockLeaseMs, pollIntervalMs: TOKEN_POLL_INTERVAL_MS });
    this.#tokens = keeper(ACCESS_TOKEN_REFRESH_MARGIN_MS);
    this.#tickets = keeper(JSAPI_TICKET_REFRESH_MARGIN_MS);
    this.#accessTokenKey = `weixin:v1:${options.appid}:access_token`;
    this.#ticketKey = `weixin:v1:${options.appid}:jsapi_ticket`;
  }

  #appSecret(): string {
    if (!this.#secret) throw new Error(`appSecret of ${this.appid} is required for api.weixin.qq.com calls`);
    return this.#secret;
  }

  #get(path: string, query: Record<string, string>, call: CallOptions): Promise<Fields> {
    return weixinCall(this.#http, 'GET', path, query, undefined, call);
  }

  // ---- mini-game and mini-program login ----

  /** Exchanges a `wx.login` code (single use, 5 minutes) for the player's openid, unionid and session_key. */
  async code2session(jsCode: string, call: CallOptions = {}): Promise<Code2SessionResult> {
    const code = checkCode(jsCode, 'js_code');
    const f = await this.#get(
      '/sns/jscode2session',
      { appid: this.appid, secret: this.#appSecret(), js_code: code, grant_type: 'authorization_code' },
      call,
    );
    if (!OPENID_PATTERN.test(f.str('openid'))) throw badResponse('jscode2session openid is malformed');
    return { openid: f.str('openid'), unionid: f.optStr('unionid'), sessionKey: new WeixinSessionKey(f.str('session_key')) };
  }

  /** @deprecated the first name of code2session. */
  jscode2session(jsCode: string, call: CallOptions = {}): Promise<Code2SessionResult> {
    return this.code2session(jsCode, call);
  }

  // ---- the app's access_token ----

  #fetchAccessToken(call: CallOptions): CredentialFetcher {
    return async (force) => {
      const f = await weixinCall(
        this.#http,
        'POST',
        '/cgi-bin/stable_token',
        {},
        { grant_type: 'client_credential', appid: this.appid, secret: this.#appSecret(), force_refresh: force },
        call,
      );
      return { value: f.str('access_token'), expiresInSeconds: f.int('expires_in') };
    };
  }

  /**
   * The app's access_token from the token cache, refreshed through the stable-token API once less
   * than ACCESS_TOKEN_REFRESH_MARGIN_MS is left. Concurrent callers (and nodes sharing the cache)
   * share one refresh.
   */
  accessToken(call: CallOptions = {}): Promise<string> {
    return this.#tokens.current(this.#accessTokenKey, this.#fetchAccessToken(call));
  }

  /**
   * Runs `use` with the access_token. If WeChat rejects the token (40001 invalid, 42001 expired),
   * the token is replaced once and `use` runs once more; a second rejection is the caller's error.
   * 40001 forces a refresh (the token may have been retired by someone else's forced refresh or a
   * leak response, and the forced call retires it everywhere); 42001 needs no force: once a token
   * has expired the normal mode hands out a new one, and forced refreshes are limited to 20 a day.
   * If another caller or node already replaced the rejected token, its replacement is used.
   */
  async withAccessToken<T>(use: (accessToken: string) => Promise<T>, call: CallOptions = {}): Promise<T> {
    const token = await this.accessToken(call);
    try {
      return await use(token);
    } catch (e) {
      const errcode = weixinErrcode(e);
      if (errcode !== 40001 && errcode !== 42001) throw e;
      const replacement = await this.#tokens.replace(this.#accessTokenKey, token, errcode === 40001, this.#fetchAccessToken(call));
      return await use(replacement);
    }
  }

  // ---- JS-SDK ----

  /** The JS-SDK jsapi_ticket (7200 s), cached in the token cache like the access token. */
  jsapiTicket(call: CallOptions = {}): Promise<string> {
    return this.#tickets.current(this.#ticketKey, async () => {
      const f = await this.withAccessToken(
        (accessToken) => this.#get('/cgi-bin/ticket/getticket', { access_token: accessToken, type: 'jsapi' }, call),
        call,
      );
      return { value: f.str('ticket'), expiresInSeconds: f.int('expires_in') };
    });
  }

  /** Everything a page needs for `wx.config` on `url` (the page's full URL; a `#…` part is dropped). */
  async jsSdkConfig(
    input: { readonly url: string; readonly jsApiList: readonly string[]; readonly openTagList?: readonly string[] },
    call: CallOptions = {},
  ): Promise<JsSdkConfig> {
    if (input.jsApiList.length > JS_API_LIST_MAX) throw new RangeError(`at most ${JS_API_LIST_MAX} JS APIs`);
    const jsapiTicket = await this.jsapiTicket(call);
    const timestamp = Math.floor(this.#clock.nowMs() / 1000);
    const nonceStr = randomNonce(16);
    return {
      appId: this.appid,
      timestamp,
      nonceStr,
      signature: jsSdkSignature({ jsapiTicket, nonceStr, timestampSeconds: timestamp, url: input.url }),
      jsApiList: [...input.jsApiList],
      openTagList: [...(input.openTagList ?? [])],
    };
  }

  // ---- phone number ----

  /**
   * Exchanges a getPhoneNumber code (single use, 5 minutes) for the number the player agreed to
   * share. `openid`, when given, lets WeChat check the code belongs to that player.
   */
  async phoneNumber(code: string, options: { readonly openid?: string } = {}, call: CallOptions = {}): Promise<PhoneInfo> {
    const checked = checkCode(code, 'phone code');
    if (options.openid !== undefined && !OPENID_PATTERN.test(options.openid)) throw new RangeError('openid is malformed');
    const body: Record<string, string> = { code: checked };
    if (options.openid !== undefined) body.openid = options.openid;
    const f = await this.withAccessToken(
      (accessToken) => weixinCall(this.#http, 'POST', '/wxa/business/getuserphonenumber', { access_token: accessToken }, body, call),
      call,
    );
    const p = f.obj('phone_info');
    const cc = p.raw.countryCode;
    const countryCode = typeof cc === 'number' && Number.isSafeInteger(cc) ? String(cc) : p.str('countryCode');
    const w = p.obj('watermark');
    const watermark = { timestampSeconds: w.int('timestamp'), appid: w.str('appid') };
    if (watermark.appid !== this.appid) throw badResponse('phone_info.watermark.appid is another app', { appid: watermark.appid });
    return { phoneNumber: p.str('phoneNumber'), purePhoneNumber: p.str('purePhoneNumber'), countryCode, watermark };
  }

  // ---- virtual payment (虚拟支付 2.0) ----

  /**
   * Queries a virtual-payment order by our OutTradeNo, for a delivery push that did not come.
   * The path and fields are the mini-program flavour (`/xpay/query_order`); WeChat's pages for the
   * mini-game flavour do not show them, so this is our best reading (unverified; README).
   * `pay_sig` signs the exact body sent (the research note's `uri + "&" + body`).
   */
  async vpayQueryOrder(
    appKey: string,
    q: { readonly openid: string; readonly env: VpayEnv; readonly outTradeNo: string },
    call: CallOptions = {},
  ): Promise<VpayOrderStatus> {
    if (!OPENID_PATTERN.test(q.openid)) throw new RangeError('openid is malformed');
    const path = '/xpay/query_order';
    const body = { openid: q.openid, env: q.env, order_id: q.outTradeNo };
    const paySig = vpayApiSig(appKey, path, JSON.stringify(body));
    const f = await this.withAccessToken(
      (accessToken) => weixinCall(this.#http, 'POST', path, { access_token: accessToken, pay_sig: paySig }, body, call),
      call,
    );
    const o = f.obj('order');
    const status = o.int('status');
    return {
      outTradeNo: o.str('order_id'),
      status,
      // 2 paid and waiting for delivery, 3 delivering, 4 delivered (xpay order states).
      paid: status === 2 || status === 3 || status === 4,
      quantity: typeof o.raw.buy_quantity === 'number' ? o.raw.buy_quantity : null,
      orderFee: typeof o.raw.order_fee === 'number' ? o.raw.order_fee : null,
    };
  }

  /**
   * Refunds a virtual-payment order in full (`POST /xpay/refund_order`, the mini-program flavour:
   * unverified for mini-games; README). Idempotent by `refundNo` (our `refund_order_id`).
   */
  async vpayRefundOrder(appKey: string, r: VpayRefundInput, call: CallOptions = {}): Promise<VpayRefundResult> {
    if (!OPENID_PATTERN.test(r.openid)) throw new RangeError('openid is malformed');
    if (!/^[0-9A-Za-z_-]{8,32}$/.test(r.refundNo)) throw new RangeError('refundNo must be 8–32 of [0-9A-Za-z_-]');
    if (!Number.isSafeInteger(r.refundFeeFen) || r.refundFeeFen < 1 || r.refundFeeFen > r.leftFeeFen)
      throw new RangeError('refundFeeFen must be 1..leftFeeFen');
    const path = '/xpay/refund_order';
    const body = {
      openid: r.openid,
      order_id: r.outTradeNo,
      refund_order_id: r.refundNo,
      left_fee: r.leftFeeFen,
      refund_fee: r.refundFeeFen,
      biz_meta: r.bizMeta.slice(0, 256),
      refund_reason: '0',
      req_from: '1',
      env: r.env,
    };
    const paySig = vpayApiSig(appKey, path, JSON.stringify(body));
    const f = await this.withAccessToken(
      (accessToken) => weixinCall(this.#http, 'POST', path, { access_token: accessToken, pay_sig: paySig }, body, call),
      call,
    );
    return { refundNo: f.str('refund_order_id'), wxRefundId: f.str('refund_wx_order_id') };
  }

  /**
   * The virtual-payment bill of one day (China time, `yyyymmdd`): `POST /xpay/download_bill`
   * answers a file address, whose CSV is then fetched and parsed (both unverified; README).
   */
  async vpayDownloadBill(appKey: string, day: string, call: CallOptions = {}): Promise<VpayBillRow[]> {
    if (!/^\d{8}$/.test(day)) throw new RangeError('day must be yyyymmdd');
    const path = '/xpay/download_bill';
    const body = { begin_ds: Number(day), end_ds: Number(day) };
    const paySig = vpayApiSig(appKey, path, JSON.stringify(body));
    const f = await this.withAccessToken(
      (accessToken) => weixinCall(this.#http, 'POST', path, { access_token: accessToken, pay_sig: paySig }, body, call),
      call,
    );
    const url = f.str('url');
    if (!/^https?:\/\//.test(url)) throw badResponse('download_bill url is not http(s)');
    const res = await exchange(
      this.#http.fetch,
      url,
      { method: 'GET', headers: { 'User-Agent': USER_AGENT } },
      call,
      this.#http.timeoutMs,
      VPAY_BILL_BYTES_MAX,
    );
    if (res.status !== 200) throw badResponse(`bill file answered HTTP ${res.status}`, { status: res.status });
    try {
      return parseVpayBill(Buffer.from(res.body).toString('utf8'));
    } catch (e) {
      throw badResponse(`bill file: ${(e as Error).message}`);
    }
  }

  // ---- OAuth (official-account H5 pages and Open Platform website QR login) ----

  /**
   * The official-account OAuth page inside WeChat; WeChat redirects back to `redirectUri` with
   * `?code=…&state=…` (or `?state=…` alone when the user refuses). snsapi_base is silent and
   * yields only the openid; snsapi_userinfo asks for consent and allows /sns/userinfo.
   */
  oauthAuthorizeUrl(input: { readonly redirectUri: string; readonly scope: OAuthScope; readonly state: string }): string {
    checkRedirectUri(input.redirectUri);
    checkState(input.state);
    if (input.scope !== 'snsapi_base' && input.scope !== 'snsapi_userinfo')
      throw new RangeError('scope must be snsapi_base or snsapi_userinfo');
    // WeChat checks the parameter order on this page, so it is built by hand rather than with URLSearchParams.
    return (
      `${this.#openBaseUrl}/connect/oauth2/authorize?appid=${encodeURIComponent(this.appid)}` +
      `&redirect_uri=${encodeURIComponent(input.redirectUri)}&response_type=code&scope=${input.scope}` +
      `&state=${input.state}#wechat_redirect`
    );
  }

  /** The website QR login page of an Open Platform website app (scope snsapi_login); it redirects back like the OAuth page. */
  qrConnectUrl(input: { readonly redirectUri: string; readonly state: string; readonly lang?: 'cn' | 'en' }): string {
    checkRedirectUri(input.redirectUri);
    checkState(input.state);
    return (
      `${this.#openBaseUrl}/connect/qrconnect?appid=${encodeURIComponent(this.appid)}` +
      `&redirect_uri=${encodeURIComponent(input.redirectUri)}&response_type=code&scope=snsapi_login` +
      `&state=${input.state}${input.lang === undefined ? '' : `&lang=${input.lang}`}#wechat_redirect`
    );
  }

  #readOAuthToken(f: Fields): OAuthToken {
    const openid = f.str('openid');
    if (!OPENID_PATTERN.test(openid)) throw badResponse('oauth2 openid is malformed');
    return {
      accessToken: f.str('access_token'),
      expiresInSeconds: f.int('expires_in'),
      refreshToken: f.str('refresh_token'),
      openid,
      scope: f.str('scope'),
      unionid: f.optStr('unionid'),
      isSnapshotUser: f.raw.is_snapshotuser === 1,
    };
  }

  /** Exchanges an OAuth or QR-login `code` (single use) for the user's openid and a user access token. */
  async oauthAccessToken(code: string, call: CallOptions = {}): Promise<OAuthToken> {
    const checked = checkCode(code, 'OAuth code');
    const f = await this.#get(
      '/sns/oauth2/access_token',
      { appid: this.appid, secret: this.#appSecret(), code: checked, grant_type: 'authorization_code' },
      call,
    );
    return this.#readOAuthToken(f);
  }

  /** Renews a user access token with its refresh_token (30 days). */
  async oauthRefreshToken(refreshToken: string, call: CallOptions = {}): Promise<OAuthToken> {
    if (refreshToken.length === 0 || refreshToken.length > 512) throw new RangeError('refreshToken must be 1-512 characters');
    const f = await this.#get(
      '/sns/oauth2/refresh_token',
      { appid: this.appid, grant_type: 'refresh_token', refresh_token: refreshToken },
      call,
    );
    return this.#readOAuthToken(f);
  }

  /** The user's profile; needs a token of scope snsapi_userinfo (or snsapi_login). */
  async oauthUserInfo(accessToken: string, openid: string, call: CallOptions = {}): Promise<OAuthUserInfo> {
    if (!OPENID_PATTERN.test(openid)) throw new RangeError('openid is malformed');
    if (accessToken.length === 0 || accessToken.length > 512) throw new RangeError('accessToken must be 1-512 characters');
    const f = await this.#get('/sns/userinfo', { access_token: accessToken, openid, lang: 'zh_CN' }, call);
    if (f.str('openid') !== openid) throw badResponse('userinfo is about another openid');
    const privilege = Array.isArray(f.raw.privilege) ? f.raw.privilege.filter((p): p is string => typeof p === 'string').slice(0, 32) : [];
    const sex = f.raw.sex;
    return {
      openid,
      nickname: f.str('nickname'),
      sex: typeof sex === 'number' ? sex : undefined,
      province: f.optStr('province'),
      city: f.optStr('city'),
      country: f.optStr('country'),
      headImgUrl: f.optStr('headimgurl'),
      privilege,
      unionid: f.optStr('unionid'),
      raw: f.raw,
    };
  }

  // ---- content security ----

  /**
   * Asks WeChat whether `content` may be shown to others (msgSecCheck v2), on behalf of the user
   * `openid` of this app, who must have used the mini-program or mini-game in the last two hours.
   */
  async msgSecCheck(
    input: { readonly content: string; readonly openid: string; readonly scene: ContentScene },
    call: CallOptions = {},
  ): Promise<ContentVerdict> {
    if (!OPENID_PATTERN.test(input.openid)) throw new RangeError('openid is malformed');
    if (input.content.length === 0 || input.content.length > SEC_CHECK_CONTENT_CHARS_MAX)
      throw new RangeError(`content must be 1-${SEC_CHECK_CONTENT_CHARS_MAX} characters`);
    const body = { content: input.content, version: 2, scene: input.scene, openid: input.openid };
    const f = await this.withAccessToken(
      (accessToken) => weixinCall(this.#http, 'POST', '/wxa/msg_sec_check', { access_token: accessToken }, body, call),
      call,
    );
    const r = f.obj('result');
    const suggest = r.raw.suggest;
    const label = r.raw.label;
    const labelNumber = typeof label === 'number' ? label : typeof label === 'string' ? Number(label) : Number.NaN;
    if (!Number.isSafeInteger(labelNumber)) throw badResponse('msg_sec_check result.label is not a number');
    return {
      suggest: suggest === 'pass' || suggest === 'risky' ? suggest : 'review',
      label: labelNumber,
      traceId: f.optStr('trace_id'),
    };
  }
}

// api.weixin.qq.com: mini-program login (jscode2session), official-account H5 OAuth, and the
// access_token → jsapi_ticket → wx.config signature chain the JS-SDK needs (section 6 of the
// research note and the official-account JS-SDK page). These answers are not signed; errors come as
// `{errcode, errmsg}` with HTTP 200.
import { type Clock, systemClock } from '@fairground/core';
import { badResponse, describeWeixinErrcode, WechatPayError } from './errors.ts';
import { Fields, isJsonObject, type JsonObject } from './fields.ts';
import { type CallOptions, exchange, type FetchLike, USER_AGENT } from './http.ts';
import { RESPONSE_BYTES_MAX } from './limits.ts';
import { jsSdkSignature, randomNonce } from './signing.ts';

/** Tokens are refreshed this long before WeChat says they expire, so a call never carries a token that dies in flight. */
export const TOKEN_REFRESH_MARGIN_MS = 5 * 60_000;
/** The JS-SDK interfaces a `wx.config` may list. */
export const JS_API_LIST_MAX = 64;

export interface WeixinConfig {
  readonly weixinBaseUrl: string;
  readonly oauthBaseUrl: string;
  readonly appid: string;
  readonly appSecret: string | undefined;
  readonly clock?: Clock;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
}

export interface CodeSession {
  readonly openid: string;
  /** Keys decryption of `encryptedData`; never send it to the client. */
  readonly sessionKey: string;
  readonly unionid: string | undefined;
}

export interface OAuthToken {
  readonly accessToken: string;
  readonly expiresInSeconds: number;
  readonly refreshToken: string;
  readonly openid: string;
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

/** What the page passes to `wx.config` (plus the `jsApiList` it asks for). */
export interface JsSdkConfig {
  readonly appId: string;
  readonly timestamp: number;
  readonly nonceStr: string;
  readonly signature: string;
  readonly jsApiList: readonly string[];
  readonly openTagList: readonly string[];
}

interface CachedToken {
  readonly value: string;
  readonly expiresAtMs: number;
}

export class WeixinClient {
  readonly #config: WeixinConfig;
  readonly #clock: Clock;
  #accessToken: CachedToken | undefined;
  #jsapiTicket: CachedToken | undefined;
  #accessTokenInFlight: Promise<string> | undefined;

  constructor(config: WeixinConfig) {
    this.#config = config;
    this.#clock = config.clock ?? systemClock;
  }

  #secret(): string {
    if (!this.#config.appSecret) throw new Error('appSecret is required for api.weixin.qq.com calls');
    return this.#config.appSecret;
  }

  async #get(path: string, query: Record<string, string>, call: CallOptions): Promise<Fields> {
    const url = `${this.#config.weixinBaseUrl}${path}?${new URLSearchParams(query).toString()}`;
    const res = await exchange(
      this.#config.fetch,
      url,
      { method: 'GET', headers: { Accept: 'application/json', 'User-Agent': USER_AGENT } },
      call,
      this.#config.timeoutMs,
      RESPONSE_BYTES_MAX,
    );
    let parsed: unknown;
    try {
      parsed = JSON.parse(Buffer.from(res.body).toString('utf8'));
    } catch {
      throw badResponse(`${path} answer is not JSON`, { status: res.status });
    }
    if (!isJsonObject(parsed)) throw badResponse(`${path} answer is not an object`);
    const errcode = parsed.errcode;
    if (typeof errcode === 'number' && errcode !== 0) {
      const rule = describeWeixinErrcode(errcode);
      const errmsg = typeof parsed.errmsg === 'string' ? parsed.errmsg : undefined;
      throw new WechatPayError(rule.def, {
        kind: 'api',
        wechatCode: String(errcode),
        wechatMessage: errmsg,
        httpStatus: res.status,
        retrySameRequest: rule.retrySameRequest,
        // These endpoints only read or issue credentials; nothing is left half-done.
        outcomeUnknown: false,
        details: { errcode, errmsg, path },
      });
    }
    if (res.status < 200 || res.status > 299) throw badResponse(`${path} answered HTTP ${res.status}`, { status: res.status });
    return new Fields(parsed, path);
  }

  /** Mini-program login: exchanges a `wx.login` code (single use) for openid and session_key. */
  async jscode2session(jsCode: string, call: CallOptions = {}): Promise<CodeSession> {
    const f = await this.#get(
      '/sns/jscode2session',
      { appid: this.#config.appid, secret: this.#secret(), js_code: jsCode, grant_type: 'authorization_code' },
      call,
    );
    return { openid: f.str('openid'), sessionKey: f.str('session_key'), unionid: f.optStr('unionid') };
  }

  /** The official-account OAuth page the browser is sent to; WeChat redirects back with `?code=…&state=…`. */
  oauthAuthorizeUrl(input: {
    readonly redirectUri: string;
    readonly scope: 'snsapi_base' | 'snsapi_userinfo';
    readonly state?: string;
  }): string {
    const state = input.state ?? '';
    if (!/^[0-9A-Za-z_-]{0,128}$/.test(state)) throw new Error('OAuth state must be at most 128 characters of [0-9A-Za-z_-]');
    // WeChat checks the parameter order on this page, so it is built by hand rather than with URLSearchParams.
    return (
      `${this.#config.oauthBaseUrl}/connect/oauth2/authorize?appid=${encodeURIComponent(this.#config.appid)}` +
      `&redirect_uri=${encodeURIComponent(input.redirectUri)}&response_type=code&scope=${input.scope}` +
      `&state=${state}#wechat_redirect`
    );
  }

  /** Exchanges an OAuth `code` for the user's openid and a user access token (not the app's access_token). */
  async oauthAccessToken(code: string, call: CallOptions = {}): Promise<OAuthToken> {
    const f = await this.#get(
      '/sns/oauth2/access_token',
      { appid: this.#config.appid, secret: this.#secret(), code, grant_type: 'authorization_code' },
      call,
    );
    return {
      accessToken: f.str('access_token'),
      expiresInSeconds: f.int('expires_in'),
      refreshToken: f.str('refresh_token'),
      openid: f.str('openid'),
      scope: f.str('scope'),
      unionid: f.optStr('unionid'),
      isSnapshotUser: f.raw.is_snapshotuser === 1,
    };
  }

  /** `snsapi_userinfo` scope only: the user's profile. */
  async oauthUserInfo(accessToken: string, openid: string, call: CallOptions = {}): Promise<OAuthUserInfo> {
    const f = await this.#get('/sns/userinfo', { access_token: accessToken, openid, lang: 'zh_CN' }, call);
    const privilege = Array.isArray(f.raw.privilege) ? f.raw.privilege.filter((p): p is string => typeof p === 'string') : [];
    const sex = f.raw.sex;
    return {
      openid: f.str('openid'),
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

  /**
   * The app's access_token (2 h), cached until five minutes before it expires. Concurrent callers
   * share one fetch: every fetch issues a new token and starts retiring the previous one, so a
   * burst of fetches would invalidate tokens still in use.
   */
  accessToken(call: CallOptions = {}): Promise<string> {
    const now = this.#clock.nowMs();
    if (this.#accessToken && this.#accessToken.expiresAtMs - TOKEN_REFRESH_MARGIN_MS > now) return Promise.resolve(this.#accessToken.value);
    this.#accessTokenInFlight ??= this.#fetchAccessToken(now, call).finally(() => {
      this.#accessTokenInFlight = undefined;
    });
    return this.#accessTokenInFlight;
  }

  async #fetchAccessToken(now: number, call: CallOptions): Promise<string> {
    const f = await this.#get(
      '/cgi-bin/token',
      { grant_type: 'client_credential', appid: this.#config.appid, secret: this.#secret() },
      call,
    );
    const token = { value: f.str('access_token'), expiresAtMs: now + f.int('expires_in') * 1000 };
    this.#accessToken = token;
    return token.value;
  }

  /** The JS-SDK jsapi_ticket (2 h), cached like the access token. */
  async jsapiTicket(call: CallOptions = {}): Promise<string> {
    const now = this.#clock.nowMs();
    if (this.#jsapiTicket && this.#jsapiTicket.expiresAtMs - TOKEN_REFRESH_MARGIN_MS > now) return this.#jsapiTicket.value;
    const accessToken = await this.accessToken(call);
    let f: Fields;
    try {
      f = await this.#get('/cgi-bin/ticket/getticket', { access_token: accessToken, type: 'jsapi' }, call);
    } catch (e) {
      // An access token revoked early (another server fetched a new one) is refreshed once.
      if (!(e instanceof WechatPayError) || e.code !== 'WEIXIN_TOKEN_INVALID') throw e;
      this.#accessToken = undefined;
      f = await this.#get('/cgi-bin/ticket/getticket', { access_token: await this.accessToken(call), type: 'jsapi' }, call);
    }
    const ticket = { value: f.str('ticket'), expiresAtMs: now + f.int('expires_in') * 1000 };
    this.#jsapiTicket = ticket;
    return ticket.value;
  }

  /** Everything a page needs for `wx.config` on `url` (the page's full URL without `#…`). */
  async jsSdkConfig(
    input: { readonly url: string; readonly jsApiList: readonly string[]; readonly openTagList?: readonly string[] },
    call: CallOptions = {},
  ): Promise<JsSdkConfig> {
    if (input.jsApiList.length > JS_API_LIST_MAX) throw new RangeError(`at most ${JS_API_LIST_MAX} JS APIs`);
    const jsapiTicket = await this.jsapiTicket(call);
    const timestamp = Math.floor(this.#clock.nowMs() / 1000);
    const nonceStr = randomNonce(16);
    return {
      appId: this.#config.appid,
      timestamp,
      nonceStr,
      signature: jsSdkSignature({ jsapiTicket, nonceStr, timestampSeconds: timestamp, url: input.url }),
      jsApiList: [...input.jsApiList],
      openTagList: [...(input.openTagList ?? [])],
    };
  }
}

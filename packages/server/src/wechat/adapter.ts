// The sign-in port bound to WeChat: one WeixinClient per configured app (mini-program, official
// account, website app), all keeping their access_token and jsapi_ticket in one cache every node
// shares (token-cache.ts). WeChat's refusals become the accounts domain's codes, each with words
// a player can act on; failures only the operator can fix are reported through `onOperatorFault`.
import { AppError, type Clock } from '@fairground/core';
import { type TokenCache, WechatPayError, WeixinClient, weixinErrcode } from '@fairground/wechatpay';
import {
  AccountsErrors,
  type IdentityProvider,
  type LoginKind,
  type RedirectLoginKind,
  type WechatIdentity,
  type WechatWeb,
} from '../accounts/index.ts';
import type { WechatConfig } from './config.ts';

/** Credential errors only the operator can fix (wrong appid or secret, a server address WeChat does not allow). */
const OPERATOR_ERRCODES: ReadonlySet<number> = new Set([40013, 40125, 41002, 41004, 40164, 61004, 45009]);

export interface WechatClients {
  readonly miniprogram: WeixinClient | null;
  readonly h5: WeixinClient | null;
  readonly web: WeixinClient | null;
}

export function createWechatClients(config: WechatConfig, o: { readonly tokenCache: TokenCache; readonly clock: Clock }): WechatClients {
  const client = (app: WechatConfig['apps']['miniprogram']) =>
    app === null
      ? null
      : new WeixinClient({
          appid: app.appid,
          appSecret: app.secret,
          tokenCache: o.tokenCache,
          clock: o.clock,
          timeoutMs: config.timeoutMs,
          ...(config.apiBaseUrl ? { apiBaseUrl: config.apiBaseUrl } : {}),
          ...(config.openBaseUrl ? { openBaseUrl: config.openBaseUrl } : {}),
        });
  return { miniprogram: client(config.apps.miniprogram), h5: client(config.apps.h5), web: client(config.apps.web) };
}

export interface OperatorFault {
  readonly appid: string;
  readonly errcode: number | undefined;
  readonly message: string;
}

type Step = 'login' | 'phone' | 'jssdk';

/** WeChat's answer as the accounts domain's error: what the player is told, in their terms. */
export function signInError(e: unknown, step: Step, appid: string, onOperatorFault: (f: OperatorFault) => void): AppError {
  if (!(e instanceof WechatPayError)) return e instanceof AppError ? e : new AppError(AccountsErrors.IDENTITY_PROVIDER_UNAVAILABLE);
  const codeInvalid = step === 'phone' ? AccountsErrors.PHONE_CODE_INVALID : AccountsErrors.LOGIN_CODE_INVALID;
  if (e.kind === 'invalid-input') return new AppError(codeInvalid, { reason: 'malformed' });
  const errcode = weixinErrcode(e);
  const details = { wechatErrcode: errcode ?? null, kind: e.kind };
  switch (errcode) {
    case 40029:
      return new AppError(codeInvalid, details);
    case 40163:
      return new AppError(step === 'phone' ? AccountsErrors.PHONE_CODE_INVALID : AccountsErrors.LOGIN_CODE_USED, details);
    case 45011:
      return new AppError(AccountsErrors.LOGIN_RATE_LIMITED, details);
    case 40226:
      return new AppError(AccountsErrors.LOGIN_BLOCKED_BY_WECHAT, details);
    case -1:
      return new AppError(AccountsErrors.IDENTITY_PROVIDER_BUSY, details);
  }
  if (errcode !== undefined && OPERATOR_ERRCODES.has(errcode)) {
    onOperatorFault({ appid, errcode, message: e.message });
    return new AppError(AccountsErrors.IDENTITY_PROVIDER_MISCONFIGURED, details);
  }
  // 40001/42001 after the one replacement, timeouts, broken connections, malformed answers, and
  // errcodes WeChat does not document for these calls.
  return new AppError(AccountsErrors.IDENTITY_PROVIDER_UNAVAILABLE, details);
}

/** WeChat answers -1 "system busy, try again later": the same request is sent once more before the player hears of it. */
async function onceMoreIfBusy<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (e) {
    if (weixinErrcode(e) !== -1) throw e;
    return await call();
  }
}

export interface WechatSignInOptions {
  readonly clients: WechatClients;
  readonly h5Scope: WechatConfig['h5Scope'];
  readonly phone: boolean;
  readonly onOperatorFault: (f: OperatorFault) => void;
}

export interface WechatSignIn extends IdentityProvider {
  readonly web: WechatWeb;
}

/** The sign-in port (and the consent pages, JS-SDK and phone numbers) on WeChat's servers. */
export function wechatSignIn(o: WechatSignInOptions): WechatSignIn {
  const { clients } = o;
  const clientOf = (kind: LoginKind): WeixinClient => {
    const c = clients[kind];
    if (c === null) throw new AppError(AccountsErrors.LOGIN_APP_UNKNOWN, { kind });
    return c;
  };
  const mapped =
    (step: Step, client: WeixinClient) =>
    (e: unknown): never => {
      throw signInError(e, step, client.appid, o.onOperatorFault);
    };

  const exchangeCode = async (kind: LoginKind, code: string): Promise<WechatIdentity> => {
    const client = clientOf(kind);
    if (kind === 'miniprogram') {
      const s = await onceMoreIfBusy(() => client.code2session(code)).catch(mapped('login', client));
      return { openid: s.openid, ...(s.unionid ? { unionid: s.unionid } : {}), sessionKey: s.sessionKey };
    }
    const token = await onceMoreIfBusy(() => client.oauthAccessToken(code)).catch(mapped('login', client));
    // A player browsing a snapshot page has not authorised anything: its openid is not a person's.
    if (token.isSnapshotUser) throw new AppError(AccountsErrors.LOGIN_CODE_INVALID, { reason: 'snapshot page: open the page itself' });
    const withProfile = token.scope.split(',').some((s) => s === 'snsapi_userinfo' || s === 'snsapi_login');
    const identity: WechatIdentity = { openid: token.openid, ...(token.unionid ? { unionid: token.unionid } : {}) };
    if (!withProfile) return identity;
    const info = await onceMoreIfBusy(() => client.oauthUserInfo(token.accessToken, token.openid)).catch(mapped('login', client));
    const unionid = token.unionid ?? info.unionid;
    return {
      ...identity,
      ...(unionid ? { unionid } : {}),
      profile: { nickname: info.nickname, avatarUrl: info.headImgUrl?.startsWith('https://') ? info.headImgUrl : null },
    };
  };

  const redirectKinds: RedirectLoginKind[] = [];
  if (clients.h5 !== null) redirectKinds.push('h5');
  if (clients.web !== null) redirectKinds.push('web');
  const web: WechatWeb = {
    redirectKinds,
    authorizeUrl(kind, redirectUri, state) {
      const client = clientOf(kind);
      return kind === 'h5'
        ? client.oauthAuthorizeUrl({ redirectUri, scope: o.h5Scope, state })
        : client.qrConnectUrl({ redirectUri, state });
    },
    jsSdk: clients.h5 !== null,
    async jsSdkConfig(url, jsApiList) {
      const client = clients.h5;
      if (client === null) throw new AppError(AccountsErrors.JSSDK_UNAVAILABLE);
      const c = await onceMoreIfBusy(() => client.jsSdkConfig({ url, jsApiList })).catch(mapped('jssdk', client));
      return { appId: c.appId, timestamp: c.timestamp, nonceStr: c.nonceStr, signature: c.signature, jsApiList: c.jsApiList };
    },
    phone: o.phone && clients.miniprogram !== null,
    async phoneNumber(code, openid) {
      const client = clients.miniprogram;
      if (!o.phone || client === null) throw new AppError(AccountsErrors.PHONE_NOT_ENABLED);
      const p = await onceMoreIfBusy(() => client.phoneNumber(code, { openid })).catch(mapped('phone', client));
      return { phoneNumber: p.purePhoneNumber, countryCode: p.countryCode };
    },
  };
  return { exchangeCode, web };
}

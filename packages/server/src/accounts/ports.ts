// What the accounts domain needs from outside, in its own terms.

/**
 * `miniprogram`: `wx.login` code → `jscode2session` (a mini-game or mini-program). `h5`: the
 * official account's OAuth `code` → `sns/oauth2/access_token` (H5 inside WeChat). `web`: an Open
 * Platform website app's QR-login `code` (desktop browsers), exchanged the same way.
 */
export type LoginKind = 'miniprogram' | 'h5' | 'web';
/** The sign-in kinds that go through a consent page and come back with `?code&state`. */
export type RedirectLoginKind = 'h5' | 'web';

/** A secret only the server may see: it prints and serialises as a placeholder; `reveal()` gives the value. */
export interface ServerSecret {
  reveal(): string;
}

export interface WechatIdentity {
  readonly openid: string;
  /** Present when the app is bound to an open-platform account; the same person has one unionid across apps. */
  readonly unionid?: string;
  /** Mini-program sign-in: WeChat's session_key, stored sealed and replaced on each login, never sent to a client. */
  readonly sessionKey?: ServerSecret;
  /** What WeChat says of the person (snsapi_userinfo, snsapi_login), used for a new player's profile. */
  readonly profile?: { readonly nickname: string; readonly avatarUrl: string | null };
}

export interface IdentityProvider {
  /**
   * Exchanges a one-time login code for the user's identity in the app configured for `kind`.
   * Throws AppError LOGIN_CODE_INVALID for a bad code, LOGIN_CODE_USED for a spent one,
   * LOGIN_RATE_LIMITED, LOGIN_BLOCKED_BY_WECHAT, LOGIN_APP_UNKNOWN for a kind with no app,
   * IDENTITY_PROVIDER_BUSY / IDENTITY_PROVIDER_UNAVAILABLE when the provider cannot answer.
   */
  exchangeCode(kind: LoginKind, code: string): Promise<WechatIdentity>;
}

/** A sign-in provider that hands out login codes itself (a sandbox standing in for WeChat's client side). */
export interface LoginCodeIssuer {
  /** Returns a fresh code for the user `user` (a new random user when omitted). */
  issueCode(kind: LoginKind, user?: string): { code: string; user: string };
}

/** What a page passes to `wx.config` (the JS-SDK). */
export interface JsSdkSignature {
  readonly appId: string;
  readonly timestamp: number;
  readonly nonceStr: string;
  readonly signature: string;
  readonly jsApiList: readonly string[];
}

/**
 * What the real WeChat adapter offers besides the code exchange: the consent pages players are
 * sent to, the JS-SDK signature of the official account, and phone numbers through the mini-program.
 */
export interface WechatWeb {
  /** The kinds with a consent page configured (the official account: `h5`; a website app: `web`). */
  readonly redirectKinds: readonly RedirectLoginKind[];
  /** The consent page of `kind`, coming back to `redirectUri?code=…&state=…`. */
  authorizeUrl(kind: RedirectLoginKind, redirectUri: string, state: string): string;
  /** True when the official account is configured (the JS-SDK belongs to it). */
  readonly jsSdk: boolean;
  /** The `wx.config` signature for the page at `url` (its `#…` part dropped). */
  jsSdkConfig(url: string, jsApiList: readonly string[]): Promise<JsSdkSignature>;
  /** True when the operator lets mini-program players share their phone number. */
  readonly phone: boolean;
  /** The number behind a getPhoneNumber code of the mini-program's player `openid`. */
  phoneNumber(code: string, openid: string): Promise<{ readonly phoneNumber: string; readonly countryCode: string }>;
}

export interface IdentityDocument {
  readonly realName: string;
  /** An 18-character PRC resident identity number. */
  readonly idNumber: string;
}

/**
 * What the real-name authority (the NPPA 网络游戏防沉迷实名验证系统) answered about one check
 * attempt. Expected outcomes are values, never exceptions:
 * - `verified`: the name and number belong together; `pi` is the authority's id of the person,
 *   which play reports carry.
 * - `pending`: the authority is still checking; query the same attempt later.
 * - `failed`: the name and number do not belong together (`reason` is the authority's code).
 * - `not_found` (query only): the authority holds no check under this attempt id — it never
 *   arrived, or its result expired — so the check may be sent again under the same id.
 * - `unavailable`: no answer (timeout, outage, refusal of our credentials). `mayHaveArrived` says
 *   whether the check may have been recorded anyway (query before sending it again);
 *   `operatorFault` marks refusals only the operator can fix (credentials, allow-list, quota).
 */
export type RealNameAnswer =
  | { readonly status: 'verified'; readonly pi: string }
  | { readonly status: 'pending' }
  | { readonly status: 'failed'; readonly reason: string }
  | { readonly status: 'not_found' }
  | {
      readonly status: 'unavailable';
      readonly code: string;
      readonly message: string;
      readonly mayHaveArrived: boolean;
      readonly operatorFault: boolean;
    };

/** The real-name check port: asks the authority whether a name and an identity number belong together. */
export interface RealNameAuthority {
  /** The authority's name, recorded with every verification it makes (`nppa`). */
  readonly name: string;
  /**
   * Sends one check under `attemptId` (32 letters or digits, new for every attempt: the authority
   * refuses to reuse one while its result exists).
   */
  check(attemptId: string, doc: IdentityDocument): Promise<RealNameAnswer>;
  /** The result of an earlier check (pending, or whose answer was lost). */
  query(attemptId: string): Promise<RealNameAnswer>;
}

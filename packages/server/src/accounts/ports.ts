// What the accounts domain needs from outside, in its own terms.

/** `miniprogram`: `wx.login` code → `jscode2session`. `h5`: official-account OAuth `code` → `sns/oauth2/access_token`. */
export type LoginKind = 'miniprogram' | 'h5';

export interface WechatIdentity {
  readonly openid: string;
  /** Present when the app is bound to an open-platform account; the same person has one unionid across apps. */
  readonly unionid?: string;
}

export interface IdentityProvider {
  /**
   * Exchanges a one-time login code for the user's identity in the app configured for `kind`.
   * Throws AppError LOGIN_CODE_INVALID for a bad or used code, IDENTITY_PROVIDER_UNAVAILABLE when
   * the provider cannot be reached.
   */
  exchangeCode(kind: LoginKind, code: string): Promise<WechatIdentity>;
}

/** A sign-in provider that hands out login codes itself (a sandbox standing in for WeChat's client side). */
export interface LoginCodeIssuer {
  /** Returns a fresh code for the user `user` (a new random user when omitted). */
  issueCode(kind: LoginKind, user?: string): { code: string; user: string };
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

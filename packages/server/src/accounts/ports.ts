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

export type VerificationResult =
  | { readonly verified: true; readonly providerRef: string }
  | { readonly verified: false; readonly reason: string };

export interface VerificationProvider {
  /** Asks the real-name authority whether the name and the identity number belong together. */
  verify(doc: IdentityDocument): Promise<VerificationResult>;
}

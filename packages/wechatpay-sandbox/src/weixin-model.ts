// The WeChat sign-in side in the sandbox's own terms: apps (mini-game, mini-program, official
// account, Open Platform website app), test players, the one-time codes a player's WeChat hands
// an app, and the tokens api.weixin.qq.com issues. Facts behind the numbers are cited where used
// (weixin.ts, weixin-world.ts).

export const WEIXIN_APP_KINDS = ['minigame', 'miniprogram', 'officialAccount', 'website'] as const;
export type WeixinAppKind = (typeof WEIXIN_APP_KINDS)[number];

export interface WeixinApp {
  readonly appid: string;
  secret: string;
  kind: WeixinAppKind;
  name: string;
  /**
   * The Open Platform account the app is bound to, or null. Players get a unionid in an app only
   * when it is bound, and the same unionid in every app bound to the same account.
   */
  openPlatformId: string | null;
  /** Hosts the OAuth pages may redirect to (WeChat's 授权回调域); null accepts any host. */
  redirectDomains: string[] | null;
}

export interface WeixinAppInput {
  appid: string;
  kind: WeixinAppKind;
  /** Default: derived from the sandbox's keys, so it survives a restart with the same data folder. */
  secret?: string;
  name?: string;
  /** Default 'sandbox-open'; null: not bound to an Open Platform account (no unionid). */
  openPlatformId?: string | null;
  redirectDomains?: string[] | null;
}

export interface TestPlayerPhone {
  /** Digits without '+', e.g. '86'. */
  countryCode: string;
  /** The national number, digits only. */
  number: string;
}

export interface TestPlayer {
  readonly handle: string;
  nickname: string;
  avatarUrl: string | undefined;
  phone: TestPlayerPhone | null;
  /** The apps the player uses; a code can be issued only for these. */
  apps: Set<string>;
  /** WeChat's risk control refuses this player's logins (errcode 40226). */
  highRisk: boolean;
  /** Fixed openids (legacy `loginCode(openid)`), by appid; others are derived. */
  readonly openidOverrides: Map<string, string>;
  readonly createdMs: number;
}

export interface TestPlayerInput {
  handle: string;
  nickname?: string;
  avatarUrl?: string;
  /** '13800138000', '+86 13800138000', '+44 7700900123' or {countryCode, number}. */
  phone?: string | TestPlayerPhone | null;
  /** Appids; default every app the sandbox knows. */
  apps?: string[];
  highRisk?: boolean;
}

/** What a code stands for: `wx.login` (jscode), an OAuth or QR-login consent (oauth), a getPhoneNumber tap (phone). */
export type WeixinCodeKind = 'jscode' | 'oauth' | 'phone';
export const WEIXIN_CODE_KINDS: readonly WeixinCodeKind[] = ['jscode', 'oauth', 'phone'];
export type OAuthScopeName = 'snsapi_base' | 'snsapi_userinfo' | 'snsapi_login';

export interface WeixinCode {
  readonly code: string;
  readonly kind: WeixinCodeKind;
  readonly appid: string;
  readonly handle: string;
  /** OAuth only. */
  readonly scope: OAuthScopeName | null;
  readonly expiresMs: number;
  used: boolean;
}

export interface AppToken {
  readonly kind: 'app';
  readonly appid: string;
  /** Which API issued it: they are kept apart ("与getAccessToken获取的调用凭证完全隔离"). */
  readonly source: 'stable' | 'legacy';
  expiresMs: number;
  /** From this moment WeChat answers 40001 (replaced or force-refreshed); null while it is the current one. */
  revokedMs: number | null;
}

export interface OAuthUserToken {
  readonly kind: 'oauth';
  readonly appid: string;
  readonly handle: string;
  readonly openid: string;
  readonly scope: OAuthScopeName;
  expiresMs: number;
}

export type WeixinToken = AppToken | OAuthUserToken;

export interface OAuthRefreshToken {
  readonly appid: string;
  readonly handle: string;
  readonly openid: string;
  readonly scope: OAuthScopeName;
  readonly expiresMs: number;
}

/** Per app: the stable-token API's current token and its forced-refresh history. */
export interface StableTokenState {
  current: string | null;
  /** Times of forced refreshes that did refresh, newest last (only today's matter). */
  forcedMs: number[];
}

// Limits. A test or a development session never comes close.
export const WEIXIN_APPS_MAX = 64;
export const TEST_PLAYERS_MAX = 10_000;
export const WEIXIN_CODES_MAX = 100_000;
export const WEIXIN_TOKENS_MAX = 100_000;
export const RATE_WINDOWS_MAX = 100_000;
export const CALL_COUNTERS_MAX = 256;

export const HANDLE_PATTERN = /^[A-Za-z0-9_-]{1,32}$/;
export const APPID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
export const OPEN_PLATFORM_ID_PATTERN = /^[0-9A-Za-z_-]{1,64}$/;
export const NICKNAME_CHARS_MAX = 32;
export const AVATAR_URL_CHARS_MAX = 512;

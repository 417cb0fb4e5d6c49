// The state behind the simulated api.weixin.qq.com: apps, test players, one-time codes, tokens,
// jsapi tickets, rate windows and call counters. Pure state on the sandbox clock; the HTTP side
// is weixin.ts (API), weixin-pages.ts (pages) and weixin-admin.ts (admin endpoints).
//
// Sources for the rules:
// - code2Session: code single use, 5 minutes; 100 calls a minute per user (45011); high-risk users
//   40226 (developers.weixin.qq.com/minigame/dev/api-backend/open-api/login/auth.code2Session.html
//   and its English copy); a replayed code answers 40163 "code been used" (community reports).
// - getStableAccessToken (verbatim copy of the official page in handsomegyr's weixin PHP SDK,
//   Weixin/Token/Server.php): 7200 s; normal mode repeats the current token and hands out a new
//   one only in its last 5 minutes, both valid during the handover (so expires_in >= 300);
//   force_refresh retires the previous token, at most 20 a day (then 45009), and a forced call
//   within 30 s of the previous one does not refresh ("否则不会刷新"); isolated from /cgi-bin/token.
// - /cgi-bin/token: every call issues a new token; the previous one keeps working 5 minutes.
// - OAuth: official-account codes live 5 minutes, website (QR) codes 10 minutes (Open Platform
//   FAQ "code的超时时间为10分钟"); refresh_token lives 30 days; unionid in the token answer only
//   for snsapi_userinfo (official account) or snsapi_login (website), and only when the app is
//   bound to an Open Platform account.
import { createHash, createHmac, randomBytes } from 'node:crypto';
import { AppError } from '@fairground/core';
import { randomAlphanumeric, randomHex } from './crypto.ts';
import { SandboxErrors, WeixinError } from './errors.ts';
import { beijingDate } from './time.ts';
import {
  APPID_PATTERN,
  type AppToken,
  AVATAR_URL_CHARS_MAX,
  CALL_COUNTERS_MAX,
  HANDLE_PATTERN,
  NICKNAME_CHARS_MAX,
  type OAuthRefreshToken,
  type OAuthScopeName,
  type OAuthUserToken,
  OPEN_PLATFORM_ID_PATTERN,
  RATE_WINDOWS_MAX,
  type StableTokenState,
  TEST_PLAYERS_MAX,
  type TestPlayer,
  type TestPlayerInput,
  type TestPlayerPhone,
  WEIXIN_APP_KINDS,
  WEIXIN_APPS_MAX,
  WEIXIN_CODES_MAX,
  WEIXIN_TOKENS_MAX,
  type WeixinApp,
  type WeixinAppInput,
  type WeixinCode,
  type WeixinCodeKind,
  type WeixinToken,
} from './weixin-model.ts';

/** jscode, official-account OAuth and phone codes: 5 minutes, single use. */
export const LOGIN_CODE_TTL_MS = 5 * 60_000;
/** Website (QR login) codes: 10 minutes. */
export const WEBSITE_CODE_TTL_MS = 10 * 60_000;
/** access_token, OAuth access token and jsapi_ticket: 7200 s. */
export const TOKEN_TTL_S = 7200;
/** The stable-token API hands out a new token in the current one's last 5 minutes; the old one lives on to its end. */
export const STABLE_HANDOVER_MS = 5 * 60_000;
export const FORCED_REFRESHES_PER_DAY = 20;
export const FORCED_REFRESH_GAP_MS = 30_000;
/** A /cgi-bin/token token replaced by a newer one keeps working this long. */
export const OLD_TOKEN_GRACE_MS = 5 * 60_000;
export const REFRESH_TOKEN_TTL_MS = 30 * 86_400_000;
/** code2Session: "每个用户每分钟100次". */
export const CODE2SESSION_PER_USER_PER_MINUTE = 100;
/** msgSecCheck and other per-user APIs want a user who used the app this recently (61010 otherwise). */
export const USER_ACTIVE_WINDOW_MS = 2 * 3_600_000;
export const DEFAULT_OPEN_PLATFORM_ID = 'sandbox-open';

export interface WeixinWorldDeps {
  nowMs(): number;
  /** Secret seed for derived openids, unionids and app secrets (stable across restarts with the same keys). */
  readonly seed: string;
  /** The pay appid and its secret: the default app. */
  readonly defaultAppid: string;
  readonly defaultSecret: string;
  pagesUrl(): string;
}

export interface IssueCodeInput {
  handle: string;
  appid: string;
  kind: WeixinCodeKind;
  /** OAuth only: snsapi_base or snsapi_userinfo (official account; default userinfo), snsapi_login (website). */
  scope?: OAuthScopeName;
}

export interface IssuedCodeView {
  code: string;
  kind: WeixinCodeKind;
  appid: string;
  handle: string;
  openid: string;
  scope: OAuthScopeName | null;
  expiresAtMs: number;
}

export interface WeixinAppView {
  appid: string;
  kind: string;
  name: string;
  secret: string;
  openPlatformId: string | null;
  redirectDomains: string[] | null;
}

export interface TestPlayerView {
  handle: string;
  nickname: string;
  avatarUrl: string;
  phone: TestPlayerPhone | null;
  highRisk: boolean;
  /** Per bound app: the openid there and the unionid (null when the app has no Open Platform account). */
  apps: { appid: string; kind: string; openid: string; unionid: string | null }[];
}

function bad(why: string): AppError {
  return new AppError(SandboxErrors.SANDBOX_REQUEST_INVALID, { why });
}

function b64id(seed: string, label: string): string {
  return `o${createHash('sha256').update(`${label}\u0000${seed}`).digest('base64url').slice(0, 27)}`;
}

/** Bounded map helper: drops expired entries, then the oldest, before a map grows past `max`. */
function makeRoom<V>(map: Map<string, V>, max: number, expired: (v: V) => boolean): void {
  if (map.size < max) return;
  for (const [k, v] of map) if (expired(v)) map.delete(k);
  while (map.size >= max) {
    const first = map.keys().next();
    if (first.done) break;
    map.delete(first.value);
  }
}

export function parsePhone(input: string | TestPlayerPhone | null | undefined): TestPlayerPhone | null {
  if (input === undefined || input === null || input === '') return null;
  let countryCode = '86';
  let number: string;
  if (typeof input === 'object') {
    countryCode = String(input.countryCode ?? '86').replace(/^\+/, '');
    number = String(input.number ?? '');
  } else {
    const m = /^\s*(?:\+(\d{1,4})[\s-]*)?([\d\s-]+)$/.exec(input);
    if (!m) throw bad('phone must be digits, optionally "+<country code> " first');
    countryCode = m[1] ?? '86';
    number = m[2] ?? '';
  }
  number = number.replace(/[\s-]/g, '');
  if (!/^\d{1,4}$/.test(countryCode)) throw bad('phone country code must be 1-4 digits');
  if (!/^\d{5,15}$/.test(number)) throw bad('phone number must be 5-15 digits');
  return { countryCode, number };
}

export class WeixinWorld {
  readonly #d: WeixinWorldDeps;
  readonly apps = new Map<string, WeixinApp>();
  readonly players = new Map<string, TestPlayer>();
  readonly codes = new Map<string, WeixinCode>();
  readonly tokens = new Map<string, WeixinToken>();
  readonly refreshTokens = new Map<string, OAuthRefreshToken>();
  readonly stable = new Map<string, StableTokenState>();
  readonly legacyCurrent = new Map<string, string>();
  readonly tickets = new Map<string, { ticket: string; expiresMs: number }>();
  readonly #rate = new Map<string, { windowStartMs: number; count: number }>();
  readonly #calls = new Map<string, number>();
  /** When each `${appid}:${openid}` last signed in (code2Session): content security wants a user active in the last two hours. */
  readonly #activeAtMs = new Map<string, number>();

  constructor(deps: WeixinWorldDeps) {
    this.#d = deps;
  }

  nowMs(): number {
    return this.#d.nowMs();
  }

  get defaultAppid(): string {
    return this.#d.defaultAppid;
  }

  // ---- apps ----

  /** Adds or changes an app. A new app gets a derived secret unless one is given. */
  upsertApp(input: WeixinAppInput): WeixinApp {
    if (typeof input !== 'object' || input === null) throw bad('an app is an object');
    if (typeof input.appid !== 'string' || !APPID_PATTERN.test(input.appid)) throw bad('appid must be 1-64 of [0-9A-Za-z_-]');
    if (!(WEIXIN_APP_KINDS as readonly string[]).includes(input.kind)) throw bad(`kind must be one of ${WEIXIN_APP_KINDS.join(', ')}`);
    const open = input.openPlatformId === undefined ? undefined : input.openPlatformId;
    if (open !== undefined && open !== null && (typeof open !== 'string' || !OPEN_PLATFORM_ID_PATTERN.test(open)))
      throw bad('openPlatformId must be null or 1-64 of [0-9A-Za-z_-]');
    if (input.secret !== undefined && (typeof input.secret !== 'string' || !/^[0-9A-Za-z]{8,64}$/.test(input.secret)))
      throw bad('secret must be 8-64 letters or digits');
    const domains = input.redirectDomains;
    if (domains !== undefined && domains !== null) {
      if (
        !Array.isArray(domains) ||
        domains.length > 16 ||
        domains.some((d) => typeof d !== 'string' || !/^[0-9A-Za-z.-]{1,253}(:\d{1,5})?$/.test(d))
      )
        throw bad('redirectDomains must be at most 16 host names');
    }
    const existing = this.apps.get(input.appid);
    if (existing === undefined && this.apps.size >= WEIXIN_APPS_MAX) throw bad(`at most ${WEIXIN_APPS_MAX} apps`);
    const app: WeixinApp = existing ?? {
      appid: input.appid,
      secret: input.appid === this.#d.defaultAppid ? this.#d.defaultSecret : this.derivedSecret(input.appid),
      kind: input.kind,
      name: input.appid,
      openPlatformId: DEFAULT_OPEN_PLATFORM_ID,
      redirectDomains: null,
    };
    app.kind = input.kind;
    if (input.secret !== undefined) app.secret = input.secret;
    if (input.name !== undefined) app.name = String(input.name).slice(0, 64);
    if (open !== undefined) app.openPlatformId = open;
    if (domains !== undefined) app.redirectDomains = domains === null ? null : [...domains];
    this.apps.set(app.appid, app);
    return app;
  }

  derivedSecret(appid: string): string {
    return createHmac('sha256', this.#d.seed).update(`secret:${appid}`).digest('hex').slice(0, 32);
  }

  app(appid: string): WeixinApp {
    const app = this.apps.get(appid);
    if (app === undefined) throw new AppError(SandboxErrors.SANDBOX_APP_NOT_FOUND, { appid });
    return app;
  }

  appView(app: WeixinApp): WeixinAppView {
    return {
      appid: app.appid,
      kind: app.kind,
      name: app.name,
      secret: app.secret,
      openPlatformId: app.openPlatformId,
      redirectDomains: app.redirectDomains === null ? null : [...app.redirectDomains],
    };
  }

  // ---- players ----

  /** Creates a player, or updates the fields given for an existing one. */
  upsertPlayer(input: TestPlayerInput): TestPlayer {
    if (typeof input !== 'object' || input === null) throw bad('a player is an object');
    if (typeof input.handle !== 'string' || !HANDLE_PATTERN.test(input.handle)) throw bad('handle must be 1-32 of [A-Za-z0-9_-]');
    if (
      input.nickname !== undefined &&
      (typeof input.nickname !== 'string' || [...input.nickname].length > NICKNAME_CHARS_MAX || input.nickname === '')
    )
      throw bad(`nickname must be 1-${NICKNAME_CHARS_MAX} characters`);
    if (input.avatarUrl !== undefined && !/^https?:\/\/\S+$/.test(String(input.avatarUrl))) throw bad('avatarUrl must be an http(s) URL');
    if (input.avatarUrl !== undefined && input.avatarUrl.length > AVATAR_URL_CHARS_MAX) throw bad('avatarUrl is too long');
    const phone = input.phone === undefined ? undefined : parsePhone(input.phone);
    let apps: Set<string> | undefined;
    if (input.apps !== undefined) {
      if (!Array.isArray(input.apps) || input.apps.some((a) => typeof a !== 'string')) throw bad('apps must be a list of appids');
      for (const appid of input.apps) this.app(appid);
      apps = new Set(input.apps);
    }
    if (input.highRisk !== undefined && typeof input.highRisk !== 'boolean') throw bad('highRisk must be a boolean');
    let p = this.players.get(input.handle);
    if (p === undefined) {
      if (this.players.size >= TEST_PLAYERS_MAX) throw bad(`at most ${TEST_PLAYERS_MAX} players`);
      p = {
        handle: input.handle,
        nickname: `玩家${input.handle}`,
        avatarUrl: undefined,
        phone: null,
        apps: new Set(this.apps.keys()),
        highRisk: false,
        openidOverrides: new Map(),
        createdMs: this.nowMs(),
      };
      this.players.set(p.handle, p);
    }
    if (input.nickname !== undefined) p.nickname = input.nickname;
    if (input.avatarUrl !== undefined) p.avatarUrl = input.avatarUrl;
    if (phone !== undefined) p.phone = phone;
    if (apps !== undefined) p.apps = apps;
    if (input.highRisk !== undefined) p.highRisk = input.highRisk;
    return p;
  }

  player(handle: string): TestPlayer {
    const p = this.players.get(handle);
    if (p === undefined) throw new AppError(SandboxErrors.SANDBOX_PLAYER_NOT_FOUND, { handle });
    return p;
  }

  openidOf(p: TestPlayer, appid: string): string {
    return p.openidOverrides.get(appid) ?? b64id(this.#d.seed, `openid:${appid}:${p.handle}`);
  }

  /** The player's unionid in `app`, or undefined when the app has no Open Platform account. */
  unionidOf(p: TestPlayer, app: WeixinApp): string | undefined {
    if (app.openPlatformId === null) return undefined;
    return b64id(this.#d.seed, `unionid:${app.openPlatformId}:${p.handle}`);
  }

  avatarOf(p: TestPlayer): string {
    return p.avatarUrl ?? `${this.#d.pagesUrl()}/avatar/${encodeURIComponent(p.handle)}.svg`;
  }

  playerView(p: TestPlayer): TestPlayerView {
    return {
      handle: p.handle,
      nickname: p.nickname,
      avatarUrl: this.avatarOf(p),
      phone: p.phone === null ? null : { ...p.phone },
      highRisk: p.highRisk,
      apps: [...p.apps]
        .map((appid) => this.apps.get(appid))
        .filter((a): a is WeixinApp => a !== undefined)
        .map((a) => ({ appid: a.appid, kind: a.kind, openid: this.openidOf(p, a.appid), unionid: this.unionidOf(p, a) ?? null })),
    };
  }

  // ---- codes ----

  /** The one-time code a player's WeChat would hand the app. Refuses apps the player is not bound to. */
  issueCode(input: IssueCodeInput): IssuedCodeView {
    const app = this.app(input.appid);
    const p = this.player(input.handle);
    if (!p.apps.has(app.appid)) throw new AppError(SandboxErrors.SANDBOX_PLAYER_NOT_BOUND, { handle: p.handle, appid: app.appid });
    const mini = app.kind === 'minigame' || app.kind === 'miniprogram';
    let scope: OAuthScopeName | null = null;
    let ttlMs = LOGIN_CODE_TTL_MS;
    let code = randomAlphanumeric(32);
    switch (input.kind) {
      case 'jscode':
        if (!mini) throw bad('jscode (wx.login) codes exist only for mini-games and mini-programs');
        break;
      case 'phone':
        if (!mini) throw bad('phone codes exist only for mini-games and mini-programs');
        if (p.phone === null) throw bad(`player ${p.handle} has no phone number`);
        code = randomHex(32);
        break;
      case 'oauth':
        if (app.kind === 'officialAccount') {
          scope = input.scope ?? 'snsapi_userinfo';
          if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
            throw bad('an official account grants snsapi_base or snsapi_userinfo');
        } else if (app.kind === 'website') {
          scope = input.scope ?? 'snsapi_login';
          if (scope !== 'snsapi_login') throw bad('a website app grants snsapi_login');
          ttlMs = WEBSITE_CODE_TTL_MS;
        } else throw bad('OAuth codes exist only for official accounts and website apps');
        break;
      default:
        throw bad("kind must be 'jscode', 'oauth' or 'phone'");
    }
    return this.#storeCode({
      code,
      kind: input.kind,
      appid: app.appid,
      handle: p.handle,
      scope,
      expiresMs: this.nowMs() + ttlMs,
      used: false,
    });
  }

  #storeCode(c: WeixinCode): IssuedCodeView {
    const nowMs = this.nowMs();
    makeRoom(this.codes, WEIXIN_CODES_MAX, (v) => v.expiresMs <= nowMs);
    this.codes.set(c.code, c);
    const p = this.player(c.handle);
    return {
      code: c.code,
      kind: c.kind,
      appid: c.appid,
      handle: c.handle,
      openid: this.openidOf(p, c.appid),
      scope: c.scope,
      expiresAtMs: c.expiresMs,
    };
  }

  /**
   * The first version's shortcut: a code for the default app whose player has exactly `openid`
   * there (the player's handle is the openid). Kept for existing tests and scripts.
   */
  legacyCode(openid: string, kind: 'jscode' | 'oauth', scope: OAuthScopeName = 'snsapi_userinfo'): string {
    if (typeof openid !== 'string' || !/^[0-9A-Za-z_-]{1,64}$/.test(openid))
      throw new Error(`openid must be 1-64 of [0-9A-Za-z_-]: ${openid}`);
    const appid = this.#d.defaultAppid;
    let p = this.players.get(openid);
    if (p === undefined) p = this.upsertPlayer({ handle: openid.slice(0, 32), apps: [appid] });
    p.apps.add(appid);
    p.openidOverrides.set(appid, openid);
    return this.#storeCode({
      code: randomAlphanumeric(32),
      kind,
      appid,
      handle: p.handle,
      scope: kind === 'oauth' ? scope : null,
      expiresMs: this.nowMs() + LOGIN_CODE_TTL_MS,
      used: false,
    }).code;
  }

  /**
   * Looks up a code presented to `appid` without spending it: 40029 when unknown, expired, of
   * another kind or for another app; 40163 when already used (`usedErrcode` lets the phone API
   * answer 40029 instead, as its page documents).
   */
  peekCode(code: string, kind: WeixinCodeKind, appid: string, usedErrcode = 40163): { c: WeixinCode; player: TestPlayer } {
    const c = this.codes.get(code);
    if (c === undefined || c.kind !== kind || c.appid !== appid || c.expiresMs <= this.nowMs())
      throw new WeixinError(40029, 'invalid code');
    if (c.used) throw new WeixinError(usedErrcode, usedErrcode === 40163 ? 'code been used' : 'invalid code');
    const player = this.players.get(c.handle);
    if (player === undefined) throw new WeixinError(40029, 'invalid code');
    return { c, player };
  }

  /** Counts a code2Session of one user and answers 45011 past the per-minute limit. */
  countUserCall(appid: string, openid: string): void {
    const nowMs = this.nowMs();
    const key = `${appid}:${openid}`;
    makeRoom(this.#rate, RATE_WINDOWS_MAX, (v) => v.windowStartMs + 60_000 <= nowMs);
    const w = this.#rate.get(key);
    if (w === undefined || w.windowStartMs + 60_000 <= nowMs) {
      this.#rate.set(key, { windowStartMs: nowMs, count: 1 });
      return;
    }
    if (w.count >= CODE2SESSION_PER_USER_PER_MINUTE)
      throw new WeixinError(45011, 'api minute-quota reach limit mustslower retry next minute');
    w.count += 1;
  }

  /** Notes a sign-in (code2Session) of `openid` in `appid`: the user is active in the app from now. */
  markActive(appid: string, openid: string): void {
    const nowMs = this.nowMs();
    const key = `${appid}:${openid}`;
    this.#activeAtMs.delete(key);
    makeRoom(this.#activeAtMs, RATE_WINDOWS_MAX, (atMs) => atMs + USER_ACTIVE_WINDOW_MS <= nowMs);
    this.#activeAtMs.set(key, nowMs);
  }

  /** Whether `openid` signed in to `appid` within the last two hours (msgSecCheck answers 61010 otherwise). */
  activeRecently(appid: string, openid: string): boolean {
    const atMs = this.#activeAtMs.get(`${appid}:${openid}`);
    return atMs !== undefined && atMs + USER_ACTIVE_WINDOW_MS > this.nowMs();
  }

  /** The test player behind an openid of `appid`, if any. */
  playerByOpenid(appid: string, openid: string): TestPlayer | undefined {
    for (const p of this.players.values()) if (this.openidOf(p, appid) === openid) return p;
    return undefined;
  }

  // ---- tokens ----

  #newTokenValue(): string {
    // Real tokens are 100-odd printable characters; the documented storage minimum is 512.
    return randomBytes(96).toString('base64url');
  }

  #storeToken(value: string, t: WeixinToken): void {
    const nowMs = this.nowMs();
    makeRoom(
      this.tokens,
      WEIXIN_TOKENS_MAX,
      (v) => v.expiresMs <= nowMs || (v.kind === 'app' && v.revokedMs !== null && v.revokedMs <= nowMs),
    );
    this.tokens.set(value, t);
  }

  /** The app an app-level access_token belongs to: 40001 when unknown or retired, 42001 when expired. */
  appOfToken(value: string): string {
    const t = this.tokens.get(value);
    const nowMs = this.nowMs();
    if (t === undefined || t.kind !== 'app' || (t.revokedMs !== null && t.revokedMs <= nowMs))
      throw new WeixinError(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresMs <= nowMs) throw new WeixinError(42001, 'access_token expired');
    return t.appid;
  }

  /** getStableAccessToken: the current token, or a new one (see the rules at the top of this file). */
  stableToken(appid: string, forceRefresh: boolean): { value: string; expiresInSeconds: number } {
    const nowMs = this.nowMs();
    const state = this.stable.get(appid) ?? { current: null, forcedMs: [] };
    this.stable.set(appid, state);
    const current = state.current === null ? undefined : this.tokens.get(state.current);
    const live = current !== undefined && current.kind === 'app' && current.revokedMs === null && current.expiresMs > nowMs;
    const answer = (value: string, t: AppToken) => ({ value, expiresInSeconds: Math.floor((t.expiresMs - nowMs) / 1000) });
    if (forceRefresh) {
      const today = beijingDate(nowMs);
      state.forcedMs = state.forcedMs.filter((ms) => beijingDate(ms) === today);
      const last = state.forcedMs.at(-1);
      if (live && last !== undefined && nowMs - last < FORCED_REFRESH_GAP_MS) return answer(state.current!, current as AppToken);
      if (state.forcedMs.length >= FORCED_REFRESHES_PER_DAY) throw new WeixinError(45009, 'reach max api daily quota limit');
      state.forcedMs.push(nowMs);
      if (live) (current as AppToken).revokedMs = nowMs;
    } else if (live && (current as AppToken).expiresMs - nowMs > STABLE_HANDOVER_MS) {
      return answer(state.current!, current as AppToken);
    }
    // Normal mode in the last five minutes leaves the old token valid to its end (the handover).
    const value = this.#newTokenValue();
    const t: AppToken = { kind: 'app', appid, source: 'stable', expiresMs: nowMs + TOKEN_TTL_S * 1000, revokedMs: null };
    this.#storeToken(value, t);
    state.current = value;
    return answer(value, t);
  }

  /** /cgi-bin/token: always a new token; the previous one of this app keeps working OLD_TOKEN_GRACE_MS. */
  legacyToken(appid: string): { value: string; expiresInSeconds: number } {
    const nowMs = this.nowMs();
    const previous = this.legacyCurrent.get(appid);
    const old = previous === undefined ? undefined : this.tokens.get(previous);
    if (old !== undefined && old.kind === 'app' && old.revokedMs === null) old.revokedMs = nowMs + OLD_TOKEN_GRACE_MS;
    const value = this.#newTokenValue();
    this.#storeToken(value, { kind: 'app', appid, source: 'legacy', expiresMs: nowMs + TOKEN_TTL_S * 1000, revokedMs: null });
    this.legacyCurrent.set(appid, value);
    return { value, expiresInSeconds: TOKEN_TTL_S };
  }

  /** Admin: ends every app token of `appid` now, as expired (42001) or as retired (40001). Returns how many. */
  endAppTokens(appid: string, how: 'expire' | 'revoke'): number {
    this.app(appid);
    const nowMs = this.nowMs();
    let n = 0;
    for (const t of this.tokens.values()) {
      if (t.kind !== 'app' || t.appid !== appid || t.expiresMs <= nowMs || (t.revokedMs !== null && t.revokedMs <= nowMs)) continue;
      if (how === 'expire') t.expiresMs = nowMs;
      else t.revokedMs = nowMs;
      n += 1;
    }
    return n;
  }

  newOAuthTokens(c: WeixinCode, player: TestPlayer): { accessToken: string; refreshToken: string } {
    const nowMs = this.nowMs();
    const openid = this.openidOf(player, c.appid);
    const scope = c.scope ?? 'snsapi_base';
    const accessToken = this.#newTokenValue();
    this.#storeToken(accessToken, {
      kind: 'oauth',
      appid: c.appid,
      handle: player.handle,
      openid,
      scope,
      expiresMs: nowMs + TOKEN_TTL_S * 1000,
    });
    const refreshToken = this.#newTokenValue();
    makeRoom(this.refreshTokens, WEIXIN_TOKENS_MAX, (v) => v.expiresMs <= nowMs);
    this.refreshTokens.set(refreshToken, { appid: c.appid, handle: player.handle, openid, scope, expiresMs: nowMs + REFRESH_TOKEN_TTL_MS });
    return { accessToken, refreshToken };
  }

  refreshOAuth(appid: string, refreshToken: string): { accessToken: string; r: OAuthRefreshToken } {
    const r = this.refreshTokens.get(refreshToken);
    if (r === undefined || r.appid !== appid) throw new WeixinError(40030, 'invalid refresh_token');
    if (r.expiresMs <= this.nowMs()) throw new WeixinError(42002, 'refresh_token expired');
    const accessToken = this.#newTokenValue();
    this.#storeToken(accessToken, {
      kind: 'oauth',
      appid,
      handle: r.handle,
      openid: r.openid,
      scope: r.scope,
      expiresMs: this.nowMs() + TOKEN_TTL_S * 1000,
    });
    return { accessToken, r };
  }

  oauthToken(value: string): OAuthUserToken {
    const t = this.tokens.get(value);
    if (t === undefined || t.kind !== 'oauth') throw new WeixinError(40001, 'invalid credential, access_token is invalid or not latest');
    if (t.expiresMs <= this.nowMs()) throw new WeixinError(42001, 'access_token expired');
    return t;
  }

  jsapiTicket(appid: string): { ticket: string; expiresInSeconds: number } {
    const nowMs = this.nowMs();
    let t = this.tickets.get(appid);
    if (t === undefined || t.expiresMs <= nowMs) {
      t = { ticket: randomBytes(64).toString('base64url'), expiresMs: nowMs + TOKEN_TTL_S * 1000 };
      this.tickets.set(appid, t);
    }
    return { ticket: t.ticket, expiresInSeconds: Math.floor((t.expiresMs - nowMs) / 1000) };
  }

  // ---- call counters (tests check how often the client really called) ----

  countCall(endpoint: string): void {
    if (!this.#calls.has(endpoint) && this.#calls.size >= CALL_COUNTERS_MAX) return;
    this.#calls.set(endpoint, (this.#calls.get(endpoint) ?? 0) + 1);
  }

  calls(): Record<string, number> {
    return Object.fromEntries([...this.#calls.entries()].sort(([a], [b]) => a.localeCompare(b)));
  }

  resetCalls(): void {
    this.#calls.clear();
  }
}

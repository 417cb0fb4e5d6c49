// An in-process platform on a test backend, driven through Fastify's inject (real routing,
// parsing, validation, hooks and serialization; no socket). The clock is manual, so token expiry
// and TOTP steps are moved, never waited for.
import { randomBytes } from 'node:crypto';
import { ManualClock } from '@fairground/core';
import type { OperatorRole } from '../../src/accounts/index.ts';
import { base32Decode, totp } from '../../src/accounts/index.ts';
import { createPlatform, type Platform, type PlatformConfig } from '../../src/app.ts';
import type { PlatformAdapters } from '../../src/bindings.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { DENY_ALL_POLICY_FILE, DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import type { Implementation } from '../../src/http/routes.ts';
import { DEFAULT_SETTINGS, thresholdRisk } from '../../src/payments/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';
import { testAdapters } from './adapters.ts';

export const TERMS_VERSION = '2026-01';

export function testConfig(overrides: Partial<PlatformConfig> = {}): PlatformConfig {
  return {
    logLevel: 'warn',
    sessionSecret: randomBytes(32).toString('base64url'),
    dataKey: randomBytes(32),
    devLoginAllowed: true,
    termsVersion: TERMS_VERSION,
    accessTokenTtlS: 900,
    refreshTokenTtlS: 30 * 24 * 3600,
    bodyLimitBytes: 16 * 1024,
    wechatAppIds: { miniprogram: 'wxtestminiprogram', h5: 'wxtestofficial' },
    serveClients: false,
    redisUrl: undefined,
    ...overrides,
  };
}

export interface Reply {
  readonly status: number;
  readonly json: Record<string, unknown> & { code?: string };
  readonly text: string;
}

export interface RequestOptions {
  readonly token?: string;
  readonly body?: unknown;
  /** Sent verbatim (to test malformed JSON and number tokens JSON.stringify cannot produce). */
  readonly raw?: string;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export interface OperatorLogin {
  readonly username: string;
  readonly password: string;
  readonly totpSecret: string;
  readonly operatorId: string;
}

export class TestPlatform {
  readonly platform: Platform;
  readonly store: Store;
  readonly clock: ManualClock;
  #operators = 0;

  constructor(platform: Platform, store: Store, clock: ManualClock) {
    this.platform = platform;
    this.store = store;
    this.clock = clock;
  }

  static async start(
    backend: TestBackend,
    options: {
      policy?: 'development' | 'deny-all';
      config?: Partial<PlatformConfig>;
      extraRoutes?: Record<string, Implementation>;
      /** PostgreSQL writer connections (default 1): several let concurrent units really run side by side. */
      writers?: number;
      /** The outside ports (default: the stand-ins); given the test's clock and store, so an adapter may keep state in it. */
      adapters?: (clock: ManualClock, store: Store) => PlatformAdapters | Promise<PlatformAdapters>;
    } = {},
  ): Promise<TestPlatform> {
    const clock = new ManualClock(Date.UTC(2026, 0, 15, 8, 0, 0));
    const store = await backend.open({ clock, ...(options.writers ? { writers: options.writers } : {}) });
    const policy = loadPolicyFile(options.policy === 'deny-all' ? DENY_ALL_POLICY_FILE : DEVELOPMENT_POLICY_FILE);
    const platform = await createPlatform({
      config: testConfig(options.config),
      store,
      clock,
      policy,
      logger: false,
      adapters: options.adapters ? await options.adapters(clock, store) : testAdapters(clock),
      // Withdrawals keep the payment settings' plain review threshold here; risk-engine tests ask for the engine.
      payments: { risk: thresholdRisk(DEFAULT_SETTINGS.withdrawalReviewFromFen) },
      ...(options.extraRoutes ? { extraRoutes: options.extraRoutes } : {}),
    });
    return new TestPlatform(platform, store, clock);
  }

  async close(): Promise<void> {
    await this.platform.close();
    await this.store.close();
  }

  async request(method: string, url: string, o: RequestOptions = {}): Promise<Reply> {
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let payload: string | undefined;
    if (o.raw !== undefined) payload = o.raw;
    else if (o.body !== undefined) payload = JSON.stringify(o.body);
    if (payload !== undefined) headers['content-type'] = o.contentType ?? 'application/json';
    const res = await this.platform.app.inject({
      method: method as 'GET',
      url,
      headers,
      ...(payload !== undefined ? { payload } : {}),
    });
    let json: Reply['json'] = {};
    try {
      json = res.body === '' ? {} : (JSON.parse(res.body) as Reply['json']);
    } catch {
      json = {};
    }
    return { status: res.statusCode, json, text: res.body };
  }

  /** Signs a sandbox WeChat user in through the real code exchange; returns tokens and the player id. */
  async loginPlayer(user: string, kind: 'h5' | 'miniprogram' = 'h5'): Promise<{ token: string; refreshToken: string; playerId: string }> {
    const code = await this.request('POST', '/api/sandbox/wechat/codes', { body: { kind, user } });
    if (code.status !== 201) throw new Error(`sandbox code: ${code.text}`);
    const login = await this.request('POST', '/api/auth/wechat/login', { body: { kind, code: code.json.code } });
    if (login.status !== 200) throw new Error(`login: ${login.text}`);
    const tokens = login.json.tokens as { accessToken: string; refreshToken: string };
    return { token: tokens.accessToken, refreshToken: tokens.refreshToken, playerId: (login.json.player as { id: string }).id };
  }

  /** A signed-in player who accepted the agreement (ready for money and play). */
  async readyPlayer(user: string): Promise<{ token: string; refreshToken: string; playerId: string }> {
    const p = await this.loginPlayer(user);
    const r = await this.request('POST', '/api/me/terms', { token: p.token, body: { version: TERMS_VERSION } });
    if (r.status !== 200) throw new Error(`terms: ${r.text}`);
    return p;
  }

  async createOperator(roles: readonly OperatorRole[]): Promise<OperatorLogin> {
    this.#operators += 1;
    const username = `op${this.#operators}-${roles.join('-')}`.slice(0, 32);
    const password = `correct horse ${this.#operators} battery`;
    const created = await this.platform.accounts.operators.create({ username, password, roles });
    return { username, password, totpSecret: created.totpSecret, operatorId: created.id };
  }

  /** The current TOTP code. Each code is accepted once, so sign-ins move the clock to the next step first. */
  totpNow(secret: string): string {
    return totp(base32Decode(secret), this.clock.nowMs());
  }

  async loginOperator(op: OperatorLogin): Promise<string> {
    this.clock.advanceMs(30_000);
    const r = await this.request('POST', '/api/admin/auth/login', {
      body: { username: op.username, password: op.password, totp: this.totpNow(op.totpSecret) },
    });
    if (r.status !== 200) throw new Error(`operator login: ${r.text}`);
    return (r.json.tokens as { accessToken: string }).accessToken;
  }

  /** Row counts of every table a request could write, and the consumed refresh tokens: equal before and after means "nothing changed". */
  async snapshot(): Promise<Record<string, number>> {
    const tables = [
      'players',
      'player_identities',
      'player_kyc',
      'operators',
      'auth_sessions',
      'auth_refresh_tokens',
      'ledger_transfers',
      'ledger_requests',
      'admin_audit',
      'analytics_events',
      'notifications',
      'subscribe_sends',
    ];
    const out: Record<string, number> = {};
    for (const t of tables) {
      const rows = await this.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t}`);
      out[t] = Number(rows[0]?.n ?? 0);
    }
    const used = await this.store.reader.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM auth_refresh_tokens WHERE used_at_ms IS NOT NULL',
    );
    out.refresh_tokens_used = Number(used[0]?.n ?? 0);
    const revoked = await this.store.reader.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM auth_sessions WHERE revoked_at_ms IS NOT NULL',
    );
    out.sessions_revoked = Number(revoked[0]?.n ?? 0);
    const balances = await this.store.reader.query<{ s: unknown }>('SELECT SUM(credits_posted) AS s FROM ledger_accounts');
    out.ledger_credits_posted = Number(balances[0]?.s ?? 0);
    const consents = await this.store.reader.query<{ s: unknown }>('SELECT SUM(remaining) AS s FROM subscribe_consents');
    out.subscribe_consents_remaining = Number(consents[0]?.s ?? 0);
    return out;
  }
}

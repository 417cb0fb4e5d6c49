// A payments world for tests: the real platform (on SQLite or PostgreSQL) listening on a loopback
// port, the WeChat Pay sandbox on another, both on one ManualClock, and the platform's WeChat Pay
// client pointed at the sandbox exactly as it would be at WeChat Pay. `settle()` lets time's work
// happen: the sandbox's state changes and notifications, then the platform's sweeps.
import type { AddressInfo } from 'node:net';
import type { VirtualPaymentPort } from '../../src/vpay/ports.ts';
import { ManualClock } from '@fairground/core';
import { WechatPayClient } from '@fairground/wechatpay';
import { type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { createPlatform } from '../../src/app.ts';
import { loadPolicyFile, type Policy } from '../../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { systemAccount } from '../../src/ledger/index.ts';
import {
  DEFAULT_SETTINGS,
  NOTIFY_PATH,
  type PaymentsSettings,
  type RiskPort,
  thresholdRisk,
  type WageringPort,
} from '../../src/payments/index.ts';
import { wechatPayProvider } from '../../src/payments/wechatpay/provider.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

export const SANDBOX_APPID = 'wx8888888888888888';
/** 09:00 Beijing time on a Monday: far from a day boundary, so a test's day is one bill date. */
export const START_MS = Date.UTC(2026, 2, 2, 1, 0, 0);

export interface World {
  readonly t: TestPlatform;
  /** Where the platform listens (the notify URL is `${url}${NOTIFY_PATH}`). */
  readonly url: string;
  readonly sandbox: Sandbox;
  readonly clock: ManualClock;
  readonly client: WechatPayClient;
  settle(rounds?: number): Promise<void>;
  /** Moves the clock in steps of at most `stepMs`, settling after each. */
  advance(totalMs: number, stepMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface WorldOptions {
  readonly settings?: Partial<PaymentsSettings>;
  /** What withdrawals ask: this port, the platform's risk engine ('engine'), or by default the settings' plain review threshold. */
  readonly risk?: RiskPort | 'engine';
  readonly wagering?: WageringPort;
  readonly timeoutMs?: number;
  readonly startMs?: number;
  /** Where the sandbox writes its keys (tests that forge notifications read its private keys there). */
  readonly sandboxDataDir?: string;
  /** PostgreSQL writer connections (default 1): several let concurrent units really run side by side. */
  readonly writers?: number;
  /** The compliance policy (default: the development policy, which sets no limits of its own). */
  readonly policy?: Policy;
  /** Virtual payment for the mini-game (a test's own port; none by default). */
  readonly vpay?: VirtualPaymentPort;
}

export async function startWorld(backend: TestBackend, o: WorldOptions = {}): Promise<World> {
  const clock = new ManualClock(o.startMs ?? START_MS);
  const sandbox = await startSandbox({ clock, appid: SANDBOX_APPID, ...(o.sandboxDataDir ? { dataDir: o.sandboxDataDir } : {}) });
  const client = new WechatPayClient({
    baseUrl: sandbox.baseUrl,
    weixinBaseUrl: sandbox.baseUrl,
    mchid: sandbox.merchant.mchid,
    appid: sandbox.merchant.appid,
    serialNo: sandbox.merchant.serialNo,
    privateKeyPem: sandbox.merchant.privateKeyPem,
    apiV3Key: sandbox.merchant.apiV3Key,
    verifier: { [sandbox.platform.publicKeyId]: sandbox.platform.publicKeyPem },
    clock,
    // Generous: a loaded CI machine must not turn a slow loopback call into a provider timeout (fault tests set their own).
    timeoutMs: o.timeoutMs ?? 10_000,
  });
  const store = await backend.open({ clock, ...(o.writers ? { writers: o.writers } : {}) });
  const settings = { ...DEFAULT_SETTINGS, ...o.settings };
  const platform = await createPlatform({
    config: testConfig({ wechatAppIds: { miniprogram: 'wxtestminiprogram', h5: SANDBOX_APPID } }),
    store,
    clock,
    policy: o.policy ?? loadPolicyFile(DEVELOPMENT_POLICY_FILE),
    logger: false,
    adapters: testAdapters(clock, {
      appIds: { miniprogram: 'wxtestminiprogram', h5: SANDBOX_APPID },
      payments: wechatPayProvider(client, { sandboxPagesUrl: sandbox.pagesUrl }),
      ...(o.vpay ? { vpay: o.vpay } : {}),
    }),
    payments: {
      settings,
      ...(o.risk === 'engine' ? {} : { risk: o.risk ?? thresholdRisk(settings.withdrawalReviewFromFen) }),
      ...(o.wagering ? { wagering: o.wagering } : {}),
    },
  });
  await platform.app.listen({ port: 0, host: '127.0.0.1' });
  const port = (platform.app.server.address() as AddressInfo).port;
  platform.payments.setNotifyUrl(`http://127.0.0.1:${port}${NOTIFY_PATH}`);
  const t = new TestPlatform(platform, store, clock);
  const settle = async (rounds = 3) => {
    for (let i = 0; i < rounds; i++) {
      await sandbox.runDue();
      await platform.payments.runDue();
    }
  };
  return {
    t,
    url: `http://127.0.0.1:${port}`,
    sandbox,
    clock,
    client,
    settle,
    async advance(totalMs, stepMs = 60_000) {
      let left = totalMs;
      while (left > 0) {
        const step = Math.min(stepMs, left);
        clock.advanceMs(step);
        left -= step;
        await settle(1);
      }
      await settle();
    },
    async close() {
      await t.close();
      await sandbox.close();
    },
  };
}

/** Posted credits minus debits of a player's CNY wallet, and what is available now. */
export async function wallet(
  t: TestPlatform,
  playerId: string,
): Promise<{ postedFen: number; availableFen: number; pendingDebitsFen: number }> {
  const b = (await t.platform.ledger.balances('player', playerId)).find((x) => x.asset === 'CNY');
  return { postedFen: b?.postedFen ?? 0, availableFen: b?.availableFen ?? 0, pendingDebitsFen: b?.pendingDebitsFen ?? 0 };
}

export const CLEARING = systemAccount('provider_clearing', 'CNY');

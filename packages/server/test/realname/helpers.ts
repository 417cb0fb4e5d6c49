// A test platform whose real-name ports are bound to the NPPA adapters, talking over loopback HTTP
// to a protocol-faithful NPPA sandbox that shares the test's manual clock (NPPA's 5-second
// timestamp window, its settling and its 180-second report window all follow that clock).
import { ManualClock } from '@fairground/core';
import { NppaClient } from '@fairground/nppa';
import { type NppaSandbox, startNppaSandbox } from '@fairground/nppa/sandbox';
import { createPlatform, type PlatformConfig } from '../../src/app.ts';
import { real } from '../../src/bindings.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { nppaPlayReporter, nppaRealNameAuthority } from '../../src/nppa/adapter.ts';
import { DEFAULT_SETTINGS, thresholdRisk } from '../../src/payments/index.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';
import { policyFile } from '../compliance/helpers.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

export { bj } from '../compliance/helpers.ts';

export interface NppaTest {
  readonly t: TestPlatform;
  readonly clock: ManualClock;
  readonly sandbox: NppaSandbox;
  close(): Promise<void>;
}

export interface NppaTestOptions {
  /** The default policy's file name under compliance/policies (default development). */
  readonly policy?: string;
  readonly startMs?: number;
  readonly config?: Partial<PlatformConfig>;
  /** The client's deadline (default 2000 ms; tests of lost answers use faults that answer, never a wait). */
  readonly timeoutMs?: number;
  /** A secret key other than the sandbox's (the operator configured the wrong one). */
  readonly wrongSecretKey?: string;
}

export async function startNppaTest(backend: TestBackend, o: NppaTestOptions = {}): Promise<NppaTest> {
  const clock = new ManualClock(o.startMs ?? Date.UTC(2026, 0, 15, 8, 0, 0));
  const sandbox = await startNppaSandbox({ clock, rateLimits: { checkPerSecond: 1000, queryPerSecond: 1000, loginoutPerSecond: 1000 } });
  const client = new NppaClient({
    appId: sandbox.appId,
    bizId: sandbox.bizId,
    secretKey: o.wrongSecretKey ?? sandbox.secretKey,
    baseUrl: sandbox.baseUrl,
    clock,
    timeoutMs: o.timeoutMs ?? 2_000,
  });
  const store = await backend.open({ clock });
  const platform = await createPlatform({
    config: testConfig(o.config ?? {}),
    store,
    clock,
    policy: loadPolicyFile(policyFile(o.policy ?? 'development')),
    logger: false,
    adapters: testAdapters(clock, {
      realName: {
        realNameCheck: real(`NPPA (test sandbox at ${sandbox.baseUrl})`, nppaRealNameAuthority(client)),
        playReporting: real(`NPPA (test sandbox at ${sandbox.baseUrl})`, nppaPlayReporter(client, clock)),
      },
    }),
    payments: { risk: thresholdRisk(DEFAULT_SETTINGS.withdrawalReviewFromFen) },
  });
  const t = new TestPlatform(platform, store, clock);
  return {
    t,
    clock,
    sandbox,
    async close() {
      await t.close();
      await sandbox.close();
    },
  };
}

// A test platform with the jurisdiction policies and geo overrides this domain's tests need, on a
// manual clock, plus small helpers: Beijing wall times and identity numbers for a birth date.
import { fileURLToPath } from 'node:url';
import { ManualClock } from '@fairground/core';
import { withCheckChar } from '../../src/accounts/index.ts';
import { createPlatform, type PlatformConfig } from '../../src/app.ts';
import { type GeoOverride, loadPolicyFile } from '../../src/compliance/index.ts';
import { DEFAULT_SETTINGS, thresholdRisk } from '../../src/payments/index.ts';
import { SandboxRealNameReporter } from '../../src/standins/play-reporting.ts';
import type { TestBackend } from '../../src/adapters/testing.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

export const POLICIES_DIR = fileURLToPath(new URL('../../src/compliance/policies/', import.meta.url));
export const policyFile = (name: string) => `${POLICIES_DIR}${name}.json`;

/** Beijing wall time → epoch ms (UTC+8 all year). */
export function bj(date: string, time = '12:00', seconds = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, h - 8, mi, seconds);
}

let sequence = 100;
/** A valid PRC identity number for a birth date (YYYY-MM-DD), unique per call. */
export function idNumberBorn(birthDate: string): string {
  sequence += 1;
  return withCheckChar(`110101${birthDate.replaceAll('-', '')}${String(sequence % 1000).padStart(3, '0')}`);
}

export interface ComplianceTestOptions {
  readonly defaultPolicy?: string;
  readonly policies?: readonly string[];
  readonly geoOverrides?: readonly GeoOverride[];
  readonly startMs?: number;
  readonly config?: Partial<PlatformConfig>;
  /** Withdrawals ask the risk engine (else the payment settings' plain review threshold, as payments tests expect). */
  readonly riskForPayments?: boolean;
}

export async function startComplianceTest(
  backend: TestBackend,
  o: ComplianceTestOptions = {},
): Promise<{ t: TestPlatform; clock: ManualClock; reporter: SandboxRealNameReporter }> {
  const clock = new ManualClock(o.startMs ?? bj('2026-01-13', '10:00'));
  const store = await backend.open({ clock });
  const reporter = new SandboxRealNameReporter();
  const platform = await createPlatform({
    config: testConfig({ geoOverrides: o.geoOverrides ?? [], ...(o.config ?? {}) }),
    store,
    clock,
    policy: loadPolicyFile(policyFile(o.defaultPolicy ?? 'development')),
    logger: false,
    adapters: testAdapters(clock, { reporter }),
    compliance: { policies: (o.policies ?? []).map((n) => loadPolicyFile(policyFile(n))) },
    ...(o.riskForPayments ? {} : { payments: { risk: thresholdRisk(DEFAULT_SETTINGS.withdrawalReviewFromFen) } }),
  });
  return { t: new TestPlatform(platform, store, clock), clock, reporter };
}

/** Real-name verification through the API, for a person born on `birthDate`. */
export async function verify(t: TestPlatform, token: string, birthDate: string, realName = '张三'): Promise<void> {
  const r = await t.request('POST', '/api/me/kyc', { token, body: { realName, idNumber: idNumberBorn(birthDate) } });
  if (r.status !== 200) throw new Error(`kyc: ${r.text}`);
}

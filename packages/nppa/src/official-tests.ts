// Runs NPPA's eight official interface tests with our client: each scenario sends its preset data
// to `/test/…/{code}` and checks the answer a correct client must see. Pointed at the real test
// host this is the operator's go-live check; pointed at the sandbox it runs in CI.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type IdentityResult, NppaClient } from './client.ts';
import { isNppaError } from './errors.ts';
import type { FetchLike } from './http.ts';
import {
  OFFICIAL_SCENARIOS,
  type OfficialScenario,
  PRESET_CHECK_FAILED,
  PRESET_CHECK_IN_PROGRESS,
  PRESET_CHECK_OK,
  PRESET_PI,
  PRESET_QUERY_FAILED_AI,
  type PresetIdentity,
} from './presets.ts';
import { BT_LOGIN, CT_GUEST, CT_VERIFIED } from './protocol.ts';
import type { LoginoutRecord } from './validate.ts';

export interface OfficialTestsConfig {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  /** The eight test codes, testcase01 first. */
  readonly codes: readonly string[];
  /** Stands in for https://wlc.nppa.gov.cn (the sandbox's base URL). */
  readonly baseUrl?: string;
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly fetch?: FetchLike;
}

export interface OfficialTestRow {
  readonly id: string;
  readonly title: string;
  readonly code: string;
  readonly passed: boolean;
  /** What was sent and seen, or what went wrong. */
  readonly detail: string;
}

function describe(r: IdentityResult): string {
  return r.status === 'ok' ? `ok (pi ${r.pi})` : r.status;
}

async function identities(
  presets: readonly PresetIdentity[],
  expect: IdentityResult['status'],
  run: (p: PresetIdentity) => Promise<IdentityResult>,
): Promise<{ passed: boolean; detail: string }> {
  for (const p of presets) {
    const r = await run(p);
    if (r.status !== expect) return { passed: false, detail: `ai ${p.ai}: expected ${expect}, got ${describe(r)}` };
  }
  return { passed: true, detail: `${presets.length} × ${expect}` };
}

function sessionId(): string {
  return randomBytes(16).toString('hex');
}

async function runScenario(
  client: NppaClient,
  s: OfficialScenario,
  code: string,
  nowSeconds: number,
): Promise<{ passed: boolean; detail: string }> {
  const call = { testCode: code };
  switch (s.id) {
    case 'testcase01':
      return identities(PRESET_CHECK_OK, 'ok', (p) => client.check(p, call));
    case 'testcase02':
      return identities(PRESET_CHECK_IN_PROGRESS, 'pending', (p) => client.check(p, call));
    case 'testcase03':
      return identities(PRESET_CHECK_FAILED, 'failed', (p) => client.check(p, call));
    case 'testcase04':
      return identities(PRESET_CHECK_OK, 'ok', (p) => client.query(p.ai, call));
    case 'testcase05':
      return identities(PRESET_CHECK_IN_PROGRESS, 'pending', (p) => client.query(p.ai, call));
    case 'testcase06':
      return identities(
        PRESET_QUERY_FAILED_AI.map((ai) => ({ ai, name: '', idNum: '' })),
        'failed',
        (p) => client.query(p.ai, call),
      );
    case 'testcase07':
    case 'testcase08': {
      const guest = s.id === 'testcase07';
      const records: LoginoutRecord[] = guest
        ? [{ no: 1, si: sessionId(), bt: BT_LOGIN, ot: nowSeconds, ct: CT_GUEST, di: sessionId() }]
        : PRESET_PI.map((pi, i) => ({ no: i + 1, si: sessionId(), bt: BT_LOGIN, ot: nowSeconds, ct: CT_VERIFIED, pi }));
      const r = await client.reportLoginout(records, { ...call, partialRetries: 0 });
      if (r.failed.length > 0) {
        const f = r.failed[0]!;
        return {
          passed: false,
          detail: `record ${f.no} refused: ${f.code}${f.errcode === undefined ? '' : ` (${f.errcode} ${f.errmsg ?? ''})`}`,
        };
      }
      return { passed: true, detail: `${r.accepted.length} record(s) accepted` };
    }
  }
}

/** Runs the eight scenarios in order; a failure of one does not stop the others. */
export async function runOfficialTests(config: OfficialTestsConfig): Promise<OfficialTestRow[]> {
  if (config.codes.length !== OFFICIAL_SCENARIOS.length) {
    throw new RangeError(`expected ${OFFICIAL_SCENARIOS.length} test codes, got ${config.codes.length}`);
  }
  const client = new NppaClient({
    appId: config.appId,
    bizId: config.bizId,
    secretKey: config.secretKey,
    ...(config.baseUrl === undefined ? {} : { baseUrl: config.baseUrl }),
    ...(config.timeoutMs === undefined ? {} : { timeoutMs: config.timeoutMs }),
    ...(config.clock === undefined ? {} : { clock: config.clock }),
    ...(config.fetch === undefined ? {} : { fetch: config.fetch }),
  });
  const nowSeconds = () => Math.floor((config.clock?.nowMs() ?? Date.now()) / 1000);
  const rows: OfficialTestRow[] = [];
  for (const [i, s] of OFFICIAL_SCENARIOS.entries()) {
    const code = config.codes[i]!;
    let outcome: { passed: boolean; detail: string };
    try {
      outcome = await runScenario(client, s, code, nowSeconds());
    } catch (e) {
      const detail = isNppaError(e)
        ? `${e.code}${e.errcode === undefined ? '' : ` (errcode ${e.errcode} ${e.errmsg ?? ''})`}: ${e.message}`
        : e instanceof Error
          ? e.message
          : String(e);
      outcome = { passed: false, detail };
    }
    rows.push({ id: s.id, title: s.title, code, ...outcome });
  }
  return rows;
}

/** The rows as a fixed-width text table, one line per scenario, with a summary line. */
export function formatOfficialTests(rows: readonly OfficialTestRow[]): string {
  const head = ['case', 'code', 'result', 'scenario', 'detail'];
  const body = rows.map((r) => [r.id, r.code, r.passed ? 'PASS' : 'FAIL', r.title, r.detail]);
  const widths = head.slice(0, 3).map((h, i) => Math.max(h.length, ...body.map((b) => b[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i < 3 ? c.padEnd(widths[i]!) : c)).join('  ');
  const passed = rows.filter((r) => r.passed).length;
  return [line(head), ...body.map(line), `${passed}/${rows.length} passed`].join('\n');
}

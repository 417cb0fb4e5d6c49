// The eight official interface tests as NPPA's test system runs them: each has its own code,
// valid for an hour after it is issued; a request under a code must carry that test's preset data
// (4003 otherwise), and is answered as the preset says. A scenario passes on its first correct
// request, as NPPA's console marks a test passed.
import { randomBytes } from 'node:crypto';
import { TEST_CODE_VALID_MS } from '../limits.ts';
import { OFFICIAL_SCENARIOS, type OfficialScenario, type ScenarioId } from '../presets.ts';

export interface ScenarioState {
  readonly id: ScenarioId;
  readonly title: string;
  readonly operation: OfficialScenario['operation'];
  readonly code: string;
  readonly issuedMs: number;
  readonly expiresMs: number;
  passedMs: number | undefined;
  requests: number;
  /** The errcode of the latest refused request under this code, if any. */
  lastRefusal: number | undefined;
}

const CODE_CHARS = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789';
const CODE_LENGTH = 6;

/** A 6-character test code like NPPA's (`pn7WMb`), from node:crypto. */
export function newTestCode(): string {
  const bytes = randomBytes(CODE_LENGTH);
  let out = '';
  // 256 % 56 != 0 gives a slight bias; a test code is a label, not a secret.
  for (const b of bytes) out += CODE_CHARS[b % CODE_CHARS.length];
  return out;
}

export class Scenarios {
  #states: ScenarioState[] = [];

  constructor(nowMs: number, codes?: readonly string[]) {
    this.issue(nowMs, codes);
  }

  /** Issues eight codes (the given ones, or fresh ones) and forgets earlier results. */
  issue(nowMs: number, codes?: readonly string[]): void {
    if (codes !== undefined) {
      if (codes.length !== OFFICIAL_SCENARIOS.length) throw new RangeError(`expected ${OFFICIAL_SCENARIOS.length} test codes`);
      if (new Set(codes).size !== codes.length) throw new RangeError('test codes must differ');
      for (const c of codes) if (!/^[0-9A-Za-z]{1,32}$/.test(c)) throw new RangeError(`test code ${c} must be 1..32 letters or digits`);
    }
    this.#states = OFFICIAL_SCENARIOS.map((s, i) => ({
      id: s.id,
      title: s.title,
      operation: s.operation,
      code: codes?.[i] ?? newTestCode(),
      issuedMs: nowMs,
      expiresMs: nowMs + TEST_CODE_VALID_MS,
      passedMs: undefined,
      requests: 0,
      lastRefusal: undefined,
    }));
  }

  /** The scenario of a live code, or undefined (unknown or expired: 4002). */
  byCode(code: string, nowMs: number): ScenarioState | undefined {
    const s = this.#states.find((x) => x.code === code);
    return s !== undefined && nowMs < s.expiresMs ? s : undefined;
  }

  codes(): string[] {
    return this.#states.map((s) => s.code);
  }

  list(): ScenarioState[] {
    return this.#states.map((s) => ({ ...s }));
  }
}

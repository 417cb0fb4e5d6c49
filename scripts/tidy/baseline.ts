// The ratchet: today's offenders are listed in a committed baseline with their size. A new
// offender, or a listed one that grew, fails the check; one that shrank or went away fails too,
// until the baseline is shrunk to match, so the listed counts can only fall.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { CHECK_NAMES, type CheckName, type Finding } from './finding.ts';

export type Baseline = Record<CheckName, Record<string, number>>;

export function emptyBaseline(): Baseline {
  return Object.fromEntries(CHECK_NAMES.map((c) => [c, {}])) as Baseline;
}

export function readBaseline(path: string): Baseline {
  const baseline = emptyBaseline();
  if (!existsSync(path)) return baseline;
  const raw = JSON.parse(readFileSync(path, 'utf8')) as Partial<Record<string, Record<string, number>>>;
  for (const check of CHECK_NAMES) {
    for (const [key, value] of Object.entries(raw[check] ?? {})) {
      if (!Number.isSafeInteger(value) || value < 1) throw new Error(`tidy: baseline ${check} ${key} has a bad value ${value}`);
      baseline[check][key] = value;
    }
  }
  return baseline;
}

/** The baseline that lists exactly the current offenders (what `--write-baseline` writes). */
export function baselineOf(findings: readonly Finding[]): Baseline {
  const baseline = emptyBaseline();
  for (const f of findings) baseline[f.check][f.key] = f.value;
  return baseline;
}

/** The baseline with every fixed entry dropped and every shrunk one lowered; it never adds or raises. */
export function shrunk(baseline: Baseline, findings: readonly Finding[]): Baseline {
  const now = baselineOf(findings);
  const out = emptyBaseline();
  for (const check of CHECK_NAMES) {
    for (const [key, value] of Object.entries(baseline[check])) {
      const current = now[check][key];
      if (current !== undefined) out[check][key] = Math.min(value, current);
    }
  }
  return out;
}

export function writeBaseline(path: string, baseline: Baseline): void {
  const sorted = Object.fromEntries(
    CHECK_NAMES.map((c) => [c, Object.fromEntries(Object.entries(baseline[c]).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))]),
  );
  writeFileSync(path, `${JSON.stringify(sorted, null, 2)}\n`);
}

export interface Verdict {
  /** New offenders and listed ones that grew: the change must be fixed. */
  readonly failures: readonly string[];
  /** Listed offenders that shrank or were fixed: the baseline must be shrunk. */
  readonly stale: readonly string[];
  readonly baselined: number;
}

export function judge(findings: readonly Finding[], baseline: Baseline): Verdict {
  const failures: string[] = [];
  const stale: string[] = [];
  let baselined = 0;
  const now = baselineOf(findings);
  for (const f of findings) {
    const listed = baseline[f.check][f.key];
    if (listed === undefined) failures.push(`${f.where}: ${f.check}: ${f.message} [${f.key}]`);
    else if (f.value > listed) failures.push(`${f.where}: ${f.check}: grew from ${listed} to ${f.value}: ${f.message} [${f.key}]`);
    else baselined++;
  }
  for (const check of CHECK_NAMES) {
    for (const [key, listed] of Object.entries(baseline[check])) {
      const current = now[check][key];
      if (current === undefined) stale.push(`${check}: fixed, remove from the baseline: ${key}`);
      else if (current < listed) stale.push(`${check}: shrank from ${listed} to ${current}, lower the baseline: ${key}`);
    }
  }
  return { failures, stale, baselined };
}

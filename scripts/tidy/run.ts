// The tidy check as a function of a tree: every rule over every parsed file.
import { handAssertFindings } from './asserts.ts';
import type { Finding } from './finding.ts';
import { type Exemption, longFunctions } from './functions.ts';
import { boundaryFindings, cycleFindings } from './imports.ts';
import { asFenFindings, moneyNonNullFindings } from './money.ts';
import { listFiles, parseFiles } from './parse.ts';
import { unusedMethodFindings } from './unused.ts';

export interface TidyReport {
  readonly files: number;
  readonly findings: readonly Finding[];
  /** Long functions let through by a `// tidy: route table` or `// tidy: reducer` marker. */
  readonly exempted: readonly Exemption[];
}

export function tidy(root: string): TidyReport {
  const files = listFiles(root);
  const parsed = parseFiles(root, files);
  const functions = longFunctions(parsed);
  const findings = [
    ...functions.findings,
    ...boundaryFindings(parsed),
    ...cycleFindings(parsed),
    ...asFenFindings(parsed),
    ...moneyNonNullFindings(parsed),
    ...handAssertFindings(parsed),
    ...unusedMethodFindings(parsed),
  ];
  return { files: files.length, findings, exempted: functions.exempted };
}

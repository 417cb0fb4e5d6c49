// `npm run tidy` (and the last step of `npm run lint`): house rules a general linter does not
// know, in the TigerBeetle habit of a tidy check that keeps the code base in order.
//   - server domains import each other only through `index.ts`, and never in a cycle;
//   - no function is longer than 70 lines, but for a flat route table or reducer marked
//     `// tidy: route table` or `// tidy: reducer` on the line above it (listed as exempted);
//   - no `as Fen` outside core's money module, no non-null `!` on money paths;
//   - no public method that nothing calls.
// Today's offenders are listed in scripts/tidy-baseline.json; the counts there may only fall.
//   npm run tidy                            check (exit 1 on a new or grown offender, or a stale baseline)
//   npm run tidy -- --shrink-baseline       drop fixed entries and lower shrunk ones (never adds)
//   npm run tidy -- --write-baseline        list exactly today's offenders (for merges)
//   npm run tidy -- --root DIR [--baseline FILE]
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { baselineOf, judge, readBaseline, shrunk, writeBaseline } from './tidy/baseline.ts';
import { tidy } from './tidy/run.ts';

const { values } = parseArgs({
  options: {
    root: { type: 'string', default: new URL('..', import.meta.url).pathname },
    baseline: { type: 'string' },
    'write-baseline': { type: 'boolean', default: false },
    'shrink-baseline': { type: 'boolean', default: false },
  },
});
const root = resolve(values.root);
const baselinePath = resolve(values.baseline ?? join(root, 'scripts/tidy-baseline.json'));
const startedMs = performance.now();
const report = tidy(root);
let baseline = readBaseline(baselinePath);
if (values['write-baseline']) baseline = baselineOf(report.findings);
else if (values['shrink-baseline']) baseline = shrunk(baseline, report.findings);
if (values['write-baseline'] || values['shrink-baseline']) writeBaseline(baselinePath, baseline);

const verdict = judge(report.findings, baseline);
for (const e of report.exempted) console.log(`${e.where}: exempted (${e.reason}): ${e.lines} lines [${e.key}]`);
for (const line of verdict.failures) console.error(line);
for (const line of verdict.stale) console.error(line);
if (verdict.stale.length > 0) console.error('tidy: the baseline lists fixed offenders: npm run tidy -- --shrink-baseline');
const elapsedMs = Math.round(performance.now() - startedMs);
console.log(
  `tidy: ${report.files} files in ${elapsedMs} ms; ${verdict.failures.length} problem(s), ${verdict.baselined} baselined offender(s), ${report.exempted.length} exempted function(s), ${verdict.stale.length} stale baseline entr(ies)`,
);
if (verdict.failures.length > 0 || verdict.stale.length > 0) process.exit(1);

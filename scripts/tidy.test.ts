import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { baselineOf, judge, readBaseline, shrunk } from './tidy/baseline.ts';
import type { Finding } from './tidy/finding.ts';
import { FUNCTION_LINES_MAX } from './tidy/functions.ts';
import { tidy } from './tidy/run.ts';

const repoRoot = new URL('..', import.meta.url).pathname;
const trees: string[] = [];
after(() => {
  for (const t of trees) rmSync(t, { recursive: true, force: true });
});

/** A fixture repository in a temporary folder: path → contents. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'tidy-fixture-'));
  trees.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

/** A function whose declaration spans exactly `lines` lines. */
function functionOfLines(name: string, lines: number): string {
  const body = Array.from({ length: lines - 2 }, (_, i) => `  const v${i} = ${i};`);
  return [`export function ${name}(): void {`, ...body, '}', ''].join('\n');
}

function problems(root: string): Finding[] {
  return tidy(root).findings.filter((f) => judge([f], readBaseline(join(root, 'none.json'))).failures.length > 0);
}

const clean = { 'packages/server/src/a/index.ts': 'export const a = 1;\n', 'packages/server/src/b/index.ts': 'export const b = 2;\n' };

describe('the tidy check', () => {
  it('passes on a clean tree', () => {
    assert.deepEqual(problems(tree(clean)), []);
  });

  it('fails on an import cycle between domains and names the cycle path', () => {
    const root = tree({
      'packages/server/src/a/index.ts': "import { b } from '../b/index.ts';\nexport const a = b;\n",
      'packages/server/src/b/index.ts': "import { c } from '../c/index.ts';\nexport const b = c;\n",
      'packages/server/src/c/index.ts': "import { a } from '../a/index.ts';\nexport const c = () => a;\n",
    });
    const cycles = problems(root).filter((f) => f.check === 'import-cycle');
    assert.deepEqual(
      cycles.map((f) => f.key),
      ['a -> b', 'b -> c', 'c -> a'],
    );
    assert.match(cycles[0]?.message ?? '', /a -> b -> c -> a/);
  });

  it('fails when a domain imports another domain past its index.ts', () => {
    const root = tree({
      ...clean,
      'packages/server/src/a/index.ts': "export { inner } from '../b/inner.ts';\n",
      'packages/server/src/b/inner.ts': 'export const inner = 1;\n',
    });
    assert.deepEqual(
      problems(root).map((f) => [f.check, f.key]),
      [['import-boundary', 'packages/server/src/a/index.ts -> packages/server/src/b/inner.ts']],
    );
  });

  it("lets a domain's wire contract build on another's contract, and nothing else past index.ts", () => {
    const root = tree({
      ...clean,
      'packages/server/src/a/contract.ts': "import { Body } from '../b/contract.ts';\nexport const A = Body;\n",
      'packages/server/src/a/service.ts': "import { Body } from '../b/contract.ts';\nexport const S = Body;\n",
      'packages/server/src/a/wire.ts': "import { inner } from '../b/inner.ts';\nexport const W = inner;\n",
      'packages/server/src/b/contract.ts': 'export const Body = 1;\n',
      'packages/server/src/b/inner.ts': 'export const inner = 1;\n',
    });
    assert.deepEqual(
      problems(root).map((f) => [f.check, f.key]),
      [
        ['import-boundary', 'packages/server/src/a/service.ts -> packages/server/src/b/contract.ts'],
        ['import-boundary', 'packages/server/src/a/wire.ts -> packages/server/src/b/inner.ts'],
      ],
    );
  });

  it(`fails on a function of ${FUNCTION_LINES_MAX + 1} lines and passes one of ${FUNCTION_LINES_MAX}`, () => {
    const root = tree({
      ...clean,
      'packages/server/src/a/long.ts':
        functionOfLines('tooLong', FUNCTION_LINES_MAX + 1) + functionOfLines('justRight', FUNCTION_LINES_MAX),
    });
    assert.deepEqual(
      problems(root).map((f) => [f.check, f.key, f.value]),
      [['function-length', 'packages/server/src/a/long.ts#tooLong', FUNCTION_LINES_MAX + 1]],
    );
  });

  it('lets a long flat route table or reducer through when marked, lists it as exempted, and honours no other reason', () => {
    const marked = (marker: string, name: string): string => `// ${marker}\n${functionOfLines(name, FUNCTION_LINES_MAX + 5)}`;
    const root = tree({
      ...clean,
      'packages/server/src/a/routes.ts': marked('tidy: route table', 'aRoutes'),
      'packages/server/src/a/evolve.ts': marked('tidy: reducer', 'evolve'),
      'packages/server/src/a/unmarked.ts': functionOfLines('unmarkedRoutes', FUNCTION_LINES_MAX + 5),
      'packages/server/src/a/excuse.ts': marked('tidy: too hard to split', 'excused'),
      // The marker must sit directly above the function: a line between breaks it.
      'packages/server/src/a/apart.ts': `// tidy: route table\n\n${functionOfLines('apartRoutes', FUNCTION_LINES_MAX + 5)}`,
      'packages/server/src/a/arrow.ts': `// tidy: route table\nexport const arrowRoutes = (): void => {\n${Array.from({ length: FUNCTION_LINES_MAX }, (_, i) => `  const v${i} = ${i};`).join('\n')}\n};\n`,
    });
    const report = tidy(root);
    assert.deepEqual(
      report.exempted.map((e) => [e.key, e.reason]),
      [
        ['packages/server/src/a/arrow.ts#arrowRoutes', 'route table'],
        ['packages/server/src/a/evolve.ts#evolve', 'reducer'],
        ['packages/server/src/a/routes.ts#aRoutes', 'route table'],
      ],
    );
    const long = problems(root).filter((f) => f.check === 'function-length');
    assert.deepEqual(
      long.map((f) => f.key),
      [
        'packages/server/src/a/apart.ts#apartRoutes',
        'packages/server/src/a/excuse.ts#excused',
        'packages/server/src/a/unmarked.ts#unmarkedRoutes',
      ],
    );
    assert.match(long[1]?.message ?? '', /`tidy: too hard to split` exempts nothing/);
    const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/tidy.ts'), '--root', root], { encoding: 'utf8' });
    assert.match(run.stdout, /a\/routes\.ts:2: exempted \(route table\): 75 lines \[packages\/server\/src\/a\/routes\.ts#aRoutes\]/);
    assert.match(run.stdout, /3 exempted function\(s\)/);
  });

  it('fails on `as Fen` outside core, and on a non-null `!` on a money path only', () => {
    const root = tree({
      ...clean,
      'packages/server/src/a/money.ts': "import type { Fen } from '@fairground/core';\nexport const f = (n: number) => n as Fen;\n",
      'packages/server/src/payments/x.ts': 'export const g = (m: Map<string, number>) => m.get("k")!;\n',
      'packages/server/src/chat/x.ts': 'export const h = (m: Map<string, number>) => m.get("k")!;\n',
      'packages/core/src/money.ts': 'export type Fen = number;\nexport const toFen = (n: number) => n as Fen;\n',
    });
    assert.deepEqual(
      problems(root).map((f) => [f.check, f.key, f.value]),
      [
        ['as-fen', 'packages/server/src/a/money.ts', 1],
        ['money-non-null', 'packages/server/src/payments/x.ts', 1],
      ],
    );
  });

  it('reports a public method that nothing calls, not a private one or one that is called', () => {
    const root = tree({
      ...clean,
      'packages/server/src/a/svc.ts':
        'export class Svc {\n  used(): number { return this.helper(); }\n  unusedOne(): number { return 1; }\n  private helper(): number { return 2; }\n}\n',
      'packages/server/test/a.test.ts': "import { Svc } from '../src/a/svc.ts';\nnew Svc().used();\n",
    });
    assert.deepEqual(
      problems(root).map((f) => [f.check, f.key]),
      [['unused-method', 'packages/server/src/a/svc.ts#Svc.unusedOne']],
    );
  });

  it('ratchets: a listed offender may shrink only with the baseline, and may never grow', () => {
    const before = tidy(tree({ ...clean, 'packages/server/src/a/long.ts': functionOfLines('big', 80) })).findings;
    const baseline = baselineOf(before);
    assert.deepEqual(judge(before, baseline), { failures: [], stale: [], baselined: 1 });
    const grown = tidy(tree({ ...clean, 'packages/server/src/a/long.ts': functionOfLines('big', 81) })).findings;
    assert.match(judge(grown, baseline).failures[0] ?? '', /grew from 80 to 81/);
    const fixed = tidy(tree({ ...clean, 'packages/server/src/a/long.ts': functionOfLines('big', 60) })).findings;
    assert.match(judge(fixed, baseline).stale[0] ?? '', /fixed, remove from the baseline/);
    assert.deepEqual(judge(fixed, shrunk(baseline, fixed)), { failures: [], stale: [], baselined: 0 });
    // Shrinking never admits a new offender.
    const renamed = tidy(tree({ ...clean, 'packages/server/src/a/long.ts': functionOfLines('other', 75) })).findings;
    assert.equal(judge(renamed, shrunk(baseline, renamed)).failures.length, 1);
  });

  it('passes on this repository with its committed baseline, and the command exits 1 on a planted offender', () => {
    const report = tidy(repoRoot);
    const verdict = judge(report.findings, readBaseline(join(repoRoot, 'scripts/tidy-baseline.json')));
    assert.deepEqual(verdict.failures, []);
    assert.deepEqual(verdict.stale, []);
    const planted = tree({ ...clean, 'packages/server/src/a/long.ts': functionOfLines('tooLong', 71) });
    const run = spawnSync(process.execPath, [join(repoRoot, 'scripts/tidy.ts'), '--root', planted], { encoding: 'utf8' });
    assert.equal(run.status, 1);
    assert.match(run.stderr, /a\/long\.ts:1: function-length: 71 lines/);
  });
});

describe('docs/architecture.md', () => {
  it('names only files and folders that exist', () => {
    const text = readFileSync(join(repoRoot, 'docs/architecture.md'), 'utf8');
    const paths = [...text.matchAll(/`((?:packages|scripts|docs)\/[^`\s]*)`/g)].map((m) => m[1] as string);
    assert.ok(paths.length > 50, 'the page names the files it describes');
    assert.deepEqual(
      paths.filter((p) => !existsSync(join(repoRoot, p))),
      [],
    );
  });
});

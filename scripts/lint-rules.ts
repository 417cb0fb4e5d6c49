// House rules that a general linter does not know:
// - no `Math.random` in product code: shuffles, seeds, ids and tokens use node:crypto or the
//   seeded game PRNG;
// - `packages/rules` is pure and must give identical results on every JavaScript engine (V8,
//   JavaScriptCore, QuickJS), so it may not call floating-point maths library functions, read a
//   clock, or touch I/O.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;

interface Rule {
  readonly where: RegExp;
  readonly pattern: RegExp;
  readonly why: string;
}

const rules: Rule[] = [
  { where: /^packages\/[^/]+\/src\/.*\.tsx?$/, pattern: /\bMath\.random\b/, why: 'Math.random in product code' },
  {
    where: /^packages\/rules\/src\/.*\.ts$/,
    pattern:
      /\bMath\.(random|sin|cos|tan|asin|acos|atan|atan2|sinh|cosh|tanh|asinh|acosh|atanh|exp|expm1|log|log1p|log2|log10|pow|sqrt|cbrt|hypot|fround)\b|\*\*|\bDate\b|\bperformance\.now\b|\bsetTimeout\b|\bsetInterval\b|\bfetch\(|from 'node:(fs|net|http|child_process)/,
    why: 'non-deterministic or engine-dependent call in packages/rules (integer maths only, no clock, no I/O)',
  },
];

// Glicko-2 is a rating formula, not game simulation: it runs only on the server and needs exp/log/sqrt.
const exempt = [/^packages\/rules\/src\/rating\//];

function walk(dir: string, out: string[]): void {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else out.push(relative(root, p));
  }
}

const files: string[] = [];
walk(join(root, 'packages'), files);
const problems: string[] = [];
for (const file of files) {
  if (/\.test\.ts$/.test(file)) continue;
  for (const rule of rules) {
    if (!rule.where.test(file)) continue;
    if (rule.why.includes('packages/rules') && exempt.some((e) => e.test(file))) continue;
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    lines.forEach((line, i) => {
      const trimmed = line.trim();
      // Comment lines (`//`, `/**`, ` * …`) are prose, not code.
      if (trimmed.startsWith('//') || trimmed.startsWith('/*') || trimmed.startsWith('*')) return;
      const code = line.replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, '');
      if (rule.pattern.test(code)) problems.push(`${file}:${i + 1}: ${rule.why}: ${line.trim()}`);
    });
  }
}
if (problems.length > 0) {
  console.error(problems.join('\n'));
  console.error(`lint-rules: ${problems.length} problem(s)`);
  process.exit(1);
}
console.log(`lint-rules: ${files.length} files checked, no problems`);

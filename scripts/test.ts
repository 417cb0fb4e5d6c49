// `npm test`: every test of every package, on the Node.js this repo brings.
// Tests that need PostgreSQL, Redis or Chromium do not skip when those are missing: they fail,
// loudly, because CI must prove both backends every time.
//   npm test                      all tests
//   npm test -- packages/core     only test files under these paths
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const args = process.argv.slice(2);
const roots = args.length > 0 ? args : ['packages', 'bench', 'scripts'];

function collect(dir: string, out: string[]): void {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return;
  }
  for (const name of entries) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) collect(path, out);
    else if (/\.test\.ts$/.test(name)) out.push(relative(root, path));
  }
}

const files: string[] = [];
for (const r of roots) {
  const abs = join(root, r);
  if (statSync(abs, { throwIfNoEntry: false })?.isFile()) files.push(relative(root, abs));
  else collect(abs, files);
}
files.sort();
if (files.length === 0) {
  console.error(`no test files under ${roots.join(', ')}`);
  process.exit(1);
}

const env = {
  ...process.env,
  FAIRGROUND_TEST_PG_URL: process.env.FAIRGROUND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test',
  FAIRGROUND_TEST_REDIS_URL: process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0',
  NODE_ENV: 'test',
};
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-timeout=600000', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

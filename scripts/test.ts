// `npm test`: every test of every package, on the Node.js this repo brings.
// Tests that need PostgreSQL, Redis, Chromium or coturn do not skip when those are missing: they fail,
// loudly, because CI must prove both backends every time.
//   npm test                      all tests
//   npm test -- packages/core     only test files under these paths
import { spawnSync } from 'node:child_process';
import { accessSync, constants, readdirSync, statSync } from 'node:fs';
import { connect } from 'node:net';
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

/** True when something accepts a TCP connection at host:port within a second. */
function answers(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: 1_000 });
    const done = (ok: boolean): void => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('timeout', () => done(false));
    socket.once('error', () => done(false));
  });
}

/** Where the URL points, or the default port of its scheme. */
function hostPort(url: string, defaultPort: number): { host: string; port: number } {
  const u = new URL(url);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: u.port === '' ? defaultPort : Number(u.port) };
}

function executable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

const pgUrl = process.env.FAIRGROUND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const redisUrl = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const chromium = process.env.FAIRGROUND_TEST_CHROMIUM ?? '/usr/bin/chromium';
const turnserver = process.env.FAIRGROUND_TEST_TURNSERVER ?? '/usr/bin/turnserver';

// The suite does not skip what is missing (CI must prove both backends), so a machine without
// them is told the one command that sets them up instead of seeing hundreds of failures.
const pg = hostPort(pgUrl, 5432);
const redis = hostPort(redisUrl, 6379);
const missing: string[] = [];
if (!(await answers(pg.host, pg.port))) missing.push(`PostgreSQL (nothing answers on ${pg.host}:${pg.port})`);
if (!(await answers(redis.host, redis.port))) missing.push(`Redis (nothing answers on ${redis.host}:${redis.port})`);
if (!executable(chromium)) missing.push(`Chromium (no executable at ${chromium})`);
if (!executable(turnserver)) missing.push(`coturn (no turnserver at ${turnserver}; the table-voice test relays audio through it)`);
if (missing.length > 0) {
  console.error(`npm test needs what this machine does not have:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
  console.error('Set them up with the one command the README gives (as root, or through sudo):\n\n  npm run setup\n');
  process.exit(1);
}

const env = {
  ...process.env,
  FAIRGROUND_TEST_PG_URL: pgUrl,
  FAIRGROUND_TEST_REDIS_URL: redisUrl,
  NODE_ENV: 'test',
};
const concurrency = process.env.TEST_CONCURRENCY ?? '3';
const result = spawnSync(
  process.execPath,
  ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', '--test-timeout=600000', ...files],
  { cwd: root, env, stdio: 'inherit' },
);
process.exit(result.status ?? 1);

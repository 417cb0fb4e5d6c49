// Fairground's rooms against a plain Colyseus server, side by side, in one run: for each size the
// same load generator (run.ts, the same bots) drives Fairground's real server (every event
// persisted to SQLite with durable commits before it is broadcast) and then the Colyseus baseline
// (bench/rooms/colyseus/server.ts: in memory, minimal rules), and prints one table with the ratios.
//
//   npx node bench/rooms/compare.ts --players 4000,10000 --seconds 60 --warmup 15
//   npx node bench/rooms/compare.ts --smoke          (10 players, a few seconds: checks the plumbing)
//
// CPU per action is the user + system time of the whole server process (every thread: the SQLite
// writer thread and the bench's local time-stamp authority included) over the measured window,
// divided by the actions sent in it; neither server uses PostgreSQL or Redis in this run. Each
// run.ts is started through `bash -c 'ulimit -n 65536; …'` (or the hard limit, if lower) so 10,000
// sockets fit (the server it starts inherits the limit). The load average is printed at each run's start and end: the
// machine is shared, and latency depends on it far more than CPU per action does.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const smoke = args.includes('--smoke');
const SEATS = 5;
const PLAYERS_MAX = 15_000;
const players = (smoke ? '10' : arg('players', '4000,10000')).split(',').map(Number);
const seconds = smoke ? 4 : Number(arg('seconds', '60'));
const warmup = smoke ? 1 : Number(arg('warmup', '15'));
const targets = arg('targets', 'fairground,colyseus').split(',');
for (const p of players) if (!Number.isSafeInteger(p) || p < SEATS || p > PLAYERS_MAX) throw new Error(`--players: 5..${PLAYERS_MAX}`);
for (const t of targets) if (t !== 'fairground' && t !== 'colyseus') throw new Error('--targets: fairground,colyseus');

interface Row {
  readonly target: string;
  readonly players: number;
  readonly actionsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly cpuPerActionUs: number;
  readonly serverCpuPct: number;
  readonly rssPerPlayerKb: number;
  readonly rssAddedPerPlayerKb: number;
  readonly rssMeanPerPlayerKb: number;
  readonly rssMeanAddedPerPlayerKb: number;
  readonly serverRssMb: number;
  readonly generatorCpuPct: number;
  readonly generatorCpuPerActionUs: number;
  readonly generatorLagP99Ms: number;
  readonly errors: number;
  load: string;
}

const load = () =>
  loadavg()
    .slice(0, 1)
    .map((x) => x.toFixed(1))
    .join('');

function runOne(target: string, rooms: number): Promise<Row> {
  const script = join(import.meta.dirname, 'run.ts');
  // 65,536 where the hard limit allows; else as high as it does (10,000 players need ~10,100 per process).
  const cmd = `ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$0" "$@"`;
  const child = spawn(
    'bash',
    [
      '-c',
      cmd,
      process.execPath,
      script,
      '--target',
      target,
      '--rooms',
      String(rooms),
      '--seconds',
      String(seconds),
      '--warmup',
      String(warmup),
      '--json',
      // --start plain: Fairground's server without the documented start flags (run.ts).
      ...(args.includes('--start') ? ['--start', arg('start', 'documented')] : []),
      // --node-flags "…": more Node.js flags for the server, after the documented ones (the last of
      // a repeated V8 flag wins, so `--max-semi-space-size=N` here overrides the documented size).
      ...(args.includes('--node-flags') ? ['--node-flags', arg('node-flags', '')] : []),
    ],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  let out = '';
  child.stdout.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const loadStart = load();
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) return reject(new Error(`run.ts --target ${target} exited with ${code}`));
      const row = JSON.parse(line) as Row;
      row.load = `${loadStart} → ${load()}`;
      resolve(row);
    });
  });
}

const rows: Row[] = [];
process.stderr.write(`compare: players ${players.join(', ')}; ${seconds} s measured after ${warmup} s warm-up; load average ${load()}\n`);
const failures: string[] = [];
for (const p of players) {
  for (const t of targets) {
    // A run that fails (a server that died, a set-up refused) is reported; the others still run.
    try {
      const row = await runOne(t, Math.ceil(p / SEATS));
      process.stderr.write(`${JSON.stringify(row)}\n`);
      rows.push(row);
    } catch (e) {
      failures.push(`${t} at ${p} players: ${(e as Error).message}`);
    }
  }
}

const fmt = (n: number) => n.toLocaleString('en-US');
const ratio = (a: number, b: number) => (b === 0 ? '–' : `${(a / b).toFixed(2)}×`);
console.log('');
console.log(
  '| players | server | actions/s | p50 ms | p99 ms | CPU/action µs | server CPU | RSS/player KB at end (above idle) | window mean (above idle) | generator CPU | generator lag p99 ms | load avg |',
);
console.log('| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
for (const r of rows) {
  console.log(
    `| ${fmt(r.players)} | ${r.target} | ${fmt(r.actionsPerS)} | ${r.p50Ms} | ${r.p99Ms} | ${fmt(r.cpuPerActionUs)} | ${r.serverCpuPct} % | ${fmt(r.rssPerPlayerKb)} (${fmt(r.rssAddedPerPlayerKb)}) | ${fmt(r.rssMeanPerPlayerKb)} (${fmt(r.rssMeanAddedPerPlayerKb)}) | ${r.generatorCpuPct} % | ${r.generatorLagP99Ms} | ${r.load} |`,
  );
}
if (targets.length === 2) {
  console.log('');
  console.log(
    '| players | CPU/action Fairground ÷ Colyseus | p99 Fairground ÷ Colyseus | RSS/player Fairground ÷ Colyseus (at end) | (window mean) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const p of players) {
    const f = rows.find((r) => r.target === 'fairground' && r.players > 0 && Math.ceil(r.players / SEATS) === Math.ceil(p / SEATS));
    const c = rows.find((r) => r.target === 'colyseus' && Math.ceil(r.players / SEATS) === Math.ceil(p / SEATS));
    if (f === undefined || c === undefined) continue;
    console.log(
      `| ${fmt(p)} | ${ratio(f.cpuPerActionUs, c.cpuPerActionUs)} | ${ratio(f.p99Ms, c.p99Ms)} | ${ratio(f.rssPerPlayerKb, c.rssPerPlayerKb)} | ${ratio(f.rssMeanPerPlayerKb, c.rssMeanPerPlayerKb)} |`,
    );
  }
}
const failed = rows.filter((r) => r.actionsPerS === 0 || r.errors > 0);
for (const f of failures) process.stderr.write(`compare: failed: ${f}\n`);
if (failed.length > 0 || failures.length > 0) {
  process.stderr.write(`compare: ${failed.length + failures.length} run(s) failed, made no actions or saw errors\n`);
  process.exit(1);
}

// Cluster benchmark: the rooms load generator (bench/rooms/run.ts, unchanged) against cluster nodes
// on PostgreSQL and Redis, on loopback, in three topologies run one after the other:
//
//   one   one node with every role                       (the baseline: leases and presence on Redis)
//   hop   an API node in front of a rooms node            (every player one hop from their room)
//   two   two rooms nodes, one load generator on each     (scale-out: both share PostgreSQL and Redis)
//
//   npx node bench/cluster/run.ts --rooms 200 --seconds 20            (all three)
//   npx node bench/cluster/run.ts --rooms 400 --seconds 30 --only hop
//
// Per topology it prints the generator's row (players, actions/s, p50/p99 action-to-broadcast
// latency) and the CPU of every node over the generator's measured window; then the cost of the
// hop (hop minus one). Runs are bounded by the generator (at most 3,000 rooms, 600 s). Each run has
// its own PostgreSQL schema and Redis key prefix, removed afterwards.
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { dropSchema } from '../../packages/server/src/adapters/testing.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? fallback) : fallback;
};
const rooms = arg('rooms', '200');
const seconds = arg('seconds', '20');
const warmup = arg('warmup', '8');
const only = arg('only', 'one,hop,two').split(',');
const redisUrl = process.env.FAIRGROUND_BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
if (!/^redis:\/\/127\.0\.0\.1[:/]/.test(redisUrl)) throw new Error('loopback only');

const RUN_TS = new URL('../rooms/run.ts', import.meta.url).pathname;
const HOOK_TS = new URL('./hook.ts', import.meta.url).pathname;
const CLOCK_TICKS_PER_S = 100;

function procCpuS(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S;
  } catch {
    return Number.NaN;
  }
}

/** CPU seconds so far of each process of the shared services (PostgreSQL backends, Redis), whoever they serve. */
function servicesCpuS(): Map<string, { kind: 'postgres' | 'redis'; cpuS: number }> {
  const out = new Map<string, { kind: 'postgres' | 'redis'; cpuS: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const kind = comm.startsWith('postgres') ? 'postgres' : comm.startsWith('redis-server') ? 'redis' : null;
      if (kind === null) continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(entry, { kind, cpuS: (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS_PER_S });
    } catch {
      // The process ended while being read.
    }
  }
  return out;
}

/** CPU % of the shared services over a window: processes alive at both ends (the nodes' pools are). */
function servicesPct(
  before: ReturnType<typeof servicesCpuS>,
  after: ReturnType<typeof servicesCpuS>,
  windowS: number,
): { postgres: number; redis: number } {
  const sum = { postgres: 0, redis: 0 };
  for (const [pid, a] of after) {
    const b = before.get(pid);
    if (b !== undefined) sum[a.kind] += a.cpuS - b.cpuS;
  }
  return { postgres: Math.round((sum.postgres / windowS) * 100), redis: Math.round((sum.redis / windowS) * 100) };
}

interface Row {
  readonly rooms: number;
  readonly players: number;
  readonly actionsPerS: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly serverCpuPct: number;
  readonly serverRssMb: number;
  readonly generatorCpuPct: number;
  readonly errors: number;
}

interface Result {
  readonly row: Row;
  /** CPU % of each node over the generator's measured window. */
  readonly nodesCpuPct: Record<string, number>;
}

/** Runs one generator; samples the CPU of the nodes it names from the pid file during its measured window. */
function generator(
  topology: string,
  env: NodeJS.ProcessEnv,
  pidsFile: string,
  nodes: readonly string[],
  roomsHere = rooms,
): Promise<Result> {
  const proc: ChildProcess = spawn(
    process.execPath,
    ['--import', HOOK_TS, RUN_TS, '--db', 'postgres', '--rooms', roomsHere, '--seconds', seconds, '--warmup', warmup],
    { env: { ...env, BENCH_TOPOLOGY: topology }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  const cpu: Record<string, number> = {};
  return new Promise((resolve, reject) => {
    proc.stdout?.on('data', (d: Buffer) => {
      out += d.toString();
    });
    proc.stderr?.on('data', (d: Buffer) => {
      const text = d.toString();
      err += text;
      process.stderr.write(`[${topology}] ${text}`);
      if (!/warming up/.test(text)) return;
      const pids = () =>
        readFileSync(pidsFile, 'utf8')
          .trim()
          .split('\n')
          .map((l) => l.split(' '))
          .filter(([, name]) => nodes.includes(name as string));
      const before = new Map<string, number>();
      let services = servicesCpuS();
      setTimeout(() => {
        for (const [pid, name] of pids()) before.set(name as string, procCpuS(Number(pid)));
        services = servicesCpuS();
      }, Number(warmup) * 1000);
      setTimeout(
        () => {
          for (const [pid, name] of pids())
            cpu[name as string] = Math.round(((procCpuS(Number(pid)) - (before.get(name as string) ?? 0)) / Number(seconds)) * 100);
          const pct = servicesPct(services, servicesCpuS(), Number(seconds));
          cpu.postgres = pct.postgres;
          cpu.redis = pct.redis;
        },
        (Number(warmup) + Number(seconds)) * 1000 - 200,
      );
    });
    proc.once('exit', (code) => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (code !== 0 || line === undefined) reject(new Error(`generator (${topology}) exited with ${code}: ${err.slice(-2000)}`));
      else resolve({ row: JSON.parse(line) as Row, nodesCpuPct: cpu });
    });
  });
}

async function run(topology: 'one' | 'hop' | 'two'): Promise<Result[]> {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-cluster-'));
  const pidsFile = join(dir, 'pids');
  const schema = `bench_cluster_${randomBytes(4).toString('hex')}`;
  const prefix = `bench_cluster_${randomBytes(4).toString('hex')}:`;
  const env = {
    ...process.env,
    BENCH_SCHEMA: schema,
    BENCH_PREFIX: prefix,
    BENCH_REDIS_URL: redisUrl,
    BENCH_SESSION_SECRET: randomBytes(32).toString('base64url'),
    BENCH_DATA_KEY: randomBytes(32).toString('hex'),
    BENCH_PIDS_FILE: pidsFile,
  };
  try {
    if (topology === 'one') return [await generator('one', env, pidsFile, ['node-a'])];
    if (topology === 'hop') return [await generator('hop', env, pidsFile, ['api-b', 'rooms-a'])];
    // The same players in total, half on each node. The second generator starts once the first node
    // has migrated the schema; each has players of its own.
    const half = String(Math.ceil(Number(rooms) / 2));
    const a = generator('two-a', { ...env, BENCH_HANDLE_SUFFIX: 'a' }, pidsFile, ['node-a'], half);
    await new Promise((r) => setTimeout(r, 3000));
    const b = generator('two-b', { ...env, BENCH_HANDLE_SUFFIX: 'b' }, pidsFile, ['node-b'], half);
    const both = await Promise.allSettled([a, b]);
    return both.map((r) => {
      if (r.status === 'rejected') throw r.reason;
      return r.value;
    });
  } finally {
    await dropSchema(schema);
    const redis = new Redis(redisUrl);
    // Bench cleanup only: the product reads Redis by key and never scans it.
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await redis.del(...keys);
    } while (cursor !== '0');
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  }
}

const results = new Map<string, Result[]>();
for (const t of ['one', 'hop', 'two'] as const) if (only.includes(t)) results.set(t, await run(t));

console.log(
  '\n| topology | rooms | players | actions/s | p50 ms | p99 ms | max ms | CPU in the measured window (nodes; all PostgreSQL and Redis processes) | errors |',
);
console.log('| --- | --- | --- | --- | --- | --- | --- | --- | --- |');
for (const [t, list] of results) {
  for (const r of list) {
    const cpu = Object.entries(r.nodesCpuPct)
      .map(([n, pct]) => `${n} ${pct} %`)
      .join(', ');
    console.log(
      `| ${t} | ${r.row.rooms} | ${r.row.players} | ${r.row.actionsPerS} | ${r.row.p50Ms} | ${r.row.p99Ms} | ${r.row.maxMs} | ${cpu} | ${r.row.errors} |`,
    );
  }
}
const one = results.get('one')?.[0];
const hop = results.get('hop')?.[0];
if (one && hop) {
  console.log(
    `\nextra hop: p50 +${(hop.row.p50Ms - one.row.p50Ms).toFixed(1)} ms, p99 +${(hop.row.p99Ms - one.row.p99Ms).toFixed(1)} ms at ${hop.row.actionsPerS} actions/s`,
  );
}
console.log(JSON.stringify(Object.fromEntries(results)));
process.exit(0);

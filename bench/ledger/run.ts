// Ledger throughput and latency, with the ceilings of the same machine beside it.
//
//   npm run bench:ledger                 (all: SQLite, PostgreSQL, pgbench, bare SQLite loop)
//   npm run bench:ledger -- --seconds 3
//   npm run bench:ledger -- --backend sqlite --split-min 16   (crowds cross as two groups, to compare)
//   npx node --cpu-prof bench/ledger/run.ts --backend sqlite --mode single --callers 64 --no-ceilings
//                                        (one cell, for a CPU profile; summarise with bench/ledger/profile.ts)
//   npx node bench/ledger/run.ts --backend sqlite --mode single --callers 8,64 --rounds 5 --no-ceilings
//                                        (the bare loop and the ledger alternated five times per caller
//                                        count: each round's ratio and the median)
//
// Durable commits only: SQLite WAL with synchronous=FULL, PostgreSQL as configured (fsync on).
// The production schema and indexes, created by the ledger's own migrations.
import { execFileSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../../packages/server/src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../packages/server/src/adapters/sqlite/index.ts';
import { Ledger, ledgerMigrations, playerAccount, systemAccount } from '../../packages/server/src/ledger/index.ts';
import type { Store } from '../../packages/server/src/storage/ports.ts';
import { type BareRows, openBareLoop } from './bare-loop.ts';
import { dropSchema } from '../../packages/server/src/adapters/testing.ts';

const args = process.argv.slice(2);
const seconds = Number(args[args.indexOf('--seconds') + 1] || 4);
const PG_URL = process.env.FAIRGROUND_BENCH_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const PLAYERS = 2000;
function flag(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}
const CALLERS = flag('--callers') ? String(flag('--callers')).split(',').map(Number) : [1, 8, 64];
const BACKENDS = args.includes('--pgbench-only') ? [] : flag('--backend') ? [flag('--backend')] : ['sqlite', 'postgres'];
const MODES = (flag('--mode') ? [flag('--mode')] : ['single', 'batch2']) as ('single' | 'batch2')[];
const CEILINGS = !args.includes('--no-ceilings');
/** `--chain-shards N` (default 1, the ledger's default) and `--pg-writers N` (the PostgreSQL store's writer connections, default 1). */
const CHAIN_SHARDS = flag('--chain-shards') ? Number(flag('--chain-shards')) : undefined;
const PG_WRITERS = flag('--pg-writers') ? Number(flag('--pg-writers')) : undefined;
/** `--pgbench-only`: no ledger cells and no bare loop, only the pgbench anchor (to study its spread). */
const PGBENCH_ONLY = args.includes('--pgbench-only');
/** `--writer-thread off` keeps SQLite's writer on the event loop (to compare). */
const WRITER_THREAD = flag('--writer-thread') !== 'off';
/** `--split-min N`: SQLite's hosted writer gets crowds of N or more as two groups (`LedgerOptions.directSplitMin`). */
const SPLIT_MIN = flag('--split-min') ? Number(flag('--split-min')) : undefined;
/**
 * `--rounds N`: for each SQLite cell, the bare loop and the ledger run in turn N times (bare,
 * ledger, bare, ledger, …), each round's ratio printed and their median. The bare loop alone moves
 * ±15 % from one run to the next on this machine, so a ratio of two cells minutes apart says little;
 * rounds next to each other share whatever else the machine was doing.
 */
/** `--wal-autocheckpoint N`: the SQLite writer's `wal_autocheckpoint` in pages (default SQLite's 1,000). */
const WAL_AUTOCHECKPOINT = flag('--wal-autocheckpoint') ? Number(flag('--wal-autocheckpoint')) : undefined;
/**
 * `--writer-checkpoints on|off|IDLE[,MAX]|beside[:IDLE[,MAX]]`: the writer thread's checkpoints
 * between its transactions (`createSqliteStore({ writerCheckpoints })`), `beside` with the bulk of
 * the copying in a helper thread (the WAL starting over at MAX frames, default 4,000; the store's
 * default without the flag), or off (in the commits, SQLite's own).
 */
const WRITER_CHECKPOINTS = flag('--writer-checkpoints');
const ROUNDS = flag('--rounds') ? Math.max(1, Number(flag('--rounds'))) : 0;
/**
 * `--bare-fresh`: each round's bare loop on a fresh database (before the seventh pass). By default
 * a round's bare loop first fills its database, untimed, to as many transfers as the ledger's holds:
 * its CPU per group grows by 25 % (groups of 8) and 80 % (groups of 64) over its first 20,000–60,000
 * transfers, and the ledger's database holds that many after its first rounds.
 */
const BARE_FRESH = args.includes('--bare-fresh');
/** `--keep-schema`: leaves the PostgreSQL run's schema in place (its name is printed), to EXPLAIN its statements afterwards. */
const KEEP_SCHEMA = args.includes('--keep-schema');

interface Row {
  backend: string;
  mode: string;
  callers: number;
  transfersPerS: number;
  p50Ms: number;
  p99Ms: number;
  /** Transfers per direct group (each group is one commit here: the bench runs nothing else). */
  perCommit: number;
  /** Requests per direct group: how many callers shared a commit. */
  requestsPerCommit: number;
  /** CPU time per direct group, µs: the main thread (the callers and the ledger's side of them) and the writer's thread, when hosted. */
  mainCpuUsPerGroup: number;
  writerCpuUsPerGroup: number | null;
  /** The whole process's CPU time per direct group, µs: every thread (SQLite's checkpoint thread too). */
  processCpuUsPerGroup: number;
  /** PostgreSQL only: the server side of a group (see `pgServerStats`). */
  pg?: PgServerDelta;
}

/**
 * PostgreSQL's side of a cell: the CPU of the store's own backends (found by the bench's
 * `application_name`, read from `/proc/<pid>/stat`, 10 ms ticks), and the cluster's WAL bytes,
 * WAL fsyncs and full-page images (`pg_stat_wal`, `pg_current_wal_lsn()`: cluster-wide, so another
 * database's writes in the same seconds count too).
 */
interface PgServerDelta {
  backendCpuUsPerGroup: number;
  walBytesPerTransfer: number;
  fsyncsPerGroup: number;
  fpiPerGroup: number;
  /** Rows the ledger's tables returned to sequential scans, per group (`pg_stat_user_tables` of the store's schema). */
  seqRowsPerGroup: number;
  /** Checkpoints the server started during the cell (`pg_stat_bgwriter`, cluster-wide: another database's CHECKPOINT or DROP DATABASE counts). */
  checkpoints: number;
}
interface PgServerSample {
  checkpoints: number;
  seqRows: number;
  backendCpuUs: number;
  walLsn: string;
  walSync: number;
  walFpi: number;
}
const PG_APP = `fg_bench_${randomBytes(3).toString('hex')}`;
const CLK_TCK = 100;
function backendCpuUs(pids: readonly number[]): number {
  let ticks = 0;
  for (const pid of pids) {
    try {
      // Fields after the command name (which may hold spaces): utime and stime are the 12th and 13th.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(rest[11]) + Number(rest[12]);
    } catch {
      // The backend has gone (the store closed): nothing to add.
    }
  }
  return (ticks * 1e6) / CLK_TCK;
}
async function pgServerSample(store: Store): Promise<PgServerSample> {
  // A backend reports its table counters at the end of a transaction at most once a second: wait
  // that long, then have the writer run one (untimed) so its counters are in before they are read.
  await new Promise((r) => setTimeout(r, 1100));
  await store.unitOfWork((tx) => tx.query('SELECT 1'));
  const [row] = await store.reader.query<{ pids: number[]; lsn: string; sync: string; fpi: string; seq: string; checkpoints: string }>(
    `SELECT (SELECT array_agg(pid) FROM pg_stat_activity WHERE application_name = '${PG_APP}') AS pids,
            pg_current_wal_lsn()::text AS lsn, w.wal_sync::text AS sync, w.wal_fpi::text AS fpi,
            (SELECT coalesce(sum(seq_tup_read), 0) FROM pg_stat_user_tables WHERE schemaname = current_schema())::text AS seq,
            (SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter)::text AS checkpoints
       FROM pg_stat_wal w`,
  );
  return {
    backendCpuUs: backendCpuUs(row?.pids ?? []),
    walLsn: row?.lsn ?? '0/0',
    walSync: Number(row?.sync),
    walFpi: Number(row?.fpi),
    seqRows: Number(row?.seq),
    checkpoints: Number(row?.checkpoints),
  };
}
function lsnBytes(lsn: string): bigint {
  const [hi, lo] = lsn.split('/');
  return (BigInt(`0x${hi}`) << 32n) + BigInt(`0x${lo}`);
}

function writerCheckpointsFlag(v: string): boolean | { idlePages?: number; maxPages?: number; beside?: boolean } {
  if (v === 'on' || v === 'off') return v === 'on';
  const beside = v.startsWith('beside');
  const [idle, max] = (beside ? v.slice('beside'.length).replace(/^:/, '') : v).split(',').filter(Boolean).map(Number);
  return {
    ...(idle === undefined ? {} : { idlePages: idle }),
    ...(max === undefined ? {} : { maxPages: max }),
    ...(beside ? { beside } : {}),
  };
}

function load(): string {
  return loadavg()
    .map((x) => x.toFixed(2))
    .join(', ');
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))]!;
}

async function setup(store: Store): Promise<Ledger> {
  await store.migrate(ledgerMigrations);
  const ledger = new Ledger(store, {
    batchTransfersMax: 64,
    ...(SPLIT_MIN === undefined ? {} : { directSplitMin: SPLIT_MIN }),
    ...(CHAIN_SHARDS === undefined ? {} : { chainShards: CHAIN_SHARDS }),
  });
  await ledger.openSystemAccounts();
  await store.unitOfWork(async (tx) => {
    for (let p = 0; p < PLAYERS; p += 1) await ledger.openAccount(tx, playerAccount(`b${p}`, 'CNY'));
  });
  for (let p = 0; p < PLAYERS; p += 50) {
    await ledger.submitBatch({
      scope: 'seed',
      key: `seed${p}`,
      transfers: Array.from({ length: 50 }, (_, i) => ({
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(`b${p + i}`, 'CNY'),
        asset: 'CNY' as const,
        amount: 100_000_000,
        code: 'deposit' as const,
      })),
    });
  }
  return ledger;
}

async function measure(backend: string, ledger: Ledger, mode: 'single' | 'batch2', callers: number): Promise<Row> {
  const latencies: number[] = [];
  let transfers = 0;
  const run = randomBytes(4).toString('hex');
  const deadline = performance.now() + seconds * 1000;
  async function caller(c: number): Promise<void> {
    for (let i = 0; performance.now() < deadline; i += 1) {
      const a = randomInt(PLAYERS);
      const b = (a + 1 + randomInt(PLAYERS - 1)) % PLAYERS;
      const t0 = performance.now();
      if (mode === 'single') {
        await ledger.submit({
          scope: 'bench',
          key: `${run}-${c}-${i}`,
          debit: playerAccount(`b${a}`, 'CNY'),
          credit: playerAccount(`b${b}`, 'CNY'),
          asset: 'CNY',
          amount: 1 + randomInt(100),
          code: 'prize',
        });
        transfers += 1;
      } else {
        // An entry fee and its rake, linked: the shape of a paid match settlement.
        await ledger.submitBatch({
          scope: 'bench',
          key: `${run}-${c}-${i}`,
          transfers: [
            { debit: playerAccount(`b${a}`, 'CNY'), credit: playerAccount(`b${b}`, 'CNY'), asset: 'CNY', amount: 90, code: 'prize' },
            { debit: playerAccount(`b${a}`, 'CNY'), credit: systemAccount('revenue', 'CNY'), asset: 'CNY', amount: 10, code: 'rake' },
          ],
        });
        transfers += 2;
      }
      latencies.push(performance.now() - t0);
    }
  }
  const before = await ledger.directStats();
  const pg0 = backend === 'postgres' && pgStore ? await pgServerSample(pgStore) : null;
  const start = performance.now();
  const cpu0 = process.threadCpuUsage();
  const processCpu0 = process.cpuUsage();
  await Promise.all(Array.from({ length: callers }, (_, c) => caller(c)));
  const cpu = process.threadCpuUsage(cpu0);
  const processCpu = process.cpuUsage(processCpu0);
  const elapsedS = (performance.now() - start) / 1000;
  const after = await ledger.directStats();
  const groups = Math.max(1, after.groups - before.groups);
  const pg1 = pg0 && pgStore ? await pgServerSample(pgStore) : null;
  // The cell's WAL range, for `pg_waldump --stats -s … -e …` (on stderr: not part of the tables).
  if (pg0 && pg1) console.error(`postgres ${mode} ${callers}: WAL ${pg0.walLsn} … ${pg1.walLsn}`);
  latencies.sort((x, y) => x - y);
  const pg =
    pg0 && pg1
      ? {
          backendCpuUsPerGroup: Math.round((pg1.backendCpuUs - pg0.backendCpuUs) / groups),
          walBytesPerTransfer: Math.round(
            Number(lsnBytes(pg1.walLsn) - lsnBytes(pg0.walLsn)) / Math.max(1, after.transfers - before.transfers),
          ),
          fsyncsPerGroup: Math.round(((pg1.walSync - pg0.walSync) / groups) * 100) / 100,
          fpiPerGroup: Math.round(((pg1.walFpi - pg0.walFpi) / groups) * 10) / 10,
          seqRowsPerGroup: Math.round((pg1.seqRows - pg0.seqRows) / groups),
          checkpoints: pg1.checkpoints - pg0.checkpoints,
        }
      : undefined;
  return {
    backend,
    mode,
    callers,
    transfersPerS: Math.round(transfers / elapsedS),
    p50Ms: round2(percentile(latencies, 50)),
    p99Ms: round2(percentile(latencies, 99)),
    perCommit: Math.round(((after.transfers - before.transfers) / groups) * 10) / 10,
    requestsPerCommit: Math.round(((after.requests - before.requests) / groups) * 10) / 10,
    mainCpuUsPerGroup: Math.round((cpu.user + cpu.system) / groups),
    processCpuUsPerGroup: Math.round((processCpu.user + processCpu.system) / groups),
    writerCpuUsPerGroup:
      after.threadCpuUs === undefined || before.threadCpuUs === undefined
        ? null
        : Math.round((after.threadCpuUs - before.threadCpuUs) / groups),
    ...(pg ? { pg } : {}),
  };
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}

/**
 * The bare loop (`bare-loop.ts`) in groups of `batch` for the bench's seconds: the SQLite ceiling,
 * in transfers a second, and the CPU time its one thread spent per group (statements, COMMIT and
 * the kernel's WAL writes and fsync), to set beside the ledger's writer thread CPU per group.
 */
function sqliteBareLoop(batch: number, rows: BareRows, fillTransfers = 0): { rate: number; cpuUsPerGroup: number } {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-bare-'));
  const bare = openBareLoop(join(dir, 'bare.db'), PLAYERS, rows);
  if (fillTransfers > 0) bare.fill(fillTransfers);
  let written = 0;
  let groups = 0;
  const deadline = performance.now() + seconds * 1000;
  const start = performance.now();
  const cpu0 = process.threadCpuUsage();
  while (performance.now() < deadline) {
    written += bare.group(batch);
    groups += 1;
  }
  const cpu = process.threadCpuUsage(cpu0);
  const rate = Math.round(written / ((performance.now() - start) / 1000));
  bare.close();
  rmSync(dir, { recursive: true, force: true });
  return { rate, cpuUsPerGroup: Math.round((cpu.user + cpu.system) / Math.max(1, groups)) };
}

/**
 * `--pgbench-runs N` (default 3), `--pgbench-warmup S` (default 5; 0 for none) and
 * `--pgbench-checkpoint on|off` (default on): the anchor's procedure (see `pgbenchTpcB`).
 * `--pgbench-runs 1 --pgbench-warmup 0 --pgbench-checkpoint off` is the procedure before the ninth pass.
 */
const PGBENCH_RUNS = Math.max(1, Number(flag('--pgbench-runs') ?? 3));
const PGBENCH_WARMUP_S = Number(flag('--pgbench-warmup') ?? 5);
const PGBENCH_CHECKPOINT = flag('--pgbench-checkpoint') !== 'off';

interface PgbenchRun {
  label: string;
  tps: number;
  /** The run's one-minute load average at its start. */
  load: number;
  /** Cluster-wide, per pgbench transaction: WAL fsyncs and full-page images; checkpoints started during the run. */
  fsyncsPerTx: number;
  fpiPerTx: number;
  checkpoints: number;
}

function psqlOne(url: string, sql: string): string {
  // psql's notices (DROP … IF EXISTS) stay out of the output; on a failure its stderr is in the error thrown.
  return execFileSync('psql', [url, '-Atqc', sql], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/**
 * pgbench TPC-B (scale 10) on the same PostgreSQL: the anchor of the PostgreSQL ratios. Until the
 * ninth pass it ran 5 s right after `pgbench -i`, and moved 1,500–3,400 tps from run to run. Now,
 * as the steady best of pgbench on this machine: a CHECKPOINT before the init (so the WAL the
 * benches before it wrote cannot trigger one inside the runs, and the init's pages, newer than
 * that checkpoint, are updated without full-page images), the init (which vacuums), a warm-up
 * (its first second runs at a fraction of the rest: connections, the init's dirty buffers), then
 * `--pgbench-runs` runs; the anchor is the best of them, every run printed.
 */
function pgbenchTpcB(clients: number): { tps: number; runs: PgbenchRun[] } | null {
  try {
    psqlOne(PG_URL, 'DROP DATABASE IF EXISTS fairground_pgbench');
    psqlOne(PG_URL, 'CREATE DATABASE fairground_pgbench');
    const url = PG_URL.replace(/\/[^/]*$/, '/fairground_pgbench');
    if (PGBENCH_CHECKPOINT) psqlOne(url, 'CHECKPOINT');
    execFileSync('pgbench', ['-i', '-s', '10', '-q', url], { stdio: 'ignore' });
    const runs: PgbenchRun[] = [];
    const once = (label: string, s: number): void => {
      const stat = () =>
        psqlOne(PG_URL, 'SELECT w.wal_sync, w.wal_fpi, b.checkpoints_timed + b.checkpoints_req FROM pg_stat_wal w, pg_stat_bgwriter b')
          .split('|')
          .map(Number);
      const load1 = loadavg()[0] ?? 0;
      const [sync0 = 0, fpi0 = 0, ck0 = 0] = stat();
      const out = execFileSync('pgbench', ['-c', String(clients), '-j', '2', '-T', String(s), '-n', url], { encoding: 'utf8' });
      const [sync1 = 0, fpi1 = 0, ck1 = 0] = stat();
      const tps = Number(/tps = ([0-9.]+)/.exec(out)?.[1] ?? 0);
      const tx = Math.max(1, Number(/number of transactions actually processed: ([0-9]+)/.exec(out)?.[1] ?? 1));
      runs.push({
        label,
        tps: Math.round(tps),
        load: load1,
        fsyncsPerTx: (sync1 - sync0) / tx,
        fpiPerTx: (fpi1 - fpi0) / tx,
        checkpoints: ck1 - ck0,
      });
    };
    if (PGBENCH_WARMUP_S > 0) once('warm-up', PGBENCH_WARMUP_S);
    for (let i = 0; i < PGBENCH_RUNS; i += 1) once(`run ${i + 1}`, Math.max(seconds, 5));
    psqlOne(PG_URL, 'DROP DATABASE IF EXISTS fairground_pgbench');
    const timed = runs.filter((r) => r.label !== 'warm-up');
    return { tps: Math.max(...timed.map((r) => r.tps)), runs };
  } catch (e) {
    console.error('pgbench failed:', (e as Error).message);
    return null;
  }
}

/** One round of `--rounds`: a ledger cell and the bare loop run just before it. */
interface Round {
  mode: string;
  callers: number;
  round: number;
  row: Row;
  bare: { rate: number; cpuUsPerGroup: number };
  /** The one-minute load average at the round's end. */
  load: number;
  /** The WAL file's size at the round's end, MB (its high-water mark: SQLite reuses it from the start). */
  walMb: number;
  /** Transfers in the bare loop's database before its timed window (the ledger's count at the round's start). */
  bareFilled: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function walMb(dbPath: string): number {
  try {
    return statSync(`${dbPath}-wal`).size / 1e6;
  } catch {
    return 0;
  }
}

function printRounds(all: Round[]): void {
  console.log(
    '| mode | callers | round | load | ledger /s | bare loop /s | ratio | p99 ms | writer thread CPU µs per group | bare loop CPU µs per group | main thread CPU µs per group | process CPU µs per group | WAL MB | bare loop filled to |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const pct = (r: Round) => (100 * r.row.transfersPerS) / Math.max(1, r.bare.rate);
  for (const r of all)
    console.log(
      `| ${r.mode} | ${r.callers} | ${r.round} | ${r.load.toFixed(2)} | ${r.row.transfersPerS} | ${r.bare.rate} | ${pct(r).toFixed(0)} % | ${r.row.p99Ms} | ${r.row.writerCpuUsPerGroup ?? '—'} | ${r.bare.cpuUsPerGroup} | ${r.row.mainCpuUsPerGroup} | ${r.row.processCpuUsPerGroup} | ${r.walMb.toFixed(1)} | ${r.bareFilled} |`,
    );
  console.log();
  console.log(
    '| mode | callers | rounds | median ratio | median p99 ms | median writer thread CPU µs per group | median bare loop CPU µs per group | median main thread CPU µs per group | median process CPU µs per group |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const cells = new Map<string, Round[]>();
  for (const r of all) {
    const k = `${r.mode} ${r.callers}`;
    cells.set(k, [...(cells.get(k) ?? []), r]);
  }
  for (const rs of cells.values()) {
    const first = rs[0]!;
    console.log(
      `| ${first.mode} | ${first.callers} | ${rs.length} | **${median(rs.map(pct)).toFixed(0)} %** | ${median(rs.map((r) => r.row.p99Ms)).toFixed(1)} | ${median(rs.map((r) => r.row.writerCpuUsPerGroup ?? 0)).toFixed(0)} | ${median(rs.map((r) => r.bare.cpuUsPerGroup)).toFixed(0)} | ${median(rs.map((r) => r.row.mainCpuUsPerGroup)).toFixed(0)} | ${median(rs.map((r) => r.row.processCpuUsPerGroup)).toFixed(0)} |`,
    );
  }
  console.log();
}

const rows: Row[] = [];
const rounds: Round[] = [];
/** The PostgreSQL store under measurement, for `pgServerSample`. */
let pgStore: Store | null = null;
console.log(`load average at start: ${load()}`);
if (BACKENDS.includes('sqlite')) {
  const dir = mkdtempSync(join(tmpdir(), 'fg-bench-'));
  const dbPath = join(dir, 'ledger.db');
  const store = createSqliteStore({
    path: dbPath,
    writerThread: WRITER_THREAD,
    ...(WAL_AUTOCHECKPOINT === undefined ? {} : { walAutocheckpointPages: WAL_AUTOCHECKPOINT }),
    ...(WRITER_CHECKPOINTS === undefined ? {} : { writerCheckpoints: writerCheckpointsFlag(WRITER_CHECKPOINTS) }),
  });
  const ledger = await setup(store);
  for (const mode of MODES)
    for (const c of CALLERS) {
      if (ROUNDS === 0) {
        rows.push(await measure('sqlite', ledger, mode, c));
        continue;
      }
      for (let r = 0; r < ROUNDS; r += 1) {
        const held = BARE_FRESH
          ? 0
          : Number((await store.reader.query<{ n: unknown }>('SELECT count(*) AS n FROM ledger_transfers'))[0]?.n ?? 0);
        const bare = sqliteBareLoop(c, 'ledger', held);
        const row = await measure('sqlite', ledger, mode, c);
        rows.push(row);
        rounds.push({ mode, callers: c, round: r + 1, row, bare, load: loadavg()[0] ?? 0, walMb: walMb(dbPath), bareFilled: held });
      }
    }
  const report = await ledger.checkInvariants();
  if (!report.ok) throw new Error(`invariants broken after the SQLite run: ${report.problems.join('; ')}`);
  await store.close();
  rmSync(dir, { recursive: true, force: true });
}
if (BACKENDS.includes('postgres')) {
  const schema = `bench_${randomBytes(4).toString('hex')}`;
  // As for pgbench: a checkpoint before the ledger's rows exist, so the WAL written before this
  // run cannot trigger one inside it (see `pgbenchTpcB`).
  if (PGBENCH_CHECKPOINT) {
    try {
      psqlOne(PG_URL, 'CHECKPOINT');
    } catch (e) {
      console.error('CHECKPOINT before the PostgreSQL cells failed (needs a superuser or pg_checkpoint):', (e as Error).message);
    }
  }
  const store = await createPostgresStore({
    url: `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${PG_APP}`,
    schema,
    ...(PG_WRITERS === undefined ? {} : { writers: PG_WRITERS }),
  });
  pgStore = store;
  const ledger = await setup(store);
  for (const mode of MODES) for (const c of CALLERS) rows.push(await measure('postgres', ledger, mode, c));
  const report = await ledger.checkInvariants();
  if (!report.ok) throw new Error(`invariants broken after the PostgreSQL run: ${report.problems.join('; ')}`);
  await store.close();
  if (KEEP_SCHEMA) console.log(`schema kept: ${schema}`);
  else await dropSchema(schema);
}

console.log('| backend | mode | callers | transfers/s | p50 ms | p99 ms | requests per commit | transfers per commit |');
console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of rows)
  console.log(
    `| ${r.backend} | ${r.mode} | ${r.callers} | ${r.transfersPerS} | ${r.p50Ms} | ${r.p99Ms} | ${r.requestsPerCommit} | ${r.perCommit} |`,
  );
console.log(`load average after the ledger runs: ${load()}`);
console.log();
if (rounds.length > 0) printRounds(rounds);
// CPU time per commit group, by thread: what the ledger costs whatever the disk does (the load moves it far less than a rate).
console.log('| backend | mode | callers | main thread CPU µs per group | writer thread CPU µs per group |');
console.log('| --- | --- | ---: | ---: | ---: |');
for (const r of rows) console.log(`| ${r.backend} | ${r.mode} | ${r.callers} | ${r.mainCpuUsPerGroup} | ${r.writerCpuUsPerGroup ?? '—'} |`);
if (rows.some((r) => r.pg)) {
  console.log();
  // PostgreSQL's side of each cell: its backends' CPU per group, and (cluster-wide) WAL bytes per transfer, WAL fsyncs and full-page images per group.
  console.log(
    '| backend | mode | callers | transfers per group | backend CPU µs per group | WAL bytes per transfer | WAL fsyncs per group | full-page images per group |',
  );
  console.log('| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of rows)
    if (r.pg)
      console.log(
        `| ${r.backend} | ${r.mode} | ${r.callers} | ${r.perCommit} | ${r.pg.backendCpuUsPerGroup} | ${r.pg.walBytesPerTransfer} | ${r.pg.fsyncsPerGroup} | ${r.pg.fpiPerGroup} | ${r.pg.seqRowsPerGroup} | ${r.pg.checkpoints} |`,
      );
}
if (!CEILINGS) process.exit(0);
console.log();
console.log('| ceiling | transfers or transactions/s |');
console.log('| --- | ---: |');
const bareCpu: string[] = [];
for (const b of PGBENCH_ONLY ? [] : CALLERS) {
  const bare = sqliteBareLoop(b, 'ledger');
  console.log(`| SQLite bare loop, batch ${b} | ${bare.rate} |`);
  bareCpu.push(`| ${b} | ${bare.cpuUsPerGroup} |`);
}
for (const b of PGBENCH_ONLY ? [] : CALLERS)
  console.log(
    `| SQLite bare loop, batch ${b}, neighbour accounts and one key sequence (earlier passes) | ${sqliteBareLoop(b, 'neighbours').rate} |`,
  );
const pgbench = pgbenchTpcB(16);
console.log(
  `| pgbench TPC-B, 16 clients, scale 10 (best of ${PGBENCH_RUNS}${PGBENCH_WARMUP_S > 0 ? ` after ${PGBENCH_WARMUP_S} s of warm-up` : ''}) | ${pgbench?.tps ?? 'n/a'} |`,
);
for (const r of rows)
  if (r.backend === 'postgres' && r.callers === 64 && pgbench)
    console.log(`| PostgreSQL ${r.mode} at 64 callers ÷ pgbench | ${(r.transfersPerS / Math.max(1, pgbench.tps)).toFixed(2)}× |`);
console.log();
if (pgbench) {
  console.log(
    '| pgbench run | load at its start | tps | WAL fsyncs per transaction | full-page images per transaction | checkpoints started |',
  );
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of pgbench.runs)
    console.log(
      `| ${r.label} | ${r.load.toFixed(2)} | ${r.tps} | ${r.fsyncsPerTx.toFixed(2)} | ${r.fpiPerTx.toFixed(2)} | ${r.checkpoints} |`,
    );
}
console.log();
// The bare loop's CPU per group, beside the ledger's writer thread CPU per group above (same run).
console.log('| SQLite bare loop, batch | CPU µs per group |');
console.log('| ---: | ---: |');
for (const line of bareCpu) console.log(line);
console.log(`load average at the end: ${load()}`);

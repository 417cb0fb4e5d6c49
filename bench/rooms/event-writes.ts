// The rooms' shared event writes alone, as the server makes them: the real batcher (rooms/batcher.ts)
// and the SQLite store's writer thread (WAL, synchronous=FULL), fed by rooms that each append one
// hand action at a time at a fixed total rate. Reports, for one pacing of the writes (writes in
// flight, least gap between commits), the CPU per row of the writer thread and of the whole
// process, rows per commit, and the write latency (from `write` to its commit being known) that
// a room's action waits before it can be broadcast.
//
//   npx node bench/rooms/event-writes.ts [--rooms 800] [--rate 1800] [--seconds 20] [--in-flight 2] [--gap-ms 0] [--dir /dev/shm]
//
// `--dir /dev/shm` puts the database on tmpfs, where an fsync costs nothing: a stand-in for an idle
// machine's fast disk, where commits are small because nothing makes them wait.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { createSqliteStore } from '../../packages/server/src/adapters/sqlite/index.ts';
import { EventBatcher } from '../../packages/server/src/rooms/batcher.ts';
import { roomsMigrations } from '../../packages/server/src/rooms/migrations.ts';
import type { RoomEvent } from '../../packages/server/src/rooms/state.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number | string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? (args[i + 1] ?? String(fallback)) : String(fallback);
};
const rooms = Number(arg('rooms', 800));
const ratePerS = Number(arg('rate', 1800));
const seconds = Number(arg('seconds', 20));
const warmupS = 3;
const inFlightMax = Number(arg('in-flight', 2));
const gapMs = Number(arg('gap-ms', 0));
const dir = mkdtempSync(join(arg('dir', tmpdir()), 'fg-event-writes-'));
if (!(rooms >= 1 && rooms <= 20_000 && ratePerS >= 1 && ratePerS <= 50_000 && seconds >= 1 && seconds <= 600)) {
  throw new Error('--rooms 1..20000, --rate 1..50000, --seconds 1..600');
}

const CLOCK_TICKS_PER_S = 100;
/** CPU seconds of this process's threads named `name` (the SQLite writer is `WorkerThread`). */
function threadCpuS(name: string): number {
  let s = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== name) continue;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      s += (Number(f[11]) + Number(f[12])) / CLOCK_TICKS_PER_S;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return s;
}
const processCpuS = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const store = createSqliteStore({ path: join(dir, 'events.db'), clock: systemClock });
// The rooms' own tables: the log's hot table, its fence and the keyed table the writer thread
// folds the hot rows into (every ROOM_LOG_FOLD_ROWS rows or ROOM_LOG_FOLD_INTERVAL_MS), as the
// server has them; the folds' cost is in the writer thread's figure.
await store.migrate(roomsMigrations);
const batcher = new EventBatcher(store, { pacing: { inFlightMax, gapMs } });
const ids = Array.from({ length: rooms }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const seqs: number[] = new Array(rooms).fill(0);
const busy: boolean[] = new Array(rooms).fill(false);
const action = { type: 'call', seat: 2, toStakePoints: 4 };
const event = (k: number): RoomEvent => {
  seqs[k] = (seqs[k] as number) + 1;
  return { kind: 'hand_action', action, auto: false, seq: seqs[k] as number, atMs: Date.now() } as unknown as RoomEvent;
};
// Each room has a history first (20 events), as rooms in play do.
for (let round = 0; round < 20; round++) await Promise.all(ids.map((id, k) => batcher.write(id, [event(k)])));

let measuring = false;
const latenciesMs: number[] = [];
let next = 0;
let outstanding = 0;
let owed = 0;
let last = performance.now();
// A room writes its next action only once its previous one committed, as a room's actor does.
const timer = setInterval(() => {
  const now = performance.now();
  owed += ((now - last) * ratePerS) / 1000;
  last = now;
  for (let tries = 0; owed >= 1 && tries < rooms; tries++) {
    const k = next;
    next = (next + 1) % rooms;
    if (busy[k]) continue;
    owed -= 1;
    busy[k] = true;
    const t = performance.now();
    outstanding += 1;
    void batcher.write(ids[k] as string, [event(k)]).then(() => {
      busy[k] = false;
      outstanding -= 1;
      if (measuring && latenciesMs.length < 10_000_000) latenciesMs.push(performance.now() - t);
    });
  }
}, 1);

await new Promise((resolve) => setTimeout(resolve, warmupS * 1000));
measuring = true;
const s0 = { ...batcher.stats, writer: threadCpuS('WorkerThread'), proc: processCpuS(), t: performance.now() };
await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
const s1 = { ...batcher.stats, writer: threadCpuS('WorkerThread'), proc: processCpuS(), t: performance.now() };
measuring = false;
clearInterval(timer);
const rows = s1.rows - s0.rows;
const writes = s1.writes - s0.writes;
const sorted = latenciesMs.sort((a, b) => a - b);
const q = (p: number) => (sorted[Math.min(sorted.length - 1, Math.floor((sorted.length * p) / 100))] ?? 0).toFixed(1);
console.log(
  `in flight ${inFlightMax}, gap ${gapMs} ms, ${rooms} rooms, ${((rows * 1000) / (s1.t - s0.t)).toFixed(0)} rows/s: ` +
    `${(rows / Math.max(1, writes)).toFixed(1)} rows per commit (${((writes * 1000) / (s1.t - s0.t)).toFixed(0)}/s); ` +
    `writer thread ${(((s1.writer - s0.writer) * 1e6) / rows).toFixed(1)} µs per row, process ${(((s1.proc - s0.proc) * 1e6) / rows).toFixed(1)} µs; ` +
    `latency p50 ${q(50)} ms, p99 ${q(99)} ms; load ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}`,
);
// The writes still on their way commit before the store closes.
for (let waitedMs = 0; outstanding > 0 && waitedMs < 10_000; waitedMs += 10) await new Promise((resolve) => setTimeout(resolve, 10));
await store.close();
rmSync(dir, { recursive: true, force: true });

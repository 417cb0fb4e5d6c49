// A hand's end's rows in two tables, one statement per row against one statement per table: the
// players' daily points (`room_points_daily`, an upsert) and risk's hand players (`risk_hand_players`,
// with its index by player), for hands of five players out of 4,000 seated five to a room, as the
// rooms write them since the seventh pass (`rooms/persist.ts`, `risk/room-hands.ts`). On the SQLite
// store with its writer thread; units queue their statements (`Tx.write`) and run C at a time so
// that they share groups. The two shapes alternate in one process. CPU per unit on the main thread
// and on the writer thread, and each unit's latency (from enqueue to commit) p50 / p99.
//   npx node bench/storage/hand-end-rows.ts [--units 10000] [--concurrent 10] [--pairs 3]
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { systemClock } from '@fairground/core';
import { createSqliteStore, sqliteWriterThread } from '../../packages/server/src/adapters/sqlite/index.ts';
import type { SqlValue, Tx } from '../../packages/server/src/storage/ports.ts';

const args = process.argv.slice(2);
const arg = (name: string, fallback: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1] ?? fallback) : fallback;
};
const unitsPerRun = arg('units', 10_000);
const concurrent = arg('concurrent', 10);
const pairs = arg('pairs', 3);
const SEATS = 5;
const ROOMS = 800;

/** CPU seconds of this process's threads named `name` (user + system), from /proc. */
function threadCpuS(name: string): number {
  let total = 0;
  for (const tid of readdirSync('/proc/self/task')) {
    try {
      if (readFileSync(`/proc/self/task/${tid}/comm`, 'utf8').trim() !== name) continue;
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) / 100;
    } catch {
      // The thread ended between the listing and the read.
    }
  }
  return total;
}
const mainCpuS = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1e6;
};

const POINTS = `INSERT INTO room_points_daily (player_id, day, won, lost) VALUES (?, ?, ?, ?)
          ON CONFLICT (player_id, day) DO UPDATE SET won = room_points_daily.won + excluded.won, lost = room_points_daily.lost + excluded.lost`;
const pointsMany = (rows: number) =>
  `INSERT INTO room_points_daily (player_id, day, won, lost) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?)').join(', ')}
          ON CONFLICT (player_id, day) DO UPDATE SET won = room_points_daily.won + excluded.won, lost = room_points_daily.lost + excluded.lost`;
const PLAYERS =
  'INSERT INTO risk_hand_players (hand_id, player_id, ended_at_ms) VALUES (?, ?, ?) ON CONFLICT (hand_id, player_id) DO NOTHING';
const playersMany = (rows: number) =>
  `INSERT INTO risk_hand_players (hand_id, player_id, ended_at_ms) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?)').join(', ')} ON CONFLICT (hand_id, player_id) DO NOTHING`;
const POINTS_5 = pointsMany(SEATS);
const PLAYERS_5 = playersMany(SEATS);

const dir = mkdtempSync(join(tmpdir(), 'fg-hand-end-rows-'));
const store = createSqliteStore({ path: join(dir, 'bench.db'), clock: systemClock });
await store.migrate([
  {
    id: 'bench_hand_end_rows_001',
    sql: `CREATE TABLE room_points_daily (player_id TEXT NOT NULL, day TEXT NOT NULL, won BIGINT NOT NULL, lost BIGINT NOT NULL, PRIMARY KEY (player_id, day));
CREATE TABLE risk_hand_players (hand_id TEXT NOT NULL, player_id TEXT NOT NULL, ended_at_ms BIGINT NOT NULL, PRIMARY KEY (hand_id, player_id));
CREATE INDEX risk_hand_players_player ON risk_hand_players (player_id, ended_at_ms);`,
  },
]);
const thread = sqliteWriterThread(store);
if (thread === undefined) throw new Error('the store has no writer thread');

const playerId = (room: number, seat: number) => `pl_${((room * SEATS + seat) * 2654435761) % 4294967296}`;
const hands = new Array<number>(ROOMS).fill(0);
let turn = 0;

function handEnd(tx: Tx, multi: boolean): void {
  const room = (turn++ * 7919) % ROOMS;
  const hand = (hands[room] ?? 0) + 1;
  hands[room] = hand;
  const handId = `room_${room}:${hand}`;
  const points: SqlValue[] = [];
  const players: SqlValue[] = [];
  for (let s = 0; s < SEATS; s++) {
    const d = s === 0 ? 8 : -2;
    points.push(playerId(room, s), '2026-12-07', Math.max(d, 0), Math.max(-d, 0));
    players.push(handId, playerId(room, s), tx.nowMs);
  }
  if (multi) {
    tx.write(POINTS_5, points);
    tx.write(PLAYERS_5, players);
  } else {
    for (let s = 0; s < SEATS; s++) tx.write(POINTS, points.slice(s * 4, s * 4 + 4));
    for (let s = 0; s < SEATS; s++) tx.write(PLAYERS, players.slice(s * 3, s * 3 + 3));
  }
}

async function oneRun(multi: boolean): Promise<{ mainUs: number; writerUs: number; p50Ms: number; p99Ms: number }> {
  const main0 = mainCpuS();
  const writer0 = threadCpuS('WorkerThread');
  const ms: number[] = [];
  for (let done = 0; done < unitsPerRun; done += concurrent) {
    await Promise.all(
      Array.from({ length: concurrent }, () => {
        const t = performance.now();
        return store
          .unitOfWork(async (tx) => {
            handEnd(tx, multi);
          })
          .then(() => ms.push(performance.now() - t));
      }),
    );
  }
  ms.sort((a, b) => a - b);
  return {
    mainUs: ((mainCpuS() - main0) * 1e6) / unitsPerRun,
    writerUs: ((threadCpuS('WorkerThread') - writer0) * 1e6) / unitsPerRun,
    p50Ms: ms[Math.floor(ms.length / 2)] ?? 0,
    p99Ms: ms[Math.floor(ms.length * 0.99)] ?? 0,
  };
}

// A warm-up of each (every player's row made), not reported.
await oneRun(false);
await oneRun(true);
console.log(
  '| pair | one statement a row: main µs/unit | writer µs/unit | p50 / p99 ms | one a table: main µs/unit | writer µs/unit | p50 / p99 ms | load avg |',
);
console.log('| ---: | ---: | ---: | --- | ---: | ---: | --- | --- |');
for (let p = 1; p <= pairs; p++) {
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ')[0];
  const a = p % 2 === 1 ? await oneRun(false) : null;
  const m = await oneRun(true);
  const b = a ?? (await oneRun(false));
  const f = (n: number) => n.toFixed(1);
  const lat = (r: { p50Ms: number; p99Ms: number }) => `${r.p50Ms.toFixed(2)} / ${r.p99Ms.toFixed(2)}`;
  console.log(`| ${p} | ${f(b.mainUs)} | ${f(b.writerUs)} | ${lat(b)} | ${f(m.mainUs)} | ${f(m.writerUs)} | ${lat(m)} | ${load} |`);
}
await store.close();
rmSync(dir, { recursive: true, force: true });

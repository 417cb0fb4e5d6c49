// What one durable event row costs SQLite alone, as the rooms write them: multi-row INSERTs into
// `room_events` (primary key room and sequence) from many rooms at once, one transaction and one
// fsync per group (WAL, synchronous=FULL), each room's next row going to its own place in the key.
// CPU of this thread per row, for a page size, an auto-checkpoint interval and a group size.
//
//   npx node bench/rooms/sqlite-rows.ts [pageBytes=4096] [autocheckpointPages=1000] [rowsPerCommit=30] [rooms=2000] [cacheKiB=2000] [mmapMiB=0] [layout=keyed] [foldRows=20000]
//
// cacheKiB is the connection's page cache (SQLite's default is 2,000 KiB) and mmapMiB its memory
// map (0: none): a log of thousands of rooms outgrows the default cache, and every row's index
// leaf is then read back from the operating system before it is changed. layout `keyed` is the
// log's table (rowid order, which is append order, plus the primary key's index on room and
// sequence, where each room's next row lands on its own leaf); `append` is the same table without
// that index (what a log costs whose rows of one commit share pages: the bound on what an
// append-ordered layout could save, not a layout the rooms could read by room as it is). `hot` is
// the rooms' log on SQLite since issue #24 (`rooms_003_event_log_append_order`): the rows go to the
// index-free `room_events_hot` through its fence trigger (the owner row and each room's head,
// `adapters/sqlite/log-fence.ts`), and every `foldRows` rows a transaction of its own moves them,
// sorted, into the keyed `room_events`; the folds are in the CPU figure.
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { claimRoomLog, defineRoomLogFence } from '../../packages/server/src/adapters/sqlite/log-fence.ts';
import { roomsMigrations } from '../../packages/server/src/rooms/migrations.ts';

const [pageBytes = 4096, autocheckpointPages = 1000, rowsPerCommit = 30, rooms = 2000, cacheKiB = 2000, mmapMiB = 0] = process.argv
  .slice(2, 8)
  .map(Number);
const layout = process.argv[8] ?? 'keyed';
if (layout !== 'keyed' && layout !== 'append' && layout !== 'hot') throw new Error('layout: keyed, append or hot');
const foldRows = Number(process.argv[9] ?? 20_000);
const COMMITS = 1500;
const dir = mkdtempSync(join(tmpdir(), 'fg-sqlite-rows-'));
const db = new DatabaseSync(join(dir, 'rows.db'));
db.exec(`PRAGMA page_size = ${pageBytes}`);
db.exec('PRAGMA journal_mode = WAL');
db.exec('PRAGMA synchronous = FULL');
db.exec(`PRAGMA wal_autocheckpoint = ${autocheckpointPages}`);
db.exec(`PRAGMA cache_size = -${cacheKiB}`);
db.exec(`PRAGMA mmap_size = ${mmapMiB * 1024 * 1024}`);
if (layout === 'hot') {
  defineRoomLogFence(db);
  for (const m of roomsMigrations) db.exec(m.sqlite ?? m.sql ?? '');
  claimRoomLog(db, Date.now());
} else {
  db.exec(
    `CREATE TABLE room_events (room_id TEXT NOT NULL, seq INTEGER NOT NULL, kind TEXT NOT NULL, data TEXT NOT NULL, at_ms BIGINT NOT NULL${layout === 'keyed' ? ', PRIMARY KEY (room_id, seq)' : ''})`,
  );
}
const table = layout === 'hot' ? 'room_events_hot' : 'room_events';
let unfolded = 0;
function fold(): void {
  db.exec('BEGIN IMMEDIATE');
  db.exec(
    'INSERT INTO room_events (room_id, seq, kind, data, at_ms) SELECT room_id, seq, kind, data, at_ms FROM room_events_hot ORDER BY room_id, seq',
  );
  db.exec('DELETE FROM room_events_hot');
  db.exec('COMMIT');
  unfolded = 0;
}
const ids = Array.from({ length: rooms }, () => randomUUID());
const seqs: number[] = new Array(rooms).fill(0);
const data = JSON.stringify({ handNumber: 3, action: { type: 'call', seat: 2, toStakePoints: 4 }, step: 17, by: randomUUID() });
const statements = new Map<number, StatementSync>();
let next = 0;
function commit(n: number): void {
  let st = statements.get(n);
  if (st === undefined) {
    st = db.prepare(
      `INSERT INTO ${table} (room_id, seq, kind, data, at_ms) VALUES ${Array.from({ length: n }, () => '(?, ?, ?, ?, ?)').join(', ')}`,
    );
    statements.set(n, st);
  }
  const params: (string | number)[] = [];
  for (let i = 0; i < n; i++) {
    const k = next++ % rooms;
    seqs[k] = (seqs[k] as number) + 1;
    params.push(ids[k] as string, seqs[k] as number, 'hand_action', data, Date.now());
  }
  db.exec('BEGIN IMMEDIATE');
  st.run(...params);
  db.exec('COMMIT');
  unfolded += n;
  if (layout === 'hot' && unfolded >= foldRows) fold();
}
// Each room has a history first (20 events), as rooms in play do.
for (let i = 0; i < (rooms * 20) / rowsPerCommit; i++) commit(rowsPerCommit);
// The measured rows start with an empty hot table and end folded: every fold of them is counted.
if (layout === 'hot') fold();
const c0 = process.cpuUsage();
const t0 = performance.now();
for (let i = 0; i < COMMITS; i++) commit(rowsPerCommit);
if (layout === 'hot' && unfolded > 0) fold();
const c = process.cpuUsage(c0);
const rows = COMMITS * rowsPerCommit;
console.log(
  `page ${pageBytes} B, auto-checkpoint ${autocheckpointPages} pages, cache ${cacheKiB} KiB, mmap ${mmapMiB} MiB, ${layout}${layout === 'hot' ? ` (fold every ${foldRows} rows)` : ''}, ${rowsPerCommit} rows per commit, ${rooms} rooms: ` +
    `user ${(c.user / rows).toFixed(1)} µs + system ${(c.system / rows).toFixed(1)} µs per row; ${(((performance.now() - t0) * 1000) / COMMITS).toFixed(0)} µs per commit (wall)`,
);
db.close();
rmSync(dir, { recursive: true, force: true });

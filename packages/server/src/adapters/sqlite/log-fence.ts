// The rooms' event log on SQLite, in append order (issue #24). Rows are appended to
// `room_events_hot`, a table without an index (rowid order: the rows of one commit share pages),
// and folded in large sorted batches into `room_events`, keyed by (room, seq). A primary key on
// every append cost ≈ 50 µs of the writer's CPU per row (each room's next row dirtied its own
// leaf of the key, written to the WAL and again at checkpoint; `bench/rooms/sqlite-rows.ts`).
//
// The key was also the log's fence: two writers can never both append one (room, seq). Without
// it, a trigger on the hot table (`rooms/migrations.ts`) asks this connection, per row:
// - is this connection the log's writer? `room_log_owner` holds the token of the connection that
//   claimed the log last (`claimRoomLog`, when the store is migrated at start). A second process
//   opened on the same file claims in its turn; from then on the first one's appends are refused
//   (SQLite runs one write transaction at a time, at the newest snapshot, so a read of the row
//   inside the transaction is enough: no page is written per commit);
// - is the row's seq after the room's head? The connection keeps each room's last appended seq in
//   memory (`fg_room_log_next`, a hint: never lower than the room's last seq in the database).
//   When the row is not the hint's successor (the room's first row on this connection, or a retry
//   after a rollback), the trigger asks the database: the key of `room_events` and a scan of the
//   hot table, which the folds keep small.
import { randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';

/** Rooms whose head a connection keeps in memory at most; past it the hints start over (each room's next row then asks the database). */
const HEAD_HINTS_MAX = 100_000;

const fences = new WeakMap<DatabaseSync, string>();

/** Defines the fence's functions on a connection: every connection has its own token. */
export function defineRoomLogFence(db: DatabaseSync): void {
  const token = randomUUID();
  const heads = new Map<string, number>();
  fences.set(db, token);
  db.function('fg_room_log_owner', { deterministic: false, directOnly: false }, () => token);
  // 1 when seq follows the room's head as this connection last wrote it (then it is the new head).
  db.function('fg_room_log_next', { deterministic: false, directOnly: false }, (roomId, seq) => {
    if (typeof roomId !== 'string' || typeof seq !== 'number') return 0;
    if (heads.get(roomId) !== seq - 1) return 0;
    heads.set(roomId, seq);
    return 1;
  });
  // After the database confirmed seq is past the room's last row.
  db.function('fg_room_log_head', { deterministic: false, directOnly: false }, (roomId, seq) => {
    if (typeof roomId !== 'string' || typeof seq !== 'number') return 0;
    if (heads.size >= HEAD_HINTS_MAX && !heads.has(roomId)) heads.clear();
    heads.set(roomId, seq);
    return 1;
  });
}

/** The hot rows into the keyed table, sorted by room and seq, and out of the hot table: one transaction's statements. */
const FOLD_ROOM_LOG_SQL = [
  'INSERT INTO room_events (room_id, seq, kind, data, at_ms) SELECT room_id, seq, kind, data, at_ms FROM room_events_hot ORDER BY room_id, seq',
  'DELETE FROM room_events_hot',
] as const;

/**
 * Makes this connection the log's writer and folds every row a previous writer left unfolded
 * (a crash between append and fold loses nothing: the rows are in the log either way). Runs in a
 * transaction of its own; does nothing on a database without the rooms' tables.
 */
export function claimRoomLog(db: DatabaseSync, nowMs: number): void {
  const token = fences.get(db);
  if (token === undefined) throw new Error('the room log fence is not defined on this connection');
  if (db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'room_log_owner'").get() === undefined) return;
  db.exec('BEGIN IMMEDIATE');
  try {
    db.prepare(
      'INSERT INTO room_log_owner (id, owner, claimed_at_ms) VALUES (1, ?, ?) ON CONFLICT (id) DO UPDATE SET owner = excluded.owner, claimed_at_ms = excluded.claimed_at_ms',
    ).run(token, nowMs);
    for (const sql of FOLD_ROOM_LOG_SQL) db.exec(sql);
    db.exec('COMMIT');
  } catch (e) {
    if (db.isTransaction) db.exec('ROLLBACK');
    throw e;
  }
}

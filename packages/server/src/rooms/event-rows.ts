// The room event log's rows: how an event becomes the five INSERT parameters of `room_events`
// (room, seq, kind, data, time), and the multi-row INSERTs that append them. Kept apart from the
// rest of persistence so the SQLite writer thread can load it alone (see `events-host.ts`).
import { assertionFailed } from '@fairground/core';
import { MultiRowInsert } from '../storage/multi-row.ts';
import type { Dialect, Store, Tx } from '../storage/ports.ts';
import { ROOM_LOG_FOLD_INTERVAL_MS, ROOM_LOG_FOLD_ROWS } from './limits.ts';
import type { RoomEvent } from './state.ts';

/** Parameters per event row. */
export const EVENT_PARAMS = 5;
/**
 * Rows per INSERT statement at most: 5 parameters each stays far below both databases' parameter
 * limits. A power of two: a batch is cut into statements of power-of-two sizes (`insertEventParams`).
 */
const EVENT_ROWS_PER_STATEMENT = 256;

/** Public fields of an event for the log's `data` column: everything but the kind and envelope. */
export function eventData(e: RoomEvent): string {
  const { kind: _k, seq: _s, atMs: _a, ...rest } = e;
  return JSON.stringify(rest);
}

/** The INSERT parameters of events, five per event, flat (what crosses to a writer thread). */
export function eventParams(rows: readonly { readonly roomId: string; readonly event: RoomEvent }[]): (string | number)[] {
  const params: (string | number)[] = [];
  for (const { roomId, event } of rows) params.push(roomId, event.seq, event.kind, eventData(event), event.atMs);
  return params;
}

/** What reads the whole log (restart, history, tests): on SQLite the view over the folded and the hot rows. */
export function roomLogSource(dialect: Dialect): 'room_log' | 'room_events' {
  return dialect === 'sqlite' ? 'room_log' : 'room_events';
}

/**
 * Where the log is appended: on SQLite the index-free `room_events_hot`, folded into the keyed
 * `room_events` in sorted batches (`rooms_003_event_log_append_order`); on PostgreSQL `room_events`.
 * Batches are cut into power-of-two statements (texts made once each: 9 per dialect).
 */
const eventInsert = new MultiRowInsert({
  head: {
    sqlite: 'INSERT INTO room_events_hot (room_id, seq, kind, data, at_ms)',
    postgres: 'INSERT INTO room_events (room_id, seq, kind, data, at_ms)',
  },
  columns: EVENT_PARAMS,
  maxRows: EVENT_ROWS_PER_STATEMENT,
  cut: 'powers',
});

/**
 * Appends `eventParams` output with multi-row INSERTs, queued on the unit (`Tx.write`): they cross
 * to the database with the unit's next statement or its end, so a hand's end sends its events and
 * its projections together. A refused row (the log's fence) fails the unit as an awaited INSERT
 * would.
 *
 * The rows are cut into statements of power-of-two sizes, largest first (26 rows: 16, 8 and 2), at
 * most EVENT_ROWS_PER_STATEMENT each: the texts repeat, so the database prepares 9 statements once
 * instead of one per batch size it meets (a 100-row INSERT's text is 2.5 KB to parse), at the cost
 * of at most a few more statements per batch.
 */
export function insertEventParams(tx: Tx, params: readonly (string | number)[]): Promise<void> {
  eventInsert.write(tx, params);
  return Promise.resolve();
}

/**
 * SQLite: moves the hot rows into the keyed `room_events`, sorted by room and seq, and deletes them
 * from the hot table, in the caller's transaction. Returns the rows folded.
 */
export async function foldRoomLog(tx: Tx): Promise<number> {
  if (tx.dialect !== 'sqlite') return 0;
  const folded = await tx.run(
    'INSERT INTO room_events (room_id, seq, kind, data, at_ms) SELECT room_id, seq, kind, data, at_ms FROM room_events_hot ORDER BY room_id, seq',
  );
  const deleted = await tx.run('DELETE FROM room_events_hot');
  if (deleted !== folded) assertionFailed(`${folded} hot rows folded, ${deleted} deleted`);
  return folded;
}

/** Appends events (of one or many rooms). */
export function insertEventRows(tx: Tx, rows: readonly { readonly roomId: string; readonly event: RoomEvent }[]): Promise<void> {
  return insertEventParams(tx, eventParams(rows));
}

/**
 * SQLite: folds the hot rows once `ROOM_LOG_FOLD_ROWS` have been appended since the last fold, or
 * `ROOM_LOG_FOLD_INTERVAL_MS` has passed with any, in a unit of work of its own that no append
 * waits for (the rows are durable in the hot table already; a failed fold leaves them for the
 * next one, or for the next start's claim). One fold at a time.
 */
export function roomLogFolder(store: Store, nowMs: () => number): { appended(rows: number): void } {
  let unfolded = 0;
  let lastFoldMs = nowMs();
  let folding = false;
  return {
    appended(rows) {
      if (store.dialect !== 'sqlite') return;
      unfolded += rows;
      if (folding || (unfolded < ROOM_LOG_FOLD_ROWS && nowMs() - lastFoldMs < ROOM_LOG_FOLD_INTERVAL_MS)) return;
      folding = true;
      unfolded = 0;
      lastFoldMs = nowMs();
      store
        .unitOfWork((tx) => foldRoomLog(tx), { label: 'rooms.events.fold' })
        .catch((e: unknown) => console.error('room log fold failed', e))
        .finally(() => {
          folding = false;
        });
    },
  };
}

// The room event log's rows: how an event becomes the five INSERT parameters of `room_events`
// (room, seq, kind, data, time), and the multi-row INSERTs that append them. Kept apart from the
// rest of persistence so the SQLite writer thread can load it alone (see `events-host.ts`).
import { assertionFailed } from '@fairground/core';
import type { Tx } from '../storage/ports.ts';
import type { RoomEvent } from './state.ts';

/** Parameters per event row. */
export const EVENT_PARAMS = 5;
/** Rows per INSERT statement: 5 parameters each stays far below both databases' parameter limits. */
const EVENT_ROWS_PER_STATEMENT = 500;

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

/** Statement texts by row count, made once each (at most EVENT_ROWS_PER_STATEMENT of them). */
const statements = new Map<number, string>();
function insertStatement(rows: number): string {
  let sql = statements.get(rows);
  if (sql === undefined) {
    sql = `INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES ${Array.from({ length: rows }, () => '(?, ?, ?, ?, ?)').join(', ')}`;
    statements.set(rows, sql);
  }
  return sql;
}

/** Appends `eventParams` output with multi-row INSERTs: one round trip per 500 events. */
export async function insertEventParams(tx: Tx, params: readonly (string | number)[]): Promise<void> {
  if (params.length % EVENT_PARAMS !== 0) assertionFailed('five parameters per event row');
  const step = EVENT_ROWS_PER_STATEMENT * EVENT_PARAMS;
  for (let i = 0; i < params.length; i += step) {
    const chunk = params.slice(i, i + step);
    await tx.run(insertStatement(chunk.length / EVENT_PARAMS), chunk);
  }
}

/** Appends events (of one or many rooms). */
export function insertEventRows(tx: Tx, rows: readonly { readonly roomId: string; readonly event: RoomEvent }[]): Promise<void> {
  return insertEventParams(tx, eventParams(rows));
}

// The rooms' shared event writes, run next to the write connection when the store can host them
// (SQLite's writer thread, see `Store.host`): the batcher hands over each turn's rows as one message
// and the transaction (BEGIN, the INSERTs, COMMIT and its fsync) runs there, instead of one message
// per statement from the event loop. Loaded by the store in its thread, never imported elsewhere.
//
// On SQLite the rows go to the log's index-free hot table; between commits this thread folds them
// into the keyed `room_events` in large sorted batches (`ROOM_LOG_FOLD_ROWS`), each in a
// transaction of its own that also deletes them from the hot table (`foldRoomLog`).
import { assertionFailed, type Clock } from '@fairground/core';
import type { HostedOptions, Store } from '../storage/ports.ts';
import { EVENT_PARAMS, foldRoomLog, insertEventParams } from './event-rows.ts';
import { EVENT_BATCH_ROOMS_MAX, ROOM_LOG_FOLD_INTERVAL_MS, ROOM_LOG_FOLD_ROWS } from './limits.ts';

/** Rows per request at most: the batcher sends at most this many rooms' events, a few each. */
const PARAMS_MAX = EVENT_BATCH_ROOMS_MAX * 64 * EVENT_PARAMS;

export function host(store: Store, _options: HostedOptions, clock: Clock): { handle(request: unknown): Promise<null> } {
  let unfolded = 0;
  let lastFoldMs = clock.nowMs();
  let folding = false;
  const foldIfDue = (): void => {
    if (folding || unfolded === 0 || (unfolded < ROOM_LOG_FOLD_ROWS && clock.nowMs() - lastFoldMs < ROOM_LOG_FOLD_INTERVAL_MS)) return;
    folding = true;
    unfolded = 0;
    lastFoldMs = clock.nowMs();
    // Not awaited by any request: the rows are durable in the hot table already, and a failed
    // fold leaves them there for the next one (or the next start's claim).
    store
      .unitOfWork((tx) => foldRoomLog(tx), { label: 'rooms.events.fold' })
      .catch((e: unknown) => console.error('room log fold failed', e))
      .finally(() => {
        folding = false;
      });
  };
  return {
    async handle(request: unknown): Promise<null> {
      // The request comes from this process's own batcher; its shape is asserted, not trusted blindly.
      if (!Array.isArray(request) || request.length % EVENT_PARAMS !== 0 || request.length > PARAMS_MAX) {
        assertionFailed('a rooms event request is a flat array of rows');
      }
      const params = request as (string | number)[];
      await store.unitOfWork((tx) => insertEventParams(tx, params), { label: 'rooms.events' });
      if (store.dialect === 'sqlite') {
        unfolded += params.length / EVENT_PARAMS;
        foldIfDue();
      }
      return null;
    },
  };
}

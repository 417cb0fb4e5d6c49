// The rooms' shared event writes, run next to the write connection when the store can host them
// (SQLite's writer thread, see `Store.host`): the batcher hands over each turn's rows as one message
// and the transaction (BEGIN, the INSERTs, COMMIT and its fsync) runs there, instead of one message
// per statement from the event loop. Loaded by the store in its thread, never imported elsewhere.
//
// On SQLite the rows go to the log's index-free hot table; between commits this thread folds them
// into the keyed `room_events` in large sorted batches (`roomLogFolder`), each in a transaction of
// its own that also deletes them from the hot table.
import { assertionFailed, type Clock } from '@fairground/core';
import type { HostedOptions, Store } from '../storage/ports.ts';
import { EVENT_PARAMS, insertEventParams, roomLogFolder } from './event-rows.ts';
import { EVENT_BATCH_ROOMS_MAX } from './limits.ts';

/** Rows per request at most: the batcher sends at most this many rooms' events, a few each. */
const PARAMS_MAX = EVENT_BATCH_ROOMS_MAX * 64 * EVENT_PARAMS;

export function host(store: Store, _options: HostedOptions, clock: Clock): { handle(request: unknown): Promise<null> } {
  const folder = roomLogFolder(store, () => clock.nowMs());
  return {
    async handle(request: unknown): Promise<null> {
      // The request comes from this process's own batcher; its shape is asserted, not trusted blindly.
      if (!Array.isArray(request) || request.length % EVENT_PARAMS !== 0 || request.length > PARAMS_MAX) {
        assertionFailed('a rooms event request is a flat array of rows');
      }
      const params = request as (string | number)[];
      await store.unitOfWork((tx) => insertEventParams(tx, params), { label: 'rooms.events' });
      folder.appended(params.length / EVENT_PARAMS);
      return null;
    },
  };
}

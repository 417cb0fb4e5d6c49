// Writes the log-only events of many rooms together. Most of what a room writes is one hand
// action; giving each its own unit of work costs a statement round trip (or more) per action. The
// batcher collects what rooms hand it during one turn of the event loop and appends it all with
// multi-row INSERTs in one unit, so the database sees a few writes per turn instead of one per
// action. Each room still waits for its own events to commit before it applies and broadcasts them.
//
// Where the store hosts modules next to its write connection (SQLite's writer thread), the turn's
// rows cross to it as one message and the whole unit (BEGIN, INSERTs, COMMIT, fsync) runs there:
// one hand-off per turn instead of one per statement, and the event loop never waits on SQLite.
// The guarantee is the same: the promise resolves only after the COMMIT that holds the rows.
// While HOSTED_IN_FLIGHT_MAX writes are on their way, new rows wait for one of them to come back
// and go together: under load a turn's hand-off carries more rows, and fewer hand-offs are made.
import type { Store } from '../storage/ports.ts';
import { eventParams, insertEventRows } from './event-rows.ts';
import { EVENT_BATCH_ROOMS_MAX, HOSTED_EVENT_WRITES_IN_FLIGHT_MAX } from './limits.ts';
import type { RoomEvent } from './state.ts';

interface Pending {
  readonly roomId: string;
  readonly events: readonly RoomEvent[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class EventBatcher {
  readonly #store: Store;
  readonly #hosted: { call(request: unknown, nowMs: number): Promise<unknown> } | null;
  readonly #nowMs: () => number;
  #pending: Pending[] = [];
  #scheduled = false;
  #inFlight = 0;
  #writes = 0;
  #rows = 0;

  constructor(store: Store, o: { readonly nowMs?: () => number } = {}) {
    this.#store = store;
    this.#hosted = store.host?.(new URL('./events-host.ts', import.meta.url).href, {}) ?? null;
    this.#nowMs = o.nowMs ?? Date.now;
  }

  /** Writes (one transaction each) and event rows written since start: rows per write is the batching the load allows. */
  get stats(): { readonly writes: number; readonly rows: number } {
    return { writes: this.#writes, rows: this.#rows };
  }

  write(roomId: string, events: readonly RoomEvent[]): Promise<void> {
    return new Promise((resolve, reject) => {
      this.#pending.push({ roomId, events, resolve, reject });
      if (!this.#scheduled) {
        this.#scheduled = true;
        setImmediate(() => this.#flush());
      }
    });
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      if (this.#hosted !== null && this.#inFlight >= HOSTED_EVENT_WRITES_IN_FLIGHT_MAX) return;
      const batch = this.#pending.splice(0, EVENT_BATCH_ROOMS_MAX);
      const rows = batch.flatMap((p) => p.events.map((event) => ({ roomId: p.roomId, event })));
      this.#writes += 1;
      this.#rows += rows.length;
      let written: Promise<unknown>;
      if (this.#hosted !== null) {
        this.#inFlight += 1;
        written = this.#hosted.call(eventParams(rows), this.#nowMs()).finally(() => {
          this.#inFlight -= 1;
          if (this.#pending.length > 0 && !this.#scheduled) {
            this.#scheduled = true;
            setImmediate(() => this.#flush());
          }
        });
      } else written = this.#store.unitOfWork((tx) => insertEventRows(tx, rows), { label: 'rooms.events' });
      written.then(
        () => {
          for (const p of batch) p.resolve();
        },
        (e: unknown) => {
          for (const p of batch) p.reject(e);
        },
      );
    }
  }
}

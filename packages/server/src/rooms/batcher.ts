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
//
// Pacing of the hosted writes (`EventWritePacing`). A commit costs the writer thread a fixed part
// (the transaction, the hand-off, the fsync's system time, the WAL frames of pages many rows share)
// besides its rows, so fewer, larger commits cost less CPU per action. Two bounds make them larger:
// - while `inFlightMax` writes are on their way, new rows wait for one of them to come back and
//   go together (under load a hand-off carries more rows, and fewer hand-offs are made);
// - a write starts no sooner than `gapMs` after the previous one started: on an idle machine, where
//   an fsync takes a few milliseconds, rows that arrive meanwhile wait and share the next commit.
//   That is at most `gapMs` of latency added to an action, and nothing is sent before its commit.
import type { Store } from '../storage/ports.ts';
import { eventParams, insertEventRows, roomLogFolder } from './event-rows.ts';
import { EVENT_BATCH_ROOMS_MAX, HOSTED_EVENT_WRITE_GAP_MS, HOSTED_EVENT_WRITES_IN_FLIGHT_MAX } from './limits.ts';
import type { RoomEvent } from './state.ts';

/** How hosted event writes are spaced (see the file comment); defaults from `limits.ts`. */
export interface EventWritePacing {
  /** Hosted writes on their way at once (at least 1). */
  readonly inFlightMax: number;
  /** Least time between the starts of two hosted writes, milliseconds (0: none). */
  readonly gapMs: number;
}

/** The monotonic time and the timer the gap is kept with; tests pass a manual one. */
export interface PacingTimer {
  nowMs(): number;
  after(delayMs: number, fn: () => void): void;
}

const systemPacingTimer: PacingTimer = {
  nowMs: () => performance.now(),
  after: (delayMs, fn) => {
    setTimeout(fn, delayMs);
  },
};

/** The gap is a latency added to actions: a few milliseconds, never seconds. */
const GAP_MS_MAX = 100;

/**
 * The rows of at most `EVENT_BATCH_ROOMS_MAX` rooms' writes that go in one commit, and the one
 * promise all their writers wait on: a write adds its rows and returns the batch's promise, so it
 * makes no promise, entry or functions of its own (they would wait for the commit, long enough to
 * be promoted). Writers are told in the order they wrote, as their callbacks were added in it.
 */
class Batch {
  readonly rows: { readonly roomId: string; readonly event: RoomEvent }[] = [];
  rooms = 0;
  readonly done: Promise<void>;
  resolve!: () => void;
  reject!: (e: unknown) => void;

  constructor() {
    this.done = new Promise<void>((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }
}

export class EventBatcher {
  readonly #store: Store;
  readonly #hosted: { call(request: unknown, nowMs: number): Promise<unknown> } | null;
  readonly #nowMs: () => number;
  readonly #pacing: EventWritePacing;
  readonly #timer: PacingTimer;
  /** Batches not yet handed to the store, oldest first; only the last one takes more writes. */
  #pending: Batch[] = [];
  #scheduled = false;
  #inFlight = 0;
  #lastStartMs = Number.NEGATIVE_INFINITY;
  #writes = 0;
  #rows = 0;
  /** Folds of the log's hot rows when the writes run here (a store without a writer thread). */
  readonly #folder: { appended(rows: number): void } | null;

  constructor(
    store: Store,
    o: { readonly nowMs?: () => number; readonly pacing?: Partial<EventWritePacing>; readonly timer?: PacingTimer } = {},
  ) {
    this.#store = store;
    this.#hosted = store.host?.(new URL('./events-host.ts', import.meta.url).href, {}) ?? null;
    this.#nowMs = o.nowMs ?? Date.now;
    this.#pacing = {
      inFlightMax: o.pacing?.inFlightMax ?? HOSTED_EVENT_WRITES_IN_FLIGHT_MAX,
      gapMs: o.pacing?.gapMs ?? HOSTED_EVENT_WRITE_GAP_MS,
    };
    if (!Number.isSafeInteger(this.#pacing.inFlightMax) || this.#pacing.inFlightMax < 1)
      throw new Error('pacing.inFlightMax: an integer ≥ 1');
    if (!(this.#pacing.gapMs >= 0 && this.#pacing.gapMs <= GAP_MS_MAX)) throw new Error(`pacing.gapMs: 0..${GAP_MS_MAX}`);
    this.#timer = o.timer ?? systemPacingTimer;
    this.#folder = this.#hosted === null ? roomLogFolder(store, () => this.#timer.nowMs()) : null;
  }

  /** Writes (one transaction each) and event rows written since start: rows per write is the batching the load allows. */
  get stats(): { readonly writes: number; readonly rows: number } {
    return { writes: this.#writes, rows: this.#rows };
  }

  write(roomId: string, events: readonly RoomEvent[]): Promise<void> {
    let batch = this.#pending[this.#pending.length - 1];
    if (batch === undefined || batch.rooms >= EVENT_BATCH_ROOMS_MAX) {
      batch = new Batch();
      this.#pending.push(batch);
    }
    batch.rooms += 1;
    for (const event of events) batch.rows.push({ roomId, event });
    this.#schedule();
    return batch.done;
  }

  #schedule(): void {
    if (!this.#scheduled) {
      this.#scheduled = true;
      setImmediate(() => this.#flush());
    }
  }

  /** True when a hosted write may start now; otherwise the flush is rescheduled (or the return of a write in flight resumes it). */
  #hostedMayStart(): boolean {
    if (this.#inFlight >= this.#pacing.inFlightMax) return false;
    const waitMs = this.#lastStartMs + this.#pacing.gapMs - this.#timer.nowMs();
    if (waitMs > 0) {
      this.#scheduled = true;
      this.#timer.after(waitMs, () => this.#flush());
      return false;
    }
    this.#lastStartMs = this.#timer.nowMs();
    return true;
  }

  #flush(): void {
    this.#scheduled = false;
    while (this.#pending.length > 0) {
      if (this.#hosted !== null && !this.#hostedMayStart()) return;
      const batch = this.#pending.shift() as Batch;
      const rows = batch.rows;
      this.#writes += 1;
      this.#rows += rows.length;
      let written: Promise<unknown>;
      if (this.#hosted !== null) {
        this.#inFlight += 1;
        written = this.#hosted.call(eventParams(rows), this.#nowMs()).finally(() => {
          this.#inFlight -= 1;
          if (this.#pending.length > 0) this.#schedule();
        });
      } else {
        written = this.#store.unitOfWork((tx) => insertEventRows(tx, rows), { label: 'rooms.events' });
        written.then(
          () => this.#folder?.appended(rows.length),
          () => {},
        );
      }
      written.then(() => batch.resolve(), batch.reject);
    }
  }
}

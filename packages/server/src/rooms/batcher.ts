// Writes the log-only events of many rooms together. Most of what a room writes is one hand
// action; giving each its own unit of work costs a statement round trip (or more) per action. The
// batcher collects what rooms hand it during one turn of the event loop and appends it all with
// multi-row INSERTs in one unit, so the database sees a few writes per turn instead of one per
// action. Each room still waits for its own events to commit before it applies and broadcasts them.
import type { Store } from '../storage/ports.ts';
import { EVENT_BATCH_ROOMS_MAX } from './limits.ts';
import { insertEventRows } from './persist.ts';
import type { RoomEvent } from './state.ts';

interface Pending {
  readonly roomId: string;
  readonly events: readonly RoomEvent[];
  readonly resolve: () => void;
  readonly reject: (e: unknown) => void;
}

export class EventBatcher {
  readonly #store: Store;
  #pending: Pending[] = [];
  #scheduled = false;

  constructor(store: Store) {
    this.#store = store;
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
      const batch = this.#pending.splice(0, EVENT_BATCH_ROOMS_MAX);
      const rows = batch.flatMap((p) => p.events.map((event) => ({ roomId: p.roomId, event })));
      this.#store
        .unitOfWork((tx) => insertEventRows(tx, rows), { label: 'rooms.events' })
        .then(
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

// Sends hand-history chain heads to the notary in batches, and verifies a room's stored hands
// against both their own chain and the heads the notary holds.
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { chainNext, genesisHash, recordHash } from './history.ts';
import { NOTARY_BATCH_MAX, NOTARY_FLUSH_MS, NOTARY_QUEUE_MAX } from './limits.ts';
import type { Notary, NotaryEntry, TimerHandle, Timers } from './ports.ts';
import type { RoomSealer } from './sealing.ts';

export class NotaryQueue {
  readonly #notary: Notary;
  readonly #store: Store;
  readonly #timers: Timers;
  readonly #onError: (e: unknown) => void;
  #queue: NotaryEntry[] = [];
  #timer: TimerHandle | null = null;
  #flushing: Promise<void> = Promise.resolve();

  constructor(o: { notary: Notary; store: Store; timers: Timers; onError: (e: unknown) => void }) {
    this.#notary = o.notary;
    this.#store = o.store;
    this.#timers = o.timers;
    this.#onError = o.onError;
  }

  get length(): number {
    return this.#queue.length;
  }

  enqueue(entry: NotaryEntry): void {
    this.#queue.push(entry);
    if (this.#queue.length >= NOTARY_QUEUE_MAX) {
      void this.flush();
      return;
    }
    if (this.#timer === null) this.#timer = this.#timers.schedule(this.#timers.nowMs() + NOTARY_FLUSH_MS, () => void this.flush());
  }

  /** Sends what is queued (in batches) and records the receipts. Entries that fail go back to the queue. */
  flush(): Promise<void> {
    this.#flushing = this.#flushing.then(() => this.#flushOnce());
    return this.#flushing;
  }

  async #flushOnce(): Promise<void> {
    if (this.#timer !== null) {
      this.#timers.cancel(this.#timer);
      this.#timer = null;
    }
    while (this.#queue.length > 0) {
      const batch = this.#queue.splice(0, NOTARY_BATCH_MAX);
      try {
        const { receiptId } = await this.#notary.attest(batch);
        await this.#store.unitOfWork(
          async (tx) => {
            for (const e of batch) {
              await tx.run(
                'INSERT INTO room_notary_receipts (room_id, hand_number, chain_hash, receipt_id, notarised_at_ms) VALUES (?, ?, ?, ?, ?) ON CONFLICT (room_id, hand_number) DO NOTHING',
                [e.chainId, e.seq, e.headHash, receiptId, tx.nowMs],
              );
            }
          },
          { label: 'rooms.notaryReceipts' },
        );
      } catch (e) {
        this.#queue.unshift(...batch);
        this.#onError(e);
        if (this.#timer === null) this.#timer = this.#timers.schedule(this.#timers.nowMs() + NOTARY_FLUSH_MS, () => void this.flush());
        return;
      }
    }
  }
}

export interface ChainReport {
  readonly ok: boolean;
  readonly hands: number;
  readonly notarised: number;
  readonly problems: readonly string[];
}

/**
 * Re-reads every stored hand of a room, opens it, recomputes the record hash and the chain, and
 * compares the chain with the stored heads and with the heads the notary holds.
 */
export async function verifyRoomChain(store: Store, sealer: RoomSealer, notary: Notary, roomId: string): Promise<ChainReport> {
  const rows = await store.reader.query<{ hand_number: unknown; sealed: string; record_hash: string; chain_hash: string }>(
    'SELECT hand_number, sealed, record_hash, chain_hash FROM room_hands WHERE room_id = ? ORDER BY hand_number',
    [roomId],
  );
  const problems: string[] = [];
  const recomputed = new Map<number, string>();
  let head = genesisHash(roomId);
  for (const r of rows) {
    const n = intFromDb(r.hand_number);
    let rh: string;
    try {
      rh = recordHash(sealer.openRecord(r.sealed, roomId, n));
    } catch {
      problems.push(`hand ${n}: the sealed record does not open (altered or moved)`);
      rh = r.record_hash;
    }
    if (rh !== r.record_hash) problems.push(`hand ${n}: record hash differs from the stored one`);
    head = chainNext(head, rh);
    if (head !== r.chain_hash) problems.push(`hand ${n}: chain head differs from the stored one`);
    recomputed.set(n, head);
  }
  const notarised = await notary.lookup(roomId);
  for (const e of notarised) {
    const mine = recomputed.get(e.seq);
    if (mine === undefined) problems.push(`hand ${e.seq}: notarised but missing from storage`);
    else if (mine !== e.headHash) problems.push(`hand ${e.seq}: chain head differs from the notarised head`);
  }
  return { ok: problems.length === 0, hands: rows.length, notarised: notarised.length, problems };
}

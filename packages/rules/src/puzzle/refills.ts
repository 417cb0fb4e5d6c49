// Where new gems come from. Every session has one refill stream: gem n is the n-th draw of a
// xoshiro128** generator seeded from the server seed (label "puzzle-refill:v1"). The server owns
// the stream; a client only ever holds a window of it (the next few dozen gems), sent with each
// acknowledgement, so it can animate its own moves at once but cannot look further ahead.
import { AppError } from '@fairground/core';
import { Prng } from '../fair/prng.ts';
import { PuzzleErrors } from './errors.ts';

export interface RefillSource {
  /** The gem at position `index` of the refill stream, or -1 when this source does not hold it. */
  gemAt(index: number): number;
}

/** A session's refills can never outgrow this (a runaway client cannot make the server draw more). */
export const REFILL_STREAM_MAX = 1 << 21;
/** A window sent to a client holds at most this many gems. */
export const REFILL_WINDOW_MAX = 1024;

export const REFILL_PRNG_LABEL = 'puzzle-refill:v1';
export const BOARD_PRNG_LABEL = 'puzzle-board:v1';

/** The authoritative stream, drawn lazily from the seed and cached. */
export class SeededRefills implements RefillSource {
  readonly #prng: Prng;
  readonly #kinds: number;
  #gems: Int8Array = new Int8Array(256);
  #drawn = 0;

  constructor(seed: Uint8Array, kinds: number) {
    this.#prng = Prng.fromSeed(seed, REFILL_PRNG_LABEL);
    this.#kinds = kinds;
  }

  gemAt(index: number): number {
    if (index < 0 || index >= REFILL_STREAM_MAX) return -1;
    while (this.#drawn <= index) {
      if (this.#drawn === this.#gems.length) {
        const next = new Int8Array(this.#gems.length * 2);
        next.set(this.#gems);
        this.#gems = next;
      }
      this.#gems[this.#drawn++] = this.#prng.nextInt(this.#kinds);
    }
    return this.#gems[index]!;
  }

  /** Gems [fromIndex, fromIndex + count) as plain numbers, for a client's window. */
  window(fromIndex: number, count: number): RefillWindowData {
    const n = Math.min(count, REFILL_WINDOW_MAX);
    const gems: number[] = [];
    for (let i = 0; i < n; i++) gems.push(this.gemAt(fromIndex + i));
    return { fromIndex, gems };
  }
}

export interface RefillWindowData {
  readonly fromIndex: number;
  readonly gems: readonly number[];
}

/** A client's view of the stream: the gems it was sent, extended as acknowledgements arrive. */
export class RefillWindow implements RefillSource {
  #fromIndex = 0;
  #gems: number[] = [];
  readonly #kinds: number;

  constructor(kinds: number, data?: RefillWindowData) {
    this.#kinds = kinds;
    if (data) this.add(data);
  }

  /** Adds gems the server sent; overlapping gems must agree with what is already held. */
  add(data: RefillWindowData): void {
    const { fromIndex, gems } = data;
    if (
      !Number.isSafeInteger(fromIndex) ||
      fromIndex < 0 ||
      !Array.isArray(gems) ||
      gems.length > REFILL_WINDOW_MAX ||
      !gems.every((g) => Number.isInteger(g) && g >= 0 && g < this.#kinds)
    ) {
      throw new AppError(PuzzleErrors.PUZZLE_BOARD_INVALID, { reason: 'refill window' });
    }
    const end = this.#fromIndex + this.#gems.length;
    if (this.#gems.length === 0 || fromIndex > end) {
      this.#fromIndex = fromIndex;
      this.#gems = [...gems];
      return;
    }
    for (let i = 0; i < gems.length; i++) {
      const at = fromIndex + i;
      if (at < this.#fromIndex) continue;
      if (at < end) {
        if (this.#gems[at - this.#fromIndex] !== gems[i])
          throw new AppError(PuzzleErrors.PUZZLE_BOARD_INVALID, { reason: 'refills disagree' });
      } else this.#gems.push(gems[i]!);
    }
  }

  /** Forgets gems before `index` (already used). */
  dropBefore(index: number): void {
    const n = Math.min(Math.max(0, index - this.#fromIndex), this.#gems.length);
    this.#gems.splice(0, n);
    this.#fromIndex += n;
  }

  gemAt(index: number): number {
    const k = index - this.#fromIndex;
    return k >= 0 && k < this.#gems.length ? this.#gems[k]! : -1;
  }

  /** The first stream index this window does not hold. */
  end(): number {
    return this.#fromIndex + this.#gems.length;
  }
}

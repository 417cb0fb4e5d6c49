// Time comes from an injectable clock so tests move it instead of waiting.

export interface Clock {
  /** Milliseconds since the Unix epoch. */
  nowMs(): number;
}

export const systemClock: Clock = { nowMs: () => Date.now() };

/** A clock that tests drive by hand. */
export class ManualClock implements Clock {
  #nowMs: number;
  constructor(startMs = Date.UTC(2026, 0, 1)) {
    this.#nowMs = startMs;
  }
  nowMs(): number {
    return this.#nowMs;
  }
  advanceMs(deltaMs: number): void {
    if (!Number.isSafeInteger(deltaMs) || deltaMs < 0) throw new RangeError(`advanceMs needs a non-negative integer, got ${deltaMs}`);
    this.#nowMs += deltaMs;
  }
  setMs(nowMs: number): void {
    this.#nowMs = nowMs;
  }
}

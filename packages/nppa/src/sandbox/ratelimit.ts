// NPPA's documented limit: so many requests per second per interface, and a caller that goes over
// is blocked for a minute. Fixed one-second windows on the sandbox clock, so tests move time
// instead of waiting.

export class RateLimiter {
  readonly perSecond: number;
  readonly blockMs: number;
  #windowSecond = -1;
  #count = 0;
  #blockedUntilMs = 0;

  constructor(perSecond: number, blockMs: number) {
    if (!Number.isSafeInteger(perSecond) || perSecond < 1) throw new RangeError('perSecond must be a positive integer');
    if (!Number.isSafeInteger(blockMs) || blockMs < 0) throw new RangeError('blockMs must be a non-negative integer');
    this.perSecond = perSecond;
    this.blockMs = blockMs;
  }

  /** Counts one request at `nowMs`; false when it must be refused (over the limit, or blocked). */
  take(nowMs: number): boolean {
    if (nowMs < this.#blockedUntilMs) return false;
    const second = Math.floor(nowMs / 1000);
    if (second !== this.#windowSecond) {
      this.#windowSecond = second;
      this.#count = 0;
    }
    if (this.#count >= this.perSecond) {
      this.#blockedUntilMs = nowMs + this.blockMs;
      return false;
    }
    this.#count += 1;
    return true;
  }
}

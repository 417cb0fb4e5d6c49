// Time-driven state changes (a transfer bill expiring after 24 h, a refund settling, a simulated
// user acting) keyed to the sandbox clock. They run in due order whenever the sandbox looks at the
// time: before every API request and in runDue(), so the state a client reads is always the state
// at the sandbox's "now", whether or not anyone called runDue().

/** Far more than any test or dev session creates; a runaway loop fails loudly instead of eating memory. */
export const TIMERS_MAX = 200_000;

interface Timer {
  dueMs: number;
  seq: number;
  label: string;
  run: () => void;
}

export class Scheduler {
  #timers: Timer[] = [];
  readonly #nextSeq: () => number;

  constructor(nextSeq: () => number) {
    this.#nextSeq = nextSeq;
  }

  at(dueMs: number, label: string, run: () => void): void {
    if (this.#timers.length >= TIMERS_MAX) throw new Error(`sandbox scheduler is full (${TIMERS_MAX} timers)`);
    this.#timers.push({ dueMs, seq: this.#nextSeq(), label, run });
  }

  /** The earliest timer due at or before `nowMs`, removed from the queue; null if none. */
  takeDue(nowMs: number): { dueMs: number; seq: number; run: () => void } | null {
    let best = -1;
    for (let i = 0; i < this.#timers.length; i++) {
      const t = this.#timers[i]!;
      if (t.dueMs > nowMs) continue;
      const b = this.#timers[best];
      if (best < 0 || b === undefined || t.dueMs < b.dueMs || (t.dueMs === b.dueMs && t.seq < b.seq)) best = i;
    }
    if (best < 0) return null;
    const [timer] = this.#timers.splice(best, 1);
    return timer ?? null;
  }

  peekDue(nowMs: number): { dueMs: number; seq: number } | null {
    let found: { dueMs: number; seq: number } | null = null;
    for (const t of this.#timers) {
      if (t.dueMs > nowMs) continue;
      if (found === null || t.dueMs < found.dueMs || (t.dueMs === found.dueMs && t.seq < found.seq)) found = { dueMs: t.dueMs, seq: t.seq };
    }
    return found;
  }

  get size(): number {
    return this.#timers.length;
  }
}

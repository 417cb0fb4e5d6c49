// Time-driven state changes keyed to the sandbox clock, in two kinds:
// - deadlines (an order or a transfer bill expiring) are facts of time: they also run before every
//   API request, so what a client reads is the state at the sandbox's "now" even if nobody called
//   runDue();
// - work (a refund or transfer settling, a simulated person acting) happens only in runDue(), so
//   a test can observe the in-between states (PROCESSING, TRANSFERING) and decide when work runs.

/** Far more than any test or dev session creates; a runaway loop fails loudly instead of eating memory. */
export const TIMERS_MAX = 200_000;

export type TimerKind = 'deadline' | 'work';

interface Timer {
  dueMs: number;
  seq: number;
  kind: TimerKind;
  label: string;
  run: () => void;
}

export class Scheduler {
  #timers: Timer[] = [];
  readonly #nextSeq: () => number;

  constructor(nextSeq: () => number) {
    this.#nextSeq = nextSeq;
  }

  /** A deadline: runs once its time has come, at the next request or runDue. */
  deadline(dueMs: number, label: string, run: () => void): void {
    this.#add({ dueMs, seq: this.#nextSeq(), kind: 'deadline', label, run });
  }

  /** Work: runs in the first runDue at or after its time. */
  work(dueMs: number, label: string, run: () => void): void {
    this.#add({ dueMs, seq: this.#nextSeq(), kind: 'work', label, run });
  }

  #add(timer: Timer): void {
    if (this.#timers.length >= TIMERS_MAX) throw new Error(`sandbox scheduler is full (${TIMERS_MAX} timers)`);
    this.#timers.push(timer);
  }

  /** The earliest timer due at or before `nowMs` (deadlines only, unless `includeWork`), removed from the queue; null if none. */
  takeDue(nowMs: number, includeWork: boolean): { dueMs: number; seq: number; run: () => void } | null {
    let best = -1;
    for (let i = 0; i < this.#timers.length; i++) {
      const t = this.#timers[i]!;
      if (t.dueMs > nowMs || (!includeWork && t.kind === 'work')) continue;
      const b = this.#timers[best];
      if (best < 0 || b === undefined || t.dueMs < b.dueMs || (t.dueMs === b.dueMs && t.seq < b.seq)) best = i;
    }
    if (best < 0) return null;
    const [timer] = this.#timers.splice(best, 1);
    return timer ?? null;
  }

  get size(): number {
    return this.#timers.length;
  }
}

// Stand-in for the play-reporting port (the real-name authority's login/logout interface), for
// development and tests: it checks each batch as the authority would (size, field ranges, `pi` for
// real-name users) and keeps what it accepted in memory; tests can make it fail the next calls.
// Reports sent to it reach no authority, so a production start refuses it unless
// FAIRGROUND_ACCEPT_STANDINS names `play-reporting`.
import { createHash } from 'node:crypto';
import type { BehaviourEvent, RealNameReporter, ReportResult } from '../compliance/index.ts';

/** Events per call, as the authority's interface takes. */
const BATCH_MAX = 128;
/** Accepted events kept for inspection; the oldest go first. */
const ACCEPTED_KEPT_MAX = 10_000;

/** A stand-in for the authority's `pi` (its id for a verified person): 38 characters derived from the player id. */
export function sandboxPi(playerId: string): string {
  return createHash('sha256').update(`pi:${playerId}`).digest('hex').slice(0, 38);
}

export class SandboxRealNameReporter implements RealNameReporter {
  readonly name = 'sandbox';
  readonly accepted: BehaviourEvent[] = [];
  #failNext = 0;

  failNext(calls: number): void {
    this.#failNext = calls;
  }

  async report(collections: readonly BehaviourEvent[]): Promise<ReportResult> {
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      return { ok: false, retryable: true, reason: 'SANDBOX_UNAVAILABLE' };
    }
    if (collections.length === 0 || collections.length > BATCH_MAX) return { ok: false, retryable: false, reason: 'BATCH_SIZE' };
    for (const [i, e] of collections.entries()) {
      const bad =
        e.no !== i + 1 ||
        e.si.length === 0 ||
        e.si.length > 32 ||
        (e.bt !== 0 && e.bt !== 1) ||
        !Number.isSafeInteger(e.ot) ||
        (e.ct === 0 && (e.pi === undefined || e.pi.length !== 38)) ||
        (e.ct === 2 && e.di === undefined);
      if (bad) return { ok: false, retryable: false, reason: `EVENT_INVALID:${i + 1}` };
    }
    this.accepted.push(...collections.map((e) => ({ ...e })));
    if (this.accepted.length > ACCEPTED_KEPT_MAX) this.accepted.splice(0, this.accepted.length - ACCEPTED_KEPT_MAX);
    return { ok: true };
  }
}

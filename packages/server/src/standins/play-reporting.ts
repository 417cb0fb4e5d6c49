// Stand-in for the play-reporting port (the real-name authority's login/logout interface), for
// unit tests only: the platform binds the NPPA (or its sandbox peer in development), never this.
// It checks each batch as the authority would (size, numbering, field ranges, a 38-character
// `pi`), keeps what it accepted in memory, and can be told to fail the next calls.
import type { BehaviourEvent, RealNameReporter, ReportOutcome } from '../compliance/index.ts';

/** Events per call, as the authority's interface takes. */
const BATCH_MAX = 128;
/** Accepted events kept for inspection; the oldest go first. */
const ACCEPTED_KEPT_MAX = 10_000;

export class SandboxRealNameReporter implements RealNameReporter {
  readonly batchMax = BATCH_MAX;
  readonly accepted: BehaviourEvent[] = [];
  #failNext = 0;

  failNext(calls: number): void {
    this.#failNext = calls;
  }

  async report(events: readonly BehaviourEvent[]): Promise<ReportOutcome> {
    if (this.#failNext > 0) {
      this.#failNext -= 1;
      return {
        delivered: false,
        code: 'SANDBOX_UNAVAILABLE',
        message: 'the stand-in was told to fail',
        retryable: true,
        mayHaveArrived: false,
      };
    }
    if (events.length === 0 || events.length > BATCH_MAX)
      return { delivered: false, code: 'BATCH_SIZE', message: 'batch of 1..128', retryable: false, mayHaveArrived: false };
    const refused: { no: number; code: string; retryable: boolean }[] = [];
    for (const [i, e] of events.entries()) {
      const bad =
        e.no !== i + 1 ||
        e.si.length === 0 ||
        e.si.length > 32 ||
        (e.bt !== 0 && e.bt !== 1) ||
        !Number.isSafeInteger(e.ot) ||
        e.pi.length !== 38;
      if (bad) refused.push({ no: e.no, code: 'EVENT_INVALID', retryable: false });
      else this.accepted.push({ ...e });
    }
    if (this.accepted.length > ACCEPTED_KEPT_MAX) this.accepted.splice(0, this.accepted.length - ACCEPTED_KEPT_MAX);
    return { delivered: true, accepted: events.filter((e) => !refused.some((r) => r.no === e.no)).map((e) => e.no), refused };
  }
}

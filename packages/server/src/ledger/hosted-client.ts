// The event loop's side of a hosted ledger writer (`hosted.ts`): direct requests are queued and
// sent as one message per group, at most two groups in flight. Requests that arrive while both are
// out wait here and go together as the next group; when an answer comes back, every caller it
// resumes queues its next request in the same turn of the event loop, so they too travel (and
// commit) together instead of trickling across one by one while the thread starts a smaller group.
//
// Two in flight, so the thread need not wait for this side: requests that arrive while a group
// commits go out at once and are next in line there. By default callers that all came back at
// once are not split to make a second group: two half-size commits cost a second fsync, which on a
// busy disk is more than the time this side takes to answer one group and gather the next. With
// `directSplitMin` they are, so that on an idle disk the thread's commit and this side's turn
// overlap (the two halves then alternate).
import { AppError, type Clock, present } from '@fairground/core';
import type { HostedHandler } from '../storage/ports.ts';
import { LedgerErrors } from './errors.ts';
import {
  type DirectRequestInput,
  type DirectStats,
  decodeAnswers,
  encodeGroup,
  type HostedRequest,
  type WireAnswers,
} from './hosted-wire.ts';
import { LEDGER_DEFAULTS, type RequestResult } from './types.ts';

interface Waiting {
  readonly req: DirectRequestInput;
  readonly resolve: (r: RequestResult) => void;
  readonly reject: (e: unknown) => void;
}

/** Groups in flight at once: one committing, one waiting behind it. */
const IN_FLIGHT_MAX = 2;

export class HostedLedgerClient {
  readonly #hosted: HostedHandler;
  readonly #clock: Clock;
  readonly #queue: Waiting[] = [];
  #inFlight = 0;
  #scheduled = false;
  /** See `LedgerOptions.directSplitMin`; null: never split. */
  readonly #splitMin: number | null;

  constructor(hosted: HostedHandler, clock: Clock, splitMin: number | null = null) {
    if (splitMin !== null && (!Number.isSafeInteger(splitMin) || splitMin < 2))
      throw new Error('directSplitMin must be an integer of at least 2');
    this.#hosted = hosted;
    this.#clock = clock;
    this.#splitMin = splitMin;
  }

  submit(req: DirectRequestInput): Promise<RequestResult> {
    if (this.#queue.length >= LEDGER_DEFAULTS.directQueueMax) return Promise.reject(new AppError(LedgerErrors.LEDGER_BUSY));
    return new Promise<RequestResult>((resolve, reject) => {
      this.#queue.push({ req, resolve, reject });
      this.#schedule();
    });
  }

  /** The hosted writer's counters (direct groups, requests, transfers). */
  stats(): Promise<DirectStats> {
    return this.#hosted.call({ kind: 'stats' } satisfies HostedRequest, this.#clock.nowMs()) as Promise<DirectStats>;
  }

  #schedule(): void {
    if (this.#inFlight >= IN_FLIGHT_MAX || this.#scheduled) return;
    // At the end of this turn of the event loop: every request queued in it goes in one message.
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.#send();
    });
  }

  #send(): void {
    while (this.#inFlight < IN_FLIGHT_MAX && this.#queue.length > 0) {
      const waiting = this.#queue.length;
      const split = this.#splitMin !== null && this.#inFlight === 0 && waiting >= this.#splitMin;
      this.#sendGroup(this.#queue.splice(0, Math.min(split ? Math.ceil(waiting / 2) : waiting, LEDGER_DEFAULTS.directBatchMax)));
    }
  }

  #sendGroup(group: Waiting[]): void {
    this.#inFlight += 1;
    let sent: Promise<unknown>;
    try {
      sent = this.#hosted.call(
        { kind: 'group', requests: encodeGroup(group.map((w) => w.req)) } satisfies HostedRequest,
        this.#clock.nowMs(),
      );
    } catch (e) {
      sent = Promise.reject(e);
    }
    sent.then(
      (outcomes) => {
        this.#inFlight -= 1;
        let list: ReturnType<typeof decodeAnswers>;
        try {
          list = decodeAnswers(outcomes as WireAnswers, group.length);
        } catch (e) {
          for (const w of group) w.reject(e);
          if (this.#queue.length > 0) this.#schedule();
          return;
        }
        for (let i = 0; i < group.length; i += 1) {
          const waiter = present(group[i], 'a waiter for every outcome');
          const o = present(list[i], 'an outcome for every request');
          if (o.ok) waiter.resolve(o.value);
          else waiter.reject(o.error);
        }
        if (this.#queue.length > 0) this.#schedule();
      },
      (error) => {
        // The message could not be sent (a request that cannot be copied) or the thread died with
        // the group in flight: none of these requests was acknowledged.
        this.#inFlight -= 1;
        for (const w of group) w.reject(error);
        if (this.#queue.length > 0) this.#schedule();
      },
    );
  }
}

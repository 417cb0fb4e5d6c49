// A circuit breaker in front of the provider. When WeChat Pay fails several times in a row, new
// deposits and withdrawals are refused at once with PAYMENT_PROVIDER_UNAVAILABLE instead of each
// waiting for its own timeout and piling up; after a pause one trial call goes through, and the
// first success closes the breaker again. Work already decided (the outbox, queries) is not
// refused: it waits for the pause to end and then runs, so the breaker delays it but never drops it.
import type { Clock } from '@fairground/core';
import { BREAKER_FAILURES_TO_OPEN, BREAKER_OPEN_MS } from './limits.ts';

export type BreakerState = 'closed' | 'open' | 'half_open';

export class CircuitBreaker {
  readonly #clock: Clock;
  readonly #failuresToOpen: number;
  readonly #openMs: number;
  #failures = 0;
  #openedAtMs: number | null = null;
  #trialInFlight = false;

  constructor(clock: Clock, options: { failuresToOpen?: number; openMs?: number } = {}) {
    this.#clock = clock;
    this.#failuresToOpen = options.failuresToOpen ?? BREAKER_FAILURES_TO_OPEN;
    this.#openMs = options.openMs ?? BREAKER_OPEN_MS;
  }

  get state(): BreakerState {
    if (this.#openedAtMs === null) return 'closed';
    return this.#clock.nowMs() - this.#openedAtMs >= this.#openMs ? 'half_open' : 'open';
  }

  /** When the pause ends (for the client's retry hint), or null when closed. */
  get retryAtMs(): number | null {
    return this.#openedAtMs === null ? null : this.#openedAtMs + this.#openMs;
  }

  /** True if a call may go out now. In half-open state only one trial at a time. */
  allow(): boolean {
    const s = this.state;
    if (s === 'closed') return true;
    if (s === 'open' || this.#trialInFlight) return false;
    this.#trialInFlight = true;
    return true;
  }

  success(): void {
    this.#failures = 0;
    this.#openedAtMs = null;
    this.#trialInFlight = false;
  }

  /** A failure that says the provider is unwell (timeouts, 5xx, unverifiable answers) — not a refusal of our request. */
  failure(): void {
    this.#trialInFlight = false;
    this.#failures += 1;
    if (this.#openedAtMs !== null || this.#failures >= this.#failuresToOpen) this.#openedAtMs = this.#clock.nowMs();
  }

  /** A call that ended without telling us about the provider's health (refused by our own checks). */
  release(): void {
    this.#trialInFlight = false;
  }
}

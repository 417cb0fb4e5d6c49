// A circuit breaker for calls to an outside dependency (WeChat Pay, the identity provider, the
// notary, Redis). After `failuresMax` failures within `windowMs` it opens: calls fail at once
// with BREAKER_OPEN (a clear, retryable answer for the player) instead of piling up behind a
// dependency that is down. After `openMs` one trial call is let through (half-open); its success
// closes the breaker, its failure opens it again. Every call also has a timeout.
import { AppError, type Clock, defineErrors, systemClock } from '@fairground/core';

export const OpsErrors = defineErrors('ops', {
  BREAKER_OPEN: { status: 503, message: 'this service is temporarily unavailable; please try again in a minute', retryable: true },
  DEPENDENCY_TIMEOUT: { status: 504, message: 'an outside service did not answer in time', retryable: true },
  NODE_DRAINING: { status: 503, message: 'this server is restarting; please try again', retryable: true },
  METRICS_TOKEN_REQUIRED: {
    status: 401,
    message: 'metrics are for the monitoring system: send Authorization: Bearer <FAIRGROUND_METRICS_TOKEN>',
  },
});

export type BreakerState = 'closed' | 'open' | 'half-open';

export interface BreakerOptions {
  readonly name: string;
  readonly failuresMax?: number;
  readonly windowMs?: number;
  readonly openMs?: number;
  readonly callTimeoutMs?: number;
  readonly clock?: Clock;
  /** Whether an error counts against the dependency (default: every error except an AppError with status < 500). */
  readonly isFailure?: (error: unknown) => boolean;
  readonly onStateChange?: (name: string, state: BreakerState) => void;
}

export class CircuitBreaker {
  readonly name: string;
  readonly #failuresMax: number;
  readonly #windowMs: number;
  readonly #openMs: number;
  readonly #callTimeoutMs: number;
  readonly #clock: Clock;
  readonly #isFailure: (error: unknown) => boolean;
  readonly #onStateChange: ((name: string, state: BreakerState) => void) | undefined;
  #failures: number[] = [];
  #state: BreakerState = 'closed';
  #openedAtMs = 0;
  #trialInFlight = false;

  constructor(o: BreakerOptions) {
    this.name = o.name;
    this.#failuresMax = o.failuresMax ?? 5;
    this.#windowMs = o.windowMs ?? 30_000;
    this.#openMs = o.openMs ?? 30_000;
    this.#callTimeoutMs = o.callTimeoutMs ?? 10_000;
    this.#clock = o.clock ?? systemClock;
    this.#isFailure = o.isFailure ?? ((e) => !(e instanceof AppError && e.status < 500));
    this.#onStateChange = o.onStateChange;
  }

  get state(): BreakerState {
    if (this.#state === 'open' && this.#clock.nowMs() - this.#openedAtMs >= this.#openMs) return 'half-open';
    return this.#state;
  }

  /** Runs `fn` through the breaker with a timeout. `fn` receives an AbortSignal that fires at the timeout. */
  async call<T>(fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
    const state = this.state;
    if (state === 'open' || (state === 'half-open' && this.#trialInFlight)) {
      throw new AppError(OpsErrors.BREAKER_OPEN, { dependency: this.name });
    }
    const trial = state === 'half-open';
    if (trial) this.#trialInFlight = true;
    const controller = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    try {
      const result = await Promise.race([
        fn(controller.signal),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => {
            controller.abort();
            reject(new AppError(OpsErrors.DEPENDENCY_TIMEOUT, { dependency: this.name, timeoutMs: this.#callTimeoutMs }));
          }, this.#callTimeoutMs);
          timer.unref();
        }),
      ]);
      this.#success();
      return result;
    } catch (e) {
      if (this.#isFailure(e)) this.#failure(trial);
      else if (trial) this.#success();
      throw e;
    } finally {
      if (timer) clearTimeout(timer);
      if (trial) this.#trialInFlight = false;
    }
  }

  /** Closes the breaker on outside evidence that the dependency is back (a connection that just became ready). */
  reset(): void {
    this.#success();
  }

  #success(): void {
    this.#failures = [];
    this.#set('closed');
  }

  #failure(trial: boolean): void {
    const now = this.#clock.nowMs();
    if (trial) {
      this.#open(now);
      return;
    }
    this.#failures = this.#failures.filter((t) => now - t < this.#windowMs);
    this.#failures.push(now);
    if (this.#failures.length >= this.#failuresMax) this.#open(now);
  }

  #open(now: number): void {
    this.#openedAtMs = now;
    this.#failures = [];
    this.#set('open');
  }

  #set(state: BreakerState): void {
    if (this.#state !== state) {
      this.#state = state;
      this.#onStateChange?.(this.name, state);
    }
  }
}

// Circuit breakers and timeouts in front of the outside services other than WeChat Pay (which has
// its own in payments/): WeChat sign-in (the identity provider), the real-name authority (KYC),
// the notary that attests hand-history chains, and the face check some rooms ask for. While a
// breaker is open, calls fail at once with the domain's own "unavailable" code and a message that
// tells the player what is down and when to try again, instead of hanging on a dead service.
import { AppError, type Clock, type ErrorDef } from '@fairground/core';
import { AccountsErrors, type IdentityProvider, type RealNameAnswer, type RealNameAuthority } from '../accounts/index.ts';
import { type BreakerState, CircuitBreaker, OpsErrors } from '../ops/breaker.ts';
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { TimestampAuthority } from '../notary/index.ts';
import type { IdentityCheck } from '../rooms/index.ts';

export interface DependencyBreakers {
  readonly identity: CircuitBreaker;
  readonly kyc: CircuitBreaker;
  readonly notary: CircuitBreaker;
  readonly faceCheck: CircuitBreaker;
}

export interface BreakerSettings {
  readonly clock?: Clock;
  readonly onStateChange?: (name: string, state: BreakerState) => void;
}

export function createDependencyBreakers(o: BreakerSettings = {}): DependencyBreakers {
  const make = (name: string, callTimeoutMs: number) =>
    new CircuitBreaker({
      name,
      failuresMax: 5,
      windowMs: 30_000,
      openMs: 30_000,
      callTimeoutMs,
      ...(o.clock ? { clock: o.clock } : {}),
      ...(o.onStateChange ? { onStateChange: o.onStateChange } : {}),
    });
  return {
    identity: make('wechat-login', 5_000),
    kyc: make('real-name', 10_000),
    notary: make('notary', 10_000),
    faceCheck: make('face-check', 10_000),
  };
}

/** Runs `fn` through the breaker; an open breaker or a timeout becomes `def` with `message`. */
async function guarded<T>(breaker: CircuitBreaker, def: ErrorDef, message: string, fn: () => Promise<T>): Promise<T> {
  try {
    return await breaker.call(() => fn());
  } catch (e) {
    if (e instanceof AppError && (e.code === OpsErrors.BREAKER_OPEN.code || e.code === OpsErrors.DEPENDENCY_TIMEOUT.code)) {
      throw new AppError(def, { dependency: breaker.name, reason: e.code }, message);
    }
    throw e;
  }
}

export function guardIdentityProvider(p: IdentityProvider, breaker: CircuitBreaker): IdentityProvider {
  return {
    exchangeCode: (kind, code) =>
      guarded(
        breaker,
        AccountsErrors.IDENTITY_PROVIDER_UNAVAILABLE,
        'WeChat sign-in is not answering right now; please try again in a minute',
        () => p.exchangeCode(kind, code),
      ),
  };
}

/** An answer that counts against the breaker (the authority did not answer) while still being returned as a value. */
class Unanswered extends Error {
  readonly answer: RealNameAnswer;
  constructor(answer: RealNameAnswer) {
    super('the real-name authority did not answer');
    this.answer = answer;
  }
}

/**
 * The real-name check behind its breaker: an authority that does not answer opens it, and while it
 * is open checks and queries answer `unavailable` at once (the attempt waits and is queried later).
 */
export function guardRealNameAuthority(p: RealNameAuthority, breaker: CircuitBreaker): RealNameAuthority {
  const through = async (call: () => Promise<RealNameAnswer>, sent: boolean): Promise<RealNameAnswer> => {
    try {
      return await breaker.call(async () => {
        const answer = await call();
        if (answer.status === 'unavailable' && !answer.operatorFault) throw new Unanswered(answer);
        return answer;
      });
    } catch (e) {
      if (e instanceof Unanswered) return e.answer;
      if (e instanceof AppError && (e.code === OpsErrors.BREAKER_OPEN.code || e.code === OpsErrors.DEPENDENCY_TIMEOUT.code)) {
        return {
          status: 'unavailable',
          code: AccountsErrors.KYC_PROVIDER_UNAVAILABLE.code,
          message: `${breaker.name}: ${e.code}`,
          // A call cut off by the deadline may have reached the authority; an open breaker sent nothing.
          mayHaveArrived: sent && e.code === OpsErrors.DEPENDENCY_TIMEOUT.code,
          operatorFault: false,
        };
      }
      throw e;
    }
  };
  return {
    name: p.name,
    check: (attemptId, doc) => through(() => p.check(attemptId, doc), true),
    query: (attemptId) => through(() => p.query(attemptId), false),
  };
}

/** Time-stamp requests are background work (roots wait and are asked again), so an open breaker only delays attestation. */
export function guardTimestampAuthority(a: TimestampAuthority, breaker: CircuitBreaker): TimestampAuthority {
  const message = 'the time-stamping authority is not answering right now; hands are queued and attested when it returns';
  return {
    url: a.url,
    chainPem: a.chainPem,
    trustAnchorsPem: a.trustAnchorsPem,
    timestamp: (digest) => guarded(breaker, OpsErrors.BREAKER_OPEN, message, () => a.timestamp(digest)),
  };
}

export function guardIdentityCheck(c: IdentityCheck, breaker: CircuitBreaker): IdentityCheck {
  return {
    verify: (playerId, ticket) =>
      guarded(
        breaker,
        OpsErrors.BREAKER_OPEN,
        'the identity check is not answering right now; the table waits — please try again in a minute',
        () => c.verify(playerId, ticket),
      ),
  };
}

/** One gauge per breaker: 0 closed, 1 half-open, 2 open. */
export function registerBreakerMetrics(metrics: MetricsRegistry, breakers: readonly CircuitBreaker[]): void {
  const gauge = metrics.gauge('fg_dependency_breaker_state', 'circuit breaker per outside dependency: 0 closed, 1 half-open, 2 open');
  metrics.onCollect(async () => {
    for (const b of breakers) gauge.set(b.state === 'closed' ? 0 : b.state === 'half-open' ? 1 : 2, { dependency: b.name });
  });
}

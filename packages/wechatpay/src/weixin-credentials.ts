// Keeps one credential (the app's access_token, or the JS-SDK jsapi_ticket) fresh in a TokenCache
// that several server nodes may share:
// - a caller gets the cached value while it has more than the refresh margin left;
// - otherwise one caller refreshes: inside a process concurrent callers share one promise, across
//   processes the cache's lock lets one node refresh while the others wait for its result;
// - a refresh that fails while the old value is still valid hands out the old value;
// - a value WeChat rejected (40001/42001) is replaced once, and never handed out again.
import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '@fairground/core';
import { WechatPayError, WechatPayErrors } from './errors.ts';
import type { CachedCredential, TokenCache } from './token-cache.ts';

/** What a refresh returns: the new value and its lifetime as WeChat stated it. */
export interface FetchedCredential {
  readonly value: string;
  readonly expiresInSeconds: number;
}

/** Fetches a new value; `force` asks WeChat to replace the current one even if it is still valid. */
export type CredentialFetcher = (force: boolean) => Promise<FetchedCredential>;

export interface CredentialKeeperOptions {
  readonly cache: TokenCache;
  readonly clock: Clock;
  /** Refresh once less than this is left of the value's life. */
  readonly refreshMarginMs: number;
  /** How long a refresh may hold the cache's lock (the HTTP deadline plus slack). */
  readonly lockLeaseMs: number;
  /** How often a caller that waits for another node's refresh looks at the cache (real time). */
  readonly pollIntervalMs: number;
}

/** Rounds of "try the lock, else wait for whoever holds it" before a caller gives up. */
export const REFRESH_ROUNDS_MAX = 3;
/**
 * A value obtained less than this long ago is used even inside the refresh margin: WeChat hands
 * out the current token again until it enters its last five minutes, and refreshing on every
 * call would hammer the endpoint.
 */
export const JUST_OBTAINED_MS = 30_000;
/** A value with less than this left is never handed out, not even when a refresh failed. */
export const VALIDITY_FLOOR_MS = 30_000;
/** The longest life we believe: WeChat documents "7200 s or less"; more is a malformed answer. */
export const CREDENTIAL_LIFE_SECONDS_MAX = 86_400;

export class CredentialKeeper {
  readonly #o: CredentialKeeperOptions;
  readonly #inFlight = new Map<string, Promise<string>>();

  constructor(options: CredentialKeeperOptions) {
    if (options.refreshMarginMs < VALIDITY_FLOOR_MS) throw new Error('refreshMarginMs must be at least the validity floor');
    if (options.pollIntervalMs < 1 || options.lockLeaseMs < options.pollIntervalMs) throw new Error('bad lock timing');
    this.#o = options;
  }

  #fresh(c: CachedCredential, nowMs: number, rejected: string | undefined): boolean {
    if (c.value === rejected) return false;
    const leftMs = c.expiresAtMs - nowMs;
    if (leftMs > this.#o.refreshMarginMs) return true;
    return nowMs - c.obtainedAtMs < JUST_OBTAINED_MS && leftMs > VALIDITY_FLOOR_MS;
  }

  /** The current value of `key`, refreshed first if it is missing or about to expire. */
  async current(key: string, fetch: CredentialFetcher): Promise<string> {
    const cached = await this.#o.cache.get(key);
    if (cached !== undefined && this.#fresh(cached, this.#o.clock.nowMs(), undefined)) return cached.value;
    try {
      return await this.#shared(key, () => this.#refresh(key, fetch, undefined, false));
    } catch (e) {
      // WeChat keeps an old token valid through the handover, so a failed early refresh is not
      // yet a failure for the caller.
      if (cached !== undefined && cached.expiresAtMs - this.#o.clock.nowMs() > VALIDITY_FLOOR_MS) return cached.value;
      throw e;
    }
  }

  /**
   * A replacement for `rejected`, which WeChat refused. If another caller or node already
   * replaced it, that value is used and WeChat is not asked again; otherwise one refresh runs,
   * forced when `force` (so that WeChat retires the rejected token).
   */
  replace(key: string, rejected: string, force: boolean, fetch: CredentialFetcher): Promise<string> {
    return this.#shared(`${key}\u0000${rejected}`, () => this.#refresh(key, fetch, rejected, force));
  }

  #shared(flightKey: string, run: () => Promise<string>): Promise<string> {
    let p = this.#inFlight.get(flightKey);
    if (p === undefined) {
      p = run().finally(() => this.#inFlight.delete(flightKey));
      this.#inFlight.set(flightKey, p);
    }
    return p;
  }

  async #refresh(key: string, fetch: CredentialFetcher, rejected: string | undefined, force: boolean): Promise<string> {
    const { cache, clock } = this.#o;
    const lockKey = `${key}:lock`;
    const pollsMax = Math.ceil(this.#o.lockLeaseMs / this.#o.pollIntervalMs);
    for (let round = 0; round < REFRESH_ROUNDS_MAX; round++) {
      const lockId = await cache.tryLock(lockKey, this.#o.lockLeaseMs);
      if (lockId !== undefined) {
        try {
          // Another node may have refreshed between our look and the lock.
          const seen = await cache.get(key);
          if (seen !== undefined && this.#fresh(seen, clock.nowMs(), rejected)) return seen.value;
          const askedAtMs = clock.nowMs();
          const got = await fetch(force);
          if (
            !Number.isSafeInteger(got.expiresInSeconds) ||
            got.expiresInSeconds < 1 ||
            got.expiresInSeconds > CREDENTIAL_LIFE_SECONDS_MAX
          ) {
            throw new WechatPayError(WechatPayErrors.WECHATPAY_BAD_RESPONSE, {
              kind: 'bad-response',
              retrySameRequest: true,
              outcomeUnknown: false,
              details: { reason: 'expires_in out of range', expiresInSeconds: got.expiresInSeconds },
            });
          }
          const credential: CachedCredential = {
            value: got.value,
            expiresAtMs: askedAtMs + got.expiresInSeconds * 1000,
            obtainedAtMs: askedAtMs,
            forced: force,
          };
          await cache.set(key, credential);
          return credential.value;
        } finally {
          await cache.unlock(lockKey, lockId);
        }
      }
      // Someone else refreshes: wait for their value rather than asking WeChat a second time.
      for (let poll = 0; poll < pollsMax; poll++) {
        await sleep(this.#o.pollIntervalMs);
        const seen = await cache.get(key);
        if (seen !== undefined && this.#fresh(seen, clock.nowMs(), rejected)) return seen.value;
      }
    }
    throw new WechatPayError(WechatPayErrors.WECHATPAY_TIMEOUT, {
      kind: 'timeout',
      retrySameRequest: true,
      outcomeUnknown: false,
      details: { reason: 'another holder of the refresh lock produced no fresh credential', key },
    });
  }
}

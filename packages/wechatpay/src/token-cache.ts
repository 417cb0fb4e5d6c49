// Where the app's access_token and jsapi_ticket live between calls. WeChat asks for one central
// store ("中控服务器") so that every server node uses the same token and only one of them refreshes
// it (getStableAccessToken and getAccessToken pages, developers.weixin.qq.com, read through a
// verbatim copy in handsomegyr's weixin PHP SDK, Weixin/Token/Server.php). This interface is that
// store: the in-memory implementation here serves one process; the server plugs in a shared one
// (Redis or the database) so every node sees the same token and the same refresh lock.
import { randomBytes } from 'node:crypto';
import { type Clock, systemClock } from '@fairground/core';

/** A credential as the cache keeps it. Times are milliseconds since the Unix epoch. */
export interface CachedCredential {
  readonly value: string;
  /** When WeChat stops accepting it: the moment it was requested plus `expires_in`. */
  readonly expiresAtMs: number;
  /** When it was obtained (the moment the request was sent). */
  readonly obtainedAtMs: number;
  /** True when it came from a forced refresh (`force_refresh: true`). */
  readonly forced: boolean;
}

/**
 * A shared store of credentials with a lock that lets one holder at a time refresh a key.
 *
 * Implementations must make `tryLock` atomic across every process that shares the cache (Redis:
 * `SET lockKey id NX PX leaseMs`; `unlock`: delete only if the value is still `id`). A lock whose
 * lease ran out is free again, so a node that dies while refreshing blocks the others for at most
 * `leaseMs`.
 */
export interface TokenCache {
  get(key: string): Promise<CachedCredential | undefined>;
  /** Stores the credential; an implementation may drop it once `expiresAtMs` has passed. */
  set(key: string, credential: CachedCredential): Promise<void>;
  /** Takes the refresh lock of `key` for at most `leaseMs`; returns the lock's id, or undefined when another holder has it. */
  tryLock(key: string, leaseMs: number): Promise<string | undefined>;
  /** Releases the lock if `lockId` still holds it (after its lease ran out it may belong to someone else). */
  unlock(key: string, lockId: string): Promise<void>;
}

/** Keys one in-memory cache holds: a few per app (access_token, jsapi_ticket). */
export const TOKEN_CACHE_ENTRIES_MAX = 1024;
/** The longest lease a refresh lock may ask for. */
export const TOKEN_LOCK_LEASE_MS_MAX = 120_000;

export function checkCredential(c: CachedCredential): void {
  if (typeof c.value !== 'string' || c.value.length === 0) throw new Error('a cached credential needs a value');
  if (!Number.isSafeInteger(c.expiresAtMs) || !Number.isSafeInteger(c.obtainedAtMs) || c.expiresAtMs <= c.obtainedAtMs) {
    throw new Error('a cached credential needs integer obtainedAtMs < expiresAtMs');
  }
}

/** One process's cache: right for a single node and for tests; several nodes need a shared implementation. */
export class InMemoryTokenCache implements TokenCache {
  readonly #clock: Clock;
  readonly #entries = new Map<string, CachedCredential>();
  readonly #locks = new Map<string, { id: string; untilMs: number }>();

  constructor(options: { readonly clock?: Clock } = {}) {
    this.#clock = options.clock ?? systemClock;
  }

  async get(key: string): Promise<CachedCredential | undefined> {
    const c = this.#entries.get(key);
    if (c !== undefined && c.expiresAtMs <= this.#clock.nowMs()) {
      this.#entries.delete(key);
      return undefined;
    }
    return c;
  }

  async set(key: string, credential: CachedCredential): Promise<void> {
    checkCredential(credential);
    this.#entries.delete(key);
    if (this.#entries.size >= TOKEN_CACHE_ENTRIES_MAX) {
      const nowMs = this.#clock.nowMs();
      for (const [k, v] of this.#entries) if (v.expiresAtMs <= nowMs) this.#entries.delete(k);
      // Still full: the oldest entry goes (a Map iterates in insertion order).
      const oldest = this.#entries.keys().next();
      if (this.#entries.size >= TOKEN_CACHE_ENTRIES_MAX && !oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(key, credential);
  }

  async tryLock(key: string, leaseMs: number): Promise<string | undefined> {
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1 || leaseMs > TOKEN_LOCK_LEASE_MS_MAX) {
      throw new RangeError(`leaseMs must be 1..${TOKEN_LOCK_LEASE_MS_MAX}`);
    }
    const nowMs = this.#clock.nowMs();
    const held = this.#locks.get(key);
    if (held !== undefined && held.untilMs > nowMs) return undefined;
    if (held === undefined && this.#locks.size >= TOKEN_CACHE_ENTRIES_MAX) {
      for (const [k, v] of this.#locks) if (v.untilMs <= nowMs) this.#locks.delete(k);
      if (this.#locks.size >= TOKEN_CACHE_ENTRIES_MAX) throw new Error('too many refresh locks held at once');
    }
    const id = randomBytes(12).toString('base64url');
    this.#locks.set(key, { id, untilMs: nowMs + leaseMs });
    return id;
  }

  async unlock(key: string, lockId: string): Promise<void> {
    if (this.#locks.get(key)?.id === lockId) this.#locks.delete(key);
  }
}

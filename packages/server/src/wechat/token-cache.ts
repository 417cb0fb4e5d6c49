// The WeChat apps' access_token and jsapi_ticket, shared by every node through the database.
//
// WeChat wants one central store of the token (中控服务器): nodes that each fetched their own would
// retire each other's tokens. The database is that store because every deployment has one that
// every node shares — SQLite for one process, PostgreSQL for a cluster — while Redis exists only in
// clustered set-ups. A read is one indexed row, once per token lifetime per node in the common case
// (the WeixinClient asks the cache on each call; the row is tiny). Values are sealed with the data
// key (AES-256-GCM bound to the cache key), so a database dump does not hand out a working token.
//
// The refresh lock is a row with a lease: `tryLock` inserts it, or takes it over only when the
// previous lease has run out, in one statement, so two nodes can never both hold it.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { type CachedCredential, checkCredential, TOKEN_LOCK_LEASE_MS_MAX, type TokenCache } from '@fairground/wechatpay';
import type { Sealer } from '../accounts/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';

/** Cache keys are the client's (`weixin:v1:<appid>:access_token`); anything longer is a programmer error. */
const KEY_CHARS_MAX = 200;

function checkKey(key: string): void {
  if (key.length === 0 || key.length > KEY_CHARS_MAX) throw new RangeError(`token cache key must be 1..${KEY_CHARS_MAX} characters`);
}

export class StoreTokenCache implements TokenCache {
  readonly #store: Store;
  readonly #sealer: Sealer;
  readonly #clock: Clock;

  constructor(o: { readonly store: Store; readonly sealer: Sealer; readonly clock: Clock }) {
    this.#store = o.store;
    this.#sealer = o.sealer;
    this.#clock = o.clock;
  }

  async get(key: string): Promise<CachedCredential | undefined> {
    checkKey(key);
    const rows = await this.#store.reader.query<{ sealed: string; expires_at_ms: unknown; obtained_at_ms: unknown; forced: unknown }>(
      'SELECT sealed, expires_at_ms, obtained_at_ms, forced FROM wechat_credentials WHERE cache_key = ?',
      [key],
    );
    const r = rows[0];
    if (r === undefined) return undefined;
    const expiresAtMs = intFromDb(r.expires_at_ms);
    if (expiresAtMs <= this.#clock.nowMs()) return undefined;
    let value: string;
    try {
      value = this.#sealer.open(r.sealed, key);
    } catch {
      // Sealed under another data key (the key was rotated): a stale cache entry, fetched afresh.
      return undefined;
    }
    return {
      value,
      expiresAtMs,
      obtainedAtMs: intFromDb(r.obtained_at_ms),
      forced: intFromDb(r.forced) === 1,
    };
  }

  async set(key: string, credential: CachedCredential): Promise<void> {
    checkKey(key);
    checkCredential(credential);
    const sealed = this.#sealer.seal(credential.value, key);
    await this.#store.unitOfWork(
      (tx) =>
        tx.run(
          `INSERT INTO wechat_credentials (cache_key, sealed, expires_at_ms, obtained_at_ms, forced) VALUES (?, ?, ?, ?, ?)
           ON CONFLICT (cache_key) DO UPDATE SET sealed = excluded.sealed, expires_at_ms = excluded.expires_at_ms,
             obtained_at_ms = excluded.obtained_at_ms, forced = excluded.forced`,
          [key, sealed, credential.expiresAtMs, credential.obtainedAtMs, credential.forced ? 1 : 0],
        ),
      { label: 'wechat.tokenCache.set' },
    );
  }

  async tryLock(key: string, leaseMs: number): Promise<string | undefined> {
    checkKey(key);
    if (!Number.isSafeInteger(leaseMs) || leaseMs < 1 || leaseMs > TOKEN_LOCK_LEASE_MS_MAX) {
      throw new RangeError(`leaseMs must be 1..${TOKEN_LOCK_LEASE_MS_MAX}`);
    }
    const nowMs = this.#clock.nowMs();
    const id = randomBytes(12).toString('base64url');
    // One statement: a free key is inserted, a held one is taken over only if its lease ran out.
    const changed = await this.#store.unitOfWork(
      (tx) =>
        tx.run(
          `INSERT INTO wechat_credential_locks (lock_key, lock_id, until_ms) VALUES (?, ?, ?)
           ON CONFLICT (lock_key) DO UPDATE SET lock_id = excluded.lock_id, until_ms = excluded.until_ms
           WHERE wechat_credential_locks.until_ms <= ?`,
          [key, id, nowMs + leaseMs, nowMs],
        ),
      { label: 'wechat.tokenCache.lock' },
    );
    return changed === 1 ? id : undefined;
  }

  async unlock(key: string, lockId: string): Promise<void> {
    checkKey(key);
    await this.#store.unitOfWork((tx) => tx.run('DELETE FROM wechat_credential_locks WHERE lock_key = ? AND lock_id = ?', [key, lockId]), {
      label: 'wechat.tokenCache.unlock',
    });
  }
}

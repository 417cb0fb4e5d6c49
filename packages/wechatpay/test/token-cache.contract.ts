// The TokenCache contract: every cache the server plugs in (in memory, Redis, the database) must
// pass it. Import it from '@fairground/wechatpay/token-cache-contract' in that cache's tests:
//   tokenCacheContract('redis', (clock) => new RedisTokenCache(redis, { clock }));
// The clock is a ManualClock the suite moves; a cache must read time only from it.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import type { TokenCache } from '../src/index.ts';

/** Runs the contract against a cache made by `make` on `clock`. */
export function tokenCacheContract(name: string, make: (clock: ManualClock) => TokenCache | Promise<TokenCache>): void {
  describe(`TokenCache contract: ${name}`, () => {
    it('stores a credential until it expires', async () => {
      const clock = new ManualClock(1_000_000);
      const cache = await make(clock);
      assert.equal(await cache.get('k'), undefined);
      const c = { value: 'v1', expiresAtMs: 1_000_000 + 60_000, obtainedAtMs: 1_000_000, forced: false };
      await cache.set('k', c);
      assert.deepEqual(await cache.get('k'), c);
      clock.advanceMs(60_000);
      assert.equal(await cache.get('k'), undefined);
    });

    it('gives the lock to one holder at a time, frees it on unlock or when its lease ends', async () => {
      const clock = new ManualClock(1_000_000);
      const cache = await make(clock);
      const a = await cache.tryLock('k:lock', 10_000);
      assert.equal(typeof a, 'string');
      assert.equal(await cache.tryLock('k:lock', 10_000), undefined);
      await cache.unlock('k:lock', 'not-the-id');
      assert.equal(await cache.tryLock('k:lock', 10_000), undefined, 'only the holder unlocks');
      await cache.unlock('k:lock', a as string);
      const b = await cache.tryLock('k:lock', 10_000);
      assert.equal(typeof b, 'string');
      clock.advanceMs(10_000);
      const c = await cache.tryLock('k:lock', 10_000);
      assert.equal(typeof c, 'string', 'a lease that ran out is free');
      await cache.unlock('k:lock', b as string);
      assert.equal(await cache.tryLock('k:lock', 10_000), undefined, 'the old holder cannot unlock the new one');
    });

    it('refuses credentials that make no sense', async () => {
      const cache = await make(new ManualClock(1_000_000));
      await assert.rejects(cache.set('k', { value: '', expiresAtMs: 2, obtainedAtMs: 1, forced: false }));
      await assert.rejects(cache.set('k', { value: 'v', expiresAtMs: 1, obtainedAtMs: 1, forced: false }));
    });
  });
}

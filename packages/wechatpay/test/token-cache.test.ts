// The TokenCache contract on the in-memory cache (token-cache.contract.ts) and the
// CredentialKeeper's rules, on a scripted fetcher: one refresh for many callers, the old value
// while a refresh fails, never a value WeChat rejected.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CredentialKeeper, type FetchedCredential, InMemoryTokenCache } from '../src/index.ts';
import { tokenCacheContract } from './token-cache.contract.ts';

tokenCacheContract('InMemoryTokenCache', (clock) => new InMemoryTokenCache({ clock }));

describe('CredentialKeeper', () => {
  function setup() {
    const clock = new ManualClock(1_000_000);
    const cache = new InMemoryTokenCache({ clock });
    const keeper = new CredentialKeeper({ cache, clock, refreshMarginMs: 240_000, lockLeaseMs: 1_000, pollIntervalMs: 5 });
    let calls = 0;
    const forced: boolean[] = [];
    let fail = false;
    const fetcher = async (force: boolean): Promise<FetchedCredential> => {
      calls += 1;
      forced.push(force);
      await new Promise((resolve) => setTimeout(resolve, 5));
      if (fail) throw new Error('WeChat is down');
      return { value: `T${calls}`, expiresInSeconds: 7200 };
    };
    return {
      clock,
      keeper,
      fetcher,
      calls: () => calls,
      forced,
      setFail: (f: boolean) => {
        fail = f;
      },
    };
  }

  it('refreshes once for many concurrent callers, and not again while the value is fresh', async () => {
    const s = setup();
    const values = await Promise.all(Array.from({ length: 30 }, () => s.keeper.current('k', s.fetcher)));
    assert.deepEqual(new Set(values), new Set(['T1']));
    s.clock.advanceMs(7200_000 - 240_001);
    assert.equal(await s.keeper.current('k', s.fetcher), 'T1');
    assert.equal(s.calls(), 1);
    s.clock.advanceMs(2);
    assert.equal(await s.keeper.current('k', s.fetcher), 'T2');
  });

  it('hands out the old value while it is valid and the refresh fails, never after it expired', async () => {
    const s = setup();
    await s.keeper.current('k', s.fetcher);
    s.clock.advanceMs(7200_000 - 60_000);
    s.setFail(true);
    assert.equal(await s.keeper.current('k', s.fetcher), 'T1');
    s.clock.advanceMs(60_000);
    await assert.rejects(s.keeper.current('k', s.fetcher), /WeChat is down/);
  });

  it('replaces a rejected value once, forced only when asked, and never hands the rejected value out again', async () => {
    const s = setup();
    const t1 = await s.keeper.current('k', s.fetcher);
    const replaced = await Promise.all(Array.from({ length: 10 }, () => s.keeper.replace('k', t1, true, s.fetcher)));
    assert.deepEqual(new Set(replaced), new Set(['T2']));
    assert.deepEqual(s.forced, [false, true]);
    // A late caller that also saw T1 rejected takes T2 without asking WeChat again.
    assert.equal(await s.keeper.replace('k', t1, true, s.fetcher), 'T2');
    assert.equal(s.calls(), 2);
  });
});

describe('WeixinClient token timing', () => {
  it('accepts the longest allowed deadline (the refresh lock lease is capped)', async () => {
    const { WeixinClient, TIMEOUT_MS_MAX } = await import('../src/index.ts');
    const clock = new ManualClock(1_000_000);
    const c = new WeixinClient({
      appid: 'wx1234567890abcdef',
      appSecret: 's',
      timeoutMs: TIMEOUT_MS_MAX,
      clock,
      fetch: async () => new Response(JSON.stringify({ access_token: 'AT', expires_in: 7200 })),
    });
    assert.equal(await c.accessToken(), 'AT');
  });
});

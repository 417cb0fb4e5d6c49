// The database-backed token cache every node shares: the TokenCache contract on SQLite and
// PostgreSQL, values sealed at rest, and five "nodes" (clients with caches of their own over one
// database) asking at once for an expired token, of which exactly one asks WeChat.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { WeixinClient } from '@fairground/wechatpay';
import { tokenCacheContract } from '@fairground/wechatpay/token-cache-contract';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import { createSealer } from '../../src/accounts/sealing.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { Store } from '../../src/storage/ports.ts';
import { wechatMigrations } from '../../src/wechat/migrations.ts';
import { StoreTokenCache } from '../../src/wechat/token-cache.ts';

const sealer = createSealer(Buffer.alloc(32, 3), 'wechat-credentials');

for (const backend of backends()) {
  const stores: Store[] = [];
  after(async () => {
    for (const s of stores) await s.close();
  });
  tokenCacheContract(`the database (${backend.name})`, async (clock) => {
    const store = await backend.open({ clock });
    stores.push(store);
    await store.migrate(wechatMigrations);
    return new StoreTokenCache({ store, sealer, clock });
  });

  describe(`the shared token cache on ${backend.name}`, () => {
    let store: Store;
    let sandbox: Sandbox;
    let clock: ManualClock;
    before(async () => {
      clock = new ManualClock(Date.UTC(2026, 0, 15, 8, 0, 0));
      store = await backend.open({ clock, writers: 4 });
      await store.migrate(wechatMigrations);
      sandbox = await startSandbox({ clock });
    });
    after(async () => {
      await sandbox.close();
      await store.close();
    });

    it('keeps tokens sealed, and lets one of five nodes refresh an expired token while the others wait for it', async () => {
      const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
      const node = () =>
        new WeixinClient({
          appid: SANDBOX_MINIGAME_APPID,
          appSecret: secret,
          apiBaseUrl: sandbox.baseUrl,
          clock,
          tokenCache: new StoreTokenCache({ store, sealer, clock }),
        });
      const nodes = Array.from({ length: 5 }, node);
      const first = await nodes[0]?.accessToken();
      const rows = await store.reader.query<{ sealed: string }>('SELECT sealed FROM wechat_credentials');
      assert.equal(rows.length, 1);
      assert.ok(!rows[0]?.sealed.includes(first as string), 'the token is sealed at rest');
      clock.advanceMs(7200 * 1000);
      sandbox.weixin.resetCalls();
      const tokens = await Promise.all(nodes.flatMap((n) => Array.from({ length: 10 }, () => n.accessToken())));
      assert.equal(new Set(tokens).size, 1, 'every node uses the same new token');
      assert.notEqual(tokens[0], first);
      assert.equal(sandbox.weixin.calls()['POST /cgi-bin/stable_token'], 1, 'one node asked WeChat');
    });
  });
}

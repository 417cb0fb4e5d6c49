// The WeChat account behind a payment links accounts: a player's QR (native) deposit paid by the
// WeChat account another player signs in with links the two (they are then never matched), the
// notification's payer recorded in the unit that credits the deposit; players paying for
// themselves stay unlinked. On SQLite and PostgreSQL, through the WeChat Pay sandbox.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { SANDBOX_APPID, startWorld, wallet, type World } from './world.ts';

for (const backend of backends()) {
  describe(`payers link accounts on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend);
    });
    after(() => w.close());

    const openidOf = async (playerId: string) =>
      (
        await w.t.store.reader.query<{ openid: string }>('SELECT openid FROM player_identities WHERE player_id = ? AND app_id = ?', [
          playerId,
          SANDBOX_APPID,
        ])
      )[0]?.openid;

    it('links a player whose deposit another player’s WeChat account paid; self-paying players stay apart', async () => {
      const owner = await w.t.readyPlayer('payer-owner');
      const alt = await w.t.readyPlayer('payer-alt');
      const honest = await w.t.readyPlayer('payer-honest');
      const ownerOpenid = await openidOf(owner.playerId);
      assert.ok(ownerOpenid, 'the owner has a WeChat identity in the paying app');

      const qr = await w.t.request('POST', '/api/payments/deposits', {
        token: alt.token,
        body: { amountFen: 1_000, channel: 'native', idempotencyKey: 'alt-qr-deposit-1' },
      });
      assert.equal(qr.status, 201, qr.text);
      // The owner scans the alt account's QR code and pays it.
      await w.sandbox.user.pay((qr.json.deposit as { id: string }).id, ownerOpenid);
      const own = await w.t.request('POST', '/api/payments/deposits', {
        token: honest.token,
        body: { amountFen: 1_000, channel: 'jsapi', idempotencyKey: 'honest-deposit-1' },
      });
      await w.sandbox.user.pay((own.json.deposit as { id: string }).id);
      await w.settle();
      assert.equal((await wallet(w.t, alt.playerId)).postedFen, 1_000);
      assert.equal((await wallet(w.t, honest.playerId)).postedFen, 1_000);

      const links = w.t.platform.risk.links;
      assert.deepEqual([...(await links.linkedTo(alt.playerId))], [owner.playerId]);
      assert.deepEqual([...(await links.linkedTo(owner.playerId))], [alt.playerId]);
      assert.deepEqual([...(await links.linkedTo(honest.playerId))], []);
      const view = await links.view(alt.playerId);
      const evidence = view.evidence.find((e) => e.playerId === owner.playerId && e.kind === 'wechat');
      assert.ok(evidence?.strong);
      assert.deepEqual([...(evidence?.sources ?? [])].sort(), ['deposit payer', 'sign-in']);
    });
  });
}

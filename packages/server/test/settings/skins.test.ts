// Skins as the server keeps them: a VIP tier (a setting) grants skins from the deposits that reach
// it; a skin with a price is bought with one ledger transfer, once per request key; the worn skin
// is stored and every other player at the table sees it on that seat in the room's frames.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { BACKENDS, type Player, TestDatabase, TestServer } from '../rooms/harness.ts';

for (const backend of BACKENDS) {
  describe(`skins on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 4, 1, 12)));
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    async function skins(p: Player) {
      const r = await p.http('GET', '/api/me/skins');
      assert.equal(r.status, 200, JSON.stringify(r.json));
      return r.json as {
        worn: string;
        tier: { id: string } | null;
        skins: { id: string; source: string | null; priceFen: number | null }[];
      };
    }

    it('buys a skin once per request key with one ledger transfer, refuses what cannot be bought, and wears only what the player has', async () => {
      const p = await server.player('skin-buyer', '10.1.0.1');
      await server.fund(p.id, 'CNY', 5_000);
      const start = await skins(p);
      assert.equal(start.worn, 'classic');
      assert.equal(start.tier, null);
      assert.equal(start.skins.find((s) => s.id === 'gold')?.source, null);
      assert.equal((await p.http('PUT', '/api/me/skin', { skinId: 'gold' })).json.code, 'SKIN_NOT_OWNED');
      assert.equal((await p.http('POST', '/api/me/skins/night/purchase', { idempotencyKey: 'night-0001' })).json.code, 'SKIN_NOT_FOR_SALE');
      assert.equal((await p.http('POST', '/api/me/skins/velvet/purchase', { idempotencyKey: 'velvet-0001' })).json.code, 'SKIN_UNKNOWN');

      const bought = await p.http('POST', '/api/me/skins/gold/purchase', { idempotencyKey: 'gold-0001' });
      assert.equal(bought.status, 201, JSON.stringify(bought.json));
      assert.equal(bought.json.replayed, false);
      const again = await p.http('POST', '/api/me/skins/gold/purchase', { idempotencyKey: 'gold-0001' });
      assert.equal(again.status, 201);
      assert.equal(again.json.replayed, true);
      assert.equal((await server.balance(p.id, 'CNY')).posted, 5_000 - 1_800, 'paid once');
      const history = await server.platform.ledger.history({ ownerKind: 'player', ownerId: p.id, code: 'skin_purchase' });
      assert.equal(history.items.length, 1);
      assert.equal((await p.http('POST', '/api/me/skins/gold/purchase', { idempotencyKey: 'gold-0002' })).json.code, 'SKIN_OWNED');
      const poor = await server.player('skin-poor', '10.1.0.2');
      assert.equal(
        (await poor.http('POST', '/api/me/skins/jade/purchase', { idempotencyKey: 'jade-0001' })).json.code,
        'SKIN_FUNDS_INSUFFICIENT',
      );

      const worn = await p.http('PUT', '/api/me/skin', { skinId: 'gold' });
      assert.equal(worn.json.worn, 'gold');
    });

    it('a VIP tier reached by deposits grants its skins, and the tiers are settings', async () => {
      const p = await server.player('skin-vip', '10.1.0.3');
      // Credited deposits are what the tier follows (the analytics tier row, as a deposit writes it).
      await server.store.unitOfWork((tx) =>
        tx.run(
          'INSERT INTO analytics_players (player_id, deposits_fen, deposits, first_deposit_at_ms, vip_since_ms) VALUES (?, ?, 1, ?, ?)',
          [p.id, 150_000, tx.nowMs, tx.nowMs],
        ),
      );
      const v = await skins(p);
      assert.equal(v.tier?.id, 'vip1');
      assert.equal(v.skins.find((s) => s.id === 'jade')?.source, 'tier');
      assert.equal(v.skins.find((s) => s.id === 'night')?.source, null, 'night comes with vip2');
      // The operator raises vip1's line: the same deposits no longer reach it.
      const settings = server.platform.settings;
      const vip = settings.get('vip');
      await settings.update(
        { id: 'op', username: 'op' },
        'vip',
        { ...vip, tiers: vip.tiers.map((t) => ({ ...t, depositsFenMin: t.depositsFenMin * 2 })) },
        {
          expectedVersion: settings.version('vip'),
        },
      );
      assert.equal((await skins(p)).tier, null);
    });

    it('the seat of a player wearing a skin shows it to the other players at the table', async () => {
      const owner = await server.player('skin-owner', '10.1.0.4');
      const guest = await server.player('skin-guest', '10.1.0.5');
      for (const p of [owner, guest]) await server.fund(p.id, 'CNY', 10_000);
      await owner.http('POST', '/api/me/skins/jade/purchase', { idempotencyKey: 'jade-owner-01' });
      assert.equal((await owner.http('PUT', '/api/me/skin', { skinId: 'jade' })).json.worn, 'jade');
      const room = await owner.createRoom({ params: { seats: 3 }, fee: { mode: 'cash', payer: 'owner' } });
      const joined = await guest.join(room.code);
      assert.equal(joined.status, 200, JSON.stringify(joined.json));
      const c = await guest.connect(room.roomId);
      const members = (c.room?.members ?? []) as { playerId: string; skin: string }[];
      assert.equal(members.find((m) => m.playerId === owner.id)?.skin, 'jade');
      assert.equal(members.find((m) => m.playerId === guest.id)?.skin, 'classic');
      c.ws.close();
    });
  });
}

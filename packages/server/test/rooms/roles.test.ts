// Every role permission, allowed and refused, on the server; kicks and re-invitations; rule
// changes between hands (and not during one), with every member told; dissolution before the
// start (refunded) and mid-game (what was played stands). On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CloseCodes } from '../../src/rooms/index.ts';
import { assertEveryFrameChecked, botRng, checkFairness, checkNoHiddenCards, handRecords, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, TestDatabase, TestServer } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`roles on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let n = 0;
    const fresh = async () => {
      n += 1;
      return server.player(`${backend.slice(0, 2)}role${n}`, `10.60.${n}.1`);
    };
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 4, 1, 12)));
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    describe('a six-seat room with an owner, an admin, members and spectators', () => {
      let owner: Player;
      let admin: Player;
      let m1: Player;
      let m2: Player;
      let m3: Player;
      let x1: Player;
      let x2: Player;
      let roomId: string;
      let code: string;
      let c: Record<string, Client>;
      const all = () => Object.values(c).filter((x) => x.closeCode === null);
      const sync = () => caughtUp(server, all(), roomId);
      const state = () => server.rooms.actor(roomId)?.state;

      before(async () => {
        [owner, admin, m1, m2, m3, x1, x2] = [
          await fresh(),
          await fresh(),
          await fresh(),
          await fresh(),
          await fresh(),
          await fresh(),
          await fresh(),
        ];
        for (const p of [owner, admin, m1, m2, m3]) await server.fund(p.id, 'CNY', 50_000);
        const room = await owner.createRoom({ params: { mode: 'custom', seats: 6, rounds: 8 }, fee: { mode: 'cash', payer: 'aa' } });
        roomId = room.roomId;
        code = room.code;
        for (const p of [admin, m1, m2, m3]) assert.equal((await p.join(code)).status, 200);
        for (const p of [x1, x2]) assert.equal((await p.join(code, { role: 'observer' })).status, 200);
        c = {};
        for (const [k, p] of Object.entries({ owner, admin, m1, m2, m3, x1, x2 })) c[k] = await p.connect(roomId);
        await sync();
      });

      const expectRefused = async (who: string, frame: Record<string, unknown>, code: string) => {
        const v = state()?.version;
        const r = await c[who]?.send(frame);
        assert.equal(r?.code, code, `${who} ${JSON.stringify(frame)} → ${JSON.stringify(r)}`);
        assert.equal(state()?.version, v, 'a refused command changes nothing');
      };
      const expectOk = async (who: string, frame: Record<string, unknown>) => {
        const r = await c[who]?.send(frame);
        assert.equal(r?.t, 'ok', `${who} ${JSON.stringify(frame)} → ${JSON.stringify(r)}`);
        await sync();
      };

      it('lets only the owner appoint and remove admins', async () => {
        for (const who of ['m1', 'x1'])
          await expectRefused(who, { t: 'set_admin', playerId: admin.id, admin: true }, 'ROOM_ROLE_FORBIDDEN');
        await expectOk('owner', { t: 'set_admin', playerId: admin.id, admin: true });
        assert.equal(state()?.members.find((m) => m.playerId === admin.id)?.role, 'admin');
        await expectRefused('admin', { t: 'set_admin', playerId: m1.id, admin: true }, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('owner', { t: 'set_admin', playerId: x1.id, admin: true }, 'ROOM_TARGET_INVALID');
        await expectOk('owner', { t: 'set_admin', playerId: m3.id, admin: true });
        await expectOk('owner', { t: 'set_admin', playerId: m3.id, admin: false });
        assert.equal(state()?.members.find((m) => m.playerId === m3.id)?.role, 'member');
        assert.ok(
          c.m1?.room?.members.some((m: { playerId: string; role: string }) => m.playerId === admin.id && m.role === 'admin'),
          'everyone sees roles',
        );
      });

      it('keeps rules, start, dissolving and ownership to the owner', async () => {
        for (const who of ['admin', 'm1', 'x1']) {
          await expectRefused(who, { t: 'rules', changes: { baseScore: 2 } }, 'ROOM_ROLE_FORBIDDEN');
          await expectRefused(who, { t: 'dissolve' }, 'ROOM_ROLE_FORBIDDEN');
          await expectRefused(who, { t: 'transfer_owner', playerId: m2.id }, 'ROOM_ROLE_FORBIDDEN');
          await expectRefused(who, { t: 'start' }, 'ROOM_ROLE_FORBIDDEN');
        }
        await expectRefused('owner', { t: 'rules', changes: { seats: 5 } }, 'ROOM_RULE_LOCKED');
        await expectRefused('owner', { t: 'rules', changes: { rounds: 12 } }, 'ROOM_RULE_LOCKED');
        await expectRefused('owner', { t: 'rules', changes: { baseScore: 12 } }, 'ROOM_BASE_SCORE_INVALID');
        await expectRefused('owner', { t: 'transfer_owner', playerId: x1.id }, 'ROOM_TARGET_INVALID');
        await expectRefused('owner', { t: 'start' }, 'ROOM_NOT_STARTABLE');
        await expectOk('owner', { t: 'transfer_owner', playerId: m2.id });
        assert.equal(state()?.ownerId, m2.id);
        await expectRefused('owner', { t: 'dissolve' }, 'ROOM_ROLE_FORBIDDEN');
        await expectOk('m2', { t: 'transfer_owner', playerId: owner.id });
        assert.equal(state()?.ownerId, owner.id);
      });

      it('lets members invite, never spectators; the owner cannot leave', async () => {
        const inv = await m1.http('POST', `/api/rooms/${roomId}/invites`, {});
        assert.equal(inv.status, 201);
        assert.match(inv.json.path, new RegExp(`^/#/join/${code}\\?i=`));
        const refused = await x1.http('POST', `/api/rooms/${roomId}/invites`, {});
        assert.equal(refused.json.code, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('owner', { t: 'leave' }, 'ROOM_OWNER_MUST_TRANSFER');
        await expectRefused('x1', { t: 'trustee', on: true }, 'ROOM_OBSERVER_CANNOT_ACT');
        await expectRefused('m1', { t: 'trustee', on: true }, 'ROOM_TRUSTEESHIP_OFF');
      });

      it('lets admins remove members and spectators but not the owner or another admin', async () => {
        await expectOk('owner', { t: 'set_admin', playerId: m3.id, admin: true });
        await expectRefused('admin', { t: 'kick', playerId: owner.id }, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('admin', { t: 'kick', playerId: m3.id }, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('admin', { t: 'kick', playerId: admin.id }, 'ROOM_TARGET_INVALID');
        await expectRefused('m1', { t: 'kick', playerId: m2.id }, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('x1', { t: 'kick', playerId: x2.id }, 'ROOM_ROLE_FORBIDDEN');
        await expectRefused('admin', { t: 'kick', playerId: 'p_nobody' }, 'ROOM_TARGET_NOT_MEMBER');
        await expectOk('admin', { t: 'kick', playerId: x2.id });
        // The kicked client is told and dropped; the room forgets it.
        assert.equal(await c.x2?.closed(), CloseCodes.KICKED);
        assert.equal(c.x2?.frames.find((f) => f.t === 'closed')?.code, 'ROOM_KICKED');
        await expectOk('owner', { t: 'kick', playerId: m3.id });
        assert.equal(await c.m3?.closed(), CloseCodes.KICKED);
        // A seat held for an AA fee before the start is refunded in full.
        const bal = await server.balance(m3.id, 'CNY');
        assert.equal(bal.available, 50_000);
        assert.equal(bal.posted, 50_000);
      });

      it('keeps a kicked player out until the owner or an admin invites them again', async () => {
        const again = await m3.join(code);
        assert.equal(again.json.code, 'ROOM_KICKED');
        const withLink = await m3.join(code, { invite: (await m1.http('POST', `/api/rooms/${roomId}/invites`, {})).json.token });
        assert.equal(withLink.json.code, 'ROOM_KICKED', 'a general share link does not lift a kick');
        const byMember = await m1.http('POST', `/api/rooms/${roomId}/invites`, { playerId: m3.id });
        assert.equal(byMember.json.code, 'ROOM_ROLE_FORBIDDEN');
        const ws = await m3.connect(roomId);
        assert.equal(ws.frames[0]?.code, 'ROOM_KICKED');
        assert.equal(await ws.closed(), CloseCodes.KICKED);
        const personal = await owner.http('POST', `/api/rooms/${roomId}/invites`, { playerId: m3.id });
        assert.equal(personal.status, 201);
        const notForYou = await x2.join(code, { invite: personal.json.token });
        assert.equal(notForYou.json.code, 'ROOM_INVITE_INVALID');
        const back = await m3.join(code, { invite: personal.json.token });
        assert.equal(back.status, 200, JSON.stringify(back.json));
        c.m3 = await m3.connect(roomId);
        await sync();
        assert.equal(state()?.members.find((m) => m.playerId === m3.id)?.role, 'member');
      });

      it('changes rules between hands only, and tells every member', async () => {
        const rng = botRng(`${backend}-roles`);
        const players = [c.owner, c.admin, c.m1, c.m2, c.m3].filter((x): x is Client => x !== undefined);
        await playRoom(server, [...players, c.x1 as Client], roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 1 });
        assert.ok(state()?.hand, 'a hand is being played');
        await expectRefused('owner', { t: 'rules', changes: { baseScore: 3 } }, 'ROOM_HAND_IN_PROGRESS');
        const inHand = state()?.hand?.players.find((p) => p.playerId === m1.id);
        if (inHand) await expectRefused('owner', { t: 'kick', playerId: m1.id }, 'ROOM_HAND_IN_PROGRESS');
        await expectRefused('m1', { t: 'leave' }, 'ROOM_HAND_IN_PROGRESS');
        await playRoom(server, [...players, c.x1 as Client], roomId, rng, { handsMax: 1 });
        assert.equal(state()?.hand, null);
        await expectOk('owner', { t: 'rules', changes: { baseScore: 3, turnTimeS: 60, spectators: false } });
        for (const who of ['admin', 'm1', 'x1']) {
          const seen = c[who]?.frames.some(
            (f) =>
              f.t === 'room' &&
              f.events?.some((e: { kind: string; changed: string[] }) => e.kind === 'rules_changed' && e.changed.includes('baseScore')),
          );
          assert.ok(seen, `${who} was told of the rule change`);
        }
        const inbox = await m1.http('GET', '/api/notifications');
        assert.ok(
          inbox.json.items.some((i: { kind: string }) => i.kind === 'room_rules_changed'),
          'and finds it in the inbox',
        );
        const late = await fresh();
        assert.equal((await late.join(code, { role: 'observer' })).json.code, 'ROOM_SPECTATORS_OFF');
        await playRoom(server, [...players, c.x1 as Client], roomId, rng, { handsMax: 1 });
        const records = await handRecords(server, roomId, owner.id);
        assert.equal(records.get(2)?.rules.baseScore, 3, 'the next hand is played with the new rules');
      });

      it('dissolves mid-game: the hand in play is abandoned, what was played stands', async () => {
        const rng = botRng(`${backend}-roles-2`);
        const players = [c.owner, c.admin, c.m1, c.m2, c.m3, c.x1].filter((x): x is Client => x !== undefined);
        await playRoom(server, players, roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 2 });
        const before = state();
        assert.ok(before?.hand);
        const scores = before.scores;
        await expectOk('owner', { t: 'dissolve' });
        const after = state();
        assert.equal(after?.status, 'dissolved');
        assert.deepEqual(after?.scores, scores, 'completed hands stand; the abandoned one scores nothing');
        assert.equal(after?.last?.aborted, true);
        assert.ok(after?.last?.serverSeed, 'the abandoned hand’s seed is revealed');
        for (const x of players) {
          assert.ok(x.frames.some((f) => f.t === 'room' && f.events?.some((e: { kind: string }) => e.kind === 'room_dissolved')));
        }
        assert.equal((await m1.join(code)).json.code, 'ROOM_DISSOLVED');
        // Fees were taken at the first hand; dissolving later refunds nothing.
        for (const p of [owner, admin, m1, m2]) assert.equal((await server.balance(p.id, 'CNY')).posted, 50_000 - 200);
        await checkFairness(server, roomId, owner.id);
        await checkNoHiddenCards(server, roomId, owner.id);
        const summary = await m1.http('GET', `/api/rooms/${roomId}`);
        assert.equal(summary.json.status, 'dissolved');
        assert.equal(summary.json.endReason, 'owner');
      });
    });

    it('refunds every held fee when a room is dissolved before its first hand', async () => {
      const owner = await fresh();
      const p2 = await fresh();
      for (const p of [owner, p2]) {
        await server.fund(p.id, 'CNY', 10_000);
        await server.fund(p.id, 'POINTS', 500);
      }
      const room = await owner.createRoom({ params: { mode: 'custom', seats: 4 }, fee: { mode: 'cash', payer: 'aa', points: 50 } });
      assert.equal((await p2.join(room.code, { points: 100 })).status, 200);
      assert.equal((await server.balance(p2.id, 'CNY')).available, 10_000 - 100, 'the seat’s fee is held');
      assert.equal((await server.balance(p2.id, 'POINTS')).available, 400);
      const co = await owner.connect(room.roomId);
      assert.equal((await co.send({ t: 'dissolve' })).t, 'ok');
      for (const p of [owner, p2]) {
        assert.deepEqual(await server.balance(p.id, 'CNY'), { posted: 10_000, available: 10_000 });
        assert.deepEqual(await server.balance(p.id, 'POINTS'), { posted: 500, available: 500 });
      }
      const orders = await p2.http('GET', '/api/rooms/orders');
      assert.equal(orders.json.orders[0].status, 'refunded');
      const inv = await server.platform.ledger.checkInvariants();
      assert.ok(inv.ok, inv.problems.join('; '));
    });

    it('keeps an owner-paid fee with the room when the payer hands over ownership and leaves before the start', async () => {
      const payer = await fresh();
      const heir = await fresh();
      await server.fund(payer.id, 'CNY', 10_000);
      const room = await payer.createRoom({ fee: { mode: 'cash', payer: 'owner' } });
      assert.equal((await heir.join(room.code)).status, 200);
      const cp = await payer.connect(room.roomId);
      const ch = await heir.connect(room.roomId);
      await caughtUp(server, [cp, ch], room.roomId);
      assert.equal((await cp.send({ t: 'transfer_owner', playerId: heir.id })).t, 'ok');
      await caughtUp(server, [cp, ch], room.roomId);
      assert.equal((await cp.send({ t: 'leave' })).t, 'ok');
      assert.equal((await server.balance(payer.id, 'CNY')).available, 10_000 - 600, 'the fee stays held for the room');
      await caughtUp(server, [ch], room.roomId);
      assert.equal((await ch.send({ t: 'dissolve' })).t, 'ok');
      assert.deepEqual(await server.balance(payer.id, 'CNY'), { posted: 10_000, available: 10_000 }, 'refunded when it never starts');
    });

    it('dissolves a room that never starts and refunds it', async () => {
      const owner = await fresh();
      await server.fund(owner.id, 'CNY', 10_000);
      const r = await owner.http('POST', '/api/rooms/cards/purchase', { quantity: 3, idempotencyKey: `cards-${owner.handle}` });
      assert.equal(r.status, 201);
      const replay = await owner.http('POST', '/api/rooms/cards/purchase', { quantity: 3, idempotencyKey: `cards-${owner.handle}` });
      assert.equal(replay.json.replayed, true, 'a retried purchase is not charged twice');
      assert.equal((await server.balance(owner.id, 'ROOM_CARD')).posted, 3);
      const room = await owner.createRoom({});
      assert.equal((await server.balance(owner.id, 'ROOM_CARD')).available, 0);
      await server.advance(31 * 60_000);
      assert.equal(server.rooms.actor(room.roomId)?.state.endReason ?? 'gone', 'not_started');
      assert.deepEqual(await server.balance(owner.id, 'ROOM_CARD'), { posted: 3, available: 3 });
    });
  });
}

after(() => assertEveryFrameChecked());

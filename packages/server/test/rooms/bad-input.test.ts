// Bad input: each refused with a clear code, changing nothing; abuse (malformed, oversized,
// forged, floods, no hello) also closes the connection. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CloseCodes, roomLogSource } from '../../src/rooms/index.ts';
import { assertEveryFrameChecked, checkNoHiddenCards } from './bots.ts';
import { BACKENDS, Client, caughtUp, type Player, TestDatabase, TestServer } from './harness.ts';

async function counts(server: TestServer): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const t of ['rooms', roomLogSource(server.store.dialect), 'room_members', 'room_orders', 'ledger_transfers']) {
    const rows = await server.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM ${t}`);
    out[t] = Number(rows[0]?.n ?? 0);
  }
  return out;
}

for (const backend of BACKENDS) {
  describe(`bad input on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let n = 0;
    const fresh = async (ip?: string) => {
      n += 1;
      return server.player(`${backend.slice(0, 2)}bad${n}`, ip ?? `10.50.${n}.1`);
    };
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 3, 1, 12)));
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    it('refuses each out-of-range parameter with its own code and creates nothing', async () => {
      const owner = await fresh();
      await server.fund(owner.id, 'CNY', 100_000);
      const cases: [Record<string, unknown>, string][] = [
        [{ params: { mode: 'speed' } }, 'ROOM_MODE_INVALID'],
        [{ params: { mode: 'custom', seats: 1 } }, 'ROOM_SEATS_INVALID'],
        [{ params: { mode: 'custom', seats: 7 } }, 'ROOM_SEATS_INVALID'],
        [{ params: { mode: 'classic', seats: 4 } }, 'ROOM_CLASSIC_SEATS_LOCKED'],
        [{ params: { rounds: 7 } }, 'ROOM_ROUNDS_INVALID'],
        [{ params: { rounds: 17 } }, 'ROOM_ROUNDS_INVALID'],
        [{ params: { baseScore: 0 } }, 'ROOM_BASE_SCORE_INVALID'],
        [{ params: { baseScore: 11 } }, 'ROOM_BASE_SCORE_INVALID'],
        [{ params: { turnTimeS: 20 } }, 'ROOM_TURN_TIME_INVALID'],
        [{ params: { trusteeship: 'always' } }, 'ROOM_TRUSTEESHIP_INVALID'],
        [{ params: { stakeCapMultiple: 1 } }, 'ROOM_STAKE_CAP_INVALID'],
        [{ params: { stakeCapMultiple: 21 } }, 'ROOM_STAKE_CAP_INVALID'],
        [{ params: { bettingRoundsMax: 1 } }, 'ROOM_BETTING_ROUNDS_INVALID'],
        [{ params: { bettingRoundsMax: 31 } }, 'ROOM_BETTING_ROUNDS_INVALID'],
        [{ params: { compareFromRound: 0 } }, 'ROOM_COMPARE_ROUND_INVALID'],
        [{ params: { compareFromRound: 4 } }, 'ROOM_COMPARE_ROUND_INVALID'],
        [{ params: { blindRounds: 4 } }, 'ROOM_BLIND_ROUNDS_INVALID'],
        [{ params: { mode: 'custom', leopardMultiplier: 11 } }, 'ROOM_MULTIPLIER_INVALID'],
        [{ params: { mode: 'classic', straightFlushMultiplier: 2 } }, 'ROOM_MULTIPLIERS_CUSTOM_ONLY'],
        [{ fee: { mode: 'gold' } }, 'ROOM_FEE_MODE_INVALID'],
        [{ fee: { payer: 'winner' } }, 'ROOM_FEE_PAYER_INVALID'],
        [{ fee: { mode: 'cash', points: -1 } }, 'ROOM_POINTS_INVALID'],
        [{ fee: { mode: 'cash', points: 100_000 } }, 'ROOM_POINTS_INVALID'],
        [{ fee: { mode: 'room_card', points: 10 } }, 'ROOM_POINTS_CASH_ONLY'],
        [{ params: { spectators: 'yes' } }, 'VALIDATION_FAILED'],
        [{ params: { seats: 2.5 } }, 'BODY_NUMBER_NOT_INTEGER'],
        [{ params: { colour: 'red' } }, 'VALIDATION_FAILED'],
        [{ fee: { mode: 'cash' }, expectedFee: { cards: 0, cashFen: 1 } }, 'ROOM_FEE_CHANGED'],
        [{}, 'ROOM_CARDS_INSUFFICIENT'],
        [{ fee: { mode: 'cash', payer: 'owner', points: 10 } }, 'ROOM_POINTS_INSUFFICIENT'],
      ];
      const before = await counts(server);
      for (const [body, code] of cases) {
        for (const path of ['/api/rooms/quote', '/api/rooms']) {
          if (path === '/api/rooms/quote' && ['ROOM_FEE_CHANGED', 'ROOM_CARDS_INSUFFICIENT', 'ROOM_POINTS_INSUFFICIENT'].includes(code))
            continue;
          const r = await owner.http('POST', path, body);
          assert.ok(r.status >= 400 && r.status < 500, `${path} ${JSON.stringify(body)} → ${r.status}`);
          assert.equal(r.json.code, code, `${path} ${JSON.stringify(body)}: ${JSON.stringify(r.json)}`);
        }
      }
      const afterCounts = await counts(server);
      assert.deepEqual(afterCounts, before, 'nothing was created or charged');
      const failed = await server.platform.analytics.list({ kind: 'room_create_failed', limit: 200 });
      assert.ok(failed.length >= cases.length - 6, 'failed attempts count towards the creation success rate');
    });

    it('refuses joining unknown, malformed, full, dissolved and finished rooms with clear codes', async () => {
      const p = await fresh();
      assert.equal((await p.join('12345')).json.code, 'ROOM_CODE_INVALID');
      assert.equal((await p.join('abcdef')).json.code, 'ROOM_CODE_INVALID');
      const unknown = await p.join('000001');
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, 'ROOM_NOT_FOUND');

      const owner = await fresh();
      const room = await owner.createRoom({ params: { mode: 'custom', seats: 2 }, fee: { mode: 'cash' } }).catch(async () => {
        await server.fund(owner.id, 'CNY', 10_000);
        return owner.createRoom({ params: { mode: 'custom', seats: 2 }, fee: { mode: 'cash' } });
      });
      const second = await fresh();
      assert.equal((await second.join(room.code)).status, 200);
      const third = await fresh();
      const before = await counts(server);
      const full = await third.join(room.code);
      assert.equal(full.status, 409);
      assert.equal(full.json.code, 'ROOM_FULL');
      assert.deepEqual(await counts(server), before);

      const oc = await owner.connect(room.roomId);
      assert.equal((await oc.send({ t: 'dissolve' })).t, 'ok');
      const gone = await third.join(room.code, { role: 'observer' });
      assert.equal(gone.status, 410);
      assert.equal(gone.json.code, 'ROOM_DISSOLVED');
      // Once the dissolved room has left memory, its code still says why.
      await server.advance(6 * 60_000);
      assert.equal(server.rooms.actor(room.roomId), undefined);
      assert.equal((await third.join(room.code)).json.code, 'ROOM_DISSOLVED');
      const late = new Client(owner, server, room.roomId);
      await late.open();
      assert.equal(late.frames.find((f) => f.t === 'error')?.code, 'ROOM_DISSOLVED');
      assert.equal(await late.closed(), CloseCodes.NOT_FOUND);
    });

    describe('at the table', () => {
      let owner: Player;
      let member: Player;
      let watcher: Player;
      let stranger: Player;
      let roomId: string;
      let code: string;
      let co: Client;
      let cm: Client;
      let cw: Client;

      before(async () => {
        owner = await fresh();
        member = await fresh();
        watcher = await fresh();
        stranger = await fresh();
        await server.fund(owner.id, 'CNY', 100_000);
        const room = await owner.createRoom({ params: { mode: 'custom', seats: 2, rounds: 8 }, fee: { mode: 'cash' } });
        roomId = room.roomId;
        code = room.code;
        assert.equal((await member.join(code)).status, 200);
        assert.equal((await watcher.join(code, { role: 'observer' })).status, 200);
        co = await owner.connect(roomId);
        cm = await member.connect(roomId);
        cw = await watcher.connect(roomId);
        await caughtUp(server, [co, cm, cw], roomId);
        assert.equal((await co.send({ t: 'ready', ready: true })).t, 'ok');
        await caughtUp(server, [co, cm, cw], roomId);
        assert.equal((await cm.send({ t: 'ready', ready: true })).t, 'ok');
        await caughtUp(server, [co, cm, cw], roomId);
        assert.ok(server.rooms.actor(roomId)?.state.hand, 'the hand started');
      });

      const version = () => server.rooms.actor(roomId)?.state.version;

      it('refuses an action out of turn, a stale version and a spectator’s action, without closing', async () => {
        const s = server.rooms.actor(roomId)?.state;
        assert.ok(s?.hand);
        const turn = s.hand.state.turnSeat;
        const waiting = co.seat === turn ? cm : co;
        const v = version();
        const r1 = await waiting.send({ t: 'act', action: { type: 'call' } });
        assert.equal(r1.code, 'ZJH_NOT_YOUR_TURN');
        const r2 = await cw.send({ t: 'act', action: { type: 'call' } });
        assert.equal(r2.code, 'ROOM_OBSERVER_CANNOT_ACT');
        const r3 = await cw.send({ t: 'ready', ready: true });
        assert.equal(r3.code, 'ROOM_OBSERVER_CANNOT_ACT');
        const acting = waiting === co ? cm : co;
        const r4 = await acting.send({ t: 'act', action: { type: 'call' } }, { v: (v as number) - 1 });
        assert.equal(r4.code, 'ROOM_STALE_VERSION');
        const r5 = await acting.send({ t: 'act', action: { type: 'raise', toStakePoints: 1_000_000 } });
        assert.equal(r5.code, 'ZJH_RAISE_ABOVE_CAP');
        const r6 = await cm.send({ t: 'start' });
        assert.equal(r6.code, 'ROOM_ROLE_FORBIDDEN');
        assert.equal(version(), v, 'nothing changed');
        for (const c of [co, cm, cw]) assert.equal(c.closeCode, null);
      });

      it('closes a connection that names someone else’s seat', async () => {
        const s = server.rooms.actor(roomId)?.state;
        assert.ok(s?.hand);
        const turn = s.hand.state.turnSeat as number;
        const forger = co.seat === turn ? cm : co;
        const v = version();
        const extra = await forger.player.connect(roomId);
        const r = await extra.send({ t: 'act', action: { type: 'call', seat: turn } });
        assert.equal(r.code, 'ROOM_SEAT_FORGED');
        assert.equal(await extra.closed(), CloseCodes.FORGED);
        assert.equal(version(), v);
      });

      it('closes connections that send malformed, invalid, binary, oversized or pre-hello frames', async () => {
        const v = version();
        const bad: [(c: Client) => void, string | null, number][] = [
          [(c) => c.raw('{"t": "act", '), 'ROOM_FRAME_MALFORMED', CloseCodes.MALFORMED],
          [(c) => c.raw('[1, 2, 3]'), 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
          [(c) => c.raw({ t: 'act', v: 1, action: { type: 'call' }, extra: 1 }), 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
          [(c) => c.raw({ t: 'act', v: 1, action: { type: 'steal' } }), 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
          [(c) => c.raw({ t: 'teleport' }), 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
          [(c) => c.ws.send(Buffer.from([1, 2, 3]), { binary: true }), 'ROOM_FRAME_MALFORMED', CloseCodes.MALFORMED],
          [(c) => c.raw({ t: 'ping', id: 'x'.repeat(3000) }), 'ROOM_FRAME_TOO_LARGE', CloseCodes.TOO_LARGE],
          // Past the room's frame limit but within the socket's (voice offers need 12 KiB): refused with the room's code.
          [(c) => c.raw('x'.repeat(8000)), 'ROOM_FRAME_TOO_LARGE', CloseCodes.TOO_LARGE],
          [(c) => c.raw('x'.repeat(20_000)), null, 1009],
          [(c) => c.raw({ t: 'hello', token: member.token, roomId }), 'ROOM_FRAME_INVALID', CloseCodes.MALFORMED],
        ];
        for (const [send, code, close] of bad) {
          const c = await member.connect(roomId);
          send(c);
          assert.equal(await c.closed(), close, `${code}`);
          if (code !== null) assert.equal(c.frames.find((f) => f.t === 'error')?.code, code);
        }
        const noHello = new Client(member, server, roomId);
        await noHello.open({ hello: false });
        noHello.raw({ t: 'ready', v: 1, ready: true });
        assert.equal(await noHello.closed(), CloseCodes.HELLO);
        assert.equal(noHello.frames[0]?.code, 'ROOM_HELLO_REQUIRED');
        const badToken = new Client(member, server, roomId);
        await badToken.open({ hello: false });
        badToken.raw({ t: 'hello', token: 'a.b.c', roomId });
        assert.equal(await badToken.closed(), CloseCodes.HELLO);
        const outsider = await stranger.connect(roomId);
        assert.equal(outsider.frames[0]?.code, 'ROOM_NOT_MEMBER');
        assert.equal(await outsider.closed(), CloseCodes.NOT_FOUND);
        // A connection that never says hello is closed when the hello deadline passes.
        const silent = new Client(member, server, roomId);
        await silent.open({ hello: false });
        await server.advance(10_000);
        assert.equal(await silent.closed(), CloseCodes.HELLO);
        assert.equal(version(), v, 'nothing changed');
        assert.equal(cm.closeCode, null, 'the player’s other connection is untouched');
      });

      it('closes a connection whose frame holds a control character, naming where', async () => {
        const v = version();
        const cases: [Record<string, unknown>, string][] = [
          [{ t: 'ping', id: 'c\u0000' }, '/id holds a control character'],
          [{ t: 'act', v, id: 'a1', action: { type: 'call\u0007' } }, '/action/type holds a control character'],
          [{ t: 'ping', id: 'p1', 'k\u0085': 1 }, '/k? holds a control character'],
        ];
        for (const [frame, reason] of cases) {
          const c = await member.connect(roomId);
          c.raw(frame);
          assert.equal(await c.closed(), CloseCodes.MALFORMED, reason);
          const error = c.frames.find((f) => f.t === 'error');
          assert.equal(error?.code, 'ROOM_FRAME_INVALID');
          assert.equal((error?.details as { reason?: string } | undefined)?.reason, reason);
        }
        assert.equal(version(), v, 'nothing changed');
      });

      after(async () => {
        await checkNoHiddenCards(server, roomId, owner.id);
      });
    });

    it('closes a connection that floods the room (default limits)', async () => {
      const strict = new TestDatabase(backend);
      const s2 = await TestServer.start(strict, new ManualClock(Date.UTC(2026, 3, 1, 12)), { framesPerS: 10, framesBurstMax: 30 });
      try {
        const p = await s2.player('flooder', '10.9.9.9');
        await s2.fund(p.id, 'CNY', 10_000);
        const room = await p.createRoom({ fee: { mode: 'cash' } });
        const c = await p.connect(room.roomId);
        for (let i = 0; i < 200; i++) c.raw({ t: 'ping', id: `p${i}` });
        assert.equal(await c.closed(), CloseCodes.FLOOD);
        assert.equal(c.frames.find((f) => f.t === 'error')?.code, 'ROOM_RATE_LIMITED');
        assert.ok(c.frames.filter((f) => f.t === 'pong').length <= 30, 'at most the burst was answered');
      } finally {
        await s2.stop();
        await strict.destroy();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

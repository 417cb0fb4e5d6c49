// Anti-cheat and policy in rooms, on SQLite and PostgreSQL: same-IP seats refused; three seated
// players on one address dissolve the room with the "security risk" message (also when a
// reconnect brings the third); per-hand and per-day point caps from the policy; a minor whose
// window closes mid-hand is folded at the end of their turn and unseated; the per-hand identity
// check; prize distribution only under a policy that allows it; the risk gate.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { systemAccount } from '../../src/ledger/index.ts';
import { DEVELOPMENT_ROOM_LIMITS, fixedRoomPolicy, PLAY_WINDOW_READ_MAX_AGE_MS, SECURITY_RISK_MESSAGE } from '../../src/rooms/index.ts';
import { assertEveryFrameChecked, botRng, checkFairness, checkNoHiddenCards, handRecords, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, seatCashRoom, TestDatabase, TestServer, type ServerOptions } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`anti-cheat and policy on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });
    const start = async (o: ServerOptions = {}) => {
      const d = new TestDatabase(backend);
      dbs.push(d);
      return TestServer.start(d, new ManualClock(Date.UTC(2026, 6, 1, 4)), o);
    };
    let n = 0;
    const player = (server: TestServer, ip: string) => {
      n += 1;
      return server.player(`${backend.slice(0, 2)}ac${n}`, ip);
    };

    it('refuses a seat to a second player on the same address, but lets them watch', async () => {
      const server = await start();
      try {
        const a = await player(server, '192.0.2.1');
        await server.fund(a.id, 'CNY', 10_000);
        const room = await a.createRoom({ fee: { mode: 'cash' } });
        const b = await player(server, '192.0.2.1');
        const v = server.rooms.actor(room.roomId)?.state.version;
        const r = await b.join(room.code);
        assert.equal(r.status, 403);
        assert.equal(r.json.code, 'ROOM_SAME_IP');
        assert.equal(server.rooms.actor(room.roomId)?.state.version, v, 'nothing changed');
        assert.equal((await b.join(room.code, { role: 'observer' })).status, 200, 'spectators do not sit');
        const c = await player(server, '192.0.2.2');
        assert.equal((await c.join(room.code)).status, 200);
      } finally {
        await server.stop();
      }
    });

    it('dissolves the room with a security-risk message when a third seated player shares an address', async () => {
      const server = await start();
      try {
        const [a, b, c] = [
          await player(server, '198.51.100.7'),
          await player(server, '198.51.100.7'),
          await player(server, '198.51.100.7'),
        ];
        for (const p of [a, b, c]) await server.fund(p.id, 'CNY', 10_000);
        const room = await a.createRoom({ params: { mode: 'custom', seats: 4, sameIpAllowed: true }, fee: { mode: 'cash', payer: 'aa' } });
        assert.equal((await b.join(room.code)).status, 200, 'two on one address are allowed when the host allows it');
        const ca = await a.connect(room.roomId);
        const cb = await b.connect(room.roomId);
        const third = await c.join(room.code);
        assert.equal(third.status, 410);
        assert.equal(third.json.code, 'ROOM_SECURITY_RISK');
        await caughtUp(server, [ca, cb], room.roomId);
        for (const x of [ca, cb]) {
          const e = x.frames.flatMap((f) => f.events ?? []).find((ev: { kind: string }) => ev.kind === 'room_dissolved');
          assert.equal(e?.reason, 'security_risk');
          assert.equal(e?.message, SECURITY_RISK_MESSAGE);
          assert.match(SECURITY_RISK_MESSAGE, /安全风险/);
        }
        assert.equal(server.rooms.actor(room.roomId)?.state.status, 'dissolved');
        for (const p of [a, b, c])
          assert.deepEqual(await server.balance(p.id, 'CNY'), { posted: 10_000, available: 10_000 }, 'held fees refunded');
        assert.equal((await (await player(server, '203.0.113.5')).join(room.code)).json.code, 'ROOM_SECURITY_RISK');
        const signals = await server.platform.analytics.list({ kind: 'room_risk_same_ip_dissolved' });
        assert.ok(signals.some((s) => s.data.roomId === room.roomId));
      } finally {
        await server.stop();
      }
    });

    it('dissolves when a reconnect brings a third seated player onto one address', async () => {
      const server = await start();
      try {
        const [a, b, c] = [
          await player(server, '198.51.100.9'),
          await player(server, '198.51.100.9'),
          await player(server, '198.51.100.10'),
        ];
        await server.fund(a.id, 'CNY', 10_000);
        const room = await a.createRoom({ params: { mode: 'custom', seats: 3, sameIpAllowed: true }, fee: { mode: 'cash' } });
        for (const p of [b, c]) assert.equal((await p.join(room.code)).status, 200);
        const ca = await a.connect(room.roomId);
        c.ip = '198.51.100.9';
        const cc = await c.connect(room.roomId);
        await caughtUp(server, [ca, cc], room.roomId);
        assert.equal(server.rooms.actor(room.roomId)?.state.endReason, 'security_risk');
        assert.ok(ca.frames.some((f) => f.events?.some((e: { message?: string }) => e.message === SECURITY_RISK_MESSAGE)));
      } finally {
        await server.stop();
      }
    });

    it('keeps every hand and every day within the policy’s point caps', async () => {
      const limits = { ...DEVELOPMENT_ROOM_LIMITS, handPointsMax: 8, dayPointsMax: 30 };
      const server = await start({ policy: fixedRoomPolicy(limits) });
      try {
        const ps: Player[] = [];
        for (let i = 0; i < 4; i++) ps.push(await player(server, `10.80.0.${i + 1}`));
        await server.fund((ps[0] as Player).id, 'CNY', 10_000);
        // One player has nearly used up today's losses: too little left for an ante, so they sit out.
        await server.store.unitOfWork((tx) =>
          tx.run('INSERT INTO room_points_daily (player_id, day, won, lost) VALUES (?, ?, 0, ?)', [(ps[3] as Player).id, '2026-07-01', 29]),
        );
        const room = await (ps[0] as Player).createRoom({
          params: { mode: 'custom', seats: 4, rounds: 16, baseScore: 2, stakeCapMultiple: 5 },
          fee: { mode: 'cash' },
        });
        for (const p of ps.slice(1)) assert.equal((await p.join(room.code)).status, 200);
        const clients: Client[] = [];
        for (const p of ps) clients.push(await p.connect(room.roomId));
        await playRoom(server, clients, room.roomId, botRng(`${backend}-caps`), { handsMax: 5 });
        const records = await handRecords(server, room.roomId, (ps[0] as Player).id);
        assert.ok(records.size >= 5);
        const day = new Map<string, { won: number; lost: number }>();
        for (const r of records.values()) {
          assert.ok(!r.players.some((p) => p.playerId === (ps[3] as Player).id), 'the player at the day cap is not dealt in');
          for (const p of r.players) assert.ok(p.stackPoints !== null && p.stackPoints <= 8, 'stacks carry the caps');
          for (const d of r.deltas) {
            assert.ok(Math.abs(d.points) <= 8, `hand ${r.handNumber}: ${d.points} within the per-hand cap`);
            const u = day.get(d.playerId) ?? { won: 0, lost: 0 };
            if (d.points > 0) u.won += d.points;
            else u.lost -= d.points;
            day.set(d.playerId, u);
          }
          assert.equal(
            r.deltas.reduce((a, d) => a + d.points, 0),
            0,
          );
        }
        for (const [pid, u] of day) assert.ok(u.won <= 30 && u.lost <= 30, `${pid} within the day cap: ${JSON.stringify(u)}`);
        const stored = await server.store.reader.query<{ player_id: string; won: unknown; lost: unknown }>(
          'SELECT player_id, won, lost FROM room_points_daily',
        );
        for (const [pid, u] of day) {
          const row = stored.find((r) => r.player_id === pid);
          assert.equal(Number(row?.won), u.won);
          assert.equal(Number(row?.lost), u.lost);
        }
        await checkNoHiddenCards(server, room.roomId, (ps[0] as Player).id);
      } finally {
        await server.stop();
      }
    });

    it('folds a minor at the end of their turn when their window closes, then unseats them', async () => {
      const windows = new Map<string, number>();
      const server = await start({ policy: fixedRoomPolicy(DEVELOPMENT_ROOM_LIMITS, windows) });
      try {
        const { players, room, clients } = await seatCashRoom(server, `${backend.slice(0, 2)}mw`, '10.81.0');
        const [owner, minor] = players as [Player, Player, Player];
        const [co, cm, cx] = clients as [Client, Client, Client];
        const all = [co, cm, cx];
        windows.set(minor.id, server.clock.nowMs() + 10_000);
        for (const c of all) {
          assert.equal((await c.send({ t: 'ready', ready: true })).t, 'ok');
          await caughtUp(server, all, room.roomId);
        }
        const s = server.rooms.actor(room.roomId)?.state;
        assert.equal(s?.hand?.state.turnSeat, cm.seat, 'the minor acts first (dealer is the owner’s seat)');
        await server.advance(10_000);
        await caughtUp(server, all, room.roomId);
        assert.equal(server.rooms.actor(room.roomId)?.state.members.find((m) => m.playerId === minor.id)?.windowClosed, true);
        const refused = await cm.send({ t: 'act', action: { type: 'call' } });
        assert.equal(refused.code, 'ROOM_PLAY_WINDOW_CLOSED');
        await server.advance(20_000);
        await caughtUp(server, all, room.roomId);
        const hand = server.rooms.actor(room.roomId)?.state.hand;
        const folded = hand?.state.players.find((p) => p.seat === cm.seat);
        assert.equal(folded?.status, 'folded', 'folded at the end of the turn');
        assert.equal(hand?.actions.last?.auto, true);
        await playRoom(server, [co, cx], room.roomId, botRng(`${backend}-minor`), { handsMax: 1 });
        assert.ok(!server.rooms.actor(room.roomId)?.state.members.some((m) => m.playerId === minor.id), 'unseated after the hand');
        assert.equal(cm.frames.find((f) => f.t === 'closed')?.reason, 'play_window');
        assert.equal((await minor.join(room.code)).json.code, 'ROOM_PLAY_WINDOW_CLOSED');
        await checkNoHiddenCards(server, room.roomId, owner.id);
      } finally {
        await server.stop();
      }
    });

    it('reads a play window again at the start when the ready clicks were longer ago than its read may be kept', async () => {
      const windows = new Map<string, number>();
      const server = await start({ policy: fixedRoomPolicy(DEVELOPMENT_ROOM_LIMITS, windows) });
      try {
        const { players, room, clients } = await seatCashRoom(server, `${backend.slice(0, 2)}mr`, '10.81.1');
        const minor = players[1] as Player;
        const [co, cm, cx] = clients as [Client, Client, Client];
        const all = [co, cm, cx];
        for (const c of [co, cm]) {
          assert.equal((await c.send({ t: 'ready', ready: true })).t, 'ok');
          await caughtUp(server, all, room.roomId);
        }
        // The minor's window closes (an override, say) while the table waits for its last click.
        windows.set(minor.id, server.clock.nowMs());
        await server.advance(PLAY_WINDOW_READ_MAX_AGE_MS);
        assert.equal((await cx.send({ t: 'ready', ready: true })).t, 'ok');
        await caughtUp(server, all, room.roomId);
        const s = server.rooms.actor(room.roomId)?.state;
        assert.equal(s?.hand, null, 'no hand starts with a closed window at the table');
        assert.ok(!s?.members.some((m) => m.playerId === minor.id && m.seat !== null), 'the minor left the seat');
        assert.equal(cm.frames.find((f) => f.t === 'closed')?.reason, 'play_window');
      } finally {
        await server.stop();
      }
    });

    it('asks for a face check before each hand when the room says so, with one-time tickets of the player’s own', async () => {
      const server = await start();
      try {
        const [a, b] = [await player(server, '10.82.0.1'), await player(server, '10.82.0.2')];
        await server.fund(a.id, 'CNY', 10_000);
        const room = await a.createRoom({ params: { mode: 'custom', seats: 2, identityCheck: true }, fee: { mode: 'cash' } });
        assert.equal((await b.join(room.code)).status, 200);
        const [ca, cb] = [await a.connect(room.roomId), await b.connect(room.roomId)];
        const all = [ca, cb];
        const ticket = async (p: Player) => {
          const r = await p.http('POST', '/api/sandbox/face-check/tickets');
          assert.equal(r.status, 201, JSON.stringify(r.json));
          return (r.json as { ticket: string }).ticket;
        };
        assert.equal((await ca.send({ t: 'ready', ready: true })).code, 'ROOM_IDENTITY_REQUIRED');
        assert.equal((await ca.send({ t: 'identity', ticket: 'someone-else' })).code, 'ROOM_IDENTITY_FAILED');
        assert.equal((await ca.send({ t: 'identity', ticket: await ticket(b) })).code, 'ROOM_IDENTITY_FAILED', "another player's ticket");
        assert.ok((await server.platform.analytics.list({ kind: 'room_risk_identity_check_failed' })).some((e) => e.actorId === a.id));
        const used = await ticket(a);
        for (const [c, t] of [
          [ca, used],
          [cb, await ticket(b)],
        ] as const) {
          assert.equal((await c.send({ t: 'identity', ticket: t })).t, 'ok');
          await caughtUp(server, all, room.roomId);
          assert.equal((await c.send({ t: 'ready', ready: true })).t, 'ok');
          await caughtUp(server, all, room.roomId);
        }
        assert.ok(server.rooms.actor(room.roomId)?.state.hand, 'the hand starts once both are checked and ready');
        await playRoom(server, all, room.roomId, botRng(`${backend}-id`), { stopAt: (s) => s.hand === null });
        assert.equal((await ca.send({ t: 'ready', ready: true })).code, 'ROOM_IDENTITY_REQUIRED', 'the next hand needs a new check');
        assert.equal((await ca.send({ t: 'identity', ticket: used })).code, 'ROOM_IDENTITY_FAILED', 'a ticket works once');
        const other = await b.connect(room.roomId);
        assert.equal((await other.send({ t: 'identity', ticket: await ticket(b) })).t, 'ok');
        await checkNoHiddenCards(server, room.roomId, a.id);
      } finally {
        await server.stop();
      }
    });

    it('refuses a room that asks for a face check when no face-check provider is bound, and one the policy forbids', async () => {
      const server = await start({ faceCheck: null });
      const strict = await start({ policy: fixedRoomPolicy({ ...DEVELOPMENT_ROOM_LIMITS, faceCheck: 'off' }) });
      try {
        for (const s of [server, strict]) {
          const a = await player(s, '10.83.0.1');
          await s.fund(a.id, 'CNY', 10_000);
          const r = await a.http('POST', '/api/rooms', {
            params: { mode: 'custom', seats: 2, identityCheck: true },
            fee: { mode: 'cash' },
          });
          assert.equal(r.status, 409);
          assert.equal((r.json as { code: string }).code, 'ROOM_FACE_CHECK_UNAVAILABLE');
          assert.equal((await a.http('POST', '/api/rooms', { params: { mode: 'custom', seats: 2 }, fee: { mode: 'cash' } })).status, 201);
        }
        const a = await player(server, '10.83.0.2');
        const t = await a.http('POST', '/api/sandbox/face-check/tickets');
        assert.equal((t.json as { code: string }).code, 'ROOM_FACE_CHECK_UNAVAILABLE', 'no stand-in, no sandbox tickets');
      } finally {
        await server.stop();
        await strict.stop();
      }
    });

    it('asks every room for the face check when the policy requires it', async () => {
      const server = await start({ policy: fixedRoomPolicy({ ...DEVELOPMENT_ROOM_LIMITS, faceCheck: 'required' }) });
      try {
        const a = await player(server, '10.84.0.1');
        await server.fund(a.id, 'CNY', 10_000);
        const room = await a.createRoom({ params: { mode: 'custom', seats: 2 }, fee: { mode: 'cash' } });
        assert.equal(server.rooms.actor(room.roomId)?.state.params.identityCheck, true);
        const c = await a.connect(room.roomId);
        assert.equal((await c.send({ t: 'ready', ready: true })).code, 'ROOM_IDENTITY_REQUIRED');
      } finally {
        await server.stop();
      }
    });

    it('pays the cash remainder out by the final scoreboard only under a policy that allows prizes', async () => {
      const server = await start({ policy: fixedRoomPolicy({ ...DEVELOPMENT_ROOM_LIMITS, cashRemainder: 'prize_by_scoreboard' }) });
      try {
        const ps: Player[] = [];
        for (let i = 0; i < 3; i++) ps.push(await player(server, `10.83.0.${i + 1}`));
        for (const p of ps) await server.fund(p.id, 'CNY', 10_000);
        const revenueBefore = (await server.platform.ledger.balance(systemAccount('revenue', 'CNY')))?.postedFen ?? 0;
        const room = await (ps[0] as Player).createRoom({ fee: { mode: 'cash', payer: 'aa' } });
        for (const p of ps.slice(1)) assert.equal((await p.join(room.code)).status, 200);
        const clients: Client[] = [];
        for (const p of ps) clients.push(await p.connect(room.roomId));
        await playRoom(server, clients, room.roomId, botRng(`${backend}-prize`));
        const s = server.rooms.actor(room.roomId)?.state;
        assert.equal(s?.status, 'finished');
        const revenue = ((await server.platform.ledger.balance(systemAccount('revenue', 'CNY')))?.postedFen ?? 0) - revenueBefore;
        assert.equal(revenue, 3 * 20, 'the platform keeps only its 10 % commission');
        assert.equal((await server.platform.ledger.balance(`room:${room.roomId}:CNY`))?.postedFen, 0, 'the escrow is paid out');
        const winners = (s?.scores ?? []).filter((l) => l.points > 0);
        const totalWin = winners.reduce((a, l) => a + l.points, 0);
        let paid = 0;
        const finalScores: readonly { playerId: string; points: number }[] = s?.scores ?? [];
        for (const p of ps) {
          const line = finalScores.find((l) => l.playerId === p.id);
          const got = (await server.balance(p.id, 'CNY')).posted - (10_000 - 200);
          paid += got;
          if (totalWin === 0) assert.equal(got, 180, 'no winner: each payer gets their remainder back');
          else if (!line || line.points <= 0) assert.equal(got, 0, 'nothing for a non-positive score');
          else assert.ok(Math.abs(got - Math.floor((540 * line.points) / totalWin)) <= 1, 'a share in proportion to the score');
        }
        assert.equal(paid, 540, 'the whole remainder is paid');
        const inv = await server.platform.ledger.checkInvariants();
        assert.ok(inv.ok, inv.problems.join('; '));
        await checkFairness(server, room.roomId, (ps[0] as Player).id);
        await checkNoHiddenCards(server, room.roomId, (ps[0] as Player).id);
      } finally {
        await server.stop();
      }
    });

    it('refuses cash rooms under a policy without them, and players the risk domain restricts', async () => {
      const restricted = new Set<string>();
      const server = await start({
        policy: fixedRoomPolicy({ ...DEVELOPMENT_ROOM_LIMITS, cashModeAllowed: false }),
        extra: {
          riskGate: {
            async allows(playerId) {
              return restricted.has(playerId)
                ? { allow: false, code: 'CREDIT_SCORE_LOW', message: 'credit score too low' }
                : { allow: true };
            },
          },
        },
      });
      try {
        const a = await player(server, '10.84.0.1');
        const cash = await a.http('POST', '/api/rooms', { fee: { mode: 'cash' } });
        assert.equal(cash.json.code, 'ROOM_CASH_MODE_DISABLED');
        assert.equal((await a.http('POST', '/api/rooms/quote', { fee: { mode: 'cash' } })).json.code, 'ROOM_CASH_MODE_DISABLED');
        await server.fund(a.id, 'CNY', 10_000);
        assert.equal((await a.http('POST', '/api/rooms/cards/purchase', { quantity: 3, idempotencyKey: 'risk-cards-0001' })).status, 201);
        const room = await a.createRoom({});
        const b = await player(server, '10.84.0.2');
        restricted.add(b.id);
        const r = await b.join(room.code, { role: 'observer' });
        assert.equal(r.status, 403);
        assert.equal(r.json.code, 'ROOM_RISK_DENIED');
        assert.equal(r.json.details.reason, 'CREDIT_SCORE_LOW');
        restricted.add(a.id);
        const again = await a.http('POST', '/api/rooms', {});
        assert.equal(again.json.code, 'ROOM_RISK_DENIED');
      } finally {
        await server.stop();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

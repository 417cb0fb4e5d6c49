// Rooms → risk, end to end: every finished hand's summary reaches the risk domain in the hand's
// unit, the `risk.hands` pass judges it, a pair that never confronts each other is flagged with
// evidence and the policy dissolves their live room through the bound port; a dissolution that
// fails is retried and reported as the pass's error, never swallowed; a room played to its end
// gives its players credit back. On SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { defaultRiskConfig, type RiskConfig, RoomActionFailed } from '../../src/risk/index.ts';
import { botRng, chooseAction, playRoom } from './bots.ts';
import { BACKENDS, type Client, type Frame, type Player, TestDatabase, TestServer } from './harness.ts';

// One room holds at most 16 hands: the pair thresholds are lowered to what one room can show.
const base = defaultRiskConfig();
const riskConfig: RiskConfig = {
  ...base,
  collusion: { ...base.collusion, pairHandsMin: 8, compareChancesMin: 6, avoidanceZMinPermille: 2000 },
};

for (const backend of BACKENDS) {
  describe(`fair play in rooms on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let n = 0;
    const fresh = async () => {
      n += 1;
      const p = await server.player(`${backend.slice(0, 2)}fp${n}`, `10.70.${n}.1`);
      await server.fund(p.id, 'CNY', 50_000);
      return p;
    };
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 4, 1, 12)), { riskConfig });
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    async function room(players: Player[], rounds: number): Promise<{ roomId: string; clients: Client[] }> {
      const [owner, ...rest] = players as [Player, ...Player[]];
      const r = await owner.createRoom({
        params: { mode: 'custom', seats: players.length, rounds },
        fee: { mode: 'cash', payer: 'owner' },
      });
      for (const p of rest) assert.equal((await p.join(r.code)).status, 200);
      const clients: Client[] = [];
      for (const p of players) clients.push(await p.connect(r.roomId));
      return { roomId: r.roomId, clients };
    }

    it('flags a soft-playing pair with its evidence and dissolves their live room by policy; the honest player is not flagged', async () => {
      const [a, b, c] = [await fresh(), await fresh(), await fresh()];
      const { roomId, clients } = await room([a, b, c], 16);
      const partner = new Map([
        [a.id, b.id],
        [b.id, a.id],
      ]);
      const seatOf = (playerId: string) => server.rooms.actor(roomId)?.state.members.find((m) => m.playerId === playerId)?.seat;
      // The colluders never compare against each other and never fold to the honest player's bets: they compare against him.
      const choose = (cl: Client, legal: Frame, rng: ReturnType<typeof botRng>): Frame => {
        const mate = partner.get(cl.player.id);
        if (mate === undefined) return chooseAction(legal, rng);
        const targets = (legal.compare?.targetSeats ?? []) as number[];
        const honest = targets.filter((t) => t !== seatOf(mate));
        if (honest.length > 0) return { type: 'compare', targetSeat: honest[0] };
        if (legal.call) return { type: 'call' };
        return chooseAction({ ...legal, compare: undefined }, rng);
      };
      await playRoom(server, clients, roomId, botRng(`fp-${backend}`), { handsMax: 14, choose });
      assert.equal(server.rooms.actor(roomId)?.state.status, 'playing', 'the room is still live before the pass');

      const report = await server.platform.risk.judgeRoomHands();
      assert.ok(report.hands >= 14, `every finished hand reached risk (${report.hands})`);
      assert.equal(report.roomsDissolved, 1);
      await server.settle();
      const state = server.rooms.actor(roomId)?.state;
      assert.equal(state?.status, 'dissolved');
      assert.equal(state?.endReason, 'fair_play');

      for (const p of [a, b]) {
        const soft = (await server.platform.risk.signalsOf(p.id)).filter((s) => s.kind === 'soft_play');
        assert.equal(soft.length, 1, 'one finding per pair, with evidence');
        const ev = soft[0]?.evidence as { pair: string[]; avoidancePermille: number; hands: number };
        assert.deepEqual([...ev.pair].sort(), [a.id, b.id].sort());
        assert.equal(ev.avoidancePermille, 0);
        assert.ok((await server.platform.risk.restrictionFor(p.id, 'join_room')) !== null, 'a severe signal restricts the colluder');
      }
      assert.deepEqual(
        (await server.platform.risk.signalsOf(c.id)).filter((s) => s.kind === 'soft_play' || s.kind === 'chip_dumping'),
        [],
      );
      const actions = await server.platform.risk.roomActions(10);
      assert.equal(actions.find((x) => x.roomId === roomId)?.status, 'done');

      // A second pass finds nothing new: no second signal, no second dissolution.
      const again = await server.platform.risk.judgeRoomHands();
      assert.equal(again.roomsDissolved, 0);
      assert.equal((await server.platform.risk.signalsOf(a.id)).filter((s) => s.kind === 'soft_play').length, 1);
      for (const cl of clients) cl.close();
    });

    it('gives credit back to the players of a room played to its end', async () => {
      const [a, b] = [await fresh(), await fresh()];
      const { roomId, clients } = await room([a, b], 8);
      const before = await server.platform.risk.credit(a.id);
      await server.store.unitOfWork((tx) =>
        server.platform.risk.recordRoomSignal(tx, { kind: 'early_exit', playerId: a.id, roomId, reason: 'left' }),
      );
      const lowered = await server.platform.risk.credit(a.id);
      assert.ok(lowered < before);
      await playRoom(server, clients, roomId, botRng(`fp-end-${backend}`));
      assert.equal(server.rooms.actor(roomId)?.state.status ?? 'finished', 'finished');
      const history = await server.platform.risk.creditHistory(a.id);
      assert.ok(history.some((h) => h.reason === 'room_completed' && h.subjectId === roomId));
      assert.equal(await server.platform.risk.credit(a.id), lowered + riskConfig.credit.completedRoom);
      for (const cl of clients) cl.close();
    });

    it('surfaces a dissolution the rooms domain cannot carry out, and retries it on the next pass', async () => {
      const roomId = 'room_missing_live';
      // A room the database says is live but no process holds: the rooms domain refuses.
      await server.store.unitOfWork(async (tx) => {
        await tx.run(
          `INSERT INTO risk_room_actions (room_id, action, reason, evidence, status, attempts, last_error, created_at_ms, updated_at_ms)
           VALUES (?, 'dissolve', 'soft_play', '{}', 'pending', 0, NULL, ?, ?)`,
          [roomId, tx.nowMs, tx.nowMs],
        );
        await tx.run(
          `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played, created_at_ms, retain_until_ms)
           VALUES (?, '999999', 'nobody', 'playing', 'custom', 3, 8, 1, 'cards', 'owner', 0, '{}', 1, ?, ?)`,
          [roomId, tx.nowMs, tx.nowMs + 86_400_000],
        );
      });
      await assert.rejects(
        server.platform.risk.judgeRoomHands(),
        (e: unknown) => e instanceof RoomActionFailed && e.roomIds.includes(roomId),
      );
      const a1 = (await server.platform.risk.roomActions(50)).find((x) => x.roomId === roomId);
      assert.equal(a1?.status, 'failed');
      assert.equal(a1?.attempts, 1);
      assert.match(a1?.lastError ?? '', /not held by this process|no such room|ROOM/i);
      await assert.rejects(server.platform.risk.judgeRoomHands(), RoomActionFailed);
      assert.equal((await server.platform.risk.roomActions(50)).find((x) => x.roomId === roomId)?.attempts, 2);
    });
  });
}

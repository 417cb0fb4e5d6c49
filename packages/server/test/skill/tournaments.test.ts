// Tournaments on SQLite and PostgreSQL: settlement by the prize table (with tied places sharing),
// no-shows, cancellation for too few players, by an operator, or because nobody played; the
// ledger's invariants after each.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TestClient, type World } from './helpers.ts';

const OPERATOR = { id: 'op_test', username: 'tester' };
const FEE = 1000;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'OK';
}

for (const backend of backends()) {
  describe(`tournaments on ${backend.name}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 4, 1));
    let w: World;
    before(async () => {
      w = await openWorld(backend, clock);
    });
    afterEach(() => w.assertInvariants());
    after(() => w.close());

    const create = (over: Partial<Parameters<World['skill']['tournaments']['create']>[1]> = {}) =>
      w.skill.tournaments.create(OPERATOR, {
        game: 'match3',
        title: 'Sunday cup',
        entryFeeFen: FEE,
        rakeBps: 1000,
        prizeWeights: [50, 30, 20],
        playersMin: 3,
        playersMax: 6,
        entryClosesAtMs: clock.nowMs() + 600_000,
        endsAtMs: clock.nowMs() + 3_600_000,
        ...over,
      });

    /** Enters and plays `moves` of a fixed line (every entrant sees the same board, so a longer prefix scores more). */
    async function enterAndPlay(id: string, playerId: string, line: { from: number; to: number }[] | null, moves: number) {
      await w.skill.tournaments.enter(playerId, id);
      const s = await w.skill.tournaments.play(playerId, id);
      const c = new TestClient(w, playerId, s);
      if (line === null) await c.play(moves);
      else await c.copy(line.slice(0, moves).map((move, i) => ({ seq: i + 1, atMs: 1000 * (i + 1), move })));
      await w.skill.finish(playerId, s.sessionId, null);
      return c;
    }

    it('settles by the prize table: the pool minus the rake, tied places sharing their prizes, no-shows paying in', async () => {
      const t = await create({ playersMax: 6 });
      assert.equal(t.status, 'open');
      assert.equal(t.seedHex, null);
      const players = await Promise.all([1, 2, 3, 4, 5].map(() => w.player(5000)));
      const [p1, p2, p3, p4, p5] = players as [string, string, string, string, string];
      // p1 plays a full game and defines the line the others follow for fewer moves.
      const first = await enterAndPlay(t.tournamentId, p1, null, 12);
      const line = first.log.map((c) => c.move);
      await enterAndPlay(t.tournamentId, p2, line, 6);
      await enterAndPlay(t.tournamentId, p3, line, 6);
      await enterAndPlay(t.tournamentId, p4, line, 2);
      await w.skill.tournaments.enter(p5, t.tournamentId); // enters, never plays
      for (const p of players) assert.equal(await w.availableFen(p), 5000 - FEE);
      assert.deepEqual(await w.escrowFen('tournament', t.tournamentId), { posted: 0, pending: 5 * FEE });

      clock.advanceMs(600_000);
      assert.equal((await w.skill.sweep()).tournamentsClosed, 1);
      assert.equal((await w.skill.tournaments.get(null, t.tournamentId)).status, 'running');
      assert.equal(await codeOf(w.skill.tournaments.enter(await w.player(5000), t.tournamentId)), 'SKILL_TOURNAMENT_CLOSED');
      clock.setMs(t.endsAtMs);
      assert.equal((await w.skill.sweep()).tournamentsSettled, 1);

      // Pool 5000, rake 500, prizes 4500 × 50/30/20 = 2250, 1350, 900. p2 and p3 tie for 2nd and
      // share 2nd and 3rd places: (1350 + 900) / 2 = 1125 each. p4 is 4th: no prize.
      const settled = await w.skill.tournaments.get(p2, t.tournamentId);
      assert.equal(settled.status, 'settled');
      assert.deepEqual([settled.poolFen, settled.rakeFen], [5000, 500]);
      assert.deepEqual(settled.you, {
        status: 'paid',
        sessionId: settled.you?.sessionId ?? null,
        score: settled.you?.score ?? null,
        rank: 2,
        prizeFen: 1125,
      });
      assert.deepEqual(
        settled.standings.map((s) => [s.rank, s.prizeFen]),
        [
          [1, 2250],
          [2, 1125],
          [2, 1125],
          [4, 0],
          [null, 0],
        ],
      );
      assert.equal(await w.availableFen(p1), 5000 - FEE + 2250);
      assert.equal(await w.availableFen(p2), 5000 - FEE + 1125);
      assert.equal(await w.availableFen(p3), 5000 - FEE + 1125);
      assert.equal(await w.availableFen(p4), 5000 - FEE);
      assert.equal(await w.availableFen(p5), 5000 - FEE);
      assert.deepEqual(await w.escrowFen('tournament', t.tournamentId), { posted: 0, pending: 0 });
      assert.match(settled.seedHex ?? '', /^[0-9a-f]{64}$/);
      const inbox = await w.notifications.inbox(p1, undefined, 5);
      assert.equal(inbox.items[0]?.data.prizeFen, 2250);
    });

    it('settles as soon as every entrant has played once entries are closed', async () => {
      const t = await create({ playersMin: 2, entryClosesAtMs: clock.nowMs() + 60_000, endsAtMs: clock.nowMs() + 7_200_000 });
      const a = await w.player(5000);
      const b = await w.player(5000);
      const ca = await enterAndPlay(t.tournamentId, a, null, 12);
      await enterAndPlay(
        t.tournamentId,
        b,
        ca.log.map((c) => c.move),
        3,
      );
      clock.advanceMs(60_000);
      const r = await w.skill.sweep();
      assert.deepEqual([r.tournamentsClosed, r.tournamentsSettled], [1, 1]);
      // Two players and three places: the weights of the first two places share the pool.
      const view = await w.skill.tournaments.get(a, t.tournamentId);
      assert.deepEqual(
        view.standings.map((s) => s.prizeFen),
        [1125, 675],
      );
    });

    it('cancels and refunds everyone when too few players entered by the close', async () => {
      const t = await create({ playersMin: 3 });
      const a = await w.player(5000);
      const b = await w.player(5000);
      await w.skill.tournaments.enter(a, t.tournamentId);
      await w.skill.tournaments.enter(b, t.tournamentId);
      clock.advanceMs(590_000);
      await w.skill.tournaments.play(a, t.tournamentId);
      clock.advanceMs(10_000);
      await w.skill.sweep();
      const view = await w.skill.tournaments.get(a, t.tournamentId);
      assert.deepEqual([view.status, view.closeReason, view.you?.status], ['cancelled', 'not_enough_players', 'refunded']);
      assert.equal(await w.availableFen(a), 5000);
      assert.equal(await w.availableFen(b), 5000);
      const sessions = await w.store.reader.query<{ status: string }>('SELECT status FROM skill_sessions WHERE tournament_id = ?', [
        t.tournamentId,
      ]);
      assert.deepEqual(
        sessions.map((s) => s.status),
        ['cancelled'],
      );
    });

    it('cancels and refunds when an operator cancels, and when nobody played', async () => {
      const t = await create();
      const ps = await Promise.all([1, 2, 3].map(() => w.player(5000)));
      for (const p of ps) await w.skill.tournaments.enter(p, t.tournamentId);
      const s = await w.skill.tournaments.play(ps[0]!, t.tournamentId);
      const view = await w.skill.tournaments.cancel(OPERATOR, t.tournamentId, 'server maintenance');
      assert.equal(view.status, 'cancelled');
      for (const p of ps) assert.equal(await w.availableFen(p), 5000);
      assert.equal(
        await codeOf(w.skill.submit(ps[0]!, s.sessionId, [{ seq: 1, atMs: 1, move: { from: 0, to: 1 } }])),
        'SKILL_SESSION_ENDED',
      );
      assert.equal(await codeOf(w.skill.tournaments.cancel(OPERATOR, t.tournamentId, 'again')), 'SKILL_TOURNAMENT_OVER');

      const quiet = await create();
      const qs = await Promise.all([1, 2, 3].map(() => w.player(5000)));
      for (const p of qs) await w.skill.tournaments.enter(p, quiet.tournamentId);
      clock.setMs(quiet.endsAtMs);
      await w.skill.sweep();
      const q = await w.skill.tournaments.get(null, quiet.tournamentId);
      assert.deepEqual([q.status, q.closeReason], ['cancelled', 'nobody_played']);
      for (const p of qs) assert.equal(await w.availableFen(p), 5000);
    });

    it('refuses bad settings, double entries, full tournaments, play without entry, linked entrants and entries without funds', async () => {
      assert.equal(await codeOf(create({ prizeWeights: [20, 30] })), 'SKILL_TOURNAMENT_INVALID');
      assert.equal(await codeOf(create({ playersMin: 1 })), 'SKILL_TOURNAMENT_INVALID');
      assert.equal(await codeOf(create({ endsAtMs: clock.nowMs() + 600_000 })), 'SKILL_TOURNAMENT_INVALID');
      const t = await create({ playersMin: 2, playersMax: 2 });
      const [a, b, c, alt] = await Promise.all([1, 2, 3, 4].map(() => w.player(5000)));
      w.linked.link(a!, alt!);
      assert.equal(await codeOf(w.skill.tournaments.play(a!, t.tournamentId)), 'SKILL_TOURNAMENT_NOT_ENTERED');
      await w.skill.tournaments.enter(a!, t.tournamentId);
      assert.equal(await codeOf(w.skill.tournaments.enter(a!, t.tournamentId)), 'SKILL_TOURNAMENT_ENTERED');
      assert.equal(await codeOf(w.skill.tournaments.enter(alt!, t.tournamentId)), 'SKILL_TOURNAMENT_LINKED_ENTRANT');
      const poor = await w.player(10);
      assert.equal(await codeOf(w.skill.tournaments.enter(poor, t.tournamentId)), 'LEDGER_INSUFFICIENT_FUNDS');
      assert.equal((await w.skill.tournaments.get(null, t.tournamentId)).entries, 1, 'a failed entry takes no place');
      await w.skill.tournaments.enter(b!, t.tournamentId);
      assert.equal(await codeOf(w.skill.tournaments.enter(c!, t.tournamentId)), 'SKILL_TOURNAMENT_FULL');
      await w.skill.tournaments.play(a!, t.tournamentId);
      assert.equal(await codeOf(w.skill.tournaments.play(a!, t.tournamentId)), 'SKILL_TOURNAMENT_PLAYED');
      await w.skill.tournaments.cancel(OPERATOR, t.tournamentId, 'test over');
      assert.equal(await w.availableFen(poor), 10);
    });
  });
}

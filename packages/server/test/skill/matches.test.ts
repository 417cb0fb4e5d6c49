// Paid head-to-head matches on SQLite and PostgreSQL: every way a match can end, with the money
// checked to the fen and the ledger's invariants checked after each.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import { MATCH3 } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TEST_GAME, TestClient, type World } from './helpers.ts';

const FEE = 500;
// 10% of the 1000 pool.
const RAKE = 100;
const PRIZE = 900;

async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
  } catch (e) {
    if (isAppError(e)) return e.code;
    throw e;
  }
  return 'OK';
}

let keySeq = 0;
const key = () => `req-${++keySeq}-${Date.now()}`;

for (const backend of backends()) {
  describe(`head-to-head matches on ${backend.name}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 3, 2));
    let w: World;
    let tieRefund: World;
    before(async () => {
      w = await openWorld(backend, clock);
      tieRefund = await openWorld(backend, clock, [{ ...TEST_GAME, tieRule: 'refund' }]);
    });
    afterEach(async () => {
      await w.assertInvariants();
      await tieRefund.assertInvariants();
    });
    after(async () => {
      await w.close();
      await tieRefund.close();
    });

    /** Host and challenger with fresh funds; the host plays first. */
    async function pair(world = w) {
      const host = await world.player(10_000);
      const challenger = await world.player(10_000);
      const revenue0 = await world.revenueFen();
      const h = await world.skill.startMatch(host, { game: 'match3', entryFeeFen: FEE, requestKey: key() });
      assert.equal(h.match.role, 'host');
      assert.equal(h.match.status, 'open');
      assert.equal(await world.availableFen(host), 10_000 - FEE, 'the fee is held as soon as the host starts');
      const c = await world.skill.startMatch(challenger, { game: 'match3', entryFeeFen: FEE, requestKey: key() });
      assert.equal(c.match.role, 'challenger');
      assert.equal(c.match.matchId, h.match.matchId);
      assert.equal(c.session.commitment, h.session.commitment, 'both play the same seed');
      assert.deepEqual(c.session.view.board, h.session.view.board);
      assert.equal(await world.availableFen(challenger), 10_000 - FEE);
      assert.deepEqual(await world.escrowFen('match', h.match.matchId), { posted: 0, pending: 2 * FEE });
      return { host, challenger, h, c, matchId: h.match.matchId, revenue0 };
    }

    it('pays the higher score the pool minus the rake and books the rake', async () => {
      const { host, challenger, h, c, matchId, revenue0 } = await pair();
      const hc = new TestClient(w, host, h.session);
      await hc.play(12);
      const mid = await w.skill.match(challenger, matchId);
      assert.equal(mid.opponent.score, null, 'the host’s score stays hidden until the match is over');
      // The challenger plays the host's first four moves and stops: a strictly lower score.
      const cc = new TestClient(w, challenger, c.session);
      await cc.copy(hc.log.slice(0, 4));
      const result = await w.skill.finish(challenger, c.session.sessionId, cc.game.score);
      assert.equal(result.match?.status, 'settled');
      assert.equal(result.match?.verdict, 'lost');
      assert.equal(result.match?.opponent.score, hc.game.score);
      assert.equal(await w.availableFen(host), 10_000 - FEE + PRIZE);
      assert.equal(await w.availableFen(challenger), 10_000 - FEE);
      assert.equal((await w.revenueFen()) - revenue0, RAKE);
      assert.deepEqual(await w.escrowFen('match', matchId), { posted: 0, pending: 0 });
      const seen = await w.skill.match(host, matchId);
      assert.deepEqual([seen.verdict, seen.payoutFen, seen.outcome], ['won', PRIZE, 'host_won']);
      assert.match(seen.seedHex ?? '', /^[0-9a-f]{64}$/, 'the seed is revealed once the match is over');
      const ratings = await w.skill.ratings.current(w.store.reader, 'match3', 'paid', [host, challenger], clock.nowMs());
      assert.ok(ratings.get(host)!.rating > 1500 && ratings.get(challenger)!.rating < 1500);
      const inbox = await w.notifications.inbox(host, undefined, 10);
      assert.equal(inbox.items[0]?.kind, 'skill_match_closed');
      assert.equal(inbox.items[0]?.data.verdict, 'won');
      // Either session verifies; the host's replay reveals the seed to its player.
      assert.equal((await w.skill.replay(host, h.session.sessionId)).verification.ok, true);
      assert.equal((await w.skill.replay(challenger, c.session.sessionId)).verification.ok, true);
    });

    it('splits a tie after the rake when the game splits ties', async () => {
      const { host, challenger, h, c, revenue0 } = await pair();
      // Equal play too short to judge as a copy (a longer copied log holds the match for review: fair-play.test.ts).
      const hc = new TestClient(w, host, h.session);
      await hc.play(5);
      await w.skill.finish(host, h.session.sessionId, null);
      const cc = new TestClient(w, challenger, c.session);
      await cc.copy(hc.log);
      assert.equal(cc.game.score, hc.game.score);
      const r = await w.skill.finish(challenger, c.session.sessionId, null);
      assert.deepEqual([r.match?.outcome, r.match?.verdict, r.match?.payoutFen], ['tie_split', 'tie', PRIZE / 2]);
      assert.equal(await w.availableFen(host), 10_000 - FEE + PRIZE / 2);
      assert.equal(await w.availableFen(challenger), 10_000 - FEE + PRIZE / 2);
      assert.equal((await w.revenueFen()) - revenue0, RAKE);
    });

    it('refunds both fees in full on a tie when the game refunds ties', async () => {
      const { host, challenger, h, c, matchId, revenue0 } = await pair(tieRefund);
      const hc = new TestClient(tieRefund, host, h.session);
      await hc.play(5);
      await tieRefund.skill.finish(host, h.session.sessionId, null);
      const cc = new TestClient(tieRefund, challenger, c.session);
      await cc.copy(hc.log);
      const r = await tieRefund.skill.finish(challenger, c.session.sessionId, null);
      assert.deepEqual([r.match?.outcome, r.match?.status, r.match?.verdict], ['tie_refund', 'refunded', 'refunded']);
      assert.equal(await tieRefund.availableFen(host), 10_000);
      assert.equal(await tieRefund.availableFen(challenger), 10_000);
      assert.equal(await tieRefund.revenueFen(), revenue0);
      assert.deepEqual(await tieRefund.escrowFen('match', matchId), { posted: 0, pending: 0 });
    });

    it('gives the match to the opponent of a player who abandons, whatever the scores', async () => {
      const { host, challenger, h, c } = await pair();
      const hc = new TestClient(w, host, h.session);
      await hc.play(2);
      await w.skill.finish(host, h.session.sessionId, null);
      const cc = new TestClient(w, challenger, c.session);
      await cc.play(10);
      assert.ok(cc.game.score > hc.game.score);
      const r = await w.skill.abandon(challenger, c.session.sessionId);
      assert.equal(r.status, 'abandoned');
      assert.deepEqual([r.match?.outcome, r.match?.verdict], ['host_won', 'lost']);
      assert.equal(await w.availableFen(host), 10_000 - FEE + PRIZE);
      assert.equal(await w.availableFen(challenger), 10_000 - FEE);
    });

    it('forfeits a player who times out (the sweep closes the session after its deadline)', async () => {
      const { host, challenger, h, c, matchId } = await pair();
      const cc = new TestClient(w, challenger, c.session);
      await cc.play(3);
      await w.skill.finish(challenger, c.session.sessionId, null);
      // The host made no move and never came back.
      clock.setMs(Math.max(clock.nowMs(), h.session.deadlineAtMs + 1));
      const report = await w.skill.sweep();
      assert.ok(report.sessionsTimedOut >= 1);
      const seen = await w.skill.match(challenger, matchId);
      assert.deepEqual([seen.outcome, seen.verdict, seen.opponent.status], ['challenger_won', 'won', 'timed_out']);
      assert.equal(await w.availableFen(challenger), 10_000 - FEE + PRIZE);
      assert.equal(await w.availableFen(host), 10_000 - FEE);
    });

    it('refunds both when both forfeit, and rates nobody', async () => {
      const { host, challenger, h, c, matchId } = await pair();
      await w.skill.abandon(host, h.session.sessionId);
      await w.skill.abandon(challenger, c.session.sessionId);
      const seen = await w.skill.match(host, matchId);
      assert.deepEqual([seen.status, seen.outcome, seen.payoutFen], ['refunded', 'both_forfeit', FEE]);
      assert.equal(await w.availableFen(host), 10_000);
      assert.equal(await w.availableFen(challenger), 10_000);
      const ratings = await w.skill.ratings.current(w.store.reader, 'match3', 'paid', [host], clock.nowMs());
      assert.equal(ratings.get(host)!.games, 0);
    });

    it('refunds the host in full when no opponent comes before the match’s wait runs out', async () => {
      const host = await w.player(10_000);
      const h = await w.skill.startMatch(host, { game: 'match3', entryFeeFen: 2000, requestKey: key() });
      const hc = new TestClient(w, host, h.session);
      await hc.play(12);
      assert.equal((await w.skill.match(host, h.match.matchId)).status, 'open');
      clock.advanceMs(TEST_GAME.matchWaitMs);
      const report = await w.skill.sweep();
      assert.equal(report.matchesExpired, 1);
      const seen = await w.skill.match(host, h.match.matchId);
      assert.deepEqual([seen.status, seen.outcome, seen.verdict, seen.payoutFen], ['refunded', 'no_opponent', 'refunded', 2000]);
      assert.equal(await w.availableFen(host), 10_000);
      // Nobody can join it any more.
      const late = await w.player(10_000);
      const l = await w.skill.startMatch(late, { game: 'match3', entryFeeFen: 2000, requestKey: key() });
      assert.equal(l.match.role, 'host');
      await w.skill.abandon(late, l.session.sessionId);
    });

    it('refunds a host who abandons before anyone joins', async () => {
      const host = await w.player(10_000);
      const h = await w.skill.startMatch(host, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      const r = await w.skill.abandon(host, h.session.sessionId);
      assert.deepEqual([r.match?.status, r.match?.outcome], ['refunded', 'no_opponent']);
      assert.equal(await w.availableFen(host), 10_000);
    });

    it('moves no money and creates nothing for a player without funds or asking for a fee not offered', async () => {
      const host = await w.player(10_000);
      const h = await w.skill.startMatch(host, { game: 'match3', entryFeeFen: 200, requestKey: key() });
      const poor = await w.player(150);
      assert.equal(
        await codeOf(w.skill.startMatch(poor, { game: 'match3', entryFeeFen: 200, requestKey: key() })),
        'LEDGER_INSUFFICIENT_FUNDS',
      );
      assert.equal(await w.availableFen(poor), 150);
      assert.equal((await w.skill.match(host, h.match.matchId)).status, 'open', 'the open match was not taken');
      const rows = await w.store.reader.query('SELECT id FROM skill_sessions WHERE player_id = ?', [poor]);
      assert.equal(rows.length, 0);
      assert.equal(await codeOf(w.skill.startMatch(poor, { game: 'match3', entryFeeFen: 300, requestKey: key() })), 'SKILL_STAKE_UNKNOWN');
      await w.skill.abandon(host, h.session.sessionId);
    });

    it('answers a retried start with the same match and session, holding the fee once', async () => {
      const p = await w.player(10_000);
      const k = key();
      const a = await w.skill.startMatch(p, { game: 'match3', entryFeeFen: 100, requestKey: k });
      const b = await w.skill.startMatch(p, { game: 'match3', entryFeeFen: 100, requestKey: k });
      assert.equal(b.session.sessionId, a.session.sessionId);
      assert.equal(b.match.matchId, a.match.matchId);
      assert.equal(await w.availableFen(p), 10_000 - 100);
      await w.skill.abandon(p, a.session.sessionId);
    });

    it('never matches a player with themself or with a linked account', async () => {
      const p = await w.player(10_000);
      const alt = await w.player(10_000);
      w.linked.link(p, alt);
      const a = await w.skill.startMatch(p, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      clock.advanceMs(1000);
      const b = await w.skill.startMatch(p, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      clock.advanceMs(1000);
      assert.equal(b.match.role, 'host');
      assert.notEqual(b.match.matchId, a.match.matchId);
      const c = await w.skill.startMatch(alt, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      assert.equal(c.match.role, 'host');
      const stranger = await w.player(10_000);
      const d = await w.skill.startMatch(stranger, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      assert.equal(d.match.role, 'challenger');
      assert.equal(d.match.matchId, a.match.matchId, 'the oldest acceptable match is taken first');
      for (const [who, s] of [
        [p, a],
        [p, b],
        [alt, c],
        [stranger, d],
      ] as const) {
        await w.skill.abandon(who, s.session.sessionId);
      }
    });

    it('stops pairing the same two players after the rematch limit, and widens the rating window with waiting time', async () => {
      const a = await w.player(100_000);
      const b = await w.player(100_000);
      for (let i = 0; i < 3; i++) {
        const h = await w.skill.startMatch(a, { game: 'match3', entryFeeFen: 200, requestKey: key() });
        const c = await w.skill.startMatch(b, { game: 'match3', entryFeeFen: 200, requestKey: key() });
        assert.equal(c.match.matchId, h.match.matchId);
        await w.skill.abandon(a, h.session.sessionId);
        await w.skill.abandon(b, c.session.sessionId);
      }
      const h = await w.skill.startMatch(a, { game: 'match3', entryFeeFen: 200, requestKey: key() });
      const c = await w.skill.startMatch(b, { game: 'match3', entryFeeFen: 200, requestKey: key() });
      assert.equal(c.match.role, 'host', 'a fourth meeting within a day is refused');
      await w.skill.abandon(a, h.session.sessionId);
      await w.skill.abandon(b, c.session.sessionId);

      // A strong host (rating 1900) and a new player (1500): too far apart at first.
      const strong = await w.player(10_000);
      await w.store.unitOfWork((tx) =>
        tx.run(
          "INSERT INTO skill_ratings (player_id, game, pool, rating, deviation, volatility, games, updated_at_ms) VALUES (?, 'match3', 'paid', '1900', '60', '0.06', 40, ?)",
          [strong, clock.nowMs()],
        ),
      );
      const sh = await w.skill.startMatch(strong, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      const novice = await w.player(10_000);
      const n1 = await w.skill.startMatch(novice, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      assert.equal(n1.match.role, 'host');
      await w.skill.abandon(novice, n1.session.sessionId);
      // After 160 s of waiting the host's window is 100 + 2 × 160 = 420 ≥ 400.
      clock.advanceMs(160_000);
      const novice2 = await w.player(10_000);
      const n2 = await w.skill.startMatch(novice2, { game: 'match3', entryFeeFen: 1000, requestKey: key() });
      assert.equal(n2.match.matchId, sh.match.matchId);
      await w.skill.abandon(novice2, n2.session.sessionId);
      await w.skill.abandon(strong, sh.session.sessionId).catch(() => undefined);
      await w.skill.sweep();
    });

    it('lists a player’s matches newest first', async () => {
      const { host, challenger, h, c } = await pair();
      await w.skill.abandon(host, h.session.sessionId);
      await w.skill.abandon(challenger, c.session.sessionId);
      const list = await w.skill.matches(host, 5);
      assert.equal(list[0]?.matchId, h.match.matchId);
      assert.equal(MATCH3.stakesFen.includes(list[0]!.entryFeeFen), true);
    });
  });
}

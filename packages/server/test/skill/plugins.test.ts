// A second skill game through the plug-in interface, on SQLite and PostgreSQL: Make Ten (sum10) is
// only a plug-in in packages/rules and a catalogue entry here, and the same session code plays it
// (practice and a paid match), stores its log, settles the match, and the verifier replays it.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import { DEFAULT_SUM10_CONFIG, sum10Pairs } from '@fairground/rules';
import { type SkillGameSettings, skillPlugins } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TEST_GAME, TestClient, type World } from './helpers.ts';

const SUM10: SkillGameSettings = {
  id: 'make_ten',
  title: { zh: '凑十', en: 'Make Ten' },
  puzzle: { ...skillPlugins.sum10!.config, movesMax: 10 },
  stakesFen: [200],
  rakeBps: 1000,
  tieRule: 'split',
  matchWaitMs: 10 * 60_000,
};

/** Prefers a pair of neighbours (double points), as a careful player does. */
function neighbourFirst(width: number) {
  return (legal: [number, number][]): [number, number] =>
    legal.find(([a, b]) => b - a === width || (b - a === 1 && Math.floor(a / width) === Math.floor(b / width))) ?? legal[0]!;
}

let keySeq = 0;
const key = () => `sum10-${++keySeq}-${Date.now()}`;

for (const backend of backends()) {
  describe(`a second skill game (Make Ten) through the plug-in interface on ${backend.name}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 5, 2));
    let w: World;
    before(async () => {
      w = await openWorld(backend, clock, [TEST_GAME, SUM10]);
    });
    afterEach(async () => {
      await w.assertInvariants();
    });
    after(async () => {
      await w.close();
    });

    it('a practice game starts on the plug-in’s board, plays to its move limit and replays to the server’s score', async () => {
      const p = await w.player(0);
      const s = await w.skill.startPractice(p, 'make_ten');
      assert.equal(s.game, 'make_ten');
      assert.equal(s.view.config.rules, 'sum10');
      assert.equal(s.view.board.length, DEFAULT_SUM10_CONFIG.width * DEFAULT_SUM10_CONFIG.height);
      assert.ok(sum10Pairs(s.view.board).length > 0);
      const c = new TestClient(w, p, s);
      await c.play(10, neighbourFirst(DEFAULT_SUM10_CONFIG.width));
      assert.equal(c.lastAck?.status, 'finished');
      assert.equal(c.lastAck?.endReason, 'moves');
      assert.ok(c.game.score >= 100);
      const replay = await w.skill.replay(p, s.sessionId);
      assert.equal(replay.config.rules, 'sum10');
      assert.equal(replay.verification.ok, true);
      assert.equal(replay.verification.replayScore, c.game.score);
      assert.equal((await w.skill.verify(s.sessionId)).ok, true);
    });

    it('refuses a pair that does not add up to ten with the rules’ code and keeps the game as it was', async () => {
      const p = await w.player(0);
      const s = await w.skill.startPractice(p, 'make_ten');
      const b = s.view.board;
      let bad: [number, number] = [0, 1];
      for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) if (b[i]! + b[j]! !== 8) bad = [i, j];
      let code = 'OK';
      try {
        await w.skill.submit(p, s.sessionId, [{ seq: 1, atMs: 500, move: { from: bad[0], to: bad[1] } }]);
      } catch (e) {
        code = isAppError(e) ? e.code : String(e);
      }
      assert.equal(code, 'PUZZLE_MOVE_NO_MATCH');
      const after = await w.skill.session(p, s.sessionId);
      assert.deepEqual([after.view.score, after.view.nextSeq], [0, 1]);
      assert.deepEqual(after.view.board, s.view.board);
      await w.skill.abandon(p, s.sessionId);
    });

    it('a paid match pays the higher score the pool minus the rake, and both sessions verify', async () => {
      const host = await w.player(1000);
      const challenger = await w.player(1000);
      const revenue0 = await w.revenueFen();
      const h = await w.skill.startMatch(host, { game: 'make_ten', entryFeeFen: 200, requestKey: key() });
      const hc = new TestClient(w, host, h.session);
      await hc.play(10, neighbourFirst(DEFAULT_SUM10_CONFIG.width));
      const c = await w.skill.startMatch(challenger, { game: 'make_ten', entryFeeFen: 200, requestKey: key() });
      assert.equal(c.match.matchId, h.match.matchId);
      assert.deepEqual(c.session.view.board, h.session.view.board, 'both play the same seed');
      const cc = new TestClient(w, challenger, c.session);
      await cc.play(2);
      const r = await w.skill.finish(challenger, c.session.sessionId, cc.game.score);
      assert.ok(hc.game.score > cc.game.score);
      assert.deepEqual([r.match?.status, r.match?.verdict], ['settled', 'lost']);
      assert.equal(await w.availableFen(host), 1000 - 200 + 360);
      assert.equal(await w.availableFen(challenger), 800);
      assert.equal((await w.revenueFen()) - revenue0, 40);
      assert.deepEqual(await w.escrowFen('match', h.match.matchId), { posted: 0, pending: 0 });
      assert.equal((await w.skill.replay(host, h.session.sessionId)).verification.ok, true);
      assert.equal((await w.skill.replay(challenger, c.session.sessionId)).verification.ok, true);
      const ratings = await w.skill.ratings.current(w.store.reader, 'make_ten', 'paid', [host], clock.nowMs());
      assert.ok(ratings.get(host)!.rating > 1500);
    });

    it('a session rebuilt from its log (another process) continues the same game', async () => {
      const p = await w.player(0);
      const s = await w.skill.startPractice(p, 'make_ten');
      const c = new TestClient(w, p, s);
      await c.play(3);
      const other = w.restarted();
      const again = await other.session(p, s.sessionId);
      assert.equal(again.stateHash, c.game.stateHash());
      assert.equal(again.view.config.rules, 'sum10');
      await other.abandon(p, s.sessionId);
    });
  });
}

// Skill sessions on SQLite and PostgreSQL: authoritative play, refused input, anti-cheat
// signals, the verifier (including tampered logs) and rebuilding a game from its log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import { PuzzleGame, replayPuzzle } from '@fairground/rules';
import { seedBytes } from '../../src/skill/digest.ts';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TestClient, type World } from './helpers.ts';

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
  describe(`skill sessions on ${backend.name}`, () => {
    const clock = new ManualClock(Date.UTC(2026, 10, 2, 4));
    let w: World;
    before(async () => {
      w = await openWorld(backend, clock);
    });
    after(async () => {
      await w.assertInvariants();
      await w.close();
    });

    it('plays a practice game to the move limit: the server keeps the same score as the client and can verify it', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      assert.equal(start.status, 'active');
      assert.equal(start.view.board.length, 64);
      assert.match(start.commitment, /^[0-9a-f]{64}$/);
      assert.ok(start.refills.gems.length > 0);
      assert.equal((start as unknown as Record<string, unknown>).seedHex, undefined, 'the seed is never sent before the end');
      assert.equal(await codeOf(w.skill.replay(p, start.sessionId)), 'SKILL_SEED_NOT_REVEALED');

      const client = new TestClient(w, p, start);
      await client.play(20);
      assert.equal(client.game.endReason, 'moves');
      assert.equal(client.lastAck?.status, 'finished');
      const result = await w.skill.finish(p, start.sessionId, client.game.score);
      assert.equal(result.status, 'finished');
      assert.equal(result.score, client.game.score);
      assert.ok(result.score > 0);

      const replay = await w.skill.replay(p, start.sessionId);
      assert.equal(replay.verification.ok, true);
      assert.equal(replay.commands.length, 12);
      const again = replayPuzzle(seedBytes(replay.seedHex), replay.config, replay.commands, null);
      assert.equal(again.view.score, result.score);
      assert.equal(again.stateHash, result.stateHash);

      // Practice is not ranked (the score boards take paid play only).
      await new Promise((r) => setImmediate(r));
      const board = await w.leaderboards.standing('match3', 'score', 'daily', 'current', p, 0);
      assert.equal(board.me, null);
      const review = await w.skill.reviewDetail(start.sessionId);
      assert.equal(review.session.flagged, false, JSON.stringify(review.session.flags));
    });

    it('finishes early with the time-up or stop reason and still verifies', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start);
      await client.play(4);
      const r = await w.skill.finish(p, start.sessionId, null);
      assert.equal(r.endReason, 'stopped');
      assert.equal(r.movesMade, 4);
      assert.equal((await w.skill.verify(start.sessionId)).ok, true);
      // Finishing again changes nothing.
      assert.deepEqual(await w.skill.finish(p, start.sessionId, null), r);
      assert.equal(
        await codeOf(w.skill.submit(p, start.sessionId, [{ seq: 5, atMs: 99_000, move: { from: 0, to: 1 } }])),
        'SKILL_SESSION_ENDED',
      );
    });

    it('refuses commands for someone else’s session, oversized batches, gaps and late commands without flagging honest mistakes', async () => {
      const p = await w.player(0);
      const q = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const [from, to] = new TestClient(w, p, start).game.legalMoves()[0]!;
      clock.advanceMs(2000);
      assert.equal(
        await codeOf(w.skill.submit(q, start.sessionId, [{ seq: 1, atMs: 1000, move: { from, to } }])),
        'SKILL_SESSION_NOT_YOURS',
      );
      assert.equal(await codeOf(w.skill.session(q, start.sessionId)), 'SKILL_SESSION_NOT_YOURS');
      assert.equal(await codeOf(w.skill.submit(p, 'ss_nope', [{ seq: 1, atMs: 1000, move: { from, to } }])), 'SKILL_SESSION_NOT_FOUND');
      const big = Array.from({ length: 33 }, (_, i) => ({ seq: i + 1, atMs: 1000, move: { from, to } }));
      assert.equal(await codeOf(w.skill.submit(p, start.sessionId, big)), 'SKILL_BATCH_TOO_LARGE');
      assert.equal(await codeOf(w.skill.submit(p, start.sessionId, [{ seq: 2, atMs: 1000, move: { from, to } }])), 'PUZZLE_SEQ_GAP');
      const detail = await w.skill.reviewDetail(start.sessionId);
      assert.equal(detail.session.flagged, false);
      assert.equal(detail.commands.length, 0);
      // Past the deadline (time limit plus grace) nothing more is taken; the sweep times it out.
      clock.advanceMs(start.deadlineAtMs - clock.nowMs() + 1);
      assert.equal(await codeOf(w.skill.submit(p, start.sessionId, [{ seq: 1, atMs: 1000, move: { from, to } }])), 'SKILL_SESSION_EXPIRED');
      const report = await w.skill.sweep();
      assert.ok(report.sessionsTimedOut >= 1);
      assert.equal((await w.skill.session(p, start.sessionId)).status, 'timed_out');
      assert.equal((await w.skill.verify(start.sessionId)).ok, true);
    });

    it('ignores retransmitted commands, and flags a conflicting replay, an illegal move, a clock ahead of the server and a false score claim', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start, 1);
      await client.play(2);
      const sent = client.log;
      // The same two commands again (a retry after a lost acknowledgement): accepted as duplicates.
      const dup = await w.skill.submit(p, start.sessionId, sent);
      assert.deepEqual([dup.accepted, dup.duplicates, dup.nextSeq], [0, 2, 3]);
      // A different command under an old sequence number is tampering.
      const other = client.game.legalMoves()[0]!;
      const first = sent[0]!;
      assert.equal(
        await codeOf(w.skill.submit(p, start.sessionId, [{ ...first, move: { from: first.move.to, to: first.move.from } }])),
        'SKILL_COMMAND_CONFLICT',
      );
      // A swap that makes no line: the real client never sends one.
      const game = client.game;
      const legal = new Set(game.legalMoves().map(([a, b]) => `${a}-${b}`));
      let bad: [number, number] = [0, 1];
      for (let i = 0; i < 63; i++) if (i % 8 !== 7 && !legal.has(`${i}-${i + 1}`)) bad = [i, i + 1];
      const elapsed = clock.nowMs() - start.startedAtMs;
      assert.equal(
        await codeOf(w.skill.submit(p, start.sessionId, [{ seq: 3, atMs: elapsed, move: { from: bad[0], to: bad[1] } }])),
        'PUZZLE_MOVE_NO_MATCH',
      );
      // A timestamp a minute ahead of the server's clock for this session.
      assert.equal(
        await codeOf(w.skill.submit(p, start.sessionId, [{ seq: 3, atMs: elapsed + 60_000, move: { from: other[0], to: other[1] } }])),
        'SKILL_TIME_AHEAD',
      );
      const result = await w.skill.finish(p, start.sessionId, game.score + 500);
      assert.equal(result.score, game.score);
      const detail = await w.skill.reviewDetail(start.sessionId);
      assert.equal(detail.session.flagged, true);
      assert.deepEqual([...detail.session.flags].sort(), ['illegal_move', 'score_mismatch', 'seq_conflict', 'time_ahead']);
      assert.deepEqual(detail.signals.map((s) => s.kind).sort(), ['illegal_move', 'score_mismatch', 'seq_conflict', 'time_ahead']);
      assert.equal(detail.verification.ok, true, 'refused commands never enter the log');
      const flagged = await w.skill.reviewList({ flagged: true, playerId: p });
      assert.deepEqual(
        flagged.map((s) => s.sessionId),
        [start.sessionId],
      );
    });

    it('flags machine-like timing: every move 50 ms apart', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start, 4);
      await client.play(12, undefined, 50);
      const detail = await w.skill.reviewDetail(start.sessionId);
      assert.ok(detail.session.flags.includes('too_fast'), JSON.stringify(detail.session));
      assert.ok(detail.session.flags.includes('too_regular'));
      assert.equal(detail.session.timing?.intervals, 12);
      assert.equal(detail.session.timing?.minMs, 50);
    });

    it('detects a tampered log: a changed move, a changed timestamp, an injected command, a deleted command', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start);
      await client.play(6);
      await w.skill.finish(p, start.sessionId, null);
      const id = start.sessionId;
      assert.equal((await w.skill.verify(id)).ok, true);
      const edit = async (sql: string, params: (string | number)[]) => {
        await w.store.unitOfWork((tx) => tx.run(sql, params));
      };
      const c3 = client.log[2]!;
      // A changed timestamp: the rules still accept it, but the digest and the state hash differ.
      await edit('UPDATE skill_commands SET at_ms = at_ms + 1 WHERE session_id = ? AND seq = 3', [id]);
      let v = await w.skill.verify(id);
      assert.equal(v.ok, false);
      assert.deepEqual([v.checks.logDigest, v.checks.stateHash], [false, false]);
      await edit('UPDATE skill_commands SET at_ms = ? WHERE session_id = ? AND seq = 3', [c3.atMs, id]);
      assert.equal((await w.skill.verify(id)).ok, true);
      // A changed move.
      await edit('UPDATE skill_commands SET from_cell = ?, to_cell = ? WHERE session_id = ? AND seq = 3', [c3.move.to, c3.move.from, id]);
      v = await w.skill.verify(id);
      assert.equal(v.ok, false);
      assert.equal(v.checks.logDigest, false);
      await edit('UPDATE skill_commands SET from_cell = ?, to_cell = ? WHERE session_id = ? AND seq = 3', [c3.move.from, c3.move.to, id]);
      // An injected command at the end.
      await edit('INSERT INTO skill_commands (session_id, seq, at_ms, received_at_ms, from_cell, to_cell) VALUES (?, 7, ?, ?, 0, 1)', [
        id,
        c3.atMs + 90_000,
        clock.nowMs(),
      ]);
      v = await w.skill.verify(id);
      assert.equal(v.ok, false);
      await edit('DELETE FROM skill_commands WHERE session_id = ? AND seq = 7', [id]);
      // A deleted command.
      await edit('DELETE FROM skill_commands WHERE session_id = ? AND seq = 6', [id]);
      v = await w.skill.verify(id);
      assert.equal(v.ok, false);
      assert.equal(v.checks.score && v.checks.stateHash && v.checks.logDigest, false);
    });

    it('rebuilds a game from its log on another process and carries on exactly', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start);
      await client.play(5);
      const other = w.restarted();
      const resumed = await other.session(p, start.sessionId);
      assert.equal(resumed.stateHash, client.game.stateHash());
      assert.deepEqual(resumed.view, client.game.view());
      // The next batch goes to the other process.
      const moveClient = new TestClient({ ...w, skill: other }, p, resumed);
      await moveClient.play(3);
      const r = await other.finish(p, start.sessionId, moveClient.game.score);
      assert.equal(r.score, moveClient.game.score);
      assert.equal((await w.skill.verify(start.sessionId)).ok, true);
    });

    it('takes one of two batches with the same sequence sent at once to two processes; the other is SKILL_BUSY, never a raw error', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const other = w.restarted();
      await other.session(p, start.sessionId);
      const [from, to] = PuzzleGame.fromView(start.view).legalMoves()[0]!;
      const cmd = { seq: 1, atMs: 400, move: { from, to } };
      const outcomes = await Promise.all([
        codeOf(w.skill.submit(p, start.sessionId, [cmd])),
        codeOf(other.submit(p, start.sessionId, [cmd])),
      ]);
      assert.deepEqual(outcomes.sort(), ['OK', 'SKILL_BUSY']);
      const stored = await w.store.reader.query('SELECT seq FROM skill_commands WHERE session_id = ?', [start.sessionId]);
      assert.equal(stored.length, 1);
      assert.equal((await w.skill.verify(start.sessionId)).ok, true);
    });

    it('tells the risk domain about flagged sessions in their closing unit, and about every session’s move timing', async () => {
      const flagged: { playerId: string; flags: readonly string[] }[] = [];
      const timing: number[][] = [];
      const r = await openWorld(backend, clock, undefined, {
        risk: {
          async sessionFlagged(tx, s) {
            await tx.query('SELECT 1');
            flagged.push({ playerId: s.playerId, flags: s.flags });
          },
          async sessionTiming(_p, _s, intervals) {
            timing.push([...intervals]);
          },
        },
      });
      try {
        const p = await r.player(0);
        const honest = await r.skill.startPractice(p, 'match3');
        await new TestClient(r, p, honest).play(4);
        await r.skill.finish(p, honest.sessionId, null);
        const bot = await r.skill.startPractice(p, 'match3');
        const c = new TestClient(r, p, bot, 4);
        await c.play(12, undefined, 40);
        await new Promise((resolve) => setImmediate(resolve));
        assert.deepEqual(
          flagged.map((f) => f.playerId),
          [p],
        );
        assert.ok(flagged[0]!.flags.includes('too_fast'));
        assert.equal(timing.length, 2);
        // The risk domain reads the server's clock: twelve moves over 480 ms of arrivals (batches spread over their moves).
        assert.equal(timing[1]?.length, 12);
        assert.equal(
          timing[1]?.reduce((a, b) => a + b, 0),
          480,
        );
        assert.ok(timing[1]?.every((v) => v < 150));
      } finally {
        await r.close();
      }
    });

    it('limits unfinished games per player', async () => {
      const p = await w.player(0);
      for (let i = 0; i < 5; i++) await w.skill.startPractice(p, 'match3');
      assert.equal(await codeOf(w.skill.startPractice(p, 'match3')), 'SKILL_TOO_MANY_ACTIVE');
      assert.equal(await codeOf(w.skill.startPractice(p, 'chess')), 'SKILL_GAME_UNKNOWN');
    });
  });
}

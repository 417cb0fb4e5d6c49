import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RefillWindow } from '../puzzle/refills.ts';
import { rulesOf, replaySkillGame, SKILL_RULES, skillGameFromView, type SkillCommand } from '../skillgames/index.ts';
import { checkSum10Config, DEFAULT_SUM10_CONFIG, newSum10, Sum10Game, sum10GreedyMove, sum10Pairs } from './index.ts';

function seedOf(n: number): Uint8Array {
  const s = new Uint8Array(32);
  for (let i = 0; i < 32; i++) s[i] = (n * 131 + i * 17 + 7) & 0xff;
  return s;
}

/** Plays a whole game greedily, one command a second, and returns the log. */
function playGreedy(n: number, config = DEFAULT_SUM10_CONFIG): { log: SkillCommand[]; game: Sum10Game } {
  const { game, refills } = newSum10(seedOf(n), config);
  const log: SkillCommand[] = [];
  while (!game.ended) {
    const move = sum10GreedyMove(game);
    assert.ok(move, 'a game that has not ended has a pair');
    const cmd = { seq: game.nextSeq, atMs: game.movesMade * 1000, move };
    const r = game.apply(cmd, refills);
    assert.ok(r.ok);
    log.push(cmd);
  }
  return { log, game };
}

describe('make ten (sum10)', () => {
  it('starts from the seed with a pair on the board, the same for the same seed', () => {
    for (let n = 0; n < 50; n++) {
      const a = newSum10(seedOf(n), DEFAULT_SUM10_CONFIG).game;
      const b = newSum10(seedOf(n), DEFAULT_SUM10_CONFIG).game;
      assert.deepEqual(a.view(), b.view());
      assert.ok(a.legalMoves().length > 0);
      assert.ok(a.view().board.every((v) => v >= 0 && v <= 8));
    }
  });

  it('clears a pair adding up to ten, refills both cells from the stream and scores neighbours double', () => {
    const { game, refills } = newSum10(seedOf(3), DEFAULT_SUM10_CONFIG);
    const [a, b] = game.legalMoves()[0]!;
    const before = game.view().board;
    assert.equal(before[a]! + 1 + before[b]! + 1, 10);
    const r = game.apply({ seq: 1, atMs: 500, move: { from: a, to: b } }, refills);
    assert.ok(r.ok);
    const after = game.view().board;
    if (r.value.reshuffles === 0) {
      assert.equal(after[a], refills.gemAt(0));
      assert.equal(after[b], refills.gemAt(1));
    }
    const neighbours = Math.abs(a - b) === 6 || (Math.abs(a - b) === 1 && Math.floor(a / 6) === Math.floor(b / 6));
    assert.equal(r.value.points, neighbours ? 20 : 10);
    assert.equal(game.score, r.value.points);
    assert.equal(game.movesMade, 1);
  });

  it('refuses a pair that does not add up to ten, a cell twice, a cell off the board, and changes nothing', () => {
    const { game, refills } = newSum10(seedOf(4), DEFAULT_SUM10_CONFIG);
    const board = game.view().board;
    let bad: [number, number] | null = null;
    for (let i = 0; i < board.length && !bad; i++)
      for (let j = i + 1; j < board.length && !bad; j++) if (board[i]! + board[j]! !== 8) bad = [i, j];
    const hash = game.stateHash();
    const no = game.apply({ seq: 1, atMs: 0, move: { from: bad![0], to: bad![1] } }, refills);
    assert.equal(no.ok ? '' : no.error.code, 'PUZZLE_MOVE_NO_MATCH');
    const same = game.apply({ seq: 1, atMs: 0, move: { from: 2, to: 2 } }, refills);
    assert.equal(same.ok ? '' : same.error.code, 'PUZZLE_MOVE_INVALID');
    const off = game.apply({ seq: 1, atMs: 0, move: { from: 0, to: 36 } }, refills);
    assert.equal(off.ok ? '' : off.error.code, 'PUZZLE_MOVE_INVALID');
    const gap = game.apply({ seq: 2, atMs: 0, move: { from: 0, to: 1 } }, refills);
    assert.equal(gap.ok ? '' : gap.error.code, 'PUZZLE_SEQ_GAP');
    const late = game.apply({ seq: 1, atMs: DEFAULT_SUM10_CONFIG.durationMs + 1, move: { from: 0, to: 1 } }, refills);
    assert.equal(late.ok ? '' : late.error.code, 'PUZZLE_TIME_OVER');
    assert.equal(game.stateHash(), hash);
  });

  it('ends at the move limit, and a replay of the log through the plug-in gives the same score and state hash', () => {
    for (let n = 0; n < 20; n++) {
      const { log, game } = playGreedy(n);
      assert.equal(game.endReason, 'moves');
      assert.equal(log.length, DEFAULT_SUM10_CONFIG.movesMax);
      const replay = replaySkillGame(seedOf(n), DEFAULT_SUM10_CONFIG, log);
      assert.ok(replay.ok);
      assert.equal(replay.view.score, game.score);
      assert.equal(replay.stateHash, game.stateHash());
    }
  });

  it('a replay catches a changed, dropped or inserted command', () => {
    const { log, game } = playGreedy(7);
    const changed = log.map((c, i) => (i === 5 ? { ...c, atMs: c.atMs + 1 } : c));
    assert.notEqual(replaySkillGame(seedOf(7), DEFAULT_SUM10_CONFIG, changed).stateHash, game.stateHash());
    const dropped = replaySkillGame(seedOf(7), DEFAULT_SUM10_CONFIG, log.slice(0, -1));
    assert.notEqual(dropped.stateHash, game.stateHash());
    const swapped = [...log];
    [swapped[3], swapped[4]] = [swapped[4]!, swapped[3]!];
    const r = replaySkillGame(seedOf(7), DEFAULT_SUM10_CONFIG, swapped);
    assert.ok(!r.ok || r.stateHash !== game.stateHash());
  });

  it('a client holding a window of the stream plays the same game, and asks for more when the window runs out', () => {
    const { game, refills } = newSum10(seedOf(9), DEFAULT_SUM10_CONFIG);
    const client = skillGameFromView(game.view());
    const window = new RefillWindow(9, refills.window(0, 4));
    for (let i = 0; i < 2; i++) {
      const move = sum10GreedyMove(game)!;
      const cmd = { seq: game.nextSeq, atMs: i * 700, move };
      assert.ok(game.apply(cmd, refills).ok);
      const r = client.apply(cmd, window);
      if (!r.ok) assert.equal(r.error.code, 'PUZZLE_REFILLS_NEEDED');
      else assert.equal(client.stateHash(), game.stateHash());
    }
    const third = sum10GreedyMove(game)!;
    const starved = client.apply({ seq: 3, atMs: 2000, move: third }, window);
    assert.equal(starved.ok ? '' : starved.error.code, 'PUZZLE_REFILLS_NEEDED');
  });

  it('a game restored from its view continues exactly as the original (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 10_000 }), fc.integer({ min: 0, max: 25 }), (n, k) => {
        const { game, refills } = newSum10(seedOf(n), DEFAULT_SUM10_CONFIG);
        for (let i = 0; i < k && !game.ended; i++) game.apply({ seq: game.nextSeq, atMs: i * 100, move: sum10GreedyMove(game)! }, refills);
        const copy = Sum10Game.fromView(game.view());
        assert.equal(copy.stateHash(), game.stateHash());
        assert.deepEqual(
          sum10Pairs(copy.view().board),
          game.legalMoves().length > 0 ? sum10Pairs(game.view().board) : sum10Pairs(copy.view().board),
        );
      }),
      { numRuns: 50 },
    );
  });

  it('checks its configuration: sizes, the rules name, nine kinds', () => {
    assert.deepEqual(checkSum10Config({ ...DEFAULT_SUM10_CONFIG }), DEFAULT_SUM10_CONFIG);
    for (const bad of [
      { ...DEFAULT_SUM10_CONFIG, width: 9 },
      { ...DEFAULT_SUM10_CONFIG, kinds: 6 },
      { ...DEFAULT_SUM10_CONFIG, rules: 'match3' },
      null,
    ]) {
      assert.throws(() => checkSum10Config(bad), /PUZZLE_CONFIG_INVALID|configuration/);
    }
  });
});

describe('skill game plug-ins', () => {
  it('a configuration names its plug-in; none is match-3; an unknown one is refused', () => {
    assert.equal(rulesOf({ rulesVersion: 1 }).id, 'match3');
    assert.equal(rulesOf(DEFAULT_SUM10_CONFIG).id, 'sum10');
    assert.throws(() => rulesOf({ rules: 'chess' }), /configuration/);
    assert.throws(() => SKILL_RULES.match3!.checkConfig({ ...SKILL_RULES.match3!.defaultConfig, rules: 'sum10' }), /configuration/);
    assert.deepEqual(Object.keys(SKILL_RULES).sort(), ['match3', 'sum10']);
  });

  it('every plug-in plays its default game to the end and replays it to the same state hash', () => {
    for (const rules of Object.values(SKILL_RULES)) {
      const { game, refills } = rules.create(seedOf(11), rules.defaultConfig);
      const log: SkillCommand[] = [];
      while (!game.ended && log.length < rules.defaultConfig.movesMax) {
        const move = rules.obviousMove(game, refills);
        if (!move) break;
        const cmd = { seq: game.nextSeq, atMs: log.length * 1000, move };
        assert.ok(game.apply(cmd, refills).ok, rules.id);
        log.push(cmd);
      }
      assert.ok(game.score > 0, rules.id);
      const r = replaySkillGame(seedOf(11), rules.defaultConfig, log);
      assert.ok(r.ok, rules.id);
      assert.equal(r.stateHash, game.stateHash(), rules.id);
    }
  });
});

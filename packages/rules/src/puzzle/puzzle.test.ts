import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Prng } from '../fair/prng.ts';
import {
  DEFAULT_PUZZLE_CONFIG,
  greedyMove,
  newPuzzle,
  playOut,
  PuzzleGame,
  type PuzzleCommand,
  type PuzzleConfig,
  type PuzzleView,
  RefillWindow,
  randomMove,
  replayPuzzle,
} from './index.ts';

function seedOf(n: number): Uint8Array {
  const s = new Uint8Array(32);
  for (let i = 0; i < 32; i++) s[i] = (n * 131 + i * 17 + 7) & 0xff;
  return s;
}

function hasLine(board: readonly number[], w: number, h: number): boolean {
  for (let y = 0; y < h; y++)
    for (let x = 0; x + 2 < w; x++) {
      const g = board[y * w + x];
      if (g === board[y * w + x + 1] && g === board[y * w + x + 2]) return true;
    }
  for (let x = 0; x < w; x++)
    for (let y = 0; y + 2 < h; y++) {
      const g = board[y * w + x];
      if (g === board[(y + 1) * w + x] && g === board[(y + 2) * w + x]) return true;
    }
  return false;
}

const timing = (n: number) => ({ stepMs: 900, jitterMs: 1500, prng: Prng.fromSeed(seedOf(n + 1000), 'timing') });

function greedyLog(n: number, config: PuzzleConfig = DEFAULT_PUZZLE_CONFIG) {
  const { game, refills } = newPuzzle(seedOf(n), config);
  const log = playOut(game, refills, (g) => greedyMove(g, refills), timing(n));
  return { game, refills, log };
}

describe('puzzle board', () => {
  it('starts from the seed with no line on the board and at least one legal swap', () => {
    for (let n = 0; n < 50; n++) {
      const a = PuzzleGame.fromSeed(seedOf(n), DEFAULT_PUZZLE_CONFIG);
      const b = PuzzleGame.fromSeed(seedOf(n), DEFAULT_PUZZLE_CONFIG);
      assert.deepEqual(a.view(), b.view());
      assert.equal(hasLine(a.view().board, 8, 8), false);
      assert.ok(a.legalMoves().length > 0);
    }
    assert.notDeepEqual(
      PuzzleGame.fromSeed(seedOf(1), DEFAULT_PUZZLE_CONFIG).view().board,
      PuzzleGame.fromSeed(seedOf(2), DEFAULT_PUZZLE_CONFIG).view().board,
    );
  });

  it('scores five in a row as 5 gems plus 2 long-run gems (90 points), refills, and redraws a board left without a swap', () => {
    // Row 7 (bottom): 0 0 1 0 ... ; swapping cell 58 (x=2) with the 0 above it at 50 makes 0 0 0 0.
    const w = 8;
    const board = new Array<number>(64).fill(0).map((_, i) => (((i % w) + Math.floor(i / w) * 2) % 5) + 1);
    // A bottom row of 2 2 3 2 2 with a 2 above the 3: swapping makes five 2s in a row.
    const row = 7 * w;
    board[row] = 2;
    board[row + 1] = 2;
    board[row + 2] = 3;
    board[row + 3] = 2;
    board[row + 4] = 2;
    board[row - w + 2] = 2;
    board[row - w + 1] = 4;
    board[row - w + 3] = 4;
    board[row + 5] = 5;
    const view: PuzzleView = {
      config: { ...DEFAULT_PUZZLE_CONFIG, kinds: 6 },
      board,
      score: 0,
      movesMade: 0,
      nextSeq: 1,
      lastAtMs: 0,
      refillIndex: 0,
      endReason: null,
      history: 0x811c9dc5,
    };
    const game = PuzzleGame.fromView(view);
    // Refills that can never line up with anything: alternate kinds 0 and 0 is avoided by using a
    // long cycle through the kinds that the board does not use in the top row pattern.
    const refills = { gemAt: (i: number) => [0, 1, 0, 5, 1, 5][i % 6]! };
    const r = game.apply({ seq: 1, atMs: 500, move: { from: row + 2, to: row - w + 2 } }, refills);
    assert.ok(r.ok, r.ok ? '' : r.error.code);
    // Five in a row: 5 × 10 + 2 × 20 = 90 for the first resolution round.
    // The striped board left no swap after the move, so it was redrawn once from the stream.
    assert.deepEqual([r.value.points, r.value.cleared, r.value.cascades, r.value.reshuffles], [90, 5, 1, 1]);
    assert.equal(game.refillIndex, 5 + 64);
    assert.equal(hasLine(game.view().board, 8, 8), false);
    assert.ok(game.legalMoves().length > 0);
    assert.equal(game.score, r.value.points);
    assert.equal(game.movesMade, 1);
    assert.equal(game.view().board.includes(-1), false);
  });
});

describe('puzzle commands', () => {
  const fresh = () => newPuzzle(seedOf(7), DEFAULT_PUZZLE_CONFIG);

  it('refuses malformed, illegal, out-of-order and late commands and changes nothing', () => {
    const { game, refills } = fresh();
    const before = game.stateHash();
    const [from, to] = game.legalMoves()[0]!;
    const cases: [unknown, string][] = [
      [{ seq: 1, atMs: -1, move: { from, to } }, 'PUZZLE_COMMAND_INVALID'],
      [{ seq: 1.5, atMs: 1, move: { from, to } }, 'PUZZLE_COMMAND_INVALID'],
      [{ seq: 1, atMs: 1 }, 'PUZZLE_COMMAND_INVALID'],
      [null, 'PUZZLE_COMMAND_INVALID'],
      [{ seq: 2, atMs: 1, move: { from, to } }, 'PUZZLE_SEQ_GAP'],
      [{ seq: 0, atMs: 1, move: { from, to } }, 'PUZZLE_SEQ_REPLAYED'],
      [{ seq: 1, atMs: DEFAULT_PUZZLE_CONFIG.durationMs + 1, move: { from, to } }, 'PUZZLE_TIME_OVER'],
      [{ seq: 1, atMs: 1, move: { from: 7, to: 8 } }, 'PUZZLE_MOVE_INVALID'],
      [{ seq: 1, atMs: 1, move: { from: 0, to: 9 } }, 'PUZZLE_MOVE_INVALID'],
      [{ seq: 1, atMs: 1, move: { from: 63, to: 64 } }, 'PUZZLE_MOVE_INVALID'],
    ];
    for (const [cmd, code] of cases) {
      const r = game.apply(cmd as PuzzleCommand, refills);
      assert.equal(r.ok, false);
      if (!r.ok) assert.equal(r.error.code, code, JSON.stringify(cmd));
    }
    const legal = new Set(game.legalMoves().map(([a, b]) => `${a}-${b}`));
    let illegal: [number, number] | null = null;
    for (let i = 0; i < 63 && !illegal; i++) if (i % 8 !== 7 && !legal.has(`${i}-${i + 1}`)) illegal = [i, i + 1];
    const r = game.apply({ seq: 1, atMs: 1, move: { from: illegal![0], to: illegal![1] } }, refills);
    assert.equal(r.ok ? 'OK' : r.error.code, 'PUZZLE_MOVE_NO_MATCH');
    assert.equal(game.stateHash(), before);

    assert.ok(game.apply({ seq: 1, atMs: 5000, move: { from, to } }, refills).ok);
    const [f2, t2] = game.legalMoves()[0]!;
    const back = game.apply({ seq: 2, atMs: 4999, move: { from: f2, to: t2 } }, refills);
    assert.equal(back.ok ? 'OK' : back.error.code, 'PUZZLE_TIME_BACKWARDS');
    const again = game.apply({ seq: 1, atMs: 6000, move: { from: f2, to: t2 } }, refills);
    assert.equal(again.ok ? 'OK' : again.error.code, 'PUZZLE_SEQ_REPLAYED');
    game.end('stopped');
    const after = game.apply({ seq: 2, atMs: 6000, move: { from: f2, to: t2 } }, refills);
    assert.equal(after.ok ? 'OK' : after.error.code, 'PUZZLE_ENDED');
  });

  it('ends after the move limit', () => {
    const config = { ...DEFAULT_PUZZLE_CONFIG, movesMax: 5 };
    const { game, log } = greedyLog(3, config);
    assert.equal(log.length, 5);
    assert.equal(game.endReason, 'moves');
  });

  it('lets a client with a refill window play exactly as the server, and asks for more when the window runs out', () => {
    for (let n = 0; n < 20; n++) {
      const { game: server, refills } = newPuzzle(seedOf(n), DEFAULT_PUZZLE_CONFIG);
      const client = PuzzleGame.fromView(server.view());
      const window = new RefillWindow(6, refills.window(0, 8));
      const prng = Prng.fromSeed(seedOf(n), 'test');
      let atMs = 0;
      let needed = 0;
      while (!server.ended) {
        const move = randomMove(server, prng)!;
        atMs += 700;
        const cmd = { seq: server.nextSeq, atMs, move };
        let c = client.apply(cmd, window);
        if (!c.ok) {
          assert.equal(c.error.code, 'PUZZLE_REFILLS_NEEDED');
          assert.equal(client.stateHash(), PuzzleGame.fromView(client.view()).stateHash());
          needed++;
          window.add(refills.window(window.end(), 128));
          c = client.apply(cmd, window);
        }
        const s = server.apply(cmd, refills);
        assert.ok(s.ok && c.ok);
        assert.deepEqual(c.value, s.value);
        assert.equal(client.stateHash(), server.stateHash());
        window.dropBefore(server.refillIndex);
        window.add(refills.window(server.refillIndex, 8));
      }
      assert.ok(needed >= 0);
    }
  });
});

describe('puzzle replay', () => {
  it('reproduces the live score and state hash exactly', () => {
    for (let n = 0; n < 30; n++) {
      const { game, log } = greedyLog(n);
      const r = replayPuzzle(seedOf(n), DEFAULT_PUZZLE_CONFIG, log);
      assert.equal(r.ok, true);
      assert.equal(r.view.score, game.score);
      assert.equal(r.stateHash, game.stateHash());
    }
  });

  it('detects a tampered log: a changed move, a changed timestamp, an injected command, a dropped command', () => {
    const { game, log } = greedyLog(11);
    const expected = { score: game.score, hash: game.stateHash() };
    const detected = (tampered: PuzzleCommand[]) => {
      const r = replayPuzzle(seedOf(11), DEFAULT_PUZZLE_CONFIG, tampered);
      return !r.ok || r.view.score !== expected.score || r.stateHash !== expected.hash;
    };
    assert.equal(detected(log), false);
    // A different (still legal) move at step 5.
    const replayed = newPuzzle(seedOf(11), DEFAULT_PUZZLE_CONFIG);
    for (let i = 0; i < 5; i++) assert.ok(replayed.game.apply(log[i]!, replayed.refills).ok);
    const other = replayed.game.legalMoves().find(([f, t]) => f !== log[5]!.move.from || t !== log[5]!.move.to)!;
    assert.equal(detected(log.map((c, i) => (i === 5 ? { ...c, move: { from: other[0], to: other[1] } } : c))), true);
    // One timestamp moved by a millisecond.
    assert.equal(detected(log.map((c, i) => (i === 9 ? { ...c, atMs: c.atMs + 1 } : c))), true);
    // A command injected in the middle (renumbered so the sequence has no gap).
    const injected = [...log.slice(0, 3), { ...log[3]!, move: { from: other[0], to: other[1] } }, ...log.slice(3)].map((c, i) => ({
      ...c,
      seq: i + 1,
    }));
    assert.equal(detected(injected), true);
    // A command dropped.
    assert.equal(detected([...log.slice(0, 4), ...log.slice(5)]), true);
    assert.equal(detected(log.slice(0, -1)), true);
  });

  it('keeps the state identical through a plain-JSON round trip at every step (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1_000_000 }), fc.integer({ min: 1, max: 40 }), (n, moves) => {
        const config = { ...DEFAULT_PUZZLE_CONFIG, movesMax: moves };
        const { game, refills } = newPuzzle(seedOf(n), config);
        const prng = Prng.fromSeed(seedOf(n + 1), 'prop');
        const log = playOut(game, refills, (g) => randomMove(g, prng), { stepMs: 300, jitterMs: 50, prng });
        const restored = PuzzleGame.fromView(JSON.parse(JSON.stringify(game.view())) as PuzzleView);
        assert.equal(restored.stateHash(), game.stateHash());
        const r = replayPuzzle(seedOf(n), config, log);
        assert.equal(r.stateHash, game.stateHash());
        assert.equal(r.view.board.includes(-1), false);
      }),
      { numRuns: 60 },
    );
  });
});

describe('puzzle skill', () => {
  it('rewards choosing well: a one-move-lookahead player beats a random player on the same seed in at least 90% of games', () => {
    let greedyWins = 0;
    const games = 100;
    for (let n = 0; n < games; n++) {
      const g = greedyLog(n).game.score;
      const { game, refills } = newPuzzle(seedOf(n), DEFAULT_PUZZLE_CONFIG);
      const prng = Prng.fromSeed(seedOf(n), 'random-player');
      playOut(game, refills, (x) => randomMove(x, prng), timing(n));
      if (g > game.score) greedyWins++;
    }
    assert.ok(greedyWins >= 90, `greedy won ${greedyWins} of ${games}`);
  });
});

// The optimised rules against a plain oracle written from the README alone: full-board scans,
// swap-and-look legality, no cached regions. Random games on many seeds and board shapes must
// agree on every move's points, the board, the refill position and the end.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { Prng } from '../fair/prng.ts';
import { hasLegalSwap, legalSwaps } from './board.ts';
import { newPuzzle, type PuzzleConfig, randomMove } from './index.ts';

const EMPTY = -1;

function lines(b: number[], w: number, h: number): { marked: boolean[]; points: number } {
  const marked = b.map(() => false);
  let bonus = 0;
  const run = (cells: number[]) => {
    let start = 0;
    for (let k = 1; k <= cells.length; k++) {
      if (k < cells.length && b[cells[k]!] === b[cells[start]!] && b[cells[k]!] !== EMPTY) continue;
      const len = k - start;
      if (len >= 3 && b[cells[start]!] !== EMPTY) {
        for (let q = start; q < k; q++) marked[cells[q]!] = true;
        bonus += (len - 3) * 20;
      }
      start = k;
    }
  };
  for (let y = 0; y < h; y++) run(Array.from({ length: w }, (_, x) => y * w + x));
  for (let x = 0; x < w; x++) run(Array.from({ length: h }, (_, y) => y * w + x));
  const n = marked.filter(Boolean).length;
  return { marked, points: n === 0 ? 0 : n * 10 + bonus };
}

function anySwap(b: number[], w: number, h: number): boolean {
  for (let i = 0; i < b.length; i++) {
    for (const j of [(i + 1) % w !== 0 ? i + 1 : -1, i + w < b.length ? i + w : -1]) {
      if (j < 0 || b[i] === b[j]) continue;
      const c = [...b];
      [c[i], c[j]] = [c[j]!, c[i]!];
      if (lines(c, w, h).points > 0) return true;
    }
  }
  return false;
}

/** One move by the README's rules; returns the points, or null when the move is illegal. */
function oracleMove(
  b: number[],
  cfg: PuzzleConfig,
  from: number,
  to: number,
  refill: (i: number) => number,
  r0: number,
): { board: number[]; points: number; r: number; stuck: boolean } | null {
  const { width: w, height: h, kinds } = cfg;
  const c = [...b];
  [c[from], c[to]] = [c[to]!, c[from]!];
  if (lines(c, w, h).points === 0) return null;
  let r = r0;
  let points = 0;
  for (let round = 1; round <= 50; round++) {
    const { marked, points: p } = lines(c, w, h);
    if (p === 0) break;
    points += p * Math.min(round, 10);
    for (let x = 0; x < w; x++) {
      const kept: number[] = [];
      for (let y = h - 1; y >= 0; y--) if (!marked[y * w + x]) kept.push(c[y * w + x]!);
      for (let y = h - 1, k = 0; y >= 0; y--, k++) c[y * w + x] = k < kept.length ? kept[k]! : refill(r++);
    }
  }
  let redraws = 0;
  while (!anySwap(c, w, h)) {
    if (redraws === 5) return { board: c, points, r, stuck: true };
    redraws++;
    c.fill(EMPTY);
    for (let i = 0; i < c.length; i++) {
      const g = refill(r++);
      const x = i % w;
      const banned = new Set<number>();
      if (x >= 2 && c[i - 1] === c[i - 2]) banned.add(c[i - 1]!);
      if (i >= 2 * w && c[i - w] === c[i - 2 * w]) banned.add(c[i - w]!);
      const allowed = Array.from({ length: kinds }, (_, k) => k).filter((k) => !banned.has(k));
      c[i] = allowed[g % allowed.length]!;
    }
  }
  return { board: c, points, r, stuck: false };
}

it('agrees with a plain oracle of the rules on every move of random games (property)', () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 2 ** 31 }),
      fc.constantFrom<[number, number, number]>([8, 8, 6], [8, 8, 4], [5, 5, 4], [10, 7, 7], [6, 9, 5]),
      (seedN, [width, height, kinds]) => {
        const config: PuzzleConfig = { rulesVersion: 1, width, height, kinds, movesMax: 40, durationMs: 600_000 };
        const seed = new Uint8Array(32);
        new DataView(seed.buffer).setUint32(0, seedN);
        const { game, refills } = newPuzzle(seed, config);
        const prng = Prng.fromSeed(seed, 'oracle');
        let board = game.view().board as number[];
        let r = 0;
        while (!game.ended) {
          const move = randomMove(game, prng);
          if (!move) break;
          const expected = oracleMove(board, config, move.from, move.to, (i) => refills.gemAt(i), r);
          assert.ok(expected, 'a legal move of the game is legal for the oracle');
          const got = game.apply({ seq: game.nextSeq, atMs: game.lastAtMs, move }, refills);
          assert.ok(got.ok);
          assert.equal(got.value.points, expected.points);
          assert.deepEqual(game.view().board, expected.board);
          assert.equal(game.refillIndex, expected.r);
          assert.equal(game.endReason === 'no_moves', expected.stuck);
          board = expected.board;
          r = expected.r;
          const b = Int8Array.from(board);
          assert.equal(hasLegalSwap(b, width, height), legalSwaps(b, width, height).length > 0);
        }
      },
    ),
    { numRuns: 80 },
  );
});

// Copied play on a shared seed, as a population: honest players on one board (each move greedy
// with some probability, else any legal swap — a careful variant at 85 % greedy, close to a
// deterministic strong player) against log copiers (the exact log with other timestamps, and near
// copies that change a few moves and then follow the victim's line wherever it is still legal).
// Seeds come from node:crypto (SHA-256 of a label), so every run sees the same population.
// Precision and recall are printed and held to the issue's floors; honest pairs' false-positive
// rate below 1 %.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import { DEFAULT_PUZZLE_CONFIG, greedyMove, newPuzzle, Prng, randomMove } from '@fairground/rules';
import { judgeCopy } from '../../src/skill/copies.ts';

const seedOf = (label: string) => new Uint8Array(createHash('sha256').update(`copies-population:${label}`).digest());
const config = { ...DEFAULT_PUZZLE_CONFIG, movesMax: 30 };
type Move = { from: number; to: number };

function honest(board: Uint8Array, label: string, greedyShare: number): Move[] {
  const { game, refills } = newPuzzle(board, config);
  const rng = Prng.fromSeed(seedOf(label), 'player');
  const out: Move[] = [];
  for (let seq = 1; !game.ended && out.length < config.movesMax; seq++) {
    const m = rng.nextInt(1000) < greedyShare * 1000 ? greedyMove(game, refills) : randomMove(game, rng);
    if (m === null) break;
    if (!game.apply({ seq, atMs: seq * 800, move: m }, refills).ok) break;
    out.push(m);
  }
  return out;
}

/** Replays `victim`'s moves, changing `changes` of them; where the victim's move is illegal on the copier's board, any legal one. */
function copier(board: Uint8Array, victim: readonly Move[], label: string, changes: number): Move[] {
  const { game, refills } = newPuzzle(board, config);
  const rng = Prng.fromSeed(seedOf(label), 'copier');
  const changed = new Set<number>();
  while (changed.size < changes) changed.add(rng.nextInt(victim.length));
  const out: Move[] = [];
  for (let i = 0; i < victim.length && !game.ended; i++) {
    const legal = game.legalMoves();
    const v = victim[i]!;
    const own = legal.some(([f, t]) => f === v.from && t === v.to) && !changed.has(i) ? v : randomMove(game, rng);
    if (own === null) break;
    if (!game.apply({ seq: i + 1, atMs: (i + 1) * 300, move: own }, refills).ok) break;
    out.push(own);
  }
  return out;
}

function report(label: string, truth: number, flaggedTrue: number, flaggedFalse: number) {
  const flagged = flaggedTrue + flaggedFalse;
  const precision = flagged === 0 ? 0 : flaggedTrue / flagged;
  const recall = truth === 0 ? 0 : flaggedTrue / truth;
  console.log(
    `${label}: ${truth} copies, ${flagged} flagged, ${flaggedTrue} correct — precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
  );
  return { precision, recall };
}

/** Runs the population; `changesOf(k)` sets how many moves the k-th copier changes. */
function population(variant: string, greedyShare: number, changesOf: (k: number) => number) {
  let honestPairs = 0;
  let honestFlagged = 0;
  let copies = 0;
  let copiesFlagged = 0;
  for (let board = 0; board < 12; board++) {
    const seed = seedOf(`board-${board}`);
    const players = Array.from({ length: 10 }, (_, i) => honest(seed, `${variant}-${board}-${i}`, greedyShare));
    for (let i = 0; i < players.length; i++)
      for (let j = i + 1; j < players.length; j++) {
        honestPairs++;
        if (judgeCopy(seed, config, players[j]!, players[i]!).copied) honestFlagged++;
      }
    for (let k = 0; k < 6; k++) {
      const copy = copier(seed, players[k]!, `${variant}-${board}-copy-${k}`, changesOf(k));
      copies++;
      if (players.some((p) => judgeCopy(seed, config, copy, p).copied)) copiesFlagged++;
    }
  }
  const { precision, recall } = report(variant, copies, copiesFlagged, honestFlagged);
  const fpr = honestFlagged / honestPairs;
  console.log(`${variant}: ${honestPairs} honest pairs, false-positive rate ${fpr.toFixed(4)}`);
  return { precision, recall, fpr };
}

describe('copied skill logs (population)', () => {
  for (const [variant, greedyShare] of [
    ['honest players 60 % greedy', 0.6],
    ['careful variant: honest players 85 % greedy', 0.85],
  ] as const) {
    it(`finds every exact copy (other timestamps) and flags no independent player — ${variant}`, () => {
      const r = population(`${variant}, exact copies`, greedyShare, () => 0);
      assert.ok(r.precision >= 0.9, `precision ${r.precision}`);
      assert.ok(r.recall >= 0.8, `recall ${r.recall}`);
      assert.ok(r.fpr < 0.01, `false-positive rate ${r.fpr}`);
    });
    // First measured with edit distance (COPY_DISTANCE_MAX_PERMILLE 150): precision 1.0 but recall
    // 0.14–0.18 (the boards diverge after a changed move, so the sequences drift apart; 500 reached
    // 0.68 and cost precision in the careful variant). The judge now weighs, on the copier's own
    // board, whether it plays the other's move wherever that move is legal (copies.ts).
    it(`finds near copies (one or two moves changed) — ${variant}`, () => {
      const r = population(`${variant}, near copies`, greedyShare, (k) => 1 + (k % 2));
      assert.ok(r.precision >= 0.9, `precision ${r.precision}`);
      assert.ok(r.recall >= 0.8, `recall ${r.recall}`);
      assert.ok(r.fpr < 0.01, `false-positive rate ${r.fpr}`);
    });
  }
});

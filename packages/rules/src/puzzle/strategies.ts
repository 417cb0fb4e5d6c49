// Simple players for tests, benchmarks and demos: a greedy one that looks one move ahead (the
// best immediate score, ties to the first move in board order) and a random one that picks any
// legal swap with a seeded generator. They show how much the puzzle rewards choosing well.
import { assertionFailed } from '@fairground/core';
import type { Prng } from '../fair/prng.ts';
import { PuzzleGame, type PuzzleCommand } from './game.ts';
import type { RefillSource } from './refills.ts';

/** The legal move with the highest immediate points, or null when the game is over. */
export function greedyMove(game: PuzzleGame, refills: RefillSource): { from: number; to: number } | null {
  let best: { from: number; to: number } | null = null;
  let bestPoints = -1;
  const view = game.view();
  for (const [from, to] of game.legalMoves()) {
    const trial = PuzzleGame.fromView(view);
    const r = trial.apply({ seq: view.nextSeq, atMs: view.lastAtMs, move: { from, to } }, refills);
    if (r.ok && r.value.points > bestPoints) {
      bestPoints = r.value.points;
      best = { from, to };
    }
  }
  return best;
}

/** A uniformly random legal move, or null when the game is over. */
export function randomMove(game: PuzzleGame, prng: Prng): { from: number; to: number } | null {
  const moves = game.legalMoves();
  if (moves.length === 0) return null;
  const [from, to] = moves[prng.nextInt(moves.length)]!;
  return { from, to };
}

/**
 * Plays a whole game with `choose`, one command every `stepMs` (plus a jitter drawn from
 * `timing`, so logs look like a person's), and returns the command log.
 */
export function playOut(
  game: PuzzleGame,
  refills: RefillSource,
  choose: (game: PuzzleGame) => { from: number; to: number } | null,
  timing: { stepMs: number; jitterMs: number; prng: Prng },
): PuzzleCommand[] {
  const log: PuzzleCommand[] = [];
  let atMs = 0;
  while (!game.ended) {
    const move = choose(game);
    if (move === null) break;
    const nextAtMs = atMs + timing.stepMs + (timing.jitterMs > 0 ? timing.prng.nextInt(timing.jitterMs) : 0);
    if (nextAtMs > game.config.durationMs) break;
    atMs = nextAtMs;
    const command: PuzzleCommand = { seq: game.nextSeq, atMs, move };
    const r = game.apply(command, refills);
    if (!r.ok) assertionFailed(`a strategy chose a move the rules refuse (${r.error.code})`);
    log.push(command);
  }
  return log;
}

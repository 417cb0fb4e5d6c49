// Replay: the verifier's core. From the server seed, the configuration and the command log it
// rebuilds the game exactly as the server played it and reports the final state; any command the
// rules refuse stops the replay and is reported with its position and code.
import { checkPuzzleConfig, type PuzzleConfig } from './config.ts';
import { newPuzzle, type PuzzleCommand, type PuzzleView } from './game.ts';

/** A stored log is never longer than the move limit allows; this caps the work of one replay. */
export const REPLAY_COMMANDS_MAX = 200;

export interface ReplayResult {
  /** True when every command was accepted. */
  readonly ok: boolean;
  readonly view: PuzzleView;
  readonly stateHash: string;
  /** Commands applied before the first refusal (all of them when ok). */
  readonly applied: number;
  readonly rejected: { readonly index: number; readonly code: string } | null;
}

/**
 * Replays `commands` on a new game from `seed`. `end` closes the game afterwards the way the
 * session ended (the clock ran out, or the player stopped early) so the final state matches.
 */
export function replayPuzzle(
  seed: Uint8Array,
  config: PuzzleConfig,
  commands: readonly PuzzleCommand[],
  end: 'time' | 'stopped' | null = null,
): ReplayResult {
  const { game, refills } = newPuzzle(seed, checkPuzzleConfig(config));
  const n = Math.min(commands.length, REPLAY_COMMANDS_MAX);
  let rejected: ReplayResult['rejected'] =
    commands.length > REPLAY_COMMANDS_MAX ? { index: REPLAY_COMMANDS_MAX, code: 'REPLAY_TOO_LONG' } : null;
  let applied = 0;
  for (let i = 0; i < n; i++) {
    const r = game.apply(commands[i]!, refills);
    if (!r.ok) {
      rejected = { index: i, code: r.error.code };
      break;
    }
    applied++;
  }
  if (end !== null && rejected === null) game.end(end);
  return { ok: rejected === null, view: game.view(), stateHash: game.stateHash(), applied, rejected };
}

// The plug-in interface of skill games. A skill game is pure rules shared by the browser, the
// server and the verifier: from a seed and a configuration it creates the starting state, applies
// one command at a time, keeps the score, says when the game is over, validates commands, and
// replays a stored command stream. The server's sessions (practice, matches, tournaments), its
// verifier and review, and the player client reach a game only through this interface, so a new
// game is a new plug-in here and an entry in the operator's catalogue — nothing else changes.
//
// Every game shares the command shape `{seq, atMs, move: {from, to}}` (two cells of a board), the
// refill stream (`SeededRefills`: the server owns it, a client holds a window), the end reasons and
// the puzzle error codes, which is what lets the session code, its storage and the client's
// channel stay game-agnostic. A stored configuration names its game (`rules`; none is match-3).
import type { AppError } from '@fairground/core';
import type { MoveOutcome, PuzzleCommand, PuzzleEndReason } from '../puzzle/game.ts';
import type { RefillSource, SeededRefills } from '../puzzle/refills.ts';
import type { RulesResult } from '../result.ts';

/** What every game's configuration has; each plug-in checks and narrows its own. */
export interface SkillConfig {
  /** The plug-in that plays it; absent means match-3 (configurations stored before plug-ins existed). */
  readonly rules?: string;
  readonly rulesVersion: 1;
  readonly width: number;
  readonly height: number;
  /** Kinds of the refill stream: every draw is 0 … kinds − 1. */
  readonly kinds: number;
  readonly movesMax: number;
  readonly durationMs: number;
}

export type SkillCommand = PuzzleCommand;
export type SkillEndReason = PuzzleEndReason;

/** A game's whole state as plain JSON (what the server sends the client to resume from). */
export interface SkillView {
  readonly config: SkillConfig;
  readonly board: readonly number[];
  readonly score: number;
  readonly movesMade: number;
  readonly nextSeq: number;
  readonly lastAtMs: number;
  readonly refillIndex: number;
  readonly endReason: SkillEndReason | null;
  readonly history: number;
}

/** One running game. */
export interface SkillEngine {
  readonly config: SkillConfig;
  readonly score: number;
  readonly movesMade: number;
  readonly nextSeq: number;
  readonly lastAtMs: number;
  readonly refillIndex: number;
  readonly endReason: SkillEndReason | null;
  /** The game is over (`endReason` is set). */
  readonly ended: boolean;
  view(): SkillView;
  /** Every legal move now, as [from, to]; empty once the game is over. */
  legalMoves(): [number, number][];
  /** Why `command` would be refused now, or null (nothing changes). */
  check(command: SkillCommand): AppError | null;
  /** Applies one command; on a refusal nothing changes. */
  apply(command: SkillCommand, refills: RefillSource): RulesResult<MoveOutcome>;
  /** Ends the game early (time ran out, or the player stopped). */
  end(reason: 'time' | 'stopped'): void;
  /** A short hash of the whole state: equal on every engine for equal states. */
  stateHash(): string;
}

export interface SkillReplay {
  /** True when every command was accepted. */
  readonly ok: boolean;
  readonly view: SkillView;
  readonly stateHash: string;
  readonly applied: number;
  readonly rejected: { readonly index: number; readonly code: string } | null;
}

export interface SkillRules {
  /** The plug-in's name, as a catalogue entry names it. */
  readonly id: string;
  readonly title: { readonly zh: string; readonly en: string };
  /** The configuration a catalogue entry of this game runs on. */
  readonly defaultConfig: SkillConfig;
  /** Checks a configuration from outside; throws PUZZLE_CONFIG_INVALID. */
  checkConfig(config: unknown): SkillConfig;
  /** The starting state for a server seed, and the seed's authoritative refill stream. */
  create(seed: Uint8Array, config: SkillConfig): { readonly game: SkillEngine; readonly refills: SeededRefills };
  /** Restores a game from a view (throws PUZZLE_BOARD_INVALID / PUZZLE_CONFIG_INVALID). */
  fromView(view: SkillView): SkillEngine;
  /** The legal move an obvious strong player would play now (the copy judge's model), or null. */
  obviousMove(game: SkillEngine, refills: RefillSource): { from: number; to: number } | null;
}

/** A stored command stream is never longer than this; caps the work of one replay. */
export const SKILL_REPLAY_COMMANDS_MAX = 200;

/** Schema check of one command from outside: `{seq, atMs, move: {from, to}}`, non-negative integers. */
export function isSkillCommand(c: unknown): c is SkillCommand {
  const o = c as Partial<SkillCommand> | null;
  const count = (v: unknown) => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
  return (
    o !== null &&
    typeof o === 'object' &&
    count(o.seq) &&
    count(o.atMs) &&
    o.move !== null &&
    typeof o.move === 'object' &&
    count(o.move.from) &&
    count(o.move.to)
  );
}

/**
 * Replays `commands` on a new game from `seed` through `rules` (the verifier's core, the same for
 * every game). `end` closes the game the way the session ended, so the final state matches.
 */
export function replaySkill(
  rules: SkillRules,
  seed: Uint8Array,
  config: SkillConfig,
  commands: readonly SkillCommand[],
  end: 'time' | 'stopped' | null = null,
): SkillReplay {
  const { game, refills } = rules.create(seed, rules.checkConfig(config));
  const n = Math.min(commands.length, SKILL_REPLAY_COMMANDS_MAX);
  let rejected: SkillReplay['rejected'] =
    commands.length > SKILL_REPLAY_COMMANDS_MAX ? { index: SKILL_REPLAY_COMMANDS_MAX, code: 'REPLAY_TOO_LONG' } : null;
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

// The skill games this build can play, by plug-in name. A catalogue entry (an operator's setting)
// names one; a stored session's configuration names its own (`rules`, none for match-3), so a
// replay years later runs the game it was played under.
import { AppError } from '@fairground/core';
import { checkPuzzleConfig, DEFAULT_PUZZLE_CONFIG } from '../puzzle/config.ts';
import { PuzzleErrors } from '../puzzle/errors.ts';
import { newPuzzle, PuzzleGame, type PuzzleView } from '../puzzle/game.ts';
import { greedyMove } from '../puzzle/strategies.ts';
import { checkSum10Config, DEFAULT_SUM10_CONFIG, newSum10, Sum10Game, type Sum10View, sum10GreedyMove } from '../sum10/game.ts';
import { replaySkill, type SkillCommand, type SkillConfig, type SkillEngine, type SkillReplay, type SkillRules } from './plugin.ts';

/** The match-3 puzzle (../puzzle): swap two neighbouring gems to make a line of three. */
export const MATCH3_RULES: SkillRules = {
  id: 'match3',
  title: { zh: '宝石消消乐', en: 'Gem Match' },
  defaultConfig: DEFAULT_PUZZLE_CONFIG,
  checkConfig: (c: unknown) => {
    const rules = (c as { rules?: unknown } | null)?.rules;
    if (rules !== undefined && rules !== 'match3') throw new AppError(PuzzleErrors.PUZZLE_CONFIG_INVALID);
    return checkPuzzleConfig(c);
  },
  create: (seed: Uint8Array, config: SkillConfig) => newPuzzle(seed, checkPuzzleConfig(config)),
  fromView: (view) => PuzzleGame.fromView(view as PuzzleView),
  obviousMove: (game, refills) => (game instanceof PuzzleGame ? greedyMove(game, refills) : null),
};

/** Make ten (../sum10): pick two numbers adding up to ten; neighbours score double. */
export const SUM10_RULES: SkillRules = {
  id: 'sum10',
  title: { zh: '凑十', en: 'Make Ten' },
  defaultConfig: DEFAULT_SUM10_CONFIG,
  checkConfig: checkSum10Config,
  create: (seed: Uint8Array, config: SkillConfig) => newSum10(seed, checkSum10Config(config)),
  fromView: (view) => Sum10Game.fromView(view as Sum10View),
  obviousMove: (game) => (game instanceof Sum10Game ? sum10GreedyMove(game) : null),
};

export const SKILL_RULES: Readonly<Record<string, SkillRules>> = Object.freeze({
  [MATCH3_RULES.id]: MATCH3_RULES,
  [SUM10_RULES.id]: SUM10_RULES,
});

/** The plug-in a configuration names; PUZZLE_CONFIG_INVALID for one this build does not have. */
export function rulesOf(config: unknown): SkillRules {
  const name = (config as { rules?: unknown } | null)?.rules ?? 'match3';
  const rules = typeof name === 'string' && Object.hasOwn(SKILL_RULES, name) ? SKILL_RULES[name] : undefined;
  if (rules === undefined) throw new AppError(PuzzleErrors.PUZZLE_CONFIG_INVALID);
  return rules;
}

/** Checks any game's configuration through its plug-in. */
export function checkSkillConfig(config: unknown): SkillConfig {
  return rulesOf(config).checkConfig(config);
}

/** A new game of whichever plug-in the configuration names. */
export function newSkillGame(
  seed: Uint8Array,
  config: SkillConfig,
): { readonly game: SkillEngine; readonly refills: ReturnType<SkillRules['create']>['refills'] } {
  return rulesOf(config).create(seed, config);
}

/** Restores a game of whichever plug-in its view's configuration names. */
export function skillGameFromView(view: { readonly config: SkillConfig }): SkillEngine {
  return rulesOf(view?.config).fromView(view as Parameters<SkillRules['fromView']>[0]);
}

/** Replays a command stream on the game its configuration names. */
export function replaySkillGame(
  seed: Uint8Array,
  config: SkillConfig,
  commands: readonly SkillCommand[],
  end: 'time' | 'stopped' | null = null,
): SkillReplay {
  return replaySkill(rulesOf(config), seed, config, commands, end);
}

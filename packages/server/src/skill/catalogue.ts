// The skill games on offer and their money settings. The built-in list holds the match-3 puzzle;
// operators change games, stakes, rake and tie handling in the console (settings service), which
// replaces the list on every node.
import { AppError } from '@fairground/core';
import { checkSkillConfig, DEFAULT_PUZZLE_CONFIG, type SkillConfig } from '@fairground/rules';
import { SkillErrors } from './errors.ts';
import { SUBMIT_GRACE_MS } from './limits.ts';

export type TieRule = 'refund' | 'split';

export interface SkillGameSettings {
  readonly id: string;
  readonly title: { readonly zh: string; readonly en: string };
  /** The rules configuration of its plug-in (its `rules` names the game; none is match-3). */
  readonly puzzle: SkillConfig;
  /** Entry fees offered for head-to-head matches, in fen. */
  readonly stakesFen: readonly number[];
  /** Platform rake on the pool of a paid match, in basis points. */
  readonly rakeBps: number;
  /** A tied head-to-head: refund both fees (no rake), or split the pool after rake. */
  readonly tieRule: TieRule;
  /** A hosted match nobody joins is refunded in full after this long. */
  readonly matchWaitMs: number;
}

export const MATCH3: SkillGameSettings = Object.freeze({
  id: 'match3',
  title: { zh: '宝石消消乐', en: 'Gem Match' },
  puzzle: DEFAULT_PUZZLE_CONFIG,
  stakesFen: [100, 200, 500, 1000, 2000],
  rakeBps: 1000,
  tieRule: 'split',
  matchWaitMs: 30 * 60_000,
});

function checkGame(g: SkillGameSettings): SkillGameSettings {
  checkSkillConfig(g.puzzle);
  if (!/^[a-z0-9_]{1,32}$/.test(g.id)) throw new Error(`skill game id ${g.id}`);
  if (!g.stakesFen.every((s) => Number.isSafeInteger(s) && s > 0)) throw new Error(`skill game ${g.id}: stakes must be positive fen`);
  if (!Number.isSafeInteger(g.rakeBps) || g.rakeBps < 0 || g.rakeBps > 5000) throw new Error(`skill game ${g.id}: rakeBps 0..5000`);
  if (g.matchWaitMs <= g.puzzle.durationMs + SUBMIT_GRACE_MS) throw new Error(`skill game ${g.id}: matchWaitMs must outlast a session`);
  return g;
}

export class SkillCatalogue {
  #games: Map<string, SkillGameSettings>;

  constructor(games: readonly SkillGameSettings[] = [MATCH3]) {
    this.#games = new Map(games.map((g) => [g.id, checkGame(g)]));
  }

  /**
   * The operator changed the catalogue (the settings service): games created from now on use the
   * new list. Matches and tournaments already created keep the rake and rules they stored.
   */
  replace(games: readonly SkillGameSettings[]): void {
    this.#games = new Map(games.map((g) => [g.id, checkGame(g)]));
  }

  list(): SkillGameSettings[] {
    return [...this.#games.values()];
  }

  require(id: string): SkillGameSettings {
    const g = this.#games.get(id);
    if (!g) throw new AppError(SkillErrors.SKILL_GAME_UNKNOWN, { game: id.slice(0, 40) });
    return g;
  }
}

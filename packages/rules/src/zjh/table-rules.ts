// A room's parameters for one hand of 拼三张 (research note §1.6–§1.7), with defaults. Scores here
// are points: the rules never know about currency.
import { DEFAULT_HAND_RULES, type HandRules, normalizeHandRules } from './hand-rules.ts';
import type { ShowdownProcedure } from './showdown.ts';

export interface BonusRules {
  // 喜牌 paid to a player holding a leopard (豹子), by each other player dealt in. Default 0 (off).
  readonly leopardPoints: number;
  // The same for a straight flush (顺金). Default 0 (off).
  readonly straightFlushPoints: number;
}

export type AllInRule =
  // No all-in: a player who cannot cover a call must fold.
  | 'off'
  // 孤注一掷 (default): a player whose points cannot cover a call puts in all they have and is
  // compared with every other player still in, in turn from the next seat; each loser is out, and
  // the all-in player stops at their first loss.
  | 'compare-all';

export interface TableRules {
  // 底注: every player's ante and the opening unit stake, in points.
  readonly baseScore: number;
  // 封顶: the highest unit stake (what a blind player pays for a call). Default 10 × baseScore.
  readonly stakeCapPoints: number;
  // Allowed unit stakes for a raise, ascending (the room's 加注 buttons); null allows any whole
  // number above the current stake up to the cap. Default null.
  readonly raiseSteps: readonly number[] | null;
  // 轮数封顶: after this many betting rounds the players still in are compared. Default 20.
  readonly roundsMax: number;
  // 几轮可比: the first round in which 比牌 is allowed. Default 2.
  readonly compareFromRound: number;
  // 双倍比牌: a comparison costs this many calls. Default 1.
  readonly compareCostMultiplier: 1 | 2;
  // When only two players are left they may compare in any round. Default false.
  readonly compareHeadsUpAnyRound: boolean;
  // 闷N轮: nobody may look at their cards during the first N rounds. Default 0.
  readonly blindRounds: number;
  // 按序看牌: looking is allowed only on one's own turn. Default false (any time).
  readonly lookInTurnOnly: boolean;
  // Folding is allowed out of turn. Default false (only on one's own turn).
  readonly foldOutOfTurn: boolean;
  readonly allIn: AllInRule;
  readonly bonus: BonusRules;
  // How the players still in are compared when the round cap is reached. Default 'best-hand'
  // (tied best hands split the pot, remainder one point each from the dealer's next seat).
  readonly showdown: ShowdownProcedure;
  readonly hand: HandRules;
}

export type TableRulesInput = { readonly baseScore: number } & Partial<Omit<TableRules, 'baseScore' | 'hand' | 'bonus'>> & {
    readonly hand?: Partial<HandRules>;
    readonly bonus?: Partial<BonusRules>;
  };

// Named limits: every number a room sends is bounded so no sum can leave the safe integers.
export const BASE_SCORE_MAX = 1_000_000;
export const STAKE_CAP_MAX = 100_000_000;
export const ROUNDS_MAX_LIMIT = 100;
export const BLIND_ROUNDS_MAX = 10;
export const RAISE_STEPS_MAX = 16;
export const BONUS_POINTS_MAX = 100_000_000;

export const DEFAULT_ROUNDS_MAX = 20;
export const DEFAULT_COMPARE_FROM_ROUND = 2;
export const DEFAULT_STAKE_CAP_MULTIPLE = 10;

function isIntIn(x: unknown, min: number, max: number): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= min && x <= max;
}

// Fills in defaults and checks every field; returns a reason string when something is invalid.
export function normalizeTableRules(input: TableRulesInput): TableRules | string {
  if (input === null || typeof input !== 'object') return 'rules must be an object';
  const baseScore = input.baseScore;
  if (!isIntIn(baseScore, 1, BASE_SCORE_MAX)) return `baseScore must be an integer in 1..${BASE_SCORE_MAX}`;
  const hand = normalizeHandRules(input.hand);
  if (typeof hand === 'string') return hand;
  const bonus: BonusRules = {
    leopardPoints: input.bonus?.leopardPoints ?? 0,
    straightFlushPoints: input.bonus?.straightFlushPoints ?? 0,
  };
  const rules: TableRules = {
    baseScore,
    stakeCapPoints: input.stakeCapPoints ?? baseScore * DEFAULT_STAKE_CAP_MULTIPLE,
    raiseSteps: input.raiseSteps === undefined || input.raiseSteps === null ? null : [...input.raiseSteps],
    roundsMax: input.roundsMax ?? DEFAULT_ROUNDS_MAX,
    compareFromRound: input.compareFromRound ?? DEFAULT_COMPARE_FROM_ROUND,
    compareCostMultiplier: input.compareCostMultiplier ?? 1,
    compareHeadsUpAnyRound: input.compareHeadsUpAnyRound ?? false,
    blindRounds: input.blindRounds ?? 0,
    lookInTurnOnly: input.lookInTurnOnly ?? false,
    foldOutOfTurn: input.foldOutOfTurn ?? false,
    allIn: input.allIn ?? 'compare-all',
    bonus,
    showdown: input.showdown ?? 'best-hand',
    hand: hand === DEFAULT_HAND_RULES ? { ...DEFAULT_HAND_RULES } : hand,
  };
  if (!isIntIn(rules.stakeCapPoints, baseScore, STAKE_CAP_MAX)) return `stakeCapPoints must be an integer in baseScore..${STAKE_CAP_MAX}`;
  if (rules.raiseSteps !== null) {
    const steps = rules.raiseSteps;
    if (steps.length < 1 || steps.length > RAISE_STEPS_MAX) return `raiseSteps must hold 1..${RAISE_STEPS_MAX} stakes`;
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i];
      if (!isIntIn(s, baseScore + 1, rules.stakeCapPoints))
        return 'each raise step must be an integer above baseScore and at most stakeCapPoints';
      if (i > 0 && s <= (steps[i - 1] as number)) return 'raiseSteps must be strictly ascending';
    }
  }
  if (!isIntIn(rules.roundsMax, 1, ROUNDS_MAX_LIMIT)) return `roundsMax must be an integer in 1..${ROUNDS_MAX_LIMIT}`;
  if (!isIntIn(rules.compareFromRound, 1, ROUNDS_MAX_LIMIT)) return `compareFromRound must be an integer in 1..${ROUNDS_MAX_LIMIT}`;
  if (rules.compareCostMultiplier !== 1 && rules.compareCostMultiplier !== 2) return 'compareCostMultiplier must be 1 or 2';
  if (typeof rules.compareHeadsUpAnyRound !== 'boolean') return 'compareHeadsUpAnyRound must be a boolean';
  if (!isIntIn(rules.blindRounds, 0, BLIND_ROUNDS_MAX)) return `blindRounds must be an integer in 0..${BLIND_ROUNDS_MAX}`;
  if (typeof rules.lookInTurnOnly !== 'boolean') return 'lookInTurnOnly must be a boolean';
  if (typeof rules.foldOutOfTurn !== 'boolean') return 'foldOutOfTurn must be a boolean';
  if (rules.allIn !== 'off' && rules.allIn !== 'compare-all') return "allIn must be 'off' or 'compare-all'";
  if (!isIntIn(bonus.leopardPoints, 0, BONUS_POINTS_MAX) || !isIntIn(bonus.straightFlushPoints, 0, BONUS_POINTS_MAX)) {
    return `bonus points must be integers in 0..${BONUS_POINTS_MAX}`;
  }
  if (rules.showdown !== 'best-hand' && rules.showdown !== 'sequential') return "showdown must be 'best-hand' or 'sequential'";
  return rules;
}

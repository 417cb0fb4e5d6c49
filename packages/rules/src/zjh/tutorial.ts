// The first-hand tutorial's scripted hand, shared by the H5 page and the mini-game scene so both
// teach the same thing: three cards face down for the player and two bots, on practice points
// only (nothing reaches the server, no money moves). The player looks, then calls or folds; bot B
// folds, bot A is compared. Every ranking named comes from this package's own evaluator.
import { compareHands, evaluateHand, type HandCategory } from './hands.ts';

/** The scripted deal: a pair for the player, high card for the bot who stays, a flush for the one who folds. */
export const TUTORIAL_HANDS = {
  you: ['9h', '9d', 'Kc'],
  botA: ['As', 'Jd', '7c'],
  botB: ['5s', '8s', 'Qs'],
} as const satisfies Record<string, readonly [string, string, string]>;

export const TUTORIAL_START_POINTS = 1000;
export const TUTORIAL_ANTE = 10;
export const TUTORIAL_CALL = 20;

/** The hand rankings, best first, as the tutorial's ladder lists them. */
export const TUTORIAL_LADDER: readonly HandCategory[] = ['leopard', 'straight_flush', 'flush', 'straight', 'pair', 'high_card'];

export type TutorialStep = 'deal' | 'looked' | 'called' | 'folded' | 'shown';

export interface TutorialView {
  /** The pot in practice points. */
  readonly pot: number;
  /** The player's practice points at this step. */
  readonly points: number;
  /** Whether the player's pair beats bot A's hand at the showdown. */
  readonly won: boolean;
  /** The player's own cards are face up. */
  readonly youOpen: boolean;
  /** The bots' cards are face up (the hand is over). */
  readonly botsOpen: boolean;
  /** The hand is over: only "done" is left. */
  readonly over: boolean;
  /** The rankings shown so far, marked on the ladder. */
  readonly seen: readonly HandCategory[];
  readonly categories: { readonly you: HandCategory; readonly botA: HandCategory; readonly botB: HandCategory };
}

export function tutorialView(step: TutorialStep): TutorialView {
  const categories = {
    you: evaluateHand(TUTORIAL_HANDS.you).category,
    botA: evaluateHand(TUTORIAL_HANDS.botA).category,
    botB: evaluateHand(TUTORIAL_HANDS.botB).category,
  };
  const won = compareHands(TUTORIAL_HANDS.you, TUTORIAL_HANDS.botA) === 1;
  const called = step === 'called' || step === 'shown';
  const pot = TUTORIAL_ANTE * 3 + TUTORIAL_CALL * (called ? 2 : 1);
  const points =
    step === 'shown' ? TUTORIAL_START_POINTS - TUTORIAL_ANTE - TUTORIAL_CALL + (won ? pot : 0) : TUTORIAL_START_POINTS - TUTORIAL_ANTE;
  const over = step === 'shown' || step === 'folded';
  const seen = new Set<HandCategory>();
  if (step !== 'deal') seen.add(categories.you);
  if (over) {
    seen.add(categories.botA);
    seen.add(categories.botB);
  }
  return { pot, points, won, youOpen: step !== 'deal', botsOpen: over, over, seen: [...seen], categories };
}

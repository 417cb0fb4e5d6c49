// The hand-ranking options a room can choose. Public sources disagree on each of these
// (research note §1.3–§1.5), so each is a room setting with a documented default.

// Where the A-2-3 straight sits.
export type A23Placement =
  // A-2-3 is the lowest straight, Q-K-A the highest (default).
  | 'lowest'
  // A-2-3 ranks just below Q-K-A and above J-Q-K (`123仅小于QKA`, Teen Patti).
  | 'below-qka'
  // A-2-3 is the highest straight (`顺子123最大`).
  | 'highest'
  // A-2-3 is not a straight at all; it is an ace-high hand.
  | 'not-straight';

// What a 2-3-5 that is not a flush does.
export type Special235 =
  // It is a plain high card (the lowest one).
  | 'off'
  // It beats every leopard and loses to everything else (default, `235吃豹子`).
  | 'beats-leopards'
  // It beats only A-A-A (`235只吃AAA`) and loses to everything else.
  | 'beats-aaa';

// Which 2-3-5 hands count as the special hand.
export type Special235Suits =
  // Any 2-3-5 not all of one suit: 60 combinations (default, "花色不同" read as 杂色).
  | 'not-all-one-suit'
  // Only 2-3-5 in three different suits: 24 combinations (the strict reading).
  | 'three-suits';

// How hands of equal ranks compare.
export type SuitOrder =
  // Suits never matter: equal ranks tie, and the table's tie rule decides (default).
  | 'none'
  // ♠ > ♥ > ♣ > ♦ decides equal ranks: the suit of the highest card, of the pair's better card, or of a straight's top card.
  | 'spades-hearts-clubs-diamonds';

export interface HandRules {
  readonly a23: A23Placement;
  readonly special235: Special235;
  readonly special235Suits: Special235Suits;
  readonly suitOrder: SuitOrder;
  // True ranks 顺子 (straight) above 金花 (flush), as in Teen Patti and the `顺子大金花` room option.
  readonly straightAboveFlush: boolean;
}

export const DEFAULT_HAND_RULES: HandRules = Object.freeze({
  a23: 'lowest',
  special235: 'beats-leopards',
  special235Suits: 'not-all-one-suit',
  suitOrder: 'none',
  straightAboveFlush: false,
});

const A23_VALUES: readonly A23Placement[] = ['lowest', 'below-qka', 'highest', 'not-straight'];
const SPECIAL235_VALUES: readonly Special235[] = ['off', 'beats-leopards', 'beats-aaa'];
const SPECIAL235_SUITS_VALUES: readonly Special235Suits[] = ['not-all-one-suit', 'three-suits'];
const SUIT_ORDER_VALUES: readonly SuitOrder[] = ['none', 'spades-hearts-clubs-diamonds'];

// Fills in defaults and checks every field. Returns a reason string instead of the rules when a
// field holds a value that is not one of its variants, so callers can turn it into their own error.
export function normalizeHandRules(rules: Partial<HandRules> | undefined): HandRules | string {
  if (rules === undefined) return DEFAULT_HAND_RULES;
  if (rules === null || typeof rules !== 'object') return 'hand rules must be an object';
  const out: HandRules = {
    a23: rules.a23 ?? DEFAULT_HAND_RULES.a23,
    special235: rules.special235 ?? DEFAULT_HAND_RULES.special235,
    special235Suits: rules.special235Suits ?? DEFAULT_HAND_RULES.special235Suits,
    suitOrder: rules.suitOrder ?? DEFAULT_HAND_RULES.suitOrder,
    straightAboveFlush: rules.straightAboveFlush ?? DEFAULT_HAND_RULES.straightAboveFlush,
  };
  if (!A23_VALUES.includes(out.a23)) return `a23 must be one of ${A23_VALUES.join(', ')}`;
  if (!SPECIAL235_VALUES.includes(out.special235)) return `special235 must be one of ${SPECIAL235_VALUES.join(', ')}`;
  if (!SPECIAL235_SUITS_VALUES.includes(out.special235Suits)) return `special235Suits must be one of ${SPECIAL235_SUITS_VALUES.join(', ')}`;
  if (!SUIT_ORDER_VALUES.includes(out.suitOrder)) return `suitOrder must be one of ${SUIT_ORDER_VALUES.join(', ')}`;
  if (typeof out.straightAboveFlush !== 'boolean') return 'straightAboveFlush must be a boolean';
  return out;
}

// A stable string naming a rule set, used to cache its lookup table.
export function handRulesId(rules: HandRules): string {
  return `${rules.a23}|${rules.special235}|${rules.special235Suits}|${rules.suitOrder}|${rules.straightAboveFlush ? 1 : 0}`;
}

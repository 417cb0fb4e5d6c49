// Hand evaluation. Every three-card hand maps to one integer key, precomputed per rule set in a
// table indexed by the three card indices, so evaluating a hand in the hot path is one array read
// with no allocation. A key packs, from the low bits up:
//   bits 0–1   the suit tie-break (zero when suits do not matter),
//   bits 2–13  the order inside the category,
//   bits 14–16 the category's place in this rule set's order,
//   bit  20    "special 2-3-5" (set only when the 235 rule is on),
//   bit  21    "a leopard the special 2-3-5 beats",
//   bits 22–24 the category's canonical id.
// Bits 0–16 alone give a total preorder of hand strength; the two flag bits carry the one
// exception (235 beats leopards), so `compareKeys` needs no rule set.
import { AppError } from '@fairground/core';
import { cardIndex, DECK_SIZE, HAND_SIZE } from './cards.ts';
import { ZjhErrors } from './errors.ts';
import { type HandRules, handRulesId, normalizeHandRules } from './hand-rules.ts';

export type HandCategory = 'high_card' | 'pair' | 'straight' | 'flush' | 'straight_flush' | 'leopard';

// Canonical category ids, weakest first; the order the default rules use.
export const HAND_CATEGORIES: readonly HandCategory[] = ['high_card', 'pair', 'straight', 'flush', 'straight_flush', 'leopard'];
const HIGH_CARD = 0;
const PAIR = 1;
const STRAIGHT = 2;
const FLUSH = 3;
const STRAIGHT_FLUSH = 4;
const LEOPARD = 5;

export const KEY_STRENGTH_MASK = (1 << 17) - 1;
export const KEY_SPECIAL_235 = 1 << 20;
export const KEY_235_VICTIM = 1 << 21;
const KEY_CATEGORY_SHIFT = 22;

export interface HandValue {
  readonly category: HandCategory;
  // Compare two keys with `compareKeys`; bigger strength bits mean a stronger hand.
  readonly key: number;
  // True when this hand is the special non-flush 2-3-5 under the rules it was evaluated with.
  readonly special235: boolean;
}

// Suit strength for the ♠ > ♥ > ♣ > ♦ tie-break, by suit index (s, h, d, c).
const SUIT_STRENGTH = [3, 2, 0, 1] as const;
const RANK_ACE = 12;
const RANK_2 = 0;
const RANK_3 = 1;
const RANK_5 = 3;

function categoryPlace(category: number, rules: HandRules): number {
  if (!rules.straightAboveFlush) return category;
  if (category === STRAIGHT) return FLUSH;
  if (category === FLUSH) return STRAIGHT;
  return category;
}

// The key of one hand, computed from first principles; used only to build tables.
function computeKey(a: number, b: number, c: number, rules: HandRules): number {
  // Sort the cards by rank, highest first (ties by index, which never matters below).
  let x = a;
  let y = b;
  let z = c;
  if (x >> 2 < y >> 2) [x, y] = [y, x];
  if (y >> 2 < z >> 2) [y, z] = [z, y];
  if (x >> 2 < y >> 2) [x, y] = [y, x];
  const r1 = x >> 2;
  const r2 = y >> 2;
  const r3 = z >> 2;
  const s1 = x & 3;
  const s2 = y & 3;
  const s3 = z & 3;
  const flush = s1 === s2 && s2 === s3;

  let category: number;
  let order: number;
  let tieSuit: number;
  let special = false;
  let victim = false;
  if (r1 === r2 && r2 === r3) {
    category = LEOPARD;
    order = r1;
    tieSuit = 0; // Two equal leopards need two decks; a single deck never ties here.
    victim = rules.special235 === 'beats-leopards' || (rules.special235 === 'beats-aaa' && r1 === RANK_ACE);
  } else if (r1 === r2 || r2 === r3) {
    category = PAIR;
    const pairRank = r2; // The middle card always belongs to the pair.
    const kicker = r1 === r2 ? r3 : r1;
    order = pairRank * 13 + kicker;
    const pairSuits = r1 === r2 ? [s1, s2] : [s2, s3];
    tieSuit = Math.max(SUIT_STRENGTH[pairSuits[0] as 0], SUIT_STRENGTH[pairSuits[1] as 0]);
  } else {
    const plainStraight = r1 - r2 === 1 && r2 - r3 === 1;
    const aceLow = r1 === RANK_ACE && r2 === RANK_3 && r3 === RANK_2 && rules.a23 !== 'not-straight';
    if (plainStraight || aceLow) {
      category = flush ? STRAIGHT_FLUSH : STRAIGHT;
      if (plainStraight) {
        order = 2 * r1; // 4 (for 2-3-4) … 24 (for Q-K-A): even numbers leave room for A-2-3.
        tieSuit = SUIT_STRENGTH[s1 as 0];
      } else {
        order = rules.a23 === 'lowest' ? 2 : rules.a23 === 'below-qka' ? 23 : 26;
        tieSuit = SUIT_STRENGTH[s2 as 0]; // The 3 is the top card of A-2-3: the ace plays as 1.
      }
    } else {
      category = flush ? FLUSH : HIGH_CARD;
      order = r1 * 169 + r2 * 13 + r3;
      tieSuit = SUIT_STRENGTH[s1 as 0];
      if (rules.special235 !== 'off' && r1 === RANK_5 && r2 === RANK_3 && r3 === RANK_2 && !flush) {
        special = rules.special235Suits === 'not-all-one-suit' || (s1 !== s2 && s2 !== s3 && s1 !== s3);
      }
    }
  }
  if (rules.suitOrder === 'none') tieSuit = 0;
  const strength = (categoryPlace(category, rules) << 14) | (order << 2) | tieSuit;
  return (category << KEY_CATEGORY_SHIFT) | (victim ? KEY_235_VICTIM : 0) | (special ? KEY_SPECIAL_235 : 0) | strength;
}

// Compares two hand keys: 1 when `a` wins, -1 when `b` wins, 0 when they tie (the table's tie
// rule decides). Keys must come from the same rule set.
export function compareKeys(a: number, b: number): 1 | 0 | -1 {
  if ((a & KEY_SPECIAL_235) !== 0 && (b & KEY_235_VICTIM) !== 0) return 1;
  if ((b & KEY_SPECIAL_235) !== 0 && (a & KEY_235_VICTIM) !== 0) return -1;
  const sa = a & KEY_STRENGTH_MASK;
  const sb = b & KEY_STRENGTH_MASK;
  return sa > sb ? 1 : sa < sb ? -1 : 0;
}

// The category of a key.
export function categoryOfKey(key: number): HandCategory {
  return HAND_CATEGORIES[(key >>> KEY_CATEGORY_SHIFT) & 7] as HandCategory;
}

// Strength bits of a key: the total preorder that holds when no special 2-3-5 meets a leopard it beats.
export function strengthOfKey(key: number): number {
  return key & KEY_STRENGTH_MASK;
}

// Evaluates hands under one rule set. Get one with `handEvaluator(rules)`; it is cached.
export class HandEvaluator {
  readonly rules: HandRules;
  readonly #table: Int32Array;

  constructor(rules: HandRules) {
    this.rules = rules;
    // Indexed by (a × 52 + b) × 52 + c over ordered triples, so no sorting is needed to look up;
    // -1 marks triples that repeat a card.
    const table = new Int32Array(DECK_SIZE * DECK_SIZE * DECK_SIZE).fill(-1);
    for (let a = 0; a < DECK_SIZE; a++) {
      for (let b = a + 1; b < DECK_SIZE; b++) {
        for (let c = b + 1; c < DECK_SIZE; c++) {
          const key = computeKey(a, b, c, rules);
          table[(a * DECK_SIZE + b) * DECK_SIZE + c] = key;
          table[(a * DECK_SIZE + c) * DECK_SIZE + b] = key;
          table[(b * DECK_SIZE + a) * DECK_SIZE + c] = key;
          table[(b * DECK_SIZE + c) * DECK_SIZE + a] = key;
          table[(c * DECK_SIZE + a) * DECK_SIZE + b] = key;
          table[(c * DECK_SIZE + b) * DECK_SIZE + a] = key;
        }
      }
    }
    this.#table = table;
  }

  // The key of three card indices 0..51, or -1 when a card repeats or an index is out of range. The hot path.
  keyOf(c0: number, c1: number, c2: number): number {
    if (c0 >>> 0 >= DECK_SIZE || c1 >>> 0 >= DECK_SIZE || c2 >>> 0 >= DECK_SIZE) return -1;
    return this.#table[(c0 * DECK_SIZE + c1) * DECK_SIZE + c2] as number;
  }

  // The key of three card strings, or -1 when they are not three different cards. Allocates nothing.
  keyOfCards(cards: readonly string[]): number {
    if (cards.length !== HAND_SIZE) return -1;
    return this.keyOf(cardIndex(cards[0] as string), cardIndex(cards[1] as string), cardIndex(cards[2] as string));
  }

  // Evaluates a hand of card strings; throws ZJH_CARDS_INVALID when it is not three different cards.
  evaluate(cards: readonly string[]): HandValue {
    const key = this.keyOfCards(cards);
    if (key < 0) throw new AppError(ZjhErrors.ZJH_CARDS_INVALID, { cards: describeCards(cards) });
    return { category: categoryOfKey(key), key, special235: (key & KEY_SPECIAL_235) !== 0 };
  }

  // 1 when `a` wins, -1 when `b` wins, 0 on a tie. Throws ZJH_CARDS_INVALID on bad hands.
  compare(a: readonly string[], b: readonly string[]): 1 | 0 | -1 {
    return compareKeys(this.evaluate(a).key, this.evaluate(b).key);
  }
}

function describeCards(cards: unknown): string {
  if (!Array.isArray(cards)) return typeof cards;
  return cards
    .slice(0, 4)
    .map((c) => (typeof c === 'string' ? c.slice(0, 4) : typeof c))
    .join(',');
}

// Rule sets in use rarely exceed a handful per server; each table is about 0.5 MB.
const EVALUATOR_CACHE_MAX = 16;
const evaluatorsById = new Map<string, HandEvaluator>();
const evaluatorsByObject = new WeakMap<object, HandEvaluator>();
let defaultEvaluator: HandEvaluator | undefined;

// The evaluator for a rule set (defaults filled in). Cached: building a table takes a few
// milliseconds. Throws ZJH_RULES_INVALID when an option is not one of its variants.
export function handEvaluator(rules?: Partial<HandRules>): HandEvaluator {
  if (rules === undefined) {
    defaultEvaluator ??= handEvaluator({});
    return defaultEvaluator;
  }
  // Only frozen rule objects are cached by identity: a mutable one could change after caching.
  const byObject = evaluatorsByObject.get(rules);
  if (byObject !== undefined) return byObject;
  const normalized = normalizeHandRules(rules);
  if (typeof normalized === 'string') throw new AppError(ZjhErrors.ZJH_RULES_INVALID, { reason: normalized });
  const id = handRulesId(normalized);
  let evaluator = evaluatorsById.get(id);
  if (evaluator === undefined) {
    evaluator = new HandEvaluator(Object.freeze({ ...normalized }));
    if (evaluatorsById.size >= EVALUATOR_CACHE_MAX) {
      const oldest = evaluatorsById.keys().next().value;
      if (oldest !== undefined) evaluatorsById.delete(oldest);
    }
    evaluatorsById.set(id, evaluator);
  }
  if (Object.isFrozen(rules)) evaluatorsByObject.set(rules, evaluator);
  return evaluator;
}

// Evaluates three cards ("As", "Td", "2c") under `rules` (defaults: see DEFAULT_HAND_RULES).
export function evaluateHand(cards: readonly string[], rules?: Partial<HandRules>): HandValue {
  return handEvaluator(rules).evaluate(cards);
}

// Compares two hands: 1 when `a` wins, -1 when `b` wins, 0 when they tie. A tie in a comparison
// (比牌) is settled by the table: by default the player who asked for it loses.
export function compareHands(a: readonly string[], b: readonly string[], rules?: Partial<HandRules>): 1 | 0 | -1 {
  return handEvaluator(rules).compare(a, b);
}

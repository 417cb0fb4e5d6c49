// Showdowns among three or more hands. With the 235 rule on, the order is a cycle
// (235 > leopard > everything else > 235), so "the best hand" needs a stated procedure.
import { compareKeys, handEvaluator, KEY_235_VICTIM, KEY_SPECIAL_235, KEY_STRENGTH_MASK } from './hands.ts';
import type { HandRules } from './hand-rules.ts';

export type ShowdownProcedure =
  // Default. When a special 2-3-5 and a leopard it beats are both present, the special 2-3-5
  // hands are the only candidates; otherwise every hand is. The strongest candidates win, and
  // equal ones share (a forced showdown has no challenger to lose the tie).
  | 'best-hand'
  // Comparisons in list order: the first hand meets the second, the survivor meets the third,
  // and so on. Each earlier hand is the challenger, so it loses a tie. One winner, which may
  // depend on the order.
  | 'sequential';

// Indices of the winning keys (ascending). `keys` come from one rule set's evaluator.
// Allocates only the result.
export function showdownWinnersByKey(keys: readonly number[], procedure: ShowdownProcedure = 'best-hand'): number[] {
  if (keys.length === 0) return [];
  if (procedure === 'sequential') {
    let holder = 0;
    for (let i = 1; i < keys.length; i++) {
      if (compareKeys(keys[holder] as number, keys[i] as number) <= 0) holder = i;
    }
    return [holder];
  }
  let anySpecial = false;
  let anyVictim = false;
  for (const key of keys) {
    if ((key & KEY_SPECIAL_235) !== 0) anySpecial = true;
    if ((key & KEY_235_VICTIM) !== 0) anyVictim = true;
  }
  const onlySpecials = anySpecial && anyVictim;
  let best = -1;
  for (const key of keys) {
    if (onlySpecials && (key & KEY_SPECIAL_235) === 0) continue;
    const strength = key & KEY_STRENGTH_MASK;
    if (strength > best) best = strength;
  }
  const winners: number[] = [];
  keys.forEach((key, i) => {
    if (onlySpecials && (key & KEY_SPECIAL_235) === 0) return;
    if ((key & KEY_STRENGTH_MASK) === best) winners.push(i);
  });
  return winners;
}

// Indices (ascending) of the winning hands among `hands`, by the showdown procedure (default
// 'best-hand', see above). Several indices mean the pot is split among them.
// Throws ZJH_CARDS_INVALID on a malformed hand.
export function showdownWinners(
  hands: readonly (readonly string[])[],
  rules?: Partial<HandRules>,
  procedure: ShowdownProcedure = 'best-hand',
): number[] {
  const evaluator = handEvaluator(rules);
  return showdownWinnersByKey(
    hands.map((h) => evaluator.evaluate(h).key),
    procedure,
  );
}

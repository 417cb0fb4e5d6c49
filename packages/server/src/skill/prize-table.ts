// A settled tournament's prize table: the ranking of its entries and what each rank is paid.
import { FEN_BOUNDS_NON_NEGATIVE, present, splitByWeights, splitEvenly, toFen } from '@fairground/core';

export interface RankableEntry {
  readonly playerId: string;
  readonly score: number | null;
  readonly enteredAtMs: number;
}

export interface PrizeResult {
  readonly rank: number;
  readonly prizeFen: number;
}

/**
 * Ranks `played` best score first (held entries after every honest one, then earliest entry, then
 * player id) and splits `prizeFen` over the first places by `prizeWeights`. Prize places go to
 * honest entries only; equal scores form one group that shares the prizes of the places it spans.
 * At least one entry must be honest.
 */
export function prizeTable<T extends RankableEntry>(
  played: readonly T[],
  isHeld: (e: T) => boolean,
  prizeWeights: readonly number[],
  prizeFen: number,
): Map<string, PrizeResult> {
  const eligible = played.filter((e) => !isHeld(e)).length;
  const places = Math.min(prizeWeights.length, eligible);
  const placePrizes = splitByWeights(toFen(prizeFen, FEN_BOUNDS_NON_NEGATIVE), prizeWeights.slice(0, places));
  const ranked = [...played].sort(
    (a, b) =>
      Number(isHeld(a)) - Number(isHeld(b)) ||
      (b.score ?? 0) - (a.score ?? 0) ||
      a.enteredAtMs - b.enteredAtMs ||
      (a.playerId < b.playerId ? -1 : 1),
  );
  const results = new Map<string, PrizeResult>();
  for (let i = 0; i < ranked.length; ) {
    const first = present(ranked[i], 'the loop stays inside the ranking');
    const group = [first];
    for (const next of ranked.slice(i + 1)) {
      if (next.score !== first.score || isHeld(next) !== isHeld(first)) break;
      group.push(next);
    }
    let groupFen = 0;
    if (!isHeld(first)) for (const prize of placePrizes.slice(i, i + group.length)) groupFen += prize;
    const shares = splitEvenly(toFen(groupFen, FEN_BOUNDS_NON_NEGATIVE), group.length);
    group.forEach((e, k) => {
      results.set(e.playerId, { rank: i + 1, prizeFen: present(shares[k], 'one share per tied entry') });
    });
    i += group.length;
  }
  return results;
}

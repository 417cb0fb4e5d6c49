// Splitting a pot of points among tied winners uses the platform's one remainder rule (the same
// as `splitEvenly` in @fairground/core, which is for money): everyone gets the floor of the equal
// share, and the points left over go one each to the first winners in list order. The betting
// reducer lists winners in acting order, so "first" means nearest the dealer's left.

export function splitPointsEvenly(totalPoints: number, count: number): number[] {
  if (!Number.isSafeInteger(totalPoints) || totalPoints < 0)
    throw new RangeError(`totalPoints must be a non-negative safe integer, got ${totalPoints}`);
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  const share = Math.floor(totalPoints / count);
  const remainder = totalPoints - share * count;
  return Array.from({ length: count }, (_, i) => share + (i < remainder ? 1 : 0));
}

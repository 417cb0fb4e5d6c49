// Choosing an opponent. A waiting entrant accepts opponents inside a rating window that widens
// the longer it has waited (so nobody waits forever, and close matches come first); a pair is
// never a player with themself, never two accounts the risk domain links, and never a pair that
// has already met too often recently (repeated pairings are how colluders pass money).

export interface MatchmakingPolicy {
  /** Rating points either way a new entrant accepts. */
  readonly windowBase: number;
  /** Points the window widens by per whole second of waiting. */
  readonly windowGrowthPerSecond: number;
  /** The window never grows beyond this. */
  readonly windowMax: number;
  /** Recent pairings are counted over this span. */
  readonly rematchSpanMs: number;
  /** Two players meet at most this many times within the span. */
  readonly rematchMax: number;
}

export const DEFAULT_MATCHMAKING: MatchmakingPolicy = Object.freeze({
  windowBase: 100,
  windowGrowthPerSecond: 2,
  windowMax: 700,
  rematchSpanMs: 24 * 3_600_000,
  rematchMax: 3,
});

/** The half-width of the acceptable rating range after waiting `waitedMs`, in whole rating points. */
export function ratingWindow(waitedMs: number, policy: MatchmakingPolicy = DEFAULT_MATCHMAKING): number {
  const seconds = Math.max(0, Math.floor(waitedMs / 1000));
  return Math.min(policy.windowMax, policy.windowBase + seconds * policy.windowGrowthPerSecond);
}

export interface Seeker {
  readonly playerId: string;
  readonly rating: number;
  /** When the seeker started waiting (now, for a player who just asked). */
  readonly waitingSinceMs: number;
  /** Accounts linked to the seeker by the risk domain. */
  readonly linked: ReadonlySet<string>;
  /** How often the seeker met each opponent within the rematch span. */
  readonly recentOpponents: ReadonlyMap<string, number>;
}

export interface Candidate {
  readonly id: string;
  readonly playerId: string;
  readonly rating: number;
  readonly waitingSinceMs: number;
}

export type RefusalReason = 'self' | 'linked' | 'rematch' | 'rating';

/** Why `candidate` may not face `seeker` now, or null when it may. */
export function refusal(
  seeker: Seeker,
  candidate: Candidate,
  nowMs: number,
  policy: MatchmakingPolicy = DEFAULT_MATCHMAKING,
): RefusalReason | null {
  if (candidate.playerId === seeker.playerId) return 'self';
  if (seeker.linked.has(candidate.playerId)) return 'linked';
  if ((seeker.recentOpponents.get(candidate.playerId) ?? 0) >= policy.rematchMax) return 'rematch';
  // The longer-waiting side's window decides: a candidate that waited long accepts a wider range.
  const window = Math.max(ratingWindow(nowMs - candidate.waitingSinceMs, policy), ratingWindow(nowMs - seeker.waitingSinceMs, policy));
  if (Math.abs(candidate.rating - seeker.rating) > window) return 'rating';
  return null;
}

/**
 * The best acceptable candidate: the closest rating; among equally close, the one waiting
 * longest; then by id, so the choice is deterministic. Null when none is acceptable.
 */
export function chooseOpponent<C extends Candidate>(
  seeker: Seeker,
  candidates: readonly C[],
  nowMs: number,
  policy: MatchmakingPolicy = DEFAULT_MATCHMAKING,
): C | null {
  let best: C | null = null;
  for (const c of candidates) {
    if (refusal(seeker, c, nowMs, policy) !== null) continue;
    if (best === null) {
      best = c;
      continue;
    }
    const d = Math.abs(c.rating - seeker.rating);
    const bd = Math.abs(best.rating - seeker.rating);
    if (d < bd || (d === bd && (c.waitingSinceMs < best.waitingSinceMs || (c.waitingSinceMs === best.waitingSinceMs && c.id < best.id))))
      best = c;
  }
  return best;
}

// Copied play: on a shared seed (a match, a tournament) a second account can replay another's
// command log and score the same. A session's moves (without timestamps, which a copier changes)
// are compared with the other finished sessions of its seed: the same sequence, or one within a
// small edit distance (a copy with a few moves changed), is a copy. Honest players on one board
// diverge within a few moves (pinned by the population test in test/skill/copies.test.ts).
import { COPY_DISTANCE_MAX_PERMILLE, COPY_MOVES_MIN, COPY_SEQUENCE_MAX } from './limits.ts';

export type Move = { readonly from: number; readonly to: number };

/** A move sequence as one comparable token per move. */
export function moveTokens(moves: readonly Move[]): number[] {
  return moves.slice(0, COPY_SEQUENCE_MAX).map((m) => m.from * 65_536 + m.to);
}

/** Levenshtein distance between two token sequences, giving up (returning `limit + 1`) past `limit`. */
export function editDistance(a: readonly number[], b: readonly number[], limit: number): number {
  if (Math.abs(a.length - b.length) > limit) return limit + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const v = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      cur.push(v);
      if (v < rowMin) rowMin = v;
    }
    if (rowMin > limit) return limit + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

export interface CopyVerdict {
  readonly copied: boolean;
  /** Edit distance per mille of the longer sequence. */
  readonly distancePermille: number;
}

/** Whether `mine` copies `theirs`: identical, or within COPY_DISTANCE_MAX_PERMILLE of the longer one's length. */
export function judgeCopy(mine: readonly number[], theirs: readonly number[]): CopyVerdict {
  const longer = Math.max(mine.length, theirs.length);
  if (Math.min(mine.length, theirs.length) < COPY_MOVES_MIN) return { copied: false, distancePermille: 1000 };
  const limit = Math.floor((longer * COPY_DISTANCE_MAX_PERMILLE) / 1000);
  const d = editDistance(mine, theirs, limit);
  const distancePermille = Math.min(1000, Math.round((d * 1000) / longer));
  return { copied: d <= limit, distancePermille };
}

// Copied play: on a shared seed (a match, a tournament) a second account can replay another's
// command log and score the same. A closing session's moves (without timestamps, which a copier
// changes) are compared with the other finished sessions of its seed: the same sequence is a copy;
// so is a near copy, judged on the boards the moves were played on rather than on the sequences.
//
// Why not edit distance: after a copier changes one move, its board differs from the victim's
// (other cascades, another place in the refill stream), many of the victim's later moves are no
// longer legal for it and the sequences drift apart — edit distance found 14–18 % of near copies.
// What does not drift is the copier's habit: whenever the victim's move at step i is legal on the
// copier's own board, the copier plays it. So the judge replays one session's board and, at each
// step where the other's move is legal there, weighs what happened as a likelihood ratio between
// "copies" (plays it 9 times in 10) and "plays on its own": a strong player plays the obvious move
// (the one scoring most now) 3 times in 4, any other given move about once in the number of legal
// moves. Agreeing on the obvious move is weak evidence (two good players do); agreeing on an
// unobvious move, or on the other's move on a board that differs, is strong evidence; declining a
// legal move of the other's is evidence against. The sum, in thousandths of a nat, both ways round
// (either session may be the copy), is compared with COPY_LLR_MIN_MILLI. Measured on the
// population test (test/skill/copies.test.ts): see the skill README.
import { rulesOf, type SkillConfig } from '@fairground/rules';
import { COPY_LLR_FLOOR_MILLI, COPY_LLR_MIN_MILLI, COPY_MOVES_MIN, COPY_SEQUENCE_MAX } from './limits.ts';

export type Move = { readonly from: number; readonly to: number };

/** How often a copier plays the other's move when it is legal on its board (it changes a few). */
const P_COPY_FOLLOWS = 0.9;
/** How often an independent strong player plays the obvious (highest-scoring) move. */
const P_OWN_OBVIOUS = 0.75;

export interface CopyEvidence {
  /** Steps at which the other's move was legal on this board. */
  readonly comparable: number;
  /** Of those, the steps at which this session played it. */
  readonly followed: number;
  /** The log-likelihood ratio "copies" against "plays on its own", in thousandths of a nat. */
  readonly llrMilli: number;
}

/**
 * Replays `mine` on the seed's board and weighs, step by step, whether it follows `theirs`. The
 * whole game counts (two honest players may agree for a few moves, then part); the replay stops
 * early only below COPY_LLR_FLOOR_MILLI, from where the rest of a game cannot reach a copy.
 */
export function copyEvidence(seed: Uint8Array, config: SkillConfig, mine: readonly Move[], theirs: readonly Move[]): CopyEvidence {
  // The game's plug-in plays the boards and names the obvious move (the model of an honest strong player).
  const rules = rulesOf(config);
  const { game, refills } = rules.create(seed, config);
  const n = Math.min(mine.length, theirs.length, COPY_SEQUENCE_MAX);
  let comparable = 0;
  let followed = 0;
  let llr = 0;
  for (let i = 0; i < n && !game.ended; i++) {
    const t = theirs[i]!;
    const m = mine[i]!;
    const legal = game.legalMoves();
    if (legal.some(([f, to]) => f === t.from && to === t.to)) {
      comparable++;
      const g = rules.obviousMove(game, refills);
      const pOwn = g !== null && g.from === t.from && g.to === t.to ? P_OWN_OBVIOUS : 1 / legal.length;
      const follows = m.from === t.from && m.to === t.to;
      if (follows) followed++;
      llr += follows ? Math.log(P_COPY_FOLLOWS / pOwn) : Math.log((1 - P_COPY_FOLLOWS) / (1 - pOwn));
      if (llr * 1000 <= COPY_LLR_FLOOR_MILLI) break;
    }
    if (!game.apply({ seq: i + 1, atMs: 0, move: m }, refills).ok) break;
  }
  return { comparable, followed, llrMilli: Math.round(llr * 1000) };
}

export interface CopyVerdict {
  readonly copied: boolean;
  /** The two sequences are identical. */
  readonly exact: boolean;
  /** The stronger of the two directions' evidence. */
  readonly evidence: CopyEvidence;
  /** Followed steps per mille of comparable ones (the console's "similarity"). */
  readonly similarityPermille: number;
}

/** Whether one of two sessions on one seed copies the other (identical, or near by the evidence above). */
export function judgeCopy(seed: Uint8Array, config: SkillConfig, mine: readonly Move[], theirs: readonly Move[]): CopyVerdict {
  const none: CopyEvidence = { comparable: 0, followed: 0, llrMilli: 0 };
  if (Math.min(mine.length, theirs.length) < COPY_MOVES_MIN) return { copied: false, exact: false, evidence: none, similarityPermille: 0 };
  const exact = mine.length === theirs.length && mine.every((m, i) => m.from === theirs[i]!.from && m.to === theirs[i]!.to);
  const a = copyEvidence(seed, config, mine, theirs);
  const b = a.llrMilli >= COPY_LLR_MIN_MILLI ? a : copyEvidence(seed, config, theirs, mine);
  const evidence = b.llrMilli > a.llrMilli ? b : a;
  return {
    copied: exact || (evidence.comparable >= COPY_MOVES_MIN / 2 && evidence.llrMilli >= COPY_LLR_MIN_MILLI),
    exact,
    evidence,
    similarityPermille: evidence.comparable === 0 ? 0 : Math.round((evidence.followed * 1000) / evidence.comparable),
  };
}

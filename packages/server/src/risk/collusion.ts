// Collusion in card rooms (research §6.1): pairs who sit together often, avoid confronting each
// other (never picking the partner as the compare target when another opponent is there, folding
// to the partner), and one-way point flows. Each signal is computed per pair from hand summaries
// the rooms domain's hand histories provide; a pair is judged only once it has shared enough
// hands and enough decisions, so chance alone rarely convicts.
import type { RiskConfig } from './config.ts';
import { HAND_PLAYERS_MAX, HANDS_PER_BATCH_MAX, PAIRS_MAX } from './limits.ts';

/** One finished hand as the risk domain needs it. */
export interface HandSummary {
  readonly handId: string;
  readonly roomId: string;
  readonly players: readonly string[];
  /** Each 比牌 decision: who asked, whom they could have asked, whom they asked, who won. */
  readonly compares: readonly {
    readonly by: string;
    readonly choices: readonly string[];
    readonly target: string;
    readonly winner: string;
  }[];
  /** Points won (+) or lost (−) by each player in the hand. */
  readonly deltas: Readonly<Record<string, number>>;
  /** Each action a player took themself, with the time since the previous action on the server's clock (rooms send it; bot timing reads it). */
  readonly decisions?: readonly { readonly playerId: string; readonly reactionMs: number }[];
}

export interface PairStats {
  readonly a: string;
  readonly b: string;
  hands: number;
  /** Compare decisions by either in which the other was a possible target. */
  compareChances: number;
  /** How often the other was picked. */
  comparesAgainst: number;
  /** Sum over those decisions of 1/choices: the picks expected by chance, in millionths. */
  expectedMicro: number;
  /** Sum of p(1 − p) over those decisions: the variance of the picks under chance, in millionths. */
  varianceMicro: number;
  /** Points that flowed from b to a and from a to b. */
  flowToA: number;
  flowToB: number;
}

export interface PairVerdict {
  readonly a: string;
  readonly b: string;
  readonly hands: number;
  readonly avoidancePermille: number | null;
  /** How many standard deviations fewer times the partner was picked than chance predicts, per mille. */
  readonly avoidanceZPermille: number | null;
  readonly overlapPermille: number;
  readonly oneWayPermille: number | null;
  readonly softPlay: boolean;
  readonly frequent: boolean;
  readonly chipDumping: boolean;
}

const key = (x: string, y: string) => (x < y ? `${x}|${y}` : `${y}|${x}`);

export function pairStats(hands: readonly HandSummary[]): { pairs: Map<string, PairStats>; handsPerPlayer: Map<string, number> } {
  const pairs = new Map<string, PairStats>();
  const handsPerPlayer = new Map<string, number>();
  const get = (x: string, y: string): PairStats | undefined => {
    const k = key(x, y);
    let s = pairs.get(k);
    if (s === undefined) {
      if (pairs.size >= PAIRS_MAX) return undefined;
      const [a, b] = x < y ? [x, y] : [y, x];
      s = { a, b, hands: 0, compareChances: 0, comparesAgainst: 0, expectedMicro: 0, varianceMicro: 0, flowToA: 0, flowToB: 0 };
      pairs.set(k, s);
    }
    return s;
  };
  for (const h of hands.slice(0, HANDS_PER_BATCH_MAX)) {
    const players = h.players.slice(0, HAND_PLAYERS_MAX);
    for (const p of players) handsPerPlayer.set(p, (handsPerPlayer.get(p) ?? 0) + 1);
    for (let i = 0; i < players.length; i++)
      for (let j = i + 1; j < players.length; j++) {
        const s = get(players[i]!, players[j]!);
        if (s) s.hands += 1;
      }
    for (const c of h.compares) {
      if (c.choices.length === 0) continue;
      for (const other of c.choices) {
        const s = get(c.by, other);
        if (!s) continue;
        s.compareChances += 1;
        const k = c.choices.length;
        s.expectedMicro += Math.round(1_000_000 / k);
        s.varianceMicro += Math.round((1_000_000 * (k - 1)) / (k * k));
        if (c.target === other) s.comparesAgainst += 1;
      }
    }
    // The hand's points flow from each loser to the winners, in proportion to what they won.
    const winners = players.filter((p) => (h.deltas[p] ?? 0) > 0);
    const won = winners.reduce((t, p) => t + (h.deltas[p] ?? 0), 0);
    if (won === 0) continue;
    for (const loser of players) {
      const lost = -(h.deltas[loser] ?? 0);
      if (lost <= 0) continue;
      for (const w of winners) {
        const s = get(loser, w);
        if (!s) continue;
        const share = Math.round((lost * (h.deltas[w] ?? 0)) / won);
        if (w === s.a) s.flowToA += share;
        else s.flowToB += share;
      }
    }
  }
  return { pairs, handsPerPlayer };
}

export function judgePairs(hands: readonly HandSummary[], cfg: RiskConfig['collusion']): PairVerdict[] {
  const { pairs, handsPerPlayer } = pairStats(hands);
  const out: PairVerdict[] = [];
  for (const s of pairs.values()) {
    if (s.hands < cfg.pairHandsMin) continue;
    const rarer = Math.min(handsPerPlayer.get(s.a) ?? 0, handsPerPlayer.get(s.b) ?? 0);
    const overlapPermille = rarer > 0 ? Math.round((s.hands * 1000) / rarer) : 0;
    // Avoidance must be both large (a low ratio to chance) and significant (a binomial z score),
    // so a pair with few decisions is not convicted by one unlucky evening.
    const judged = s.compareChances >= cfg.compareChancesMin && s.expectedMicro > 0;
    const avoidancePermille = judged ? Math.round((s.comparesAgainst * 1_000_000_000) / s.expectedMicro) : null;
    const avoidanceZPermille =
      judged && s.varianceMicro > 0
        ? Math.round(((s.expectedMicro - s.comparesAgainst * 1_000_000) / Math.sqrt(s.varianceMicro * 1_000_000)) * 1000)
        : null;
    const flow = s.flowToA + s.flowToB;
    const oneWayPermille = flow >= cfg.flowPointsMin ? Math.round((Math.max(s.flowToA, s.flowToB) * 1000) / flow) : null;
    out.push({
      a: s.a,
      b: s.b,
      hands: s.hands,
      avoidancePermille,
      avoidanceZPermille,
      overlapPermille,
      oneWayPermille,
      softPlay:
        avoidancePermille !== null &&
        avoidanceZPermille !== null &&
        avoidancePermille <= cfg.avoidanceMaxPermille &&
        avoidanceZPermille >= cfg.avoidanceZMinPermille,
      frequent: overlapPermille >= cfg.overlapPermille,
      chipDumping: oneWayPermille !== null && oneWayPermille >= cfg.oneWayFlowPermille,
    });
  }
  return out.sort((x, y) => (x.a + x.b < y.a + y.b ? -1 : 1));
}

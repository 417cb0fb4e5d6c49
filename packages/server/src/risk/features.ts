// The learned score's features: one vector per review case, a pure function of what the risk
// domain already keeps about the case's player — the rules' score and the signals they fired,
// the card-room hands the rooms sent (reaction times, who folded, whom each compare picked, how
// points flowed between pairs), the linked-account evidence (counts, never the identifiers), the
// withdrawals it assessed and the deposits and play in the ledger. A real name or an ID number is
// never an input: `FeatureInput` has no field that could carry one (pinned by a test), and the
// gatherer reads only the risk tables and the ledger's amounts.
import { assert } from '@fairground/core';
import type { HandSummary } from './collusion.ts';
import { pairStats } from './collusion.ts';
import { type RiskConfig, SIGNAL_KINDS, type SignalKind } from './config.ts';
import { timingFeatures } from './timing.ts';

/** Everything a feature vector is computed from. Every key is listed in FEATURE_INPUT_KEYS. */
export interface FeatureInput {
  /** The platform's opaque player id: orients the pair statistics, never a feature itself. */
  readonly playerId: string;
  /** The rules' score of the player when the case opened. */
  readonly ruleScore: number;
  /** Signals the rules fired for the player in the look-back. */
  readonly signals: readonly { readonly kind: string }[];
  /** Card-room hands the player sat in during the look-back. */
  readonly hands: readonly HandSummary[];
  /** Linked-account evidence, as counts: accounts in the linked group, strong direct links, address matches. */
  readonly links: { readonly group: number; readonly strong: number; readonly weak: number };
  /** Withdrawals the risk domain assessed in the look-back. */
  readonly withdrawals: readonly { readonly amountFen: number; readonly decision: string }[];
  /** Deposits and play in the ledger over the look-back, in fen. */
  readonly money: { readonly depositsFen: number; readonly playedFen: number; readonly nearLimitFen: number };
}

/** The keys of FeatureInput (the "no real name or ID number" test compares them with this list). */
export const FEATURE_INPUT_KEYS = ['playerId', 'ruleScore', 'signals', 'hands', 'links', 'withdrawals', 'money'] as const;

/** Feature names, in vector order (stored with each model; the console translates them). */
export const FEATURE_NAMES = [
  'rule_score',
  ...SIGNAL_KINDS.map((k) => `signal_${k}`),
  'timing_samples',
  'timing_cv',
  'timing_skew',
  'timing_fast',
  'timing_iqr',
  'timing_bowley',
  'hands',
  'fold_rate',
  'pair_overlap_max',
  'pair_avoidance_min',
  'pair_avoidance_z_max',
  'pair_one_way_max',
  'pair_flow_share_max',
  'link_group',
  'link_strong',
  'link_weak',
  'withdrawals',
  'withdrawals_near_limit',
  'withdrawals_held',
  'not_played',
] as const;
export type FeatureName = (typeof FEATURE_NAMES)[number];

/** Decisions a pair needs before its avoidance counts as a feature (lower than the rule's bar: the model weighs it). */
const PAIR_CHANCES_MIN = 4;
/** Points that must have flowed between a pair before its direction counts. */
const PAIR_FLOW_MIN = 200;

/** The feature vector of one case (integers, per mille where a share). Pure: the same input gives the same vector. */
export function fraudFeatures(input: FeatureInput, humanFloorMs: number): number[] {
  const me = input.playerId;
  const counts = new Map<string, number>();
  for (const s of input.signals) counts.set(s.kind, (counts.get(s.kind) ?? 0) + 1);

  const reactions: number[] = [];
  let folds = 0;
  for (const h of input.hands) {
    for (const d of h.decisions ?? []) if (d.playerId === me) reactions.push(d.reactionMs);
    const lost = (h.deltas[me] ?? 0) < 0;
    const compared = h.compares.some((c) => c.by === me || c.target === me);
    if (lost && !compared) folds += 1;
  }
  const t = timingFeatures(reactions, humanFloorMs);

  const { mine, overlapMax, avoidanceMin, avoidanceZMax, oneWayMax, flowShareMax } = pairFeatures(input.hands, me);

  const held = input.withdrawals.filter((w) => w.decision !== 'allow').length;
  const near = input.withdrawals.filter((w) => w.amountFen >= input.money.nearLimitFen).length;
  const { depositsFen, playedFen } = input.money;
  const notPlayed = depositsFen > 0 ? Math.max(0, Math.round(((depositsFen - playedFen) * 1000) / depositsFen)) : 0;

  const v = [
    input.ruleScore,
    ...SIGNAL_KINDS.map((k) => counts.get(k) ?? 0),
    t.samples,
    t.cvPermille,
    t.skewPermille,
    t.fastPermille,
    t.iqrPermille,
    t.bowleyPermille,
    mine,
    mine > 0 ? Math.round((folds * 1000) / mine) : 0,
    overlapMax,
    Math.min(avoidanceMin, 1000),
    avoidanceZMax,
    oneWayMax,
    flowShareMax,
    input.links.group,
    input.links.strong,
    input.links.weak,
    input.withdrawals.length,
    near,
    held,
    notPlayed,
  ];
  assert(v.length === FEATURE_NAMES.length, 'one value per feature name');
  return v;
}

/** The player's pair features: how often they sit with, avoid comparing against, and pass money to one other player. */
function pairFeatures(hands: FeatureInput['hands'], me: string) {
  const { pairs, handsPerPlayer } = pairStats(hands);
  const mine = handsPerPlayer.get(me) ?? 0;
  let overlapMax = 0;
  let avoidanceMin = 1000;
  let avoidanceZMax = 0;
  let oneWayMax = 500;
  let flowShareMax = 0;
  let flowTotal = 0;
  for (const s of pairs.values()) if (s.a === me || s.b === me) flowTotal += s.flowToA + s.flowToB;
  for (const s of pairs.values()) {
    if (s.a !== me && s.b !== me) continue;
    const other = s.a === me ? s.b : s.a;
    const rarer = Math.min(mine, handsPerPlayer.get(other) ?? 0);
    if (rarer > 0 && s.hands >= 5) overlapMax = Math.max(overlapMax, Math.round((s.hands * 1000) / rarer));
    if (s.compareChances >= PAIR_CHANCES_MIN && s.expectedMicro > 0) {
      avoidanceMin = Math.min(avoidanceMin, Math.round((s.comparesAgainst * 1_000_000_000) / s.expectedMicro));
      if (s.varianceMicro > 0)
        avoidanceZMax = Math.max(
          avoidanceZMax,
          Math.round(((s.expectedMicro - s.comparesAgainst * 1_000_000) / Math.sqrt(s.varianceMicro * 1_000_000)) * 1000),
        );
    }
    const flow = s.flowToA + s.flowToB;
    if (flow >= PAIR_FLOW_MIN) {
      oneWayMax = Math.max(oneWayMax, Math.round((Math.max(s.flowToA, s.flowToB) * 1000) / flow));
      if (flowTotal > 0) flowShareMax = Math.max(flowShareMax, Math.round((flow * 1000) / flowTotal));
    }
  }
  return { mine, overlapMax, avoidanceMin, avoidanceZMax, oneWayMax, flowShareMax };
}

/**
 * The rules' verdict on a case, the baseline the model is measured against: the player's score at
 * or above the block threshold, or a severe signal (which restricts the player at once).
 */
export function rulesVerdict(input: Pick<FeatureInput, 'ruleScore' | 'signals'>, config: RiskConfig): boolean {
  return (
    input.ruleScore >= config.withdrawal.blockAtScore ||
    input.signals.some((s) => config.signals[s.kind as SignalKind]?.severity === 'severe')
  );
}

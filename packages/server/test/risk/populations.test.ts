// Synthetic populations from a fixed seed, and whether the risk signals separate them.
// - Honest players: inter-command intervals from the ex-Gaussian shape human reaction times
//   follow (a normal floor plus an exponential tail of thinking; parameters per player in the
//   ranges the reaction-time literature reports) with occasional long pauses. This is a
//   parametric stand-in for recorded human data, not a recording.
// - Bots: a fixed period with jitter — uniform, Gaussian, or log-normal — some with random pauses
//   added to look human.
// - Card rooms: honest friend groups who sit together all the time, random tables, and colluding
//   pairs who soft-play (avoid comparing against each other, fold to each other) only part of the
//   time.
// Precision and recall are printed and held to floors: ≥ 0.9 / ≥ 0.8 on bots, ≥ 0.8 / ≥ 0.7 on colluders.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type HandSummary, judgePairs } from '../../src/risk/collusion.ts';
import { defaultRiskConfig } from '../../src/risk/config.ts';
import { judgeTiming, timingFeatures } from '../../src/risk/timing.ts';

const SEED = 0x5eed2026;

/** mulberry32: a small seeded generator, enough for test populations. */
function rng(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
  return {
    next,
    normal,
    uniform: (lo: number, hi: number) => lo + (hi - lo) * next(),
    int: (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1)),
    exp: (mean: number) => -mean * Math.log(1 - next()),
    pick: <T>(xs: readonly T[]): T => xs[Math.floor(next() * xs.length)]!,
  };
}
type Rng = ReturnType<typeof rng>;

function report(label: string, truth: ReadonlySet<string>, flagged: ReadonlySet<string>): { precision: number; recall: number } {
  let tp = 0;
  for (const p of flagged) if (truth.has(p)) tp += 1;
  const precision = flagged.size === 0 ? 0 : tp / flagged.size;
  const recall = truth.size === 0 ? 0 : tp / truth.size;
  console.log(
    `${label}: ${truth.size} true, ${flagged.size} flagged, ${tp} correct — precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}`,
  );
  return { precision, recall };
}

function humanSession(r: Rng, p: { mu: number; sigma: number; tau: number; pause: number }, moves: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < moves; i++) {
    let v = p.mu + p.sigma * r.normal() + r.exp(p.tau);
    if (r.next() < p.pause) v += r.uniform(1500, 6000);
    out.push(Math.max(90, Math.round(v)));
  }
  return out;
}

type BotKind = 'uniform' | 'gaussian' | 'lognormal' | 'pausing';
function botSession(r: Rng, p: { kind: BotKind; periodMs: number; jitter: number }, moves: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < moves; i++) {
    let v: number;
    if (p.kind === 'uniform') v = p.periodMs * (1 + p.jitter * (2 * r.next() - 1));
    else if (p.kind === 'gaussian') v = p.periodMs * (1 + p.jitter * r.normal());
    else if (p.kind === 'lognormal') v = p.periodMs * Math.exp(p.jitter * r.normal());
    else v = p.periodMs * (1 + p.jitter * r.normal()) + (r.next() < 0.08 ? r.uniform(800, 3000) : 0);
    out.push(Math.max(20, Math.round(v)));
  }
  return out;
}

describe('synthetic populations', () => {
  const config = defaultRiskConfig();

  it('separates bots with jittered timing from honest players by input timing', () => {
    const r = rng(SEED);
    const truth = new Set<string>();
    const flagged = new Set<string>();
    const SESSIONS = 3;
    // A player is judged on the intervals of their recent sessions together.
    const judgePlayer = (id: string, sessions: number[][]) => {
      const verdict = judgeTiming(timingFeatures(sessions.flat(), config.timing.humanFloorMs), config.timing);
      if (verdict.kind === 'bot') flagged.add(id);
    };
    for (let i = 0; i < 400; i++) {
      const p = { mu: r.uniform(300, 750), sigma: r.uniform(30, 130), tau: r.uniform(150, 900), pause: r.uniform(0.01, 0.08) };
      judgePlayer(
        `h${i}`,
        Array.from({ length: SESSIONS }, () => humanSession(r, p, r.int(40, 160))),
      );
    }
    const kinds: BotKind[] = ['uniform', 'gaussian', 'lognormal', 'pausing'];
    for (let i = 0; i < 80; i++) {
      const kind = kinds[i % kinds.length]!;
      const p = { kind, periodMs: r.uniform(180, 900), jitter: kind === 'uniform' ? r.uniform(0.05, 0.3) : r.uniform(0.05, 0.2) };
      truth.add(`b${i}`);
      judgePlayer(
        `b${i}`,
        Array.from({ length: SESSIONS }, () => botSession(r, p, r.int(40, 160))),
      );
    }
    const { precision, recall } = report('bots by input timing', truth, flagged);
    assert.ok(precision >= 0.9, `bot precision ${precision}`);
    assert.ok(recall >= 0.8, `bot recall ${recall}`);
  });

  it('separates colluders who soft-play part of the time from honest players, friend groups included', () => {
    const r = rng(SEED + 1);
    const honest = Array.from({ length: 320 }, (_, i) => `h${i}`);
    const friendGroups = Array.from({ length: 30 }, (_, g) => honest.slice(g * 4, g * 4 + 4));
    const pairs = Array.from({ length: 20 }, (_, i) => ({
      a: `c${2 * i}`,
      b: `c${2 * i + 1}`,
      softRate: r.uniform(0.3, 0.7),
      rooms: r.int(6, 28),
    }));
    const partner = new Map<string, { other: string; softRate: number }>();
    for (const p of pairs) {
      partner.set(p.a, { other: p.b, softRate: p.softRate });
      partner.set(p.b, { other: p.a, softRate: p.softRate });
    }
    const everyone = [...honest, ...pairs.flatMap((p) => [p.a, p.b])];
    const tables: string[][] = [];
    for (const p of pairs) for (let k = 0; k < p.rooms; k++) tables.push([p.a, p.b, r.pick(honest), r.pick(honest)]);
    for (const g of friendGroups) for (let k = 0; k < r.int(8, 25); k++) tables.push([...g]);
    for (let k = 0; k < 500; k++) {
      const seats = new Set<string>();
      while (seats.size < 4) seats.add(r.pick(everyone));
      tables.push([...seats]);
    }

    const hands: HandSummary[] = [];
    let handNo = 0;
    for (const [t, seats] of tables.entries()) {
      for (let h = 0; h < 20; h++) {
        handNo += 1;
        const strength = new Map(seats.map((p) => [p, r.next()]));
        // Whether each colluding pair soft-plays this hand.
        const soft = new Set(seats.filter((p) => partner.has(p) && r.next() < partner.get(p)!.softRate));
        const stake = new Map(seats.map((p) => [p, 10]));
        let active = seats.filter((p) => !(strength.get(p)! < 0.2 && r.next() < 0.8));
        if (active.length === 0) active = [seats[0]!];
        const compares: HandSummary['compares'][number][] = [];
        for (let step = 0; active.length > 1 && step < 10; step++) {
          const by = r.pick(active);
          const choices = active.filter((p) => p !== by);
          const mate = partner.get(by)?.other;
          let target = r.pick(choices);
          if (soft.has(by) && mate !== undefined && choices.includes(mate)) {
            const others = choices.filter((p) => p !== mate);
            if (others.length > 0) target = r.pick(others);
            else {
              // Only the partner is left: the weaker one folds to the other (soft play, no confrontation).
              const loser = strength.get(by)! < strength.get(mate)! ? by : mate;
              active = active.filter((p) => p !== loser);
              continue;
            }
          }
          stake.set(by, stake.get(by)! + 10);
          const winner = strength.get(by)! > strength.get(target)! ? by : target;
          const loser = winner === by ? target : by;
          compares.push({ by, choices, target, winner });
          active = active.filter((p) => p !== loser);
        }
        const winner = active[0]!;
        const deltas: Record<string, number> = {};
        let pot = 0;
        for (const p of seats) {
          if (p === winner) continue;
          deltas[p] = -stake.get(p)!;
          pot += stake.get(p)!;
        }
        deltas[winner] = pot;
        hands.push({ handId: `hand${handNo}`, roomId: `room${t}`, players: seats, compares, deltas });
      }
    }

    const verdicts = judgePairs(hands, config.collusion);
    const flagged = new Set<string>();
    for (const v of verdicts)
      if (v.softPlay) {
        flagged.add(v.a);
        flagged.add(v.b);
      }
    const truth = new Set(partner.keys());
    const frequentHonest = verdicts.filter((v) => v.frequent && !truth.has(v.a) && !truth.has(v.b)).length;
    console.log(
      `card rooms: ${tables.length} tables, ${hands.length} hands, ${verdicts.length} pairs judged, ${frequentHonest} honest pairs sit together often`,
    );
    assert.ok(frequentHonest >= 30, 'friend groups sit together often: overlap alone must not convict');
    const { precision, recall } = report('colluders by soft play', truth, flagged);
    assert.ok(precision >= 0.8, `colluder precision ${precision}`);
    assert.ok(recall >= 0.7, `colluder recall ${recall}`);
  });
});

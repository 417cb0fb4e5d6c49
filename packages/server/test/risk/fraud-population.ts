// A synthetic population of players as the risk domain sees them, for the learned score: honest
// players (friend groups who sit together, families sharing a phone or an address, ex-Gaussian
// reaction times, deposits mostly played), and fraud of five kinds — chip dumpers and soft-players
// in card rooms, bots, account farms and cash-out accounts — each either blatant or careful
// (careful colluders act in only `strength` of the hands they could; careful bots have a human's
// mean and spread with a machine's symmetric shape; careful farms share only an address; careful
// cash-outs play part of their deposits and stay under the near-limit amount). Every draw comes
// from the rules' xoshiro PRNG seeded by SHA-256 of the label, so a setting is the same population
// on every run. Each player becomes one review case: the feature input, the rules' verdict (the
// real detectors judge the hands and the timing; the default weights make the score), the truth.
import { createHash } from 'node:crypto';
import { Prng } from '@fairground/rules';
import { type HandSummary, judgePairs } from '../../src/risk/collusion.ts';
import { defaultRiskConfig, type SignalKind } from '../../src/risk/config.ts';
import { type FeatureInput, fraudFeatures, rulesVerdict } from '../../src/risk/features.ts';
import type { LabelledCase } from '../../src/risk/learner.ts';
import { judgeTiming, timingFeatures } from '../../src/risk/timing.ts';

export interface PopulationSetting {
  readonly label: string;
  /** Share of the fraudsters who are careful. */
  readonly careful: number;
  /** Share of the hands where a careful colluding pair could act in which it does. */
  readonly strength: number;
}

export type Kind = 'honest' | 'dump' | 'soft' | 'bot' | 'farm' | 'cashout';

export interface PopulationCase {
  readonly caseId: string;
  readonly kind: Kind;
  readonly careful: boolean;
  readonly input: FeatureInput;
  readonly rulesFlag: boolean;
}

function rng(label: string) {
  const p = Prng.fromSeed(new Uint8Array(createHash('sha256').update(`fraud-population:${label}`).digest()));
  const next = () => p.nextUint32() / 4294967296;
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

interface Player {
  readonly id: string;
  readonly kind: Kind;
  readonly careful: boolean;
  /** Draws one reaction time. */
  readonly react: () => number;
  partner?: string;
  rate?: number;
}

function human(r: Rng): () => number {
  const mu = r.uniform(300, 750);
  const sigma = r.uniform(30, 130);
  const tau = r.uniform(150, 900);
  const pause = r.uniform(0.01, 0.08);
  return () => {
    let v = mu + sigma * r.normal() + r.exp(tau);
    if (r.next() < pause) v += r.uniform(1500, 6000);
    return Math.max(90, Math.round(v));
  };
}

function bot(r: Rng, careful: boolean): () => number {
  if (!careful) {
    const period = r.uniform(250, 900);
    const jitter = r.uniform(0.05, 0.2);
    return () => Math.max(20, Math.round(period * (1 + jitter * r.normal())));
  }
  // The human mean and spread, drawn symmetrically.
  const mean = r.uniform(700, 1400);
  const sd = r.uniform(250, 600);
  return () => Math.max(90, Math.round(mean + sd * r.normal()));
}

export function population(s: PopulationSetting): PopulationCase[] {
  const r = rng(s.label);
  const cfg = defaultRiskConfig();
  const players: Player[] = [];
  const add = (id: string, kind: Kind, careful: boolean, react: () => number) => {
    const p: Player = { id, kind, careful, react };
    players.push(p);
    return p;
  };
  for (let i = 0; i < 260; i++) add(`${s.label}:h${i}`, 'honest', false, human(r));
  const honest = players.slice();
  const careful = () => r.next() < s.careful;
  for (let i = 0; i < 12; i++) {
    const kind: Kind = i % 2 === 0 ? 'dump' : 'soft';
    const c = careful();
    const a = add(`${s.label}:c${2 * i}`, kind, c, human(r));
    const b = add(`${s.label}:c${2 * i + 1}`, kind, c, human(r));
    a.partner = b.id;
    b.partner = a.id;
    a.rate = b.rate = c ? s.strength : r.uniform(0.5, 0.9);
  }
  for (let i = 0; i < 20; i++) {
    const c = careful();
    add(`${s.label}:b${i}`, 'bot', c, bot(r, c));
  }
  const farms: Player[][] = [];
  for (let f = 0; f < 4; f++) {
    const c = careful();
    farms.push(Array.from({ length: r.int(3, 6) }, (_, k) => add(`${s.label}:f${f}-${k}`, 'farm', c, human(r))));
  }
  for (let i = 0; i < 16; i++) add(`${s.label}:m${i}`, 'cashout', careful(), human(r));
  const byId = new Map(players.map((p) => [p.id, p]));

  // ---- card rooms: pairs' own tables, friend groups, random tables; 10 hands each.
  const friendGroups = Array.from({ length: 20 }, (_, g) => honest.slice(g * 4, g * 4 + 4).map((p) => p.id));
  // One honest player in ten plays only skill games (no card-room hands); cash-out accounts sit at a few tables too.
  const seated = players.filter((p, i) => !(p.kind === 'honest' && i % 10 === 9 && i >= 80)).map((p) => p.id);
  const tables: string[][] = [];
  for (const p of players)
    if (p.partner !== undefined && p.id < p.partner)
      for (let k = 0; k < r.int(8, 20); k++) tables.push([p.id, p.partner, r.pick(honest).id, r.pick(honest).id]);
  for (const g of friendGroups) for (let k = 0; k < r.int(5, 14); k++) tables.push([...g]);
  for (let k = 0; k < 420; k++) {
    const seats = new Set<string>();
    while (seats.size < 4) seats.add(r.pick(seated));
    tables.push([...seats]);
  }
  const hands: HandSummary[] = [];
  for (const [t, seats] of tables.entries()) {
    for (let h = 0; h < 10; h++) {
      const strength = new Map(seats.map((p) => [p, r.next()]));
      const stake = new Map(seats.map((p) => [p, 10]));
      const decisions: { playerId: string; reactionMs: number }[] = [];
      const act = (p: string) => decisions.push({ playerId: p, reactionMs: byId.get(p)!.react() });
      const pairHere = seats.find((p) => {
        const q = byId.get(p)!;
        return q.partner !== undefined && seats.includes(q.partner) && (q.kind === 'soft' || p < q.partner);
      });
      const pair = pairHere === undefined ? undefined : byId.get(pairHere)!;
      const acting = pair !== undefined && r.next() < pair.rate!;
      let active = seats.filter((p) => {
        act(p);
        return !(strength.get(p)! < 0.2 && r.next() < 0.8);
      });
      if (active.length === 0) active = [seats[0]!];
      const compares: HandSummary['compares'][number][] = [];
      if (acting && pair.kind === 'dump') {
        const receiver = pair.partner!;
        if (!active.includes(pair.id)) active.push(pair.id);
        if (!active.includes(receiver)) active.push(receiver);
        stake.set(pair.id, stake.get(pair.id)! + r.int(40, 120));
        act(pair.id);
        compares.push({ by: pair.id, choices: active.filter((p) => p !== pair.id), target: receiver, winner: receiver });
        active = active.filter((p) => p !== pair.id);
      }
      for (let step = 0; active.length > 1 && step < 10; step++) {
        const by = r.pick(active);
        act(by);
        const choices = active.filter((p) => p !== by);
        let target = r.pick(choices);
        const m = byId.get(by)!.partner;
        if (acting && pair.kind === 'soft' && m !== undefined && choices.includes(m)) {
          const others = choices.filter((p) => p !== m);
          if (others.length > 0) target = r.pick(others);
          else {
            const loser = strength.get(by)! < strength.get(m)! ? by : m;
            active = active.filter((p) => p !== loser);
            continue;
          }
        }
        stake.set(by, stake.get(by)! + 10);
        const winner = strength.get(by)! > strength.get(target)! ? by : target;
        compares.push({ by, choices, target, winner });
        active = active.filter((p) => p !== (winner === by ? target : by));
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
      hands.push({ handId: `${s.label}:hand${hands.length}`, roomId: `${s.label}:room${t}`, players: seats, compares, deltas, decisions });
    }
  }

  // ---- what the rules fire, with the real detectors.
  const fired = new Map<string, Set<SignalKind>>(players.map((p) => [p.id, new Set()]));
  for (const v of judgePairs(hands, cfg.collusion))
    for (const p of [v.a, v.b]) {
      if (v.softPlay) fired.get(p)!.add('soft_play');
      if (v.frequent) fired.get(p)!.add('frequent_pair');
      if (v.chipDumping) fired.get(p)!.add('chip_dumping');
    }
  const handsOf = new Map<string, HandSummary[]>(players.map((p) => [p.id, []]));
  for (const h of hands) for (const p of h.players) handsOf.get(p)!.push(h);
  for (const p of players) {
    const intervals = handsOf
      .get(p.id)!
      .flatMap((h) => h.decisions ?? [])
      .filter((d) => d.playerId === p.id)
      .map((d) => d.reactionMs);
    if (judgeTiming(timingFeatures(intervals, cfg.timing.humanFloorMs), cfg.timing).kind === 'bot') fired.get(p.id)!.add('bot_timing');
  }

  // ---- links and money.
  const nearFen = Math.floor((cfg.withdrawal.perTransactionFenMax * cfg.withdrawal.nearLimitPermille) / 1000);
  const links = new Map<string, FeatureInput['links']>();
  const money = new Map<string, { deposits: number; played: number; withdrawals: { amountFen: number; decision: string }[] }>();
  for (const p of players) {
    let link = { group: 0, strong: 0, weak: r.next() < 0.5 ? r.int(0, 4) : 0 };
    if (p.kind === 'honest' && r.next() < 0.04) link = { group: r.int(1, 3), strong: 1, weak: link.weak };
    links.set(p.id, link);
    const deposits = r.int(2, 60) * 1000;
    const withdrawals = Array.from({ length: r.int(0, 2) }, () => ({ amountFen: r.int(10, 400) * 1000, decision: 'allow' }));
    if (p.kind === 'honest' && r.next() < 0.05) withdrawals.push({ amountFen: r.int(nearFen, 500_000), decision: 'review' });
    money.set(p.id, { deposits, played: Math.round(deposits * r.uniform(0.35, 1)), withdrawals });
  }
  for (const farm of farms)
    for (const p of farm) {
      const c = p.careful;
      links.set(p.id, { group: c ? 0 : farm.length - 1, strong: c ? 0 : r.int(1, 3), weak: farm.length - 1 + r.int(0, 2) });
      const m = money.get(p.id)!;
      m.played = Math.round(m.deposits * r.uniform(c ? 0.2 : 0, c ? 0.5 : 0.2));
    }
  for (const p of players.filter((q) => q.kind === 'cashout')) {
    const deposits = r.int(100, 400) * 1000;
    const played = Math.round(deposits * (p.careful ? r.uniform(0.32, 0.55) : r.uniform(0, 0.2)));
    const n = p.careful ? r.int(1, 2) : r.int(3, 5);
    const withdrawals = Array.from({ length: n }, () => ({
      amountFen: p.careful ? r.int(200, nearFen / 1000 - 1) * 1000 : r.int(nearFen, 500_000),
      decision: 'review',
    }));
    money.set(p.id, { deposits, played, withdrawals });
  }
  for (const p of players) {
    const l = links.get(p.id)!;
    const m = money.get(p.id)!;
    const f = fired.get(p.id)!;
    if (l.group > 0) f.add('linked_accounts');
    if (m.deposits > 0 && ((m.deposits - m.played) * 1000) / m.deposits >= cfg.signals.deposit_withdraw_no_play.threshold)
      f.add('deposit_withdraw_no_play');
    if (m.withdrawals.filter((w) => w.amountFen >= nearFen).length >= cfg.signals.structuring.threshold) f.add('structuring');
  }

  return players.map((p, i) => {
    const kinds = [...fired.get(p.id)!].sort();
    const m = money.get(p.id)!;
    const input: FeatureInput = {
      playerId: p.id,
      ruleScore: kinds.reduce((t, k) => t + cfg.signals[k].weight, 0),
      signals: kinds.map((kind) => ({ kind })),
      hands: handsOf.get(p.id)!,
      links: links.get(p.id)!,
      withdrawals: m.withdrawals,
      money: { depositsFen: m.deposits, playedFen: m.played, nearLimitFen: nearFen },
    };
    return {
      caseId: `${s.label}:case${String(i).padStart(4, '0')}`,
      kind: p.kind,
      careful: p.careful,
      input,
      rulesFlag: rulesVerdict(input, cfg),
    };
  });
}

/** The population as reviewed cases: the truth stands for the operators' decisions. */
export function labelled(cases: readonly PopulationCase[]): LabelledCase[] {
  const floor = defaultRiskConfig().timing.humanFloorMs;
  return cases.map((c) => ({
    caseId: c.caseId,
    features: fraudFeatures(c.input, floor),
    label: c.kind === 'honest' ? 0 : 1,
    rulesFlag: c.rulesFlag,
  }));
}

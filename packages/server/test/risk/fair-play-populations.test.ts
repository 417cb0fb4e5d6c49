// Fair-play detectors against synthetic populations, each with a careful variant, all drawn from
// node:crypto-derived seeds (SHA-256 of a label seeds the rules' xoshiro PRNG), so every run sees
// the same players:
// - card rooms: honest random tables and friend groups who sit together all evening; pairs who
//   dump chips (one loses on purpose to the other) and pairs who soft-play (never confront each
//   other); careful variants dump or soft-play in only 30 % of the hands where they could;
// - skill sessions on both clocks: honest players (ex-Gaussian intervals, the client's network
//   between stamp and arrival); bots whose stamps are drawn from a human profile while the moves
//   arrive as the machine plays them (in bursts, or on a fixed tick); the careful variant waits
//   out every stamp, with intervals matching the human mean and spread but a machine's shape;
// - linked-account farms: honest players (families and carrier NAT share addresses, a few
//   families share a phone) and farms of 3–20 accounts run from a few phones with one paying
//   WeChat account; careful farms give every account its own fingerprint and share only the
//   account that pays their deposits, or only an address.
// Precision, recall and the honest false-positive rate are printed and held to the floors
// (precision ≥ 0.9, recall ≥ 0.8, honest false positives < 1 %); careful variants are reported.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { Prng } from '@fairground/rules';
import { type HandSummary, judgePairs } from '../../src/risk/collusion.ts';
import { defaultRiskConfig } from '../../src/risk/config.ts';
import { type IdentifierKind, LinkedAccountsSource } from '../../src/risk/links.ts';
import { riskMigrations } from '../../src/risk/migrations.ts';
import type { RiskOptions } from '../../src/risk/model.ts';
import { judgeTiming, timingFeatures } from '../../src/risk/timing.ts';
import { serverIntervals, summarize, timingStats } from '../../src/skill/signals.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';

const seedOf = (label: string) => new Uint8Array(createHash('sha256').update(`fair-play-populations:${label}`).digest());

function rng(label: string) {
  const p = Prng.fromSeed(seedOf(label));
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

interface Measured {
  readonly precision: number;
  readonly recall: number;
  readonly fpr: number;
}

function report(label: string, truth: ReadonlySet<string>, flagged: ReadonlySet<string>, honestCount: number): Measured {
  let tp = 0;
  for (const p of flagged) if (truth.has(p)) tp += 1;
  const fp = flagged.size - tp;
  const precision = flagged.size === 0 ? 0 : tp / flagged.size;
  const recall = truth.size === 0 ? 0 : tp / truth.size;
  const fpr = honestCount === 0 ? 0 : fp / honestCount;
  console.log(
    `${label}: ${truth.size} true, ${flagged.size} flagged, ${tp} correct — precision ${precision.toFixed(3)}, recall ${recall.toFixed(3)}, honest false positives ${fp}/${honestCount} = ${(fpr * 100).toFixed(2)} %`,
  );
  return { precision, recall, fpr };
}

function holdsFloors(m: Measured, what: string): void {
  assert.ok(m.precision >= 0.9, `${what}: precision ${m.precision}`);
  assert.ok(m.recall >= 0.8, `${what}: recall ${m.recall}`);
  assert.ok(m.fpr < 0.01, `${what}: honest false-positive rate ${m.fpr}`);
}

// ------------------------------------------------------------------ card rooms

interface Colluders {
  readonly kind: 'dump' | 'soft';
  /** Share of the hands where the pair could act on it in which it does. */
  readonly rate: (r: Rng) => number;
}

/** Tables of four, twenty hands each; returns the hands, the honest players and the colluders by pair member. */
function cardRooms(label: string, c: Colluders): { hands: HandSummary[]; honest: string[]; colluders: Set<string> } {
  const r = rng(label);
  const honest = Array.from({ length: 320 }, (_, i) => `h${i}`);
  const friendGroups = Array.from({ length: 30 }, (_, g) => honest.slice(g * 4, g * 4 + 4));
  const pairs = Array.from({ length: 20 }, (_, i) => ({ a: `c${2 * i}`, b: `c${2 * i + 1}`, rate: c.rate(r), rooms: r.int(6, 28) }));
  const partner = new Map<string, { other: string; rate: number; dumper: boolean }>();
  for (const p of pairs) {
    partner.set(p.a, { other: p.b, rate: p.rate, dumper: true });
    partner.set(p.b, { other: p.a, rate: p.rate, dumper: false });
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
      const stake = new Map(seats.map((p) => [p, 10]));
      // A colluding pair at this table acts on it in this hand?
      const pairHere = seats.find((p) => partner.get(p)?.dumper === (c.kind === 'dump') && seats.includes(partner.get(p)!.other));
      const acting = pairHere !== undefined && r.next() < partner.get(pairHere)!.rate;
      const mate = (p: string) => partner.get(p)?.other;
      let active = seats.filter((p) => !(strength.get(p)! < 0.2 && r.next() < 0.8));
      if (active.length === 0) active = [seats[0]!];
      const compares: HandSummary['compares'][number][] = [];
      if (acting && c.kind === 'dump') {
        // The dumper bets big into a weak hand and asks to compare with the receiver, losing on purpose.
        const dumper = pairHere!;
        const receiver = mate(dumper)!;
        if (!active.includes(dumper)) active.push(dumper);
        if (!active.includes(receiver)) active.push(receiver);
        stake.set(dumper, stake.get(dumper)! + r.int(40, 120));
        compares.push({ by: dumper, choices: active.filter((p) => p !== dumper), target: receiver, winner: receiver });
        active = active.filter((p) => p !== dumper);
      }
      for (let step = 0; active.length > 1 && step < 10; step++) {
        const by = r.pick(active);
        const choices = active.filter((p) => p !== by);
        let target = r.pick(choices);
        const m = mate(by);
        if (acting && c.kind === 'soft' && m !== undefined && seats.includes(m) && choices.includes(m)) {
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
      hands.push({ handId: `hand${handNo}`, roomId: `room${t}`, players: seats, compares, deltas });
    }
  }
  return { hands, honest, colluders: new Set(partner.keys()) };
}

function judgeRooms(label: string, c: Colluders): Measured {
  const { hands, honest, colluders } = cardRooms(label, c);
  const verdicts = judgePairs(hands, defaultRiskConfig().collusion);
  const flagged = new Set<string>();
  for (const v of verdicts)
    if (c.kind === 'dump' ? v.chipDumping : v.softPlay) {
      flagged.add(v.a);
      flagged.add(v.b);
    }
  return report(label, colluders, flagged, honest.length);
}

// ------------------------------------------------------------------ skill sessions on both clocks

type Command = { atMs: number; receivedAtMs: number };
type Profile = { mu: number; sigma: number; tau: number; pause: number };

const humanProfile = (r: Rng): Profile => ({
  mu: r.uniform(300, 750),
  sigma: r.uniform(30, 130),
  tau: r.uniform(150, 900),
  pause: r.uniform(0.01, 0.08),
});

function humanInterval(r: Rng, p: Profile): number {
  let v = p.mu + p.sigma * r.normal() + r.exp(p.tau);
  if (r.next() < p.pause) v += r.uniform(1500, 6000);
  return Math.max(90, Math.round(v));
}

/** The client's network between a stamp and its arrival: a base latency with a tail, now and then a stall. */
function latency(r: Rng): number {
  return Math.round(40 + r.exp(30) + (r.next() < 0.02 ? r.uniform(500, 2500) : 0));
}

/** Commands of a session whose moves are sent when stamped (an honest client, or a patient bot). */
function sentAsStamped(r: Rng, intervals: readonly number[]): Command[] {
  const out: Command[] = [];
  let at = 0;
  let prevArrival = 0;
  for (const v of intervals) {
    at += v;
    // Arrivals keep their order (one socket): a stalled command holds back the next ones.
    prevArrival = Math.max(prevArrival + 1, at + latency(r));
    out.push({ atMs: at, receivedAtMs: prevArrival });
  }
  return out;
}

/** A bot whose stamps follow a human profile while it sends moves in bursts as soon as the server's clock allows. */
function burstBot(r: Rng, moves: number): Command[] {
  const p = humanProfile(r);
  const stamps: number[] = [];
  let at = 0;
  for (let i = 0; i < moves; i++) {
    at += humanInterval(r, p);
    stamps.push(at);
  }
  const out: Command[] = [];
  let now = 0;
  for (let i = 0; i < moves; ) {
    const size = r.int(3, 10);
    const last = stamps[Math.min(moves, i + size) - 1]!;
    // Stamps may run at most 3 s ahead of the server's clock: wait until the burst's last one is allowed.
    now = Math.max(now, last - r.uniform(500, 2900));
    for (let k = i; k < Math.min(moves, i + size); k++) {
      now += r.uniform(30, 110);
      out.push({ atMs: stamps[k]!, receivedAtMs: Math.round(now) });
    }
    i += size;
  }
  return out;
}

/** A bot on a fixed tick (the scheduler's jitter only) stamping a human profile. */
function tickBot(r: Rng, moves: number): Command[] {
  const p = humanProfile(r);
  const tick = p.mu + p.tau;
  const out: Command[] = [];
  let at = 0;
  for (let i = 0; i < moves; i++) {
    at += humanInterval(r, p);
    out.push({ atMs: at, receivedAtMs: Math.round((i + 1) * tick + r.uniform(-8, 8) + 45) });
  }
  // Stamps may not run more than 3 s ahead of arrivals: the bot clamps them.
  let prev = 0;
  return out.map((c) => {
    const atMs = Math.max(prev, Math.min(c.atMs, c.receivedAtMs + 2900));
    prev = atMs;
    return { atMs, receivedAtMs: c.receivedAtMs };
  });
}

/** Careful: waits out every stamp; intervals with the human mean and spread, drawn from a symmetric (machine) distribution. */
function mimicBot(r: Rng, moves: number): Command[] {
  const p = humanProfile(r);
  const sample = Array.from({ length: 400 }, () => humanInterval(r, p));
  const mean = sample.reduce((a, b) => a + b, 0) / sample.length;
  const sd = Math.sqrt(sample.reduce((a, b) => a + (b - mean) * (b - mean), 0) / sample.length);
  const kind = r.int(0, 1);
  const intervals = Array.from({ length: moves }, () =>
    Math.max(90, Math.round(kind === 0 ? mean + sd * r.normal() : mean + sd * Math.sqrt(3) * (2 * r.next() - 1))),
  );
  return sentAsStamped(r, intervals);
}

/** The skill session's own flags (both clocks) or the risk domain's timing model on the server's clock. */
function sessionFlagged(commands: readonly Command[]): boolean {
  const flags = summarize(timingStats(commands, 0), {}).flags;
  const cfg = defaultRiskConfig().timing;
  const risk = judgeTiming(timingFeatures(serverIntervals(commands, 0), cfg.humanFloorMs), cfg);
  return flags.length > 0 || risk.kind === 'bot';
}

// ------------------------------------------------------------------ linked-account farms

interface Account {
  readonly id: string;
  readonly seen: readonly { kind: IdentifierKind; value: string; source: 'sign-in' | 'deposit payer' | 'payout account' }[];
}

/** Honest players (some families share an address, a few share a phone) and farms; `careful` farms share less. */
function accounts(
  label: string,
  careful: 'none' | 'payer-only' | 'address-only',
): { all: Account[]; farmed: Set<string>; honest: number; sharingPhone: Set<string> } {
  const r = rng(label);
  const all: Account[] = [];
  const natPool = Array.from({ length: 40 }, (_, i) => `100.64.${i}.1`);
  const sharingPhone = new Set<string>();
  for (let i = 0; i < 1000; i++) {
    const id = `h${i}`;
    const family = Math.floor(i / 4);
    // One household in a hundred shares one phone among its members.
    const sharedPhone = family % 100 === 7;
    if (sharedPhone) sharingPhone.add(id);
    all.push({
      id,
      seen: [
        { kind: 'device', value: sharedPhone ? `family-phone-${family}` : `dev-${id}`, source: 'sign-in' },
        { kind: 'wechat', value: `wx:${id}`, source: 'sign-in' },
        { kind: 'wechat', value: `wx:${id}`, source: 'payout account' },
        { kind: 'wechat', value: `wx:${id}`, source: 'deposit payer' },
        { kind: 'unionid', value: `u-${id}`, source: 'sign-in' },
        // Families share an address; many others sit behind a carrier's NAT.
        { kind: 'address', value: r.next() < 0.5 ? `home-${family}` : r.pick(natPool), source: 'sign-in' },
      ],
    });
  }
  const farmed = new Set<string>();
  for (let f = 0; f < 30; f++) {
    const size = r.int(3, 20);
    const phones = Array.from({ length: r.int(1, 3) }, (_, k) => `farm-${f}-phone-${k}`);
    const payer = `wx:farm-${f}-owner`;
    for (let k = 0; k < size; k++) {
      const id = `f${f}-${k}`;
      farmed.add(id);
      const seen: Account['seen'][number][] = [
        { kind: 'wechat', value: `wx:${id}`, source: 'sign-in' },
        { kind: 'unionid', value: `u-${id}`, source: 'sign-in' },
        { kind: 'address', value: `farm-${f}-office`, source: 'sign-in' },
      ];
      if (careful === 'none') {
        seen.push({ kind: 'device', value: phones[k % phones.length]!, source: 'sign-in' });
        seen.push({ kind: 'wechat', value: payer, source: 'deposit payer' });
        seen.push({ kind: 'wechat', value: payer, source: 'payout account' });
      } else if (careful === 'payer-only') {
        seen.push({ kind: 'device', value: `emulator-${id}-${r.int(0, 1e9)}`, source: 'sign-in' });
        seen.push({ kind: 'wechat', value: payer, source: 'deposit payer' });
      } else {
        seen.push({ kind: 'device', value: `emulator-${id}-${r.int(0, 1e9)}`, source: 'sign-in' });
      }
      all.push({ id, seen });
    }
  }
  return { all, farmed, honest: 1000, sharingPhone };
}

async function judgeFarms(store: Store, label: string, careful: 'none' | 'payer-only' | 'address-only'): Promise<Measured> {
  const links = new LinkedAccountsSource({ store } as RiskOptions);
  const { all, farmed, honest, sharingPhone } = accounts(label, careful);
  await store.unitOfWork(async (tx) => {
    for (const a of all)
      for (const s of a.seen)
        await links.observe(tx, { playerId: `${label}:${a.id}`, kind: s.kind, value: `${label}|${s.value}`, source: s.source });
  });
  const flagged = new Set<string>();
  for (const a of all) if ((await links.linkedTo(`${label}:${a.id}`)).size > 0) flagged.add(a.id);
  // Members of a household that really shares one phone are linked by the rule, by design (kept
  // apart in matchmaking, one prize per tournament): counted and printed, then measured apart
  // from the honest players who share no device or account with anyone.
  const householdLinked = [...sharingPhone].filter((p) => flagged.has(p)).length;
  const all_ = report(`${label} (every honest player)`, farmed, flagged, honest);
  const others = report(
    `${label} (honest players sharing no device or account)`,
    farmed,
    new Set([...flagged].filter((p) => !sharingPhone.has(p))),
    honest - sharingPhone.size,
  );
  console.log(`${label}: ${householdLinked} of ${sharingPhone.size} players of households sharing one phone are linked (by design)`);
  return { precision: all_.precision, recall: all_.recall, fpr: others.fpr };
}

// ------------------------------------------------------------------ the tests

describe('fair-play populations', () => {
  it('card rooms: chip dumpers by one-way flow; careful variant dumps in 30 % of the hands it could', () => {
    holdsFloors(judgeRooms('chip dumping', { kind: 'dump', rate: (r) => r.uniform(0.5, 0.9) }), 'chip dumping');
    judgeRooms('chip dumping, careful (30 %)', { kind: 'dump', rate: () => 0.3 });
  });

  it('card rooms: soft play by compare avoidance; careful variant soft-plays in 30 % of eligible hands', () => {
    holdsFloors(judgeRooms('soft play', { kind: 'soft', rate: (r) => r.uniform(0.5, 0.9) }), 'soft play');
    judgeRooms('soft play, careful (30 %)', { kind: 'soft', rate: () => 0.3 });
  });

  it('skill sessions: bots with human-like stamps found on the server’s clock; careful mimics reported', () => {
    const r = rng('skill sessions');
    const honestN = 600;
    const truth = new Set<string>();
    const flagged = new Set<string>();
    for (let i = 0; i < honestN; i++) {
      const p = humanProfile(r);
      const moves = r.int(30, 160);
      if (
        sessionFlagged(
          sentAsStamped(
            r,
            Array.from({ length: moves }, () => humanInterval(r, p)),
          ),
        )
      )
        flagged.add(`h${i}`);
    }
    for (let i = 0; i < 120; i++) {
      truth.add(`b${i}`);
      const moves = r.int(30, 160);
      if (sessionFlagged(i % 2 === 0 ? burstBot(r, moves) : tickBot(r, moves))) flagged.add(`b${i}`);
    }
    holdsFloors(report('bots stamping a human profile (bursts, fixed tick)', truth, flagged, honestN), 'bots with human-like stamps');
    const careful = new Set<string>();
    const carefulFlagged = new Set<string>();
    for (let i = 0; i < 120; i++) {
      careful.add(`m${i}`);
      if (sessionFlagged(mimicBot(r, r.int(30, 160)))) carefulFlagged.add(`m${i}`);
    }
    for (const h of flagged) if (h.startsWith('h')) carefulFlagged.add(h);
    report('careful: bots waiting out stamps with the human mean and spread', careful, carefulFlagged, honestN);
  });

  // The links source is storage code, pinned on SQLite and PostgreSQL by test/skill/fair-play.test.ts;
  // the population (thousands of accounts) runs on SQLite only, to spare the shared machine.
  for (const backend of backends().filter((b) => b.name === 'sqlite')) {
    describe(`linked-account farms on ${backend.name}`, () => {
      let store: Store;
      before(async () => {
        store = await backend.open({ clock: new ManualClock(Date.UTC(2026, 5, 1)) });
        await store.migrate(riskMigrations);
      });
      after(async () => {
        await store.close();
      });
      it('links farms sharing phones and paying accounts; an address alone links nobody; careful farms reported', async () => {
        holdsFloors(await judgeFarms(store, `farms-${backend.name}`, 'none'), 'linked-account farms');
        await judgeFarms(store, `careful farms (own fingerprints, one paying account)-${backend.name}`, 'payer-only');
        const addressOnly = await judgeFarms(store, `careful farms (one address only)-${backend.name}`, 'address-only');
        assert.equal(addressOnly.recall, 0, 'an address alone never links accounts (by design)');
      });
    });
  }
});

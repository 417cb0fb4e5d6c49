// Bot players and the checks every room test runs on what it saw: that no frame ever carried a
// card the rules had not revealed to its receiver, and that every dealt deck re-derives from the
// seeds revealed after the hand.
import assert from 'node:assert/strict';
import {
  applyHandAction,
  canSeeCards,
  clientSeedCommitment,
  combineCommitments,
  createHand,
  fairDeck,
  type HandAction,
  type HandState,
  hexToBytes,
  Prng,
  utf8Bytes,
  verifyServerSeed,
} from '@fairground/rules';
import type { HandRecord } from '../../src/rooms/index.ts';
import { ALL_FRAMES, type Client, caughtUp, type Frame, type TestServer } from './harness.ts';

export function botRng(label: string): Prng {
  return Prng.fromSeed(utf8Bytes(`room-bots:${label}`), 'bots');
}

/** A bot's choice from its own legal actions (its view, never the server's state). */
export function chooseAction(legal: Frame, rng: Prng): Frame {
  const options: Frame[] = [];
  const add = (a: Frame, weight: number) => {
    for (let i = 0; i < weight; i++) options.push(a);
  };
  if (legal.call) add({ type: 'call' }, 6);
  if (legal.raise) add({ type: 'raise', toStakePoints: legal.raise.minStakePoints }, 1);
  if (legal.compare) {
    const targets = legal.compare.targetSeats as number[];
    add({ type: 'compare', targetSeat: targets[rng.nextInt(targets.length)] }, 3);
  }
  if (legal.look) add({ type: 'look' }, 2);
  if (legal.fold) add({ type: 'fold' }, 1);
  if (legal.allIn) add({ type: 'all-in' }, 2);
  assert.ok(options.length > 0, 'a player whose turn it is has something to do');
  return options[rng.nextInt(options.length)] as Frame;
}

export interface PlayOptions {
  /** Seats that commit and reveal a client seed before each hand. */
  readonly seedSeats?: readonly number[];
  /** Of those, seats that commit and then withhold the reveal (the deal must not depend on it). */
  readonly withholdSeats?: readonly number[];
  /** Stop after this many hands (default: to the end of the room). */
  readonly handsMax?: number;
  /** How a seat's player chooses (default: chooseAction). */
  readonly choose?: (c: Client, legal: Frame, rng: Prng) => Frame;
  /** Stop when the hand reaches this step (for mid-hand scenarios). */
  readonly stopAt?: (s: NonNullable<ReturnType<TestServer['rooms']['actor']>>['state']) => boolean;
}

/** Seeds the bots used, by hand and seat, for the fairness check. */
export const CHOSEN_SEEDS = new Map<string, string>();

/**
 * Plays the room with the connected clients as bots until it ends (or `handsMax` hands were
 * played): ready between hands, client seeds when asked, and on each turn the bot whose turn it is
 * acts from its own legal actions. Each step waits until every client has seen the room's version.
 */
export async function playRoom(
  server: TestServer,
  clients: readonly Client[],
  roomId: string,
  rng: Prng,
  o: PlayOptions = {},
): Promise<void> {
  const startHands = server.rooms.actor(roomId)?.state.handsPlayed ?? 0;
  for (let guard = 0; guard < 50_000; guard++) {
    await caughtUp(server, clients, roomId);
    const actor = server.rooms.actor(roomId);
    if (actor === undefined) return;
    const s = actor.state;
    if (s.status === 'finished' || s.status === 'dissolved') return;
    if (o.stopAt?.(s)) return;
    if (o.handsMax !== undefined && s.handsPlayed - startHands >= o.handsMax && s.hand === null) return;
    const live = clients.filter((c) => c.closeCode === null);
    if (s.hand !== null && s.hand.state.phase === 'betting') {
      const seat = s.hand.state.turnSeat;
      const c = live.find((x) => x.seat === seat);
      if (c === undefined) {
        // The seat's player is away: its turn runs out and the room plays for it.
        await server.advance(s.params.turnTimeS * 1000);
        continue;
      }
      assert.ok(c.hand?.legal, `${c.player.handle} sees its legal actions`);
      const action = (o.choose ?? ((_c: Client, legal: Frame, r: Prng) => chooseAction(legal, r)))(c, c.hand.legal, rng);
      const r = await c.send({ t: 'act', action });
      assert.equal(r.t, 'ok', `${c.player.handle} ${JSON.stringify(action)}: ${JSON.stringify(r)}`);
      continue;
    }
    const next = s.next;
    if (next === null) {
      await server.advance(1000);
      continue;
    }
    const seeds = o.seedSeats ?? [];
    if (next.ceremony.phase === 'committing') {
      const c = live.find((x) => x.seat !== null && seeds.includes(x.seat) && !next.ceremony.commitments.some((k) => k.seat === x.seat));
      if (c !== undefined) {
        const seed = `seed-${next.handNumber}-${c.seat}-${rng.nextInt(1_000_000)}`;
        CHOSEN_SEEDS.set(`${roomId}:${next.handNumber}:${c.seat}`, seed);
        const r = await c.send({ t: 'seed_commit', commitment: clientSeedCommitment(seed) });
        assert.equal(r.t, 'ok', JSON.stringify(r));
        continue;
      }
    }
    if (next.ceremony.phase === 'revealing') {
      const c = live.find(
        (x) =>
          x.seat !== null &&
          next.ceremony.commitments.some((k) => k.seat === x.seat) &&
          !next.ceremony.reveals.some((k) => k.seat === x.seat) &&
          !(o.withholdSeats ?? []).includes(x.seat),
      );
      if (c !== undefined) {
        const seed = CHOSEN_SEEDS.get(`${roomId}:${next.handNumber}:${c.seat}`) as string;
        const r = await c.send({ t: 'seed_reveal', seed });
        assert.equal(r.t, 'ok', JSON.stringify(r));
        continue;
      }
      await server.advance(5000);
      continue;
    }
    const unready = live.find((x) => {
      const m = s.members.find((mm) => mm.playerId === x.player.id);
      return m !== undefined && m.seat !== null && !m.ready;
    });
    if (unready !== undefined) {
      const r = await unready.send({ t: 'ready', ready: true });
      assert.equal(r.t, 'ok', JSON.stringify(r));
      continue;
    }
    if (s.status === 'waiting') {
      const owner = live.find((x) => x.player.id === s.ownerId);
      if (owner !== undefined && s.members.filter((m) => m.seat !== null).length >= 2) {
        const r = await owner.send({ t: 'start' });
        assert.equal(r.t, 'ok', JSON.stringify(r));
        continue;
      }
    }
    await server.advance(1000);
  }
  throw new Error('the room did not end');
}

/** The hand histories of a room, decrypted, by hand number (as a member sees them). */
export async function handRecords(server: TestServer, roomId: string, asPlayer: string): Promise<Map<number, HandRecord>> {
  const out = new Map<number, HandRecord>();
  let after = 0;
  for (;;) {
    const page = await server.rooms.hands(asPlayer, roomId, after);
    if (page.length === 0) return out;
    for (const r of page) out.set(r.handNumber, r);
    after = page[page.length - 1]?.handNumber as number;
  }
}

function dealt(record: HandRecord): HandState {
  const deck = fairDeck(hexToBytes(record.serverSeed) as Uint8Array, record.clientSeed, record.handNumber);
  const r = createHand({
    rules: record.rules,
    dealerSeat: record.dealerSeat,
    players: record.players.map((p) => ({ seat: p.seat, stackPoints: p.stackPoints })),
    deck,
    handNumber: record.handNumber,
  });
  assert.ok(r.ok, 'the recorded hand can be dealt again');
  return r.value;
}

function stateAt(record: HandRecord, step: number): HandState {
  let s = dealt(record);
  for (const a of record.actions.slice(0, step)) {
    const action = {
      type: a.type,
      seat: a.seat,
      ...(a.toStakePoints !== undefined ? { toStakePoints: a.toStakePoints } : {}),
      ...(a.targetSeat !== undefined ? { targetSeat: a.targetSeat } : {}),
    } as HandAction;
    const r = applyHandAction(s, action);
    assert.ok(r.ok, `recorded action ${step} replays`);
    s = r.value;
  }
  return s;
}

const CARD_TOKEN = /"[2-9TJQKA][shdc]"/;

export const CHECKED_ROOMS = new Set<string>();

/**
 * Over every frame any client received in this room: a seat or spectator only ever got the cards
 * the rules had revealed to it at that step of the hand, and those cards are the true ones; room
 * frames carry no cards at all. Hands still being played are checked against the live state.
 */
export async function checkNoHiddenCards(server: TestServer, roomId: string, asPlayer: string): Promise<number> {
  const records = await handRecords(server, roomId, asPlayer);
  const live = server.rooms.actor(roomId)?.state.hand ?? null;
  const cache = new Map<string, HandState>();
  let checked = 0;
  for (const { viewer, frame, hand, gapHandNumber } of ALL_FRAMES.filter((f) => f.roomId === roomId)) {
    if (frame.t === 'room' || frame.t === 'welcome')
      assert.doesNotMatch(JSON.stringify(frame.room ?? frame.patch), CARD_TOKEN, 'room frames carry no cards');
    let h = frame.t === 'hand' || frame.t === 'welcome' ? (frame.hand as Frame | null) : null;
    if (frame.t === 'hand_patch') {
      // A patch is checked as the view it makes (its players replace the ones before them), and
      // its other parts carry no cards at all. One that did not apply (a gap) is checked alone.
      assert.doesNotMatch(JSON.stringify([frame.view ?? null, frame.legal ?? null]), CARD_TOKEN, 'patch fields carry no cards');
      if (hand !== undefined && hand !== null) {
        for (const p of (frame.players ?? []) as Frame[])
          assert.ok(
            (hand.view.players as Frame[]).some((q) => JSON.stringify(q) === JSON.stringify(p)),
            'each patched player is in the view it makes',
          );
        h = hand;
      } else {
        assert.ok(gapHandNumber !== undefined, `a patch that did not apply was counted as a gap (v ${frame.v}, base ${frame.base})`);
        const players = (frame.players ?? []) as Frame[];
        if (typeof frame.view?.step !== 'number') {
          assert.ok(
            players.every((p) => p.cards === null),
            'a patch without its step shows no cards',
          );
          continue;
        }
        h = { handNumber: gapHandNumber, view: { step: frame.view.step, players } };
      }
    }
    if (h === null || h === undefined) continue;
    const record = records.get(h.handNumber);
    const key = `${h.handNumber}:${h.view.step}`;
    let truth = cache.get(key);
    if (truth === undefined) {
      if (record !== undefined) truth = stateAt(record, h.view.step);
      else {
        assert.ok(live !== null && live.handNumber === h.handNumber, `hand ${h.handNumber} has a record or is live`);
        assert.ok(live.state.step >= h.view.step);
        truth = h.view.step === live.state.step ? live.state : undefined;
        if (truth === undefined) continue;
      }
      cache.set(key, truth);
    }
    const seatOf = (record?.players ?? live?.players ?? []).find((p) => p.playerId === viewer)?.seat ?? null;
    for (const p of h.view.players as Frame[]) {
      const state: HandState = truth;
      const real = state.players.find((x) => x.seat === p.seat);
      assert.ok(real, 'the view lists dealt seats only');
      if (p.cards === null) continue;
      assert.ok(
        canSeeCards(truth, real, seatOf),
        `hand ${h.handNumber} step ${h.view.step}: seat ${p.seat}'s cards reached viewer seat ${seatOf}`,
      );
      assert.deepEqual(p.cards, real.cards, 'the cards shown are the dealt ones');
      checked += 1;
    }
  }
  CHECKED_ROOMS.add(roomId);
  return checked;
}

/** Every hand re-derived from its revealed seeds: the commitment matches, client seeds combine, the deal matches the record. */
export async function checkFairness(server: TestServer, roomId: string, asPlayer: string): Promise<number> {
  const records = await handRecords(server, roomId, asPlayer);
  const published = new Map<number, string>();
  for (const { frame } of ALL_FRAMES.filter((f) => f.roomId === roomId)) {
    const next = (frame.room ?? frame.patch)?.next as Frame | null | undefined;
    if (next && !published.has(next.handNumber)) published.set(next.handNumber, next.commitment);
  }
  for (const record of records.values()) {
    assert.ok(
      verifyServerSeed(record.serverSeed, record.serverCommitment),
      `hand ${record.handNumber}: the revealed seed matches its commitment`,
    );
    const before = published.get(record.handNumber);
    if (before !== undefined) assert.equal(before, record.serverCommitment, 'the commitment published before the hand is the one revealed');
    assert.equal(record.v, 2);
    assert.equal(
      combineCommitments(record.clientCommitments ?? []),
      record.clientSeed,
      'the room client seed combines the commitments closed before the deal',
    );
    for (const cs of record.clientSeeds)
      assert.ok(
        record.clientCommitments?.some((c) => c.seat === cs.seat && c.commitment === clientSeedCommitment(cs.seed)),
        'every revealed seed matches its commitment',
      );
    for (const cs of record.clientSeeds) {
      const chosen = CHOSEN_SEEDS.get(`${roomId}:${record.handNumber}:${cs.seat}`);
      if (chosen !== undefined) assert.equal(cs.seed, chosen, 'the seed used is the one the player chose');
    }
    const again = dealt(record);
    for (const p of record.players) {
      assert.deepEqual(again.players.find((x) => x.seat === p.seat)?.cards, p.cards, `hand ${record.handNumber} seat ${p.seat} re-derives`);
    }
  }
  return records.size;
}

/**
 * Run after a test file: every room that sent frames in it was checked by `checkNoHiddenCards`,
 * or sent no card at all (rooms that never dealt), so no frame of the file escapes the check.
 */
export function assertEveryFrameChecked(): void {
  for (const { roomId, frame } of ALL_FRAMES) {
    if (CHECKED_ROOMS.has(roomId)) continue;
    if (frame.t === 'room' || frame.t === 'welcome') assert.doesNotMatch(JSON.stringify(frame.room ?? frame.patch), CARD_TOKEN);
    const h =
      frame.t === 'hand' || frame.t === 'welcome' ? (frame.hand as Frame | null) : frame.t === 'hand_patch' ? { view: frame } : null;
    if (h === null || h === undefined) continue;
    const shown = ((h.view.players ?? []) as Frame[]).filter((p) => p.cards !== null);
    assert.equal(shown.length, 0, `room ${roomId} showed cards but its frames were not checked against its hands`);
  }
}

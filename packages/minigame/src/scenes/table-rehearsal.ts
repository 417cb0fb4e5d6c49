// Rehearsing a hand while the table waits: each state a hand goes through is drawn once offscreen
// with the room's own members, so that no frame of a real hand pays a font's or a path's first use.
import { HAND_CATEGORIES, type LegalActions } from '@fairground/rules';
import { Gfx } from '../engine.ts';
import type { ChannelState } from '../room-channel.ts';
import type { HandSection, HandViewWire, RoomView } from '../wire.ts';
import { rehearsalContext, releaseRehearsalCanvas } from './table-canvases.ts';
import { type Anim, COMPARE_ANIM_MS, type TableState } from './table-state.ts';

const RANKS = '23456789TJQKA';
const SUIT_LETTERS = 'shdc';

/** A state the table is rehearsed in: what `draw` reads, swapped in for one offscreen draw. */
interface Rehearsal {
  readonly st: ChannelState;
  readonly lastView: HandViewWire | null;
  readonly anim: Anim | null;
  readonly choosing: boolean;
  readonly raising: boolean;
}

/** The seats taken, mine (or the first for a spectator), and the others. */
interface Cast {
  readonly seats: readonly number[];
  readonly mine: number;
  readonly others: readonly number[];
  readonly other: number;
}

/** A hand's view in the middle of its betting: face down, or shown with categories, folds and losses. */
function rehearsedView(cast: Cast, variant: number, revealed: boolean): HandViewWire {
  const { seats, mine, other } = cast;
  return {
    handNumber: 1,
    dealerSeat: mine,
    phase: 'betting',
    round: 2,
    turnSeat: revealed ? other : mine,
    stakePoints: 2,
    potPoints: 12 + variant,
    step: 3,
    lastEvent: null,
    result: null,
    players: seats.map((seat, i) => {
      const k = variant * 9 + i * 3;
      const cards = revealed ? [0, 1, 2].map((j) => `${RANKS[(k + j) % 13]}${SUIT_LETTERS[(k + j + i) % 4]}`) : null;
      return {
        seat,
        cards,
        category: revealed ? (HAND_CATEGORIES[(variant * 3 + i) % HAND_CATEGORIES.length] ?? null) : null,
        status: !revealed || i < 2 ? 'active' : i === 2 ? 'folded' : 'lost',
        seen: revealed,
        contributedPoints: 1 + i * 4 + variant,
      };
    }),
  };
}

/** Every action offered, with raises up to `max` and all-in when asked. */
function rehearsedLegal(cast: Cast, allIn: boolean, max: number): LegalActions {
  return {
    look: true,
    fold: true,
    call: { costPoints: 2 },
    raise: { minStakePoints: 3, maxStakePoints: max, steps: null, costPerStakePoint: 1 },
    compare: cast.others.length === 0 ? null : { targetSeats: [...cast.others], costPoints: 4 },
    allIn: allIn ? { costPoints: 40 } : null,
  };
}

/** The result of a hand I won. */
function rehearsedLast(cast: Cast, room: RoomView): NonNullable<RoomView['last']> {
  return {
    handNumber: 1,
    winnerSeats: [cast.mine],
    deltas: cast.seats.map((seat, i) => ({
      seat,
      playerId: room.members.find((m) => m.seat === seat)?.playerId ?? '',
      points: seat === cast.mine ? 10 : -1 - i,
    })),
    aborted: false,
  };
}

/**
 * The states a hand goes through, with the room's own members: cards dealt face down with every
 * action offered, the raise choices (buttons and stepper), choosing whom to compare with, cards
 * shown with their categories and seats seen, folded and lost, the compare animation before and
 * after the cross, the result panel, the final scoreboard.
 */
function rehearsals(t: TableState, s: ChannelState, room: RoomView): Rehearsal[] {
  const seats = room.members.flatMap((m) => (m.seat === null ? [] : [m.seat])).sort((a, b) => a - b);
  const mine = s.you?.seat ?? seats[0];
  if (mine === undefined) return [];
  const others = seats.filter((x) => x !== mine);
  const cast: Cast = { seats, mine, others, other: others[0] ?? mine };
  const deadline = t.channel.serverNowMs() + Number(room.params.turnTimeS ?? 30) * 1000;
  const playing: RoomView = { ...room, status: 'playing' };
  const inHand = (v: HandViewWire, l: LegalActions | null): ChannelState => {
    const hand: HandSection = { handNumber: 1, turnDeadlineMs: deadline, view: v, legal: l };
    return { ...s, room: playing, hand };
  };
  const blind = rehearsedView(cast, 0, false);
  const shown = [rehearsedView(cast, 0, true), rehearsedView(cast, 1, true)];
  const now = t.app.nowMs();
  const compare = (at: number): Anim => ({
    kind: 'compare',
    seat: mine,
    target: cast.other,
    loser: cast.other,
    startMs: now - at * COMPARE_ANIM_MS,
  });
  const base = { lastView: null, anim: null, choosing: false, raising: false };
  const last = rehearsedLast(cast, room);
  return [
    { ...base, st: inHand(blind, rehearsedLegal(cast, false, 6)) },
    { ...base, st: inHand(blind, rehearsedLegal(cast, true, 6)) },
    { ...base, st: inHand(blind, rehearsedLegal(cast, false, 6)), raising: true },
    { ...base, st: inHand(blind, rehearsedLegal(cast, false, 12)), raising: true },
    { ...base, st: inHand(blind, rehearsedLegal(cast, false, 6)), choosing: true },
    ...shown.map((v) => ({ ...base, st: inHand(v, null) })),
    { ...base, st: inHand(shown[0] as HandViewWire, null), anim: compare(0.2) },
    { ...base, st: inHand(shown[0] as HandViewWire, null), anim: compare(0.7) },
    { ...base, st: { ...s, room: { ...playing, last }, hand: null }, lastView: shown[1] as HandViewWire },
    { ...base, st: { ...s, room: { ...room, status: 'finished' }, hand: null } },
  ];
}

/**
 * While no hand runs, the table draws each state of a hand once on an offscreen canvas (one
 * state per task, between frames), with the names of the players seated: every font, string and
 * drawing path a hand uses then meets its first use here — a font's fallback lookup, a text's
 * shaping, a function's first compile cost tens of ms on a throttled phone — and no frame of the
 * hand pays it. Run again when someone sits down or leaves. `draw` draws the whole scene.
 */
export function rehearse(t: TableState, s: ChannelState, draw: (g: Gfx, now: number) => void): void {
  const { app } = t;
  const room = s.room;
  if (room === null || s.hand !== null || (room.status !== 'waiting' && room.status !== 'playing')) return;
  const key = JSON.stringify([app.lang, app.stage.textScale, s.you?.seat ?? null, room.members.map((m) => [m.seat, m.nickname])]);
  if (key === t.rehearsedFor) return;
  t.rehearsedFor = key;
  if (t.rehearsalTimer !== undefined) clearTimeout(t.rehearsalTimer);
  const todo = rehearsals(t, s, room);
  const next = () => {
    t.rehearsalTimer = undefined;
    const r = todo.shift();
    if (r === undefined) {
      releaseRehearsalCanvas();
      return;
    }
    rehearseOne(t, r, draw);
    t.rehearsalTimer = setTimeout(next, 0);
  };
  t.rehearsalTimer = setTimeout(next, 0);
}

/** Draws the scene once offscreen in the rehearsal's state, then puts the table's own state back. */
function rehearseOne(t: TableState, r: Rehearsal, draw: (g: Gfx, now: number) => void): void {
  const { st, lastView, anim, choosing, raising, raiseTo, dismissedHand } = t;
  t.st = r.st;
  t.lastView = r.lastView;
  t.anim = r.anim;
  t.choosing = r.choosing;
  t.raising = r.raising;
  t.raiseTo = null;
  t.dismissedHand = 0;
  try {
    const stage = t.app.stage;
    draw(new Gfx(rehearsalContext(stage.width, stage.height, stage.dpr), stage.width, stage.height, stage.textScale), t.app.nowMs());
  } finally {
    Object.assign(t, { st, lastView, anim, choosing, raising, raiseTo, dismissedHand });
  }
}

// The table scene's state: everything the table's drawing, taps and frames read and change, held in
// one object that each part of the table takes explicitly, with the geometry every part shares.
import { type HandVerdict, type LegalActions, raiseChoices } from '@fairground/rules';
import type { App } from '../app.ts';
import type { Gfx, Region } from '../engine.ts';
import type { ChannelState, RoomChannel } from '../room-channel.ts';
import type { HandViewWire, MemberView, RoomView } from '../wire.ts';
import type { TableChat } from './table-chat.ts';
import type { MenuStep } from './table-menu-choices.ts';
import type { TableVoice } from './table-voice.ts';

export const COMPARE_ANIM_MS = 1400;
export const LOOK_ANIM_MS = 450;
/** The turn ring is redrawn this often while a turn timer runs (a frame per tick, not 60 a second). */
export const TIMER_TICK_MS = 250;

export interface SeatPos {
  readonly x: number;
  readonly y: number;
}

export type Anim =
  | { kind: 'compare'; seat: number; target: number; loser: number; startMs: number }
  | { kind: 'look'; seat: number; startMs: number };

export interface TableState {
  readonly app: App;
  readonly roomId: string;
  readonly channel: RoomChannel;
  readonly chat: TableChat;
  readonly voice: TableVoice;
  st: ChannelState | null;
  lastView: HandViewWire | null;
  lastStep: number;
  anim: Anim | null;
  choosing: boolean;
  /** The hand being verified on this device, and the verdict once the checks have run. */
  verify: { handNumber: number; verdict: HandVerdict | null; error: string | null } | null;
  /** The room's menu while open, and where on it (see table-menu.ts). */
  menu: MenuStep | null;
  /** Choosing how far to raise, and the stake picked so far. */
  raising: boolean;
  raiseTo: number | null;
  dismissedHand: number;
  myTurnBefore: boolean;
  timer: ReturnType<typeof setInterval> | undefined;
  sending: boolean;
  /** A readiness change is on its way: the ready button waits for the server's answer. */
  readying: boolean;
  /** The raise choices of the legal actions last seen, listed once rather than every frame. */
  choices: { of: LegalActions['raise']; list: readonly number[] } | null;
  /** Whether `drawSeat` draws the turn timer (not when the table goes on a backdrop the timer is drawn over). */
  ringsInline: boolean;
  /** What the backdrop shows: the state it was drawn from (see `layerKey`) and its tap regions. */
  layer: { key: readonly unknown[]; regions: Region[] } | null;
  backdropTimer: ReturnType<typeof setTimeout> | undefined;
  /** The rehearsal last run (language, type scale, who sits where), and the next step's timer. */
  rehearsedFor: string;
  rehearsalTimer: ReturnType<typeof setTimeout> | undefined;
}

/** The parts of the state a frame's arrival sets, at their starting values. */
export function initialTableFields(): Omit<TableState, 'app' | 'roomId' | 'channel' | 'chat' | 'voice'> {
  return {
    st: null,
    lastView: null,
    lastStep: -1,
    anim: null,
    choosing: false,
    verify: null,
    menu: null,
    raising: false,
    raiseTo: null,
    dismissedHand: 0,
    myTurnBefore: false,
    timer: undefined,
    sending: false,
    readying: false,
    choices: null,
    ringsInline: true,
    layer: null,
    backdropTimer: undefined,
    rehearsedFor: '',
    rehearsalTimer: undefined,
  };
}

export function choicesOf(t: TableState, raise: LegalActions['raise']): readonly number[] {
  if (t.choices === null || t.choices.of !== raise) t.choices = { of: raise, list: raiseChoices(raise) };
  return t.choices.list;
}

export const memberAt = (room: RoomView, seat: number): MemberView | undefined => room.members.find((m) => m.seat === seat);

/** The middle of the felt: below the header, above the action buttons. */
export const tableCentreY = (h: number) => 64 + (h - 64 - 190) / 2;

/** Seat positions on an ellipse, my seat (or seat 0 for a spectator) at the bottom. */
export function positions(g: Gfx, seats: number, mySeat: number): SeatPos[] {
  const cx = g.w / 2;
  const cy = tableCentreY(g.h);
  const rx = g.w / 2 - 46;
  const ry = (g.h - 64 - 190) / 2 - 30;
  const out: SeatPos[] = [];
  for (let s = 0; s < seats; s++) {
    const rel = (s - mySeat + seats) % seats;
    const a = Math.PI / 2 + (rel * 2 * Math.PI) / seats;
    out.push({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
  }
  return out;
}

export const compareAnimating = (t: TableState, now: number) => t.anim?.kind === 'compare' && now - t.anim.startMs < COMPARE_ANIM_MS;

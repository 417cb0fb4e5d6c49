// What clients see. The room header is public (the same for every member and spectator: no
// network addresses, no sealed seeds); the hand section is per seat through the rules'
// `playerView`, so a seat only ever receives the cards the rules have revealed to it, and a
// spectator only what is shown to everyone.
import {
  canSeeCards,
  categoryOfKey,
  type HandView,
  isLegalAction,
  type LegalActions,
  legalActions,
  type PlayerStateView,
  playerView,
  type SeatCommitment,
  type SeatSeed,
} from '@fairground/rules';
import type { HandState, PlayerState } from '@fairground/rules';
import type { FeePlan, LastHand, Role, RoomEvent, RoomState, RoomStatus, ScoreLine } from './state.ts';
import type { RoomParams } from './params.ts';

export interface MemberView {
  readonly playerId: string;
  readonly nickname: string;
  readonly role: Role;
  readonly seat: number | null;
  readonly ready: boolean;
  readonly connected: boolean;
  readonly trusteeship: boolean;
  readonly identityChecked: boolean;
  /** The seat's skin, as the player wore it when they joined (the first free skin for older rooms). */
  readonly skin: string;
}

export interface RoomView {
  readonly id: string;
  readonly code: string;
  readonly status: RoomStatus;
  readonly version: number;
  readonly params: RoomParams;
  readonly fee: Pick<FeePlan, 'mode' | 'payer' | 'perSeat' | 'joiner' | 'commissionBps'>;
  readonly ownerId: string;
  readonly members: readonly MemberView[];
  readonly scores: readonly ScoreLine[];
  readonly handsPlayed: number;
  readonly next: {
    readonly handNumber: number;
    readonly commitment: string;
    readonly ceremonyPhase: 'committing' | 'revealing' | 'locked';
    readonly committedSeats: readonly number[];
    /** Every seat's commitment as received: once the phase leaves 'committing' this is the closed set the deal is made from (clients keep it). */
    readonly commitments: readonly SeatCommitment[];
    readonly revealedSeats: readonly number[];
    readonly revealDeadlineMs: number | null;
    /** Between hands: when the next hand starts even if not everyone is ready. */
    readonly startAtMs: number | null;
  } | null;
  readonly last: LastHand | null;
  readonly startedAtMs: number | null;
  readonly endedAtMs: number | null;
  readonly endReason: RoomState['endReason'];
  readonly chainHash: string;
}

/** The rules' view without what never changes in a hand (its rules) or is the receiver's own knowledge (its seat). */
/** A player as sent: flags at their usual value are left out (no stack limit, not all-in, not shown, seen by nobody, no category). */
export type PlayerViewCompact = Omit<PlayerStateView, 'stackPoints' | 'allIn' | 'shownToAll' | 'visibleTo' | 'category'> &
  Partial<Pick<PlayerStateView, 'stackPoints' | 'allIn' | 'shownToAll' | 'visibleTo' | 'category'>>;

/**
 * The rules' view as sent with every action: without what never changes in a hand (its rules),
 * the receiver's own seat, the format version and the comparison history (who saw whose cards is
 * in each player's `visibleTo`), and with each player's usual flags left out.
 */
export type HandViewCompact = Omit<HandView, 'rules' | 'viewerSeat' | 'version' | 'comparisons' | 'players'> & {
  readonly players: readonly PlayerViewCompact[];
};

export function compactPlayer(p: PlayerStateView): PlayerViewCompact {
  const { stackPoints, allIn, shownToAll, visibleTo, category, ...rest } = p;
  return {
    ...rest,
    ...(stackPoints !== null ? { stackPoints } : {}),
    ...(allIn ? { allIn } : {}),
    ...(shownToAll ? { shownToAll } : {}),
    ...(visibleTo.length > 0 ? { visibleTo } : {}),
    ...(category !== null ? { category } : {}),
  };
}

/**
 * A player as sent, as JSON text, made straight from the rules' state: the text of
 * `JSON.stringify(compactPlayer(playerStateView(p, visible)))` (the same fields in the same order),
 * with one object between instead of two and no copy of the cards. Every patch carries the players
 * an action changed.
 */
export function compactPlayerText(p: PlayerState, visible: boolean): string {
  const out: Record<string, unknown> = {};
  const fields = p as unknown as Readonly<Record<string, unknown>>;
  for (const k in fields) {
    if (k === 'cards' || k === 'handKey' || k === 'stackPoints' || k === 'allIn' || k === 'shownToAll' || k === 'visibleTo') continue;
    out[k] = fields[k];
  }
  out.cards = visible ? p.cards : null;
  if (p.stackPoints !== null) out.stackPoints = p.stackPoints;
  if (p.allIn) out.allIn = p.allIn;
  if (p.shownToAll) out.shownToAll = p.shownToAll;
  if (p.visibleTo.length > 0) out.visibleTo = p.visibleTo;
  if (visible) {
    const category = categoryOfKey(p.handKey);
    if (category !== null) out.category = category;
  }
  return JSON.stringify(out);
}

export function compactView(v: HandView): HandViewCompact {
  const { rules: _rules, viewerSeat: _seat, version: _version, comparisons: _comparisons, players, ...rest } = v;
  return { ...rest, players: players.map(compactPlayer) };
}

/** What does not change during a hand: sent when it starts and in every welcome, not with each action. */
export interface HandInfo {
  readonly commitment: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  readonly clientCommitments: readonly SeatCommitment[];
  readonly dealerSeat: number;
  readonly players: readonly { readonly seat: number; readonly playerId: string }[];
  readonly startedAtMs: number;
}

export interface HandSection {
  readonly handNumber: number;
  readonly turnDeadlineMs: number | null;
  readonly view: HandViewCompact;
  /** What the viewer may do now (null for spectators and seats not in the hand). */
  readonly legal: LegalActions | null;
  /** Present in welcomes and in the frame that starts the hand. */
  readonly info?: HandInfo;
}

export interface Presence {
  readonly connected: ReadonlySet<string>;
  /** Between hands: when the next hand starts regardless of ready clicks. */
  readonly nextStartAtMs: number | null;
}

export function roomView(s: RoomState, presence: Presence): RoomView {
  const n = s.next;
  return {
    id: s.id,
    code: s.code,
    status: s.status,
    version: s.version,
    params: s.params,
    fee: { mode: s.fee.mode, payer: s.fee.payer, perSeat: s.fee.perSeat, joiner: s.fee.joiner, commissionBps: s.fee.commissionBps },
    ownerId: s.ownerId,
    members: s.members.map((m) => ({
      playerId: m.playerId,
      nickname: m.nickname,
      role: m.role,
      seat: m.seat,
      ready: m.ready,
      connected: presence.connected.has(m.playerId),
      trusteeship: m.trusteeship,
      identityChecked: n !== null && m.identityHand === n.handNumber,
      skin: m.skin ?? 'classic',
    })),
    scores: s.scores,
    handsPlayed: s.handsPlayed,
    next:
      n === null
        ? null
        : {
            handNumber: n.handNumber,
            commitment: n.commitment,
            ceremonyPhase: n.ceremony.phase,
            committedSeats: n.ceremony.commitments.map((c) => c.seat),
            commitments: [...n.ceremony.commitments].sort((a, b) => a.seat - b.seat),
            revealedSeats: n.ceremony.reveals.map((r) => r.seat),
            revealDeadlineMs: n.revealDeadlineMs,
            startAtMs: presence.nextStartAtMs,
          },
    last: s.last,
    startedAtMs: s.startedAtMs,
    endedAtMs: s.endedAtMs,
    endReason: s.endReason,
    chainHash: s.chainHash,
  };
}

/** The hand as `viewerSeat` may see it (null: a spectator or a member not seated). */
export function handSection(s: RoomState, viewerSeat: number | null, turnDeadlineMs: number | null, withInfo: boolean): HandSection | null {
  const h = s.hand;
  if (h === null) return null;
  const view = compactView(playerView(h.state, viewerSeat));
  const inHand = viewerSeat !== null && h.players.some((p) => p.seat === viewerSeat);
  const section: HandSection = { handNumber: h.handNumber, turnDeadlineMs, view, legal: inHand ? legalFor(h.state, viewerSeat) : null };
  if (!withInfo) return section;
  return {
    ...section,
    info: {
      commitment: h.commitment,
      clientSeed: h.clientSeed,
      clientSeeds: h.clientSeeds,
      clientCommitments: h.clientCommitments,
      dealerSeat: h.dealerSeat,
      players: h.players.map((p) => ({ seat: p.seat, playerId: p.playerId })),
      startedAtMs: h.startedAtMs,
    },
  };
}

/**
 * The `hand` frame for one seat, as text. Views are serialised once per distinct visibility (every
 * seat that sees no more cards than a spectator shares the spectator's text), and whole frames once
 * per visibility and legal-action list, because a broadcast follows every action to every seat and
 * spectator: seats waiting for their turn usually get the very same string (sent as the same bytes).
 */
export function handFrameText(
  s: RoomState,
  viewerSeat: number | null,
  head: { readonly v: number; readonly serverNowMs: number; readonly turnDeadlineMs: number | null; readonly withInfo: boolean },
  viewCache: Map<string, string>,
): string {
  const h = s.hand;
  if (h === null) return `{"t":"hand","v":${head.v},"serverNowMs":${head.serverNowMs},"hand":null}`;
  let key = '';
  for (const p of h.state.players) if (canSeeCards(h.state, p, viewerSeat)) key += `${p.seat},`;
  let viewText = viewCache.get(key);
  if (viewText === undefined) {
    viewText = JSON.stringify(compactView(playerView(h.state, viewerSeat)));
    viewCache.set(key, viewText);
  }
  const legal = legalText(h.state, h.players, viewerSeat);
  const frameKey = `f${key}|${legal}`;
  const cached = viewCache.get(frameKey);
  if (cached !== undefined) return cached;
  const info = head.withInfo ? `,"info":${JSON.stringify((handSection(s, viewerSeat, null, true) as HandSection).info)}` : '';
  const text = `{"t":"hand","v":${head.v},"serverNowMs":${head.serverNowMs},"hand":{"handNumber":${h.handNumber},"turnDeadlineMs":${head.turnDeadlineMs},"view":${viewText},"legal":${legal}${info}}}`;
  viewCache.set(frameKey, text);
  return text;
}

/** What `viewerSeat` may do in the hand, as text: `null` for spectators and seats not in the hand. */
export function legalText(state: HandState, players: readonly { readonly seat: number }[], viewerSeat: number | null): string {
  const legalValue = viewerSeat !== null && dealtIn(players, viewerSeat) ? legalFor(state, viewerSeat) : null;
  // The shared lists (nothing, or only a look) have fixed texts; the turn's list is its own.
  return legalValue === null
    ? 'null'
    : legalValue === NOTHING
      ? NOTHING_TEXT
      : legalValue === NOTHING_BUT_LOOK
        ? NOTHING_BUT_LOOK_TEXT
        : JSON.stringify(legalValue);
}

/** Whether `seat` was dealt into the hand (a loop: asked for every seat of every broadcast). */
function dealtIn(players: readonly { readonly seat: number }[], seat: number): boolean {
  for (let i = 0; i < players.length; i += 1) if ((players[i] as { readonly seat: number }).seat === seat) return true;
  return false;
}

const NOTHING_BUT_LOOK: LegalActions = { look: true, fold: false, call: null, raise: null, compare: null, allIn: null };
const NOTHING: LegalActions = { look: false, fold: false, call: null, raise: null, compare: null, allIn: null };
const NOTHING_BUT_LOOK_TEXT = JSON.stringify(NOTHING_BUT_LOOK);
const NOTHING_TEXT = JSON.stringify(NOTHING);

/**
 * What a seat may do. Off turn a seat can at most look (the room never allows folding out of
 * turn), so only the turn's seat pays for the full list: each illegal option the rules check is an
 * error value with a stack trace, and a broadcast goes to every seat after every action.
 */
function legalFor(state: HandState, seat: number): LegalActions {
  if (state.turnSeat === seat || state.rules.foldOutOfTurn) {
    // The rules answer each illegal option with an error value; nobody reads their stack traces.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return legalActions(state, seat);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
  let me: HandState['players'][number] | undefined;
  for (const p of state.players) {
    if (p.seat === seat) {
      me = p;
      break;
    }
  }
  if (me === undefined || me.seen || me.status !== 'active' || state.phase !== 'betting') return NOTHING;
  return isLegalAction(state, { type: 'look', seat }) ? NOTHING_BUT_LOOK : NOTHING;
}

/** Shown with a room dissolved for sharing network addresses (seed §五: 提示“安全风险”). */
export const SECURITY_RISK_MESSAGE = '安全风险：3 名或更多玩家使用同一网络地址，房间已解散';

export type PublicEvent = { readonly kind: string; readonly seq: number; readonly atMs: number } & Readonly<Record<string, unknown>>;

/** An event as every member and spectator may see it: no sealed seeds, no network addresses, no hand actions (the hand section carries those). */
export function publicEvent(e: RoomEvent): PublicEvent | null {
  const base = { kind: e.kind, seq: e.seq, atMs: e.atMs };
  switch (e.kind) {
    case 'room_created':
    case 'hand_action':
    case 'ip_changed':
      return null;
    case 'hand_committed':
      return { ...base, handNumber: e.handNumber, commitment: e.commitment };
    case 'member_joined':
      return { ...base, playerId: e.playerId, nickname: e.nickname, role: e.role, seat: e.seat };
    case 'hand_started':
      return {
        ...base,
        handNumber: e.handNumber,
        dealerSeat: e.dealerSeat,
        players: e.players.map((p) => ({ seat: p.seat, playerId: p.playerId })),
      };
    case 'room_dissolved':
      return { ...base, by: e.by, reason: e.reason, ...(e.reason === 'security_risk' ? { message: SECURITY_RISK_MESSAGE } : {}) };
    default: {
      const { seq: _s, atMs: _a, ...rest } = e;
      return { ...base, ...rest };
    }
  }
}

// The frame handling both room clients share — the H5 table (packages/web, over a WebSocket) and
// the mini-game (over `wx.connectSocket`) — with no transport, storage, clock or DOM of its own:
// the welcome's full view, the room patches and hand sections applied on top of it, the room
// version carried by every command, request ids and their replies, a readiness click refused as
// stale sent again on the newer version, the reconnect backoff and which closes are final, and what
// a seated client does in each hand's seed ceremony. Each client wraps it with its socket, its
// storage and its random source.
//
// The hand arrives whole in the welcome and in a `hand` frame (a new hand, or after a restart),
// and as a `hand_patch` after each later action: only what changed since the hand frame or patch
// whose version the patch names as its `base`. A patch on any other base means a frame was missed:
// the client asks the room for its whole view again (`resync`, answered with a welcome) instead
// of applying it on a view it does not match.

export type ChannelStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface RoomEventWire {
  readonly kind: string;
  readonly seq?: number;
  readonly [key: string]: unknown;
}

export interface ChannelYou {
  readonly playerId: string;
  readonly role: string | null;
  readonly seat: number | null;
}

/** A chat message as the table delivers it (the server stored it first; refused text never arrives). */
export interface ChatLine {
  readonly id: string;
  readonly playerId: string;
  readonly seat: number | null;
  readonly handNumber: number | null;
  readonly kind: 'phrase' | 'emoji' | 'text';
  readonly phraseId: string | null;
  /** The words (Chinese for a phrase), the emoji, or the typed text. */
  readonly text: string;
  /** A phrase's English words; null otherwise. */
  readonly textEn: string | null;
  readonly atMs: number;
}

export interface ChannelState<Room, Hand, Info> {
  readonly status: ChannelStatus;
  readonly you: ChannelYou | null;
  readonly room: Room | null;
  readonly hand: Hand | null;
  /** The fixed facts of the current hand (they come with its first frame or the welcome). */
  readonly info: Info | null;
  readonly v: number;
  /** Server time minus this device's time, for countdowns. */
  readonly clockOffsetMs: number;
  /** Why the room closed this connection for good (kicked, left, dissolved…). */
  readonly closedCode: string | null;
  readonly events: readonly RoomEventWire[];
  /** Chat at the table, oldest first (the last CHAT_KEPT_MAX), without the players this client muted. */
  readonly chat: readonly ChatLine[];
  /** Players this client muted at this table (the server does not deliver their chat here either). */
  readonly muted: readonly string[];
}

export interface ChannelReply {
  readonly t: 'ok' | 'error';
  /** The room version after the command (on `ok`). */
  readonly v?: number;
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

export type ChannelFrame = Record<string, unknown> & { t: string };

export const RECONNECT_DELAY_MS_MIN = 500;
export const RECONNECT_DELAY_MS_MAX = 5000;
/** Events kept for the table's log line. */
const EVENTS_KEPT_MAX = 30;
/** Chat lines kept, and players one client may mute at a table (the server's limit). */
const CHAT_KEPT_MAX = 40;
const MUTED_KEPT_MAX = 16;
/** Frames that change nothing in the room and carry no version. */
const VERSIONLESS: ReadonlySet<string> = new Set(['ping', 'chat', 'chat_mute', 'voice_join', 'voice_leave', 'voice_signal']);
/** Replies waited for at most; a reply lost with a dropped socket is answered as a network error. */
const PENDING_MAX = 32;
/** Close codes after which reconnecting is pointless (bad hello, kicked, left, not a member, room gone). */
const FINAL_CLOSE_CODES: ReadonlySet<number> = new Set([4001, 4004, 4005, 4006]);
/**
 * Reasons given with a close that ask the client to come back rather than give up: the server is
 * restarting, or the table is moving to another server of the cluster (or waiting for it).
 */
const COME_BACK_CODES: ReadonlySet<string> = new Set([
  'ROOM_SERVER_RESTARTING',
  'CLUSTER_ROOM_MOVING',
  'CLUSTER_NODE_UNREACHABLE',
  'CLUSTER_UNAVAILABLE',
]);
/**
 * Commands sent again when refused only because the version moved first: another player's click,
 * or this client's own seed commitment, sent by itself as the page opens. Each means the same on
 * any version: a readiness or trusteeship toggle, the owner's dissolve (confirmed in a dialog),
 * and leaving (which the room refuses on its own terms, with its own code, while the player is in
 * a hand).
 */
const RESEND_ON_STALE: ReadonlySet<string> = new Set(['ready', 'trustee', 'dissolve', 'leave']);

interface RoomLike {
  readonly members: readonly { readonly playerId: string; readonly role: string | null; readonly seat: number | null }[];
}

interface HandLike<Info> {
  readonly info?: Info;
}

/** A player in a hand view: keyed by seat, replaced whole by a patch. */
interface PlayerWire {
  readonly seat: number;
  readonly [field: string]: unknown;
}

/** The hand section as a `hand` frame or the welcome carries it (the fields a patch touches). */
export interface HandSectionWire {
  readonly turnDeadlineMs: number | null;
  readonly view: { readonly players: readonly PlayerWire[] };
  readonly legal: unknown;
}

/**
 * A `hand_patch` frame: what changed in the hand since the frame of version `base`. Each present
 * key replaces the client's: `turnDeadlineMs`, the view's top-level fields in `view`, whole players
 * (by seat) in `players`, and the receiver's own legal actions in `legal` (sent only to that seat,
 * only when they changed).
 */
export interface HandPatchWire {
  readonly base: number;
  readonly turnDeadlineMs?: number | null;
  readonly view?: Readonly<Record<string, unknown>>;
  readonly players?: readonly PlayerWire[];
  readonly legal?: unknown;
}

/** Players in one patch at most (a table has at most this many seats). */
const PATCH_PLAYERS_MAX = 64;

/**
 * The hand section after `patch` (a new object; `hand` is not changed). The caller checks the
 * patch's base first: applied on another version it would mix two states of the hand.
 */
export function applyHandPatch<H extends HandSectionWire>(hand: H, patch: HandPatchWire): H {
  let view = hand.view;
  if (patch.view !== undefined) view = { ...view, ...patch.view, players: view.players };
  const changed = patch.players ?? [];
  if (changed.length > 0 && changed.length <= PATCH_PLAYERS_MAX) {
    view = { ...view, players: view.players.map((p) => changed.find((c) => c.seat === p.seat) ?? p) };
  }
  return {
    ...hand,
    view,
    ...(patch.turnDeadlineMs !== undefined ? { turnDeadlineMs: patch.turnDeadlineMs } : {}),
    ...(patch.legal !== undefined ? { legal: patch.legal } : {}),
  };
}

export interface RoomFramesOptions<Room, Hand, Info> {
  /** Puts one frame on the socket; false when no socket is open. */
  readonly transmit: (data: string) => boolean;
  readonly onChange: (s: ChannelState<Room, Hand, Info>) => void;
  /** The room closed this connection for good (a reason other than "come back"). */
  readonly onClosed?: (code: string) => void;
}

const NOT_CONNECTED: ChannelReply = { t: 'error', code: 'NETWORK_ERROR', message: 'not connected' };
const LOST: ChannelReply = { t: 'error', code: 'NETWORK_ERROR', message: 'connection lost' };

export class RoomFrames<Room extends RoomLike, Hand extends HandLike<Info>, Info> {
  readonly #o: RoomFramesOptions<Room, Hand, Info>;
  #state: ChannelState<Room, Hand, Info> = {
    status: 'connecting',
    you: null,
    room: null,
    hand: null,
    info: null,
    v: 0,
    clockOffsetMs: 0,
    closedCode: null,
    events: [],
    chat: [],
    muted: [],
  };
  #nextId = 1;
  #delayMs = RECONNECT_DELAY_MS_MIN;
  /** The version of the hand frame, patch or welcome the current hand came from (a patch names it as its base). */
  #handV = -1;
  /** A resync was asked for and its welcome has not come yet (asked once, not once per patch). */
  #resyncing = false;
  readonly #pending = new Map<string, { frame: ChannelFrame; resolve: (r: ChannelReply) => void }>();

  constructor(o: RoomFramesOptions<Room, Hand, Info>) {
    this.#o = o;
  }

  get state(): ChannelState<Room, Hand, Info> {
    return this.#state;
  }

  set(patch: Partial<ChannelState<Room, Hand, Info>>): void {
    this.#state = { ...this.#state, ...patch };
    this.#o.onChange(this.#state);
  }

  /** Applies one frame from the room; `nowMs` is this device's clock (for the server-time offset). */
  receive(f: ChannelFrame, nowMs: number): void {
    const s = this.#state;
    const v = typeof f.v === 'number' && f.v > s.v ? f.v : s.v;
    const clockOffsetMs = typeof f.serverNowMs === 'number' ? f.serverNowMs - nowMs : s.clockOffsetMs;
    switch (f.t) {
      case 'welcome': {
        this.#delayMs = RECONNECT_DELAY_MS_MIN;
        const hand = (f.hand ?? null) as Hand | null;
        // The welcome's hand is the one of the last hand frame (`handV`), or newer than any sent.
        this.#handV = typeof f.handV === 'number' ? f.handV : v;
        this.#resyncing = false;
        this.set({ status: 'live', v, clockOffsetMs, you: f.you as ChannelYou, room: f.room as Room, hand, info: hand?.info ?? null });
        // The server forgets mutes when the room restarts or the table moves: tell it again after every welcome.
        for (const playerId of this.#state.muted) void this.send({ t: 'chat_mute', playerId, muted: true });
        break;
      }
      case 'chat': {
        const line = f.message as ChatLine;
        // Muted on the server too; hidden here as well in case a line was on its way.
        if (s.muted.includes(line.playerId)) break;
        this.set({ clockOffsetMs, chat: [...s.chat, line].slice(-CHAT_KEPT_MAX) });
        break;
      }
      case 'room': {
        // Only what changed arrives; the rest stays as the welcome or earlier frames left it.
        const room = { ...(s.room as Room), ...(f.patch as Partial<Room>) } as Room;
        const me = room.members.find((m) => m.playerId === s.you?.playerId);
        const events = [...s.events, ...((f.events as RoomEventWire[] | undefined) ?? [])].slice(-EVENTS_KEPT_MAX);
        const you = s.you !== null && me !== undefined ? { ...s.you, role: me.role, seat: me.seat } : s.you;
        this.set({ v, clockOffsetMs, room, events, you });
        this.#answered(f, v);
        break;
      }
      case 'hand': {
        const hand = (f.hand ?? null) as Hand | null;
        this.#handV = typeof f.v === 'number' ? f.v : v;
        this.#resyncing = false;
        this.set({ v, clockOffsetMs, hand, info: hand === null ? null : (hand.info ?? s.info) });
        this.#answered(f, v);
        break;
      }
      case 'hand_patch':
        this.#patch(f, v, clockOffsetMs);
        break;
      case 'closed': {
        // A restart or a table moving between servers: the socket closes and the client reconnects.
        const code = String(f.code);
        if (COME_BACK_CODES.has(code)) break;
        this.#o.onClosed?.(code);
        this.set({ closedCode: code });
        break;
      }
      case 'ok':
      case 'error': {
        const id = typeof f.id === 'string' ? f.id : undefined;
        const p = id === undefined ? undefined : this.#pending.get(id);
        if (p !== undefined && id !== undefined) {
          this.#pending.delete(id);
          if (f.t === 'error' && f.code === 'ROOM_STALE_VERSION' && RESEND_ON_STALE.has(p.frame.t)) void this.send(p.frame).then(p.resolve);
          else p.resolve(f as unknown as ChannelReply);
        } else if (f.t === 'error') this.set({ v });
        break;
      }
      default:
        break;
    }
  }

  /**
   * Applies a hand patch made on the hand this client holds; on any other base (a frame was
   * missed, or no hand is held) asks for the whole view and leaves the hand and version as they are.
   */
  #patch(f: ChannelFrame, v: number, clockOffsetMs: number): void {
    const s = this.#state;
    const patch = f as unknown as HandPatchWire;
    if (s.hand === null || patch.base !== this.#handV || typeof f.v !== 'number') {
      if (!this.#resyncing && this.#o.transmit('{"t":"resync"}')) this.#resyncing = true;
      // The action this frame answers was applied all the same: its sender is told so.
      this.#answered(f, typeof f.v === 'number' ? f.v : s.v);
      return;
    }
    this.#handV = f.v;
    const hand = applyHandPatch(s.hand as unknown as HandSectionWire, patch) as unknown as Hand;
    this.set({ v, clockOffsetMs, hand });
    this.#answered(f, v);
  }

  /**
   * A `room`, `hand` or `hand_patch` frame that carries a request id is also the answer to that request: the
   * server folds the sender's `ok` into the broadcast of the change it made, after it was applied.
   */
  #answered(f: ChannelFrame, v: number): void {
    if (typeof f.id !== 'string') return;
    const p = this.#pending.get(f.id);
    if (p === undefined) return;
    this.#pending.delete(f.id);
    p.resolve({ t: 'ok', v } as ChannelReply);
  }

  /** Sends a command on the latest version with a fresh request id; resolves with the room's answer. */
  send(frame: ChannelFrame): Promise<ChannelReply> {
    if (this.#pending.size >= PENDING_MAX) return Promise.resolve(NOT_CONNECTED);
    const id = `c${this.#nextId++}`;
    const full = { ...frame, id, ...(VERSIONLESS.has(frame.t) ? {} : { v: this.#state.v }) };
    return new Promise((resolve) => {
      this.#pending.set(id, { frame, resolve });
      if (!this.#o.transmit(JSON.stringify(full))) {
        this.#pending.delete(id);
        resolve(NOT_CONNECTED);
      }
    });
  }

  /** Lines delivered before this client connected (read over HTTP), merged in order without duplicates or muted senders. */
  addEarlierChat(lines: readonly ChatLine[]): void {
    const s = this.#state;
    const seen = new Set(s.chat.map((l) => l.id));
    const earlier = lines.filter((l) => !seen.has(l.id) && !s.muted.includes(l.playerId));
    if (earlier.length > 0) this.set({ chat: [...earlier, ...s.chat].slice(-CHAT_KEPT_MAX) });
  }

  /**
   * Mutes (or unmutes) a player at this table: the server stops delivering their chat here, and
   * their lines are hidden. Resolves with the room's answer; the list changes only on `ok`.
   */
  async mute(playerId: string, muted: boolean): Promise<ChannelReply> {
    const r = await this.send({ t: 'chat_mute', playerId, muted });
    if (r.t === 'ok')
      this.setMuted(muted ? [...new Set([...this.#state.muted, playerId])] : this.#state.muted.filter((p) => p !== playerId));
    return r;
  }

  /** The muted list as kept on this device (restored when the page or game opens). */
  setMuted(list: readonly string[]): void {
    const muted = list.slice(0, MUTED_KEPT_MAX);
    this.set({ muted, chat: this.#state.chat.filter((l) => !muted.includes(l.playerId)) });
  }

  /** Commands waiting for an answer on a socket that is gone are answered as a network error. */
  failPending(): void {
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.resolve(LOST);
    }
  }

  /**
   * The socket closed (not by this client): fails what waited on it, then either closes the
   * channel for good (a final code, or the room said why) and answers null, or marks it
   * reconnecting and answers how long to wait before the next try (a capped backoff).
   */
  disconnected(code: number, reason?: string): number | null {
    this.failPending();
    this.#resyncing = false;
    const s = this.#state;
    if (FINAL_CLOSE_CODES.has(code) || s.closedCode !== null) {
      this.set({ status: 'closed', closedCode: s.closedCode ?? (reason !== undefined && reason !== '' ? reason : 'ROOM_CLOSED') });
      return null;
    }
    this.set({ status: 'reconnecting' });
    const delay = this.#delayMs;
    this.#delayMs = Math.min(this.#delayMs * 2, RECONNECT_DELAY_MS_MAX);
    return delay;
  }

  /** The next try comes at once and the backoff starts again (network back, app in the foreground). */
  resetBackoff(): void {
    this.#delayMs = RECONNECT_DELAY_MS_MIN;
  }

  /** Server time now, by this device's clock `nowMs` and the last offset seen. */
  serverNowMs(nowMs: number): number {
    return nowMs + this.#state.clockOffsetMs;
  }
}

/** Where a client keeps its seed for a hand (and, with `.revealed`, that it revealed it). */
export function seedKey(roomId: string, handNumber: number): string {
  return `fg.seed.${roomId}.${handNumber}`;
}

export interface CeremonyView {
  readonly handNumber: number;
  readonly ceremonyPhase: 'committing' | 'revealing' | 'locked';
  readonly committedSeats: readonly number[];
  readonly revealedSeats: readonly number[];
}

/**
 * What a seated client does now in the next hand's seed ceremony: commit a fresh seed while
 * commitments are open (once: it has none stored), reveal the stored one once they close (once),
 * or nothing.
 */
export function ceremonyStep(
  status: ChannelStatus,
  next: CeremonyView | null | undefined,
  seat: number | null | undefined,
  stored: { readonly seed: string | null; readonly revealed: boolean },
): 'commit' | 'reveal' | null {
  if (status !== 'live' || next === null || next === undefined || seat === null || seat === undefined) return null;
  if (next.ceremonyPhase === 'committing' && !next.committedSeats.includes(seat) && stored.seed === null) return 'commit';
  if (next.ceremonyPhase === 'revealing' && next.committedSeats.includes(seat) && !next.revealedSeats.includes(seat))
    return stored.seed !== null && !stored.revealed ? 'reveal' : null;
  return null;
}

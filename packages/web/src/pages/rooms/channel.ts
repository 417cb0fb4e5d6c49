// The table's connection to its room: one WebSocket, authenticated by its first frame, that
// reconnects by itself with a capped backoff and gets the same seat and the exact current view
// back in the welcome. Commands carry the room version the player acted on; a readiness click
// refused as stale (someone else clicked first) is sent again on the newer version.
//
// With "my seed" on, the channel also takes part in each hand's shuffle: it commits to a fresh
// random client seed while commitments are open and reveals it when asked, so no hand is dealt
// from the server's seed alone. Whether or not it takes part, it keeps what it saw of each hand
// before the deal (the server's commitment, the closed client commitments) for the fairness page.
import { clientSeedCommitment } from '@fairground/rules';
import type { HandInfo, HandSection, RoomView } from '../../../../server/src/rooms/views.ts';
import { keepBeforeDeal } from './kept-commitments.ts';

export type { HandInfo, HandSection, RoomView };
export type Member = RoomView['members'][number];

export type ChannelStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface RoomEventWire {
  readonly kind: string;
  readonly seq: number;
  readonly [key: string]: unknown;
}

export interface ChannelState {
  readonly status: ChannelStatus;
  readonly you: { readonly playerId: string; readonly role: string | null; readonly seat: number | null } | null;
  readonly room: RoomView | null;
  readonly hand: HandSection | null;
  /** The fixed facts of the current hand (they come with its first frame or the welcome). */
  readonly info: HandInfo | null;
  readonly v: number;
  /** Server time minus this device's time, for countdowns. */
  readonly clockOffsetMs: number;
  /** Why the room closed this connection for good (kicked, left, dissolved…). */
  readonly closedCode: string | null;
  readonly events: readonly RoomEventWire[];
  /** Chat since this page opened, oldest first (the last CHAT_KEPT_MAX), without muted players. */
  readonly chat: readonly ChatLine[];
  /** Players this device muted at this table. */
  readonly muted: readonly string[];
}

/** A chat message as the table delivers it (the server's chat domain stored it first). */
export interface ChatLine {
  readonly id: string;
  readonly playerId: string;
  readonly seat: number | null;
  readonly handNumber: number | null;
  readonly kind: 'phrase' | 'emoji' | 'text';
  readonly phraseId: string | null;
  readonly text: string;
  readonly textEn: string | null;
  readonly atMs: number;
}

export interface Reply {
  readonly t: 'ok' | 'error';
  readonly code?: string;
  readonly message?: string;
  readonly details?: Record<string, unknown>;
}

const RECONNECT_DELAY_MS_MIN = 500;
const RECONNECT_DELAY_MS_MAX = 5000;
/** Events kept for the table's log line. */
const EVENTS_KEPT_MAX = 30;
/** Chat lines kept on the page. */
const CHAT_KEPT_MAX = 40;
/** Replies waited for at most; a reply lost with a dropped socket is answered as a network error. */
const PENDING_MAX = 32;
/** Close codes after which reconnecting is pointless (kicked, left, not a member, room gone). */
const FINAL_CLOSE_CODES = new Set([4001, 4004, 4005, 4006]);
/**
 * Reasons given with a close that ask the client to come back rather than give up: the server is
 * restarting, or the table is moving to another server of the cluster (or waiting for it).
 */
const COME_BACK_CODES = new Set(['ROOM_SERVER_RESTARTING', 'CLUSTER_ROOM_MOVING', 'CLUSTER_NODE_UNREACHABLE', 'CLUSTER_UNAVAILABLE']);

type Frame = Record<string, unknown> & { t: string };

function randomSeed(): string {
  const bytes = new Uint8Array(16);
  crypto.getRandomValues(bytes);
  return btoa(String.fromCharCode(...bytes))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');
}

export class RoomChannel {
  readonly roomId: string;
  readonly #token: () => string | null;
  readonly #onChange: (s: ChannelState) => void;
  #state: ChannelState = {
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
  #socket: WebSocket | null = null;
  #closed = false;
  #delayMs = RECONNECT_DELAY_MS_MIN;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #nextId = 1;
  readonly #pending = new Map<string, { frame: Frame; resolve: (r: Reply) => void }>();
  /** Take part in the shuffle with a client seed (on by default). */
  useSeed = true;

  constructor(o: { roomId: string; token: () => string | null; onChange: (s: ChannelState) => void }) {
    this.roomId = o.roomId;
    this.#token = o.token;
    this.#onChange = o.onChange;
    this.#state = { ...this.#state, muted: this.#loadMuted() };
    // The phone lost its network: say so at once (a dead socket may take minutes to notice), and
    // come back as soon as the network does.
    addEventListener('offline', this.#onOffline);
    addEventListener('online', this.#onOnline);
    this.#open();
  }

  readonly #onOffline = () => this.#socket?.close();

  readonly #onOnline = () => {
    if (this.#socket !== null || this.#closed || this.#state.status === 'closed') return;
    clearTimeout(this.#timer);
    this.#delayMs = RECONNECT_DELAY_MS_MIN;
    this.#open();
  };

  get state(): ChannelState {
    return this.#state;
  }

  #set(patch: Partial<ChannelState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#onChange(this.#state);
  }

  #open(): void {
    const token = this.#token();
    if (this.#closed || token === null) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/rooms/ws`);
    this.#socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', token, roomId: this.roomId }));
    ws.onmessage = (event) => this.#onFrame(JSON.parse(String(event.data)) as Frame);
    ws.onclose = (event) => {
      if (this.#socket !== ws) return;
      this.#socket = null;
      for (const [id, p] of this.#pending) {
        this.#pending.delete(id);
        p.resolve({ t: 'error', code: 'NETWORK_ERROR', message: 'connection lost' });
      }
      if (this.#closed) return;
      if (FINAL_CLOSE_CODES.has(event.code) || this.#state.closedCode !== null) {
        this.#set({ status: 'closed', closedCode: this.#state.closedCode ?? event.reason ?? 'ROOM_CLOSED' });
        return;
      }
      this.#set({ status: 'reconnecting' });
      this.#timer = setTimeout(() => this.#open(), this.#delayMs);
      this.#delayMs = Math.min(this.#delayMs * 2, RECONNECT_DELAY_MS_MAX);
    };
  }

  #onFrame(f: Frame): void {
    const v = typeof f.v === 'number' && f.v > this.#state.v ? f.v : this.#state.v;
    const clockOffsetMs = typeof f.serverNowMs === 'number' ? f.serverNowMs - Date.now() : this.#state.clockOffsetMs;
    switch (f.t) {
      case 'welcome': {
        this.#delayMs = RECONNECT_DELAY_MS_MIN;
        const hand = f.hand as HandSection | null;
        this.#set({
          status: 'live',
          v,
          clockOffsetMs,
          you: f.you as ChannelState['you'],
          room: f.room as RoomView,
          hand,
          info: hand?.info ?? null,
        });
        // The server forgets mutes when the room restarts: tell it again after every welcome.
        for (const playerId of this.#state.muted) void this.send({ t: 'chat_mute', playerId, muted: true });
        break;
      }
      case 'chat': {
        const line = f.message as ChatLine;
        // Muted on the server too; hidden here as well in case a line was on its way.
        if (this.#state.muted.includes(line.playerId)) break;
        this.#set({ clockOffsetMs, chat: [...this.#state.chat, line].slice(-CHAT_KEPT_MAX) });
        break;
      }
      case 'room': {
        // Only what changed arrives; the rest stays as the welcome or earlier frames left it.
        const room = { ...(this.#state.room as RoomView), ...(f.patch as Partial<RoomView>) } as RoomView;
        const me = room.members.find((m) => m.playerId === this.#state.you?.playerId);
        const events = [...this.#state.events, ...((f.events as RoomEventWire[]) ?? [])].slice(-EVENTS_KEPT_MAX);
        this.#set({
          v,
          clockOffsetMs,
          room,
          events,
          you: this.#state.you && me ? { ...this.#state.you, role: me.role, seat: me.seat } : this.#state.you,
        });
        break;
      }
      case 'hand': {
        const hand = f.hand as HandSection | null;
        const info = hand === null ? null : (hand.info ?? this.#state.info);
        this.#set({ v, clockOffsetMs, hand, info });
        break;
      }
      case 'closed':
        // A restart or a table moving between servers: the socket closes and the channel reconnects.
        if (COME_BACK_CODES.has(String(f.code))) break;
        // Removed from the room: forget what this device kept about it (seed 三: 清除本地缓存的房间数据).
        if (f.code === 'ROOM_KICKED') {
          for (let i = sessionStorage.length - 1; i >= 0; i--) {
            const key = sessionStorage.key(i);
            if (key?.startsWith(`fg.seed.${this.roomId}.`)) sessionStorage.removeItem(key);
          }
        }
        this.#set({ closedCode: String(f.code) });
        break;
      case 'ok':
      case 'error': {
        const id = typeof f.id === 'string' ? f.id : undefined;
        const p = id === undefined ? undefined : this.#pending.get(id);
        if (p !== undefined && id !== undefined) {
          this.#pending.delete(id);
          // Readiness and seeds refused only because another player's click got in first: send again.
          if (f.t === 'error' && f.code === 'ROOM_STALE_VERSION' && (p.frame.t === 'ready' || p.frame.t === 'trustee')) {
            void this.send(p.frame).then(p.resolve);
          } else p.resolve(f as unknown as Reply);
        } else if (f.t === 'error') this.#set({ v });
        break;
      }
      default:
        break;
    }
    this.#ceremony();
  }

  /**
   * Keeps what this client saw of the next hand before its deal (kept-commitments.ts); then
   * commits a fresh seed while commitments are open and reveals it once they close.
   */
  #ceremony(): void {
    const s = this.#state;
    const next = s.room?.next;
    const seat = s.you?.seat;
    if (next !== null && next !== undefined && s.status === 'live') {
      const mineSeed = seat === null || seat === undefined ? null : sessionStorage.getItem(`fg.seed.${this.roomId}.${next.handNumber}`);
      const mine = mineSeed === null || seat === null || seat === undefined ? null : { seat, commitment: clientSeedCommitment(mineSeed) };
      keepBeforeDeal(this.roomId, next, mine, Date.now());
    }
    if (!this.useSeed || next === null || next === undefined || seat === null || seat === undefined || s.status !== 'live') return;
    const key = `fg.seed.${this.roomId}.${next.handNumber}`;
    if (next.ceremonyPhase === 'committing' && !next.committedSeats.includes(seat) && sessionStorage.getItem(key) === null) {
      const seed = randomSeed();
      sessionStorage.setItem(key, seed);
      keepBeforeDeal(this.roomId, next, { seat, commitment: clientSeedCommitment(seed) }, Date.now());
      void this.send({ t: 'seed_commit', commitment: clientSeedCommitment(seed) });
    } else if (next.ceremonyPhase === 'revealing' && next.committedSeats.includes(seat) && !next.revealedSeats.includes(seat)) {
      const seed = sessionStorage.getItem(key);
      if (seed !== null && sessionStorage.getItem(`${key}.revealed`) === null) {
        sessionStorage.setItem(`${key}.revealed`, '1');
        void this.send({ t: 'seed_reveal', seed });
      }
    }
  }

  /** Sends a command on the latest version; resolves with the room's answer. */
  send(frame: Frame): Promise<Reply> {
    const ws = this.#socket;
    if (ws === null || ws.readyState !== WebSocket.OPEN || this.#pending.size >= PENDING_MAX) {
      return Promise.resolve({ t: 'error', code: 'NETWORK_ERROR', message: 'not connected' });
    }
    const id = `c${this.#nextId++}`;
    // Ping and chat change nothing in the room and carry no version.
    const versionless = frame.t === 'ping' || frame.t === 'chat' || frame.t === 'chat_mute';
    const full = { ...frame, id, ...(versionless ? {} : { v: this.#state.v }) };
    return new Promise((resolve) => {
      this.#pending.set(id, { frame, resolve });
      ws.send(JSON.stringify(full));
    });
  }

  /** Lines delivered before this page opened (`GET /api/chat/rooms/:roomId/messages`), merged in order, without duplicates or muted senders. */
  addEarlierChat(lines: readonly ChatLine[]): void {
    const seen = new Set(this.#state.chat.map((l) => l.id));
    const earlier = lines.filter((l) => !seen.has(l.id) && !this.#state.muted.includes(l.playerId));
    if (earlier.length === 0) return;
    this.#set({ chat: [...earlier, ...this.#state.chat].slice(-CHAT_KEPT_MAX) });
  }

  /** Mutes (or unmutes) a player at this table: the server stops delivering their chat here, and the page hides it. */
  async mute(playerId: string, muted: boolean): Promise<Reply> {
    const r = await this.send({ t: 'chat_mute', playerId, muted });
    if (r.t === 'ok') {
      const list = muted ? [...new Set([...this.#state.muted, playerId])] : this.#state.muted.filter((p) => p !== playerId);
      sessionStorage.setItem(`fg.muted.${this.roomId}`, JSON.stringify(list));
      this.#set({ muted: list, chat: this.#state.chat.filter((l) => !list.includes(l.playerId)) });
    }
    return r;
  }

  #loadMuted(): string[] {
    try {
      const v = JSON.parse(sessionStorage.getItem(`fg.muted.${this.roomId}`) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string').slice(0, 16) : [];
    } catch {
      return [];
    }
  }

  /** Server time now, by this device's clock and the last offset seen. */
  serverNowMs(): number {
    return Date.now() + this.#state.clockOffsetMs;
  }

  close(): void {
    this.#closed = true;
    removeEventListener('offline', this.#onOffline);
    removeEventListener('online', this.#onOnline);
    clearTimeout(this.#timer);
    this.#socket?.close();
    this.#socket = null;
  }
}

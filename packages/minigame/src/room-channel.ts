// The table's connection to its room over `wx.connectSocket` (the mini-game has no WebSocket):
// authenticated by its first frame (`hello`), reconnecting by itself with a capped backoff, and
// given the same seat and the exact current view back in each `welcome`. Commands carry the room
// version the player acted on; a readiness click refused as stale is sent again on the newer one.
// The app closes the channel when the game goes to the background (`wx.onHide`) and opens a new
// one when it comes back (`wx.onShow`).
//
// The channel also takes part in each hand's shuffle: it commits to a fresh random client seed
// (from WeChat's CSPRNG) while commitments are open and reveals it when asked, so no hand is dealt
// from the server's seed alone. Seeds are kept in storage, so a restarted game can still reveal.
import { clientSeedCommitment } from '@fairground/rules';
import type { HandSection, RoomView } from './wire.ts';

export type ChannelStatus = 'connecting' | 'live' | 'reconnecting' | 'closed';

export interface ChannelState {
  readonly status: ChannelStatus;
  readonly you: { readonly playerId: string; readonly role: string | null; readonly seat: number | null } | null;
  readonly room: RoomView | null;
  readonly hand: HandSection | null;
  readonly v: number;
  /** Server time minus this device's time, for countdowns. */
  readonly clockOffsetMs: number;
  /** Why the room closed this connection for good (kicked, left, dissolved…). */
  readonly closedCode: string | null;
  readonly events: readonly { readonly kind: string; readonly [k: string]: unknown }[];
  /** Chat since the table opened, oldest first (the last CHAT_KEPT_MAX). */
  readonly chat: readonly ChatLine[];
}

/** A chat message as the table delivers it (the server stored it first; refused text never arrives). */
export interface ChatLine {
  readonly id: string;
  readonly playerId: string;
  readonly seat: number | null;
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
}

const RECONNECT_DELAY_MS_MIN = 500;
const RECONNECT_DELAY_MS_MAX = 5000;
const EVENTS_KEPT_MAX = 30;
const CHAT_KEPT_MAX = 20;
/** Replies waited for at most; a reply lost with a dropped socket is answered as a network error. */
const PENDING_MAX = 32;
/** Close codes after which reconnecting is pointless (bad hello, room gone, kicked, left). */
const FINAL_CLOSE_CODES = new Set([4001, 4004, 4005, 4006]);
const COME_BACK_CODES = new Set(['ROOM_SERVER_RESTARTING', 'CLUSTER_ROOM_MOVING', 'CLUSTER_NODE_UNREACHABLE', 'CLUSTER_UNAVAILABLE']);
const SEED_BYTES = 16;

type Frame = Record<string, unknown> & { t: string };

export interface ChannelDeps {
  readonly origin: string;
  readonly roomId: string;
  readonly token: () => string | null;
  readonly nowMs: () => number;
  readonly onChange: (s: ChannelState) => void;
}

export class RoomChannel {
  readonly #d: ChannelDeps;
  #state: ChannelState = {
    status: 'connecting',
    you: null,
    room: null,
    hand: null,
    v: 0,
    clockOffsetMs: 0,
    closedCode: null,
    events: [],
    chat: [],
  };
  #task: WechatMinigame.SocketTask | null = null;
  #open = false;
  #stopped = false;
  #paused = false;
  #delayMs = RECONNECT_DELAY_MS_MIN;
  #timer: number | undefined;
  #nextId = 1;
  readonly #pending = new Map<string, { frame: Frame; resolve: (r: Reply) => void }>();
  #seeding = false;

  constructor(d: ChannelDeps) {
    this.#d = d;
    this.#connect();
  }

  get state(): ChannelState {
    return this.#state;
  }

  #set(patch: Partial<ChannelState>): void {
    this.#state = { ...this.#state, ...patch };
    this.#d.onChange(this.#state);
  }

  #connect(): void {
    const token = this.#d.token();
    if (this.#stopped || this.#paused || token === null) return;
    const url = `${this.#d.origin.replace(/^http/, 'ws')}/api/rooms/ws`;
    const task = wx.connectSocket({ url });
    this.#task = task;
    this.#open = false;
    task.onOpen(() => {
      if (this.#task !== task) return;
      this.#open = true;
      task.send({ data: JSON.stringify({ t: 'hello', token, roomId: this.#d.roomId }) });
    });
    task.onMessage((res) => {
      if (this.#task !== task || typeof res.data !== 'string') return;
      this.#onFrame(JSON.parse(res.data) as Frame);
    });
    task.onClose((res) => this.#closed(task, res.code));
    task.onError(() => this.#closed(task, 1006));
  }

  #closed(task: WechatMinigame.SocketTask, code: number): void {
    if (this.#task !== task) return;
    this.#task = null;
    this.#open = false;
    for (const [id, p] of this.#pending) {
      this.#pending.delete(id);
      p.resolve({ t: 'error', code: 'NETWORK_ERROR', message: 'connection lost' });
    }
    if (this.#stopped || this.#paused) return;
    if (FINAL_CLOSE_CODES.has(code) || this.#state.closedCode !== null) {
      this.#set({ status: 'closed', closedCode: this.#state.closedCode ?? 'ROOM_CLOSED' });
      return;
    }
    this.#set({ status: 'reconnecting' });
    this.#timer = setTimeout(() => this.#connect(), this.#delayMs);
    this.#delayMs = Math.min(this.#delayMs * 2, RECONNECT_DELAY_MS_MAX);
  }

  #onFrame(f: Frame): void {
    const v = typeof f.v === 'number' && f.v > this.#state.v ? f.v : this.#state.v;
    const clockOffsetMs = typeof f.serverNowMs === 'number' ? f.serverNowMs - this.#d.nowMs() : this.#state.clockOffsetMs;
    switch (f.t) {
      case 'welcome':
        this.#delayMs = RECONNECT_DELAY_MS_MIN;
        this.#set({
          status: 'live',
          v,
          clockOffsetMs,
          you: f.you as ChannelState['you'],
          room: f.room as RoomView,
          hand: f.hand as HandSection | null,
        });
        break;
      case 'room': {
        const room = { ...(this.#state.room as RoomView), ...(f.patch as Partial<RoomView>) } as RoomView;
        const me = room.members.find((m) => m.playerId === this.#state.you?.playerId);
        const events = [...this.#state.events, ...((f.events as ChannelState['events']) ?? [])].slice(-EVENTS_KEPT_MAX);
        this.#set({
          v,
          clockOffsetMs,
          room,
          events,
          you: this.#state.you && me ? { ...this.#state.you, role: me.role, seat: me.seat } : this.#state.you,
        });
        break;
      }
      case 'hand':
        this.#set({ v, clockOffsetMs, hand: f.hand as HandSection | null });
        break;
      case 'chat':
        this.#set({ clockOffsetMs, chat: [...this.#state.chat, f.message as ChatLine].slice(-CHAT_KEPT_MAX) });
        break;
      case 'closed':
        if (COME_BACK_CODES.has(String(f.code))) break;
        this.#set({ closedCode: String(f.code) });
        break;
      case 'ok':
      case 'error': {
        const id = typeof f.id === 'string' ? f.id : undefined;
        const p = id === undefined ? undefined : this.#pending.get(id);
        if (p !== undefined && id !== undefined) {
          this.#pending.delete(id);
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

  /** Commits a fresh seed while commitments are open; reveals it once they close. */
  #ceremony(): void {
    const s = this.#state;
    const next = s.room?.next;
    const seat = s.you?.seat;
    if (next === null || next === undefined || seat === null || seat === undefined || s.status !== 'live') return;
    const key = `fg.seed.${this.#d.roomId}.${next.handNumber}`;
    const stored: unknown = wx.getStorageSync(key);
    if (next.ceremonyPhase === 'committing' && !next.committedSeats.includes(seat) && stored === '' && !this.#seeding) {
      this.#seeding = true;
      wx.getUserCryptoManager().getRandomValues({
        length: SEED_BYTES,
        success: (res) => {
          const seed = Array.from(new Uint8Array(res.randomValues), (b) => b.toString(16).padStart(2, '0')).join('');
          wx.setStorageSync(key, seed);
          this.#seeding = false;
          void this.send({ t: 'seed_commit', commitment: clientSeedCommitment(seed) });
        },
        fail: () => {
          // Without a CSPRNG the hand is dealt from the server's seed and the others' seeds.
          this.#seeding = false;
        },
      });
    } else if (next.ceremonyPhase === 'revealing' && next.committedSeats.includes(seat) && !next.revealedSeats.includes(seat)) {
      if (typeof stored === 'string' && stored !== '' && wx.getStorageSync(`${key}.revealed`) === '') {
        wx.setStorageSync(`${key}.revealed`, '1');
        void this.send({ t: 'seed_reveal', seed: stored });
      }
    }
  }

  /** Sends a command on the latest version; resolves with the room's answer. */
  send(frame: Frame): Promise<Reply> {
    const task = this.#task;
    if (task === null || !this.#open || this.#pending.size >= PENDING_MAX) {
      return Promise.resolve({ t: 'error', code: 'NETWORK_ERROR', message: 'not connected' });
    }
    const id = `c${this.#nextId++}`;
    // Ping and chat change nothing in the room and carry no version.
    const versionless = frame.t === 'ping' || frame.t === 'chat' || frame.t === 'chat_mute';
    const full = { ...frame, id, ...(versionless ? {} : { v: this.#state.v }) };
    return new Promise((resolve) => {
      this.#pending.set(id, { frame, resolve });
      task.send({ data: JSON.stringify(full) });
    });
  }

  serverNowMs(): number {
    return this.#d.nowMs() + this.#state.clockOffsetMs;
  }

  /** The game went to the background: drop the socket without counting it as a failure. */
  pause(): void {
    this.#paused = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const task = this.#task;
    this.#task = null;
    task?.close({ code: 1000, reason: 'background' });
    this.#set({ status: 'reconnecting' });
  }

  /** Back in the foreground: a new socket, and the welcome brings the current view. */
  resume(): void {
    if (!this.#paused || this.#stopped) return;
    this.#paused = false;
    this.#delayMs = RECONNECT_DELAY_MS_MIN;
    this.#connect();
  }

  close(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const task = this.#task;
    this.#task = null;
    task?.close({ code: 1000, reason: 'left the table' });
  }
}

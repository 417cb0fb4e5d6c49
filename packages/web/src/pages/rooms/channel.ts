// The table's connection to its room: one WebSocket, authenticated by its first frame, that
// reconnects by itself with a capped backoff and gets the same seat and the exact current view
// back in the welcome. Commands carry the room version the player acted on; a readiness click
// refused as stale (someone else clicked first) is sent again on the newer version. The frame
// handling itself is shared with the mini-game (`RoomFrames` in @fairground/rules); this file adds
// the WebSocket, the browser's online/offline events and sessionStorage.
//
// With "my seed" on, the channel also takes part in each hand's shuffle: it commits to a fresh
// random client seed while commitments are open and reveals it when asked, so no hand is dealt
// from the server's seed alone. Whether or not it takes part, it keeps what it saw of each hand
// before the deal (the server's commitment, the closed client commitments) for the fairness page.
import {
  type ChatLine,
  type ChannelReply,
  type ChannelState as SharedState,
  type ChannelStatus,
  ceremonyStep,
  clientSeedCommitment,
  type RoomEventWire,
  RoomFrames,
  seedKey,
} from '@fairground/rules';
import type { HandInfo, HandSection, RoomView } from '@fairground/server/contract';
import { keepBeforeDeal } from './kept-commitments.ts';

export type { ChannelStatus, ChatLine, HandInfo, HandSection, RoomEventWire, RoomView };
export type Member = RoomView['members'][number];
export type ChannelState = SharedState<RoomView, HandSection, HandInfo>;
export type Reply = ChannelReply;

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
  readonly #frames: RoomFrames<RoomView, HandSection, HandInfo>;
  #socket: WebSocket | null = null;
  #closed = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Take part in the shuffle with a client seed (on by default). */
  useSeed = true;
  /** The table voice's frames (`voice.*`), and each welcome (a reconnect must join the call again). */
  onVoice: ((f: Record<string, unknown> & { t: string }) => void) | null = null;
  onWelcome: (() => void) | null = null;

  constructor(o: { roomId: string; token: () => string | null; onChange: (s: ChannelState) => void }) {
    this.roomId = o.roomId;
    this.#token = o.token;
    this.#frames = new RoomFrames({
      transmit: (data) => {
        const ws = this.#socket;
        if (ws === null || ws.readyState !== WebSocket.OPEN) return false;
        ws.send(data);
        return true;
      },
      onChange: o.onChange,
      onClosed: (code) => {
        // Removed from the room: forget what this device kept about it (seed 三: 清除本地缓存的房间数据).
        if (code !== 'ROOM_KICKED') return;
        for (let i = sessionStorage.length - 1; i >= 0; i--) {
          const key = sessionStorage.key(i);
          if (key?.startsWith(`fg.seed.${this.roomId}.`)) sessionStorage.removeItem(key);
        }
      },
    });
    this.#frames.setMuted(this.#loadMuted());
    // The phone lost its network: say so at once (a dead socket may take minutes to notice), and
    // come back as soon as the network does.
    addEventListener('offline', this.#onOffline);
    addEventListener('online', this.#onOnline);
    this.#open();
  }

  readonly #onOffline = () => this.#socket?.close();

  readonly #onOnline = () => {
    if (this.#socket !== null || this.#closed || this.#frames.state.status === 'closed') return;
    clearTimeout(this.#timer);
    this.#frames.resetBackoff();
    this.#open();
  };

  get state(): ChannelState {
    return this.#frames.state;
  }

  #open(): void {
    const token = this.#token();
    if (this.#closed || token === null) return;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const ws = new WebSocket(`${scheme}://${location.host}/api/rooms/ws`);
    this.#socket = ws;
    ws.onopen = () => ws.send(JSON.stringify({ t: 'hello', token, roomId: this.roomId }));
    ws.onmessage = (event) => {
      const f = JSON.parse(String(event.data)) as Record<string, unknown> & { t: string };
      // Voice frames are the call's, not the room's: the mesh handles them.
      if (typeof f.t === 'string' && f.t.startsWith('voice.')) {
        this.onVoice?.(f);
        return;
      }
      this.#frames.receive(f, Date.now());
      if (f.t === 'welcome') this.onWelcome?.();
      this.#ceremony();
    };
    ws.onclose = (event) => {
      if (this.#socket !== ws) return;
      this.#socket = null;
      if (this.#closed) {
        this.#frames.failPending();
        return;
      }
      const delay = this.#frames.disconnected(event.code, event.reason);
      if (delay !== null) this.#timer = setTimeout(() => this.#open(), delay);
    };
  }
  /**
   * Keeps what this client saw of the next hand before its deal (kept-commitments.ts); then
   * commits a fresh seed while commitments are open and reveals it once they close.
   */
  #ceremony(): void {
    const s = this.#frames.state;
    const next = s.room?.next;
    const seat = s.you?.seat;
    if (next === null || next === undefined || s.status !== 'live') return;
    const key = seedKey(this.roomId, next.handNumber);
    const mineSeed = seat === null || seat === undefined ? null : sessionStorage.getItem(key);
    const mine = mineSeed === null || seat === null || seat === undefined ? null : { seat, commitment: clientSeedCommitment(mineSeed) };
    keepBeforeDeal(this.roomId, next, mine, Date.now());
    if (!this.useSeed) return;
    const step = ceremonyStep(s.status, next, seat, { seed: mineSeed, revealed: sessionStorage.getItem(`${key}.revealed`) !== null });
    if (step === 'commit' && seat !== null && seat !== undefined) {
      const seed = randomSeed();
      sessionStorage.setItem(key, seed);
      keepBeforeDeal(this.roomId, next, { seat, commitment: clientSeedCommitment(seed) }, Date.now());
      void this.send({ t: 'seed_commit', commitment: clientSeedCommitment(seed) });
    } else if (step === 'reveal' && mineSeed !== null) {
      sessionStorage.setItem(`${key}.revealed`, '1');
      void this.send({ t: 'seed_reveal', seed: mineSeed });
    }
  }

  /** Sends a command on the latest version; resolves with the room's answer. */
  send(frame: Record<string, unknown> & { t: string }): Promise<Reply> {
    return this.#frames.send(frame);
  }

  /** Lines said before this page opened (`GET /api/chat/rooms/:roomId/messages`), merged into the log. */
  addEarlierChat(lines: readonly ChatLine[]): void {
    this.#frames.addEarlierChat(lines);
  }

  /** Mutes (or unmutes) a player at this table (server-side and on this page); kept per room for this tab. */
  async mute(playerId: string, muted: boolean): Promise<Reply> {
    const r = await this.#frames.mute(playerId, muted);
    if (r.t === 'ok') sessionStorage.setItem(`fg.muted.${this.roomId}`, JSON.stringify(this.#frames.state.muted));
    return r;
  }

  #loadMuted(): string[] {
    try {
      const v = JSON.parse(sessionStorage.getItem(`fg.muted.${this.roomId}`) ?? '[]') as unknown;
      return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
    } catch {
      return [];
    }
  }

  /** Server time now, by this device's clock and the last offset seen. */
  serverNowMs(): number {
    return this.#frames.serverNowMs(Date.now());
  }

  close(): void {
    this.#closed = true;
    removeEventListener('offline', this.#onOffline);
    removeEventListener('online', this.#onOnline);
    clearTimeout(this.#timer);
    this.#socket?.close();
    this.#socket = null;
    this.#frames.failPending();
  }
}

// The table's connection to its room over `wx.connectSocket` (the mini-game has no WebSocket):
// authenticated by its first frame (`hello`), reconnecting by itself with a capped backoff, and
// given the same seat and the exact current view back in each `welcome`. The frame handling —
// patches, versions, request ids, the stale-readiness retry, which closes are final — is the one
// the H5 table uses (`RoomFrames` in @fairground/rules); this file adds the socket, WeChat storage
// and the app's background/foreground. The app closes the channel when the game goes to the
// background (`wx.onHide`) and opens a new one when it comes back (`wx.onShow`).
//
// The channel also takes part in each hand's shuffle: it commits to a fresh random client seed
// (from WeChat's CSPRNG) while commitments are open and reveals it when asked, so no hand is dealt
// from the server's seed alone. Seeds are kept in storage, so a restarted game can still reveal.
// Like the H5 table it keeps what it saw of each hand before the deal (the server's commitment,
// the closed commitments, its own), so "verify this hand" checks the record against them.
import {
  type ChatLine,
  type ChannelReply,
  type ChannelState as SharedState,
  type ChannelStatus,
  ceremonyStep,
  clientSeedCommitment,
  RoomFrames,
  seedKey,
} from '@fairground/rules';
import { keepBeforeDeal } from './kept.ts';
import type { HandInfoWire, HandSection, RoomView } from './wire.ts';

export type { ChannelStatus, ChatLine };
export type ChannelState = SharedState<RoomView, HandSection, HandInfoWire>;
export type Reply = ChannelReply;

const SEED_BYTES = 16;

export interface ChannelDeps {
  readonly origin: string;
  readonly roomId: string;
  readonly token: () => string | null;
  readonly nowMs: () => number;
  readonly onChange: (s: ChannelState) => void;
}

export class RoomChannel {
  readonly #d: ChannelDeps;
  readonly #frames: RoomFrames<RoomView, HandSection, HandInfoWire>;
  #task: WechatMinigame.SocketTask | null = null;
  #open = false;
  #stopped = false;
  #paused = false;
  #timer: number | undefined;
  #seeding = false;
  /** The table voice's frames (`voice.*`), and each welcome (a reconnect must join the call again). */
  onVoice: ((f: Record<string, unknown> & { t: string }) => void) | null = null;
  onWelcome: (() => void) | null = null;

  constructor(d: ChannelDeps) {
    this.#d = d;
    this.#frames = new RoomFrames({
      transmit: (data) => {
        const task = this.#task;
        if (task === null || !this.#open) return false;
        task.send({ data });
        return true;
      },
      onChange: d.onChange,
    });
    const kept: unknown = wx.getStorageSync(`fg.muted.${d.roomId}`);
    if (Array.isArray(kept)) this.#frames.setMuted(kept.filter((x): x is string => typeof x === 'string'));
    this.#connect();
  }

  get state(): ChannelState {
    return this.#frames.state;
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
      const f = JSON.parse(res.data) as Record<string, unknown> & { t: string };
      // Voice frames are the call's, not the room's.
      if (typeof f.t === 'string' && f.t.startsWith('voice.')) {
        this.onVoice?.(f);
        return;
      }
      this.#frames.receive(f, this.#d.nowMs());
      if (f.t === 'welcome') this.onWelcome?.();
      this.#ceremony();
    });
    task.onClose((res) => this.#closed(task, res.code, res.reason));
    task.onError(() => this.#closed(task, 1006));
  }

  #closed(task: WechatMinigame.SocketTask, code: number, reason?: string): void {
    if (this.#task !== task) return;
    this.#task = null;
    this.#open = false;
    if (this.#stopped || this.#paused) {
      this.#frames.failPending();
      return;
    }
    const delay = this.#frames.disconnected(code, reason);
    if (delay !== null) this.#timer = setTimeout(() => this.#connect(), delay);
  }

  /** Keeps what this client saw before the deal; commits a fresh seed while commitments are open, reveals it once they close. */
  #ceremony(): void {
    const s = this.#frames.state;
    const next = s.room?.next;
    const seat = s.you?.seat;
    if (next === null || next === undefined || s.status !== 'live') return;
    const key = seedKey(this.#d.roomId, next.handNumber);
    const stored: unknown = wx.getStorageSync(key);
    const seed = typeof stored === 'string' && stored !== '' ? stored : null;
    const mine = seed === null || seat === null || seat === undefined ? null : { seat, commitment: clientSeedCommitment(seed) };
    keepBeforeDeal(this.#d.roomId, next, mine, this.#d.nowMs());
    const step = ceremonyStep(s.status, next, seat, { seed, revealed: wx.getStorageSync(`${key}.revealed`) !== '' });
    if (step === 'commit' && !this.#seeding && seat !== null && seat !== undefined) {
      this.#seeding = true;
      wx.getUserCryptoManager().getRandomValues({
        length: SEED_BYTES,
        success: (res) => {
          const fresh = Array.from(new Uint8Array(res.randomValues), (b) => b.toString(16).padStart(2, '0')).join('');
          wx.setStorageSync(key, fresh);
          this.#seeding = false;
          const commitment = clientSeedCommitment(fresh);
          keepBeforeDeal(this.#d.roomId, next, { seat, commitment }, this.#d.nowMs());
          void this.send({ t: 'seed_commit', commitment });
        },
        fail: () => {
          // Without a CSPRNG the hand is dealt from the server's seed and the others' seeds.
          this.#seeding = false;
        },
      });
    } else if (step === 'reveal' && seed !== null) {
      wx.setStorageSync(`${key}.revealed`, '1');
      void this.send({ t: 'seed_reveal', seed });
    }
  }

  /** Sends a command on the latest version; resolves with the room's answer. */
  send(frame: Record<string, unknown> & { t: string }): Promise<Reply> {
    return this.#frames.send(frame);
  }

  serverNowMs(): number {
    return this.#frames.serverNowMs(this.#d.nowMs());
  }

  /** Mutes (or unmutes) a player at this table (the server stops delivering their chat here); kept in storage per room. */
  async mute(playerId: string, muted: boolean): Promise<Reply> {
    const r = await this.#frames.mute(playerId, muted);
    if (r.t === 'ok') wx.setStorageSync(`fg.muted.${this.#d.roomId}`, [...this.#frames.state.muted]);
    return r;
  }

  /** The game went to the background: drop the socket without counting it as a failure. */
  pause(): void {
    this.#paused = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const task = this.#task;
    this.#task = null;
    this.#open = false;
    task?.close({ code: 1000, reason: 'background' });
    this.#frames.failPending();
    this.#frames.set({ status: 'reconnecting' });
  }

  /** Back in the foreground: a new socket, and the welcome brings the current view. */
  resume(): void {
    if (!this.#paused || this.#stopped) return;
    this.#paused = false;
    this.#frames.resetBackoff();
    this.#connect();
  }

  close(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    const task = this.#task;
    this.#task = null;
    this.#open = false;
    task?.close({ code: 1000, reason: 'left the table' });
    this.#frames.failPending();
  }
}

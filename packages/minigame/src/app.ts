// The mini-game: who is signed in, which scene shows, the invitation a share card brought, the
// overlay (toasts, dialogs, break reminders), elder mode and its voice prompts. Scenes ask the app
// to move on; the server decides everything that matters (seats, cards, scores, whether play is
// allowed), and the app only shows what it answered.
import { type Api, ApiError } from './api.ts';
import { COLORS, type Gfx, type Overlay, type Scene, type Stage } from './engine.ts';
import { explain } from './explain.ts';
import { clockText, type Key, type Lang, tr } from './i18n.ts';
import type { Joined, MyRooms, PlayerSelf, ResponsiblePlay, RoomPreview, Terms } from './wire.ts';
import { deviceFingerprint } from './device.ts';

const INVITE_KEY = 'fg.invite';
const PREFS_KEY = 'fg.prefs';
/** How long a toast stays, ms. */
const TOAST_MS = 3500;
/** How often the responsible-play state is read while playing (break reminders, minors' windows). */
const PLAY_CHECK_EVERY_MS = 60_000;

export interface Invite {
  readonly code: string;
  readonly invite: string | null;
}

export interface Clock {
  nowMs(): number;
}

/** Scenes are made by factories so the puzzle subpackage can register its own. */
export interface SceneFactories {
  start(app: App): Scene;
  lobby(app: App): Scene;
  create(app: App): Scene;
  join(app: App, preview: RoomPreview, invite: Invite): Scene;
  table(app: App, roomId: string): Scene;
  rules(app: App): Scene;
}

export type PuzzleFactory = (app: App) => Scene;

interface Dialog {
  readonly title: string;
  readonly text: string;
}

export class App implements Overlay {
  readonly stage: Stage;
  readonly api: Api;
  readonly clock: Clock;
  readonly scenes: SceneFactories;
  lang: Lang = 'zh';
  elder = false;
  me: PlayerSelf | null = null;
  /** A toast belongs to the scene it was raised on: it goes when that scene goes. */
  #toast: { text: string; untilMs: number; scene: Scene | null } | null = null;
  #dialog: Dialog | null = null;
  #playTimer: number | undefined;
  #remindedAtMs = 0;
  #audio: WechatMinigame.InnerAudioContext | null = null;

  constructor(o: { stage: Stage; api: Api; clock: Clock; scenes: SceneFactories }) {
    this.stage = o.stage;
    this.api = o.api;
    this.clock = o.clock;
    this.scenes = o.scenes;
    this.stage.overlay = this;
    const prefs: unknown = wx.getStorageSync(PREFS_KEY);
    if (prefs !== null && typeof prefs === 'object') {
      const p = prefs as { lang?: Lang; elder?: boolean };
      if (p.lang === 'en' || p.lang === 'zh') this.lang = p.lang;
      this.elder = p.elder === true;
    }
    this.stage.textScale = this.elder ? 1.3 : 1;
    this.api.onSignedOut = () => {
      this.me = null;
      this.show(this.scenes.start(this));
    };
  }

  t(key: Key, vars?: Readonly<Record<string, string | number>>): string {
    return tr(this.lang, key, vars);
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  show(scene: Scene): void {
    this.stage.show(scene);
  }

  #savePrefs(): void {
    wx.setStorageSync(PREFS_KEY, { lang: this.lang, elder: this.elder });
  }

  toggleLang(): void {
    this.lang = this.lang === 'zh' ? 'en' : 'zh';
    this.#savePrefs();
    this.stage.invalidate();
  }

  toggleElder(): void {
    this.elder = !this.elder;
    this.stage.textScale = this.elder ? 1.3 : 1;
    this.#savePrefs();
    this.stage.invalidate();
  }

  /** Elder mode reads short prompts aloud through the mini-game audio API (files in the package). */
  speak(prompt: 'turn' | 'win'): void {
    if (!this.elder) return;
    this.#audio ??= wx.createInnerAudioContext();
    this.#audio.src = `audio/${prompt}-${this.lang}.wav`;
    this.#audio.play();
    (this.stage.debugHook as { spoken?: string[] }).spoken ??= [];
    (this.stage.debugHook as { spoken: string[] }).spoken.push(prompt);
  }

  toast(text: string): void {
    this.#toast = { text, untilMs: this.nowMs() + TOAST_MS, scene: this.stage.scene };
    this.stage.invalidate();
  }

  /** Takes a toast away before its time (what it asked for was done). */
  dismissToast(): void {
    this.#toast = null;
    this.stage.invalidate();
  }

  alert(title: string, text: string): void {
    this.#dialog = { title, text };
    this.stage.invalidate();
  }

  fail(e: unknown): void {
    this.alert(this.t('error', { message: '' }).replace(/[:：]\s*$/, ''), explain(this.lang, e));
  }

  animating(nowMs: number): boolean {
    return this.#toast !== null && this.#toast.untilMs > nowMs && this.#toast.scene === this.stage.scene;
  }

  draw(g: Gfx, nowMs: number): void {
    // A toast raised on the start screen ("accept the agreement first") must not follow the
    // player into the lobby once they have accepted and signed in.
    if (this.#toast !== null && this.#toast.untilMs > nowMs && this.#toast.scene === this.stage.scene) {
      const w = Math.min(g.w - 40, 340);
      const x = (g.w - w) / 2;
      const y = g.h * 0.42;
      g.box(x, y, w, 56, 12, 'rgba(0,0,0,0.78)');
      g.text(this.#toast.text, g.w / 2, y + 28, { size: 14, color: COLORS.white, align: 'center', maxWidth: w - 24 });
      g.region('toast', x, y, w, 56, this.#toast.text, null);
    } else this.#toast = null;
    const d = this.#dialog;
    if (d !== null) {
      g.blocker('modal-backdrop');
      g.ctx.fillStyle = 'rgba(0,0,0,0.5)';
      g.ctx.fillRect(0, 0, g.w, g.h);
      const w = Math.min(g.w - 32, 360);
      const x = (g.w - w) / 2;
      const y = g.h * 0.25;
      const h = Math.min(g.h * 0.5, 320);
      g.box(x, y, w, h, 14, COLORS.paper);
      g.text(d.title, g.w / 2, y + 28, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
      g.paragraph(d.text, x + 16, y + 50, w - 32, { size: 15, color: COLORS.ink });
      g.region('dialog-text', x, y, w, h - 60, d.text, null);
      g.button('dialog-ok', x + 16, y + h - 56, w - 32, 44, this.t('ok'), () => {
        this.#dialog = null;
      });
    }
  }

  /** The puzzle lives in a subpackage, downloaded the first time it is opened. */
  openPuzzle(): void {
    const registry = GameGlobal as { fairgroundPuzzle?: PuzzleFactory };
    if (registry.fairgroundPuzzle !== undefined) {
      this.show(registry.fairgroundPuzzle(this));
      return;
    }
    this.toast(this.t('loading'));
    wx.loadSubpackage({
      name: 'puzzle',
      success: () => {
        if (registry.fairgroundPuzzle === undefined) this.fail(new ApiError(0, 'SUBPACKAGE_INVALID', 'puzzle'));
        else this.show(registry.fairgroundPuzzle(this));
      },
      fail: (e: { errMsg: string }) => this.fail(new ApiError(0, 'SUBPACKAGE_FAILED', e.errMsg)),
      complete: () => {},
    });
  }

  // ---------------------------------------------------------------- invitations

  /** A share card's query (`room`, `i`): kept in storage until it has been used, so it is never lost. */
  rememberInvite(query: Readonly<Record<string, string>> | undefined): void {
    const code = query?.room;
    if (code === undefined || !/^[0-9]{6}$/.test(code)) return;
    const invite = query?.i !== undefined && /^[A-Za-z0-9_-]{1,64}$/.test(query.i) ? query.i : null;
    wx.setStorageSync(INVITE_KEY, { code, invite });
  }

  pendingInvite(): Invite | null {
    const v: unknown = wx.getStorageSync(INVITE_KEY);
    return v !== null && typeof v === 'object' && 'code' in v ? (v as Invite) : null;
  }

  // ---------------------------------------------------------------- sign-in

  /** `wx.login` → the server's code2session sign-in → the agreement the player ticked is recorded. */
  async signIn(): Promise<void> {
    const code = await new Promise<string>((resolve, reject) =>
      wx.login({ success: (r) => resolve(r.code), fail: (e) => reject(new ApiError(0, 'WX_LOGIN_FAILED', e.errMsg)) }),
    );
    const device = await deviceFingerprint();
    const login = await this.api.call<{ player: PlayerSelf; tokens: import('./wire.ts').Tokens }>('POST', '/api/auth/wechat/login', {
      kind: 'miniprogram',
      code,
      ...(device !== undefined ? { device } : {}),
    });
    this.api.setTokens(login.tokens);
    this.me = login.player;
    if (!login.player.termsCurrent) {
      const terms = await this.api.call<Terms>('GET', '/api/terms');
      this.me = await this.api.call<PlayerSelf>('POST', '/api/me/terms', { version: terms.version });
    }
  }

  /** A remembered session still works: the player goes on without tapping sign-in again. */
  async resume(): Promise<boolean> {
    if (this.api.tokens === null) return false;
    try {
      this.me = await this.api.call<PlayerSelf>('GET', '/api/me');
      return this.me.termsCurrent;
    } catch {
      return false;
    }
  }

  /** Where a signed-in player goes: the room a share card invited them to, else the lobby. */
  async home(): Promise<void> {
    this.#watchPlay();
    const inv = this.pendingInvite();
    if (inv === null) {
      // Back after a reload or a restart in the middle of a room: straight back to that table.
      const mine = await this.api.call<MyRooms>('GET', '/api/rooms/mine').catch(() => null);
      const live = mine?.rooms.find((r) => r.active && r.status === 'playing');
      this.show(live !== undefined ? this.scenes.table(this, live.roomId) : this.scenes.lobby(this));
      return;
    }
    try {
      const preview = await this.api.call<RoomPreview>('GET', `/api/rooms/code/${inv.code}`);
      wx.removeStorageSync(INVITE_KEY);
      // The owner pays every seat: the friend lands in a seat at once. Otherwise they see the price first.
      if (preview.fee.joiner.cards === 0) await this.join(inv, 'member');
      else this.show(this.scenes.join(this, preview, inv));
    } catch (e) {
      wx.removeStorageSync(INVITE_KEY);
      this.show(this.scenes.lobby(this));
      this.fail(e);
    }
  }

  async join(inv: Invite, role: 'member' | 'observer'): Promise<void> {
    const joined = await this.api.call<Joined>('POST', '/api/rooms/join', {
      code: inv.code,
      role,
      ...(inv.invite !== null ? { invite: inv.invite } : {}),
    });
    this.show(this.scenes.table(this, joined.roomId));
  }

  // ---------------------------------------------------------------- responsible play

  /** Reads the player's play time and minors' window now and then: reminders come from the server's policy. */
  #watchPlay(): void {
    if (this.#playTimer !== undefined) clearInterval(this.#playTimer);
    const check = () => {
      if (this.me === null) return;
      this.api.call<ResponsiblePlay>('GET', '/api/me/responsible-play').then(
        (r) => this.#remind(r),
        () => {},
      );
    };
    check();
    this.#playTimer = setInterval(check, PLAY_CHECK_EVERY_MS);
  }

  #remind(r: ResponsiblePlay): void {
    const now = this.nowMs();
    (this.stage.debugHook as { play?: ResponsiblePlay }).play = r;
    if (r.play.breakUntilMs !== null && r.play.breakUntilMs > now) {
      this.alert(this.t('healthTitle'), this.t('breakUntil', { time: clockText(r.play.breakUntilMs) }));
      return;
    }
    if (r.play.nextReminderAtMs !== null && r.play.nextReminderAtMs <= now && now - this.#remindedAtMs > r.play.reminderEveryMs / 2) {
      this.#remindedAtMs = now;
      this.alert(this.t('healthTitle'), this.t('breakReminder', { minutes: Math.floor(r.play.continuousMs / 60_000) }));
      return;
    }
    if (r.minor?.windowEndMs != null) this.toast(this.t('minorWindow', { time: clockText(r.minor.windowEndMs) }));
  }
}

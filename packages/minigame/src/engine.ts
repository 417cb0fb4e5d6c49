// The renderer: one screen canvas, a scene that draws itself in immediate mode each frame, and the
// tap regions that frame registered. A frame is drawn only when something changed (`invalidate`)
// or the scene is animating, so an idle table costs no CPU. Render times of the last frames are
// kept for the bench and the tests, which read them — with the tap regions and the scene's own
// state — from `GameGlobal.fairground`; the same object exists in WeChat, where nothing reads it.

export interface Region {
  readonly id: string;
  readonly x: number;
  readonly y: number;
  readonly w: number;
  readonly h: number;
  readonly label: string;
  readonly enabled: boolean;
  readonly tap: (() => void) | null;
  /** A dialog's backdrop: taps stop here instead of reaching the scene below. */
  readonly blocks: boolean;
}

export interface Overlay {
  draw(g: Gfx, nowMs: number): void;
  animating(nowMs: number): boolean;
}

export interface Scene {
  readonly name: string;
  draw(g: Gfx, nowMs: number): void;
  /** True while an animation or a countdown needs frames even without input. */
  animating?(nowMs: number): boolean;
  /** Raw touches for gestures (the puzzle's swipes); taps on regions are routed by the stage. */
  touchStart?(x: number, y: number): void;
  touchEnd?(x: number, y: number): void;
  /** What the tests read besides the regions (never secrets: the same object exists in WeChat). */
  debug?(): Record<string, unknown>;
  exit?(): void;
  /** The game went to the background (`wx.onHide`) / came back (`wx.onShow`). */
  hidden?(): void;
  shown?(): void;
}

/** Render times kept (a few seconds at 60 frames a second). */
const FRAME_TIMES_MAX = 2048;
/** A touch that moved further than this (px) is a swipe, not a tap. */
const TAP_SLOP_PX = 12;

export interface StageOptions {
  /** The wall clock (ms): countdowns and animations read it; tests may replace it. */
  readonly nowMs: () => number;
  /** A monotonic clock for render times, in ms. */
  readonly perfMs: () => number;
}

export class Stage {
  readonly width: number;
  readonly height: number;
  readonly dpr: number;
  readonly ctx: Canvas2D;
  readonly canvas: WechatMinigame.Canvas;
  readonly #o: StageOptions;
  #scene: Scene | null = null;
  #regions: Region[] = [];
  #dirty = true;
  #frameRequested = false;
  #touch: { x: number; y: number } | null = null;
  readonly #warm = new Set<string>();
  readonly frameTimesMs = new Float64Array(FRAME_TIMES_MAX);
  framesDrawn = 0;
  /** Font scale: 1, or larger in elder mode. */
  textScale = 1;
  /** Drawn over every scene (toasts, dialogs); its regions are topmost. */
  overlay: Overlay | null = null;
  readonly debugHook: Record<string, unknown>;

  constructor(o: StageOptions) {
    this.#o = o;
    const info = wx.getSystemInfoSync();
    this.width = info.windowWidth;
    this.height = info.windowHeight;
    this.dpr = Math.min(3, info.pixelRatio || 1);
    // The first canvas a mini-game creates is the screen.
    this.canvas = wx.createCanvas();
    this.canvas.width = Math.round(this.width * this.dpr);
    this.canvas.height = Math.round(this.height * this.dpr);
    this.ctx = this.canvas.getContext('2d') as unknown as Canvas2D;
    // The regions are read by tests only: copied (without their handlers) when read, not per frame.
    const stage = this;
    this.debugHook = {
      scene: '',
      state: {},
      framesDrawn: 0,
      frameTimesMs: this.frameTimesMs,
      get regions() {
        return stage.#regions.map(({ tap: _tap, ...r }) => r);
      },
    };
    (GameGlobal as { fairground?: unknown }).fairground = this.debugHook;
    wx.onTouchStart((res) => {
      const t = res.changedTouches[0];
      if (t === undefined) return;
      this.#touch = { x: t.clientX, y: t.clientY };
      this.#scene?.touchStart?.(t.clientX, t.clientY);
    });
    wx.onTouchEnd((res) => {
      const t = res.changedTouches[0];
      const start = this.#touch;
      this.#touch = null;
      if (t === undefined || start === null) return;
      this.#scene?.touchEnd?.(t.clientX, t.clientY);
      if (Math.abs(t.clientX - start.x) > TAP_SLOP_PX || Math.abs(t.clientY - start.y) > TAP_SLOP_PX) return;
      this.tapAt(t.clientX, t.clientY);
    });
  }

  get scene(): Scene | null {
    return this.#scene;
  }

  show(scene: Scene): void {
    this.#scene?.exit?.();
    this.#scene = scene;
    this.invalidate();
  }

  /** Routes a tap to the topmost enabled region under it. */
  tapAt(x: number, y: number): void {
    for (let i = this.#regions.length - 1; i >= 0; i--) {
      const r = this.#regions[i] as Region;
      if (x < r.x || x > r.x + r.w || y < r.y || y > r.y + r.h) continue;
      if (r.blocks) return;
      // Labels (regions without a tap) let a tap through to what lies under them.
      if (r.tap === null) continue;
      if (r.enabled) {
        r.tap();
        this.invalidate();
      }
      return;
    }
  }

  /**
   * Sets up fonts ahead of the frames that need them. A font's first use costs far more than a
   * frame (on a throttled phone CPU ~100 ms: the family list is matched, fallbacks for symbols and
   * emoji are found, glyphs are shaped), so a scene lists the sizes and weights it draws with and
   * they are measured here one per idle task — while the table waits for players — instead of in
   * the middle of a hand. Each font is set up once per game.
   */
  warmFonts(specs: readonly FontSpec[], sample: string): void {
    const todo = specs.filter(([size, weight]) => !this.#warm.has(`${size}/${weight}/${this.textScale}`));
    const next = () => {
      const spec = todo.shift();
      if (spec === undefined) return;
      const [size, weight] = spec;
      const key = `${size}/${weight}/${this.textScale}`;
      if (!this.#warm.has(key)) {
        this.#warm.add(key);
        const g = new Gfx(this.ctx, this.width, this.height, this.textScale);
        g.measure(sample, size, weight);
      }
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  }

  invalidate(): void {
    this.#dirty = true;
    this.#request();
  }

  #request(): void {
    if (this.#frameRequested) return;
    this.#frameRequested = true;
    requestAnimationFrame(() => this.#frame());
  }

  #frame(): void {
    this.#frameRequested = false;
    const scene = this.#scene;
    if (scene === null) return;
    const now = this.#o.nowMs();
    const animating = (): boolean => scene.animating?.(now) === true || this.overlay?.animating(now) === true;
    if (this.#dirty || animating()) {
      this.#dirty = false;
      const started = this.#o.perfMs();
      const g = new Gfx(this.ctx, this.width, this.height, this.textScale);
      this.ctx.setTransform(this.dpr, 0, 0, this.dpr, 0, 0);
      scene.draw(g, now);
      this.overlay?.draw(g, now);
      this.#regions = g.regions;
      this.frameTimesMs[this.framesDrawn % FRAME_TIMES_MAX] = this.#o.perfMs() - started;
      this.framesDrawn++;
      this.debugHook.scene = scene.name;
      this.debugHook.framesDrawn = this.framesDrawn;
      this.debugHook.state = scene.debug?.() ?? {};
    }
    if (animating()) this.#request();
  }
}

/** A font a scene draws with: its size (before the elder-mode scale) and weight. */
export type FontSpec = readonly [size: number, weight: 'normal' | 'bold'];

export interface TextStyle {
  readonly size?: number;
  readonly color?: string;
  readonly align?: 'left' | 'center' | 'right';
  readonly weight?: 'normal' | 'bold';
  readonly maxWidth?: number;
  readonly baseline?: 'top' | 'middle' | 'alphabetic' | 'bottom';
}

export interface ButtonStyle {
  readonly kind?: 'primary' | 'secondary' | 'danger' | 'ghost' | 'gold';
  readonly enabled?: boolean;
  readonly size?: number;
}

export const COLORS = {
  felt: '#0f5132',
  feltDark: '#0a3622',
  ink: '#1f2328',
  muted: '#6e7781',
  paper: '#fffdf7',
  gold: '#d4a017',
  red: '#c62828',
  green: '#1a7f37',
  wechat: '#07c160',
  panel: 'rgba(0,0,0,0.55)',
  white: '#ffffff',
  cardBack: '#1e3a8a',
} as const;

/** Text widths and shortened labels kept between frames. */
const TEXT_CACHE_MAX = 4096;

/**
 * Measuring text is the costliest thing a frame does (CJK glyph runs are shaped on every call), and
 * a table frame draws the same few dozen labels again and again; so widths are measured once per
 * font and text, and a label cut to fit a width (with an ellipsis) is cut once. Bounded: when full,
 * it starts again empty.
 */
class TextCache {
  readonly #widths = new Map<string, number>();
  readonly #short = new Map<string, string>();

  /** `font` is the font `c` was last set to (reading `c.font` back costs a serialisation). */
  width(c: Canvas2D, font: string, s: string): number {
    const key = `${font}\u0000${s}`;
    let w = this.#widths.get(key);
    if (w === undefined) {
      if (this.#widths.size >= TEXT_CACHE_MAX) this.#widths.clear();
      // The caller has set `font` on `c`.
      w = c.measureText(s).width;
      this.#widths.set(key, w);
    }
    return w;
  }

  /** `s` cut to end in an ellipsis within `maxWidth`: a binary search over its length, done once. */
  shortened(c: Canvas2D, font: string, s: string, maxWidth: number): string {
    const key = `${font}\u0000${maxWidth}\u0000${s}`;
    let out = this.#short.get(key);
    if (out === undefined) {
      const chars = Array.from(s);
      let lo = 1;
      let hi = chars.length - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >> 1;
        if (this.width(c, font, `${chars.slice(0, mid).join('')}…`) <= maxWidth) lo = mid;
        else hi = mid - 1;
      }
      out = `${chars.slice(0, Math.max(1, lo)).join('')}…`;
      if (this.#short.size >= TEXT_CACHE_MAX) this.#short.clear();
      this.#short.set(key, out);
    }
    return out;
  }
}

const TEXT_CACHE = new TextCache();

/** One frame's drawing surface: helpers over the 2D context that also collect tap regions. */
export class Gfx {
  readonly ctx: Canvas2D;
  readonly w: number;
  readonly h: number;
  readonly textScale: number;
  readonly regions: Region[] = [];
  /** The font last set on the context by this frame's text calls (setting it again costs a parse). */
  #font = '';

  constructor(ctx: Canvas2D, w: number, h: number, textScale: number) {
    this.ctx = ctx;
    this.w = w;
    this.h = h;
    this.textScale = textScale;
  }

  #setFont(font: string): void {
    if (this.#font === font) return;
    this.#font = font;
    this.ctx.font = font;
  }

  font(size: number, weight: 'normal' | 'bold' = 'normal'): string {
    return `${weight} ${Math.round(size * this.textScale)}px "PingFang SC","Microsoft YaHei","WenQuanYi Zen Hei",sans-serif`;
  }

  fill(color: string | GradientLite): void {
    this.ctx.fillStyle = color;
    this.ctx.fillRect(0, 0, this.w, this.h);
  }

  roundRect(x: number, y: number, w: number, h: number, r: number): void {
    const c = this.ctx;
    const rr = Math.min(r, w / 2, h / 2);
    c.beginPath();
    c.moveTo(x + rr, y);
    c.arcTo(x + w, y, x + w, y + h, rr);
    c.arcTo(x + w, y + h, x, y + h, rr);
    c.arcTo(x, y + h, x, y, rr);
    c.arcTo(x, y, x + w, y, rr);
    c.closePath();
  }

  box(x: number, y: number, w: number, h: number, r: number, fill: string | GradientLite, stroke?: string): void {
    this.roundRect(x, y, w, h, r);
    this.ctx.fillStyle = fill;
    this.ctx.fill();
    if (stroke !== undefined) {
      this.ctx.strokeStyle = stroke;
      this.ctx.lineWidth = 1;
      this.ctx.stroke();
    }
  }

  circle(x: number, y: number, r: number, fill: string, stroke?: string, lineWidth = 2): void {
    const c = this.ctx;
    c.beginPath();
    c.arc(x, y, r, 0, Math.PI * 2);
    c.fillStyle = fill;
    c.fill();
    if (stroke !== undefined) {
      c.strokeStyle = stroke;
      c.lineWidth = lineWidth;
      c.stroke();
    }
  }

  /** The width of `s` in a font, measured once per font and text (see TextCache). */
  measure(s: string, size = 14, weight: 'normal' | 'bold' = 'normal'): number {
    const font = this.font(size, weight);
    this.#setFont(font);
    return TEXT_CACHE.width(this.ctx, font, s);
  }

  text(s: string, x: number, y: number, st: TextStyle = {}): number {
    const c = this.ctx;
    const font = this.font(st.size ?? 14, st.weight);
    this.#setFont(font);
    c.fillStyle = st.color ?? COLORS.ink;
    c.textAlign = st.align ?? 'left';
    c.textBaseline = st.baseline ?? 'middle';
    const width = TEXT_CACHE.width(c, font, s);
    if (st.maxWidth !== undefined && width > st.maxWidth) {
      // Shorten with an ellipsis rather than squeeze: squeezed CJK is unreadable on a phone.
      c.fillText(TEXT_CACHE.shortened(c, font, s, st.maxWidth), x, y);
      return st.maxWidth;
    }
    c.fillText(s, x, y);
    return width;
  }

  /** Wraps text into lines no wider than `w` (CJK breaks anywhere, Latin at spaces); returns the height used. */
  paragraph(s: string, x: number, y: number, w: number, st: TextStyle & { lineHeight?: number } = {}): number {
    const size = st.size ?? 14;
    const lineH = (st.lineHeight ?? 1.5) * size * this.textScale;
    const c = this.ctx;
    const font = this.font(size, st.weight);
    this.#setFont(font);
    let line = '';
    let yy = y;
    const flush = () => {
      this.text(line, x, yy + lineH / 2, { ...st, baseline: 'middle' });
      yy += lineH;
      line = '';
    };
    for (const para of s.split('\n')) {
      const tokens = para.match(/[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+|\s+/g) ?? [];
      for (const tok of tokens) {
        const next = line + tok;
        if (TEXT_CACHE.width(c, font, next) > w && line !== '') {
          flush();
          line = tok.trim() === '' ? '' : tok;
        } else line = next;
      }
      flush();
    }
    return yy - y;
  }

  region(id: string, x: number, y: number, w: number, h: number, label: string, tap: (() => void) | null, enabled = true): void {
    this.regions.push({ id, x, y, w, h, label, enabled, tap, blocks: false });
  }

  /** A region that stops every tap (a dialog's backdrop). */
  blocker(id: string): void {
    this.regions.push({ id, x: 0, y: 0, w: this.w, h: this.h, label: '', enabled: true, tap: null, blocks: true });
  }

  button(id: string, x: number, y: number, w: number, h: number, label: string, tap: () => void, st: ButtonStyle = {}): void {
    const enabled = st.enabled ?? true;
    const kind = st.kind ?? 'primary';
    const fill =
      kind === 'primary'
        ? COLORS.wechat
        : kind === 'danger'
          ? COLORS.red
          : kind === 'gold'
            ? COLORS.gold
            : kind === 'ghost'
              ? 'rgba(255,255,255,0.12)'
              : COLORS.white;
    const color = kind === 'secondary' ? COLORS.ink : COLORS.white;
    this.ctx.globalAlpha = enabled ? 1 : 0.45;
    this.box(
      x,
      y,
      w,
      h,
      Math.min(12, h / 2),
      fill,
      kind === 'secondary' ? '#d0d7de' : kind === 'ghost' ? 'rgba(255,255,255,0.5)' : undefined,
    );
    this.text(label, x + w / 2, y + h / 2, { size: st.size ?? 16, color, align: 'center', weight: 'bold', maxWidth: w - 12 });
    this.ctx.globalAlpha = 1;
    this.region(id, x, y, w, h, label, tap, enabled);
  }
}

/** 0..1 progress of an animation that started at `startMs`, eased out. */
export function easeOut(startMs: number, durationMs: number, nowMs: number): number {
  const t = Math.max(0, Math.min(1, (nowMs - startMs) / durationMs));
  return 1 - (1 - t) * (1 - t);
}

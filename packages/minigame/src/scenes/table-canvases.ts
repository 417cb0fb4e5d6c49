// The table's offscreen canvases: the felt drawn once per screen size, the canvas the table
// rehearses a hand on, and the backdrop under the compare animation; each gives its pixels back.
import { COLORS, Gfx } from '../engine.ts';
import { tableCentreY } from './table-state.ts';

/** The felt and the table's rim, drawn once per screen size on an offscreen canvas. */
let felt: { canvas: WechatMinigame.Canvas; w: number; h: number } | null = null;

export function feltLayer(w: number, h: number, dpr: number): WechatMinigame.Canvas {
  if (felt !== null && felt.w === w && felt.h === h) return felt.canvas;
  // The first canvas a mini-game creates is the screen; every later one is offscreen.
  const canvas = felt?.canvas ?? wx.createCanvas();
  canvas.width = Math.round(w * dpr);
  canvas.height = Math.round(h * dpr);
  const c = canvas.getContext('2d') as unknown as Canvas2D;
  c.setTransform(dpr, 0, 0, dpr, 0, 0);
  const g = new Gfx(c, w, h, 1);
  const grad = c.createRadialGradient(w / 2, h * 0.4, 20, w / 2, h * 0.4, h * 0.7);
  grad.addColorStop(0, '#1b7a4a');
  grad.addColorStop(1, COLORS.feltDark);
  g.fill(grad);
  c.beginPath();
  c.ellipse(w / 2, tableCentreY(h), w / 2 - 70, (h - 254) / 2 - 60, 0, 0, Math.PI * 2);
  c.fillStyle = 'rgba(0,0,0,0.18)';
  c.fill();
  c.strokeStyle = 'rgba(212,160,23,0.5)';
  c.lineWidth = 3;
  c.stroke();
  felt = { canvas, w, h };
  return canvas;
}

/**
 * The canvas the table rehearses on (see `rehearse` in `table-rehearsal.ts`): the screen's size and pixel
 * ratio while a rehearsal runs, so text is shaped and drawn at the sizes the screen uses; one per
 * game, shrunk to a pixel between rehearsals.
 */
let rehearsalCanvas: { canvas: WechatMinigame.Canvas; ctx: Canvas2D; w: number; h: number } | null = null;

export function rehearsalContext(w: number, h: number, dpr: number): Canvas2D {
  if (rehearsalCanvas === null || rehearsalCanvas.w !== w || rehearsalCanvas.h !== h) {
    const canvas = rehearsalCanvas?.canvas ?? wx.createCanvas();
    canvas.width = Math.round(w * dpr);
    canvas.height = Math.round(h * dpr);
    rehearsalCanvas = { canvas, ctx: canvas.getContext('2d') as unknown as Canvas2D, w, h };
  }
  rehearsalCanvas.ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  return rehearsalCanvas.ctx;
}

/** Gives the rehearsal canvas's pixels back (a screen-sized bitmap is megabytes on a phone). */
export function releaseRehearsalCanvas(): void {
  if (rehearsalCanvas === null) return;
  rehearsalCanvas.canvas.width = 1;
  rehearsalCanvas.canvas.height = 1;
  rehearsalCanvas.w = 0;
  rehearsalCanvas.h = 0;
}

/**
 * The table under the compare animation (see `prepareBackdrop` in `table-backdrop.ts`), and a 1-pixel
 * canvas it is copied to so that it is rasterised there and then, outside any frame.
 */
let backdrop: { canvas: WechatMinigame.Canvas; ctx: Canvas2D; sink: Canvas2D; w: number; h: number } | null = null;

export function backdropCanvas(w: number, h: number, dpr: number): NonNullable<typeof backdrop> {
  if (backdrop === null) {
    const canvas = wx.createCanvas();
    const sink = wx.createCanvas();
    sink.width = 1;
    sink.height = 1;
    backdrop = {
      canvas,
      ctx: canvas.getContext('2d') as unknown as Canvas2D,
      sink: sink.getContext('2d') as unknown as Canvas2D,
      w: 0,
      h: 0,
    };
  }
  if (backdrop.w !== w || backdrop.h !== h) {
    backdrop.canvas.width = Math.round(w * dpr);
    backdrop.canvas.height = Math.round(h * dpr);
    backdrop.w = w;
    backdrop.h = h;
  }
  return backdrop;
}

/** Gives the backdrop's pixels back between compares. */
export function releaseBackdropCanvas(): void {
  if (backdrop === null || backdrop.w === 0) return;
  backdrop.canvas.width = 1;
  backdrop.canvas.height = 1;
  backdrop.w = 0;
  backdrop.h = 0;
}

/** The backdrop's canvas, when one was made. */
export function backdropLayer(): WechatMinigame.Canvas | null {
  return backdrop?.canvas ?? null;
}

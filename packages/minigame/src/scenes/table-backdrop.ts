// The backdrop under the compare animation: the table drawn once offscreen when the compare
// arrives or the table changes, copied each animation frame with the turn timer drawn over it.
import { Gfx, type Region } from '../engine.ts';
import { backdropCanvas, backdropLayer, releaseBackdropCanvas } from './table-canvases.ts';
import { drawTable } from './table-layout.ts';
import { turnRing } from './table-seat.ts';
import { compareAnimating, positions, type TableState } from './table-state.ts';

/** Everything `drawTable` reads but the clock (the turn timer is drawn over the backdrop). */
function layerKey(t: TableState): readonly unknown[] {
  const { app } = t;
  return [
    t.st,
    t.raising,
    t.raiseTo,
    t.choosing,
    t.sending,
    t.readying,
    app.lang,
    app.elder,
    app.stage.textScale,
    app.stage.width,
    app.stage.height,
  ];
}

/** The backdrop, when it shows the table as it is now. */
export function backdropReady(t: TableState): { canvas: WechatMinigame.Canvas; regions: readonly Region[] } | null {
  const canvas = backdropLayer();
  if (t.layer === null || canvas === null) return null;
  const key = layerKey(t);
  if (!key.every((x, i) => x === t.layer?.key[i])) return null;
  return { canvas, regions: t.layer.regions };
}

/**
 * During the compare animation (1.4 s of frames at the display's rate) nothing under it changes
 * but the turn timer, so the table is drawn once on an offscreen backdrop — when the compare
 * arrives or the table changes, in that task, not in a frame — and copied to a 1-pixel canvas,
 * which makes the canvas rasterise it there. Each animation frame then copies a finished image
 * and draws the timer and the animation over it, instead of redrawing the whole table.
 */
export function prepareBackdrop(t: TableState): void {
  t.layer = null;
  const stage = t.app.stage;
  const b = backdropCanvas(stage.width, stage.height, stage.dpr);
  b.ctx.setTransform(stage.dpr, 0, 0, stage.dpr, 0, 0);
  b.ctx.clearRect(0, 0, stage.width, stage.height);
  const g = new Gfx(b.ctx, stage.width, stage.height, stage.textScale);
  if (!drawTable(t, g, t.app.nowMs(), false)) return;
  b.sink.clearRect(0, 0, 1, 1);
  b.sink.drawImage(b.canvas, 0, 0, 1, 1);
  t.layer = { key: layerKey(t), regions: g.regions };
}

/** The table changed under the animation by a tap: a new backdrop in the next task. */
export function prepareBackdropSoon(t: TableState): void {
  if (t.backdropTimer !== undefined) return;
  t.backdropTimer = setTimeout(() => {
    t.backdropTimer = undefined;
    if (compareAnimating(t, t.app.nowMs())) {
      prepareBackdrop(t);
      t.app.stage.invalidate();
    }
  }, 0);
}

export function releaseBackdrop(t: TableState): void {
  t.layer = null;
  releaseBackdropCanvas();
}

/** The turn timer over the backdrop, at the seat whose turn it is. */
export function drawTurnRing(t: TableState, g: Gfx): void {
  const room = t.st?.room ?? null;
  const view = t.st?.hand?.view ?? null;
  if (room === null || view === null || view.turnSeat === null) return;
  const p = positions(g, Number(room.params.seats ?? 3), t.st?.you?.seat ?? 0)[view.turnSeat];
  if (p !== undefined) turnRing(t, g, room, view.turnSeat, p, view);
}

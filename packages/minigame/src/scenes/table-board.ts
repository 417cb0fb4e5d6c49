// The final scoreboard when the room ends, and the same board drawn offscreen and shared as an image.
import type { App } from '../app.ts';
import { COLORS, Gfx } from '../engine.ts';
import { isKey } from '../i18n.ts';
import type { RoomView } from '../wire.ts';

/** The scoreboard's rows: the first row's middle below its top, and each row's height. */
const BOARD_ROW0 = 82;
const BOARD_ROW_H = 36;
/** The height of a board of `n` rows with `below` px under the last row (its buttons on the screen). */
const boardHeight = (n: number, below: number) => BOARD_ROW0 + (n - 1) * BOARD_ROW_H + BOARD_ROW_H / 2 + below;

type BoardLine = { nickname: string; points: number; hands: number };

export function drawFinal(app: App, g: Gfx, room: RoomView): void {
  if (room.status !== 'finished' && room.status !== 'dissolved') return;
  g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
  g.ctx.fillRect(0, 0, g.w, g.h);
  const lines = [...room.scores].sort((a, b) => b.points - a.points);
  const w = g.w - 32;
  // Under the last row: the end reason (when not completed), then the share and back buttons.
  const h = boardHeight(lines.length, 120);
  const x = 16;
  const y = Math.max(40, (g.h - h) / 2);
  drawBoard(app, g, { x, y, w, h }, room.code, lines);
  g.region('final-scoreboard', x, y, w, h - 120, lines.map((l) => `${l.nickname}:${l.points}`).join(','), null);
  const why = endWords(app, room.endReason);
  if (why !== null) {
    g.text(why, g.w / 2, y + h - 108, { size: 12, color: COLORS.muted, align: 'center', maxWidth: w - 24 });
    g.region('end-reason', x, y + h - 116, w, 16, why, null);
  }
  g.button('share-scoreboard', x + 16, y + h - 96, w - 32, 40, app.t('shareBoard'), () => shareBoard(app, room.code, lines), {
    kind: 'gold',
  });
  g.button('back-lobby', x + 16, y + h - 48, w - 32, 40, app.t('backLobby'), () => app.show(app.scenes.lobby(app)), {
    kind: 'secondary',
  });
}

/** Why the room ended, in words (nothing when every hand was played). */
function endWords(app: App, reason: RoomView['endReason']): string | null {
  if (reason === null || reason === 'completed') return null;
  const key = `end_${reason}`;
  return isKey(key) ? app.t(key) : null;
}

/**
 * The board: title, room code, then a row per player — rank, name, hands played, points — in
 * columns measured from the right so that a long name is shortened before it meets the hands.
 */
function drawBoard(app: App, g: Gfx, at: { x: number; y: number; w: number; h: number }, code: string, lines: readonly BoardLine[]): void {
  const { x, y, w, h } = at;
  g.box(x, y, w, h, 14, COLORS.paper);
  g.text(app.t('finalBoard'), x + w / 2, y + 28, { size: 19, weight: 'bold', align: 'center' });
  g.text(`${app.t('roomCode')} ${code}`, x + w / 2, y + 52, { size: 12, color: COLORS.muted, align: 'center' });
  const pointsText = (n: number) => `${n > 0 ? '+' : ''}${n}`;
  const pointsW = Math.max(...lines.map((l) => g.measure(pointsText(l.points), 16, 'bold')));
  const handsW = Math.max(...lines.map((l) => g.measure(app.t('hands', { n: l.hands }), 12)));
  const pointsRight = x + w - 18;
  const handsRight = pointsRight - pointsW - 14;
  const nameLeft = x + 44;
  const nameW = Math.max(20, handsRight - handsW - 12 - nameLeft);
  lines.forEach((l, i) => {
    const yy = y + BOARD_ROW0 + i * BOARD_ROW_H;
    g.text(`${i + 1}`, x + 22, yy, { size: 16, weight: 'bold', color: i === 0 ? COLORS.gold : COLORS.muted, align: 'center' });
    g.text(l.nickname, nameLeft, yy, { size: 15, maxWidth: nameW });
    g.text(app.t('hands', { n: l.hands }), handsRight, yy, { size: 12, color: COLORS.muted, align: 'right' });
    g.text(pointsText(l.points), pointsRight, yy, {
      size: 16,
      weight: 'bold',
      color: l.points >= 0 ? COLORS.green : COLORS.red,
      align: 'right',
    });
    g.region(`board-row-${i}`, x + 8, yy - BOARD_ROW_H / 2, w - 16, BOARD_ROW_H, l.nickname, null);
  });
}

/** The scoreboard drawn on an offscreen canvas, saved as an image, and shared with it. */
function shareBoard(app: App, code: string, lines: readonly BoardLine[]): void {
  const w = 500;
  const h = boardHeight(lines.length, 16);
  const off = wx.createCanvas();
  off.width = w * 2;
  off.height = h * 2;
  const ctx = off.getContext('2d') as unknown as Canvas2D;
  ctx.setTransform(2, 0, 0, 2, 0, 0);
  const g = new Gfx(ctx, w, h, 1);
  drawBoard(app, g, { x: 0, y: 0, w, h }, code, lines);
  const imageUrl = off.toTempFilePathSync({ x: 0, y: 0, width: w * 2, height: h * 2, destWidth: w * 2, destHeight: h * 2 });
  (app.stage.debugHook as { sharedImage?: string }).sharedImage = imageUrl;
  wx.shareAppMessage({ title: app.t('finalBoard'), imageUrl, query: `room=${code}` });
}

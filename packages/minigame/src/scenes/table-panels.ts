// The panels over the table: the compare animation, the result of the hand just played, and the
// "verify this hand" panel with its checks.
import type { HandVerdict } from '@fairground/rules';
import { COLORS, easeOut, type Gfx } from '../engine.ts';
import type { RoomView } from '../wire.ts';
import { setReady, verifyHand } from './table-intents.ts';
import { avatar, card, crown } from './table-draw.ts';
import { COMPARE_ANIM_MS, memberAt, type TableState } from './table-state.ts';

export function drawCompare(t: TableState, g: Gfx, room: RoomView, now: number): void {
  if (t.anim?.kind !== 'compare') return;
  const time = (now - t.anim.startMs) / COMPARE_ANIM_MS;
  if (time >= 1) {
    t.anim = null;
    return;
  }
  const a = t.anim;
  g.ctx.fillStyle = `rgba(0,0,0,${0.55 * Math.min(1, time * 4)})`;
  g.ctx.fillRect(0, 0, g.w, g.h);
  const slide = easeOut(a.startMs, COMPARE_ANIM_MS * 0.35, now);
  const cy = g.h * 0.4;
  const left = { x: -60 + (g.w / 2 - 70 + 60) * slide, seat: a.seat };
  const right = { x: g.w + 60 - (g.w + 60 - (g.w / 2 + 70)) * slide, seat: a.target };
  for (const side of [left, right]) {
    const m = memberAt(room, side.seat);
    const loser = side.seat === a.loser && time > 0.55;
    g.ctx.globalAlpha = loser ? 0.35 : 1;
    avatar(g, side.x, cy, 32, m?.nickname ?? '?', side.seat);
    g.text(m?.nickname ?? '', side.x, cy + 48, { size: 14, color: COLORS.paper, align: 'center', maxWidth: 110 });
    g.ctx.globalAlpha = 1;
    if (loser) g.text('✕', side.x, cy, { size: 48, weight: 'bold', color: COLORS.red, align: 'center' });
  }
  g.text(t.app.t('vs'), g.w / 2, cy, { size: 34, weight: 'bold', color: COLORS.gold, align: 'center' });
  g.region('compare-anim', 0, cy - 40, g.w, 80, String(a.loser), null);
}

export function drawResult(t: TableState, g: Gfx, room: RoomView): void {
  const { app } = t;
  const last = room.last;
  if (last === null || last.aborted || t.dismissedHand >= last.handNumber || t.st?.hand != null || room.status !== 'playing') return;
  const w = g.w - 40;
  const rows = last.deltas.length;
  const h = 110 + rows * 34;
  const x = 20;
  const y = Math.max(70, (g.h - h) / 2 - 40);
  g.box(x, y, w, h, 14, 'rgba(255,253,247,0.97)');
  g.text(app.t('handResult'), g.w / 2, y + 24, { size: 17, weight: 'bold', align: 'center' });
  last.deltas.forEach((d, i) => {
    const m = room.members.find((mm) => mm.playerId === d.playerId);
    const yy = y + 58 + i * 34;
    const won = last.winnerSeats.includes(d.seat);
    if (won) crown(g, x + 26, yy, 18);
    // The name ends before the cards, which start at the middle.
    g.text(m?.nickname ?? d.playerId, x + 42, yy, { size: 15, weight: won ? 'bold' : 'normal', maxWidth: w / 2 - 48 });
    const cards = t.lastView?.players.find((p) => p.seat === d.seat)?.cards ?? null;
    if (cards !== null)
      cards.forEach((c, k) => {
        card(g, x + w / 2 + k * 22, yy - 14, 20, 28, c);
      });
    g.text(`${d.points > 0 ? '+' : ''}${d.points}`, x + w - 16, yy, {
      size: 16,
      weight: 'bold',
      color: d.points >= 0 ? COLORS.green : COLORS.red,
      align: 'right',
    });
  });
  g.region('hand-result', x, y, w, h - 56, String(last.handNumber), null);
  const half = (w - 32 - 8) / 2;
  g.button('result-verify', x + 16, y + h - 52, half, 42, app.t('verifyHand'), () => void verifyHand(t, last.handNumber), {
    kind: 'secondary',
    size: 14,
  });
  g.button('result-continue', x + 16 + half + 8, y + h - 52, half, 42, app.t('continue'), () => {
    t.dismissedHand = last.handNumber;
    void setReady(t, true);
  });
}

/** Room for a check that wraps to two lines at 320 px. */
const VERIFY_ROW_H = 46;

export function drawVerify(t: TableState, g: Gfx): void {
  const { app } = t;
  const v = t.verify;
  if (v === null) return;
  g.blocker('verify-backdrop');
  g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
  g.ctx.fillRect(0, 0, g.w, g.h);
  const checks = v.verdict?.checks ?? [];
  const w = g.w - 32;
  const x = 16;
  const h = 150 + Math.max(1, checks.length) * VERIFY_ROW_H + (v.verdict?.notKept === true ? 44 : 0);
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.text(app.t('verifyTitle', { n: v.handNumber }), g.w / 2, y + 26, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
  const yy = y + 56;
  if (v.verdict === null) {
    g.paragraph(v.error === null ? app.t('verifying') : app.t('verifyHandFailed', { reason: v.error }), x + 16, yy, w - 32, {
      size: 14,
      color: v.error === null ? COLORS.muted : COLORS.red,
    });
  } else drawVerdict(t, g, v.verdict, x, yy, w);
  g.button('verify-close', x + 16, y + h - 52, w - 32, 40, app.t('close'), () => (t.verify = null), { kind: 'secondary' });
}

/** A row per check with its tick or cross, then the verdict and, when this device kept nothing, why. */
function drawVerdict(t: TableState, g: Gfx, verdict: HandVerdict, x: number, y: number, w: number): void {
  const { app } = t;
  let yy = y;
  for (const c of verdict.checks) {
    g.text(c.ok ? '✓' : '✕', x + 26, yy + 9, {
      size: 18,
      weight: 'bold',
      color: c.ok ? COLORS.green : COLORS.red,
      align: 'center',
    });
    g.paragraph(app.t(`check_${c.key}` as 'check_deal'), x + 46, yy, w - 62, { size: 13, lineHeight: 1.3 });
    g.region(`verify-check-${c.key}`, x, yy, w, VERIFY_ROW_H, c.ok ? 'ok' : 'failed', null);
    yy += VERIFY_ROW_H;
  }
  g.text(app.t(verdict.ok ? 'verifyMatch' : 'verifyMismatch'), g.w / 2, yy + 12, {
    size: 15,
    weight: 'bold',
    color: verdict.ok ? COLORS.green : COLORS.red,
    align: 'center',
    maxWidth: w - 24,
  });
  g.region('verify-verdict', x, yy, w, 24, verdict.ok ? 'match' : 'mismatch', null);
  yy += 28;
  if (verdict.notKept) g.paragraph(app.t('verifyNotKept'), x + 16, yy, w - 32, { size: 12, color: COLORS.muted, lineHeight: 1.4 });
}

// Drawing pieces of the table: cards, avatars, chips. Pure drawing: no state, no regions.
import { COLORS, type Gfx } from '../engine.ts';

const SUITS: Readonly<Record<string, { glyph: string; red: boolean }>> = {
  s: { glyph: '♠', red: false },
  h: { glyph: '♥', red: true },
  d: { glyph: '♦', red: true },
  c: { glyph: '♣', red: false },
};

const AVATAR_COLORS = ['#e76f51', '#2a9d8f', '#e9c46a', '#8e7dbe', '#f4a261', '#457b9d'] as const;

/** A card face (`As`, `Td`) or, with `null`, its back. */
export function card(g: Gfx, x: number, y: number, w: number, h: number, name: string | null, dim = false): void {
  const c = g.ctx;
  c.globalAlpha = dim ? 0.45 : 1;
  if (name === null) {
    g.box(x, y, w, h, Math.max(3, w / 8), COLORS.cardBack, '#93c5fd');
    g.roundRect(x + 3, y + 3, w - 6, h - 6, Math.max(2, w / 10));
    c.strokeStyle = 'rgba(255,255,255,0.35)';
    c.lineWidth = 1;
    c.stroke();
    g.text('✦', x + w / 2, y + h / 2, { size: Math.round(w * 0.45), color: 'rgba(255,255,255,0.6)', align: 'center' });
  } else {
    const rank = name[0] === 'T' ? '10' : (name[0] ?? '?');
    const suit = SUITS[name[1] ?? ''] ?? { glyph: '?', red: false };
    const color = suit.red ? COLORS.red : COLORS.ink;
    g.box(x, y, w, h, Math.max(3, w / 8), COLORS.paper, '#c9c9c9');
    g.text(rank, x + w * 0.12, y + h * 0.2, { size: Math.round(w * 0.4), weight: 'bold', color });
    g.text(suit.glyph, x + w / 2, y + h * 0.64, { size: Math.round(w * 0.55), color, align: 'center' });
  }
  c.globalAlpha = 1;
}

/** A round avatar: the player's photo when it loaded, else their initial on a colour of their seat. */
export function avatar(
  g: Gfx,
  x: number,
  y: number,
  r: number,
  name: string,
  seat: number,
  image: WechatMinigame.Image | null = null,
): void {
  if (image !== null) {
    const c = g.ctx;
    c.save();
    c.beginPath();
    c.arc(x, y, r, 0, Math.PI * 2);
    c.clip();
    c.drawImage(image, x - r, y - r, r * 2, r * 2);
    c.restore();
    g.circle(x, y, r, 'rgba(0,0,0,0)', COLORS.paper);
    return;
  }
  g.circle(x, y, r, AVATAR_COLORS[seat % AVATAR_COLORS.length] as string, COLORS.paper);
  g.text(Array.from(name)[0] ?? '?', x, y + 1, { size: Math.round(r * 0.95), weight: 'bold', color: COLORS.white, align: 'center' });
}

/** How many chips a stack of `amount` shows. */
export const chipCount = (amount: number): number => Math.min(4, 1 + Math.floor(amount / 5));

/**
 * A stack of chips with its amount written on its `side` (the text starts clear of the stack and
 * runs away from it). Returns the box the chips and the amount cover.
 */
export function chips(
  g: Gfx,
  x: number,
  y: number,
  amount: number,
  side: 'left' | 'right' = 'right',
): { x: number; y: number; w: number; h: number } {
  const n = chipCount(amount);
  for (let i = 0; i < n; i++) g.circle(x, y - i * 3, 8, i % 2 === 0 ? COLORS.gold : '#b8860b', COLORS.white, 1);
  const label = String(amount);
  const tw = g.text(label, side === 'right' ? x + 11 : x - 11, y, {
    size: 12,
    weight: 'bold',
    color: COLORS.gold,
    align: side === 'right' ? 'left' : 'right',
  });
  const top = y - (n - 1) * 3 - 9;
  const left = side === 'right' ? x - 9 : x - 11 - tw;
  return { x: left, y: top, w: 20 + tw, h: y + 9 - top };
}

/**
 * The winner's crown, drawn rather than the 👑 emoji: a phone without an emoji font showed an
 * empty box, and the emoji font's first use cost a frame ~100 ms on a throttled CPU.
 */
export function crown(g: Gfx, x: number, y: number, size: number): void {
  const c = g.ctx;
  const w = size;
  const h = size * 0.75;
  const left = x - w / 2;
  const top = y - h / 2;
  c.beginPath();
  c.moveTo(left, top + h);
  c.lineTo(left, top + h * 0.25);
  c.lineTo(left + w * 0.28, top + h * 0.55);
  c.lineTo(x, top);
  c.lineTo(left + w * 0.72, top + h * 0.55);
  c.lineTo(left + w, top + h * 0.25);
  c.lineTo(left + w, top + h);
  c.closePath();
  c.fillStyle = COLORS.gold;
  c.fill();
  c.strokeStyle = '#a07800';
  c.lineWidth = 1;
  c.stroke();
}

// A seat at the table: its avatar, name, score and status tag, its cards with their category and
// its chips, the turn timer round it, and the tap that picks it as the one to compare with.
import { COLORS, easeOut, type Gfx } from '../engine.ts';
import type { HandPlayerView, HandViewWire, MemberView, RoomView } from '../wire.ts';
import { act } from './table-intents.ts';
import { avatar, card, chipCount, chips } from './table-draw.ts';
import { LOOK_ANIM_MS, memberAt, type SeatPos, type TableState } from './table-state.ts';

/** A seat's name is shortened (with an ellipsis) to at most this width, px. */
const NAME_W_MAX = 110;

/** Where a seat's cards lie: toward the centre of the table (mine above my avatar). */
interface CardsBox {
  readonly mine: boolean;
  readonly leftSide: boolean;
  readonly cx0: number;
  readonly cy: number;
  readonly ch: number;
  readonly spread: number;
  readonly r: number;
}

const seatRadius = (t: TableState) => (t.app.elder ? 26 : 22);

/** The turn timer: a ring round the seat whose turn it is, emptying as the deadline nears. */
export function turnRing(t: TableState, g: Gfx, room: RoomView, seat: number, p: SeatPos, view: HandViewWire | null): void {
  const hand = t.st?.hand;
  if (view === null || view.turnSeat !== seat || hand?.turnDeadlineMs == null) return;
  const r = seatRadius(t);
  const total = Number(room.params.turnTimeS ?? 30) * 1000;
  const left = Math.max(0, hand.turnDeadlineMs - t.channel.serverNowMs());
  const frac = Math.min(1, left / total);
  const c = g.ctx;
  c.beginPath();
  c.arc(p.x, p.y, r + 5, -Math.PI / 2, -Math.PI / 2 + frac * Math.PI * 2);
  c.strokeStyle = frac > 0.3 ? COLORS.wechat : COLORS.red;
  c.lineWidth = 4;
  c.stroke();
  // Beside the avatar on the seat's outer side: the inner side is where its cards' category goes.
  const outerLeft = p.x < g.w / 2 - 1;
  g.text(String(Math.ceil(left / 1000)), outerLeft ? p.x - r - 4 : p.x + r + 4, p.y - r - 2, {
    size: 12,
    weight: 'bold',
    color: COLORS.paper,
    align: outerLeft ? 'right' : 'left',
  });
  g.region('turn-seat', p.x - r, p.y - r, r * 2, r * 2, String(seat), null);
}

export function drawSeat(
  t: TableState,
  g: Gfx,
  room: RoomView,
  seat: number,
  p: SeatPos,
  view: HandViewWire | null,
  mySeat: number | null,
  now: number,
): void {
  const m = memberAt(room, seat);
  const player: HandPlayerView | undefined = view?.players.find((x) => x.seat === seat);
  const r = seatRadius(t);
  if (m === undefined) {
    g.circle(p.x, p.y, r, 'rgba(255,255,255,0.08)', 'rgba(255,255,255,0.35)', 1);
    g.text('+', p.x, p.y, { size: 20, color: 'rgba(255,255,255,0.5)', align: 'center' });
    return;
  }
  const out = player !== undefined && player.status !== 'active';
  g.ctx.globalAlpha = out ? 0.55 : 1;
  avatar(g, p.x, p.y, r, m.nickname, seat);
  g.ctx.globalAlpha = 1;
  if (t.ringsInline) turnRing(t, g, room, seat, p, view);
  drawSeatLabels(t, g, room, m, seat, p, mySeat);
  const tag = seatTag(t, room, m, player, view);
  if (tag !== null) {
    g.box(p.x - 24, p.y - r - 22, 48, 18, 9, 'rgba(0,0,0,0.55)');
    g.text(tag, p.x, p.y - r - 13, { size: 11, color: COLORS.paper, align: 'center', maxWidth: 44 });
  }
  if (player !== undefined) drawSeatCards(t, g, seat, p, player, seat === mySeat, out, now);
  seatTap(t, g, m, seat, p);
}

/**
 * The name and the score sit under the avatar; other seats' cards sit beside it at its height
 * (mine above it), so a long name never runs under the cards at any width.
 */
function drawSeatLabels(t: TableState, g: Gfx, room: RoomView, m: MemberView, seat: number, p: SeatPos, mySeat: number | null): void {
  const r = seatRadius(t);
  const name = seat === mySeat ? `${m.nickname}(${t.app.t('you')})` : m.nickname;
  const nameW = Math.min(NAME_W_MAX, 2 * Math.min(p.x, g.w - p.x) - 8);
  g.text(name, p.x, p.y + r + 11, { size: 12, color: COLORS.paper, align: 'center', maxWidth: nameW });
  g.region(`seat-${seat}-name`, p.x - nameW / 2, p.y + r + 3, nameW, 16, name, null);
  const score = room.scores.find((x) => x.playerId === m.playerId)?.points ?? 0;
  g.text(String(score), p.x, p.y + r + 26, { size: 12, weight: 'bold', color: score >= 0 ? COLORS.gold : '#ff8a80', align: 'center' });
}

/** The status tag over the avatar: offline, trustee, folded, lost, seen, blind or ready. */
function seatTag(
  t: TableState,
  room: RoomView,
  m: MemberView,
  player: HandPlayerView | undefined,
  view: HandViewWire | null,
): string | null {
  const app = t.app;
  let tag: string | null = null;
  if (!m.connected) tag = app.t('offline');
  else if (m.trusteeship) tag = app.t('trustee');
  if (player !== undefined) {
    if (player.status === 'folded') tag = app.t('folded');
    else if (player.status === 'lost') tag = app.t('lost');
    else if (player.seen) tag = app.t('seen');
    else tag = tag ?? app.t('blind');
  } else if (view === null && m.ready && room.status !== 'finished') tag = app.t('readyMark');
  return tag;
}

/** Cards, toward the centre of the table, then their category and the seat's chips. */
function drawSeatCards(
  t: TableState,
  g: Gfx,
  seat: number,
  p: SeatPos,
  player: HandPlayerView,
  mine: boolean,
  out: boolean,
  now: number,
): void {
  const r = seatRadius(t);
  const cw = mine ? 40 : 26;
  const ch = Math.round(cw * 1.4);
  const step = mine ? cw * 1.1 : cw * 0.8;
  const spread = step * 2 + cw;
  const leftSide = p.x < g.w / 2;
  const cy = mine ? p.y - r - ch - 26 : p.y - ch / 2;
  const cx0 = mine ? p.x - spread / 2 : leftSide ? p.x + r + 6 : p.x - r - 6 - spread;
  const anim = t.anim;
  const lift = anim?.kind === 'look' && anim.seat === seat ? (1 - easeOut(anim.startMs, LOOK_ANIM_MS, now)) * 10 : 0;
  for (let i = 0; i < 3; i++) {
    const name = player.cards?.[i] ?? null;
    card(g, cx0 + i * step, cy - lift, cw, ch, name, out);
  }
  const shown = player.cards ?? [];
  g.region(`seat-${seat}-cards`, cx0, cy, spread, ch, shown.join(' '), null);
  const box: CardsBox = { mine, leftSide, cx0, cy, ch, spread, r };
  if (player.category != null) drawSeatCategory(t, g, seat, p, player.category, box);
  if (player.contributedPoints > 0) drawSeatChips(g, seat, p, player.contributedPoints, box);
}

/**
 * Mine: beside my cards, clear of the stake line above them at 320 px. Another seat's: in the
 * strip above its cards between its status tag and the middle of the table, shrunk to 10 px
 * before it is shortened.
 */
function drawSeatCategory(
  t: TableState,
  g: Gfx,
  seat: number,
  p: SeatPos,
  category: NonNullable<HandPlayerView['category']>,
  b: CardsBox,
): void {
  const cat = t.app.t(`cat_${category}` as 'cat_pair');
  let from: number;
  let to: number;
  let y: number;
  if (b.mine) {
    from = b.cx0 + b.spread + 6;
    to = g.w - 6;
    y = b.cy + b.ch / 2;
  } else if (b.leftSide) {
    from = p.x + b.r + 6;
    to = Math.min(b.cx0 + b.spread, g.w / 2 - 3);
    y = b.cy - 9;
  } else {
    from = Math.max(b.cx0, g.w / 2 + 3);
    to = p.x - b.r - 6;
    y = b.cy - 9;
  }
  const space = Math.max(0, to - from);
  const size = g.measure(cat, 11, 'bold') <= space ? 11 : 10;
  const align = b.mine || !b.leftSide ? 'left' : 'right';
  const tw = g.text(cat, align === 'left' ? from : to, y, { size, weight: 'bold', color: COLORS.gold, align, maxWidth: space });
  const th = size * g.textScale;
  g.region(`seat-${seat}-category`, align === 'left' ? from : to - tw, y - th / 2, tw, th, cat, null);
}

/**
 * Mine: left of my avatar, above my name. Another seat's: under the inner end of its cards, the
 * amount toward the seat's own side, so two side seats' chips never meet in the middle. A taller
 * stack sits lower, its top chip clear of the cards.
 */
function drawSeatChips(g: Gfx, seat: number, p: SeatPos, points: number, b: CardsBox): void {
  const chipsY = b.cy + b.ch + 10 + (chipCount(points) - 1) * 3;
  const box = b.mine
    ? chips(g, p.x - b.r - 40, p.y + 4, points, 'right')
    : b.leftSide
      ? chips(g, b.cx0 + b.spread - 8, chipsY, points, 'left')
      : chips(g, b.cx0 + 8, chipsY, points, 'right');
  g.region(`seat-${seat}-chips`, box.x, box.y, box.w, box.h, String(points), null);
}

/** Choosing whom to compare with: the candidates light up and take the tap. */
function seatTap(t: TableState, g: Gfx, m: MemberView, seat: number, p: SeatPos): void {
  const r = seatRadius(t);
  const legal = t.st?.hand?.legal;
  if (t.choosing && legal?.compare?.targetSeats.includes(seat)) {
    g.circle(p.x, p.y, r + 8, 'rgba(212,160,23,0.25)', COLORS.gold, 3);
    g.region(`compare-target-${seat}`, p.x - r - 8, p.y - r - 8, r * 2 + 16, r * 2 + 16, m.nickname, () => {
      t.choosing = false;
      void act(t, { type: 'compare', targetSeat: seat });
    });
  } else g.region(`seat-${seat}`, p.x - r, p.y - r, r * 2, r * 2, m.playerId, null);
}

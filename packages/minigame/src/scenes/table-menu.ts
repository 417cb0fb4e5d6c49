// The room's menu at the table: the owner dissolves the room, the owner or an admin removes a
// player, a seated player gives up the seat (seed 三: 房主拥有修改规则、解散房间、踢出成员的权限，
// 普通成员可邀请好友或退出房间). Each choice is confirmed on a second panel before it is sent; the
// room decides (a player in a hand cannot leave, and says so), and a refusal is explained in a toast.
import { COLORS, type Gfx } from '../engine.ts';
import type { MemberView, RoomView } from '../wire.ts';
import { command } from './table-intents.ts';
import type { TableState } from './table-state.ts';

export type MenuChoice =
  | { readonly kind: 'dissolve' }
  | { readonly kind: 'leave' }
  | { readonly kind: 'kick'; readonly playerId: string; readonly name: string };

/** What the viewer may do from the menu in this room (nothing: no menu button). */
export function menuChoices(room: RoomView, me: MemberView | undefined): MenuChoice[] {
  if (me === undefined || (room.status !== 'waiting' && room.status !== 'playing')) return [];
  const out: MenuChoice[] = [];
  // The owner removes anyone else; an admin removes members and observers (as the room allows).
  if (me.role === 'owner' || me.role === 'admin')
    for (const m of room.members)
      if (m.playerId !== me.playerId && m.role !== 'owner' && (me.role === 'owner' || m.role !== 'admin'))
        out.push({ kind: 'kick', playerId: m.playerId, name: m.nickname });
  if (me.role !== 'owner' && me.seat !== null) out.push({ kind: 'leave' });
  if (me.role === 'owner') out.push({ kind: 'dissolve' });
  return out;
}

const ROW_H = 44;
const GAP = 8;

/** The menu button, top left under "back", when the viewer has something to choose. */
export function drawMenuButton(t: TableState, g: Gfx, room: RoomView): void {
  const s = t.st;
  const me = room.members.find((m) => m.playerId === s?.you?.playerId);
  if (s?.status !== 'live' || menuChoices(room, me).length === 0) return;
  g.button('room-menu', 10, 46, 64, 30, t.app.t('roomMenu'), () => (t.menu = { confirm: null }), { kind: 'ghost', size: 12 });
}

/** The menu's panel, or the confirmation of the choice made on it. */
export function drawMenu(t: TableState, g: Gfx, room: RoomView): void {
  const { app } = t;
  const menu = t.menu;
  if (menu === null) return;
  const s = t.st;
  const choices = menuChoices(
    room,
    room.members.find((m) => m.playerId === s?.you?.playerId),
  );
  // The room moved on (it ended, or the viewer's role changed): nothing of it stands.
  if (s?.status !== 'live' || choices.length === 0) {
    t.menu = null;
    return;
  }
  g.blocker('menu-backdrop');
  g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
  g.ctx.fillRect(0, 0, g.w, g.h);
  const x = 16;
  const w = g.w - 32;
  if (menu.confirm !== null) {
    drawConfirm(t, g, menu.confirm, x, w);
    return;
  }
  const h = 56 + choices.length * (ROW_H + GAP) + 52;
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.text(app.t('roomMenuTitle'), g.w / 2, y + 26, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
  let yy = y + 48;
  for (const c of choices) {
    const label =
      c.kind === 'kick' ? app.t('kickPlayer', { name: c.name }) : c.kind === 'leave' ? app.t('leaveRoom') : app.t('dissolveRoom');
    const id = c.kind === 'kick' ? `room-kick-${c.playerId}` : `room-${c.kind}`;
    g.button(id, x + 16, yy, w - 32, ROW_H, label, () => (t.menu = { confirm: c }), {
      kind: c.kind === 'kick' ? 'secondary' : 'danger',
      size: 14,
    });
    yy += ROW_H + GAP;
  }
  g.button('room-menu-close', x + 16, y + h - 48, w - 32, 40, app.t('close'), () => (t.menu = null), { kind: 'secondary' });
}

/** "Are you sure?", in words that say what follows; the command goes only from here. */
function drawConfirm(t: TableState, g: Gfx, c: MenuChoice, x: number, w: number): void {
  const { app } = t;
  const text =
    c.kind === 'kick' ? app.t('kickConfirm', { name: c.name }) : c.kind === 'leave' ? app.t('leaveConfirm') : app.t('dissolveConfirm');
  const h = 150;
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.paragraph(text, x + 16, y + 20, w - 32, { size: 15, lineHeight: 1.4 });
  g.region('room-confirm-text', x, y, w, 90, text, null);
  const half = (w - 32 - 8) / 2;
  g.button('room-cancel', x + 16, y + h - 52, half, 42, app.t('cancel'), () => (t.menu = { confirm: null }), {
    kind: 'secondary',
    size: 14,
  });
  g.button(
    'room-confirm',
    x + 16 + half + 8,
    y + h - 52,
    half,
    42,
    app.t('confirm'),
    () => {
      t.menu = null;
      void command(t, c.kind === 'kick' ? { t: 'kick', playerId: c.playerId } : { t: c.kind });
    },
    { kind: 'danger', size: 14 },
  );
}

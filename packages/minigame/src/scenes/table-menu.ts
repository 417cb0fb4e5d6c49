// The room's menu at the table: the owner changes the rules between hands (base score, turn time,
// spectators, visibility to friends: what the room lets change once it is open) or dissolves the
// room, the owner or an admin removes a player, a seated player gives up the seat (seed 三:
// 房主拥有修改规则、解散房间、踢出成员的权限，普通成员可邀请好友或退出房间). Each choice is confirmed on
// a second panel (the rules on their own form) before it is sent; the room decides (a player in a
// hand cannot leave, rules do not change during one, and it says so), and a refusal is a toast.
import { COLORS, type Gfx } from '../engine.ts';
import type { RoomView } from '../wire.ts';
import { command } from './table-intents.ts';
import { type ConfirmedChoice, menuChoices, type RulesDraft, stillOffered } from './table-menu-choices.ts';
import type { TableState } from './table-state.ts';

/** The turn times offered (the H5 table's), and the base score's bounds (the room's). */
const TURN_TIMES_S = [15, 30, 60, 90, 120] as const;
const BASE_MIN = 1;
const BASE_MAX = 10;

const ROW_H = 44;
const GAP = 8;

/** The menu button, top left under "back", when the viewer has something to choose. */
export function drawMenuButton(t: TableState, g: Gfx, room: RoomView): void {
  const s = t.st;
  const me = room.members.find((m) => m.playerId === s?.you?.playerId);
  if (s?.status !== 'live' || menuChoices(room, me, s.hand !== null).length === 0) return;
  g.button('room-menu', 10, 46, 64, 30, t.app.t('roomMenu'), () => (t.menu = { at: 'list' }), {
    kind: 'ghost',
    size: 12,
  });
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
    (s?.hand ?? null) !== null,
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
  // A choice the room no longer offers (a hand was dealt under the rules form, the player picked
  // left the table) gives way to the menu as it now is.
  const step =
    menu.at === 'list' || stillOffered(choices, menu.at === 'rules' ? { kind: 'rules' } : menu.choice) ? menu : { at: 'list' as const };
  t.menu = step;
  if (step.at === 'rules') {
    drawRules(t, g, step.draft, x, w);
    return;
  }
  if (step.at === 'confirm') {
    drawConfirm(t, g, step.choice, x, w);
    return;
  }
  const h = 56 + choices.length * (ROW_H + GAP) + 52;
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.text(app.t('roomMenuTitle'), g.w / 2, y + 26, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
  let yy = y + 48;
  for (const c of choices) {
    const label =
      c.kind === 'kick'
        ? app.t('kickPlayer', { name: c.name })
        : c.kind === 'leave'
          ? app.t('leaveRoom')
          : c.kind === 'rules'
            ? app.t('changeRules')
            : app.t('dissolveRoom');
    const id = c.kind === 'kick' ? `room-kick-${c.playerId}` : `room-${c.kind}`;
    const p = room.params;
    const choose = () =>
      (t.menu =
        c.kind === 'rules'
          ? {
              at: 'rules',
              draft: { baseScore: p.baseScore, turnTimeS: p.turnTimeS, spectators: p.spectators, friendsVisible: p.friendsVisible },
            }
          : { at: 'confirm', choice: c });
    g.button(id, x + 16, yy, w - 32, ROW_H, label, choose, {
      kind: c.kind === 'kick' || c.kind === 'rules' ? 'secondary' : 'danger',
      size: 14,
    });
    yy += ROW_H + GAP;
  }
  g.button('room-menu-close', x + 16, y + h - 48, w - 32, 40, app.t('close'), () => (t.menu = null), { kind: 'secondary' });
}

/** "Are you sure?", in words that say what follows; the command goes only from here. */
function drawConfirm(t: TableState, g: Gfx, c: ConfirmedChoice, x: number, w: number): void {
  const { app } = t;
  const text =
    c.kind === 'kick' ? app.t('kickConfirm', { name: c.name }) : c.kind === 'leave' ? app.t('leaveConfirm') : app.t('dissolveConfirm');
  const h = 150;
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.paragraph(text, x + 16, y + 20, w - 32, { size: 15, lineHeight: 1.4 });
  g.region('room-confirm-text', x, y, w, 90, text, null);
  panelButtons(
    g,
    x,
    y + h - 52,
    w,
    { id: 'room-cancel', label: app.t('cancel'), tap: () => (t.menu = { at: 'list' }) },
    {
      id: 'room-confirm',
      label: app.t('confirm'),
      tap: () => {
        t.menu = null;
        void command(t, c.kind === 'kick' ? { t: 'kick', playerId: c.playerId } : { t: c.kind });
      },
      kind: 'danger',
    },
  );
}

/** A row of the rules form: its label, − and + round its value. */
function ruleStepper(
  g: Gfx,
  id: string,
  x: number,
  y: number,
  w: number,
  label: string,
  value: string,
  dec: () => void,
  inc: () => void,
): void {
  // − value + take 144 px from the right; the label has the rest (104 px at 320 px wide).
  const bx = x + w - 16 - 144;
  g.text(label, x + 16, y + 20, { size: 14, color: COLORS.ink, maxWidth: bx - x - 24 });
  g.button(`${id}-dec`, bx, y, 40, 40, '−', dec, { kind: 'secondary', size: 20 });
  g.text(value, bx + 72, y + 20, { size: 16, weight: 'bold', color: COLORS.ink, align: 'center', maxWidth: 56 });
  g.region(`rules-value-${id}`, bx + 44, y, 56, 40, value, null);
  g.button(`${id}-inc`, bx + 104, y, 40, 40, '+', inc, { kind: 'secondary', size: 20 });
}

/** The rules form: base score, turn time, spectators and visibility to friends, then save (the next hand plays by them). */
function drawRules(t: TableState, g: Gfx, d: RulesDraft, x: number, w: number): void {
  const { app } = t;
  const row = 52;
  const h = 56 + 4 * row + 64;
  const y = Math.max(40, (g.h - h) / 2);
  g.box(x, y, w, h, 14, COLORS.paper);
  g.text(app.t('changeRules'), g.w / 2, y + 26, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
  let yy = y + 50;
  ruleStepper(
    g,
    'rules-base',
    x,
    yy,
    w,
    app.t('baseScore'),
    String(d.baseScore),
    () => (d.baseScore = Math.max(BASE_MIN, d.baseScore - 1)),
    () => (d.baseScore = Math.min(BASE_MAX, d.baseScore + 1)),
  );
  yy += row;
  const ti = Math.max(0, TURN_TIMES_S.indexOf(d.turnTimeS as 30));
  ruleStepper(
    g,
    'rules-turn',
    x,
    yy,
    w,
    app.t('turnTime'),
    app.t('seconds', { n: d.turnTimeS }),
    () => (d.turnTimeS = TURN_TIMES_S[Math.max(0, ti - 1)] as number),
    () => (d.turnTimeS = TURN_TIMES_S[Math.min(TURN_TIMES_S.length - 1, ti + 1)] as number),
  );
  yy += row;
  const flipSpectators = () => (d.spectators = !d.spectators);
  ruleStepper(
    g,
    'rules-spectators',
    x,
    yy,
    w,
    app.t('spectatorsRule'),
    d.spectators ? app.t('on') : app.t('off'),
    flipSpectators,
    flipSpectators,
  );
  yy += row;
  const flipFriends = () => (d.friendsVisible = !d.friendsVisible);
  ruleStepper(g, 'rules-friends', x, yy, w, app.t('friendsRule'), d.friendsVisible ? app.t('on') : app.t('off'), flipFriends, flipFriends);
  panelButtons(
    g,
    x,
    y + h - 52,
    w,
    { id: 'rules-cancel', label: app.t('cancel'), tap: () => (t.menu = { at: 'list' }) },
    {
      id: 'rules-save',
      label: app.t('save'),
      tap: () => {
        t.menu = null;
        void command(t, { t: 'rules', changes: { ...d } });
      },
      kind: 'primary',
    },
  );
}

/** A panel's two buttons side by side at `y`: the way back on the left, the choice on the right. */
function panelButtons(
  g: Gfx,
  x: number,
  y: number,
  w: number,
  back: { id: string; label: string; tap: () => void },
  go: { id: string; label: string; tap: () => void; kind: 'primary' | 'danger' },
): void {
  const half = (w - 32 - 8) / 2;
  g.button(back.id, x + 16, y, half, 42, back.label, back.tap, { kind: 'secondary', size: 14 });
  g.button(go.id, x + 16 + half + 8, y, half, 42, go.label, go.tap, { kind: go.kind, size: 14 });
}

// The table under its panels: felt, header (room code, hand number), pot and stake line, the seats
// round the felt, readiness and sharing between hands, the turn prompt and the action bar.
import { COLORS, type Gfx } from '../engine.ts';
import type { ChannelState } from '../room-channel.ts';
import type { HandViewWire, RoomView } from '../wire.ts';
import { shareRoom } from './create.ts';
import { drawActions } from './table-actions.ts';
import { drawMenuButton } from './table-menu.ts';
import { feltLayer } from './table-canvases.ts';
import { command, setReady } from './table-intents.ts';
import { drawSeat } from './table-seat.ts';
import { positions, type SeatPos, type TableState, tableCentreY } from './table-state.ts';

/** Everything on the table below the compare animation and the panels; false while connecting. */
export function drawTable(t: TableState, g: Gfx, now: number, rings: boolean): boolean {
  const { app } = t;
  // The felt and the table's rim never change: drawn once, copied each frame.
  g.ctx.drawImage(feltLayer(g.w, g.h, app.stage.dpr), 0, 0, g.w, g.h);
  const s = t.st;
  const room = s?.room ?? null;
  g.button('leave-table', 10, 10, 64, 30, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 12 });
  if (s === null || room === null) {
    g.text(app.t('connecting'), g.w / 2, g.h / 2, { size: 16, color: COLORS.paper, align: 'center' });
    return false;
  }
  t.ringsInline = rings;
  const view = s.hand?.view ?? null;
  const seats = Number(room.params.seats ?? 3);
  const mySeat = s.you?.seat ?? null;
  drawHeader(t, g, s, room);
  drawMenuButton(t, g, room);
  drawMiddle(t, g, room, view, seats);
  const pos = positions(g, seats, mySeat ?? 0);
  for (let seat = 0; seat < seats; seat++) drawSeat(t, g, room, seat, pos[seat] as SeatPos, view ?? null, mySeat, now);
  drawBetweenHands(t, g, s, room, seats);
  if (mySeat === null) {
    g.text(app.t('spectating'), g.w / 2, g.h - 40, { size: 14, color: COLORS.gold, align: 'center' });
    g.region('spectating', g.w / 2 - 50, g.h - 56, 100, 32, 'spectating', null);
  } else if (view !== null && view.turnSeat === mySeat && !t.raising)
    g.text(app.t('yourTurn'), g.w / 2, g.h - 138, { size: 15, weight: 'bold', color: COLORS.gold, align: 'center' });
  drawActions(t, g);
  t.ringsInline = true;
  return true;
}

/** The room code, and the hand number of the room's rounds. */
function drawHeader(t: TableState, g: Gfx, s: ChannelState, room: RoomView): void {
  const { app } = t;
  const hand = s.hand;
  g.text(`${app.t('roomCode')} ${room.code}`, 84, 25, { size: 13, color: COLORS.paper });
  const handNo = hand?.handNumber ?? room.next?.handNumber ?? room.handsPlayed;
  g.text(app.t('handNo', { n: Math.max(1, handNo), rounds: Number(room.params.rounds ?? 8) }), g.w - 12, 25, {
    size: 13,
    color: COLORS.gold,
    align: 'right',
  });
  g.region('hand-number', g.w - 110, 10, 100, 30, String(hand?.handNumber ?? 0), null);
}

/** The middle of the felt: the pot and the stake line in a hand, the seats taken while waiting. */
function drawMiddle(t: TableState, g: Gfx, room: RoomView, view: HandViewWire | null, seats: number): void {
  const { app } = t;
  const cy = tableCentreY(g.h);
  if (view !== null) {
    // The pot and the stake line sit between the side seats' chips and my cards (tight at 568 px high).
    const potW = g.text(app.t('pot', { n: view.potPoints }), g.w / 2, cy - 8, {
      size: 18,
      weight: 'bold',
      color: COLORS.gold,
      align: 'center',
    });
    const potH = 18 * g.textScale;
    g.region('pot', g.w / 2 - potW / 2, cy - 8 - potH / 2, potW, potH, String(view.potPoints), null);
    const stakeLine = `${app.t('stake', { n: view.stakePoints })} · ${app.t('roundNo', { n: view.round })}`;
    const stakeW = g.text(stakeLine, g.w / 2, cy + 13, { size: 13, color: COLORS.paper, align: 'center' });
    const stakeH = 13 * g.textScale;
    g.region('stake-line', g.w / 2 - stakeW / 2, cy + 13 - stakeH / 2, stakeW, stakeH, stakeLine, null);
  } else if (room.status === 'waiting') {
    const seated = room.members.filter((m) => m.seat !== null).length;
    g.text(app.t('waitingPlayers', { n: seated, seats }), g.w / 2, cy, { size: 15, color: COLORS.paper, align: 'center' });
  }
}

/** Between hands: readiness (and the owner may start a table that is not full). */
function drawBetweenHands(t: TableState, g: Gfx, s: ChannelState, room: RoomView, seats: number): void {
  const { app } = t;
  const me = room.members.find((m) => m.playerId === s.you?.playerId);
  const mySeat = s.you?.seat ?? null;
  if (s.hand !== null || mySeat === null || me === undefined || (room.status !== 'waiting' && room.status !== 'playing')) return;
  const by = g.h - 110;
  g.button('ready-button', 24, by, g.w / 2 - 32, 46, me.ready ? app.t('notReady') : app.t('ready'), () => void setReady(t, 'toggle'), {
    kind: me.ready ? 'secondary' : 'primary',
    enabled: !t.readying,
  });
  if (room.status !== 'waiting') return;
  g.button('share-room', g.w / 2 + 8, by, g.w / 2 - 32, 46, app.t('share'), () => shareRoom(app, room.code, null), {
    kind: 'gold',
    size: 14,
  });
  const seated = room.members.filter((m) => m.seat !== null);
  if (room.ownerId === s.you?.playerId && seated.length >= 2 && seated.length < seats && seated.every((m) => m.ready))
    g.button('start-now', 24, by + 54, g.w - 48, 40, app.t('startNow'), () => void command(t, { t: 'start' }), { kind: 'secondary' });
}

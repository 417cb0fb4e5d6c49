// The table: seats round a felt, avatars, hidden and revealed cards, chips and the pot, the turn
// timer, the legal actions the server listed, look and compare animations, a result panel after
// each hand and the final scoreboard (shareable as an image). Everything shown comes from the
// room's frames; a tap sends an intent and the server's next frame is the answer. The rules
// package names the hand categories; the client decides nothing. This file holds the scene and
// the room's frames; each part of the table is in its own `table-*.ts` file, all reading and
// changing one `TableState`.
import type { App } from '../app.ts';
import { COLORS, type FontSpec, type Gfx, type Scene } from '../engine.ts';
import { reasonText } from '../explain.ts';
import { type ChannelState, RoomChannel } from '../room-channel.ts';
import type { HandViewWire } from '../wire.ts';
import { backdropReady, drawTurnRing, prepareBackdrop, prepareBackdropSoon, releaseBackdrop } from './table-backdrop.ts';
import { drawFinal } from './table-board.ts';
import { createTableChat } from './table-chat.ts';
import { drawTable } from './table-layout.ts';
import { drawMenu } from './table-menu.ts';
import { drawCompare, drawResult, drawVerify } from './table-panels.ts';
import { rehearse } from './table-rehearsal.ts';
import {
  COMPARE_ANIM_MS,
  compareAnimating,
  initialTableFields,
  LOOK_ANIM_MS,
  positions,
  TIMER_TICK_MS,
  type TableState,
} from './table-state.ts';
import { createTableVoice } from './table-voice.ts';

/**
 * Every font the table draws with (cards, avatars, labels, buttons, the compare and result panels),
 * set up while the table waits for players so that no frame of a hand pays a font's first use.
 */
const TABLE_FONTS: readonly FontSpec[] = [
  [8, 'bold'],
  [9, 'normal'],
  [10, 'bold'],
  [11, 'normal'],
  [11, 'bold'],
  [12, 'normal'],
  [12, 'bold'],
  [13, 'normal'],
  [14, 'normal'],
  [14, 'bold'],
  [15, 'normal'],
  [15, 'bold'],
  [16, 'normal'],
  [16, 'bold'],
  [17, 'bold'],
  [18, 'normal'],
  [18, 'bold'],
  [19, 'bold'],
  [20, 'normal'],
  [20, 'bold'],
  [21, 'bold'],
  [22, 'normal'],
  [25, 'bold'],
  [30, 'bold'],
  [34, 'bold'],
  [48, 'bold'],
];
/** Glyphs the table shows beyond its words: digits, suits, the card back's star, the loser's cross, the checks' ticks. */
const TABLE_GLYPHS = '0123456789+-…()（）:：·♠♥♦♣✦✕✓−AJQK';

/** The words the table shows, warmed with its fonts. */
const TABLE_WORDS = [
  'pot',
  'stake',
  'roundNo',
  'look',
  'call',
  'raise',
  'compare',
  'fold',
  'seen',
  'blind',
  'folded',
  'lost',
  'handResult',
  'continue',
  'vs',
  'yourTurn',
  'ready',
  'notReady',
] as const;

export function tableScene(app: App, roomId: string): Scene {
  const t = createTableState(app, roomId);
  app.stage.warmFonts(TABLE_FONTS, `${TABLE_GLYPHS}${TABLE_WORDS.map((k) => app.t(k as 'pot')).join('')}`);
  wx.onShareAppMessage(() => {
    const code = t.st?.room?.code ?? '';
    return { title: app.t('shareTitle', { nickname: app.me?.nickname ?? '', code }), query: `room=${code}` };
  });
  return {
    name: 'table',
    hidden: () => t.channel.pause(),
    shown: () => t.channel.resume(),
    exit: () => exitTable(t),
    animating: (now) =>
      (t.anim !== null && now - t.anim.startMs < (t.anim.kind === 'compare' ? COMPARE_ANIM_MS : LOOK_ANIM_MS)) || t.chat.showing(now),
    draw: (g: Gfx, now: number) => drawScene(t, g, now),
    debug: () => tableDebug(t),
  };
}

/** The table's state, with the room channel whose frames change it and the chat and voice on it. */
function createTableState(app: App, roomId: string): TableState {
  const channel = new RoomChannel({
    origin: app.api.origin,
    roomId,
    token: () => app.api.tokens?.accessToken ?? null,
    nowMs: () => app.nowMs(),
    onChange: (s) => receiveState(t, s),
  });
  const chat = createTableChat(
    app,
    channel,
    () => t.st?.chat ?? [],
    () => t.st?.you?.playerId ?? null,
  );
  const voice = createTableVoice(app, channel);
  channel.onVoice = (f) => voice.receive(f);
  channel.onWelcome = () => voice.rejoin();
  const t: TableState = { app, roomId, channel, chat, voice, ...initialTableFields() };
  return t;
}

function exitTable(t: TableState): void {
  if (t.timer !== undefined) clearInterval(t.timer);
  if (t.rehearsalTimer !== undefined) clearTimeout(t.rehearsalTimer);
  if (t.backdropTimer !== undefined) clearTimeout(t.backdropTimer);
  releaseBackdrop(t);
  t.chat.close();
  t.voice.close();
  t.channel.close();
}

/** The room's state after a frame: animations it starts, the voice prompts, the turn timer, the backdrop and rehearsal. */
function receiveState(t: TableState, s: ChannelState): void {
  const { app } = t;
  const prevStatus = t.st?.room?.status;
  t.st = s;
  const view = s.hand?.view ?? null;
  if (view !== null) receiveView(t, view);
  const mine = s.you?.seat ?? null;
  const myTurn = view !== null && mine !== null && view.turnSeat === mine;
  if (myTurn && !t.myTurnBefore) app.speak('turn');
  t.myTurnBefore = myTurn;
  if (prevStatus !== s.room?.status && s.room?.status === 'finished') {
    const me = s.room.scores.find((x) => x.playerId === s.you?.playerId);
    const top = Math.max(...s.room.scores.map((x) => x.points));
    if (me !== undefined && me.points === top && top > 0) app.speak('win');
  }
  if (t.timer !== undefined) clearInterval(t.timer);
  t.timer = undefined;
  if (s.hand?.turnDeadlineMs != null) t.timer = setInterval(() => app.stage.invalidate(), TIMER_TICK_MS);
  if (compareAnimating(t, app.nowMs())) prepareBackdrop(t);
  else if (t.layer !== null && s.hand === null) releaseBackdrop(t);
  app.stage.invalidate();
  rehearse(t, s, (g, now) => drawScene(t, g, now));
}

/** A hand's new view: the look or compare it follows by one step starts its animation. */
function receiveView(t: TableState, view: HandViewWire): void {
  if (t.lastView === null || view.step !== t.lastStep) {
    const e = view.lastEvent;
    if (e !== null && t.lastView !== null && view.step === t.lastStep + 1) {
      if (e.type === 'compare')
        t.anim = { kind: 'compare', seat: e.seat, target: e.targetSeat, loser: e.loserSeat, startMs: t.app.nowMs() };
      else if (e.type === 'look') t.anim = { kind: 'look', seat: e.seat, startMs: t.app.nowMs() };
    }
    t.lastStep = view.step;
    t.raising = false;
  }
  t.lastView = view;
  t.choosing = false;
}

/** A frame: the table (or its backdrop under a compare), the panels, chat and voice, the connection's banners. */
function drawScene(t: TableState, g: Gfx, now: number): void {
  const layer = compareAnimating(t, now) ? backdropReady(t) : null;
  if (layer !== null) {
    // The table under the compare animation, as drawn (and rasterised) when it last changed.
    g.ctx.drawImage(layer.canvas, 0, 0, g.w, g.h);
    g.regions.push(...layer.regions);
    drawTurnRing(t, g);
  } else {
    if (compareAnimating(t, now)) prepareBackdropSoon(t);
    drawTable(t, g, now, true);
  }
  const s = t.st;
  const room = s?.room ?? null;
  if (s === null || room === null) return;
  drawCompare(t, g, room, now);
  drawResult(t, g, room);
  drawFinal(t.app, g, room);
  drawVerify(t, g);
  drawMenu(t, g, room);
  const pos = positions(g, Number(room.params.seats ?? 3), s.you?.seat ?? 0);
  if (s.status === 'live') t.chat.draw(g, (seat) => pos[seat] ?? null, now);
  if (s.status === 'live') t.voice.draw(g, room.params.voiceChat, (seat) => pos[seat] ?? null);
  drawConnection(t, g, s);
}

/** The banner while the socket reconnects, and the notice when the room closed for good before it ended. */
function drawConnection(t: TableState, g: Gfx, s: ChannelState): void {
  const { app } = t;
  if (s.status === 'reconnecting' || s.status === 'connecting') {
    g.box(0, 48, g.w, 30, 0, 'rgba(198,40,40,0.9)');
    g.text(app.t('reconnecting'), g.w / 2, 63, { size: 13, color: COLORS.white, align: 'center' });
    g.region('reconnect-banner', 0, 48, g.w, 30, 'reconnecting', null);
  }
  // A room that ended keeps its final scoreboard (with its own way back) when its socket closes.
  const ended = s.room?.status === 'finished' || s.room?.status === 'dissolved';
  if (s.status === 'closed' && !ended) {
    // The table under it is no longer the player's: dimmed, and nothing on it answers a tap.
    g.blocker('closed-backdrop');
    g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
    g.ctx.fillRect(0, 0, g.w, g.h);
    const text = app.t('roomClosed', { reason: reasonText(app.lang, s.closedCode ?? '') });
    g.box(20, g.h / 2 - 60, g.w - 40, 120, 12, COLORS.paper);
    g.paragraph(text, 36, g.h / 2 - 44, g.w - 72, { size: 14, lineHeight: 1.4 });
    g.region('closed-notice', 20, g.h / 2 - 60, g.w - 40, 60, text, null);
    g.button('closed-back', 40, g.h / 2 + 12, g.w - 80, 36, app.t('backLobby'), () => app.show(app.scenes.lobby(app)), {
      kind: 'secondary',
    });
  }
}

/** What the test host reads of the table. */
function tableDebug(t: TableState): Record<string, unknown> {
  const s = t.st;
  const view = s?.hand?.view ?? null;
  const me = view?.players.find((p) => p.seat === s?.you?.seat);
  const verify = t.verify;
  return {
    roomId: t.roomId,
    connection: s?.status ?? 'connecting',
    code: s?.room?.code ?? null,
    roomStatus: s?.room?.status ?? null,
    version: s?.v ?? 0,
    mySeat: s?.you?.seat ?? null,
    handNumber: s?.hand?.handNumber ?? 0,
    handsPlayed: s?.room?.handsPlayed ?? 0,
    phase: view?.phase ?? null,
    turnSeat: view?.turnSeat ?? null,
    step: view?.step ?? null,
    myCards: me?.cards ?? null,
    legal: s?.hand?.legal ?? null,
    raising: t.raising,
    verify:
      verify === null
        ? null
        : {
            handNumber: verify.handNumber,
            ok: verify.verdict?.ok ?? null,
            notKept: verify.verdict?.notKept ?? null,
            error: verify.error,
          },
    lastHand: s?.room?.last?.handNumber ?? 0,
    anim: t.anim?.kind ?? null,
    scores: s?.room?.scores ?? [],
    closedCode: s?.closedCode ?? null,
    menu: t.menu === null ? null : t.menu.at === 'list' ? 'open' : t.menu.at === 'rules' ? 'rules' : t.menu.choice.kind,
    rules: s?.room?.params ?? null,
    chat: t.chat.debug(),
    voice: t.voice.debug(),
  };
}

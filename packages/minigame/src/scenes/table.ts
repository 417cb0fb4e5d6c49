// The table: seats round a felt, avatars, hidden and revealed cards, chips and the pot, the turn
// timer, the legal actions the server listed, look and compare animations, a result panel after
// each hand and the final scoreboard (shareable as an image). Everything shown comes from the
// room's frames; a tap sends an intent and the server's next frame is the answer. The rules
// package names the hand categories; the client decides nothing.
import {
  HAND_CATEGORIES,
  type HandRecordWire,
  type HandVerdict,
  type LegalActions,
  raiseChoices,
  verifyHandRecord,
} from '@fairground/rules';
import { ApiError } from '../api.ts';
import type { App } from '../app.ts';
import { COLORS, easeOut, type FontSpec, Gfx, type Region, type Scene } from '../engine.ts';
import { explain, reasonText } from '../explain.ts';
import { keptHand } from '../kept.ts';
import { RoomChannel, type ChannelState } from '../room-channel.ts';
import type { HandPlayerView, HandSection, HandViewWire, MemberView, RoomView } from '../wire.ts';
import { shareRoom } from './create.ts';
import { createTableChat } from './table-chat.ts';
import { createTableVoice } from './table-voice.ts';
import { avatar, card, chipCount, chips, crown } from './table-draw.ts';

const COMPARE_ANIM_MS = 1400;
const LOOK_ANIM_MS = 450;
/** The turn ring is redrawn this often while a turn timer runs (a frame per tick, not 60 a second). */
const TIMER_TICK_MS = 250;
/** A seat's name is shortened (with an ellipsis) to at most this width, px. */
const NAME_W_MAX = 110;
/** Up to this many raise choices are buttons in a row; more are a stepper. */
const RAISE_BUTTONS_MAX = 5;

interface SeatPos {
  readonly x: number;
  readonly y: number;
}

type Anim =
  | { kind: 'compare'; seat: number; target: number; loser: number; startMs: number }
  | { kind: 'look'; seat: number; startMs: number };

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

/** The middle of the felt: below the header, above the action buttons. */
const tableCentreY = (h: number) => 64 + (h - 64 - 190) / 2;

/** The felt and the table's rim, drawn once per screen size on an offscreen canvas. */
let felt: { canvas: WechatMinigame.Canvas; w: number; h: number } | null = null;

function feltLayer(w: number, h: number, dpr: number): WechatMinigame.Canvas {
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
 * The canvas the table rehearses on (see `rehearse` in `tableScene`): the screen's size and pixel
 * ratio while a rehearsal runs, so text is shaped and drawn at the sizes the screen uses; one per
 * game, shrunk to a pixel between rehearsals.
 */
let rehearsalCanvas: { canvas: WechatMinigame.Canvas; ctx: Canvas2D; w: number; h: number } | null = null;

function rehearsalContext(w: number, h: number, dpr: number): Canvas2D {
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
function releaseRehearsalCanvas(): void {
  if (rehearsalCanvas === null) return;
  rehearsalCanvas.canvas.width = 1;
  rehearsalCanvas.canvas.height = 1;
  rehearsalCanvas.w = 0;
  rehearsalCanvas.h = 0;
}

/**
 * The table under the compare animation (see `prepareBackdrop` in `tableScene`), and a 1-pixel
 * canvas it is copied to so that it is rasterised there and then, outside any frame.
 */
let backdrop: { canvas: WechatMinigame.Canvas; ctx: Canvas2D; sink: Canvas2D; w: number; h: number } | null = null;

function backdropCanvas(w: number, h: number, dpr: number): NonNullable<typeof backdrop> {
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
function releaseBackdropCanvas(): void {
  if (backdrop === null || backdrop.w === 0) return;
  backdrop.canvas.width = 1;
  backdrop.canvas.height = 1;
  backdrop.w = 0;
  backdrop.h = 0;
}

const RANKS = '23456789TJQKA';
const SUIT_LETTERS = 'shdc';

export function tableScene(app: App, roomId: string): Scene {
  let st: ChannelState | null = null;
  let lastView: HandViewWire | null = null;
  let lastStep = -1;
  let anim: Anim | null = null;
  let choosing = false;
  /** The hand being verified on this device, and the verdict once the checks have run. */
  let verify: { handNumber: number; verdict: HandVerdict | null; error: string | null } | null = null;
  /** Choosing how far to raise, and the stake picked so far. */
  let raising = false;
  let raiseTo: number | null = null;
  let dismissedHand = 0;
  let myTurnBefore = false;
  let timer: number | undefined;
  let sending = false;

  const channel = new RoomChannel({
    origin: app.api.origin,
    roomId,
    token: () => app.api.tokens?.accessToken ?? null,
    nowMs: () => app.nowMs(),
    onChange: (s) => {
      const prevStatus = st?.room?.status;
      st = s;
      const view = s.hand?.view ?? null;
      if (view !== null) {
        if (lastView === null || view.step !== lastStep) {
          const e = view.lastEvent;
          if (e !== null && lastView !== null && view.step === lastStep + 1) {
            if (e.type === 'compare')
              anim = { kind: 'compare', seat: e.seat, target: e.targetSeat, loser: e.loserSeat, startMs: app.nowMs() };
            else if (e.type === 'look') anim = { kind: 'look', seat: e.seat, startMs: app.nowMs() };
          }
          lastStep = view.step;
          raising = false;
        }
        lastView = view;
        choosing = false;
      }
      const mine = s.you?.seat ?? null;
      const myTurn = view !== null && mine !== null && view.turnSeat === mine;
      if (myTurn && !myTurnBefore) app.speak('turn');
      myTurnBefore = myTurn;
      if (prevStatus !== s.room?.status && s.room?.status === 'finished') {
        const me = s.room.scores.find((x) => x.playerId === s.you?.playerId);
        const top = Math.max(...s.room.scores.map((x) => x.points));
        if (me !== undefined && me.points === top && top > 0) app.speak('win');
      }
      if (timer !== undefined) clearInterval(timer);
      timer = undefined;
      if (s.hand?.turnDeadlineMs != null) timer = setInterval(() => app.stage.invalidate(), TIMER_TICK_MS);
      if (compareAnimating(app.nowMs())) prepareBackdrop();
      else if (layer !== null && s.hand === null) releaseBackdrop();
      app.stage.invalidate();
      rehearse(s);
    },
  });
  const tableChat = createTableChat(
    app,
    channel,
    () => st?.chat ?? [],
    () => st?.you?.playerId ?? null,
  );
  const tableVoice = createTableVoice(app, channel);
  channel.onVoice = (f) => tableVoice.receive(f);
  channel.onWelcome = () => tableVoice.rejoin();
  app.stage.warmFonts(
    TABLE_FONTS,
    `${TABLE_GLYPHS}${['pot', 'stake', 'roundNo', 'look', 'call', 'raise', 'compare', 'fold', 'seen', 'blind', 'folded', 'lost', 'handResult', 'continue', 'vs', 'yourTurn', 'ready', 'notReady'].map((k) => app.t(k as 'pot')).join('')}`,
  );
  wx.onShareAppMessage(() => {
    const code = st?.room?.code ?? '';
    return { title: app.t('shareTitle', { nickname: app.me?.nickname ?? '', code }), query: `room=${code}` };
  });

  const act = async (action: Record<string, unknown>) => {
    if (sending) return;
    sending = true;
    try {
      const r = await channel.send({ t: 'act', action });
      if (r.t === 'error') app.toast(reasonText(app.lang, r.code ?? ''));
    } finally {
      sending = false;
      app.stage.invalidate();
    }
  };
  const command = async (frame: Record<string, unknown> & { t: string }) => {
    const r = await channel.send(frame);
    if (r.t === 'error') app.toast(reasonText(app.lang, r.code ?? ''));
    app.stage.invalidate();
  };

  /** A readiness change is on its way: the ready button waits for the server's answer. */
  let readying = false;
  /**
   * Says ready (or not) between hands. A tap lands on the regions of the frame last drawn, which
   * may predate a frame that just started the next hand: the state is read again here, so a tap
   * on a stale button sends nothing.
   */
  const setReady = async (ready: boolean | 'toggle') => {
    const s = st;
    const me = s?.room?.members.find((m) => m.playerId === s.you?.playerId);
    if (readying || s === null || s.hand !== null || me === undefined || me.seat === null) return;
    if (s.room?.status !== 'waiting' && s.room?.status !== 'playing') return;
    const want = ready === 'toggle' ? !me.ready : ready;
    if (want === me.ready) return;
    readying = true;
    app.stage.invalidate();
    try {
      await command({ t: 'ready', ready: want });
    } finally {
      readying = false;
      app.stage.invalidate();
    }
  };

  /** The raise choices of the legal actions last seen, listed once rather than every frame. */
  let choices: { of: LegalActions['raise']; list: readonly number[] } | null = null;
  const choicesOf = (raise: LegalActions['raise']): readonly number[] => {
    if (choices === null || choices.of !== raise) choices = { of: raise, list: raiseChoices(raise) };
    return choices.list;
  };

  const memberAt = (room: RoomView, seat: number): MemberView | undefined => room.members.find((m) => m.seat === seat);

  /** Seat positions on an ellipse, my seat (or seat 0 for a spectator) at the bottom. */
  const positions = (g: Gfx, seats: number, mySeat: number): SeatPos[] => {
    const cx = g.w / 2;
    const cy = tableCentreY(g.h);
    const rx = g.w / 2 - 46;
    const ry = (g.h - 64 - 190) / 2 - 30;
    const out: SeatPos[] = [];
    for (let s = 0; s < seats; s++) {
      const rel = (s - mySeat + seats) % seats;
      const a = Math.PI / 2 + (rel * 2 * Math.PI) / seats;
      out.push({ x: cx + rx * Math.cos(a), y: cy + ry * Math.sin(a) });
    }
    return out;
  };

  /** Whether `drawSeat` draws the turn timer (not when the table goes on a backdrop the timer is drawn over). */
  let ringsInline = true;

  /** The turn timer: a ring round the seat whose turn it is, emptying as the deadline nears. */
  const turnRing = (g: Gfx, room: RoomView, seat: number, p: SeatPos, view: HandViewWire | null) => {
    const hand = st?.hand;
    if (view === null || view.turnSeat !== seat || hand?.turnDeadlineMs == null) return;
    const r = app.elder ? 26 : 22;
    const total = Number(room.params.turnTimeS ?? 30) * 1000;
    const left = Math.max(0, hand.turnDeadlineMs - channel.serverNowMs());
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
  };

  const drawSeat = (g: Gfx, room: RoomView, seat: number, p: SeatPos, view: HandViewWire | null, mySeat: number | null, now: number) => {
    const m = memberAt(room, seat);
    const player: HandPlayerView | undefined = view?.players.find((x) => x.seat === seat);
    const r = app.elder ? 26 : 22;
    if (m === undefined) {
      g.circle(p.x, p.y, r, 'rgba(255,255,255,0.08)', 'rgba(255,255,255,0.35)', 1);
      g.text('+', p.x, p.y, { size: 20, color: 'rgba(255,255,255,0.5)', align: 'center' });
      return;
    }
    const out = player !== undefined && player.status !== 'active';
    g.ctx.globalAlpha = out ? 0.55 : 1;
    avatar(g, p.x, p.y, r, m.nickname, seat);
    g.ctx.globalAlpha = 1;
    if (ringsInline) turnRing(g, room, seat, p, view);
    // The name and the score sit under the avatar; other seats' cards sit beside it at its height
    // (mine above it), so a long name never runs under the cards at any width.
    const name = seat === mySeat ? `${m.nickname}(${app.t('you')})` : m.nickname;
    const nameW = Math.min(NAME_W_MAX, 2 * Math.min(p.x, g.w - p.x) - 8);
    g.text(name, p.x, p.y + r + 11, { size: 12, color: COLORS.paper, align: 'center', maxWidth: nameW });
    g.region(`seat-${seat}-name`, p.x - nameW / 2, p.y + r + 3, nameW, 16, name, null);
    const score = room.scores.find((x) => x.playerId === m.playerId)?.points ?? 0;
    g.text(String(score), p.x, p.y + r + 26, { size: 12, weight: 'bold', color: score >= 0 ? COLORS.gold : '#ff8a80', align: 'center' });
    // Status tag.
    let tag: string | null = null;
    if (!m.connected) tag = app.t('offline');
    else if (m.trusteeship) tag = app.t('trustee');
    if (player !== undefined) {
      if (player.status === 'folded') tag = app.t('folded');
      else if (player.status === 'lost') tag = app.t('lost');
      else if (player.seen) tag = app.t('seen');
      else tag = tag ?? app.t('blind');
    } else if (view === null && m.ready && room.status !== 'finished') tag = app.t('readyMark');
    if (tag !== null) {
      g.box(p.x - 24, p.y - r - 22, 48, 18, 9, 'rgba(0,0,0,0.55)');
      g.text(tag, p.x, p.y - r - 13, { size: 11, color: COLORS.paper, align: 'center', maxWidth: 44 });
    }
    // Cards, toward the centre of the table.
    if (player !== undefined) {
      const mine = seat === mySeat;
      const cw = mine ? 40 : 26;
      const ch = Math.round(cw * 1.4);
      const step = mine ? cw * 1.1 : cw * 0.8;
      const spread = step * 2 + cw;
      const leftSide = p.x < g.w / 2;
      const cy = mine ? p.y - r - ch - 26 : p.y - ch / 2;
      const cx0 = mine ? p.x - spread / 2 : leftSide ? p.x + r + 6 : p.x - r - 6 - spread;
      const lift = anim?.kind === 'look' && anim.seat === seat ? (1 - easeOut(anim.startMs, LOOK_ANIM_MS, now)) * 10 : 0;
      for (let i = 0; i < 3; i++) {
        const name = player.cards?.[i] ?? null;
        card(g, cx0 + i * step, cy - lift, cw, ch, name, out);
      }
      const shown = player.cards ?? [];
      g.region(`seat-${seat}-cards`, cx0, cy, spread, ch, shown.join(' '), null);
      if (player.category != null) {
        // Mine: beside my cards, clear of the stake line above them at 320 px. Another seat's: in
        // the strip above its cards between its status tag and the middle of the table, shrunk to
        // 10 px before it is shortened.
        const cat = app.t(`cat_${player.category}` as 'cat_pair');
        let from: number;
        let to: number;
        let y: number;
        if (mine) {
          from = cx0 + spread + 6;
          to = g.w - 6;
          y = cy + ch / 2;
        } else if (leftSide) {
          from = p.x + r + 6;
          to = Math.min(cx0 + spread, g.w / 2 - 3);
          y = cy - 9;
        } else {
          from = Math.max(cx0, g.w / 2 + 3);
          to = p.x - r - 6;
          y = cy - 9;
        }
        const space = Math.max(0, to - from);
        const size = g.measure(cat, 11, 'bold') <= space ? 11 : 10;
        const align = mine || !leftSide ? 'left' : 'right';
        const tw = g.text(cat, align === 'left' ? from : to, y, { size, weight: 'bold', color: COLORS.gold, align, maxWidth: space });
        const th = size * g.textScale;
        g.region(`seat-${seat}-category`, align === 'left' ? from : to - tw, y - th / 2, tw, th, cat, null);
      }
      if (player.contributedPoints > 0) {
        // Mine: left of my avatar, above my name. Another seat's: under the inner end of its cards, the amount
        // toward the seat's own side, so two side seats' chips never meet in the middle. A taller
        // stack sits lower, its top chip clear of the cards.
        const chipsY = cy + ch + 10 + (chipCount(player.contributedPoints) - 1) * 3;
        const box = mine
          ? chips(g, p.x - r - 40, p.y + 4, player.contributedPoints, 'right')
          : leftSide
            ? chips(g, cx0 + spread - 8, chipsY, player.contributedPoints, 'left')
            : chips(g, cx0 + 8, chipsY, player.contributedPoints, 'right');
        g.region(`seat-${seat}-chips`, box.x, box.y, box.w, box.h, String(player.contributedPoints), null);
      }
    }
    // Choosing whom to compare with: the candidates light up and take the tap.
    const legal = st?.hand?.legal;
    if (choosing && legal?.compare?.targetSeats.includes(seat)) {
      g.circle(p.x, p.y, r + 8, 'rgba(212,160,23,0.25)', COLORS.gold, 3);
      g.region(`compare-target-${seat}`, p.x - r - 8, p.y - r - 8, r * 2 + 16, r * 2 + 16, m.nickname, () => {
        choosing = false;
        void act({ type: 'compare', targetSeat: seat });
      });
    } else g.region(`seat-${seat}`, p.x - r, p.y - r, r * 2, r * 2, m.playerId, null);
  };

  const drawActions = (g: Gfx) => {
    const hand = st?.hand;
    const legal = hand?.legal;
    if (hand === undefined || hand === null || legal === null || legal === undefined) return;
    const y0 = g.h - 118;
    const h = app.elder ? 52 : 44;
    const gap = 8;
    if (choosing) {
      g.text(app.t('chooseTarget'), g.w / 2, y0 + 10, { size: 15, weight: 'bold', color: COLORS.gold, align: 'center' });
      g.button('act-cancel', 16, y0 + 30, g.w - 32, h, app.t('cancel'), () => (choosing = false), { kind: 'secondary' });
      return;
    }
    if (raising && legal.raise !== null) {
      drawRaise(g, hand.view.stakePoints, legal.raise.costPerStakePoint, choicesOf(legal.raise), y0, h, gap);
      return;
    }
    const buttons: { id: string; label: string; kind: 'primary' | 'secondary' | 'danger' | 'gold'; run: () => void }[] = [];
    if (legal.look) buttons.push({ id: 'act-look', label: app.t('look'), kind: 'secondary', run: () => void act({ type: 'look' }) });
    if (legal.call !== null)
      buttons.push({
        id: 'act-call',
        label: app.t('call', { n: legal.call.costPoints }),
        kind: 'primary',
        run: () => void act({ type: 'call' }),
      });
    const raises = choicesOf(legal.raise);
    if (raises.length > 0)
      buttons.push({
        id: 'act-raise',
        label: app.t('raise'),
        kind: 'gold',
        run: () => {
          raising = true;
          raiseTo = raises[0] ?? null;
        },
      });
    const compare = legal.compare;
    if (compare !== null) {
      buttons.push({
        id: 'act-compare',
        label: app.t('compare', { n: compare.costPoints }),
        kind: 'gold',
        run: () => {
          const only = compare.targetSeats.length === 1 ? compare.targetSeats[0] : undefined;
          if (only !== undefined) void act({ type: 'compare', targetSeat: only });
          else choosing = true;
        },
      });
    }
    if (legal.allIn !== null)
      buttons.push({
        id: 'act-all-in',
        label: app.t('allIn', { n: legal.allIn.costPoints }),
        kind: 'danger',
        run: () => void act({ type: 'all-in' }),
      });
    if (legal.fold) buttons.push({ id: 'act-fold', label: app.t('fold'), kind: 'danger', run: () => void act({ type: 'fold' }) });
    if (buttons.length === 0) return;
    const perRow = buttons.length <= 3 ? buttons.length : Math.ceil(buttons.length / 2);
    const bw = (g.w - 32 - gap * (perRow - 1)) / perRow;
    buttons.forEach((b, i) => {
      const row = Math.floor(i / perRow);
      const col = i % perRow;
      g.button(b.id, 16 + col * (bw + gap), y0 + row * (h + gap), bw, h, b.label, b.run, { kind: b.kind, enabled: !sending, size: 15 });
    });
  };

  /**
   * Choosing how far to raise: every stake the rules allow, as buttons when there are a few, else
   * a stepper; the confirm button says the stake and what it costs (a seen player pays double),
   * so it never reads like the call beside it.
   */
  const drawRaise = (g: Gfx, stake: number, perStake: number, choices: readonly number[], y0: number, h: number, gap: number) => {
    const to = raiseTo !== null && choices.includes(raiseTo) ? raiseTo : (choices[0] as number);
    const pick = (n: number) => () => {
      raiseTo = n;
    };
    const rowH = h - 6;
    g.text(app.t('raiseLabel', { now: stake }), 16, y0 - 12, { size: 13, color: COLORS.paper, maxWidth: g.w - 32 });
    if (choices.length <= RAISE_BUTTONS_MAX) {
      const bw = (g.w - 32 - gap * (choices.length - 1)) / choices.length;
      choices.forEach((n, i) => {
        g.button(`raise-${n}`, 16 + i * (bw + gap), y0, bw, rowH, String(n), pick(n), { kind: n === to ? 'gold' : 'ghost', size: 15 });
      });
    } else {
      const at = choices.indexOf(to);
      const bw = 64;
      g.button('raise-less', 16, y0, bw, rowH, '−', pick(choices[Math.max(0, at - 1)] as number), {
        kind: 'ghost',
        enabled: at > 0,
        size: 20,
      });
      g.text(String(to), g.w / 2, y0 + rowH / 2, { size: 20, weight: 'bold', color: COLORS.gold, align: 'center' });
      g.region('raise-to', g.w / 2 - 40, y0, 80, rowH, String(to), null);
      g.button('raise-more', g.w - 16 - bw, y0, bw, rowH, '+', pick(choices[Math.min(choices.length - 1, at + 1)] as number), {
        kind: 'ghost',
        enabled: at < choices.length - 1,
        size: 20,
      });
    }
    const y1 = y0 + rowH + gap;
    const cancelW = (g.w - 32 - gap) / 3;
    g.button('raise-cancel', 16, y1, cancelW, h, app.t('cancel'), () => (raising = false), { kind: 'secondary', size: 15 });
    g.button(
      'raise-confirm',
      16 + cancelW + gap,
      y1,
      g.w - 32 - gap - cancelW,
      h,
      app.t('raisePay', { to, cost: to * perStake }),
      () => {
        raising = false;
        void act({ type: 'raise', toStakePoints: to });
      },
      { kind: 'gold', enabled: !sending, size: 15 },
    );
  };

  const drawCompare = (g: Gfx, room: RoomView, now: number) => {
    if (anim?.kind !== 'compare') return;
    const t = (now - anim.startMs) / COMPARE_ANIM_MS;
    if (t >= 1) {
      anim = null;
      return;
    }
    const a = anim;
    g.ctx.fillStyle = `rgba(0,0,0,${0.55 * Math.min(1, t * 4)})`;
    g.ctx.fillRect(0, 0, g.w, g.h);
    const slide = easeOut(a.startMs, COMPARE_ANIM_MS * 0.35, now);
    const cy = g.h * 0.4;
    const left = { x: -60 + (g.w / 2 - 70 + 60) * slide, seat: a.seat };
    const right = { x: g.w + 60 - (g.w + 60 - (g.w / 2 + 70)) * slide, seat: a.target };
    for (const side of [left, right]) {
      const m = memberAt(room, side.seat);
      const loser = side.seat === a.loser && t > 0.55;
      g.ctx.globalAlpha = loser ? 0.35 : 1;
      avatar(g, side.x, cy, 32, m?.nickname ?? '?', side.seat);
      g.text(m?.nickname ?? '', side.x, cy + 48, { size: 14, color: COLORS.paper, align: 'center', maxWidth: 110 });
      g.ctx.globalAlpha = 1;
      if (loser) g.text('✕', side.x, cy, { size: 48, weight: 'bold', color: COLORS.red, align: 'center' });
    }
    g.text(app.t('vs'), g.w / 2, cy, { size: 34, weight: 'bold', color: COLORS.gold, align: 'center' });
    g.region('compare-anim', 0, cy - 40, g.w, 80, String(a.loser), null);
  };

  const drawResult = (g: Gfx, room: RoomView) => {
    const last = room.last;
    if (last === null || last.aborted || dismissedHand >= last.handNumber || st?.hand != null || room.status !== 'playing') return;
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
      const cards = lastView?.players.find((p) => p.seat === d.seat)?.cards ?? null;
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
    g.button('result-verify', x + 16, y + h - 52, half, 42, app.t('verifyHand'), () => void verifyHand(last.handNumber), {
      kind: 'secondary',
      size: 14,
    });
    g.button('result-continue', x + 16 + half + 8, y + h - 52, half, 42, app.t('continue'), () => {
      dismissedHand = last.handNumber;
      void setReady(true);
    });
  };

  /**
   * "Verify this hand": the hand's record (seeds revealed after the deal, cards, actions) checked
   * here by the rules package's own checks — the same the H5 fairness page runs — against what this
   * device kept before the deal.
   */
  const verifyHand = async (handNumber: number) => {
    verify = { handNumber, verdict: null, error: null };
    app.stage.invalidate();
    try {
      const page = await app.api.call<{ hands: HandRecordWire[] }>('GET', `/api/rooms/${roomId}/hands?after=${handNumber - 1}`);
      const record = page.hands.find((h) => h.handNumber === handNumber);
      if (record === undefined) throw new ApiError(404, 'ANALYTICS_HAND_NOT_FOUND', String(handNumber));
      const verdict = verifyHandRecord(record, keptHand(roomId, handNumber));
      if (verify?.handNumber === handNumber) verify = { handNumber, verdict, error: null };
    } catch (e) {
      if (verify?.handNumber === handNumber) verify = { handNumber, verdict: null, error: explain(app.lang, e) };
    }
    app.stage.invalidate();
  };

  const drawVerify = (g: Gfx) => {
    const v = verify;
    if (v === null) return;
    g.blocker('verify-backdrop');
    g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
    g.ctx.fillRect(0, 0, g.w, g.h);
    const checks = v.verdict?.checks ?? [];
    const w = g.w - 32;
    const x = 16;
    // Room for a check that wraps to two lines at 320 px.
    const rowH = 46;
    const h = 150 + Math.max(1, checks.length) * rowH + (v.verdict?.notKept === true ? 44 : 0);
    const y = Math.max(40, (g.h - h) / 2);
    g.box(x, y, w, h, 14, COLORS.paper);
    g.text(app.t('verifyTitle', { n: v.handNumber }), g.w / 2, y + 26, { size: 17, weight: 'bold', align: 'center', maxWidth: w - 24 });
    let yy = y + 56;
    if (v.verdict === null) {
      g.paragraph(v.error === null ? app.t('verifying') : app.t('verifyHandFailed', { reason: v.error }), x + 16, yy, w - 32, {
        size: 14,
        color: v.error === null ? COLORS.muted : COLORS.red,
      });
      yy += rowH;
    } else {
      for (const c of checks) {
        g.text(c.ok ? '✓' : '✕', x + 26, yy + 9, {
          size: 18,
          weight: 'bold',
          color: c.ok ? COLORS.green : COLORS.red,
          align: 'center',
        });
        g.paragraph(app.t(`check_${c.key}` as 'check_deal'), x + 46, yy, w - 62, { size: 13, lineHeight: 1.3 });
        g.region(`verify-check-${c.key}`, x, yy, w, rowH, c.ok ? 'ok' : 'failed', null);
        yy += rowH;
      }
      g.text(app.t(v.verdict.ok ? 'verifyMatch' : 'verifyMismatch'), g.w / 2, yy + 12, {
        size: 15,
        weight: 'bold',
        color: v.verdict.ok ? COLORS.green : COLORS.red,
        align: 'center',
        maxWidth: w - 24,
      });
      g.region('verify-verdict', x, yy, w, 24, v.verdict.ok ? 'match' : 'mismatch', null);
      yy += 28;
      if (v.verdict.notKept) {
        g.paragraph(app.t('verifyNotKept'), x + 16, yy, w - 32, { size: 12, color: COLORS.muted, lineHeight: 1.4 });
        yy += 44;
      }
    }
    g.button('verify-close', x + 16, y + h - 52, w - 32, 40, app.t('close'), () => (verify = null), { kind: 'secondary' });
  };

  /** The scoreboard's rows: the first row's middle below its top, and each row's height. */
  const BOARD_ROW0 = 82;
  const BOARD_ROW_H = 36;
  /** The height of a board of `n` rows with `below` px under the last row (its buttons on the screen). */
  const boardHeight = (n: number, below: number) => BOARD_ROW0 + (n - 1) * BOARD_ROW_H + BOARD_ROW_H / 2 + below;

  const drawFinal = (g: Gfx, room: RoomView) => {
    if (room.status !== 'finished' && room.status !== 'dissolved') return;
    g.ctx.fillStyle = 'rgba(0,0,0,0.6)';
    g.ctx.fillRect(0, 0, g.w, g.h);
    const lines = [...room.scores].sort((a, b) => b.points - a.points);
    const w = g.w - 32;
    // Under the last row: the end reason (when not completed), then the share and back buttons.
    const h = boardHeight(lines.length, 120);
    const x = 16;
    const y = Math.max(40, (g.h - h) / 2);
    drawBoard(g, x, y, w, h, room.code, lines);
    g.region('final-scoreboard', x, y, w, h - 120, lines.map((l) => `${l.nickname}:${l.points}`).join(','), null);
    if (room.endReason !== null && room.endReason !== 'completed')
      g.text(room.endReason, g.w / 2, y + h - 108, { size: 12, color: COLORS.muted, align: 'center' });
    g.button('share-scoreboard', x + 16, y + h - 96, w - 32, 40, app.t('shareBoard'), () => shareBoard(room.code, lines), { kind: 'gold' });
    g.button('back-lobby', x + 16, y + h - 48, w - 32, 40, app.t('backLobby'), () => app.show(app.scenes.lobby(app)), {
      kind: 'secondary',
    });
  };

  /**
   * The board: title, room code, then a row per player — rank, name, hands played, points — in
   * columns measured from the right so that a long name is shortened before it meets the hands.
   */
  const drawBoard = (
    g: Gfx,
    x: number,
    y: number,
    w: number,
    h: number,
    code: string,
    lines: readonly { nickname: string; points: number; hands: number }[],
  ) => {
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
  };

  /** The scoreboard drawn on an offscreen canvas, saved as an image, and shared with it. */
  const shareBoard = (code: string, lines: readonly { nickname: string; points: number; hands: number }[]) => {
    const w = 500;
    const h = boardHeight(lines.length, 16);
    const off = wx.createCanvas();
    off.width = w * 2;
    off.height = h * 2;
    const ctx = off.getContext('2d') as unknown as Canvas2D;
    ctx.setTransform(2, 0, 0, 2, 0, 0);
    const g = new Gfx(ctx, w, h, 1);
    drawBoard(g, 0, 0, w, h, code, lines);
    const imageUrl = off.toTempFilePathSync({ x: 0, y: 0, width: w * 2, height: h * 2, destWidth: w * 2, destHeight: h * 2 });
    (app.stage.debugHook as { sharedImage?: string }).sharedImage = imageUrl;
    wx.shareAppMessage({ title: app.t('finalBoard'), imageUrl, query: `room=${code}` });
  };

  /** Everything on the table below the compare animation and the panels; false while connecting. */
  const drawTable = (g: Gfx, now: number, rings: boolean): boolean => {
    // The felt and the table's rim never change: drawn once, copied each frame.
    g.ctx.drawImage(feltLayer(g.w, g.h, app.stage.dpr), 0, 0, g.w, g.h);
    const s = st;
    const room = s?.room ?? null;
    g.button('leave-table', 10, 10, 64, 30, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 12 });
    if (s === null || room === null) {
      g.text(app.t('connecting'), g.w / 2, g.h / 2, { size: 16, color: COLORS.paper, align: 'center' });
      return false;
    }
    ringsInline = rings;
    const hand = s.hand;
    const view = hand?.view ?? null;
    const seats = Number(room.params.seats ?? 3);
    const mySeat = s.you?.seat ?? null;
    // Header.
    g.text(`${app.t('roomCode')} ${room.code}`, 84, 25, { size: 13, color: COLORS.paper });
    const handNo = hand?.handNumber ?? room.next?.handNumber ?? room.handsPlayed;
    g.text(app.t('handNo', { n: Math.max(1, handNo), rounds: Number(room.params.rounds ?? 8) }), g.w - 12, 25, {
      size: 13,
      color: COLORS.gold,
      align: 'right',
    });
    g.region('hand-number', g.w - 110, 10, 100, 30, String(hand?.handNumber ?? 0), null);
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
    const pos = positions(g, seats, mySeat ?? 0);
    for (let seat = 0; seat < seats; seat++) drawSeat(g, room, seat, pos[seat] as SeatPos, view ?? null, mySeat, now);

    // Between hands: readiness (and the owner may start a table that is not full).
    const me = room.members.find((m) => m.playerId === s.you?.playerId);
    if (hand === null && mySeat !== null && me !== undefined && (room.status === 'waiting' || room.status === 'playing')) {
      const by = g.h - 110;
      g.button('ready-button', 24, by, g.w / 2 - 32, 46, me.ready ? app.t('notReady') : app.t('ready'), () => void setReady('toggle'), {
        kind: me.ready ? 'secondary' : 'primary',
        enabled: !readying,
      });
      if (room.status === 'waiting') {
        g.button('share-room', g.w / 2 + 8, by, g.w / 2 - 32, 46, app.t('share'), () => shareRoom(app, room.code, null), {
          kind: 'gold',
          size: 14,
        });
        const seated = room.members.filter((m) => m.seat !== null);
        if (room.ownerId === s.you?.playerId && seated.length >= 2 && seated.length < seats && seated.every((m) => m.ready))
          g.button('start-now', 24, by + 54, g.w - 48, 40, app.t('startNow'), () => void command({ t: 'start' }), { kind: 'secondary' });
      }
    }
    if (mySeat === null) {
      g.text(app.t('spectating'), g.w / 2, g.h - 40, { size: 14, color: COLORS.gold, align: 'center' });
      g.region('spectating', g.w / 2 - 50, g.h - 56, 100, 32, 'spectating', null);
    } else if (view !== null && view.turnSeat === mySeat && !raising)
      g.text(app.t('yourTurn'), g.w / 2, g.h - 138, { size: 15, weight: 'bold', color: COLORS.gold, align: 'center' });
    drawActions(g);
    ringsInline = true;
    return true;
  };

  /** What the backdrop shows: the state it was drawn from (see `layerKey`) and its tap regions. */
  let layer: { key: readonly unknown[]; regions: Region[] } | null = null;
  let backdropTimer: ReturnType<typeof setTimeout> | undefined;

  const compareAnimating = (now: number) => anim?.kind === 'compare' && now - anim.startMs < COMPARE_ANIM_MS;
  /** Everything `drawTable` reads but the clock (the turn timer is drawn over the backdrop). */
  const layerKey = (): readonly unknown[] => [
    st,
    raising,
    raiseTo,
    choosing,
    sending,
    readying,
    app.lang,
    app.elder,
    app.stage.textScale,
    app.stage.width,
    app.stage.height,
  ];

  /** The backdrop, when it shows the table as it is now. */
  const backdropReady = (): { canvas: WechatMinigame.Canvas; regions: readonly Region[] } | null => {
    if (layer === null || backdrop === null) return null;
    const key = layerKey();
    if (!key.every((x, i) => x === layer?.key[i])) return null;
    return { canvas: backdrop.canvas, regions: layer.regions };
  };

  /**
   * During the compare animation (1.4 s of frames at the display's rate) nothing under it changes
   * but the turn timer, so the table is drawn once on an offscreen backdrop — when the compare
   * arrives or the table changes, in that task, not in a frame — and copied to a 1-pixel canvas,
   * which makes the canvas rasterise it there. Each animation frame then copies a finished image
   * and draws the timer and the animation over it, instead of redrawing the whole table.
   */
  const prepareBackdrop = () => {
    layer = null;
    const stage = app.stage;
    const b = backdropCanvas(stage.width, stage.height, stage.dpr);
    b.ctx.setTransform(stage.dpr, 0, 0, stage.dpr, 0, 0);
    b.ctx.clearRect(0, 0, stage.width, stage.height);
    const g = new Gfx(b.ctx, stage.width, stage.height, stage.textScale);
    if (!drawTable(g, app.nowMs(), false)) return;
    b.sink.clearRect(0, 0, 1, 1);
    b.sink.drawImage(b.canvas, 0, 0, 1, 1);
    layer = { key: layerKey(), regions: g.regions };
  };
  /** The table changed under the animation by a tap: a new backdrop in the next task. */
  const prepareBackdropSoon = () => {
    if (backdropTimer !== undefined) return;
    backdropTimer = setTimeout(() => {
      backdropTimer = undefined;
      if (compareAnimating(app.nowMs())) {
        prepareBackdrop();
        app.stage.invalidate();
      }
    }, 0);
  };
  const releaseBackdrop = () => {
    layer = null;
    releaseBackdropCanvas();
  };
  const drawTurnRing = (g: Gfx) => {
    const room = st?.room ?? null;
    const view = st?.hand?.view ?? null;
    if (room === null || view === null || view.turnSeat === null) return;
    const p = positions(g, Number(room.params.seats ?? 3), st?.you?.seat ?? 0)[view.turnSeat];
    if (p !== undefined) turnRing(g, room, view.turnSeat, p, view);
  };

  const scene: Scene = {
    name: 'table',
    hidden: () => channel.pause(),
    shown: () => channel.resume(),
    exit() {
      if (timer !== undefined) clearInterval(timer);
      if (rehearsalTimer !== undefined) clearTimeout(rehearsalTimer);
      if (backdropTimer !== undefined) clearTimeout(backdropTimer);
      releaseBackdrop();
      tableChat.close();
      tableVoice.close();
      channel.close();
    },
    animating: (now) =>
      (anim !== null && now - anim.startMs < (anim.kind === 'compare' ? COMPARE_ANIM_MS : LOOK_ANIM_MS)) || tableChat.showing(now),
    draw(g: Gfx, now: number) {
      const layer = compareAnimating(now) ? backdropReady() : null;
      if (layer !== null) {
        // The table under the compare animation, as drawn (and rasterised) when it last changed.
        g.ctx.drawImage(layer.canvas, 0, 0, g.w, g.h);
        g.regions.push(...layer.regions);
        drawTurnRing(g);
      } else {
        if (compareAnimating(now)) prepareBackdropSoon();
        drawTable(g, now, true);
      }
      const s = st;
      const room = s?.room ?? null;
      if (s === null || room === null) return;
      drawCompare(g, room, now);
      drawResult(g, room);
      drawFinal(g, room);
      drawVerify(g);
      const pos = positions(g, Number(room.params.seats ?? 3), s.you?.seat ?? 0);
      if (s.status === 'live') tableChat.draw(g, (seat) => pos[seat] ?? null, now);
      if (s.status === 'live') tableVoice.draw(g, room.params.voiceChat, (seat) => pos[seat] ?? null);
      if (s.status === 'reconnecting' || s.status === 'connecting') {
        g.box(0, 48, g.w, 30, 0, 'rgba(198,40,40,0.9)');
        g.text(app.t('reconnecting'), g.w / 2, 63, { size: 13, color: COLORS.white, align: 'center' });
        g.region('reconnect-banner', 0, 48, g.w, 30, 'reconnecting', null);
      }
      if (s.status === 'closed') {
        g.box(20, g.h / 2 - 50, g.w - 40, 100, 12, COLORS.paper);
        g.text(app.t('roomClosed', { reason: reasonText(app.lang, s.closedCode ?? '') }), g.w / 2, g.h / 2 - 20, {
          size: 14,
          align: 'center',
          maxWidth: g.w - 60,
        });
        g.button('closed-back', 40, g.h / 2 + 6, g.w - 80, 36, app.t('backLobby'), () => app.show(app.scenes.lobby(app)), {
          kind: 'secondary',
        });
      }
    },
    debug() {
      const s = st;
      const view = s?.hand?.view ?? null;
      const me = view?.players.find((p) => p.seat === s?.you?.seat);
      return {
        roomId,
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
        raising,
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
        anim: anim?.kind ?? null,
        scores: s?.room?.scores ?? [],
        closedCode: s?.closedCode ?? null,
        chat: tableChat.debug(),
        voice: tableVoice.debug(),
      };
    },
  };

  /** A state the table is rehearsed in: what `draw` reads, swapped in for one offscreen draw. */
  interface Rehearsal {
    readonly st: ChannelState;
    readonly lastView: HandViewWire | null;
    readonly anim: Anim | null;
    readonly choosing: boolean;
    readonly raising: boolean;
  }

  /**
   * The states a hand goes through, with the room's own members: cards dealt face down with every
   * action offered, the raise choices (buttons and stepper), choosing whom to compare with, cards
   * shown with their categories and seats seen, folded and lost, the compare animation before and
   * after the cross, the result panel, the final scoreboard.
   */
  const rehearsals = (s: ChannelState, room: RoomView): Rehearsal[] => {
    const seats = room.members.flatMap((m) => (m.seat === null ? [] : [m.seat])).sort((a, b) => a - b);
    const mine = s.you?.seat ?? seats[0];
    if (mine === undefined) return [];
    const others = seats.filter((x) => x !== mine);
    const other = others[0] ?? mine;
    const deadline = channel.serverNowMs() + Number(room.params.turnTimeS ?? 30) * 1000;
    const playing: RoomView = { ...room, status: 'playing' };
    const view = (variant: number, revealed: boolean): HandViewWire => ({
      handNumber: 1,
      dealerSeat: mine,
      phase: 'betting',
      round: 2,
      turnSeat: revealed ? other : mine,
      stakePoints: 2,
      potPoints: 12 + variant,
      step: 3,
      lastEvent: null,
      result: null,
      players: seats.map((seat, i) => {
        const k = variant * 9 + i * 3;
        const cards = revealed ? [0, 1, 2].map((j) => `${RANKS[(k + j) % 13]}${SUIT_LETTERS[(k + j + i) % 4]}`) : null;
        return {
          seat,
          cards,
          category: revealed ? (HAND_CATEGORIES[(variant * 3 + i) % HAND_CATEGORIES.length] ?? null) : null,
          status: !revealed || i < 2 ? 'active' : i === 2 ? 'folded' : 'lost',
          seen: revealed,
          contributedPoints: 1 + i * 4 + variant,
        };
      }),
    });
    const legal = (allIn: boolean, max: number): LegalActions => ({
      look: true,
      fold: true,
      call: { costPoints: 2 },
      raise: { minStakePoints: 3, maxStakePoints: max, steps: null, costPerStakePoint: 1 },
      compare: others.length === 0 ? null : { targetSeats: others, costPoints: 4 },
      allIn: allIn ? { costPoints: 40 } : null,
    });
    const inHand = (v: HandViewWire, l: LegalActions | null): ChannelState => {
      const hand: HandSection = { handNumber: 1, turnDeadlineMs: deadline, view: v, legal: l };
      return { ...s, room: playing, hand };
    };
    const blind = view(0, false);
    const shown = [view(0, true), view(1, true)];
    const now = app.nowMs();
    const compare = (t: number): Anim => ({ kind: 'compare', seat: mine, target: other, loser: other, startMs: now - t * COMPARE_ANIM_MS });
    const base = { lastView: null, anim: null, choosing: false, raising: false };
    const last = {
      handNumber: 1,
      winnerSeats: [mine],
      deltas: seats.map((seat, i) => ({
        seat,
        playerId: room.members.find((m) => m.seat === seat)?.playerId ?? '',
        points: seat === mine ? 10 : -1 - i,
      })),
      aborted: false,
    };
    return [
      { ...base, st: inHand(blind, legal(false, 6)) },
      { ...base, st: inHand(blind, legal(true, 6)) },
      { ...base, st: inHand(blind, legal(false, 6)), raising: true },
      { ...base, st: inHand(blind, legal(false, 12)), raising: true },
      { ...base, st: inHand(blind, legal(false, 6)), choosing: true },
      ...shown.map((v) => ({ ...base, st: inHand(v, null) })),
      { ...base, st: inHand(shown[0] as HandViewWire, null), anim: compare(0.2) },
      { ...base, st: inHand(shown[0] as HandViewWire, null), anim: compare(0.7) },
      { ...base, st: { ...s, room: { ...playing, last }, hand: null }, lastView: shown[1] as HandViewWire },
      { ...base, st: { ...s, room: { ...room, status: 'finished' }, hand: null } },
    ];
  };

  /** The rehearsal last run (language, type scale, who sits where), and the next step's timer. */
  let rehearsedFor = '';
  let rehearsalTimer: ReturnType<typeof setTimeout> | undefined;

  /**
   * While no hand runs, the table draws each state of a hand once on an offscreen canvas (one
   * state per task, between frames), with the names of the players seated: every font, string and
   * drawing path a hand uses then meets its first use here — a font's fallback lookup, a text's
   * shaping, a function's first compile cost tens of ms on a throttled phone — and no frame of the
   * hand pays it. Run again when someone sits down or leaves.
   */
  const rehearse = (s: ChannelState) => {
    const room = s.room;
    if (room === null || s.hand !== null || (room.status !== 'waiting' && room.status !== 'playing')) return;
    const key = JSON.stringify([app.lang, app.stage.textScale, s.you?.seat ?? null, room.members.map((m) => [m.seat, m.nickname])]);
    if (key === rehearsedFor) return;
    rehearsedFor = key;
    if (rehearsalTimer !== undefined) clearTimeout(rehearsalTimer);
    const todo = rehearsals(s, room);
    const next = () => {
      rehearsalTimer = undefined;
      const r = todo.shift();
      if (r === undefined) {
        releaseRehearsalCanvas();
        return;
      }
      const saved = { st, lastView, anim, choosing, raising, raiseTo, dismissedHand };
      st = r.st;
      lastView = r.lastView;
      anim = r.anim;
      choosing = r.choosing;
      raising = r.raising;
      raiseTo = null;
      dismissedHand = 0;
      try {
        const stage = app.stage;
        scene.draw(
          new Gfx(rehearsalContext(stage.width, stage.height, stage.dpr), stage.width, stage.height, stage.textScale),
          app.nowMs(),
        );
      } finally {
        ({ st, lastView, anim, choosing, raising, raiseTo, dismissedHand } = saved);
      }
      rehearsalTimer = setTimeout(next, 0);
    };
    rehearsalTimer = setTimeout(next, 0);
  };

  return scene;
}

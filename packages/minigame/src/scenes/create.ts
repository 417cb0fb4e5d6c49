// Creating a room in three steps: the settings, the fee (always in room cards here: the
// mini-game never takes cash), and the code with the share card that brings friends to their seats.
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import type { CreatedRoom, Quote, RoomCards } from '../wire.ts';

const TURN_TIMES_S = [15, 30, 60] as const;
const ROUND_CHOICES = [8, 12, 16] as const;
const BASE_MAX = 10;
const SEATS_MIN = 2;
const SEATS_MAX = 6;

export function shareRoom(app: App, code: string, invite: string | null): void {
  wx.shareAppMessage({
    title: app.t('shareTitle', { nickname: app.me?.nickname ?? '', code }),
    query: `room=${code}${invite !== null ? `&i=${invite}` : ''}`,
  });
}

/** The room being set up, the quote and the room once created. */
interface CreateState {
  readonly app: App;
  step: number;
  mode: 'classic' | 'custom';
  seats: number;
  rounds: number;
  baseScore: number;
  turnTimeS: number;
  /** The room's voice option: players at the table may talk (WeChat real-time voice here, WebRTC in H5). */
  voiceChat: boolean;
  quote: Quote | null;
  created: CreatedRoom | null;
  myCards: number | null;
  busy: boolean;
}

const FEE = { mode: 'room_card', payer: 'owner' };

const roomParams = (c: CreateState) => ({
  mode: c.mode,
  ...(c.mode === 'custom' ? { seats: c.seats } : {}),
  rounds: c.rounds,
  baseScore: c.baseScore,
  turnTimeS: c.turnTimeS,
  voiceChat: c.voiceChat,
});

export function createScene(app: App): Scene {
  const c: CreateState = {
    app,
    step: 1,
    mode: 'classic',
    seats: 3,
    rounds: ROUND_CHOICES[0],
    baseScore: 1,
    turnTimeS: 30,
    voiceChat: false,
    quote: null,
    created: null,
    myCards: null,
    busy: false,
  };
  return {
    name: 'create',
    draw(g: Gfx) {
      g.fill(COLORS.feltDark);
      g.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      const title = c.step === 1 ? app.t('step1') : c.step === 2 ? app.t('step2') : app.t('step3');
      g.text(title, g.w / 2, 70, { size: 20, weight: 'bold', color: COLORS.paper, align: 'center' });
      g.text(app.t('step', { n: c.step }), g.w / 2, 96, { size: 13, color: 'rgba(255,255,255,0.7)', align: 'center' });
      g.region('create-step', g.w / 2 - 60, 84, 120, 24, String(c.step), null);
      const y = 124;
      if (c.step === 1) drawSettings(c, g, y);
      else if (c.step === 2 && c.quote !== null) drawFee(c, g, c.quote, y);
      else if (c.step === 3 && c.created !== null) drawCreated(c, g, c.created, y);
    },
    debug: () => ({
      step: c.step,
      roomId: c.created?.roomId ?? null,
      code: c.created?.code ?? null,
      ownerCards: c.quote?.fee.owner.cards ?? null,
    }),
  };
}

/** From the settings to the fee: the quote for these settings and the room cards I hold. */
async function toStep2(c: CreateState): Promise<void> {
  const { app } = c;
  c.busy = true;
  try {
    [c.quote, c.myCards] = await Promise.all([
      app.api.call<Quote>('POST', '/api/rooms/quote', { params: roomParams(c), fee: FEE }),
      app.api.call<RoomCards>('GET', '/api/rooms/cards').then((r) => r.cards),
    ]);
    c.step = 2;
  } catch (e) {
    app.fail(e);
  } finally {
    c.busy = false;
    app.stage.invalidate();
  }
}

/** Creates the room at the fee quoted; the ··· menu's "forward" then shares it too. */
async function confirm(c: CreateState): Promise<void> {
  const { app, quote } = c;
  if (quote === null) return;
  c.busy = true;
  try {
    const room = await app.api.call<CreatedRoom>('POST', '/api/rooms', {
      params: roomParams(c),
      fee: FEE,
      expectedFee: { cards: quote.fee.owner.cards, cashFen: 0 },
    });
    c.created = room;
    c.step = 3;
    // The ··· menu's "forward" shares this room too.
    wx.onShareAppMessage(() => ({
      title: app.t('shareTitle', { nickname: app.me?.nickname ?? '', code: room.code }),
      query: `room=${room.code}&i=${room.invite.token}`,
    }));
  } catch (e) {
    app.fail(e);
  } finally {
    c.busy = false;
    app.stage.invalidate();
  }
}

/** A setting's row: its label, − and + buttons round its value. */
function stepper(g: Gfx, id: string, y: number, label: string, value: string, dec: () => void, inc: () => void, enabled = true): void {
  g.text(label, 24, y + 20, { size: 15, color: COLORS.paper });
  const x = g.w - 176;
  g.button(`${id}-dec`, x, y, 44, 40, '−', dec, { kind: 'ghost', enabled, size: 20 });
  g.text(value, x + 80, y + 20, { size: 17, weight: 'bold', color: COLORS.gold, align: 'center', maxWidth: 64 });
  g.region(`value-${id}`, x + 48, y, 64, 40, value, null);
  g.button(`${id}-inc`, x + 116, y, 44, 40, '+', inc, { kind: 'ghost', enabled, size: 20 });
}

/** Step 1: mode, seats, rounds, base score, turn time and voice, then "next". */
function drawSettings(c: CreateState, g: Gfx, y0: number): void {
  const { app } = c;
  let y = y0;
  const row = 56 * (app.elder ? 1.15 : 1);
  const modeLabel = c.mode === 'classic' ? app.t('mode_classic') : app.t('mode_custom');
  const flip = () => {
    c.mode = c.mode === 'classic' ? 'custom' : 'classic';
    if (c.mode === 'classic') c.seats = 3;
  };
  stepper(g, 'mode', y, app.t('mode'), modeLabel, flip, flip);
  y += row;
  const seatsDec = () => (c.seats = Math.max(SEATS_MIN, c.seats - 1));
  const seatsInc = () => (c.seats = Math.min(SEATS_MAX, c.seats + 1));
  stepper(g, 'seats', y, app.t('seats'), String(c.seats), seatsDec, seatsInc, c.mode === 'custom');
  y += row;
  const ri = ROUND_CHOICES.indexOf(c.rounds as 8);
  const roundsDec = () => (c.rounds = ROUND_CHOICES[Math.max(0, ri - 1)] as number);
  const roundsInc = () => (c.rounds = ROUND_CHOICES[Math.min(ROUND_CHOICES.length - 1, ri + 1)] as number);
  stepper(g, 'rounds', y, app.t('rounds'), String(c.rounds), roundsDec, roundsInc);
  y += row;
  const baseDec = () => (c.baseScore = Math.max(1, c.baseScore - 1));
  const baseInc = () => (c.baseScore = Math.min(BASE_MAX, c.baseScore + 1));
  stepper(g, 'base', y, app.t('baseScore'), String(c.baseScore), baseDec, baseInc);
  y += row;
  const ti = TURN_TIMES_S.indexOf(c.turnTimeS as 30);
  const turnDec = () => (c.turnTimeS = TURN_TIMES_S[Math.max(0, ti - 1)] as number);
  const turnInc = () => (c.turnTimeS = TURN_TIMES_S[Math.min(TURN_TIMES_S.length - 1, ti + 1)] as number);
  stepper(g, 'turn', y, app.t('turnTime'), app.t('seconds', { n: c.turnTimeS }), turnDec, turnInc);
  y += row;
  const flipVoice = () => (c.voiceChat = !c.voiceChat);
  stepper(g, 'voice', y, app.t('voiceChat'), c.voiceChat ? app.t('voiceOn') : app.t('voiceOff'), flipVoice, flipVoice);
  y += row + 16;
  g.button('create-next', 24, y, g.w - 48, 50, app.t('next'), () => void toStep2(c), { enabled: !c.busy, size: 18 });
}

/** Step 2: the settings in a line, the fee in room cards, the cards I hold, then confirm or back. */
function drawFee(c: CreateState, g: Gfx, q: Quote, y0: number): void {
  const { app } = c;
  let y = y0;
  g.box(20, y, g.w - 40, 150, 12, 'rgba(255,255,255,0.1)');
  const summary = `${q.params.seats} ${app.t('seats')} · ${q.params.rounds} ${app.t('rounds')} · ${app.t('baseScore')} ${q.params.baseScore}`;
  g.text(summary, g.w / 2, y + 26, { size: 15, color: COLORS.paper, align: 'center', maxWidth: g.w - 60 });
  const feeText = app.t('feeOwner', { cards: q.fee.owner.cards });
  g.text(feeText, g.w / 2, y + 62, { size: 18, weight: 'bold', color: COLORS.gold, align: 'center', maxWidth: g.w - 60 });
  g.region('fee-quote', 20, y + 44, g.w - 40, 36, String(q.fee.owner.cards), null);
  g.text(app.t('haveCards', { cards: c.myCards ?? 0 }), g.w / 2, y + 94, { size: 14, color: COLORS.paper, align: 'center' });
  g.paragraph(app.t('feeNote'), 32, y + 108, g.w - 64, { size: 12, color: 'rgba(255,255,255,0.7)' });
  y += 170;
  g.button('create-confirm', 24, y, g.w - 48, 50, app.t('confirmCreate'), () => void confirm(c), { enabled: !c.busy, size: 18 });
  g.button('create-prev', 24, y + 62, g.w - 48, 40, app.t('back'), () => (c.step = 1), { kind: 'ghost', size: 14 });
}

/** Step 3: the room's code, sharing it, and entering the room. */
function drawCreated(c: CreateState, g: Gfx, room: CreatedRoom, y0: number): void {
  const { app } = c;
  let y = y0;
  g.text(app.t('roomCode'), g.w / 2, y + 10, { size: 15, color: COLORS.paper, align: 'center' });
  g.text(room.code.split('').join(' '), g.w / 2, y + 56, { size: 40, weight: 'bold', color: COLORS.gold, align: 'center' });
  g.region('room-code', 20, y + 30, g.w - 40, 52, room.code, null);
  y += 110;
  g.button('share-room', 24, y, g.w - 48, 50, app.t('share'), () => shareRoom(app, room.code, room.invite.token), { size: 18 });
  g.button('enter-room', 24, y + 64, g.w - 48, 50, app.t('enterRoom'), () => app.show(app.scenes.table(app, room.roomId)), {
    kind: 'gold',
    size: 18,
  });
}

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

export function createScene(app: App): Scene {
  let step = 1;
  let mode: 'classic' | 'custom' = 'classic';
  let seats = 3;
  let rounds: number = ROUND_CHOICES[0];
  let baseScore = 1;
  let turnTimeS = 30;
  /** The room's voice option: players at the table may talk (WeChat real-time voice here, WebRTC in H5). */
  let voiceChat = false;
  let quote: Quote | null = null;
  let created: CreatedRoom | null = null;
  let myCards: number | null = null;
  let busy = false;

  const params = () => ({ mode, ...(mode === 'custom' ? { seats } : {}), rounds, baseScore, turnTimeS, voiceChat });
  const fee = { mode: 'room_card', payer: 'owner' };

  const toStep2 = async () => {
    busy = true;
    try {
      [quote, myCards] = await Promise.all([
        app.api.call<Quote>('POST', '/api/rooms/quote', { params: params(), fee }),
        app.api.call<RoomCards>('GET', '/api/rooms/cards').then((c) => c.cards),
      ]);
      step = 2;
    } catch (e) {
      app.fail(e);
    } finally {
      busy = false;
      app.stage.invalidate();
    }
  };

  const confirm = async () => {
    if (quote === null) return;
    busy = true;
    try {
      created = await app.api.call<CreatedRoom>('POST', '/api/rooms', {
        params: params(),
        fee,
        expectedFee: { cards: quote.fee.owner.cards, cashFen: 0 },
      });
      step = 3;
      // The ··· menu's "forward" shares this room too.
      const room = created;
      wx.onShareAppMessage(() => ({
        title: app.t('shareTitle', { nickname: app.me?.nickname ?? '', code: room.code }),
        query: `room=${room.code}&i=${room.invite.token}`,
      }));
    } catch (e) {
      app.fail(e);
    } finally {
      busy = false;
      app.stage.invalidate();
    }
  };

  const stepper = (g: Gfx, id: string, y: number, label: string, value: string, dec: () => void, inc: () => void, enabled = true) => {
    g.text(label, 24, y + 20, { size: 15, color: COLORS.paper });
    const x = g.w - 176;
    g.button(`${id}-dec`, x, y, 44, 40, '−', dec, { kind: 'ghost', enabled, size: 20 });
    g.text(value, x + 80, y + 20, { size: 17, weight: 'bold', color: COLORS.gold, align: 'center', maxWidth: 64 });
    g.region(`value-${id}`, x + 48, y, 64, 40, value, null);
    g.button(`${id}-inc`, x + 116, y, 44, 40, '+', inc, { kind: 'ghost', enabled, size: 20 });
  };

  return {
    name: 'create',
    draw(g: Gfx) {
      g.fill(COLORS.feltDark);
      g.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      const title = step === 1 ? app.t('step1') : step === 2 ? app.t('step2') : app.t('step3');
      g.text(title, g.w / 2, 70, { size: 20, weight: 'bold', color: COLORS.paper, align: 'center' });
      g.text(app.t('step', { n: step }), g.w / 2, 96, { size: 13, color: 'rgba(255,255,255,0.7)', align: 'center' });
      g.region('create-step', g.w / 2 - 60, 84, 120, 24, String(step), null);
      let y = 124;
      if (step === 1) {
        const row = 56 * (app.elder ? 1.15 : 1);
        const modeLabel = mode === 'classic' ? app.t('mode_classic') : app.t('mode_custom');
        const flip = () => {
          mode = mode === 'classic' ? 'custom' : 'classic';
          if (mode === 'classic') seats = 3;
        };
        stepper(g, 'mode', y, app.t('mode'), modeLabel, flip, flip);
        y += row;
        stepper(
          g,
          'seats',
          y,
          app.t('seats'),
          String(seats),
          () => (seats = Math.max(SEATS_MIN, seats - 1)),
          () => (seats = Math.min(SEATS_MAX, seats + 1)),
          mode === 'custom',
        );
        y += row;
        const ri = ROUND_CHOICES.indexOf(rounds as 8);
        stepper(
          g,
          'rounds',
          y,
          app.t('rounds'),
          String(rounds),
          () => (rounds = ROUND_CHOICES[Math.max(0, ri - 1)] as number),
          () => (rounds = ROUND_CHOICES[Math.min(ROUND_CHOICES.length - 1, ri + 1)] as number),
        );
        y += row;
        stepper(
          g,
          'base',
          y,
          app.t('baseScore'),
          String(baseScore),
          () => (baseScore = Math.max(1, baseScore - 1)),
          () => (baseScore = Math.min(BASE_MAX, baseScore + 1)),
        );
        y += row;
        const ti = TURN_TIMES_S.indexOf(turnTimeS as 30);
        stepper(
          g,
          'turn',
          y,
          app.t('turnTime'),
          app.t('seconds', { n: turnTimeS }),
          () => (turnTimeS = TURN_TIMES_S[Math.max(0, ti - 1)] as number),
          () => (turnTimeS = TURN_TIMES_S[Math.min(TURN_TIMES_S.length - 1, ti + 1)] as number),
        );
        y += row;
        const flipVoice = () => (voiceChat = !voiceChat);
        stepper(g, 'voice', y, app.t('voiceChat'), voiceChat ? app.t('voiceOn') : app.t('voiceOff'), flipVoice, flipVoice);
        y += row + 16;
        g.button('create-next', 24, y, g.w - 48, 50, app.t('next'), () => void toStep2(), { enabled: !busy, size: 18 });
      } else if (step === 2 && quote !== null) {
        const q = quote;
        g.box(20, y, g.w - 40, 150, 12, 'rgba(255,255,255,0.1)');
        const summary = `${q.params.seats} ${app.t('seats')} · ${q.params.rounds} ${app.t('rounds')} · ${app.t('baseScore')} ${q.params.baseScore}`;
        g.text(summary, g.w / 2, y + 26, { size: 15, color: COLORS.paper, align: 'center', maxWidth: g.w - 60 });
        const feeText = app.t('feeOwner', { cards: q.fee.owner.cards });
        g.text(feeText, g.w / 2, y + 62, { size: 18, weight: 'bold', color: COLORS.gold, align: 'center', maxWidth: g.w - 60 });
        g.region('fee-quote', 20, y + 44, g.w - 40, 36, String(q.fee.owner.cards), null);
        g.text(app.t('haveCards', { cards: myCards ?? 0 }), g.w / 2, y + 94, { size: 14, color: COLORS.paper, align: 'center' });
        g.paragraph(app.t('feeNote'), 32, y + 108, g.w - 64, { size: 12, color: 'rgba(255,255,255,0.7)' });
        y += 170;
        g.button('create-confirm', 24, y, g.w - 48, 50, app.t('confirmCreate'), () => void confirm(), { enabled: !busy, size: 18 });
        g.button('create-prev', 24, y + 62, g.w - 48, 40, app.t('back'), () => (step = 1), { kind: 'ghost', size: 14 });
      } else if (step === 3 && created !== null) {
        const c = created;
        g.text(app.t('roomCode'), g.w / 2, y + 10, { size: 15, color: COLORS.paper, align: 'center' });
        g.text(c.code.split('').join(' '), g.w / 2, y + 56, { size: 40, weight: 'bold', color: COLORS.gold, align: 'center' });
        g.region('room-code', 20, y + 30, g.w - 40, 52, c.code, null);
        y += 110;
        g.button('share-room', 24, y, g.w - 48, 50, app.t('share'), () => shareRoom(app, c.code, c.invite.token), { size: 18 });
        g.button('enter-room', 24, y + 64, g.w - 48, 50, app.t('enterRoom'), () => app.show(app.scenes.table(app, c.roomId)), {
          kind: 'gold',
          size: 18,
        });
      }
    },
    debug: () => ({ step, roomId: created?.roomId ?? null, code: created?.code ?? null, ownerCards: quote?.fee.owner.cards ?? null }),
  };
}

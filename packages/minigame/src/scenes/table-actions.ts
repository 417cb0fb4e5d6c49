// The action bar under the table: the legal actions the server listed as buttons, the choice of
// whom to compare with, and the raise picker (buttons for a few stakes, a stepper for more).
import type { LegalActions } from '@fairground/rules';
import { COLORS, type Gfx } from '../engine.ts';
import { act } from './table-intents.ts';
import { choicesOf, type TableState } from './table-state.ts';

/** Up to this many raise choices are buttons in a row; more are a stepper. */
const RAISE_BUTTONS_MAX = 5;

interface ActionButton {
  readonly id: string;
  readonly label: string;
  readonly kind: 'primary' | 'secondary' | 'danger' | 'gold';
  readonly run: () => void;
}

export function drawActions(t: TableState, g: Gfx): void {
  const { app } = t;
  const hand = t.st?.hand;
  const legal = hand?.legal;
  if (hand === undefined || hand === null || legal === null || legal === undefined) return;
  const y0 = g.h - 118;
  const h = app.elder ? 52 : 44;
  const gap = 8;
  if (t.choosing) {
    g.text(app.t('chooseTarget'), g.w / 2, y0 + 10, { size: 15, weight: 'bold', color: COLORS.gold, align: 'center' });
    g.button('act-cancel', 16, y0 + 30, g.w - 32, h, app.t('cancel'), () => (t.choosing = false), { kind: 'secondary' });
    return;
  }
  if (t.raising && legal.raise !== null) {
    drawRaise(t, g, hand.view.stakePoints, legal.raise.costPerStakePoint, choicesOf(t, legal.raise), { y0, h, gap });
    return;
  }
  const buttons = actionButtons(t, legal);
  if (buttons.length === 0) return;
  const perRow = buttons.length <= 3 ? buttons.length : Math.ceil(buttons.length / 2);
  const bw = (g.w - 32 - gap * (perRow - 1)) / perRow;
  buttons.forEach((b, i) => {
    const row = Math.floor(i / perRow);
    const col = i % perRow;
    g.button(b.id, 16 + col * (bw + gap), y0 + row * (h + gap), bw, h, b.label, b.run, { kind: b.kind, enabled: !t.sending, size: 15 });
  });
}

/** A button per legal action, in the order the bar shows them. */
function actionButtons(t: TableState, legal: LegalActions): ActionButton[] {
  const { app } = t;
  const buttons: ActionButton[] = [];
  if (legal.look) buttons.push({ id: 'act-look', label: app.t('look'), kind: 'secondary', run: () => void act(t, { type: 'look' }) });
  if (legal.call !== null)
    buttons.push({
      id: 'act-call',
      label: app.t('call', { n: legal.call.costPoints }),
      kind: 'primary',
      run: () => void act(t, { type: 'call' }),
    });
  const raises = choicesOf(t, legal.raise);
  if (raises.length > 0)
    buttons.push({
      id: 'act-raise',
      label: app.t('raise'),
      kind: 'gold',
      run: () => {
        t.raising = true;
        t.raiseTo = raises[0] ?? null;
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
        if (only !== undefined) void act(t, { type: 'compare', targetSeat: only });
        else t.choosing = true;
      },
    });
  }
  if (legal.allIn !== null)
    buttons.push({
      id: 'act-all-in',
      label: app.t('allIn', { n: legal.allIn.costPoints }),
      kind: 'danger',
      run: () => void act(t, { type: 'all-in' }),
    });
  if (legal.fold) buttons.push({ id: 'act-fold', label: app.t('fold'), kind: 'danger', run: () => void act(t, { type: 'fold' }) });
  return buttons;
}

/** The action bar's rows: the top row's y, a button's height and the gap between buttons, px. */
interface BarRows {
  readonly y0: number;
  readonly h: number;
  readonly gap: number;
}

/**
 * Choosing how far to raise: every stake the rules allow, as buttons when there are a few, else
 * a stepper; the confirm button says the stake and what it costs (a seen player pays double),
 * so it never reads like the call beside it.
 */
function drawRaise(t: TableState, g: Gfx, stake: number, perStake: number, choices: readonly number[], bar: BarRows): void {
  const { app } = t;
  const { y0, h, gap } = bar;
  const to = t.raiseTo !== null && choices.includes(t.raiseTo) ? t.raiseTo : (choices[0] as number);
  const rowH = h - 6;
  g.text(app.t('raiseLabel', { now: stake }), 16, y0 - 12, { size: 13, color: COLORS.paper, maxWidth: g.w - 32 });
  drawRaiseChoices(t, g, choices, to, y0, rowH, gap);
  const y1 = y0 + rowH + gap;
  const cancelW = (g.w - 32 - gap) / 3;
  g.button('raise-cancel', 16, y1, cancelW, h, app.t('cancel'), () => (t.raising = false), { kind: 'secondary', size: 15 });
  g.button(
    'raise-confirm',
    16 + cancelW + gap,
    y1,
    g.w - 32 - gap - cancelW,
    h,
    app.t('raisePay', { to, cost: to * perStake }),
    () => {
      t.raising = false;
      void act(t, { type: 'raise', toStakePoints: to });
    },
    { kind: 'gold', enabled: !t.sending, size: 15 },
  );
}

/** The stakes to raise to: a button each when there are a few, else a stepper round the one picked. */
function drawRaiseChoices(t: TableState, g: Gfx, choices: readonly number[], to: number, y0: number, rowH: number, gap: number): void {
  const pick = (n: number) => () => {
    t.raiseTo = n;
  };
  if (choices.length <= RAISE_BUTTONS_MAX) {
    const bw = (g.w - 32 - gap * (choices.length - 1)) / choices.length;
    choices.forEach((n, i) => {
      g.button(`raise-${n}`, 16 + i * (bw + gap), y0, bw, rowH, String(n), pick(n), { kind: n === to ? 'gold' : 'ghost', size: 15 });
    });
    return;
  }
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

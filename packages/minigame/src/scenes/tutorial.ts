// The first-hand tutorial: a scripted hand of 拼三张 against two bots on practice points only
// (nothing is sent to the server, no money moves). The same script as the H5 page's, from
// @fairground/rules: dealt face down, the player looks, calls or folds, bot B folds, bot A is
// compared, and each hand's ranking is named as it shows and marked on the ladder. Skippable at
// every step; finished or skipped, the lobby does not offer it again on this phone (wx storage).
import { TUTORIAL_ANTE, TUTORIAL_CALL, TUTORIAL_HANDS, TUTORIAL_LADDER, type TutorialStep, tutorialView } from '@fairground/rules';
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import { card } from './table-draw.ts';

export const TUTORIAL_DONE_KEY = 'fg.tutorial.done';

/** Offered in the lobby until it was finished or skipped on this phone. */
export function tutorialOffered(): boolean {
  return wx.getStorageSync(TUTORIAL_DONE_KEY) !== true;
}

const TEXT = {
  zh: {
    offer: '新手教学：打一手练习牌',
    title: '新手教学：第一手牌',
    points: '练习积分 {n}（不涉及金钱）',
    skip: '跳过教学',
    you: '你',
    botA: '机器人甲',
    botB: '机器人乙',
    deal: '每人先下底注 {ante} 分，发三张暗牌。点“看牌”看看你的牌。',
    look: '看牌',
    looked: '你拿到的是{cat}。机器人甲跟注 {call} 分。你要跟注，还是弃牌？',
    call: '跟注 {call}',
    fold: '弃牌',
    botFolds: '机器人乙弃牌了。只剩你和机器人甲：比牌决定胜负。',
    compare: '比牌',
    youWin: '你的{you}大过机器人甲的{bot}，赢下底池 {pot} 分！',
    youLose: '机器人甲的{bot}大过你的{you}，底池归机器人甲。',
    youFolded: '你弃牌了，底池 {pot} 分归机器人甲。下次拿到对子可以大胆跟注。',
    reveal: '亮牌：机器人乙弃掉的是{cat}——弃牌后再好的牌也不算数。',
    ladder: '牌型从大到小',
    finish: '完成，回大厅',
  },
  en: {
    offer: 'Tutorial: play a practice hand',
    title: 'Tutorial: your first hand',
    points: 'Practice points {n} (no money)',
    skip: 'Skip tutorial',
    you: 'You',
    botA: 'Bot A',
    botB: 'Bot B',
    deal: 'Everyone antes {ante} points and gets three cards face down. Tap “Look” to see yours.',
    look: 'Look',
    looked: 'You hold a {cat}. Bot A calls {call} points. Call, or fold?',
    call: 'Call {call}',
    fold: 'Fold',
    botFolds: 'Bot B folds. Only you and Bot A are left: compare to decide.',
    compare: 'Compare',
    youWin: 'Your {you} beats Bot A’s {bot}: you win the pot of {pot} points!',
    youLose: 'Bot A’s {bot} beats your {you}: the pot goes to Bot A.',
    youFolded: 'You folded; the pot of {pot} points goes to Bot A. With a pair, calling is often worth it.',
    reveal: 'Showdown: Bot B folded a {cat} — a folded hand counts for nothing, however good.',
    ladder: 'Hand rankings, best first',
    finish: 'Done — to the lobby',
  },
};

/** The lobby's offer, in the player's language. */
export function tutorialOfferLabel(app: App): string {
  return TEXT[app.lang].offer;
}

function fill(s: string, vars: Readonly<Record<string, string | number>>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

type Words = (typeof TEXT)['zh'];
type View = ReturnType<typeof tutorialView>;
/** Each seat's hand ranking, in the player's language. */
type Named = { readonly you: string; readonly botA: string; readonly botB: string };

export function tutorialScene(app: App): Scene {
  let step: TutorialStep = 'deal';
  let done = false;
  const leave = () => {
    wx.setStorageSync(TUTORIAL_DONE_KEY, true);
    done = true;
    app.show(app.scenes.lobby(app));
  };
  const go = (next: TutorialStep) => () => {
    step = next;
  };

  return {
    name: 'tutorial',
    draw(g: Gfx) {
      const x = TEXT[app.lang];
      const view = tutorialView(step);
      const named: Named = {
        you: app.t(`cat_${view.categories.you}`),
        botA: app.t(`cat_${view.categories.botA}`),
        botB: app.t(`cat_${view.categories.botB}`),
      };
      g.fill(COLORS.feltDark);
      if (!view.over) g.button('tutorial-skip', 12, 12, 120, 32, x.skip, leave, { kind: 'ghost', size: 13 });
      g.text(x.title, g.w / 2, 64, { size: 17, weight: 'bold', color: COLORS.paper, align: 'center', maxWidth: g.w - 24 });
      const pointsLine = fill(x.points, { n: view.points });
      g.text(pointsLine, g.w / 2, 88, { size: 12, color: COLORS.gold, align: 'center', maxWidth: g.w - 24 });
      g.region('tutorial-points', 12, 78, g.w - 24, 20, pointsLine, null);
      let y = drawSeats(g, x, view, named, 104);
      y = drawNarration(g, x, step, view, named, y);
      y += 6;
      const bw = (g.w - 36) / 2;
      if (step === 'deal') g.button('tutorial-look', 12, y, g.w - 24, 44, x.look, go('looked'));
      else if (step === 'looked') {
        g.button('tutorial-call', 12, y, bw, 44, fill(x.call, { call: TUTORIAL_CALL }), go('called'));
        g.button('tutorial-fold', 24 + bw, y, bw, 44, x.fold, go('folded'), { kind: 'secondary' });
      } else if (step === 'called') g.button('tutorial-compare', 12, y, g.w - 24, 44, x.compare, go('shown'), { kind: 'gold' });
      else g.button('tutorial-finish', 12, y, g.w - 24, 44, x.finish, leave);
      drawLadder(app, g, x, view);
    },
    debug: () => {
      const view = tutorialView(step);
      return { step, points: view.points, pot: view.pot, seen: view.seen, over: view.over, done };
    },
  };
}

/** The three seats: a name and, once shown, the hand's ranking on the left; the cards on the right. Returns the y below them. */
function drawSeats(g: Gfx, x: Words, view: View, named: Named, y0: number): number {
  const rowH = 50;
  const cw = 28;
  const ch = 39;
  const seats = [
    { id: 'bot-a', name: x.botA, cards: TUTORIAL_HANDS.botA, open: view.botsOpen, cat: named.botA },
    { id: 'bot-b', name: x.botB, cards: TUTORIAL_HANDS.botB, open: view.botsOpen, cat: named.botB },
    { id: 'you', name: x.you, cards: TUTORIAL_HANDS.you, open: view.youOpen, cat: named.you },
  ];
  let y = y0;
  for (const s of seats) {
    g.box(12, y, g.w - 24, rowH - 6, 8, s.id === 'you' ? 'rgba(212,160,23,0.18)' : 'rgba(255,255,255,0.08)');
    const textW = g.w - 24 - 3 * (cw + 4) - 32;
    g.text(s.name, 24, y + (s.open ? 14 : (rowH - 6) / 2), { size: 14, weight: 'bold', color: COLORS.paper, maxWidth: textW });
    if (s.open) g.text(s.cat, 24, y + 32, { size: 13, weight: 'bold', color: COLORS.gold, maxWidth: textW });
    s.cards.forEach((c, k) => {
      card(g, g.w - 20 - (3 - k) * (cw + 4), y + (rowH - 6 - ch) / 2, cw, ch, s.open ? c : null);
    });
    g.region(`tutorial-${s.id}`, 12, y, g.w - 24, rowH - 6, s.open ? `${s.cards.join(',')} ${s.cat}` : '', null);
    y += rowH;
  }
  return y;
}

/** What happens at this step, and what the bots held once shown. Returns the y below it. */
function drawNarration(g: Gfx, x: Words, step: TutorialStep, view: View, named: Named, y0: number): number {
  let say: string;
  if (step === 'deal') say = fill(x.deal, { ante: TUTORIAL_ANTE });
  else if (step === 'looked') say = fill(x.looked, { cat: named.you, call: TUTORIAL_CALL });
  else if (step === 'called') say = x.botFolds;
  else if (step === 'folded') say = fill(x.youFolded, { pot: view.pot });
  else say = fill(view.won ? x.youWin : x.youLose, { you: named.you, bot: named.botA, pot: view.pot });
  let y = y0 + 4;
  const sayH = g.paragraph(say, 20, y, g.w - 40, { size: 14, color: COLORS.paper });
  g.region('tutorial-say', 12, y, g.w - 24, sayH, say, null);
  y += sayH + 4;
  if (view.botsOpen) {
    const reveal = fill(x.reveal, { cat: named.botB });
    const h = g.paragraph(reveal, 20, y, g.w - 40, { size: 12, color: 'rgba(255,255,255,0.75)' });
    g.region('tutorial-reveal', 12, y, g.w - 24, h, reveal, null);
    y += h + 4;
  }
  return y;
}

/** The ladder at the foot: every ranking, those shown so far marked. */
function drawLadder(app: App, g: Gfx, x: Words, view: View): void {
  const cellW = (g.w - 24 - 8) / 3;
  const top = g.h - 78;
  g.text(x.ladder, 12, top, { size: 13, weight: 'bold', color: COLORS.paper, maxWidth: g.w - 24 });
  TUTORIAL_LADDER.forEach((c, i) => {
    const cx = 12 + (i % 3) * (cellW + 4);
    const cy = top + 12 + Math.floor(i / 3) * 30;
    const on = view.seen.includes(c);
    const label = `${i + 1}. ${app.t(`cat_${c}`)}${on ? ' ✓' : ''}`;
    g.box(cx, cy, cellW, 26, 6, on ? COLORS.gold : 'rgba(255,255,255,0.1)');
    g.text(label, cx + cellW / 2, cy + 13, {
      size: 12,
      weight: on ? 'bold' : 'normal',
      color: on ? COLORS.ink : COLORS.paper,
      align: 'center',
      maxWidth: cellW - 6,
    });
    g.region(`ladder-${c}`, cx, cy, cellW, 26, label, null);
  });
}

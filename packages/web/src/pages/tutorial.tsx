// A first hand of 拼三张 against two bots, on practice points only (nothing is sent to the server and
// no money moves): the cards are dealt face down, the player looks, calls or folds, one bot folds,
// the other is compared, and every hand's ranking is named as it shows (from @fairground/rules,
// the table's own evaluator; the script is shared with the mini-game's scene). Skippable at every step; done or skipped, it is not offered again on
// this device (`fg.tutorial.done`).
import {
  TUTORIAL_ANTE as ANTE,
  TUTORIAL_CALL as CALL,
  TUTORIAL_HANDS,
  TUTORIAL_LADDER as LADDER,
  type TutorialStep as Step,
  tutorialView,
} from '@fairground/rules';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { cardLabel, isRed, roomWords } from './rooms/i18n.ts';
import './rooms/rooms.css';

export const TUTORIAL_DONE_KEY = 'fg.tutorial.done';

function markTutorialDone(): void {
  try {
    globalThis.localStorage?.setItem(TUTORIAL_DONE_KEY, '1');
  } catch {
    // Storage refused (private mode): the offer comes back next time, which is harmless.
  }
}

const { you: YOU, botA: BOT_A, botB: BOT_B } = TUTORIAL_HANDS;

const TEXT = {
  zh: {
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
    finish: '完成，去大厅',
    shown: '已亮牌',
  },
  en: {
    title: 'Tutorial: your first hand',
    points: 'Practice points {n} (no money)',
    skip: 'Skip the tutorial',
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
    shown: 'Shown',
  },
};

function fill(s: string, vars: Record<string, string | number>): string {
  return s.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

function Hand({ cards, open, testId }: { cards: readonly string[]; open: boolean; testId: string }) {
  return (
    <span class="cards md" data-testid={testId} data-cards={open ? cards.join(',') : ''}>
      {cards.map((c) =>
        open ? (
          <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
            {cardLabel(c)}
          </span>
        ) : (
          <span key={c} class="card-face back" />
        ),
      )}
    </span>
  );
}

export function TutorialPage({ ctx }: { ctx: Ctx }) {
  const x = TEXT[ctx.lang];
  const w = roomWords(ctx.lang);
  const [step, setStep] = useState<Step>('deal');
  const view = tutorialView(step);
  const named = { you: w(`cat_${view.categories.you}`), botA: w(`cat_${view.categories.botA}`), botB: w(`cat_${view.categories.botB}`) };
  const { pot, points, won } = view;
  const leave = () => {
    markTutorialDone();
    ctx.navigate('lobby');
  };
  const seen = new Set<string>(view.seen);
  const open = view.botsOpen;
  const say = sayingOf(x, step, named, pot, won);

  return (
    <main class="page tutorial" data-testid="tutorial-page" data-step={step}>
      <h1>{x.title}</h1>
      <p class="muted small" data-testid="tutorial-points">
        {fill(x.points, { n: points })}
      </p>
      <Seats x={x} named={named} open={open} youOpen={step !== 'deal'} />
      <p class="tutorial-say" role="status" data-testid="tutorial-say">
        {say}
      </p>
      {open && (
        <p class="small" data-testid="tutorial-reveal">
          {fill(x.reveal, { cat: named.botB })}
        </p>
      )}
      <Actions x={x} step={step} setStep={setStep} leave={leave} />
      <Ladder x={x} w={w} seen={seen} />
      {step !== 'shown' && step !== 'folded' && (
        <button type="button" class="link" data-testid="tutorial-skip" onClick={leave}>
          {x.skip}
        </button>
      )}
    </main>
  );
}

type Text = (typeof TEXT)['zh'];
type Named = { you: string; botA: string; botB: string };

/** What the dealer says at each step. */
function sayingOf(x: Text, step: Step, named: Named, pot: number, won: boolean): string {
  if (step === 'deal') return fill(x.deal, { ante: ANTE });
  if (step === 'looked') return fill(x.looked, { cat: named.you, call: CALL });
  if (step === 'called') return x.botFolds;
  if (step === 'folded') return fill(x.youFolded, { pot });
  return fill(won ? x.youWin : x.youLose, { you: named.you, bot: named.botA, pot });
}

/** The two bots' seats and the player's, each hand named once it shows. */
function Seats({ x, named, open, youOpen }: { x: Text; named: Named; open: boolean; youOpen: boolean }) {
  return (
    <section class="card">
      <div class="tutorial-seat">
        <strong>{x.botA}</strong>
        <Hand cards={BOT_A} open={open} testId="tutorial-bot-a" />
        {open && (
          <span class="tag" data-testid="tutorial-bot-a-cat">
            {named.botA}
          </span>
        )}
      </div>
      <div class="tutorial-seat">
        <strong>{x.botB}</strong>
        <Hand cards={BOT_B} open={open} testId="tutorial-bot-b" />
        {open && <span class="tag">{named.botB}</span>}
      </div>
      <div class="tutorial-seat">
        <strong>{x.you}</strong>
        <Hand cards={YOU} open={youOpen} testId="tutorial-you" />
        {youOpen && (
          <span class="tag" data-testid="tutorial-you-cat">
            {named.you}
          </span>
        )}
      </div>
    </section>
  );
}

/** The step's choices: look, call or fold, compare, and finish. */
function Actions({ x, step, setStep, leave }: { x: Text; step: Step; setStep: (step: Step) => void; leave: () => void }) {
  return (
    <div class="tutorial-actions">
      {step === 'deal' && (
        <button type="button" class="primary" data-testid="tutorial-look" onClick={() => setStep('looked')}>
          {x.look}
        </button>
      )}
      {step === 'looked' && (
        <>
          <button type="button" class="primary" data-testid="tutorial-call" onClick={() => setStep('called')}>
            {fill(x.call, { call: CALL })}
          </button>
          <button type="button" class="secondary" data-testid="tutorial-fold" onClick={() => setStep('folded')}>
            {x.fold}
          </button>
        </>
      )}
      {step === 'called' && (
        <button type="button" class="primary" data-testid="tutorial-compare" onClick={() => setStep('shown')}>
          {x.compare}
        </button>
      )}
      {(step === 'shown' || step === 'folded') && (
        <button type="button" class="primary" data-testid="tutorial-finish" onClick={leave}>
          {x.finish}
        </button>
      )}
    </div>
  );
}

/** The ranking ladder, each category marked once a hand of it has shown. */
function Ladder({ x, w, seen }: { x: Text; w: ReturnType<typeof roomWords>; seen: ReadonlySet<string> }) {
  return (
    <section class="card" data-testid="tutorial-ladder">
      <h2>{x.ladder}</h2>
      <ol class="tutorial-ladder">
        {LADDER.map((c) => (
          <li key={c} class={seen.has(c) ? 'on' : ''} data-testid={`ladder-${c}`} data-seen={seen.has(c) ? 'true' : 'false'}>
            {w(`cat_${c}` as 'cat_pair')}
            {seen.has(c) && <span class="tag">{x.shown}</span>}
          </li>
        ))}
      </ol>
    </section>
  );
}

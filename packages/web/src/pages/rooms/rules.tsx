// The rules a player can read: hand rankings with examples, and the betting rules of the room
// they are in (its own base score, cap, blind rounds, compare round, bonuses, auto-play rule),
// or the defaults when opened without a room. The words follow what the rules module does:
// 2-3-5 of mixed suits beats a leopard, A-2-3 is the lowest straight, a compare tie goes against
// the player who asked for it, a forced showdown shares a tie, and the last winner deals.
import { DEFAULT_PARAMS } from '@fairground/server/room-defaults';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import type { Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { cardLabel, isRed, roomWords } from './i18n.ts';
import './rooms.css';

type Params = Response<'GET /api/rooms/:roomId'>['params'];

const RANKS: readonly { key: string; cards: readonly string[] }[] = [
  { key: 'leopard', cards: ['Ah', 'As', 'Ad'] },
  { key: 'straight_flush', cards: ['Qh', 'Jh', 'Th'] },
  { key: 'flush', cards: ['Ks', '9s', '4s'] },
  { key: 'straight', cards: ['9d', '8c', '7h'] },
  { key: 'pair', cards: ['Jc', 'Jd', '5s'] },
  { key: 'high_card', cards: ['Ad', 'Tc', '6h'] },
];

const TEXT = {
  zh: {
    title: '玩法规则',
    ranking: '牌型大小（从大到小）',
    leopard: '豹子：三张点数相同',
    straight_flush: '顺金：同花色的顺子',
    flush: '金花：三张同花色',
    straight: '顺子：三张连续点数',
    pair: '对子：两张点数相同',
    high_card: '单张：以上都不是，比最大的一张',
    special: '特殊：花色不全相同的 2、3、5 可以赢豹子（但输给其他所有牌型）。A-2-3 是最小的顺子，Q-K-A 是最大的顺子。',
    ties: '牌型相同时依次比较点数；花色不分大小。主动比牌时如果一样大，发起比牌的一方输。轮数封顶后一起亮牌，一样大则平分底池。',
    betting: '下注规则（本房间）',
    bettingDefault: '下注规则（默认设置）',
    base: '每局开始每人先下底分 {n} 分，单注从 {n} 开始。',
    cap: '单注最高 {n} 分（封顶）。',
    blindPay: '没看牌（闷牌）跟注付一倍单注，看过牌付两倍。',
    blind: '前 {n} 轮必须闷牌，不能看牌。',
    noBlind: '任何时候都可以看牌。',
    compare: '从第 {n} 轮起可以比牌，比牌花费与跟注相同，输的一方出局。',
    rounds: '最多下注 {n} 轮，之后剩下的玩家一起亮牌。',
    bonus: '喜牌：拿到豹子，其他每位玩家各付 {leopard} 分；拿到顺金，各付 {sf} 分。',
    noBonus: '本房间没有喜牌奖励。',
    dealer: '谁先说话：第一局房主坐庄，之后上一局的赢家坐庄；庄家下家先说话，按座位顺序轮流。',
    timer: '每次操作 {n} 秒。',
    trustOff: '超时自动弃牌。离线或没准备的玩家不参与下一局。',
    trustCall: '本房间开启托管：超时或托管中的玩家自动跟注；离线玩家也按托管参与下一局。',
    scores: '局内积分只用于本房间计分，不能兑换、不能转让。',
    back: '回到牌桌',
  },
  en: {
    title: 'Rules',
    ranking: 'Hand rankings (highest first)',
    leopard: 'Leopard: three cards of one rank',
    straight_flush: 'Straight flush: a straight in one suit',
    flush: 'Flush: three cards of one suit',
    straight: 'Straight: three ranks in a row',
    pair: 'Pair: two cards of one rank',
    high_card: 'High card: none of the above; the highest card counts',
    special:
      'Special: 2, 3, 5 of mixed suits beats a leopard (and loses to everything else). A-2-3 is the lowest straight, Q-K-A the highest.',
    ties: 'Equal kinds compare ranks card by card; suits never rank. In a compare, a tie goes against the player who asked for it. After the last betting round everyone left shows, and equal hands share the pot.',
    betting: 'Betting (this room)',
    bettingDefault: 'Betting (default settings)',
    base: 'Each hand starts with everyone putting in the base score, {n}; the stake starts at {n}.',
    cap: 'The stake is capped at {n}.',
    blindPay: 'A blind player pays one stake to call; after looking, two.',
    blind: 'Nobody may look for the first {n} rounds.',
    noBlind: 'You may look at your cards at any time.',
    compare: 'Comparing is allowed from round {n}; it costs a call, and the loser is out.',
    rounds: 'At most {n} betting rounds; then everyone left shows their cards.',
    bonus: 'Bonuses: a leopard collects {leopard} from each other player; a straight flush {sf}.',
    noBonus: 'This room pays no bonuses.',
    dealer: 'Who starts: the owner deals the first hand, then the last winner; the seat after the dealer acts first, then round the table.',
    timer: 'Each turn lasts {n} s.',
    trustOff: 'A turn that runs out folds. Players who are offline or not ready sit the next hand out.',
    trustCall: 'Auto-play is on: a turn that runs out, or a player on auto-play, calls; offline players are dealt in on auto-play.',
    scores: 'In-room scores only keep count in this room; they cannot be exchanged or transferred.',
    back: 'Back to the table',
  },
} as const;

function fill(text: string, vars: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (_, k: string) => String(vars[k] ?? ''));
}

const DEFAULTS: Pick<Params, 'baseScore' | 'stakeCapMultiple' | 'blindRounds' | 'compareFromRound' | 'bettingRoundsMax' | 'turnTimeS'> &
  Partial<Params> = {
  baseScore: DEFAULT_PARAMS.baseScore,
  stakeCapMultiple: DEFAULT_PARAMS.stakeCapMultiple,
  blindRounds: DEFAULT_PARAMS.blindRounds,
  compareFromRound: DEFAULT_PARAMS.compareFromRound,
  bettingRoundsMax: DEFAULT_PARAMS.bettingRoundsMax,
  turnTimeS: DEFAULT_PARAMS.turnTimeS,
};

export function RoomRulesPage({ ctx }: { ctx: Ctx }) {
  const w = TEXT[ctx.lang];
  const t = roomWords(ctx.lang);
  const roomId = (location.hash.replace(/^#\/?/, '').split('?')[0] ?? '').split('/')[1] ?? '';
  const [params, setParams] = useState<Params | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (roomId === '') return;
    ctx.api.call('GET /api/rooms/:roomId', { params: { roomId } }).then(
      (r) => setParams(r.params),
      (e: unknown) => setError(errorText(ctx.lang, e)),
    );
  }, [roomId]);

  return (
    <main class="page rooms" data-testid="room-rules-page">
      <section class="card">
        <h1>{w.title}</h1>
        {roomId !== '' && (
          <a class="link" href={`#/room/${roomId}`}>
            ← {w.back}
          </a>
        )}
      </section>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <HandRankings w={w} />
      <BettingRules w={w} params={params} />
      {roomId === '' && (
        <a class="button secondary" href="#/rooms">
          {t('rooms')}
        </a>
      )}
    </main>
  );
}

type Words = (typeof TEXT)[keyof typeof TEXT];

/** The hand rankings, each with an example, and the special cases. */
function HandRankings({ w }: { w: Words }) {
  return (
    <section class="card">
      <h2>{w.ranking}</h2>
      <ol class="rank-list">
        {RANKS.map((r) => (
          <li key={r.key} data-testid={`rank-${r.key}`}>
            <span class="cards sm">
              {r.cards.map((c) => (
                <span key={c} class={`card-face${isRed(c) ? ' red' : ''}`}>
                  {cardLabel(c)}
                </span>
              ))}
            </span>
            <span>{w[r.key as keyof typeof w]}</span>
          </li>
        ))}
      </ol>
      <p class="small">{w.special}</p>
      <p class="small">{w.ties}</p>
    </section>
  );
}

/** The betting rules of this room, or the defaults when opened without a room. */
function BettingRules({ w, params }: { w: Words; params: Params | null }) {
  const p = params ?? DEFAULTS;
  const base = Number(p.baseScore);
  const leopard = Number(p.leopardMultiplier ?? 0) * base;
  const sf = Number(p.straightFlushMultiplier ?? 0) * base;
  return (
    <section class="card" data-testid="room-betting-rules">
      <h2>{params ? w.betting : w.bettingDefault}</h2>
      <ul class="plain">
        <li>{fill(w.base, { n: base })}</li>
        <li>{fill(w.cap, { n: base * Number(p.stakeCapMultiple) })}</li>
        <li>{w.blindPay}</li>
        <li>{Number(p.blindRounds) > 0 ? fill(w.blind, { n: Number(p.blindRounds) }) : w.noBlind}</li>
        <li>{fill(w.compare, { n: Number(p.compareFromRound) })}</li>
        <li>{fill(w.rounds, { n: Number(p.bettingRoundsMax) })}</li>
        <li>{leopard > 0 || sf > 0 ? fill(w.bonus, { leopard, sf }) : w.noBonus}</li>
        <li>{w.dealer}</li>
        <li>
          {fill(w.timer, { n: Number(p.turnTimeS) })}
          {p.trusteeship === 'call' ? w.trustCall : w.trustOff}
        </li>
        <li>{w.scores}</li>
      </ul>
    </section>
  );
}

// Leaderboards: daily, weekly and all-time boards by best score or by rating, this period or
// the previous one, with the player's own rank and the players around them.
import { useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import type { Response } from '../../shared/api.ts';
import { skillText } from './i18n.ts';
import './skill.css';

type Top = Response<'GET /api/leaderboards/:game/:metric'>;
type Me = Response<'GET /api/leaderboards/:game/:metric/me'>;
type Metric = 'score' | 'rating';
type Period = 'daily' | 'weekly' | 'all';
type Which = 'current' | 'previous';

export function SkillLeaderboardsPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const s = useMemo(() => skillText(ctx.lang), [ctx.lang]);
  const [metric, setMetric] = useState<Metric>('score');
  const [period, setPeriod] = useState<Period>('daily');
  const [which, setWhich] = useState<Which>('current');
  const [top, setTop] = useState<Top | null>(null);
  const [me, setMe] = useState<Me | null>(null);

  useEffect(() => {
    const params = { game: 'match3', metric };
    Promise.all([
      api.call('GET /api/leaderboards/:game/:metric', { params, query: { period, which, limit: 20 } }),
      api.call('GET /api/leaderboards/:game/:metric/me', { params, query: { period, which, radius: 2 } }),
    ]).then(
      ([t, m]) => {
        setTop(t);
        setMe(m);
      },
      () => {},
    );
  }, [api, metric, period, which]);

  const chip = <T extends string>(value: T, current: T, set: (v: T) => void, label: string) => (
    <button type="button" class={value === current ? 'chip on' : 'chip'} onClick={() => set(value)} data-testid={`lb-${value}`}>
      {label}
    </button>
  );

  return (
    <main class="page" data-testid="skill-leaderboards-page">
      <a href="#/skill" class="link">
        ← {s('back')}
      </a>
      <h1>{s('leaderboards')}</h1>
      <div class="chips">
        {chip<Metric>('score', metric, setMetric, s('metric_score'))}
        {chip<Metric>('rating', metric, setMetric, s('metric_rating'))}
      </div>
      <div class="chips">
        {chip<Period>('daily', period, setPeriod, s('period_daily'))}
        {chip<Period>('weekly', period, setPeriod, s('period_weekly'))}
        {chip<Period>('all', period, setPeriod, s('period_all'))}
        {period !== 'all' && chip<Which>('current', which, setWhich, s('current'))}
        {period !== 'all' && chip<Which>('previous', which, setWhich, s('previous'))}
      </div>
      <TopEntries s={s} top={top} me={me} />
      <MyStanding s={s} me={me} />
    </main>
  );
}

type Words = ReturnType<typeof skillText>;

/** The board's top entries; the player's own line is marked. */
function TopEntries({ s, top, me }: { s: Words; top: Top | null; me: Me | null }) {
  return (
    <section class="card">
      {top && top.entries.length === 0 && <p class="muted">{s('emptyBoard')}</p>}
      <ol class="row-list" data-testid="leaderboard">
        {(top?.entries ?? []).map((e) => (
          <li key={e.rank} class={me?.me?.rank === e.rank ? 'you' : ''}>
            <span>{e.rank}</span>
            <span>{e.nickname}</span>
            <strong>{e.value}</strong>
          </li>
        ))}
      </ol>
    </section>
  );
}

/** The player's rank and the players around them, or that they are not ranked. */
function MyStanding({ s, me }: { s: Words; me: Me | null }) {
  return (
    <section class="card" data-testid="my-standing" data-rank={me?.me?.rank ?? ''}>
      {me?.me ? (
        <ol class="row-list">
          {me.around.map((e) => (
            <li key={e.rank} class={e.you ? 'you' : ''}>
              <span>{e.rank}</span>
              <span>{e.you ? `${e.nickname} (${s('you')})` : e.nickname}</span>
              <strong>{e.value}</strong>
            </li>
          ))}
        </ol>
      ) : (
        <p class="muted">{s('notRanked')}</p>
      )}
    </section>
  );
}

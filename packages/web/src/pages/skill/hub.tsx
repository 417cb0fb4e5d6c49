// The skill-games hub: the game and its rules, free practice, paid head-to-head by entry fee,
// the player's matches with their verdicts, the rating, and the way to tournaments and boards.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import { ApiError, type Response } from '../../shared/api.ts';
import { errorText } from '../../shared/errors.ts';
import { formatAmount } from '../../shared/money.ts';
import { hasSkillKey, skillText } from './i18n.ts';
import './skill.css';

type Game = Response<'GET /api/skill/games'>['games'][number];
type MatchView = Response<'GET /api/skill/matches/:matchId'>;
type Rating = Response<'GET /api/skill/ratings/me'>['ratings'][number];

/** A fresh idempotency key per tap: a double tap sends one key only if the page reuses it. */
export function requestKey(): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `web-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

export function playSession(sessionId: string): void {
  location.hash = `#/skill-play?session=${encodeURIComponent(sessionId)}`;
}

export function SkillHubPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const s = useMemo(() => skillText(ctx.lang), [ctx.lang]);
  const [games, setGames] = useState<Game[]>([]);
  const [matches, setMatches] = useState<MatchView[]>([]);
  const [ratings, setRatings] = useState<Rating[]>([]);
  const [starting, setStarting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const spend = useSpendConfirmation(ctx.lang);

  const explain = useCallback(
    (e: unknown) => {
      if (e instanceof ApiError) {
        const key = `code_${e.code}`;
        if (e.code === 'COMPLIANCE_DENIED') return errorText(ctx.lang, e);
        return hasSkillKey(key) ? s(key) : errorText(ctx.lang, e);
      }
      return errorText(ctx.lang, e);
    },
    [s, ctx.lang],
  );

  const load = useCallback(async () => {
    const [g, m, r] = await Promise.all([
      api.call('GET /api/skill/games', {}),
      api.call('GET /api/skill/matches', { query: { limit: 20 } }),
      api.call('GET /api/skill/ratings/me', {}),
    ]);
    setGames(g.games);
    setMatches(m.matches);
    setRatings(r.ratings);
  }, [api]);

  useEffect(() => {
    load().catch((e) => setError(explain(e)));
  }, [load, explain]);

  const practice = async (game: string) => {
    setStarting('practice');
    setError(null);
    try {
      const st = await api.call('POST /api/skill/practice', { body: { game } });
      playSession(st.sessionId);
    } catch (e) {
      setError(explain(e));
    } finally {
      setStarting(null);
    }
  };

  const paid = async (game: string, entryFeeFen: number) => {
    setStarting(`fee-${entryFeeFen}`);
    setError(null);
    try {
      const r = await api.call('POST /api/skill/matches', { body: { game, entryFeeFen, idempotencyKey: requestKey() } });
      playSession(r.session.sessionId);
    } catch (e) {
      setError(explain(e));
    } finally {
      setStarting(null);
    }
  };

  return (
    <main class="page" data-testid="skill-page">
      <a href="#/lobby" class="link">
        ← {s('backLobby')}
      </a>
      <h1>{s('skillTitle')}</h1>
      {error && (
        <p class="error" role="alert" data-testid="skill-error">
          {error}
        </p>
      )}
      {games.map((g) => {
        const rating = ratings.find((r) => r.game === g.game && r.pool === 'paid');
        return (
          <section class="card" key={g.game} data-testid={`game-${g.game}`}>
            <h2>{ctx.lang === 'zh' ? g.title.zh : g.title.en}</h2>
            <p class="small">
              {s(g.config.rules === 'sum10' ? 'rulesLineSum10' : 'rulesLine', {
                w: g.config.width,
                h: g.config.height,
                moves: g.config.movesMax,
                minutes: Math.round(g.config.durationMs / 60_000),
              })}
            </p>
            <p class="muted small">{s(g.config.rules === 'sum10' ? 'fairLineSum10' : 'fairLine')}</p>
            {rating && <p class="small">{s('myRating', { rating: rating.rating, rd: rating.deviation, games: rating.games })}</p>}
            <button
              type="button"
              class="primary"
              disabled={starting !== null}
              onClick={() => practice(g.game)}
              data-testid="start-practice"
            >
              {starting === 'practice' ? s('starting') : s('practice')}
            </button>
            <h3>{s('paidMatch')}</h3>
            <div class="stakes">
              {g.stakesFen.map((fee) => (
                <button
                  type="button"
                  class="secondary"
                  key={fee}
                  disabled={starting !== null}
                  onClick={() =>
                    spend.ask(
                      {
                        title: s('paidMatch'),
                        lines: [
                          [s('confirmEntry'), formatAmount('CNY', fee)],
                          [s('confirmFrom'), s('confirmCash')],
                        ],
                        note: s('confirmNote'),
                      },
                      () => paid(g.game, fee),
                    )
                  }
                  data-testid={`start-match-${fee}`}
                >
                  {s('entryFee', { fee: formatAmount('CNY', fee) })}
                </button>
              ))}
            </div>
            <p class="muted small">
              {s('prizeLine', {
                share: (10_000 - g.rakeBps) / 100,
                rake: g.rakeBps / 100,
                tie: g.tieRule === 'split' ? s('tieSplit') : s('tieRefund'),
              })}
            </p>
          </section>
        );
      })}
      <nav class="chips">
        <a class="chip" href="#/skill-tournaments" data-testid="open-tournaments">
          {s('tournaments')}
        </a>
        <a class="chip" href="#/skill-leaderboards" data-testid="open-leaderboards">
          {s('leaderboards')}
        </a>
      </nav>
      <section class="card">
        <h2>{s('myMatches')}</h2>
        {matches.length === 0 && <p class="muted">{s('noMatches')}</p>}
        <ul class="row-list" data-testid="matches">
          {matches.map((m) => (
            <li key={m.matchId} data-testid={`match-${m.matchId}`} data-verdict={m.verdict} data-payout={m.payoutFen}>
              <a href={`#/skill-play?session=${m.you.sessionId}`} class="link">
                {formatAmount('CNY', m.entryFeeFen)} · {s(`status_${m.status}`)}
              </a>
              <span>
                {m.you.score}
                {m.opponent.score !== null ? ` : ${m.opponent.score}` : ''}
              </span>
              <strong>
                {s(`verdict_${m.verdict}`)}
                {m.payoutFen > 0 ? ` +${formatAmount('CNY', m.payoutFen)}` : ''}
              </strong>
            </li>
          ))}
        </ul>
      </section>
      {spend.sheet}
    </main>
  );
}

// The skill-games hub: the game and its rules, free practice, paid head-to-head by entry fee,
// the player's matches with their verdicts, the rating, and the way to tournaments and boards.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import { GameCard, type Game, type MatchView, MyMatches, type Rating } from './hub-games.tsx';
import { skillText } from './i18n.ts';
import { useSkillExplain } from './explain.ts';
import './skill.css';

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
  const [starting, setStarting] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const spend = useSpendConfirmation(ctx.lang);

  const explain = useSkillExplain(ctx.lang, s);
  const { games, matches, ratings } = useHubData(api, explain, setError);

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
      {games.map((g) => (
        <GameCard key={g.game} ctx={ctx} s={s} g={g} ratings={ratings} starting={starting} practice={practice} paid={paid} spend={spend} />
      ))}
      <nav class="chips">
        <a class="chip" href="#/skill-tournaments" data-testid="open-tournaments">
          {s('tournaments')}
        </a>
        <a class="chip" href="#/skill-leaderboards" data-testid="open-leaderboards">
          {s('leaderboards')}
        </a>
      </nav>
      <MyMatches s={s} matches={matches} />
      {spend.sheet}
    </main>
  );
}

/** The games, the player's recent matches and ratings, loaded once (a failure shows as the page's error). */
function useHubData(api: Ctx['api'], explain: (e: unknown) => string, setError: (text: string) => void) {
  const [games, setGames] = useState<Game[]>([]);
  const [matches, setMatches] = useState<MatchView[]>([]);
  const [ratings, setRatings] = useState<Rating[]>([]);
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
  return { games, matches, ratings };
}

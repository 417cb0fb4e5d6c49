// Tournaments: enter (the fee is held until the end), play your one game on the shared seed, and
// see the standings and prizes once it is settled.
import { useCallback, useEffect, useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import type { Response } from '../../shared/api.ts';
import { formatTimeMs } from '../../shared/i18n.ts';
import { formatAmount } from '../../shared/money.ts';
import { playSession, requestKey } from './hub.tsx';
import { hasSkillKey, type SkillKey, skillText } from './i18n.ts';
import { useSkillExplain } from './explain.ts';
import './skill.css';

type Tournament = Response<'GET /api/skill/tournaments'>['tournaments'][number];

export function SkillTournamentsPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const s = useMemo(() => skillText(ctx.lang), [ctx.lang]);
  const [list, setList] = useState<Tournament[]>([]);
  const [error, setError] = useState<string | null>(null);
  const spend = useSpendConfirmation(ctx.lang);

  const explain = useSkillExplain(ctx.lang, s);

  const load = useCallback(async () => {
    setList((await api.call('GET /api/skill/tournaments', { query: { limit: 20 } })).tournaments);
  }, [api]);

  useEffect(() => {
    load().catch((e) => setError(explain(e)));
  }, [load, explain]);

  const enter = async (id: string) => {
    setError(null);
    try {
      await api.call('POST /api/skill/tournaments/:tournamentId/entries', {
        params: { tournamentId: id },
        body: { idempotencyKey: requestKey() },
      });
      await load();
    } catch (e) {
      setError(explain(e));
    }
  };

  const play = async (id: string) => {
    setError(null);
    try {
      const st = await api.call('POST /api/skill/tournaments/:tournamentId/session', { params: { tournamentId: id } });
      playSession(st.sessionId);
    } catch (e) {
      setError(explain(e));
    }
  };

  return (
    <main class="page" data-testid="skill-tournaments-page">
      <a href="#/skill" class="link">
        ← {s('back')}
      </a>
      <h1>{s('tournaments')}</h1>
      {error && (
        <p class="error" role="alert" data-testid="skill-error">
          {error}
        </p>
      )}
      {list.length === 0 && <p class="muted">{s('noTournaments')}</p>}
      {list.map((t) => (
        <TournamentCard key={t.tournamentId} s={s} t={t} ask={spend.ask} enter={enter} play={play} />
      ))}
      {spend.sheet}
    </main>
  );
}

type Words = ReturnType<typeof skillText>;

interface CardProps {
  s: Words;
  t: Tournament;
  ask: ReturnType<typeof useSpendConfirmation>['ask'];
  enter(id: string): Promise<void>;
  play(id: string): Promise<void>;
}

/** One tournament: its status, times and prizes, the player's entry, and the way to enter or play. */
function TournamentCard({ s, t, ask, enter, play }: CardProps) {
  return (
    <section class="card" data-testid={`tournament-${t.tournamentId}`} data-status={t.status}>
      <h2>{t.title}</h2>
      <p class="small">
        {s(`tstatus_${t.status}`)} · {s('entries', { n: t.entries, max: t.playersMax })} · {formatAmount('CNY', t.entryFeeFen)}
      </p>
      <p class="muted small">
        {s('entryCloses', { time: formatTimeMs(t.entryClosesAtMs) })} · {s('endsAt', { time: formatTimeMs(t.endsAtMs) })} ·{' '}
        {s('prizes', { weights: t.prizeWeights.join(' / ') })}
      </p>
      {t.you && (
        <p data-testid="your-entry" data-entry-status={t.you.status}>
          {s('yourEntry', { status: hasSkillKey(`estatus_${t.you.status}`) ? s(`estatus_${t.you.status}` as SkillKey) : t.you.status })}
          {t.you.rank !== null && ` · ${s('rankPrize', { rank: t.you.rank, prize: formatAmount('CNY', t.you.prizeFen ?? 0) })}`}
        </p>
      )}
      {t.status === 'open' && !t.you && (
        <button
          type="button"
          class="primary"
          onClick={() =>
            ask(
              {
                title: s('enter', { fee: formatAmount('CNY', t.entryFeeFen) }),
                lines: [
                  [s('confirmEntry'), formatAmount('CNY', t.entryFeeFen)],
                  [s('confirmFrom'), s('confirmCash')],
                ],
                note: s('confirmNote'),
              },
              () => enter(t.tournamentId),
            )
          }
          data-testid="enter-tournament"
        >
          {s('enter', { fee: formatAmount('CNY', t.entryFeeFen) })}
        </button>
      )}
      {(t.status === 'open' || t.status === 'running') && t.you?.status === 'entered' && (
        <button type="button" class="primary" onClick={() => play(t.tournamentId)} data-testid="play-tournament">
          {s('playNow')}
        </button>
      )}
      {t.standings.length > 0 && <Standings s={s} t={t} />}
    </section>
  );
}

/** The settled standings with each prize. */
function Standings({ s, t }: { s: Words; t: Tournament }) {
  return (
    <>
      <h3>{s('standings')}</h3>
      <ol class="row-list">
        {t.standings.map((row, i) => (
          <li key={i}>
            <span>{row.rank ?? '—'}</span>
            <span>{row.nickname}</span>
            <span>{row.score ?? '—'}</span>
            <strong>{formatAmount('CNY', row.prizeFen ?? 0)}</strong>
          </li>
        ))}
      </ol>
    </>
  );
}

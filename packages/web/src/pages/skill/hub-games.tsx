// The skill hub's cards: a game with its rules, rating, practice and paid entry fees, and the player's recent matches.
import type { Ctx } from '../../app.tsx';
import type { useSpendConfirmation } from '../../components/confirm-spend.tsx';
import type { Response } from '../../shared/api.ts';
import { formatAmount } from '../../shared/money.ts';
import type { skillText } from './i18n.ts';

export type Game = Response<'GET /api/skill/games'>['games'][number];
export type MatchView = Response<'GET /api/skill/matches/:matchId'>;
export type Rating = Response<'GET /api/skill/ratings/me'>['ratings'][number];
type SkillText = ReturnType<typeof skillText>;
type Spend = ReturnType<typeof useSpendConfirmation>;

/** One game: its rules and fairness lines, the player's rating, free practice and the paid entry fees (each confirmed before it is spent). */
export function GameCard({
  ctx,
  s,
  g,
  ratings,
  starting,
  practice,
  paid,
  spend,
}: {
  ctx: Ctx;
  s: SkillText;
  g: Game;
  ratings: readonly Rating[];
  starting: string | null;
  practice: (game: string) => Promise<void>;
  paid: (game: string, entryFeeFen: number) => Promise<void>;
  spend: Spend;
}) {
  const rating = ratings.find((r) => r.game === g.game && r.pool === 'paid');
  return (
    <section class="card" data-testid={`game-${g.game}`}>
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
      <button type="button" class="primary" disabled={starting !== null} onClick={() => practice(g.game)} data-testid="start-practice">
        {starting === 'practice' ? s('starting') : s('practice')}
      </button>
      <h3>{s('paidMatch')}</h3>
      <EntryFees s={s} g={g} starting={starting} paid={paid} spend={spend} />
      <p class="muted small">
        {s('prizeLine', {
          share: (10_000 - g.rakeBps) / 100,
          rake: g.rakeBps / 100,
          tie: g.tieRule === 'split' ? s('tieSplit') : s('tieRefund'),
        })}
      </p>
    </section>
  );
}

/** The player's recent matches with their scores, verdicts and payouts. */
export function MyMatches({ s, matches }: { s: SkillText; matches: readonly MatchView[] }) {
  return (
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
  );
}

/** The paid head-to-head entry fees: each asks the player to confirm the spend before the match starts. */
function EntryFees({
  s,
  g,
  starting,
  paid,
  spend,
}: {
  s: SkillText;
  g: Game;
  starting: string | null;
  paid: (game: string, entryFeeFen: number) => Promise<void>;
  spend: Spend;
}) {
  return (
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
  );
}

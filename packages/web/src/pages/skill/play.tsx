// The game page. The browser runs the same rules module as the server: a move shows at once from
// the local game, and its command (`{seq, atMs, move}`) goes to the server, whose copy decides the
// score. The client holds only the refill gems the server sent ahead; a move that needs more (a
// redrawn board) waits for the server's state. When the game ends the result shows the server's
// score, the verdict of a paid match once both sides are done, and a replay the player can verify
// in the browser.
import { hexToBytes, replaySkillGame, verifyServerSeed } from '@fairground/rules';
import { useMemo, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { type ApiClient, ApiError } from '../../shared/api.ts';
import { formatAmount } from '../../shared/money.ts';
import { Board } from './board.tsx';
import { NumberBoard } from './number-board.tsx';
import type { SessionResult } from './channel.ts';
import { skillText } from './i18n.ts';
import { useSkillExplain } from './explain.ts';
import { type MatchView, useSkillSession } from './play-session.ts';
import './skill.css';

export function sessionFromHash(): string | null {
  const q = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(q).get('session');
}

export function SkillPlayPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const s = useMemo(() => skillText(ctx.lang), [ctx.lang]);
  const sessionId = sessionFromHash();
  const explain = useSkillExplain(ctx.lang, s);
  const session = useSkillSession(api, sessionId, explain);
  const { game: g, busy, mode, result, match, error, hint, leftMs, finish } = session;
  const sum10 = g?.config.rules === 'sum10';

  if (!sessionId) return <main class="page">{s('error', { message: 'no session' })}</main>;
  const blocked = busy || result !== null || (g?.ended ?? false);
  return (
    <main class="page" data-testid="skill-play-page" data-mode={mode ?? ''}>
      <a href="#/skill" class="link">
        ← {s('back')}
      </a>
      <h1>{sum10 ? s('makeTen') : s('gemMatch')}</h1>
      {g && (
        <SkillStats
          s={s}
          score={g.score}
          movesLeft={g.config.movesMax - g.movesMade}
          timeLeft={result ? '—' : `${Math.ceil(leftMs / 1000)}s`}
        />
      )}
      {mode === 'http' && <p class="muted small">{s('offline')}</p>}
      {error && (
        <p class="error" role="alert" data-testid="skill-error">
          {error}
        </p>
      )}
      {g && sum10 && (
        <NumberBoard
          board={g.view().board}
          width={g.config.width}
          height={g.config.height}
          disabled={blocked}
          highlight={hint}
          onPair={session.onMove}
        />
      )}
      {g && !sum10 && (
        <Board
          board={g.view().board}
          width={g.config.width}
          height={g.config.height}
          kinds={g.config.kinds}
          disabled={blocked}
          highlight={hint}
          onSwap={session.onMove}
        />
      )}
      {busy && <p class="muted small">{s('waitingServer')}</p>}
      {!result && g && (
        <div class="stakes">
          <button type="button" class="secondary" onClick={session.showHint} data-testid="hint">
            {s('hint')}
          </button>
          <button type="button" class="secondary" onClick={finish} data-testid="finish">
            {s('finish')}
          </button>
          <button type="button" class="secondary" onClick={() => session.giveUp(s('confirmGiveUp'))} data-testid="give-up">
            {s('giveUp')}
          </button>
        </div>
      )}
      {result && <ResultCard ctx={ctx} sessionId={sessionId} result={result} match={match} explain={explain} />}
    </main>
  );
}

type Words = ReturnType<typeof skillText>;

function SkillStats({ s, score, movesLeft, timeLeft }: { s: Words; score: number; movesLeft: number; timeLeft: string }) {
  return (
    <div class="skill-stats">
      <div>
        <small class="muted">{s('score')}</small>
        <strong data-testid="score" data-score={score}>
          {score}
        </strong>
      </div>
      <div>
        <small class="muted">{s('movesLeft')}</small>
        <strong data-testid="moves-left">{movesLeft}</strong>
      </div>
      <div>
        <small class="muted">{s('timeLeft')}</small>
        <strong data-testid="time-left">{timeLeft}</strong>
      </div>
    </div>
  );
}

interface ResultProps {
  ctx: Ctx;
  sessionId: string;
  result: SessionResult;
  match: MatchView | null;
  explain(e: unknown): string;
}

/** The game over: the server's score, a paid match's verdict, and the replay to verify. */
function ResultCard({ ctx, sessionId, result, match, explain }: ResultProps) {
  const s = skillText(ctx.lang);
  const [verification, setVerification] = useState<string | null>(null);
  const onVerify = async () => {
    setVerification(s('verifying'));
    setVerification(await verifyReplay(ctx.api, sessionId, s, explain));
  };
  return (
    <section class="card" data-testid="result" data-score={result.score} data-status={result.status} data-verdict={match?.verdict ?? ''}>
      <h2>{s('gameOver')}</h2>
      <p>
        {s('serverScore')}: <strong data-testid="server-score">{result.score}</strong>
      </p>
      {match && <MatchVerdict ctx={ctx} match={match} />}
      <div class="stakes">
        <a class="chip" href="#/skill" data-testid="play-again">
          {s('playAgain')}
        </a>
        <a class="chip" href="#/wallet" data-testid="to-wallet">
          {s('toWallet')}
        </a>
      </div>
      {(!match || match.seedHex !== null) && (
        <button type="button" class="secondary" onClick={onVerify} data-testid="verify">
          {s('verify')}
        </button>
      )}
      {verification && (
        <p class="small" data-testid="verification">
          {verification}
        </p>
      )}
    </section>
  );
}

export function MatchVerdict({ ctx, match }: { ctx: Ctx; match: MatchView }) {
  const s = skillText(ctx.lang);
  return (
    <div data-testid="match-verdict" data-verdict={match.verdict} data-payout={match.payoutFen}>
      {match.verdict === 'pending' ? (
        <p class="muted">
          {match.opponent.joined
            ? s('opponentPending')
            : s('opponentWaiting', { minutes: Math.round((match.expiresAtMs - match.createdAtMs) / 60_000) })}
        </p>
      ) : (
        <>
          <p class={`verdict ${match.verdict}`}>{s(`verdict_${match.verdict}`)}</p>
          {match.opponent.score !== null && (
            <p>
              {s('yourScore', { score: match.you.score })} ·{' '}
              {s('vsLine', { name: match.opponent.nickname ?? '?', score: match.opponent.score })}
            </p>
          )}
          <p data-testid="payout">{s('payout', { amount: formatAmount('CNY', match.payoutFen) })}</p>
        </>
      )}
      <p class="muted small">
        {s('commitment')}: <span class="mono">{match.commitment}</span>
      </p>
    </div>
  );
}

/** The session replayed here from its revealed seed: the words for what the check found. */
async function verifyReplay(
  api: ApiClient,
  sessionId: string,
  s: ReturnType<typeof skillText>,
  explain: (e: unknown) => string,
): Promise<string> {
  try {
    const rep = await api.call('GET /api/skill/sessions/:sessionId/replay', { params: { sessionId } });
    const seed = hexToBytes(rep.seedHex);
    if (!seed || !verifyServerSeed(rep.seedHex, rep.commitment)) throw new Error('seed ≠ commitment');
    const end = rep.endReason === 'time' || rep.endReason === 'stopped' ? rep.endReason : null;
    const replay = replaySkillGame(seed, rep.config, rep.commands, end);
    if (!replay.ok || replay.view.score !== rep.score || replay.stateHash !== rep.stateHash)
      throw new Error(`replay score ${replay.view.score}`);
    return s('verified', { n: rep.commands.length, score: replay.view.score });
  } catch (e) {
    return e instanceof ApiError ? explain(e) : s('verifyFailed', { reason: String((e as Error).message) });
  }
}

// The game page. The browser runs the same rules module as the server: a move shows at once from
// the local game, and its command (`{seq, atMs, move}`) goes to the server, whose copy decides the
// score. The client holds only the refill gems the server sent ahead; a move that needs more (a
// redrawn board) waits for the server's state. When the game ends the result shows the server's
// score, the verdict of a paid match once both sides are done, and a replay the player can verify
// in the browser.
import {
  hexToBytes,
  RefillWindow,
  replaySkillGame,
  type SkillCommand,
  type SkillEngine,
  skillGameFromView,
  verifyServerSeed,
} from '@fairground/rules';
import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { Ctx } from '../../app.tsx';
import { ApiError, type Response } from '../../shared/api.ts';
import { formatAmount } from '../../shared/money.ts';
import { Board } from './board.tsx';
import { NumberBoard } from './number-board.tsx';
import { type Ack, openSkillChannel, type SessionResult, type SkillChannel } from './channel.ts';
import { skillText } from './i18n.ts';
import { useSkillExplain } from './explain.ts';
import './skill.css';

type SessionState = Response<'GET /api/skill/sessions/:sessionId'>;
type MatchView = Response<'GET /api/skill/matches/:matchId'>;

/** The verdict of a paid match is polled this often until it is known… */
const VERDICT_POLL_MS = 2000;
/** …for at most this many polls (the match page shows it later too). */
const VERDICT_POLLS_MAX = 900;

export function sessionFromHash(): string | null {
  const q = location.hash.split('?')[1] ?? '';
  return new URLSearchParams(q).get('session');
}

export function SkillPlayPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const s = useMemo(() => skillText(ctx.lang), [ctx.lang]);
  const sessionId = sessionFromHash();
  const [start, setStart] = useState<SessionState | null>(null);
  const [, setVersion] = useState(0);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'ws' | 'http' | null>(null);
  const [result, setResult] = useState<SessionResult | null>(null);
  const [match, setMatch] = useState<MatchView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [hint, setHint] = useState<number[]>([]);
  const [nowMs, setNowMs] = useState(Date.now());
  const [verification, setVerification] = useState<string | null>(null);

  const game = useRef<SkillEngine | null>(null);
  const refills = useRef<RefillWindow | null>(null);
  const localStartMs = useRef(0);
  const channel = useRef<SkillChannel | null>(null);
  const queue = useRef<Promise<void>>(Promise.resolve());
  const finishing = useRef(false);
  const redraw = () => setVersion((v) => v + 1);

  const explain = useSkillExplain(ctx.lang, s);

  /** Takes the server's state as the truth (after a refusal, or a move the client could not simulate). */
  const adopt = useCallback((state: { view: SessionState['view'] }, window: { fromIndex: number; gems: readonly number[] } | null) => {
    // The game's plug-in (its configuration names it) runs the same rules as the server.
    game.current = skillGameFromView(state.view);
    const w = new RefillWindow(state.view.config.kinds);
    if (window) w.add(window);
    refills.current = w;
    redraw();
  }, []);

  const load = useCallback(async () => {
    if (!sessionId) return;
    const st = await api.call('GET /api/skill/sessions/:sessionId', { params: { sessionId } });
    setStart(st);
    localStartMs.current = Date.now() - (st.serverNowMs - st.startedAtMs);
    adopt(st, st.refills);
    if (st.status !== 'active') {
      const fin = await api.call('POST /api/skill/sessions/:sessionId/finish', { params: { sessionId }, body: {} });
      setResult(fin);
      setMatch(fin.match);
    }
  }, [api, sessionId, adopt]);

  useEffect(() => {
    load().catch((e) => setError(explain(e)));
    channel.current = openSkillChannel(api, setMode);
    const tick = setInterval(() => setNowMs(Date.now()), 250);
    return () => {
      clearInterval(tick);
      channel.current?.close();
    };
  }, [api, load, explain]);

  const finish = useCallback(() => {
    if (!sessionId || finishing.current) return;
    finishing.current = true;
    queue.current = queue.current.then(async () => {
      try {
        const r = await (channel.current ?? openSkillChannel(api, setMode)).finish(sessionId, game.current?.score);
        setResult(r);
        setMatch(r.match);
      } catch (e) {
        setError(explain(e));
        finishing.current = false;
      }
    });
  }, [api, sessionId, explain]);

  const send = useCallback(
    (cmd: SkillCommand, simulated: boolean) => {
      if (!sessionId) return;
      queue.current = queue.current.then(async () => {
        try {
          const ack: Ack = await channel.current!.commands(sessionId, [cmd]);
          if (!simulated) adopt(ack, ack.refills);
          else refills.current?.add(ack.refills);
          // With nothing else in flight the two copies must agree; if not, the server's wins.
          if (game.current && game.current.nextSeq === ack.nextSeq && game.current.stateHash() !== ack.stateHash) adopt(ack, ack.refills);
          setBusy(false);
          if (ack.status !== 'active' || game.current?.ended) finish();
        } catch (e) {
          setError(explain(e));
          const st = await api.call('GET /api/skill/sessions/:sessionId', { params: { sessionId } });
          adopt(st, st.refills);
          setBusy(false);
        }
      });
    },
    [api, sessionId, adopt, finish, explain],
  );

  const onSwap = useCallback(
    (from: number, to: number) => {
      const g = game.current;
      const w = refills.current;
      if (!g || !w || g.ended || busy || result) return;
      setHint([]);
      const atMs = Math.min(g.config.durationMs, Math.max(g.lastAtMs, Date.now() - localStartMs.current));
      const cmd: SkillCommand = { seq: g.nextSeq, atMs, move: { from, to } };
      const r = g.apply(cmd, w);
      if (r.ok) {
        redraw();
        send(cmd, true);
      } else if (r.error.code === 'PUZZLE_REFILLS_NEEDED') {
        // Beyond the refills the client holds: the server plays it and sends its state back.
        setBusy(true);
        send(cmd, false);
      }
      // Any other refusal (no line made) is simply not sent: the gems stay where they were.
    },
    [busy, result, send],
  );

  // The clock: when the session's time is up, the game ends with the score reached.
  const g = game.current;
  const sum10 = g?.config.rules === 'sum10';
  const leftMs = start && g ? Math.max(0, g.config.durationMs - (nowMs - localStartMs.current)) : 0;
  useEffect(() => {
    if (start && g && !result && start.status === 'active' && leftMs === 0) finish();
  }, [start, g, result, leftMs, finish]);

  // A paid match's verdict comes when the other side is done too.
  useEffect(() => {
    if (match?.verdict !== 'pending') return;
    let polls = 0;
    const timer = setInterval(() => {
      polls++;
      if (polls > VERDICT_POLLS_MAX) return clearInterval(timer);
      api.call('GET /api/skill/matches/:matchId', { params: { matchId: match.matchId } }).then(
        (m) => {
          if (m.verdict !== 'pending') {
            clearInterval(timer);
            setMatch(m);
          }
        },
        () => {},
      );
    }, VERDICT_POLL_MS);
    return () => clearInterval(timer);
  }, [api, match]);

  const verify = async () => {
    if (!sessionId) return;
    setVerification(s('verifying'));
    try {
      const rep = await api.call('GET /api/skill/sessions/:sessionId/replay', { params: { sessionId } });
      const seed = hexToBytes(rep.seedHex);
      if (!seed || !verifyServerSeed(rep.seedHex, rep.commitment)) throw new Error('seed ≠ commitment');
      const end = rep.endReason === 'time' || rep.endReason === 'stopped' ? rep.endReason : null;
      const replay = replaySkillGame(seed, rep.config, rep.commands, end);
      if (!replay.ok || replay.view.score !== rep.score || replay.stateHash !== rep.stateHash)
        throw new Error(`replay score ${replay.view.score}`);
      setVerification(s('verified', { n: rep.commands.length, score: replay.view.score }));
    } catch (e) {
      setVerification(e instanceof ApiError ? explain(e) : s('verifyFailed', { reason: String((e as Error).message) }));
    }
  };

  const showHint = () => {
    const m = game.current?.legalMoves()[0];
    setHint(m ? [m[0], m[1]] : []);
  };

  const giveUp = async () => {
    if (!sessionId || (start?.mode !== 'practice' && !confirm(s('confirmGiveUp')))) return;
    const r = await api.call('POST /api/skill/sessions/:sessionId/abandon', { params: { sessionId } });
    finishing.current = true;
    setResult(r);
    setMatch(r.match);
  };

  if (!sessionId) return <main class="page">{s('error', { message: 'no session' })}</main>;
  return (
    <main class="page" data-testid="skill-play-page" data-mode={mode ?? ''}>
      <a href="#/skill" class="link">
        ← {s('back')}
      </a>
      <h1>{sum10 ? s('makeTen') : s('gemMatch')}</h1>
      {g && (
        <div class="skill-stats">
          <div>
            <small class="muted">{s('score')}</small>
            <strong data-testid="score" data-score={g.score}>
              {g.score}
            </strong>
          </div>
          <div>
            <small class="muted">{s('movesLeft')}</small>
            <strong data-testid="moves-left">{g.config.movesMax - g.movesMade}</strong>
          </div>
          <div>
            <small class="muted">{s('timeLeft')}</small>
            <strong data-testid="time-left">{result ? '—' : `${Math.ceil(leftMs / 1000)}s`}</strong>
          </div>
        </div>
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
          disabled={busy || result !== null || g.ended}
          highlight={hint}
          onPair={onSwap}
        />
      )}
      {g && !sum10 && (
        <Board
          board={g.view().board}
          width={g.config.width}
          height={g.config.height}
          kinds={g.config.kinds}
          disabled={busy || result !== null || g.ended}
          highlight={hint}
          onSwap={onSwap}
        />
      )}
      {busy && <p class="muted small">{s('waitingServer')}</p>}
      {!result && g && (
        <div class="stakes">
          <button type="button" class="secondary" onClick={showHint} data-testid="hint">
            {s('hint')}
          </button>
          <button type="button" class="secondary" onClick={finish} data-testid="finish">
            {s('finish')}
          </button>
          <button type="button" class="secondary" onClick={giveUp} data-testid="give-up">
            {s('giveUp')}
          </button>
        </div>
      )}
      {result && (
        <section
          class="card"
          data-testid="result"
          data-score={result.score}
          data-status={result.status}
          data-verdict={match?.verdict ?? ''}
        >
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
            <button type="button" class="secondary" onClick={verify} data-testid="verify">
              {s('verify')}
            </button>
          )}
          {verification && (
            <p class="small" data-testid="verification">
              {verification}
            </p>
          )}
        </section>
      )}
    </main>
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

// One skill game session on the game page: the local copy of the game, the queue of commands to the server, the result and a paid match's verdict.
import { RefillWindow, type SkillCommand, type SkillEngine, skillGameFromView } from '@fairground/rules';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import type { ApiClient, Response } from '../../shared/api.ts';
import { type Ack, openSkillChannel, type SessionResult, type SkillChannel } from './channel.ts';

export type SessionState = Response<'GET /api/skill/sessions/:sessionId'>;
export type MatchView = Response<'GET /api/skill/matches/:matchId'>;

/** The verdict of a paid match is polled this often until it is known… */
const VERDICT_POLL_MS = 2000;
/** …for at most this many polls (the match page shows it later too). */
const VERDICT_POLLS_MAX = 900;

type Explain = (e: unknown) => string;
type RefillsSent = { fromIndex: number; gems: readonly number[] } | null;

/** The browser's copy of the game and the refill gems the server sent ahead. */
function useLocalGame() {
  const [, setVersion] = useState(0);
  const game = useRef<SkillEngine | null>(null);
  const refills = useRef<RefillWindow | null>(null);
  const localStartMs = useRef(0);
  const redraw = () => setVersion((v) => v + 1);

  /** Takes the server's state as the truth (after a refusal, or a move the client could not simulate). */
  const adopt = useCallback((state: { view: SessionState['view'] }, window: RefillsSent) => {
    // The game's plug-in (its configuration names it) runs the same rules as the server.
    game.current = skillGameFromView(state.view);
    const w = new RefillWindow(state.view.config.kinds);
    if (window) w.add(window);
    refills.current = w;
    redraw();
  }, []);
  return { game, refills, localStartMs, redraw, adopt };
}

type LocalGame = ReturnType<typeof useLocalGame>;

export function useSkillSession(api: ApiClient, sessionId: string | null, explain: Explain) {
  const [start, setStart] = useState<SessionState | null>(null);
  const [busy, setBusy] = useState(false);
  const [mode, setMode] = useState<'ws' | 'http' | null>(null);
  const [result, setResult] = useState<SessionResult | null>(null);
  const [match, setMatch] = useState<MatchView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [nowMs, setNowMs] = useState(Date.now());
  const [hint, setHint] = useState<number[]>([]);
  const local = useLocalGame();
  const channel = useRef<SkillChannel | null>(null);
  const finishing = useRef(false);
  const ended = (r: SessionResult) => {
    setResult(r);
    setMatch(r.match);
  };

  const load = useCallback(async () => {
    if (!sessionId) return;
    const st = await api.call('GET /api/skill/sessions/:sessionId', { params: { sessionId } });
    setStart(st);
    local.localStartMs.current = Date.now() - (st.serverNowMs - st.startedAtMs);
    local.adopt(st, st.refills);
    if (st.status !== 'active') ended(await api.call('POST /api/skill/sessions/:sessionId/finish', { params: { sessionId }, body: {} }));
  }, [api, sessionId, local.adopt]);

  useEffect(() => {
    load().catch((e) => setError(explain(e)));
    channel.current = openSkillChannel(api, setMode);
    const tick = setInterval(() => setNowMs(Date.now()), 250);
    return () => {
      clearInterval(tick);
      channel.current?.close();
    };
  }, [api, load, explain]);

  const { finish, onSwap } = useCommandQueue({
    api,
    sessionId,
    explain,
    local,
    channel,
    finishing,
    setMode,
    setBusy,
    setError,
    setHint,
    ended,
  });
  const onMove = useCallback((from: number, to: number) => onSwap(from, to, busy || result !== null), [busy, result, onSwap]);

  const g = local.game.current;
  const leftMs = useSessionClock(local, start, nowMs, result, finish);

  useVerdictPoll(api, match, setMatch);

  /** Gives the game up; a game that costs something asks `question` first. */
  const giveUp = async (question: string) => {
    if (!sessionId || (start?.mode !== 'practice' && !confirm(question))) return;
    const r = await api.call('POST /api/skill/sessions/:sessionId/abandon', { params: { sessionId } });
    finishing.current = true;
    ended(r);
  };
  const showHint = () => {
    const m = g?.legalMoves()[0];
    setHint(m ? [m[0], m[1]] : []);
  };
  return { game: g, start, busy, mode, result, match, error, hint, leftMs, finish, onMove, showHint, giveUp };
}

interface QueueDeps {
  api: ApiClient;
  sessionId: string | null;
  explain: Explain;
  local: LocalGame;
  channel: { current: SkillChannel | null };
  finishing: { current: boolean };
  setMode(mode: 'ws' | 'http'): void;
  setBusy(busy: boolean): void;
  setError(error: string): void;
  setHint(hint: number[]): void;
  ended(result: SessionResult): void;
}

/** Moves played here and sent in order; the server's copy decides, and the game ends once. */
function useCommandQueue(d: QueueDeps) {
  const { api, sessionId, explain, local } = d;
  const queue = useRef<Promise<void>>(Promise.resolve());

  const finish = useCallback(() => {
    if (!sessionId || d.finishing.current) return;
    d.finishing.current = true;
    queue.current = queue.current.then(async () => {
      try {
        d.ended(await (d.channel.current ?? openSkillChannel(api, d.setMode)).finish(sessionId, local.game.current?.score));
      } catch (e) {
        d.setError(explain(e));
        d.finishing.current = false;
      }
    });
  }, [api, sessionId, explain]);

  const send = useCallback(
    (cmd: SkillCommand, simulated: boolean) => {
      if (!sessionId) return;
      queue.current = queue.current.then(async () => {
        try {
          const ack: Ack = await d.channel.current!.commands(sessionId, [cmd]);
          if (!simulated) local.adopt(ack, ack.refills);
          else local.refills.current?.add(ack.refills);
          // With nothing else in flight the two copies must agree; if not, the server's wins.
          const game = local.game.current;
          if (game && game.nextSeq === ack.nextSeq && game.stateHash() !== ack.stateHash) local.adopt(ack, ack.refills);
          d.setBusy(false);
          if (ack.status !== 'active' || local.game.current?.ended) finish();
        } catch (e) {
          d.setError(explain(e));
          const st = await api.call('GET /api/skill/sessions/:sessionId', { params: { sessionId } });
          local.adopt(st, st.refills);
          d.setBusy(false);
        }
      });
    },
    [api, sessionId, local.adopt, finish, explain],
  );

  const onSwap = useCallback(
    (from: number, to: number, blocked: boolean) => {
      const g = local.game.current;
      const w = local.refills.current;
      if (!g || !w || g.ended || blocked) return;
      d.setHint([]);
      const atMs = Math.min(g.config.durationMs, Math.max(g.lastAtMs, Date.now() - local.localStartMs.current));
      const cmd: SkillCommand = { seq: g.nextSeq, atMs, move: { from, to } };
      const r = g.apply(cmd, w);
      if (r.ok) {
        local.redraw();
        send(cmd, true);
      } else if (r.error.code === 'PUZZLE_REFILLS_NEEDED') {
        // Beyond the refills the client holds: the server plays it and sends its state back.
        d.setBusy(true);
        send(cmd, false);
      }
      // Any other refusal (no line made) is simply not sent: the gems stay where they were.
    },
    [send],
  );
  return { finish, onSwap };
}

/** The clock: when the session's time is up, the game ends with the score reached. */
function useSessionClock(
  local: LocalGame,
  start: SessionState | null,
  nowMs: number,
  result: SessionResult | null,
  finish: () => void,
): number {
  const g = local.game.current;
  const leftMs = start && g ? Math.max(0, g.config.durationMs - (nowMs - local.localStartMs.current)) : 0;
  useEffect(() => {
    if (start && g && !result && start.status === 'active' && leftMs === 0) finish();
  }, [start, g, result, leftMs, finish]);
  return leftMs;
}

/** A paid match's verdict comes when the other side is done too. */
function useVerdictPoll(api: ApiClient, match: MatchView | null, setMatch: (m: MatchView) => void): void {
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
}

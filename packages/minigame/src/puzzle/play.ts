// A game of the puzzle as played on this device: the local copy a swipe changes at once, the
// commands sent in order to the server (whose copy decides), finishing, and verifying the game.
import { hexToBytes, type PuzzleCommand, PuzzleGame, RefillWindow, replayPuzzle, verifyServerSeed } from '@fairground/rules';
import type { App } from '../app.ts';
import { explain } from '../explain.ts';
import type { RefillWindowWire, SkillAck, SkillReplay, SkillResult, SkillSession } from '../wire.ts';
import { openSkillChannel, type SkillChannel } from './channel.ts';

export interface PuzzleState {
  readonly app: App;
  session: SkillSession | null;
  game: PuzzleGame | null;
  refills: RefillWindow | null;
  localStartMs: number;
  result: SkillResult | null;
  verification: { ok: boolean; text: string } | null;
  waiting: boolean;
  finishing: boolean;
  /** The server's answers, one after another in the order the moves were made. */
  queue: Promise<void>;
  touchCell: number | null;
  /** Where the board was last drawn: its top left and a cell's side, px. */
  board: { x: number; y: number; cell: number };
  channel: SkillChannel | null;
  sent: number;
}

export function newPuzzleState(app: App): PuzzleState {
  return {
    app,
    session: null,
    game: null,
    refills: null,
    localStartMs: 0,
    result: null,
    verification: null,
    waiting: false,
    finishing: false,
    queue: Promise.resolve(),
    touchCell: null,
    board: { x: 0, y: 0, cell: 0 },
    channel: null,
    sent: 0,
  };
}

/** The server's view of the game (and the refills it sent ahead) replaces the local copy. */
function adopt(p: PuzzleState, view: SkillSession['view'], window: RefillWindowWire | null): void {
  p.game = PuzzleGame.fromView(view);
  const w = new RefillWindow(view.config.kinds);
  if (window !== null) w.add(window);
  p.refills = w;
  p.app.stage.invalidate();
}

/** A new practice game, on a fresh command channel. */
export async function startGame(p: PuzzleState): Promise<void> {
  p.result = null;
  p.verification = null;
  p.finishing = false;
  p.sent = 0;
  p.channel?.close();
  const session = await p.app.api.call<SkillSession>('POST', '/api/skill/practice', { game: 'match3' });
  p.session = session;
  p.localStartMs = p.app.nowMs() - (session.serverNowMs - session.startedAtMs);
  adopt(p, session.view, session.refills);
  p.channel = openSkillChannel(p.app.api);
}

/** Finishes the game once its commands are in: the server's score is the result. */
export function finishGame(p: PuzzleState): void {
  if (p.session === null || p.finishing || p.channel === null) return;
  p.finishing = true;
  const s = p.session;
  const ch = p.channel;
  p.queue = p.queue.then(async () => {
    try {
      p.result = await ch.finish(s.sessionId, p.game?.score ?? 0);
    } catch (e) {
      p.app.fail(e);
      p.finishing = false;
    }
    p.app.stage.invalidate();
  });
}

function send(p: PuzzleState, cmd: PuzzleCommand, simulated: boolean): void {
  if (p.session === null || p.channel === null) return;
  const s = p.session;
  const ch = p.channel;
  p.queue = p.queue.then(async () => {
    try {
      const ack: SkillAck = await ch.commands(s.sessionId, [cmd]);
      p.sent++;
      if (!simulated) adopt(p, ack.view, ack.refills);
      else p.refills?.add(ack.refills);
      // With nothing else in flight the two copies must agree; if not, the server's wins.
      const g = p.game;
      if (g !== null && g.nextSeq === ack.nextSeq && g.stateHash() !== ack.stateHash) adopt(p, ack.view, ack.refills);
      p.waiting = false;
      if (ack.status !== 'active' || p.game?.ended === true) finishGame(p);
    } catch (e) {
      p.app.fail(e);
      const fresh = await p.app.api.call<SkillSession>('GET', `/api/skill/sessions/${s.sessionId}`);
      adopt(p, fresh.view, fresh.refills);
      p.waiting = false;
    }
    p.app.stage.invalidate();
  });
}

/** Swaps two cells: shown at once from the local game, sent to the server behind the moves before it. */
export function swap(p: PuzzleState, from: number, to: number): void {
  const g = p.game;
  const w = p.refills;
  if (g === null || w === null || g.ended || p.waiting || p.result !== null) return;
  const atMs = Math.min(g.config.durationMs, Math.max(g.lastAtMs, p.app.nowMs() - p.localStartMs));
  const cmd: PuzzleCommand = { seq: g.nextSeq, atMs, move: { from, to } };
  const r = g.apply(cmd, w);
  if (r.ok) send(p, cmd, true);
  else if (r.error.code === 'PUZZLE_REFILLS_NEEDED') {
    p.waiting = true;
    send(p, cmd, false);
  } else p.app.toast(r.error.code === 'PUZZLE_MOVE_NO_MATCH' ? p.app.t('puzzleHint') : r.error.code);
  p.app.stage.invalidate();
}

/** The revealed seed must match the commitment, and replaying the log must give the server's score and state. */
export async function verifyGame(p: PuzzleState): Promise<void> {
  const { app, session } = p;
  if (session === null) return;
  try {
    const rep = await app.api.call<SkillReplay>('GET', `/api/skill/sessions/${session.sessionId}/replay`);
    const seed = hexToBytes(rep.seedHex);
    if (seed === null || !verifyServerSeed(rep.seedHex, rep.commitment) || rep.commitment !== session.commitment)
      throw new Error('seed ≠ commitment');
    const end = rep.endReason === 'time' || rep.endReason === 'stopped' ? rep.endReason : null;
    const replay = replayPuzzle(seed, rep.config, rep.commands, end);
    if (!replay.ok || replay.view.score !== rep.score || replay.stateHash !== rep.stateHash)
      throw new Error(`replay score ${replay.view.score}`);
    p.verification = { ok: true, text: app.t('verified', { n: rep.commands.length, score: replay.view.score }) };
  } catch (e) {
    p.verification = {
      ok: false,
      text: e instanceof Error && !('code' in e) ? app.t('verifyFailed', { reason: e.message }) : explain(app.lang, e),
    };
  }
  app.stage.invalidate();
}

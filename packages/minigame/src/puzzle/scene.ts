// The skill puzzle as a mini-game scene. The board runs on the same rules module as the server:
// a swipe shows its result at once from the local game while its command (`{seq, atMs, move}`)
// goes to the server, whose copy alone decides the score. A move beyond the refill gems the
// server sent ahead waits for the server's state. At the end the player can verify the game:
// the revealed seed must match the commitment shown at the start, and replaying the command log
// must give the server's score and state hash.
import { hexToBytes, type PuzzleCommand, PuzzleGame, RefillWindow, replayPuzzle, verifyServerSeed } from '@fairground/rules';
import type { App } from '../app.ts';
import { COLORS, type Gfx, type Scene } from '../engine.ts';
import { explain } from '../explain.ts';
import type { RefillWindowWire, SkillAck, SkillReplay, SkillResult, SkillSession } from '../wire.ts';
import { openSkillChannel, type SkillChannel } from './channel.ts';

const GEM_COLORS = ['#e63946', '#f4a261', '#e9c46a', '#2a9d8f', '#457b9d', '#9b5de5', '#f15bb5', '#00bbf9'] as const;
/** The clock on the screen is redrawn this often. */
const CLOCK_TICK_MS = 500;

export function puzzleScene(app: App): Scene {
  let session: SkillSession | null = null;
  let game: PuzzleGame | null = null;
  let refills: RefillWindow | null = null;
  let localStartMs = 0;
  let result: SkillResult | null = null;
  let verification: { ok: boolean; text: string } | null = null;
  let waiting = false;
  let finishing = false;
  let queue: Promise<void> = Promise.resolve();
  let touchCell: number | null = null;
  let board = { x: 0, y: 0, cell: 0 };
  let channel: SkillChannel | null = null;
  let sent = 0;
  const clock = setInterval(() => app.stage.invalidate(), CLOCK_TICK_MS);

  const adopt = (view: SkillSession['view'], window: RefillWindowWire | null) => {
    game = PuzzleGame.fromView(view);
    const w = new RefillWindow(view.config.kinds);
    if (window !== null) w.add(window);
    refills = w;
    app.stage.invalidate();
  };

  const start = async () => {
    result = null;
    verification = null;
    finishing = false;
    sent = 0;
    channel?.close();
    session = await app.api.call<SkillSession>('POST', '/api/skill/practice', { game: 'match3' });
    localStartMs = app.nowMs() - (session.serverNowMs - session.startedAtMs);
    adopt(session.view, session.refills);
    channel = openSkillChannel(app.api);
  };
  start().catch((e) => app.fail(e));

  const finish = () => {
    if (session === null || finishing || channel === null) return;
    finishing = true;
    const s = session;
    const ch = channel;
    queue = queue.then(async () => {
      try {
        result = await ch.finish(s.sessionId, game?.score ?? 0);
      } catch (e) {
        app.fail(e);
        finishing = false;
      }
      app.stage.invalidate();
    });
  };

  const send = (cmd: PuzzleCommand, simulated: boolean) => {
    if (session === null || channel === null) return;
    const s = session;
    const ch = channel;
    queue = queue.then(async () => {
      try {
        const ack: SkillAck = await ch.commands(s.sessionId, [cmd]);
        sent++;
        if (!simulated) adopt(ack.view, ack.refills);
        else refills?.add(ack.refills);
        // With nothing else in flight the two copies must agree; if not, the server's wins.
        const g = game;
        if (g !== null && g.nextSeq === ack.nextSeq && g.stateHash() !== ack.stateHash) adopt(ack.view, ack.refills);
        waiting = false;
        if (ack.status !== 'active' || game?.ended === true) finish();
      } catch (e) {
        app.fail(e);
        const fresh = await app.api.call<SkillSession>('GET', `/api/skill/sessions/${s.sessionId}`);
        adopt(fresh.view, fresh.refills);
        waiting = false;
      }
      app.stage.invalidate();
    });
  };

  const swap = (from: number, to: number) => {
    const g = game;
    const w = refills;
    if (g === null || w === null || g.ended || waiting || result !== null) return;
    const atMs = Math.min(g.config.durationMs, Math.max(g.lastAtMs, app.nowMs() - localStartMs));
    const cmd: PuzzleCommand = { seq: g.nextSeq, atMs, move: { from, to } };
    const r = g.apply(cmd, w);
    if (r.ok) send(cmd, true);
    else if (r.error.code === 'PUZZLE_REFILLS_NEEDED') {
      waiting = true;
      send(cmd, false);
    } else app.toast(r.error.code === 'PUZZLE_MOVE_NO_MATCH' ? app.t('puzzleHint') : r.error.code);
    app.stage.invalidate();
  };

  const verify = async () => {
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
      verification = { ok: true, text: app.t('verified', { n: rep.commands.length, score: replay.view.score }) };
    } catch (e) {
      verification = {
        ok: false,
        text: e instanceof Error && !('code' in e) ? app.t('verifyFailed', { reason: e.message }) : explain(app.lang, e),
      };
    }
    app.stage.invalidate();
  };

  const cellAt = (x: number, y: number): number | null => {
    const g = game;
    if (g === null || board.cell === 0) return null;
    const col = Math.floor((x - board.x) / board.cell);
    const row = Math.floor((y - board.y) / board.cell);
    if (col < 0 || row < 0 || col >= g.config.width || row >= g.config.height) return null;
    return row * g.config.width + col;
  };

  return {
    name: 'puzzle',
    exit() {
      clearInterval(clock);
      channel?.close();
    },
    touchStart(x, y) {
      touchCell = cellAt(x, y);
    },
    touchEnd(x, y) {
      const from = touchCell;
      touchCell = null;
      const g = game;
      if (from === null || g === null) return;
      const cx = board.x + ((from % g.config.width) + 0.5) * board.cell;
      const cy = board.y + (Math.floor(from / g.config.width) + 0.5) * board.cell;
      const dx = x - cx;
      const dy = y - cy;
      // A swipe of at least a third of a cell towards a neighbour swaps with it.
      if (Math.max(Math.abs(dx), Math.abs(dy)) < board.cell / 3) return;
      const col = from % g.config.width;
      const row = Math.floor(from / g.config.width);
      let to: number | null = null;
      if (Math.abs(dx) > Math.abs(dy)) to = dx > 0 ? (col + 1 < g.config.width ? from + 1 : null) : col > 0 ? from - 1 : null;
      else to = dy > 0 ? (row + 1 < g.config.height ? from + g.config.width : null) : row > 0 ? from - g.config.width : null;
      if (to !== null) swap(from, to);
    },
    draw(gx: Gfx, now: number) {
      gx.fill('#1d1b3a');
      gx.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
      gx.text(app.t('puzzleTitle'), gx.w / 2, 28, { size: 17, weight: 'bold', color: COLORS.paper, align: 'center' });
      const g = game;
      if (g === null) {
        gx.text(app.t('loading'), gx.w / 2, gx.h / 2, { size: 15, color: COLORS.paper, align: 'center' });
        return;
      }
      const leftMs = result !== null ? 0 : Math.max(0, g.config.durationMs - (now - localStartMs));
      if (leftMs === 0 && result === null && session !== null) finish();
      gx.text(app.t('score', { n: g.score }), 16, 66, { size: 16, weight: 'bold', color: COLORS.gold });
      gx.region('score', 16, 54, 120, 24, String(g.score), null);
      gx.text(app.t('movesLeft', { n: g.config.movesMax - g.movesMade }), gx.w / 2 + 10, 66, {
        size: 13,
        color: COLORS.paper,
        align: 'center',
      });
      gx.text(app.t('timeLeft', { s: Math.ceil(leftMs / 1000) }), gx.w - 16, 66, { size: 13, color: COLORS.paper, align: 'right' });
      const size = Math.min(gx.w - 24, gx.h - 260);
      const cell = Math.floor(size / Math.max(g.config.width, g.config.height));
      board = { x: Math.floor((gx.w - cell * g.config.width) / 2), y: 92, cell };
      gx.box(board.x - 6, board.y - 6, cell * g.config.width + 12, cell * g.config.height + 12, 10, 'rgba(255,255,255,0.08)');
      const cells = g.view().board;
      for (let i = 0; i < cells.length; i++) {
        const kind = cells[i] as number;
        if (kind < 0) continue;
        const cx = board.x + (i % g.config.width) * cell + cell / 2;
        const cy = board.y + Math.floor(i / g.config.width) * cell + cell / 2;
        gx.circle(
          cx,
          cy,
          cell * 0.38,
          GEM_COLORS[kind % GEM_COLORS.length] as string,
          i === touchCell ? COLORS.white : 'rgba(0,0,0,0.25)',
          i === touchCell ? 3 : 1,
        );
      }
      gx.region('board', board.x, board.y, cell * g.config.width, cell * g.config.height, cells.join(','), null);
      const by = board.y + cell * g.config.height + 18;
      gx.paragraph(app.t('puzzleHint'), 16, by, gx.w - 32, { size: 12, color: 'rgba(255,255,255,0.7)' });
      if (result === null) {
        gx.button('puzzle-finish', 24, gx.h - 64, gx.w - 48, 46, app.t('finish'), finish, { kind: 'secondary', enabled: !finishing });
        return;
      }
      const r = result;
      const py = gx.h - 250;
      gx.box(16, py, gx.w - 32, 236, 14, COLORS.paper);
      gx.text(app.t('puzzleOver'), gx.w / 2, py + 26, { size: 18, weight: 'bold', align: 'center' });
      gx.text(app.t('serverScore', { n: r.score }), gx.w / 2, py + 58, { size: 16, color: COLORS.green, weight: 'bold', align: 'center' });
      gx.region('server-score', 16, py + 44, gx.w - 32, 28, String(r.score), null);
      if (verification !== null) {
        gx.paragraph(verification.text, 28, py + 76, gx.w - 56, { size: 13, color: verification.ok ? COLORS.green : COLORS.red });
        gx.region('verification', 16, py + 76, gx.w - 32, 40, verification.ok ? 'match' : 'mismatch', null);
      }
      gx.button('puzzle-verify', 32, py + 124, gx.w - 64, 42, app.t('verify'), () => void verify(), { kind: 'gold' });
      gx.button('puzzle-again', 32, py + 176, gx.w - 64, 42, app.t('playAgain'), () => void start().catch((e) => app.fail(e)));
    },
    debug: () => ({
      sessionId: session?.sessionId ?? null,
      score: game?.score ?? 0,
      movesMade: game?.movesMade ?? 0,
      legalMoves: game?.legalMoves().slice(0, 5) ?? [],
      board: board,
      width: game?.config.width ?? 0,
      waiting,
      sent,
      channel: channel?.mode() ?? null,
      result: result === null ? null : { score: result.score, status: result.status },
      verified: verification?.ok ?? null,
    }),
  };
}

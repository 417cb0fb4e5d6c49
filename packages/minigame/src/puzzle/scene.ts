// The skill puzzle as a mini-game scene. The board runs on the same rules module as the server:
// a swipe shows its result at once from the local game while its command (`{seq, atMs, move}`)
// goes to the server, whose copy alone decides the score. A move beyond the refill gems the
// server sent ahead waits for the server's state. At the end the player can verify the game:
// the revealed seed must match the commitment shown at the start, and replaying the command log
// must give the server's score and state hash.
import type { App } from '../app.ts';
import type { Gfx, Scene } from '../engine.ts';
import { cellAt, drawPuzzle, swipe } from './board.ts';
import { newPuzzleState, startGame } from './play.ts';

/** The clock on the screen is redrawn this often. */
const CLOCK_TICK_MS = 500;

export function puzzleScene(app: App): Scene {
  const p = newPuzzleState(app);
  const clock = setInterval(() => app.stage.invalidate(), CLOCK_TICK_MS);
  startGame(p).catch((e) => app.fail(e));
  return {
    name: 'puzzle',
    exit() {
      clearInterval(clock);
      p.channel?.close();
    },
    touchStart(x, y) {
      p.touchCell = cellAt(p, x, y);
    },
    touchEnd: (x, y) => swipe(p, x, y),
    draw: (gx: Gfx, now: number) => drawPuzzle(p, gx, now),
    debug: () => ({
      sessionId: p.session?.sessionId ?? null,
      score: p.game?.score ?? 0,
      movesMade: p.game?.movesMade ?? 0,
      legalMoves: p.game?.legalMoves().slice(0, 5) ?? [],
      board: p.board,
      width: p.game?.config.width ?? 0,
      waiting: p.waiting,
      sent: p.sent,
      channel: p.channel?.mode() ?? null,
      result: p.result === null ? null : { score: p.result.score, status: p.result.status },
      verified: p.verification?.ok ?? null,
    }),
  };
}

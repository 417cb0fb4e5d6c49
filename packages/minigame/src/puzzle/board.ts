// The puzzle on the screen: the score, moves and clock, the board of gems, the result panel with
// its verification, and the hit-testing that turns a swipe into a swap of two neighbouring cells.
import type { PuzzleGame } from '@fairground/rules';
import { COLORS, type Gfx } from '../engine.ts';
import type { SkillResult } from '../wire.ts';
import { finishGame, type PuzzleState, startGame, swap, verifyGame } from './play.ts';

const GEM_COLORS = ['#e63946', '#f4a261', '#e9c46a', '#2a9d8f', '#457b9d', '#9b5de5', '#f15bb5', '#00bbf9'] as const;

/** The cell under a point of the board, or null off it. */
export function cellAt(p: PuzzleState, x: number, y: number): number | null {
  const g = p.game;
  const board = p.board;
  if (g === null || board.cell === 0) return null;
  const col = Math.floor((x - board.x) / board.cell);
  const row = Math.floor((y - board.y) / board.cell);
  if (col < 0 || row < 0 || col >= g.config.width || row >= g.config.height) return null;
  return row * g.config.width + col;
}

/** A swipe that started on a cell and ended at (x, y): a third of a cell towards a neighbour swaps with it. */
export function swipe(p: PuzzleState, x: number, y: number): void {
  const from = p.touchCell;
  p.touchCell = null;
  const g = p.game;
  const board = p.board;
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
  if (to !== null) swap(p, from, to);
}

export function drawPuzzle(p: PuzzleState, gx: Gfx, now: number): void {
  const { app } = p;
  gx.fill('#1d1b3a');
  gx.button('back', 12, 12, 72, 32, app.t('back'), () => app.show(app.scenes.lobby(app)), { kind: 'ghost', size: 13 });
  gx.text(app.t('puzzleTitle'), gx.w / 2, 28, { size: 17, weight: 'bold', color: COLORS.paper, align: 'center' });
  const g = p.game;
  if (g === null) {
    gx.text(app.t('loading'), gx.w / 2, gx.h / 2, { size: 15, color: COLORS.paper, align: 'center' });
    return;
  }
  const leftMs = p.result !== null ? 0 : Math.max(0, g.config.durationMs - (now - p.localStartMs));
  if (leftMs === 0 && p.result === null && p.session !== null) finishGame(p);
  gx.text(app.t('score', { n: g.score }), 16, 66, { size: 16, weight: 'bold', color: COLORS.gold });
  gx.region('score', 16, 54, 120, 24, String(g.score), null);
  gx.text(app.t('movesLeft', { n: g.config.movesMax - g.movesMade }), gx.w / 2 + 10, 66, {
    size: 13,
    color: COLORS.paper,
    align: 'center',
  });
  gx.text(app.t('timeLeft', { s: Math.ceil(leftMs / 1000) }), gx.w - 16, 66, { size: 13, color: COLORS.paper, align: 'right' });
  drawBoard(p, gx, g);
  const by = p.board.y + p.board.cell * g.config.height + 18;
  gx.paragraph(app.t('puzzleHint'), 16, by, gx.w - 32, { size: 12, color: 'rgba(255,255,255,0.7)' });
  if (p.result === null) {
    gx.button('puzzle-finish', 24, gx.h - 64, gx.w - 48, 46, app.t('finish'), () => finishGame(p), {
      kind: 'secondary',
      enabled: !p.finishing,
    });
    return;
  }
  drawResult(p, gx, p.result);
}

/** The board sized to the screen, a gem per cell, the touched one outlined. */
function drawBoard(p: PuzzleState, gx: Gfx, g: PuzzleGame): void {
  const size = Math.min(gx.w - 24, gx.h - 260);
  const cell = Math.floor(size / Math.max(g.config.width, g.config.height));
  const board = { x: Math.floor((gx.w - cell * g.config.width) / 2), y: 92, cell };
  p.board = board;
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
      i === p.touchCell ? COLORS.white : 'rgba(0,0,0,0.25)',
      i === p.touchCell ? 3 : 1,
    );
  }
  gx.region('board', board.x, board.y, cell * g.config.width, cell * g.config.height, cells.join(','), null);
}

/** The server's score, the verification once asked for, and the way to play again. */
function drawResult(p: PuzzleState, gx: Gfx, r: SkillResult): void {
  const { app } = p;
  const py = gx.h - 250;
  gx.box(16, py, gx.w - 32, 236, 14, COLORS.paper);
  gx.text(app.t('puzzleOver'), gx.w / 2, py + 26, { size: 18, weight: 'bold', align: 'center' });
  gx.text(app.t('serverScore', { n: r.score }), gx.w / 2, py + 58, { size: 16, color: COLORS.green, weight: 'bold', align: 'center' });
  gx.region('server-score', 16, py + 44, gx.w - 32, 28, String(r.score), null);
  const verification = p.verification;
  if (verification !== null) {
    gx.paragraph(verification.text, 28, py + 76, gx.w - 56, { size: 13, color: verification.ok ? COLORS.green : COLORS.red });
    gx.region('verification', 16, py + 76, gx.w - 32, 40, verification.ok ? 'match' : 'mismatch', null);
  }
  gx.button('puzzle-verify', 32, py + 124, gx.w - 64, 42, app.t('verify'), () => void verifyGame(p), { kind: 'gold' });
  gx.button('puzzle-again', 32, py + 176, gx.w - 64, 42, app.t('playAgain'), () => void startGame(p).catch((e) => app.fail(e)));
}

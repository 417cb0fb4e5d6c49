// "Make ten" (凑十): a grid of numbers 1–9; a move picks two cells whose numbers add up to ten.
// Both are replaced from the session's refill stream (the first picked cell first), so the player
// cannot know what comes next. A pair of neighbours (orthogonally adjacent) scores double: the
// skill is in spotting pairs fast and preferring neighbours. When no pair is left the board is
// redrawn from the stream (at most PUZZLE_LIMITS.reshufflesMax times in a row, then the game ends).
//
// It is the second skill game played through the plug-in interface (../skillgames): the same
// commands `{seq, atMs, move: {from, to}}`, refill stream, end reasons and error codes as the
// match-3 puzzle, so sessions, storage and the verifier need nothing of their own for it.
// Integer arithmetic only: identical results on every engine.
import { AppError, assertionFailed } from '@fairground/core';
import { Prng } from '../fair/prng.ts';
import { PUZZLE_LIMITS } from '../puzzle/config.ts';
import { PuzzleErrors } from '../puzzle/errors.ts';
import type { MoveOutcome, PuzzleCommand, PuzzleEndReason } from '../puzzle/game.ts';
import { type RefillSource, SeededRefills } from '../puzzle/refills.ts';
import { fail, ok, type RulesResult } from '../result.ts';

export interface Sum10Config {
  /** Names these rules in a stored configuration (a match-3 configuration has no `rules`). */
  readonly rules: 'sum10';
  readonly rulesVersion: 1;
  readonly width: number;
  readonly height: number;
  /** Always 9: a cell holds 0–8, shown as the numbers 1–9 (so the refill stream is shared with match-3). */
  readonly kinds: 9;
  readonly movesMax: number;
  readonly durationMs: number;
}

export const SUM10_LIMITS = {
  sideMin: 3,
  sideMax: 8,
  movesMaxMax: 200,
  durationMsMin: 10_000,
  durationMsMax: 3_600_000,
  /** Two cells' numbers must add up to this. */
  target: 10,
  /** Points for a pair anywhere on the board. */
  pairPoints: 10,
  /** Points for a pair of orthogonal neighbours. */
  neighbourPoints: 20,
  boardAttemptsMax: 64,
} as const;

export const DEFAULT_SUM10_CONFIG: Sum10Config = Object.freeze({
  rules: 'sum10',
  rulesVersion: 1,
  width: 6,
  height: 6,
  kinds: 9,
  movesMax: 30,
  durationMs: 120_000,
});

export const SUM10_BOARD_PRNG_LABEL = 'sum10-board:v1';

/** The whole state as plain JSON data (the same shape as the match-3 view). */
export interface Sum10View {
  readonly config: Sum10Config;
  /** Cells hold 0–8: the number shown is the cell + 1. */
  readonly board: readonly number[];
  readonly score: number;
  readonly movesMade: number;
  readonly nextSeq: number;
  readonly lastAtMs: number;
  readonly refillIndex: number;
  readonly endReason: PuzzleEndReason | null;
  readonly history: number;
}

const END_REASONS: readonly PuzzleEndReason[] = ['moves', 'no_moves', 'time', 'stopped'];
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;
/** Cells a and b hold numbers adding up to ten (cells hold number − 1). */
const PAIR_SUM = SUM10_LIMITS.target - 2;

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

/** Mixes a non-negative integer below 2⁵³ into an FNV-1a hash as two 32-bit halves. */
function fnvWord(hash: number, value: number): number {
  const lo = value >>> 0;
  const hi = Math.floor(value / 4294967296) >>> 0;
  return Math.imul(Math.imul(hash ^ lo, FNV_PRIME) ^ hi, FNV_PRIME);
}

/** Checks a configuration from outside (a stored session, a setting); throws PUZZLE_CONFIG_INVALID. */
export function checkSum10Config(c: unknown): Sum10Config {
  const L = SUM10_LIMITS;
  const o = c as Partial<Sum10Config> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    o.rules !== 'sum10' ||
    o.rulesVersion !== 1 ||
    o.kinds !== 9 ||
    !intIn(o.width, L.sideMin, L.sideMax) ||
    !intIn(o.height, L.sideMin, L.sideMax) ||
    !intIn(o.movesMax, 1, L.movesMaxMax) ||
    !intIn(o.durationMs, L.durationMsMin, L.durationMsMax)
  ) {
    throw new AppError(PuzzleErrors.PUZZLE_CONFIG_INVALID);
  }
  return {
    rules: 'sum10',
    rulesVersion: 1,
    width: o.width!,
    height: o.height!,
    kinds: 9,
    movesMax: o.movesMax!,
    durationMs: o.durationMs!,
  };
}

/** Two different cells of a board of `size` cells. */
function cellsValid(size: number, a: unknown, b: unknown): boolean {
  return isCount(a) && isCount(b) && a < size && b < size && a !== b;
}

function neighbours(width: number, a: number, b: number): boolean {
  const d = a > b ? a - b : b - a;
  return d === width || (d === 1 && (a - (a % width)) / width === (b - (b % width)) / width);
}

/** Every pair adding up to ten, as [a, b] with a < b, in board order. Bounded by 64 × 63 / 2 pairs. */
export function sum10Pairs(board: ArrayLike<number>): [number, number][] {
  const out: [number, number][] = [];
  for (let a = 0; a < board.length; a++) {
    for (let b = a + 1; b < board.length; b++) if (board[a]! + board[b]! === PAIR_SUM) out.push([a, b]);
  }
  return out;
}

function hasPair(board: ArrayLike<number>): boolean {
  // Counting the numbers is enough: a pair exists when two complementary numbers (or two fives) are present.
  const seen = new Uint8Array(9);
  for (let i = 0; i < board.length; i++) seen[board[i]!]!++;
  for (let v = 0; v < 4; v++) if (seen[v]! > 0 && seen[PAIR_SUM - v]! > 0) return true;
  return seen[4]! >= 2;
}

export class Sum10Game {
  readonly config: Sum10Config;
  readonly #board: Int8Array;
  #score = 0;
  #movesMade = 0;
  #nextSeq = 1;
  #lastAtMs = 0;
  #refillIndex = 0;
  #endReason: PuzzleEndReason | null = null;
  #history = FNV_OFFSET;

  private constructor(config: Sum10Config, board: Int8Array) {
    this.config = config;
    this.#board = board;
  }

  /** A new game for a server seed: the starting board comes from the seed (label "sum10-board:v1") and holds a pair. */
  static fromSeed(seed: Uint8Array, config: Sum10Config): Sum10Game {
    const c = checkSum10Config(config);
    const prng = Prng.fromSeed(seed, SUM10_BOARD_PRNG_LABEL);
    const b = new Int8Array(c.width * c.height);
    for (let attempt = 0; attempt < SUM10_LIMITS.boardAttemptsMax; attempt++) {
      for (let i = 0; i < b.length; i++) b[i] = prng.nextInt(9);
      if (hasPair(b)) return new Sum10Game(c, b);
    }
    assertionFailed('no starting board with a pair');
  }

  /** Restores a game from its plain state (a client resuming from the server's state). */
  static fromView(view: Sum10View): Sum10Game {
    const c = checkSum10Config(view?.config);
    const cells = view.board;
    if (!Array.isArray(cells) || cells.length !== c.width * c.height || !cells.every((g) => Number.isInteger(g) && g >= 0 && g < 9)) {
      throw new AppError(PuzzleErrors.PUZZLE_BOARD_INVALID);
    }
    if (
      !isCount(view.score) ||
      !isCount(view.movesMade) ||
      !isCount(view.nextSeq) ||
      view.nextSeq < 1 ||
      !isCount(view.lastAtMs) ||
      !isCount(view.refillIndex) ||
      (view.endReason !== null && !END_REASONS.includes(view.endReason)) ||
      !isCount(view.history) ||
      view.history > 0xffffffff
    ) {
      throw new AppError(PuzzleErrors.PUZZLE_BOARD_INVALID);
    }
    const g = new Sum10Game(c, Int8Array.from(cells));
    g.#score = view.score;
    g.#movesMade = view.movesMade;
    g.#nextSeq = view.nextSeq;
    g.#lastAtMs = view.lastAtMs;
    g.#refillIndex = view.refillIndex;
    g.#endReason = view.endReason;
    g.#history = view.history | 0;
    return g;
  }

  get score(): number {
    return this.#score;
  }
  get movesMade(): number {
    return this.#movesMade;
  }
  get nextSeq(): number {
    return this.#nextSeq;
  }
  get lastAtMs(): number {
    return this.#lastAtMs;
  }
  get refillIndex(): number {
    return this.#refillIndex;
  }
  get endReason(): PuzzleEndReason | null {
    return this.#endReason;
  }
  get ended(): boolean {
    return this.#endReason !== null;
  }

  view(): Sum10View {
    return {
      config: this.config,
      board: Array.from(this.#board),
      score: this.#score,
      movesMade: this.#movesMade,
      nextSeq: this.#nextSeq,
      lastAtMs: this.#lastAtMs,
      refillIndex: this.#refillIndex,
      endReason: this.#endReason,
      history: this.#history >>> 0,
    };
  }

  /** Every pair adding up to ten now, as [a, b] with a < b. */
  legalMoves(): [number, number][] {
    return this.ended ? [] : sum10Pairs(this.#board);
  }

  /** Points a legal pair would score (neighbours score double). */
  pointsFor(a: number, b: number): number {
    return neighbours(this.config.width, a, b) ? SUM10_LIMITS.neighbourPoints : SUM10_LIMITS.pairPoints;
  }

  /** Checks a command against the current state without applying it. */
  check(command: PuzzleCommand): AppError | null {
    if (this.#endReason !== null) return new AppError(PuzzleErrors.PUZZLE_ENDED, { endReason: this.#endReason });
    const cmd = command as Partial<PuzzleCommand> | null;
    const move = cmd?.move as Partial<PuzzleCommand['move']> | undefined;
    if (cmd === null || typeof cmd !== 'object' || !isCount(cmd.seq) || !isCount(cmd.atMs) || move === null || typeof move !== 'object') {
      return new AppError(PuzzleErrors.PUZZLE_COMMAND_INVALID);
    }
    if (!isCount(move.from) || !isCount(move.to)) return new AppError(PuzzleErrors.PUZZLE_COMMAND_INVALID);
    if (cmd.seq < this.#nextSeq) return new AppError(PuzzleErrors.PUZZLE_SEQ_REPLAYED, { seq: cmd.seq, expected: this.#nextSeq });
    if (cmd.seq > this.#nextSeq) return new AppError(PuzzleErrors.PUZZLE_SEQ_GAP, { seq: cmd.seq, expected: this.#nextSeq });
    if (cmd.atMs < this.#lastAtMs) return new AppError(PuzzleErrors.PUZZLE_TIME_BACKWARDS, { atMs: cmd.atMs, lastAtMs: this.#lastAtMs });
    if (cmd.atMs > this.config.durationMs) {
      return new AppError(PuzzleErrors.PUZZLE_TIME_OVER, { atMs: cmd.atMs, durationMs: this.config.durationMs });
    }
    if (!cellsValid(this.#board.length, move.from, move.to))
      return new AppError(PuzzleErrors.PUZZLE_MOVE_INVALID, { from: move.from, to: move.to });
    if (this.#board[move.from]! + this.#board[move.to]! !== PAIR_SUM) {
      return new AppError(PuzzleErrors.PUZZLE_MOVE_NO_MATCH, { from: move.from, to: move.to });
    }
    return null;
  }

  /** Applies one command; on any error nothing changes (PUZZLE_REFILLS_NEEDED: retry with more of the stream). */
  apply(command: PuzzleCommand, refills: RefillSource): RulesResult<MoveOutcome> {
    const error = this.check(command);
    if (error) return fail(error);
    const { from, to } = command.move;
    const b = Int8Array.from(this.#board);
    let r = this.#refillIndex;
    for (const cell of [from, to]) {
      const v = refills.gemAt(r);
      if (v < 0) return fail(new AppError(PuzzleErrors.PUZZLE_REFILLS_NEEDED, { refillIndex: r }));
      b[cell] = v;
      r++;
    }
    let reshuffles = 0;
    let stuck = false;
    while (!hasPair(b)) {
      if (reshuffles === PUZZLE_LIMITS.reshufflesMax) {
        stuck = true;
        break;
      }
      reshuffles++;
      for (let i = 0; i < b.length; i++) {
        const v = refills.gemAt(r);
        if (v < 0) return fail(new AppError(PuzzleErrors.PUZZLE_REFILLS_NEEDED, { refillIndex: r }));
        b[i] = v;
        r++;
      }
    }
    const points = this.pointsFor(from, to);
    this.#board.set(b);
    this.#score += points;
    this.#movesMade++;
    this.#nextSeq++;
    this.#lastAtMs = command.atMs;
    this.#refillIndex = r;
    let h = Math.imul(this.#history ^ command.seq, FNV_PRIME);
    h = Math.imul(h ^ command.atMs, FNV_PRIME);
    h = Math.imul(h ^ from, FNV_PRIME);
    this.#history = Math.imul(h ^ to, FNV_PRIME);
    if (stuck) this.#endReason = 'no_moves';
    else if (this.#movesMade >= this.config.movesMax) this.#endReason = 'moves';
    return ok({ points, cleared: 2, cascades: 1, reshuffles, endReason: this.#endReason });
  }

  /** Ends the game early (the clock ran out, or the player stopped). A no-op once ended. */
  end(reason: 'time' | 'stopped'): void {
    if (this.#endReason === null) this.#endReason = reason;
  }

  /** FNV-1a over the whole state (rules name included), as 8 hex digits. */
  stateHash(): string {
    const c = this.config;
    let h = FNV_OFFSET;
    for (let i = 0; i < c.rules.length; i++) h = Math.imul(h ^ c.rules.charCodeAt(i), FNV_PRIME);
    h = fnvWord(h, c.rulesVersion);
    h = fnvWord(h, c.width);
    h = fnvWord(h, c.height);
    h = fnvWord(h, c.movesMax);
    h = fnvWord(h, c.durationMs);
    for (let i = 0; i < this.#board.length; i++) h = Math.imul(h ^ (this.#board[i]! & 0xff), FNV_PRIME);
    h = fnvWord(h, this.#score);
    h = fnvWord(h, this.#movesMade);
    h = fnvWord(h, this.#nextSeq);
    h = fnvWord(h, this.#lastAtMs);
    h = fnvWord(h, this.#refillIndex);
    h = fnvWord(h, this.#endReason === null ? 0 : END_REASONS.indexOf(this.#endReason) + 1);
    h = fnvWord(h, this.#history >>> 0);
    return (h >>> 0).toString(16).padStart(8, '0');
  }
}

/** A new game and its authoritative refill stream (numbers 0–8), from the server seed. */
export function newSum10(seed: Uint8Array, config: Sum10Config): { game: Sum10Game; refills: SeededRefills } {
  const game = Sum10Game.fromSeed(seed, config);
  return { game, refills: new SeededRefills(seed, 9) };
}

/** The pair scoring most now (neighbours first), the first in board order; null when the game is over. */
export function sum10GreedyMove(game: Sum10Game): { from: number; to: number } | null {
  let best: { from: number; to: number } | null = null;
  let bestPoints = -1;
  for (const [from, to] of game.legalMoves()) {
    const p = game.pointsFor(from, to);
    if (p > bestPoints) {
      bestPoints = p;
      best = { from, to };
    }
  }
  return best;
}

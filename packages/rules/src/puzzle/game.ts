// The match-3 game: a board, a score, and commands `{seq, atMs, move}` applied one at a time.
// The same class runs in the browser (to show the player's moves at once), on the server (the
// authoritative copy that decides the score) and in the verifier (a replay from the seed and the
// command log). Integer arithmetic only: the result is identical on V8, JavaScriptCore and QuickJS.
import { AppError, assertionFailed } from '@fairground/core';
import { Prng } from '../fair/prng.ts';
import { fail, ok, type RulesResult } from '../result.ts';
import {
  adjacent,
  allowedKind,
  countAllowed,
  EMPTY,
  forbiddenKinds,
  findLegalSwap,
  hasLegalSwap,
  stillLegal,
  legalSwaps,
  markLinesIn,
  swapMakesLine,
} from './board.ts';
import { checkPuzzleConfig, PUZZLE_LIMITS, type PuzzleConfig } from './config.ts';
import { PuzzleErrors } from './errors.ts';
import { BOARD_PRNG_LABEL, type RefillSource, SeededRefills } from './refills.ts';

export interface PuzzleMove {
  /** Cell index (row × width + column) of one gem of the swap. */
  readonly from: number;
  /** Cell index of its orthogonal neighbour. */
  readonly to: number;
}

export interface PuzzleCommand {
  /** 1 for the first command of a session, then +1 each. */
  readonly seq: number;
  /** Milliseconds since the session started, by the client's clock. */
  readonly atMs: number;
  readonly move: PuzzleMove;
}

/** `moves`: the move limit was reached; `no_moves`: no swap was possible even after redrawing; `time`: the clock ran out; `stopped`: ended early. */
export type PuzzleEndReason = 'moves' | 'no_moves' | 'time' | 'stopped';

/** The whole game state as plain JSON data. */
export interface PuzzleView {
  readonly config: PuzzleConfig;
  readonly board: readonly number[];
  readonly score: number;
  readonly movesMade: number;
  readonly nextSeq: number;
  readonly lastAtMs: number;
  /** The next unused position of the refill stream. */
  readonly refillIndex: number;
  readonly endReason: PuzzleEndReason | null;
  /** A 32-bit FNV-style hash chained over every applied command's words (seq, atMs, from, to): part of the state hash, so a replay with any command changed, added or dropped ends with a different hash. */
  readonly history: number;
}

export interface MoveOutcome {
  /** Points this move earned (all its cascades). */
  readonly points: number;
  /** Gems cleared by this move. */
  readonly cleared: number;
  /** Resolution rounds: 1 for a plain match, more when falling gems matched again. */
  readonly cascades: number;
  /** Times the board was redrawn because no swap was left. */
  readonly reshuffles: number;
  readonly endReason: PuzzleEndReason | null;
}

const END_REASONS: readonly PuzzleEndReason[] = ['moves', 'no_moves', 'time', 'stopped'];

// Hashes are kept as int32 bit patterns (what Math.imul returns) so they stay small integers in
// the engine; they are read as unsigned only where they leave the game (the view, the hex hash).
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Mixes a non-negative safe integer into an FNV-1a hash as eight little-endian bytes (two 32-bit halves; division by 2³² is exact in IEEE 754). */
function fnvWord(hash: number, value: number): number {
  let h = hash;
  const lo = value >>> 0;
  const hi = Math.floor(value / 4294967296) >>> 0;
  h = Math.imul(h ^ (lo & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((lo >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((lo >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (lo >>> 24), FNV_PRIME);
  h = Math.imul(h ^ (hi & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((hi >>> 8) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ ((hi >>> 16) & 0xff), FNV_PRIME);
  h = Math.imul(h ^ (hi >>> 24), FNV_PRIME);
  return h;
}

/**
 * Redraws every cell in index order from the refill stream at position `r`, skipping kinds that
 * would complete a line with the two cells to the left or above (so the new board has no line).
 * Returns the next stream position, or `-(position) - 1` when the stream source ran out there.
 * Kept out of `apply`, which runs on every move, since a redraw is rare.
 */
function redraw(b: Int8Array, width: number, kinds: number, refills: RefillSource, from: number): number {
  let r = from;
  b.fill(EMPTY);
  for (let i = 0; i < b.length; i++) {
    const gem = refills.gemAt(r);
    if (gem < 0) return -r - 1;
    r++;
    const mask = forbiddenKinds(b, width, i);
    b[i] = allowedKind(kinds, mask, gem % countAllowed(kinds, mask));
  }
  return r;
}

/** The board as a plain array (a counted loop: Array.from on a typed array is slower). */
function boardArray(board: Int8Array): number[] {
  const out = new Array<number>(board.length);
  for (let i = 0; i < board.length; i++) out[i] = board[i]!;
  return out;
}

function isCount(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export class PuzzleGame {
  readonly config: PuzzleConfig;
  readonly #board: Int8Array;
  readonly #scratch: Int8Array;
  readonly #mark: Uint8Array;
  /** Rows, and rows per column, that changed since the last search for lines (see markLinesIn). */
  readonly #rows: Uint8Array;
  readonly #colEnd: Uint8Array;
  readonly #lowest: Uint8Array;
  /**
   * A swap known to be legal on the board (see findLegalSwap), or -1. Not part of the state: it
   * only spares the full search for a legal swap after a move that left this one standing, and
   * the answer (some swap exists) is the same either way.
   */
  #knownSwap = -1;
  #score = 0;
  #movesMade = 0;
  #nextSeq = 1;
  #lastAtMs = 0;
  #refillIndex = 0;
  #endReason: PuzzleEndReason | null = null;
  #history = FNV_OFFSET;

  private constructor(config: PuzzleConfig, board: Int8Array) {
    this.config = config;
    this.#board = board;
    this.#scratch = new Int8Array(board.length);
    this.#mark = new Uint8Array(board.length);
    this.#rows = new Uint8Array(config.height);
    this.#colEnd = new Uint8Array(config.width);
    this.#lowest = new Uint8Array(config.width);
  }

  /** A new game for a server seed: the starting board comes from the seed (label "puzzle-board:v1"). */
  static fromSeed(seed: Uint8Array, config: PuzzleConfig): PuzzleGame {
    const c = checkPuzzleConfig(config);
    return new PuzzleGame(c, startingBoard(seed, c));
  }

  /** Restores a game from its plain state (a client reconnecting, or a state sent by the server). */
  static fromView(view: PuzzleView): PuzzleGame {
    const c = checkPuzzleConfig(view?.config);
    const size = c.width * c.height;
    const cells = view.board;
    if (!Array.isArray(cells) || cells.length !== size || !cells.every((g) => Number.isInteger(g) && g >= 0 && g < c.kinds)) {
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
    const g = new PuzzleGame(c, Int8Array.from(cells));
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

  /** The gem at a cell. */
  gemAt(cell: number): number {
    return this.#board[cell] ?? EMPTY;
  }

  view(): PuzzleView {
    return {
      config: this.config,
      board: boardArray(this.#board),
      score: this.#score,
      movesMade: this.#movesMade,
      nextSeq: this.#nextSeq,
      lastAtMs: this.#lastAtMs,
      refillIndex: this.#refillIndex,
      endReason: this.#endReason,
      history: this.#history >>> 0,
    };
  }

  /** Every swap that would make a line now, as [from, to] with from < to. */
  legalMoves(): [number, number][] {
    if (this.ended) return [];
    return legalSwaps(this.#board, this.config.width, this.config.height);
  }

  /** Checks a command against the current state without applying it (no refills needed). */
  check(command: PuzzleCommand): AppError | null {
    if (this.#endReason !== null) return new AppError(PuzzleErrors.PUZZLE_ENDED, { endReason: this.#endReason });
    const cmd = command as Partial<PuzzleCommand> | null;
    const move = cmd?.move as Partial<PuzzleMove> | undefined;
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
    const { width, height } = this.config;
    if (!adjacent(width, height, move.from, move.to))
      return new AppError(PuzzleErrors.PUZZLE_MOVE_INVALID, { from: move.from, to: move.to });
    if (!swapMakesLine(this.#board, width, height, move.from, move.to)) {
      return new AppError(PuzzleErrors.PUZZLE_MOVE_NO_MATCH, { from: move.from, to: move.to });
    }
    return null;
  }

  /**
   * Applies one command. On any error nothing changes. PUZZLE_REFILLS_NEEDED means `refills`
   * does not hold enough of the stream (a client whose window is short): retry with more.
   */
  apply(command: PuzzleCommand, refills: RefillSource): RulesResult<MoveOutcome> {
    const error = this.check(command);
    if (error) return fail(error);
    const b = this.#scratch;
    b.set(this.#board);
    const { from, to } = command.move;
    const g = b[from]!;
    b[from] = b[to]!;
    b[to] = g;

    const c = this.#cascade(b, from, to, refills);
    if (!c.ok) return c;
    const { points, cleared, cascades } = c.value;
    const settled = this.#settle(b, c.value.refillIndex, refills);
    if (!settled.ok) return settled;
    const { known, reshuffles, stuck, refillIndex: r } = settled.value;

    this.#board.set(b);
    this.#knownSwap = known;
    this.#score += points;
    this.#movesMade++;
    this.#nextSeq++;
    this.#lastAtMs = command.atMs;
    this.#refillIndex = r;
    // FNV-style over the command's four words (each below 2³²): cheap enough to run on every move.
    let h = Math.imul(this.#history ^ command.seq, FNV_PRIME);
    h = Math.imul(h ^ command.atMs, FNV_PRIME);
    h = Math.imul(h ^ from, FNV_PRIME);
    this.#history = Math.imul(h ^ to, FNV_PRIME);
    if (stuck) this.#endReason = 'no_moves';
    else if (this.#movesMade >= this.config.movesMax) this.#endReason = 'moves';
    return ok({ points, cleared, cascades, reshuffles, endReason: this.#endReason });
  }

  /**
   * Clears the lines the swap of `from` and `to` made, lets the gems above fall and refills from
   * the top, round after round until no line is left (or the cascade limit).
   */
  #cascade(
    b: Int8Array,
    from: number,
    to: number,
    refills: RefillSource,
  ): RulesResult<{ points: number; cleared: number; cascades: number; refillIndex: number }> {
    const { width, height } = this.config;
    const mark = this.#mark;
    // Between moves the board holds no line, so lines can only pass through changed cells: first
    // the two swapped ones, then, after each round, every cell at or above a cleared one.
    const rows = this.#rows;
    const colEnd = this.#colEnd;
    rows.fill(0);
    colEnd.fill(0);
    const ya = (from - (from % width)) / width;
    const yb = (to - (to % width)) / width;
    rows[ya] = 1;
    rows[yb] = 1;
    colEnd[from % width] = Math.max(colEnd[from % width]!, ya + 1);
    colEnd[to % width] = Math.max(colEnd[to % width]!, yb + 1);

    let r = this.#refillIndex;
    let points = 0;
    let cleared = 0;
    let cascades = 0;
    const lowest = this.#lowest;
    while (cascades < PUZZLE_LIMITS.cascadesMax) {
      const base = markLinesIn(b, width, height, mark, rows, colEnd, lowest);
      if (base === 0) break;
      cascades++;
      points += base * Math.min(cascades, PUZZLE_LIMITS.cascadeMultiplierMax);
      rows.fill(0);
      let rowsChanged = 0;
      // Per column with cleared gems, from its lowest cleared cell up: keep the unmarked gems
      // (they fall), then fill the cells left at the top from the refill stream, lowest first;
      // columns left to right. Cells below the lowest cleared one do not move.
      for (let x = 0; x < width; x++) {
        const low = lowest[x]!;
        colEnd[x] = low;
        if (low === 0) continue;
        if (low > rowsChanged) rowsChanged = low;
        let write = (low - 1) * width + x;
        for (let i = write; i >= 0; i -= width) {
          if (mark[i] === 1) {
            cleared++;
            continue;
          }
          if (write !== i) b[write] = b[i]!;
          write -= width;
        }
        for (; write >= 0; write -= width) {
          const gem = refills.gemAt(r);
          if (gem < 0) return fail(new AppError(PuzzleErrors.PUZZLE_REFILLS_NEEDED, { refillIndex: r }));
          b[write] = gem;
          r++;
        }
      }
      for (let y = 0; y < rowsChanged; y++) rows[y] = 1;
    }
    return ok({ points, cleared, cascades, refillIndex: r });
  }

  /** Makes sure the board has a legal swap, redrawing it up to the reshuffle limit (stuck when none comes). */
  #settle(
    b: Int8Array,
    refillIndex: number,
    refills: RefillSource,
  ): RulesResult<{ known: number; reshuffles: number; stuck: boolean; refillIndex: number }> {
    let r = refillIndex;
    const { width, height, kinds } = this.config;
    let reshuffles = 0;
    let stuck = false;
    let known = stillLegal(b, width, height, this.#knownSwap) ? this.#knownSwap : findLegalSwap(b, width, height);
    while (known < 0) {
      if (reshuffles === PUZZLE_LIMITS.reshufflesMax) {
        stuck = true;
        break;
      }
      reshuffles++;
      r = redraw(b, width, kinds, refills, r);
      if (r < 0) return fail(new AppError(PuzzleErrors.PUZZLE_REFILLS_NEEDED, { refillIndex: -r - 1 }));
      known = findLegalSwap(b, width, height);
    }
    return ok({ known, reshuffles, stuck, refillIndex: r });
  }

  /** Ends the game early (the clock ran out, or the player stopped). A no-op once ended. */
  end(reason: 'time' | 'stopped'): void {
    if (this.#endReason === null) this.#endReason = reason;
  }

  /**
   * FNV-1a (32-bit) over the whole state, as 8 hex digits: equal on every engine for equal
   * states, so client, server and verifier compare a short string instead of the board.
   */
  stateHash(): string {
    const c = this.config;
    let h = FNV_OFFSET;
    h = fnvWord(h, c.rulesVersion);
    h = fnvWord(h, c.width);
    h = fnvWord(h, c.height);
    h = fnvWord(h, c.kinds);
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

/**
 * The starting board: cells in index order, each a uniform choice among the kinds that do not
 * complete a line with the two cells to its left or above, so the board starts without lines.
 * Redrawn (from the same generator) in the rare case it has no legal swap.
 */
export function startingBoard(seed: Uint8Array, config: PuzzleConfig): Int8Array {
  const { width, height, kinds } = config;
  const prng = Prng.fromSeed(seed, BOARD_PRNG_LABEL);
  const b = new Int8Array(width * height);
  for (let attempt = 0; attempt < PUZZLE_LIMITS.boardAttemptsMax; attempt++) {
    b.fill(EMPTY);
    for (let i = 0; i < b.length; i++) {
      const mask = forbiddenKinds(b, width, i);
      b[i] = allowedKind(kinds, mask, prng.nextInt(countAllowed(kinds, mask)));
    }
    if (hasLegalSwap(b, width, height)) return b;
  }
  assertionFailed('no starting board with a legal swap');
}

/** A new game and its authoritative refill stream, from the server seed. */
export function newPuzzle(seed: Uint8Array, config: PuzzleConfig): { game: PuzzleGame; refills: SeededRefills } {
  const game = PuzzleGame.fromSeed(seed, config);
  return { game, refills: new SeededRefills(seed, game.config.kinds) };
}

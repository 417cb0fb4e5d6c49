// Board mechanics on a flat Int8Array: cell i is column i % width, row ⌊i / width⌋, row 0 at the
// top; gems fall towards the bottom. A gem is a kind 0..kinds-1; EMPTY marks a cleared cell while
// a move resolves. Everything here is integer work on preallocated arrays, because the server
// replays tens of thousands of sessions a second with it.
import { POINTS_PER_GEM, POINTS_PER_LONG_RUN_GEM } from './config.ts';
import { assertionFailed } from '@fairground/core';

export const EMPTY = -1;

/** True when `a` and `b` are orthogonal neighbours on the board. */
export function adjacent(width: number, height: number, a: number, b: number): boolean {
  const size = width * height;
  if (a < 0 || b < 0 || a >= size || b >= size) return false;
  const d = a > b ? a - b : b - a;
  if (d === width) return true;
  return d === 1 && Math.max(a, b) % width !== 0;
}

/**
 * True when gem `g`, put at cell `i` by a swap with the neighbour `partner`, would lie in a line
 * of three (reads the board as it is before the swap; the partner's cell is taken as not `g`).
 */
function makesLine(board: Int8Array, width: number, height: number, i: number, g: number, partner: number): boolean {
  const x = i % width;
  let run = 0;
  if (x >= 1 && i - 1 !== partner && board[i - 1] === g) {
    run++;
    if (x >= 2 && board[i - 2] === g) run++;
  }
  if (x + 1 < width && i + 1 !== partner && board[i + 1] === g) {
    run++;
    if (x + 2 < width && board[i + 2] === g) run++;
  }
  if (run >= 2) return true;
  run = 0;
  const size = width * height;
  if (i >= width && i - width !== partner && board[i - width] === g) {
    run++;
    if (i >= 2 * width && board[i - 2 * width] === g) run++;
  }
  if (i + width < size && i + width !== partner && board[i + width] === g) {
    run++;
    if (i + 2 * width < size && board[i + 2 * width] === g) run++;
  }
  return run >= 2;
}

/** True when swapping the neighbours `a` and `b` makes a line of three (the board is left unchanged). */
export function swapMakesLine(board: Int8Array, width: number, height: number, a: number, b: number): boolean {
  const ga = board[a]!;
  const gb = board[b]!;
  return ga !== gb && (makesLine(board, width, height, a, gb, b) || makesLine(board, width, height, b, ga, a));
}

/** True when at least one swap of neighbours makes a line. */
export function hasLegalSwap(board: Int8Array, width: number, height: number): boolean {
  return findLegalSwap(board, width, height) >= 0;
}

/**
 * The first swap of neighbours (in board order) that makes a line, encoded as `2 × cell` for the
 * swap with the right neighbour and `2 × cell + 1` for the one below; -1 when there is none.
 */
export function findLegalSwap(board: Int8Array, width: number, height: number): number {
  const size = board.length;
  for (let i = 0; i < size; i++) {
    const g = board[i]!;
    if ((i + 1) % width !== 0) {
      const h = board[i + 1]!;
      if (g !== h && (makesLine(board, width, height, i, h, i + 1) || makesLine(board, width, height, i + 1, g, i))) return 2 * i;
    }
    if (i + width < size) {
      const h = board[i + width]!;
      if (g !== h && (makesLine(board, width, height, i, h, i + width) || makesLine(board, width, height, i + width, g, i)))
        return 2 * i + 1;
    }
  }
  return -1;
}

/** Whether a swap found by `findLegalSwap` still makes a line on `board`. */
export function stillLegal(board: Int8Array, width: number, height: number, found: number): boolean {
  if (found < 0) return false;
  const a = found >> 1;
  const b = found & 1 ? a + width : a + 1;
  return b < board.length && swapMakesLine(board, width, height, a, b);
}

/** Every legal swap as [from, to] with from < to, in board order. */
export function legalSwaps(board: Int8Array, width: number, height: number): [number, number][] {
  const out: [number, number][] = [];
  for (let i = 0; i < board.length; i++) {
    const x = i % width;
    if (x + 1 < width && swapMakesLine(board, width, height, i, i + 1)) out.push([i, i + 1]);
    if (i + width < board.length && swapMakesLine(board, width, height, i, i + width)) out.push([i, i + width]);
  }
  return out;
}

/**
 * Marks (in `mark`, 1 = part of a line) every gem in a horizontal or vertical line of three or
 * more, and returns the points those lines earn before the cascade multiplier: POINTS_PER_GEM for
 * each marked gem (a gem in two crossing lines counts once) plus POINTS_PER_LONG_RUN_GEM for each
 * gem beyond three in each line. Returns 0 when nothing is marked.
 */
export function markLines(board: Int8Array, width: number, mark: Uint8Array): number {
  mark.fill(0);
  let bonus = 0;
  let marked = 0;
  for (let row = 0; row < board.length; row += width) {
    let prev = board[row]!;
    let len = 1;
    for (let x = 1; x <= width; x++) {
      const g = x < width ? board[row + x]! : EMPTY;
      if (g === prev && g !== EMPTY) {
        len++;
        continue;
      }
      if (len >= 3 && prev !== EMPTY) {
        for (let k = row + x - len; k < row + x; k++) {
          if (mark[k] === 0) {
            mark[k] = 1;
            marked++;
          }
        }
        bonus += (len - 3) * POINTS_PER_LONG_RUN_GEM;
      }
      prev = g;
      len = 1;
    }
  }
  const size = board.length;
  for (let x = 0; x < width; x++) {
    let prev = board[x]!;
    let len = 1;
    for (let i = x + width; i <= size; i += width) {
      const g = i < size ? board[i]! : EMPTY;
      if (g === prev && g !== EMPTY) {
        len++;
        continue;
      }
      if (len >= 3 && prev !== EMPTY) {
        for (let k = i - len * width; k < i; k += width) {
          if (mark[k] === 0) {
            mark[k] = 1;
            marked++;
          }
        }
        bonus += (len - 3) * POINTS_PER_LONG_RUN_GEM;
      }
      prev = g;
      len = 1;
    }
  }
  return marked === 0 ? 0 : marked * POINTS_PER_GEM + bonus;
}

/**
 * `markLines` restricted to where a line can be new after a change: horizontally in the rows
 * flagged in `rows`, vertically in column x down to row `colEnd[x] + 1` (`colEnd[x]` is the
 * number of changed rows at the top of that column, counted from row 0; 0 skips the column). A
 * line through a changed cell ends at most two unchanged cells past it, because unchanged cells
 * never form a line of their own. So whenever the board had no line before the change, this
 * marks exactly what `markLines` marks, while reading a fraction of the board. Every flagged row
 * must hold a changed cell of some column with a non-zero `colEnd`. `lowest[x]` is set
 * to one more than the lowest marked row of column x (0 when nothing in it is marked).
 */
export function markLinesIn(
  board: Int8Array,
  width: number,
  height: number,
  mark: Uint8Array,
  rows: Uint8Array,
  colEnd: Uint8Array,
  lowest: Uint8Array,
): number {
  // Changed cells lie in columns xMin..xMax, so a new horizontal line lies within two cells of them.
  let xMin = width;
  let xMax = -1;
  for (let x = 0; x < width; x++) {
    if (colEnd[x] === 0) continue;
    if (x < xMin) xMin = x;
    xMax = x;
  }
  const xFrom = xMin - 2 > 0 ? xMin - 2 : 0;
  const xTo = xMax + 3 < width ? xMax + 3 : width;
  if (!anyLineIn(board, width, height, rows, colEnd, xFrom, xTo)) return 0;
  mark.fill(0);
  lowest.fill(0);
  // A run that scores a bonus marks its gems (in one pass or the other), so nothing marked means
  // nothing scored, and the score is the sum of the two passes'.
  return markRowRuns(board, width, height, mark, rows, lowest, xFrom, xTo) + markColumnRuns(board, width, height, mark, colEnd, lowest);
}

/** Whether any line of three lies in the flagged rows (columns xFrom..xTo) or changed columns: the quick answer of most searches. */
function anyLineIn(
  board: Int8Array,
  width: number,
  height: number,
  rows: Uint8Array,
  colEnd: Uint8Array,
  xFrom: number,
  xTo: number,
): boolean {
  // Most searches find nothing (the last one of every move): three-in-a-row comparisons answer
  // that faster than the marking pass below.
  let found = false;
  for (let y = 0; y < height && !found; y++) {
    if (rows[y] === 0) continue;
    for (let i = y * width + xFrom, end = y * width + xTo - 2; i < end; i++) {
      const g = board[i]!;
      if (g === board[i + 1] && g === board[i + 2] && g !== EMPTY) {
        found = true;
        break;
      }
    }
  }
  for (let x = 0; x < width && !found; x++) {
    const changed = colEnd[x]!;
    if (changed === 0) continue;
    const end = ((changed + 2 < height ? changed + 2 : height) - 2) * width + x;
    for (let i = x; i < end; i += width) {
      const g = board[i]!;
      if (g === board[i + width] && g === board[i + 2 * width] && g !== EMPTY) {
        found = true;
        break;
      }
    }
  }
  return found;
}

/** Marks the horizontal runs of three or more in the flagged rows; the points they score. */
function markRowRuns(
  board: Int8Array,
  width: number,
  height: number,
  mark: Uint8Array,
  rows: Uint8Array,
  lowest: Uint8Array,
  xFrom: number,
  xTo: number,
): number {
  let bonus = 0;
  let marked = 0;
  for (let y = 0; y < height; y++) {
    if (rows[y] === 0) continue;
    const row = y * width;
    let start = xFrom;
    let prev = board[row + xFrom]!;
    for (let x = xFrom + 1; x <= xTo; x++) {
      const g = x < xTo ? board[row + x]! : EMPTY;
      if (g === prev) continue;
      const len = x - start;
      if (len >= 3 && prev !== EMPTY) {
        for (let k = start; k < x; k++) {
          if (mark[row + k] === 0) {
            mark[row + k] = 1;
            marked++;
            if (lowest[k]! <= y) lowest[k] = y + 1;
          }
        }
        bonus += (len - 3) * POINTS_PER_LONG_RUN_GEM;
      }
      prev = g;
      start = x;
    }
  }
  return marked * POINTS_PER_GEM + bonus;
}

/** Marks the vertical runs of three or more in the changed columns (not marking a gem twice); the points they score. */
function markColumnRuns(board: Int8Array, width: number, height: number, mark: Uint8Array, colEnd: Uint8Array, lowest: Uint8Array): number {
  let bonus = 0;
  let marked = 0;
  for (let x = 0; x < width; x++) {
    const changed = colEnd[x]!;
    if (changed === 0) continue;
    const end = changed + 2 < height ? changed + 2 : height;
    let start = 0;
    let prev = board[x]!;
    for (let y = 1; y <= end; y++) {
      const g = y < end ? board[y * width + x]! : EMPTY;
      if (g === prev) continue;
      const len = y - start;
      if (len >= 3 && prev !== EMPTY) {
        for (let k = start; k < y; k++) {
          const i = k * width + x;
          if (mark[i] === 0) {
            mark[i] = 1;
            marked++;
          }
        }
        if (lowest[x]! < y) lowest[x] = y;
        bonus += (len - 3) * POINTS_PER_LONG_RUN_GEM;
      }
      prev = g;
      start = y;
    }
  }
  return marked * POINTS_PER_GEM + bonus;
}

/**
 * Kinds that would complete a line of three at cell i when the board is filled in index order
 * (the two cells to the left and the two above are already set). Returns a bit mask.
 */
export function forbiddenKinds(board: Int8Array, width: number, i: number): number {
  const x = i % width;
  let mask = 0;
  if (x >= 2) {
    const g = board[i - 1]!;
    if (g !== EMPTY && g === board[i - 2]) mask |= 1 << g;
  }
  if (i >= 2 * width) {
    const g = board[i - width]!;
    if (g !== EMPTY && g === board[i - 2 * width]) mask |= 1 << g;
  }
  return mask;
}

/** The `pick`-th kind (0-based) among those not in `mask`; `allowedCount` tells how many there are. */
export function allowedKind(kinds: number, mask: number, pick: number): number {
  let seen = 0;
  for (let k = 0; k < kinds; k++) {
    if (mask & (1 << k)) continue;
    if (seen === pick) return k;
    seen++;
  }
  assertionFailed('allowedKind pick out of range');
}

export function countAllowed(kinds: number, mask: number): number {
  let n = 0;
  for (let k = 0; k < kinds; k++) if (!(mask & (1 << k))) n++;
  return n;
}

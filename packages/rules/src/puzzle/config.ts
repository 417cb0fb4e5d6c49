// The puzzle's parameters. A session stores its configuration with its seed and command log, so a
// replay years later runs the rules it was played under; `rulesVersion` names the scoring rules.
import { AppError } from '@fairground/core';
import { PuzzleErrors } from './errors.ts';

export interface PuzzleConfig {
  /** Version of the scoring and refill rules; only 1 exists. */
  readonly rulesVersion: 1;
  /** Columns of the board. */
  readonly width: number;
  /** Rows of the board. */
  readonly height: number;
  /** Number of gem kinds (colours). Fewer kinds make more accidental cascades. */
  readonly kinds: number;
  /** The game ends after this many moves. */
  readonly movesMax: number;
  /** The game ends when this much time has passed since the start (commands carry `atMs` from the start). */
  readonly durationMs: number;
}

export const PUZZLE_LIMITS = {
  sideMin: 5,
  sideMax: 10,
  kindsMin: 4,
  kindsMax: 7,
  movesMaxMax: 200,
  durationMsMin: 10_000,
  durationMsMax: 3_600_000,
  /** A move resolves at most this many cascades; the rest of the board stays as it lies. */
  cascadesMax: 50,
  /** After a move leaves no legal swap the board is redrawn at most this many times, then the game ends. */
  reshufflesMax: 5,
  /** The cascade multiplier stops growing here. */
  cascadeMultiplierMax: 10,
  /** Attempts to generate a starting board with a legal move before giving up (never reached in practice). */
  boardAttemptsMax: 64,
} as const;

/** Points per cleared gem, before the cascade multiplier. */
export const POINTS_PER_GEM = 10;
/** Extra points per gem beyond three in one line (a line of 5 earns 2 × this), before the multiplier. */
export const POINTS_PER_LONG_RUN_GEM = 20;

export const DEFAULT_PUZZLE_CONFIG: PuzzleConfig = Object.freeze({
  rulesVersion: 1,
  width: 8,
  height: 8,
  kinds: 6,
  movesMax: 30,
  durationMs: 180_000,
});

function intIn(v: unknown, min: number, max: number): boolean {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= min && v <= max;
}

/** Checks a configuration from outside (a stored session, a client); throws PUZZLE_CONFIG_INVALID. */
export function checkPuzzleConfig(c: unknown): PuzzleConfig {
  const L = PUZZLE_LIMITS;
  const o = c as Partial<PuzzleConfig> | null;
  if (
    o === null ||
    typeof o !== 'object' ||
    o.rulesVersion !== 1 ||
    !intIn(o.width, L.sideMin, L.sideMax) ||
    !intIn(o.height, L.sideMin, L.sideMax) ||
    !intIn(o.kinds, L.kindsMin, L.kindsMax) ||
    !intIn(o.movesMax, 1, L.movesMaxMax) ||
    !intIn(o.durationMs, L.durationMsMin, L.durationMsMax)
  ) {
    throw new AppError(PuzzleErrors.PUZZLE_CONFIG_INVALID);
  }
  return { rulesVersion: 1, width: o.width!, height: o.height!, kinds: o.kinds!, movesMax: o.movesMax!, durationMs: o.durationMs! };
}

// Money is integer fen (分, 1/100 yuan) everywhere inside the platform. Yuan exist only on screens.
// `Fen` is a branded number: the only ways to get one are `toFen`/`parseFen`, which check that the
// value is a safe integer inside the bounds the caller configured, so an unchecked number can never
// reach the ledger.
import { AppError, defineErrors } from './errors.ts';

declare const fenBrand: unique symbol;
export type Fen = number & { readonly [fenBrand]: 'Fen' };

declare const bpsBrand: unique symbol;
/** A rate in basis points: 1 bps = 0.01 %, 10000 bps = 100 %. */
export type Bps = number & { readonly [bpsBrand]: 'Bps' };

export const MoneyErrors = defineErrors('money', {
  MONEY_NOT_INTEGER: { status: 400, message: 'amount must be a JSON integer number of fen' },
  MONEY_OUT_OF_RANGE: { status: 400, message: 'amount is outside the allowed range' },
  MONEY_OVERFLOW: { status: 400, message: 'amount arithmetic left the safe integer range' },
  RATE_INVALID: { status: 400, message: 'rate must be an integer number of basis points from 0 to 10000' },
});

export interface FenBounds {
  readonly minFen: number;
  readonly maxFen: number;
}

/** Any safe integer: balances of system accounts may be negative. */
export const FEN_BOUNDS_ANY: FenBounds = { minFen: -Number.MAX_SAFE_INTEGER, maxFen: Number.MAX_SAFE_INTEGER };
/** A positive amount to move: at least 1 fen. */
export const FEN_BOUNDS_POSITIVE: FenBounds = { minFen: 1, maxFen: Number.MAX_SAFE_INTEGER };
/** Zero or more. */
export const FEN_BOUNDS_NON_NEGATIVE: FenBounds = { minFen: 0, maxFen: Number.MAX_SAFE_INTEGER };

/**
 * The one constructor of `Fen`. Accepts only a safe integer inside `bounds` (inclusive);
 * `-0` is rejected because it cannot come from integer arithmetic on valid amounts and usually
 * means a float slipped in.
 */
export function toFen(value: unknown, bounds: FenBounds = FEN_BOUNDS_ANY): Fen {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || Object.is(value, -0)) {
    throw new AppError(MoneyErrors.MONEY_NOT_INTEGER, { value: describe(value) });
  }
  if (value < bounds.minFen || value > bounds.maxFen) {
    throw new AppError(MoneyErrors.MONEY_OUT_OF_RANGE, { value, minFen: bounds.minFen, maxFen: bounds.maxFen });
  }
  return value as Fen;
}

/**
 * Parses an amount coming from a database driver: PostgreSQL returns int8 and numeric as
 * decimal strings, SQLite returns numbers or bigints. Anything that is not an exact safe
 * integer is refused rather than rounded.
 */
export function fenFromDb(value: unknown, bounds: FenBounds = FEN_BOUNDS_ANY): Fen {
  if (typeof value === 'string') {
    if (!/^-?(0|[1-9][0-9]{0,30})$/.test(value)) {
      throw new AppError(MoneyErrors.MONEY_NOT_INTEGER, { value: describe(value) });
    }
    return fenFromDb(BigInt(value), bounds);
  }
  if (typeof value === 'bigint') {
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
      throw new AppError(MoneyErrors.MONEY_OVERFLOW, { value: value.toString() });
    }
    return toFen(Number(value), bounds);
  }
  return toFen(value === 0 ? 0 : value, bounds);
}

export function isFen(value: unknown, bounds: FenBounds = FEN_BOUNDS_ANY): value is Fen {
  return (
    typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0) && value >= bounds.minFen && value <= bounds.maxFen
  );
}

export function addFen(a: Fen, b: Fen): Fen {
  const sum = a + b;
  if (!Number.isSafeInteger(sum)) throw new AppError(MoneyErrors.MONEY_OVERFLOW, { a, b });
  return sum as Fen;
}

export function subFen(a: Fen, b: Fen): Fen {
  const diff = a - b;
  if (!Number.isSafeInteger(diff)) throw new AppError(MoneyErrors.MONEY_OVERFLOW, { a, b });
  return (diff === 0 ? 0 : diff) as Fen;
}

export function sumFen(values: readonly Fen[]): Fen {
  let total = 0 as Fen;
  for (const v of values) total = addFen(total, v);
  return total;
}

export const ZERO_FEN = 0 as Fen;

export function toBps(value: unknown): Bps {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > 10_000) {
    throw new AppError(MoneyErrors.RATE_INVALID, { value: describe(value) });
  }
  return value as Bps;
}

/**
 * The one rounding rule: a rate applied to a non-negative amount is
 * `floor(amountFen × bps / 10000)`, computed exactly in bigint so no intermediate product can lose
 * precision. Whatever the floor leaves over stays with the payer's side of the split (for a
 * rake, the remainder stays in the prize pool).
 */
export function applyBps(amountFen: Fen, rate: Bps): Fen {
  if (amountFen < 0) throw new AppError(MoneyErrors.MONEY_OUT_OF_RANGE, { amountFen, minFen: 0 });
  const product = (BigInt(amountFen) * BigInt(rate)) / 10_000n;
  return Number(product) as Fen;
}

/**
 * Splits `totalFen` into parts proportional to integer `weights`.
 * Each part first gets `floor(total × weight / Σweights)`; the fen left over (fewer than the
 * number of parts with a non-zero weight) go one each to the parts in list order, skipping
 * zero weights. Callers order the list so that "first" is meaningful (for a pot: seat order from
 * the dealer's left). The parts always sum exactly to the whole.
 */
export function splitByWeights(totalFen: Fen, weights: readonly number[]): Fen[] {
  if (totalFen < 0) throw new AppError(MoneyErrors.MONEY_OUT_OF_RANGE, { totalFen, minFen: 0 });
  return splitIntegerByWeights(totalFen, weights) as Fen[];
}

/**
 * The same rule as `splitByWeights` for whole numbers that are not money (a room's scores, points):
 * `total` must be a non-negative safe integer, and the parts sum exactly to it.
 */
export function splitIntegerByWeights(total: number, weights: readonly number[]): number[] {
  if (!Number.isSafeInteger(total) || total < 0) throw new RangeError(`total must be a non-negative integer, got ${total}`);
  if (weights.length === 0) throw new RangeError('splitByWeights needs at least one weight');
  let weightSum = 0n;
  for (const w of weights) {
    if (!Number.isSafeInteger(w) || w < 0) throw new RangeError(`weight must be a non-negative integer, got ${w}`);
    weightSum += BigInt(w);
  }
  if (weightSum === 0n) throw new RangeError('weights must not all be zero');
  const whole = BigInt(total);
  const parts = weights.map((w) => (whole * BigInt(w)) / weightSum);
  let remainder = whole - parts.reduce((a, b) => a + b, 0n);
  for (let i = 0; remainder > 0n; i = (i + 1) % parts.length) {
    if (weights[i] === 0) continue;
    parts[i] = (parts[i] ?? 0n) + 1n;
    remainder -= 1n;
  }
  return parts.map((p) => Number(p));
}

/** Splits `totalFen` into `count` near-equal parts; the first `total mod count` parts get one fen more. */
export function splitEvenly(totalFen: Fen, count: number): Fen[] {
  if (!Number.isSafeInteger(count) || count < 1) throw new RangeError(`count must be a positive integer, got ${count}`);
  return splitByWeights(totalFen, new Array<number>(count).fill(1));
}

/** Formats fen as yuan with two decimals, for screens only ("12.30"). Exact: no floating point. */
export function formatYuan(amountFen: Fen): string {
  const negative = amountFen < 0;
  const abs = Math.abs(amountFen);
  const yuan = Math.trunc(abs / 100);
  const cents = abs - yuan * 100;
  return `${negative ? '-' : ''}${yuan}.${cents.toString().padStart(2, '0')}`;
}

/** Parses "12.3" / "12.30" / "12" yuan typed by a person into fen; refuses more than two decimals. */
export function parseYuan(text: string, bounds: FenBounds = FEN_BOUNDS_POSITIVE): Fen {
  const match = /^\s*(\d{1,13})(?:\.(\d{1,2}))?\s*$/.exec(text);
  if (!match) throw new AppError(MoneyErrors.MONEY_NOT_INTEGER, { value: text });
  const whole = Number(match[1]);
  const frac = Number((match[2] ?? '').padEnd(2, '0'));
  return toFen(whole * 100 + frac, bounds);
}

function describe(value: unknown): string {
  if (typeof value === 'number') return Object.is(value, -0) ? '-0' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  return typeof value;
}

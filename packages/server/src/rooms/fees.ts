// Room fees (seed §四 and the issue): charged up front, never dependent on the pot or the results.
//   - Room-card mode: room cards (a ledger asset bought with CNY) are consumed when the room starts.
//   - Cash mode: a fee in fen; the platform commission (5–15 %) goes to revenue, and what happens
//     to the rest is the jurisdiction policy's call (a service fee by default).
//   - Points (platform reward points, 1 point = 1 fen of fee) may cover part of a cash fee; the
//     commission applies to the cash part only.
// The owner pays for every seat, or each seated player pays one seat's share (AA).
import { AppError, applyBps, assert, FEN_BOUNDS_NON_NEGATIVE, toBps, toFen } from '@fairground/core';
import { RoomErrors } from './errors.ts';
import type { FeeChoice } from './params.ts';

/** The operator's price list for rooms. */
export interface FeeSchedule {
  /** Price of one room card, in fen. */
  readonly roomCardPriceFen: number;
  /** Room cards one seat costs per started block of HANDS_PER_FEE_BLOCK hands. */
  readonly roomCardsPerSeatPerBlock: number;
  /** Cash fee one seat costs per started block, in fen. */
  readonly cashFeePerSeatPerBlockFen: number;
  /** Platform commission on the cash part of a cash fee: 500–1500 bps (5–15 %). */
  readonly commissionBps: number;
  /** The largest share of a cash payment points may cover, in bps. */
  readonly pointsCoverBpsMax: number;
  /** Who pays when the creator does not say (absent: the owner). */
  readonly defaultPayer?: 'owner' | 'aa';
}

/** 8 hands cost one block, 9–16 two: the seed's "按局数" pricing with the 8–16 range. */
export const HANDS_PER_FEE_BLOCK = 8;
export const COMMISSION_BPS_MIN = 500;
export const COMMISSION_BPS_MAX = 1500;
const PRICE_FEN_MAX = 1_000_000;

export const DEFAULT_FEE_SCHEDULE: FeeSchedule = {
  roomCardPriceFen: 300,
  roomCardsPerSeatPerBlock: 1,
  cashFeePerSeatPerBlockFen: 200,
  commissionBps: 1000,
  pointsCoverBpsMax: 5000,
};

/** A price list is configuration: a bad one stops start-up. */
export function checkFeeSchedule(s: FeeSchedule): FeeSchedule {
  const int = (v: number, min: number, max: number, name: string) => {
    assert(Number.isSafeInteger(v) && v >= min && v <= max, `fee schedule ${name} must be in ${min}..${max}`);
  };
  int(s.roomCardPriceFen, 1, PRICE_FEN_MAX, 'roomCardPriceFen');
  int(s.roomCardsPerSeatPerBlock, 1, 100, 'roomCardsPerSeatPerBlock');
  int(s.cashFeePerSeatPerBlockFen, 1, PRICE_FEN_MAX, 'cashFeePerSeatPerBlockFen');
  int(s.commissionBps, COMMISSION_BPS_MIN, COMMISSION_BPS_MAX, 'commissionBps');
  int(s.pointsCoverBpsMax, 0, 10_000, 'pointsCoverBpsMax');
  return s;
}

export interface SeatPrice {
  /** Room cards (room-card mode), else 0. */
  readonly cards: number;
  /** Fen before points (cash mode), else 0. */
  readonly cashFen: number;
}

export interface FeeQuote extends FeeChoice {
  readonly perSeat: SeatPrice;
  /** What the owner pays when creating the room. */
  readonly owner: SeatPrice;
  /** What each other player pays when taking a seat. */
  readonly joiner: SeatPrice;
  readonly commissionBps: number;
  readonly pointsCoverBpsMax: number;
  readonly roomCardPriceFen: number;
}

export function feeBlocks(rounds: number): number {
  return Math.ceil(rounds / HANDS_PER_FEE_BLOCK);
}

export function quoteFee(choice: FeeChoice, seats: number, rounds: number, s: FeeSchedule): FeeQuote {
  const blocks = feeBlocks(rounds);
  const perSeat: SeatPrice =
    choice.mode === 'room_card'
      ? { cards: blocks * s.roomCardsPerSeatPerBlock, cashFen: 0 }
      : { cards: 0, cashFen: blocks * s.cashFeePerSeatPerBlockFen };
  const none: SeatPrice = { cards: 0, cashFen: 0 };
  const owner = choice.payer === 'owner' ? { cards: perSeat.cards * seats, cashFen: perSeat.cashFen * seats } : perSeat;
  return {
    ...choice,
    perSeat,
    owner,
    joiner: choice.payer === 'aa' ? perSeat : none,
    commissionBps: s.commissionBps,
    pointsCoverBpsMax: s.pointsCoverBpsMax,
    roomCardPriceFen: s.roomCardPriceFen,
  };
}

/** One payment broken down: what each ledger transfer of the order moves. */
export interface Payment {
  readonly cards: number;
  /** Points spent (1 point covers 1 fen). */
  readonly points: number;
  /** Fen paid from the wallet: the fee minus points. */
  readonly cashFen: number;
  /** The platform's commission on cashFen. */
  readonly commissionFen: number;
  /** cashFen − commissionFen: a service fee, or prize money when the policy allows. */
  readonly remainderFen: number;
}

export function maxPointsFor(price: SeatPrice, pointsCoverBpsMax: number): number {
  return applyBps(toFen(price.cashFen, FEN_BOUNDS_NON_NEGATIVE), toBps(pointsCoverBpsMax));
}

/** Breaks a price into the payment's parts; refuses points outside 0..the cover limit. */
export function paymentFor(
  price: SeatPrice,
  points: unknown,
  quote: Pick<FeeQuote, 'mode' | 'commissionBps' | 'pointsCoverBpsMax'>,
): Payment {
  const p = points ?? 0;
  if (typeof p !== 'number' || !Number.isSafeInteger(p) || p < 0)
    throw new AppError(RoomErrors.ROOM_POINTS_INVALID, { points: String(p).slice(0, 20) });
  if (quote.mode === 'room_card') {
    if (p > 0) throw new AppError(RoomErrors.ROOM_POINTS_CASH_ONLY);
    return { cards: price.cards, points: 0, cashFen: 0, commissionFen: 0, remainderFen: 0 };
  }
  const max = maxPointsFor(price, quote.pointsCoverBpsMax);
  if (p > max) throw new AppError(RoomErrors.ROOM_POINTS_INVALID, { points: p, pointsMax: max });
  const cashFen = price.cashFen - p;
  const commissionFen = applyBps(toFen(cashFen, FEN_BOUNDS_NON_NEGATIVE), toBps(quote.commissionBps));
  return { cards: 0, points: p, cashFen, commissionFen, remainderFen: cashFen - commissionFen };
}

/** True when a payment moves nothing (a joiner in a room the owner pays for). */
export function isFree(p: Payment): boolean {
  return p.cards === 0 && p.points === 0 && p.cashFen === 0;
}

const CHINA_OFFSET_MS = 8 * 3_600_000;

/**
 * An order id in the seed's format (`wx20231101123456`): a prefix, the time as yyyyMMddHHmmss in
 * China time, and a six-digit sequence. `rf` room fee, `rc` room-card purchase.
 */
export function formatOrderId(prefix: 'rf' | 'rc', nowMs: number, seq: number): string {
  const d = new Date(nowMs + CHINA_OFFSET_MS);
  const two = (n: number) => String(n).padStart(2, '0');
  const stamp = `${d.getUTCFullYear()}${two(d.getUTCMonth() + 1)}${two(d.getUTCDate())}${two(d.getUTCHours())}${two(d.getUTCMinutes())}${two(d.getUTCSeconds())}`;
  return `${prefix}${stamp}${String(seq % 1_000_000).padStart(6, '0')}`;
}

/** The calendar day in China (UTC+8) a time falls on: the key of per-day point caps. */
export function chinaDay(nowMs: number): string {
  return new Date(nowMs + CHINA_OFFSET_MS).toISOString().slice(0, 10);
}

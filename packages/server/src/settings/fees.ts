// The friend-room fee schedule as a setting. A fee is charged up front, per seat and per started
// block of hands, in room cards or in fen; the platform's commission is a share of the cash part of
// that fee and must lie within the policy's bounds. A fee computed on the pot or on anyone's
// winnings is 抽头 — gambling under 公通字〔2007〕3号 (research games-fairness-compliance.md §5.4) — and
// is refused with its own code, whatever shape the proposal takes.
import { AppError } from '@fairground/core';
import { type Static, Type } from '@sinclair/typebox';
import { DEFAULT_FEE_SCHEDULE } from '../rooms/index.ts';
import type { BusinessBounds } from './bounds.ts';
import { checkShape, outsidePolicy } from './check.ts';
import { SettingsErrors } from './errors.ts';

const PRICE_FEN_MAX = 1_000_000;

export const RoomFeesSchema = Type.Object(
  {
    /** How a fee is computed. The only basis there is: per seat and block of hands, independent of play. */
    basis: Type.Literal('seat_block'),
    roomCardPriceFen: Type.Integer({ minimum: 1, maximum: PRICE_FEN_MAX }),
    roomCardsPerSeatPerBlock: Type.Integer({ minimum: 1, maximum: 100 }),
    cashFeePerSeatPerBlockFen: Type.Integer({ minimum: 1, maximum: PRICE_FEN_MAX }),
    commissionBps: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /** The largest share of a cash fee platform points may cover (the points discount), in bps. */
    pointsCoverBpsMax: Type.Integer({ minimum: 0, maximum: 10_000 }),
    /** Who pays when the room's creator does not say: the owner for every seat, or each player their own (AA). */
    defaultPayer: Type.Union([Type.Literal('owner'), Type.Literal('aa')]),
  },
  { additionalProperties: false },
);
export type RoomFees = Static<typeof RoomFeesSchema>;

export const DEFAULT_ROOM_FEES: RoomFees = { basis: 'seat_block', ...DEFAULT_FEE_SCHEDULE, defaultPayer: 'owner' };

/** Names that only a fee on the pot or on results would have. */
const POT_WORDS = /pot|win|rake|result|score|抽/i;

export function checkRoomFees(value: unknown, bounds: BusinessBounds): RoomFees {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const v = value as Record<string, unknown>;
    const potField = Object.keys(v).find((k) => POT_WORDS.test(k));
    if ((v.basis !== undefined && v.basis !== 'seat_block') || potField !== undefined) {
      throw new AppError(SettingsErrors.SETTINGS_FEE_ON_POT, {
        ...(v.basis !== undefined && v.basis !== 'seat_block' ? { basis: String(v.basis).slice(0, 40) } : {}),
        ...(potField !== undefined ? { field: potField.slice(0, 40) } : {}),
      });
    }
  }
  const fees = checkShape<RoomFees>(RoomFeesSchema, value);
  if (fees.commissionBps < bounds.roomCommissionBpsMin || fees.commissionBps > bounds.roomCommissionBpsMax) {
    outsidePolicy('commissionBps', fees.commissionBps, bounds.roomCommissionBpsMin, bounds.roomCommissionBpsMax, bounds.policies);
  }
  return fees;
}

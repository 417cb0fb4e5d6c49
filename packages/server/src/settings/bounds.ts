// What the jurisdiction policies allow the business settings to be. Every loaded policy may carry
// `games.feeBounds`; a setting applies platform-wide, so it must fit the strictest of those that
// do. When none does, the defaults below hold: the room commission of 5–15 % the seed names, and
// the skill rake cap the catalogue always had.
import type { Policy } from '../compliance/index.ts';

export const ROOM_COMMISSION_BPS_MIN_DEFAULT = 500;
export const ROOM_COMMISSION_BPS_MAX_DEFAULT = 1500;
export const SKILL_RAKE_BPS_MAX_DEFAULT = 5000;

export interface BusinessBounds {
  readonly roomCommissionBpsMin: number;
  readonly roomCommissionBpsMax: number;
  readonly skillRakeBpsMax: number;
  /** The policies whose bounds bind (named in error details, so an operator knows where the line comes from). */
  readonly policies: readonly string[];
}

export function businessBounds(policies: readonly Policy[]): BusinessBounds {
  const bound = policies.filter((p) => p.games?.feeBounds !== undefined);
  if (bound.length === 0) {
    return {
      roomCommissionBpsMin: ROOM_COMMISSION_BPS_MIN_DEFAULT,
      roomCommissionBpsMax: ROOM_COMMISSION_BPS_MAX_DEFAULT,
      skillRakeBpsMax: SKILL_RAKE_BPS_MAX_DEFAULT,
      policies: [],
    };
  }
  let min = 0;
  let max = 10_000;
  let rake = SKILL_RAKE_BPS_MAX_DEFAULT;
  for (const p of bound) {
    const b = p.games?.feeBounds;
    if (b === undefined) continue;
    min = Math.max(min, b.roomCommissionBpsMin);
    max = Math.min(max, b.roomCommissionBpsMax);
    if (b.skillRakeBpsMax !== undefined) rake = Math.min(rake, b.skillRakeBpsMax);
  }
  return { roomCommissionBpsMin: min, roomCommissionBpsMax: max, skillRakeBpsMax: rake, policies: bound.map((p) => p.name) };
}

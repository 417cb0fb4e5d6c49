// VIP tiers and skins as a setting. A tier is reached by credited deposits; it grants skins. A skin
// is earned through a tier or bought for its price (fen, through the ledger); either way it is
// stored on the server and the other players at a table see it.
import { type Static, Type } from '@sinclair/typebox';
import { checkShape, invalid } from './check.ts';
import { SKINS_MAX, VIP_TIERS_MAX } from './limits.ts';

const Title = Type.Object(
  { zh: Type.String({ minLength: 1, maxLength: 20 }), en: Type.String({ minLength: 1, maxLength: 40 }) },
  { additionalProperties: false },
);
const SkinId = Type.String({ pattern: '^[a-z0-9_]{1,24}$' });

export const VipSchema = Type.Object(
  {
    tiers: Type.Array(
      Type.Object(
        {
          id: Type.String({ pattern: '^[a-z0-9_]{1,24}$' }),
          title: Title,
          /** Credited deposits (fen) that reach the tier. */
          depositsFenMin: Type.Integer({ minimum: 0, maximum: 100_000_000_000 }),
          /** Skins the tier grants. */
          skins: Type.Array(SkinId, { maxItems: SKINS_MAX, uniqueItems: true }),
        },
        { additionalProperties: false },
      ),
      { maxItems: VIP_TIERS_MAX },
    ),
    skins: Type.Array(
      Type.Object(
        {
          id: SkinId,
          title: Title,
          /** Price in fen; null: only earned through a tier (or free for everyone when no tier grants it and `free`). */
          priceFen: Type.Union([Type.Integer({ minimum: 1, maximum: 10_000_000 }), Type.Null()]),
          /** Every player has it. */
          free: Type.Boolean(),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: SKINS_MAX },
    ),
  },
  { additionalProperties: false },
);
export type VipSettings = Static<typeof VipSchema>;

export const DEFAULT_VIP: VipSettings = {
  tiers: [
    { id: 'vip1', title: { zh: 'VIP1', en: 'VIP 1' }, depositsFenMin: 100_000, skins: ['gold', 'jade'] },
    { id: 'vip2', title: { zh: 'VIP2', en: 'VIP 2' }, depositsFenMin: 500_000, skins: ['gold', 'jade', 'night'] },
  ],
  skins: [
    { id: 'classic', title: { zh: '经典绿', en: 'Classic green' }, priceFen: null, free: true },
    { id: 'gold', title: { zh: '鎏金', en: 'Gold' }, priceFen: 1_800, free: false },
    { id: 'jade', title: { zh: '翡翠', en: 'Jade' }, priceFen: 1_200, free: false },
    { id: 'night', title: { zh: '夜色', en: 'Night' }, priceFen: null, free: false },
  ],
};

export function checkVip(value: unknown): VipSettings {
  const v = checkShape<VipSettings>(VipSchema, value);
  const problems: string[] = [];
  const skins = new Set<string>();
  for (const [i, s] of v.skins.entries()) {
    if (skins.has(s.id)) problems.push(`/skins/${i}/id: ${s.id} appears twice`);
    skins.add(s.id);
  }
  if (!v.skins.some((s) => s.free)) problems.push('/skins: at least one skin must be free (every table needs a look)');
  const tierIds = new Set<string>();
  for (const [i, t] of v.tiers.entries()) {
    if (tierIds.has(t.id)) problems.push(`/tiers/${i}/id: ${t.id} appears twice`);
    tierIds.add(t.id);
    if (i > 0 && t.depositsFenMin <= v.tiers[i - 1]!.depositsFenMin) problems.push(`/tiers/${i}/depositsFenMin: tiers go up`);
    for (const s of t.skins) if (!skins.has(s)) problems.push(`/tiers/${i}/skins: no skin ${s}`);
  }
  if (problems.length > 0) invalid(problems);
  return v;
}

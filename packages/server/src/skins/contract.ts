// The player's skins: what they have and wear, buying one, choosing one.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { Fen, IdempotencyKey } from '../http/schemas.ts';

const SkinId = Type.String({ pattern: '^[a-z0-9_]{1,24}$' });
const Title = Type.Object({ zh: Type.String(), en: Type.String() });

const SkinsBody = Type.Object({
  tier: Type.Union([Type.Object({ id: Type.String(), title: Title }), Type.Null()]),
  next: Type.Union([Type.Object({ id: Type.String(), depositsFenMin: Fen({ minimum: 0 }) }), Type.Null()]),
  depositsFen: Fen({ minimum: 0 }),
  worn: Type.String(),
  skins: Type.Array(
    Type.Object({
      id: Type.String(),
      title: Title,
      priceFen: Type.Union([Fen({ minimum: 1 }), Type.Null()]),
      source: Type.Union([Type.Literal('free'), Type.Literal('tier'), Type.Literal('bought'), Type.Null()]),
    }),
  ),
});

export const skinsContract = contract({
  mySkins: {
    method: 'GET',
    url: '/api/me/skins',
    summary: 'The player’s VIP tier, the skins they have (free, from the tier, bought) and the one they wear at tables',
    tags: ['account'],
    auth: 'player',
    response: SkinsBody,
  },
  buySkin: {
    method: 'POST',
    url: '/api/me/skins/:skinId/purchase',
    summary: 'Buy a skin with the CNY balance (idempotent by key)',
    tags: ['account'],
    auth: 'player',
    kind: 'money',
    action: 'buy_skin',
    example: { params: { skinId: 'gold' }, body: { idempotencyKey: 'example-skin-0001' } },
    params: Type.Object({ skinId: SkinId }, { additionalProperties: false }),
    body: Type.Object({ idempotencyKey: IdempotencyKey }, { additionalProperties: false }),
    response: Type.Object({ skins: SkinsBody, replayed: Type.Boolean() }),
    status: 201,
  },
  wearSkin: {
    method: 'PUT',
    url: '/api/me/skin',
    summary: 'Wear a skin the player has; other players see it at the next table they sit at',
    tags: ['account'],
    auth: 'player',
    body: Type.Object({ skinId: SkinId }, { additionalProperties: false }),
    response: SkinsBody,
  },
});

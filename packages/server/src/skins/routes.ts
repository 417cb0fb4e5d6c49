// Handlers of the skins endpoints.
import { implement, type Implementation } from '../http/routes.ts';
import { skinsContract as c } from './contract.ts';
import type { PlayerSkins, Skins } from './service.ts';

const body = (v: PlayerSkins) => ({
  ...v,
  skins: v.skins.map((s) => ({ ...s })),
});

export function skinsRoutes(skins: Skins): Record<keyof typeof c, Implementation> {
  return {
    mySkins: implement(c.mySkins, async ({ actor }) => body(await skins.view(actor.playerId))),
    buySkin: implement(c.buySkin, async ({ actor, params, body: b }) => {
      const r = await skins.buy(actor.playerId, params.skinId, b.idempotencyKey);
      return { skins: body(r.view), replayed: r.replayed };
    }),
    wearSkin: implement(c.wearSkin, async ({ actor, body: b }) => body(await skins.wear(actor.playerId, b.skinId))),
  };
}

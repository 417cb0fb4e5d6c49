// Handlers for the promotions endpoints.
import type { Players } from '../accounts/index.ts';
import { type Implementation, implement } from '../http/routes.ts';
import { promotionsContract as c } from './contract.ts';
import type { Promotions } from './service.ts';

export function promotionsRoutes(d: { promotions: Promotions; players: Players }): Record<keyof typeof c, Implementation> {
  const meta = (request: { id: string; ip: string }) => ({ requestId: request.id, ip: request.ip });
  return {
    myPromotions: implement(c.myPromotions, async ({ actor }) => ({
      inviteCode: await d.promotions.inviteCode(actor.playerId),
      grants: await d.promotions.grantsOf(actor.playerId),
      wagering: await d.promotions.wagering(actor.playerId),
      referrals: await d.promotions.referralsOf(actor.playerId),
    })),
    acceptInvite: implement(c.acceptInvite, async ({ actor, body }) => d.promotions.acceptInvite(actor.playerId, body.code)),
    promoCampaigns: implement(c.promoCampaigns, async () => ({ items: await d.promotions.campaigns() })),
    createCampaign: implement(c.createCampaign, async ({ actor, body, request }) =>
      d.promotions.createCampaign(
        actor,
        {
          name: body.name,
          kind: body.kind,
          amount: body.amount,
          budget: body.budget,
          perPlayerMax: body.perPlayerMax,
          ...(body.inviteeAmount !== undefined ? { inviteeAmount: body.inviteeAmount } : {}),
          ...(body.wageringMultiplier !== undefined ? { wageringMultiplier: body.wageringMultiplier } : {}),
          ...(body.endsAtMs !== undefined ? { endsAtMs: body.endsAtMs } : {}),
        },
        meta(request),
      ),
    ),
    grantPromotion: implement(
      c.grantPromotion,
      async ({ actor, params, body, request }) => {
        await d.players.require(body.playerId);
        return d.promotions.grant(actor, params.campaignId, body.playerId, body.idempotencyKey, body.reason, meta(request));
      },
      { complianceContext: ({ body }) => ({ playerId: body.playerId }) },
    ),
    settleReferrals: implement(c.settleReferrals, async () => d.promotions.settleReferrals()),
  };
}

// Promotions endpoints: a player's bonuses, wagering, invite code and referrals; the console's
// campaigns, grants (a money route, checked by compliance) and referral settlement.
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdempotencyKey, IdString, itemList, TimeMs } from '../http/schemas.ts';

const AssetSchema = Type.Union([Type.Literal('BONUS'), Type.Literal('ROOM_CARD'), Type.Literal('POINTS'), Type.Literal('CNY')]);
const KindSchema = Type.Union([Type.Literal('bonus'), Type.Literal('invite'), Type.Literal('points')]);
const Amount = Type.Integer({ minimum: 1, maximum: 100_000_000_000 });

export const CampaignBody = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: KindSchema,
  asset: AssetSchema,
  amount: Type.Integer(),
  inviteeAmount: Type.Integer(),
  wageringMultiplier: Type.Integer(),
  budget: Type.Integer(),
  spent: Type.Integer(),
  perPlayerMax: Type.Integer(),
  startsAtMs: TimeMs(),
  endsAtMs: Type.Union([TimeMs(), Type.Null()]),
  status: Type.Union([Type.Literal('active'), Type.Literal('paused')]),
});

export const GrantBody = Type.Object({
  id: Type.String(),
  campaignId: Type.String(),
  playerId: Type.String(),
  asset: AssetSchema,
  amount: Type.Integer(),
  wageringRequiredFen: Type.Integer(),
  status: Type.Union([Type.Literal('active'), Type.Literal('completed')]),
  transferId: Type.String(),
  createdAtMs: TimeMs(),
});

const WageringBody = Type.Object({ requiredFen: Type.Integer(), wageredFen: Type.Integer(), outstandingFen: Type.Integer() });

export const promotionsContract = contract({
  myPromotions: {
    method: 'GET',
    url: '/api/me/promotions',
    summary: 'My bonuses and the wagering left on them, my invite code and the friends I invited',
    tags: ['promotions'],
    auth: 'player',
    response: Type.Object({
      inviteCode: Type.String(),
      grants: Type.Array(GrantBody),
      wagering: WageringBody,
      referrals: Type.Array(
        Type.Object({
          inviteeId: Type.String(),
          status: Type.String(),
          reason: Type.Union([Type.String(), Type.Null()]),
          createdAtMs: TimeMs(),
        }),
      ),
    }),
  },
  acceptInvite: {
    method: 'POST',
    url: '/api/me/invite',
    summary: "Accept a friend's invitation (new players only); the reward comes once you verify your real name",
    tags: ['promotions'],
    auth: 'player',
    body: Type.Object({ code: Type.String({ pattern: '^[A-Za-z0-9]{4,16}$' }) }, { additionalProperties: false }),
    response: Type.Object({
      status: Type.Union([Type.Literal('pending'), Type.Literal('rejected')]),
      reason: Type.Union([Type.String(), Type.Null()]),
    }),
  },
  promoCampaigns: {
    method: 'GET',
    url: '/api/admin/promotions/campaigns',
    summary: 'Campaigns with their budgets and what they spent',
    tags: ['admin', 'promotions'],
    auth: 'operator',
    roles: ['admin', 'finance', 'support'],
    response: itemList(CampaignBody),
  },
  createCampaign: {
    method: 'POST',
    url: '/api/admin/promotions/campaigns',
    summary: 'Create a campaign: bonus (BONUS with a wagering multiplier), invite (ROOM_CARD rewards) or points (POINTS); audited',
    tags: ['admin', 'promotions'],
    auth: 'operator',
    roles: ['admin'],
    body: Type.Object(
      {
        name: Type.String({ minLength: 2, maxLength: 100 }),
        kind: KindSchema,
        amount: Amount,
        inviteeAmount: Type.Optional(Type.Integer({ minimum: 0, maximum: 100_000_000_000 })),
        wageringMultiplier: Type.Optional(Type.Integer({ minimum: 0, maximum: 100 })),
        budget: Amount,
        perPlayerMax: Type.Integer({ minimum: 1, maximum: 1000 }),
        endsAtMs: Type.Optional(TimeMs()),
      },
      { additionalProperties: false },
    ),
    status: 201,
    response: CampaignBody,
  },
  grantPromotion: {
    method: 'POST',
    url: '/api/admin/promotions/campaigns/:campaignId/grants',
    summary: "Grant a campaign's amount to a player (idempotent by key; audited)",
    tags: ['admin', 'promotions'],
    auth: 'operator',
    roles: ['admin', 'finance'],
    kind: 'money',
    action: 'grant_promotion',
    example: {
      params: { campaignId: 'camp_example' },
      body: { playerId: 'p_example', idempotencyKey: 'grant-example-1', reason: 'welcome bonus' },
    },
    params: Type.Object({ campaignId: IdString() }),
    body: Type.Object(
      { playerId: IdString(), idempotencyKey: IdempotencyKey, reason: Type.String({ minLength: 3, maxLength: 500 }) },
      { additionalProperties: false },
    ),
    status: 201,
    response: Type.Composite([
      GrantBody,
      Type.Object({ replayed: Type.Boolean({ description: 'true when this key already made this grant: nothing moved again' }) }),
    ]),
  },
  settleReferrals: {
    method: 'POST',
    url: '/api/admin/promotions/referrals/settle',
    summary: 'Pay the referrals whose invitees verified their real name (also runs on a timer)',
    tags: ['admin', 'promotions'],
    auth: 'operator',
    roles: ['admin'],
    response: Type.Object({ rewarded: Type.Integer(), rejected: Type.Integer(), waiting: Type.Integer() }),
  },
});

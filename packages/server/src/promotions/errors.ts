import { defineErrors } from '@fairground/core';

/** The promotions domain's expected failures. Pinned by test/compliance/errors.test.ts. */
export const PromotionsErrors = defineErrors('promotions', {
  PROMO_CAMPAIGN_NOT_FOUND: { status: 404, message: 'no such campaign' },
  PROMO_CAMPAIGN_INACTIVE: { status: 409, message: 'this campaign is not running' },
  PROMO_BUDGET_EXHAUSTED: { status: 409, message: "this campaign's budget is spent" },
  PROMO_PLAYER_LIMIT: { status: 409, message: 'this player already received the most this campaign gives one player' },
  PROMO_CAMPAIGN_INVALID: { status: 400, message: 'the campaign settings do not fit together' },
  PROMO_INVITE_CODE_UNKNOWN: { status: 404, message: 'no such invite code' },
  PROMO_ALREADY_REFERRED: { status: 409, message: 'you already accepted an invitation' },
  PROMO_REFERRAL_NOT_NEW: { status: 409, message: 'invitations are for new players only' },
  PROMO_SELF_REFERRAL: { status: 409, message: 'you cannot invite yourself' },
});

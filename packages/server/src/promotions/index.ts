// Promotions: bonus campaigns with wagering, invite-a-friend rewards, platform points.
export { promotionsContract } from './contract.ts';
export { PromotionsErrors } from './errors.ts';
export { promotionsMigrations } from './migrations.ts';
export { promotionsRoutes } from './routes.ts';
export {
  type Campaign,
  type CampaignKind,
  type Grant,
  Promotions,
  type PromotionsOptions,
  REFERRAL_NEW_PLAYER_MS,
  REFERRALS_PER_ADDRESS_DAY_MAX,
  type Wagering,
} from './service.ts';

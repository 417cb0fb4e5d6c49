import type { Migration } from '../storage/ports.ts';

// Campaigns with budgets, the grants made from them (with their wagering requirement), players'
// invite codes and the referrals made with them.
export const promotionsMigrations: Migration[] = [
  {
    id: 'promotions_001_core',
    sql: `
CREATE TABLE promo_campaigns (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount BIGINT NOT NULL,
  invitee_amount BIGINT NOT NULL DEFAULT 0,
  wagering_multiplier INTEGER NOT NULL,
  budget BIGINT NOT NULL,
  spent BIGINT NOT NULL DEFAULT 0,
  per_player_max INTEGER NOT NULL,
  starts_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT,
  status TEXT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE promo_grants (
  id TEXT PRIMARY KEY,
  campaign_id TEXT NOT NULL REFERENCES promo_campaigns (id),
  player_id TEXT NOT NULL,
  asset TEXT NOT NULL,
  amount BIGINT NOT NULL,
  wagering_required_fen BIGINT NOT NULL,
  status TEXT NOT NULL,
  idem_key TEXT NOT NULL,
  transfer_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX promo_grants_key ON promo_grants (campaign_id, idem_key);
CREATE INDEX promo_grants_player ON promo_grants (player_id, status);

CREATE TABLE promo_invite_codes (
  player_id TEXT PRIMARY KEY,
  code TEXT NOT NULL UNIQUE,
  created_at_ms BIGINT NOT NULL
);

CREATE TABLE promo_referrals (
  invitee_id TEXT PRIMARY KEY,
  inviter_id TEXT NOT NULL,
  status TEXT NOT NULL,
  reason TEXT,
  invitee_address TEXT,
  inviter_address TEXT,
  created_at_ms BIGINT NOT NULL,
  decided_at_ms BIGINT
);
CREATE INDEX promo_referrals_inviter ON promo_referrals (inviter_id, status);
CREATE INDEX promo_referrals_status ON promo_referrals (status, created_at_ms);
`,
  },
  {
    // The reason an operator gave for a grant: part of what its idempotency key stands for.
    id: 'promotions_002_grant_reason',
    sql: `ALTER TABLE promo_grants ADD COLUMN reason TEXT;`,
  },
];

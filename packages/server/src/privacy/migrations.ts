import type { Migration } from '../storage/ports.ts';

// Closed accounts: when each was closed and when its sealed real-name record may be deleted (and
// was). The player row stays (the ledger and the rooms' histories point at its id) with its
// personal fields erased.
export const privacyMigrations: Migration[] = [
  {
    id: 'privacy_001_closures',
    sql: `
CREATE TABLE privacy_closures (
  player_id TEXT PRIMARY KEY,
  closed_at_ms BIGINT NOT NULL,
  kyc_purge_after_ms BIGINT NOT NULL,
  kyc_purged_at_ms BIGINT
);
CREATE INDEX privacy_closures_purge ON privacy_closures (kyc_purge_after_ms);
`,
  },
];

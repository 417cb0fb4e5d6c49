import type { Migration } from '../storage/ports.ts';

// Subscription messages (see service.ts). `subscribe_consents` counts, per player and kind, the
// consents given and not yet spent; `subscribe_sends` is one row per message, queued in the unit
// of work that spends its consent, then sent (or given up) by the notify.subscribe job.
export const subscriptionsMigrations: Migration[] = [
  {
    id: 'subscriptions_001_consents_sends',
    sql: `
CREATE TABLE subscribe_consents (
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  remaining BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (player_id, kind)
);
CREATE TABLE subscribe_sends (
  id TEXT PRIMARY KEY,
  dedupe_key TEXT NOT NULL UNIQUE,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  template_id TEXT NOT NULL,
  page TEXT NOT NULL,
  data TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_at_ms BIGINT,
  last_errcode INTEGER,
  created_at_ms BIGINT NOT NULL,
  finished_at_ms BIGINT
);
CREATE INDEX subscribe_sends_due ON subscribe_sends (state, next_at_ms);
CREATE INDEX subscribe_sends_player ON subscribe_sends (player_id, created_at_ms);
`,
  },
];

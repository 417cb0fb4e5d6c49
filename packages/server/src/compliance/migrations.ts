import type { Migration } from '../storage/ports.ts';

// Compliance keeps what it decides from, beyond the policy files: each player's own settings
// (deposit limits with a raise waiting out its cooling-off, self-exclusion), continuous play for
// breaks, operators' jurisdiction overrides, and the real-name behaviour reports waiting to go out.
export const complianceMigrations: Migration[] = [
  {
    id: 'compliance_001_settings',
    sql: `
CREATE TABLE compliance_settings (
  player_id TEXT PRIMARY KEY,
  deposit_day_fen BIGINT,
  deposit_month_fen BIGINT,
  pending_set INTEGER NOT NULL DEFAULT 0,
  pending_day_fen BIGINT,
  pending_month_fen BIGINT,
  pending_at_ms BIGINT,
  self_excluded_until_ms BIGINT,
  updated_at_ms BIGINT NOT NULL
);

CREATE TABLE compliance_play (
  player_id TEXT PRIMARY KEY,
  continuous_since_ms BIGINT NOT NULL,
  last_activity_ms BIGINT NOT NULL
);

CREATE TABLE compliance_overrides (
  player_id TEXT PRIMARY KEY,
  jurisdiction TEXT NOT NULL,
  reason TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  set_at_ms BIGINT NOT NULL
);

CREATE TABLE compliance_realname_outbox (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  bt INTEGER NOT NULL,
  ot_s BIGINT NOT NULL,
  ct INTEGER NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  created_at_ms BIGINT NOT NULL,
  sent_at_ms BIGINT
);
CREATE INDEX compliance_realname_outbox_state ON compliance_realname_outbox (state, created_at_ms);
`,
  },
  {
    // Online sessions for the login/logout reports, shared by every node.
    id: 'compliance_002_realname_sessions',
    sql: `
CREATE TABLE compliance_realname_sessions (
  session_id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  since_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL
);
CREATE INDEX compliance_realname_sessions_seen ON compliance_realname_sessions (last_seen_ms);
`,
  },
  {
    // Delivery to the NPPA: when an event may be sent again (backing off after failures and rate
    // limits), the session id NPPA sees (one per online stretch), and the states expired (past
    // NPPA's 180-second window) beside pending, sent and parked.
    id: 'compliance_003_realname_delivery',
    sql: `
ALTER TABLE compliance_realname_outbox ADD COLUMN next_attempt_at_ms BIGINT NOT NULL DEFAULT 0;
ALTER TABLE compliance_realname_outbox ADD COLUMN si TEXT;
CREATE INDEX compliance_realname_outbox_player ON compliance_realname_outbox (player_id, created_at_ms);
`,
  },
  {
    // Operators' confirmations that a year of a minors' calendar matches its published notice,
    // each naming the exact table (SHA-256 of its dates) it confirms.
    id: 'compliance_004_calendar_confirmations',
    sql: `
CREATE TABLE compliance_calendar_confirmations (
  jurisdiction TEXT NOT NULL,
  year INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  operator_id TEXT NOT NULL,
  note TEXT NOT NULL,
  confirmed_at_ms BIGINT NOT NULL,
  PRIMARY KEY (jurisdiction, year, sha256)
);
`,
  },
];

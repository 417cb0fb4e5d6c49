import type { Migration } from '../storage/ports.ts';

// The risk domain's rows: fired signals with their evidence, review cases and their audit trail,
// restrictions, the credit score and its history, complaints, and the withdrawal assessments the
// money signals count.
export const riskMigrations: Migration[] = [
  {
    id: 'risk_001_core',
    sql: `
CREATE TABLE risk_signals (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  value BIGINT NOT NULL,
  subject_kind TEXT,
  subject_id TEXT,
  evidence TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX risk_signals_player ON risk_signals (player_id, created_at_ms);

CREATE TABLE risk_cases (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  status TEXT NOT NULL,
  score INTEGER NOT NULL,
  amount_fen BIGINT,
  summary TEXT NOT NULL,
  evidence TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  decided_by TEXT,
  decided_at_ms BIGINT
);
CREATE INDEX risk_cases_status ON risk_cases (status, created_at_ms);
CREATE INDEX risk_cases_player ON risk_cases (player_id, created_at_ms);

CREATE TABLE risk_case_events (
  id TEXT PRIMARY KEY,
  case_id TEXT NOT NULL REFERENCES risk_cases (id),
  actor_kind TEXT NOT NULL,
  actor_id TEXT,
  actor_name TEXT NOT NULL,
  action TEXT NOT NULL,
  note TEXT,
  data TEXT NOT NULL,
  at_ms BIGINT NOT NULL
);
CREATE INDEX risk_case_events_case ON risk_case_events (case_id, at_ms);

CREATE TABLE risk_restrictions (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  actions TEXT NOT NULL,
  reason TEXT NOT NULL,
  case_id TEXT,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  until_ms BIGINT,
  lifted_at_ms BIGINT,
  lifted_by TEXT
);
CREATE INDEX risk_restrictions_player ON risk_restrictions (player_id);

CREATE TABLE risk_credit (
  player_id TEXT PRIMARY KEY,
  score INTEGER NOT NULL,
  updated_at_ms BIGINT NOT NULL
);

CREATE TABLE risk_credit_events (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  delta INTEGER NOT NULL,
  score_after INTEGER NOT NULL,
  reason TEXT NOT NULL,
  subject_id TEXT,
  at_ms BIGINT NOT NULL
);
CREATE INDEX risk_credit_events_player ON risk_credit_events (player_id, at_ms);

CREATE TABLE risk_complaints (
  id TEXT PRIMARY KEY,
  reporter_id TEXT NOT NULL,
  target_player_id TEXT,
  room_id TEXT,
  reason TEXT NOT NULL,
  text TEXT NOT NULL,
  status TEXT NOT NULL,
  resolution_note TEXT,
  handled_by TEXT,
  created_at_ms BIGINT NOT NULL,
  handled_at_ms BIGINT
);
CREATE INDEX risk_complaints_status ON risk_complaints (status, created_at_ms);
CREATE INDEX risk_complaints_target ON risk_complaints (target_player_id, status);

CREATE TABLE risk_withdrawals (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  amount_fen BIGINT NOT NULL,
  address TEXT,
  decision TEXT NOT NULL,
  score INTEGER NOT NULL,
  case_id TEXT,
  at_ms BIGINT NOT NULL
);
CREATE INDEX risk_withdrawals_player ON risk_withdrawals (player_id, at_ms);
CREATE INDEX risk_withdrawals_address ON risk_withdrawals (address, at_ms);

CREATE TABLE risk_cursors (
  name TEXT PRIMARY KEY,
  seq BIGINT NOT NULL
);
`,
  },
  {
    // Events of one case written in the same millisecond keep their order by a per-case number.
    id: 'risk_002_case_event_order',
    sql: 'ALTER TABLE risk_case_events ADD COLUMN n INTEGER NOT NULL DEFAULT 0;',
  },
  {
    // Card-room hands as the risk domain judges them (stored in each hand's unit), the players of
    // each for the look-back by player, and the rooms the policy dissolves (retried until done).
    id: 'risk_003_room_hands',
    sql: `
CREATE TABLE risk_hands (
  hand_id TEXT PRIMARY KEY,
  room_id TEXT NOT NULL,
  summary TEXT NOT NULL,
  ended_at_ms BIGINT NOT NULL,
  judged INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX risk_hands_unjudged ON risk_hands (judged, ended_at_ms);
CREATE TABLE risk_hand_players (
  hand_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  ended_at_ms BIGINT NOT NULL,
  PRIMARY KEY (hand_id, player_id)
);
CREATE INDEX risk_hand_players_player ON risk_hand_players (player_id, ended_at_ms);
CREATE TABLE risk_room_actions (
  room_id TEXT PRIMARY KEY,
  action TEXT NOT NULL,
  reason TEXT NOT NULL,
  evidence TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  last_error TEXT,
  created_at_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
CREATE INDEX risk_room_actions_status ON risk_room_actions (status, updated_at_ms);
`,
  },
  {
    // What other domains saw of each player (devices, WeChat accounts, unionids, addresses), as
    // digests: accounts sharing a strong identifier are linked (links.ts).
    id: 'risk_004_identifiers',
    sql: `
CREATE TABLE risk_identifiers (
  kind TEXT NOT NULL,
  digest TEXT NOT NULL,
  player_id TEXT NOT NULL,
  source TEXT NOT NULL,
  first_seen_ms BIGINT NOT NULL,
  last_seen_ms BIGINT NOT NULL,
  PRIMARY KEY (kind, digest, player_id, source)
);
CREATE INDEX risk_identifiers_player ON risk_identifiers (player_id, last_seen_ms);
`,
  },
  {
    // The learned score (learned.ts): each case's features as of its opening with the rules'
    // verdict then, versioned models (the forest as JSON, its held-back comparison with the rules)
    // of which at most one is active (shadow or decide), and each model's score of each case.
    id: 'risk_005_models',
    sql: `
CREATE TABLE risk_case_features (
  case_id TEXT PRIMARY KEY,
  features TEXT NOT NULL,
  rules_flag INTEGER NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE TABLE risk_models (
  version INTEGER PRIMARY KEY,
  status TEXT NOT NULL,
  seed BIGINT NOT NULL,
  model TEXT NOT NULL,
  evaluation TEXT NOT NULL,
  reviewed_cases INTEGER NOT NULL,
  trained_at_ms BIGINT NOT NULL,
  activated_by TEXT,
  activated_at_ms BIGINT
);
CREATE INDEX risk_models_status ON risk_models (status);
CREATE TABLE risk_case_scores (
  case_id TEXT NOT NULL,
  model_version INTEGER NOT NULL,
  score_permille INTEGER NOT NULL,
  threshold_permille INTEGER NOT NULL,
  top TEXT NOT NULL,
  deciding INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  PRIMARY KEY (case_id, model_version)
);
`,
  },
];

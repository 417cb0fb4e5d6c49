import type { Migration } from '../storage/ports.ts';

// Players are known by (WeChat app id, openid): an openid is per app, so one person who uses both
// the mini-program and the official-account H5 page has two openids and, when the apps share an
// open-platform account, one unionid that links them to one player.
export const accountsMigrations: Migration[] = [
  {
    id: 'accounts_001_players',
    sql: `
CREATE TABLE players (
  id TEXT PRIMARY KEY,
  nickname TEXT NOT NULL,
  avatar_url TEXT,
  unionid TEXT,
  status TEXT NOT NULL,
  terms_version TEXT,
  terms_accepted_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX players_unionid ON players (unionid) WHERE unionid IS NOT NULL;
CREATE INDEX players_nickname ON players (nickname);

CREATE TABLE player_identities (
  app_id TEXT NOT NULL,
  openid TEXT NOT NULL,
  player_id TEXT NOT NULL REFERENCES players (id),
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (app_id, openid)
);
CREATE INDEX player_identities_player ON player_identities (player_id);

CREATE TABLE player_kyc (
  player_id TEXT PRIMARY KEY REFERENCES players (id),
  status TEXT NOT NULL,
  sealed TEXT NOT NULL,
  id_fingerprint TEXT NOT NULL,
  provider_ref TEXT NOT NULL,
  verified_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX player_kyc_identity ON player_kyc (id_fingerprint);
`,
  },
  {
    id: 'accounts_002_operators',
    sql: `
CREATE TABLE operators (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL UNIQUE,
  password_hash TEXT NOT NULL,
  totp_sealed TEXT NOT NULL,
  roles TEXT NOT NULL,
  status TEXT NOT NULL,
  totp_last_step BIGINT,
  failed_logins INTEGER NOT NULL DEFAULT 0,
  locked_until_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
`,
  },
  {
    id: 'accounts_003_sessions',
    sql: `
CREATE TABLE auth_sessions (
  id TEXT PRIMARY KEY,
  subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  revoked_at_ms BIGINT,
  revoked_reason TEXT
);
CREATE INDEX auth_sessions_subject ON auth_sessions (subject_kind, subject_id);

CREATE TABLE auth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  session_id TEXT NOT NULL REFERENCES auth_sessions (id),
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms BIGINT
);
CREATE INDEX auth_refresh_tokens_session ON auth_refresh_tokens (session_id);
`,
  },
  {
    // Failed operator sign-ins count per (operator, address): a stranger guessing from one address
    // locks that address out, not the operator.
    id: 'accounts_009_operator_login_failures',
    sql: `
CREATE TABLE operator_login_failures (
  operator_id TEXT NOT NULL,
  address TEXT NOT NULL,
  failures INTEGER NOT NULL,
  locked_until_ms BIGINT,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (operator_id, address)
);
`,
  },
  {
    // Real-name checks through the authority (NPPA): every submission is an attempt, kept until the
    // authority settles it; a verified record says which authority verified it and whether it holds
    // the authority's pi (sealed with the rest) for play reports.
    id: 'accounts_kyc_001_attempts',
    sql: `
CREATE TABLE player_kyc_attempts (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL REFERENCES players (id),
  state TEXT NOT NULL,
  sealed TEXT NOT NULL,
  id_fingerprint TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  waiting_reason TEXT,
  next_query_at_ms BIGINT,
  queries INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  failure TEXT,
  settled_at_ms BIGINT
);
CREATE INDEX player_kyc_attempts_player ON player_kyc_attempts (player_id, created_at_ms);
CREATE INDEX player_kyc_attempts_due ON player_kyc_attempts (state, next_query_at_ms);
CREATE UNIQUE INDEX player_kyc_attempts_one_waiting ON player_kyc_attempts (player_id) WHERE state = 'pending';
ALTER TABLE player_kyc ADD COLUMN verified_by TEXT NOT NULL DEFAULT 'provider';
ALTER TABLE player_kyc ADD COLUMN pi_present INTEGER NOT NULL DEFAULT 0;
`,
  },
  {
    // WeChat sign-in. An OAuth round trip (H5 in WeChat, website QR login) starts with a state bound
    // to the browser that asked for it (the hash of a nonce kept in that browser's cookie) and ends
    // with that state spent: a forged, foreign or replayed state finds no usable row. The
    // mini-program's session_key is kept sealed, one per (app, openid), replaced on every login.
    // A player's phone number (getPhoneNumber) is sealed too; its fingerprint finds duplicates.
    id: 'accounts_010_wechat_signin',
    sql: `
CREATE TABLE wechat_oauth_states (
  state TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  browser_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  expires_at_ms BIGINT NOT NULL,
  used_at_ms BIGINT
);
CREATE INDEX wechat_oauth_states_expiry ON wechat_oauth_states (expires_at_ms);
CREATE TABLE player_wechat_sessions (
  app_id TEXT NOT NULL,
  openid TEXT NOT NULL,
  player_id TEXT NOT NULL REFERENCES players (id),
  sealed_session_key TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (app_id, openid)
);
CREATE TABLE player_phones (
  player_id TEXT PRIMARY KEY REFERENCES players (id),
  sealed TEXT NOT NULL,
  fingerprint TEXT NOT NULL,
  country_code TEXT NOT NULL,
  verified_at_ms BIGINT NOT NULL
);
CREATE INDEX player_phones_fingerprint ON player_phones (fingerprint);
`,
  },
];

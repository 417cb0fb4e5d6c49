import type { Migration } from '../storage/ports.ts';

// Skill sessions with their command logs and anti-cheat signals; head-to-head matches;
// tournaments and their entries. A session row carries its seed (revealed to players only when
// the game it belongs to is over), the rules configuration it was played under, the server's
// authoritative counters and a digest chained over its accepted commands, so the verifier can
// replay it years later and notice any edit to the log.
export const skillMigrations: Migration[] = [
  {
    id: 'sessions_001_skill',
    sql: `
CREATE TABLE skill_sessions (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  game TEXT NOT NULL,
  mode TEXT NOT NULL,
  match_id TEXT,
  tournament_id TEXT,
  request_key TEXT,
  seed_hex TEXT NOT NULL,
  commitment TEXT NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  end_reason TEXT,
  started_at_ms BIGINT NOT NULL,
  deadline_at_ms BIGINT NOT NULL,
  ended_at_ms BIGINT,
  score BIGINT NOT NULL,
  moves INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  last_at_ms BIGINT NOT NULL,
  refill_index INTEGER NOT NULL,
  state_hash TEXT NOT NULL,
  log_digest TEXT NOT NULL,
  claimed_score BIGINT,
  flagged INTEGER NOT NULL,
  signals TEXT
);
CREATE UNIQUE INDEX skill_sessions_request ON skill_sessions (player_id, request_key) WHERE request_key IS NOT NULL;
CREATE INDEX skill_sessions_player ON skill_sessions (player_id, started_at_ms);
CREATE INDEX skill_sessions_due ON skill_sessions (status, deadline_at_ms);
CREATE INDEX skill_sessions_flagged ON skill_sessions (flagged, started_at_ms);

CREATE TABLE skill_commands (
  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  from_cell INTEGER NOT NULL,
  to_cell INTEGER NOT NULL,
  PRIMARY KEY (session_id, seq)
);

CREATE TABLE skill_signals (
  id TEXT PRIMARY KEY,
  session_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  detail TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX skill_signals_session ON skill_signals (session_id);
CREATE INDEX skill_signals_player ON skill_signals (player_id, created_at_ms);

CREATE TABLE skill_matches (
  id TEXT PRIMARY KEY,
  game TEXT NOT NULL,
  entry_fee_fen BIGINT NOT NULL,
  rake_bps INTEGER NOT NULL,
  tie_rule TEXT NOT NULL,
  seed_hex TEXT NOT NULL,
  commitment TEXT NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  outcome TEXT,
  host_player_id TEXT NOT NULL,
  host_session_id TEXT NOT NULL,
  host_hold_id TEXT NOT NULL,
  host_rating INTEGER NOT NULL,
  challenger_player_id TEXT,
  challenger_session_id TEXT,
  challenger_hold_id TEXT,
  winner_player_id TEXT,
  rake_fen BIGINT,
  created_at_ms BIGINT NOT NULL,
  matched_at_ms BIGINT,
  expires_at_ms BIGINT NOT NULL,
  closed_at_ms BIGINT
);
CREATE INDEX skill_matches_open ON skill_matches (status, game, entry_fee_fen, created_at_ms);
CREATE INDEX skill_matches_due ON skill_matches (status, expires_at_ms);
CREATE INDEX skill_matches_host ON skill_matches (host_player_id, created_at_ms);
CREATE INDEX skill_matches_challenger ON skill_matches (challenger_player_id, created_at_ms);

CREATE TABLE skill_tournaments (
  id TEXT PRIMARY KEY,
  game TEXT NOT NULL,
  title TEXT NOT NULL,
  entry_fee_fen BIGINT NOT NULL,
  rake_bps INTEGER NOT NULL,
  prize_weights TEXT NOT NULL,
  players_min INTEGER NOT NULL,
  players_max INTEGER NOT NULL,
  seed_hex TEXT NOT NULL,
  commitment TEXT NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL,
  entries INTEGER NOT NULL,
  entry_closes_at_ms BIGINT NOT NULL,
  ends_at_ms BIGINT NOT NULL,
  created_by TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  closed_at_ms BIGINT,
  close_reason TEXT,
  pool_fen BIGINT,
  rake_fen BIGINT
);
CREATE INDEX skill_tournaments_due ON skill_tournaments (status, entry_closes_at_ms);

CREATE TABLE skill_tournament_entries (
  tournament_id TEXT NOT NULL,
  player_id TEXT NOT NULL,
  hold_id TEXT NOT NULL,
  session_id TEXT,
  status TEXT NOT NULL,
  entered_at_ms BIGINT NOT NULL,
  score BIGINT,
  rank INTEGER,
  prize_fen BIGINT,
  PRIMARY KEY (tournament_id, player_id)
);
CREATE INDEX skill_tournament_entries_player ON skill_tournament_entries (player_id, entered_at_ms);
`,
  },
  {
    // Tournament entries carry the request's idempotency key: a retry answers the entry it made.
    id: 'sessions_002_entry_request_key',
    sql: `
ALTER TABLE skill_tournament_entries ADD COLUMN request_key TEXT;
CREATE UNIQUE INDEX skill_tournament_entries_request ON skill_tournament_entries (player_id, request_key) WHERE request_key IS NOT NULL;
`,
  },
  {
    // A tournament a template's schedule created names its template and slot (`<template>@<slot ms>`):
    // the unique index makes the schedule job create each slot's tournament once, however many nodes run it.
    id: 'sessions_003_tournament_schedule_key',
    sql: `
ALTER TABLE skill_tournaments ADD COLUMN schedule_key TEXT;
CREATE UNIQUE INDEX skill_tournaments_schedule ON skill_tournaments (schedule_key) WHERE schedule_key IS NOT NULL;
`,
  },
];

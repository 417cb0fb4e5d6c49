import type { Migration } from '../storage/ports.ts';

// The embedded leaderboards: one row per player per board, and one row per board that expires.
// Player ids compare byte-wise in both databases (PostgreSQL: COLLATE "C") so ties rank the same
// way as in Redis.
export const leaderboardsMigrations: Migration[] = [
  {
    id: 'leaderboards_001_entries',
    sqlite: `
CREATE TABLE leaderboard_entries (
  board TEXT NOT NULL,
  player_id TEXT NOT NULL,
  value BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (board, player_id)
);
CREATE INDEX leaderboard_entries_rank ON leaderboard_entries (board, value, player_id);
CREATE TABLE leaderboard_boards (
  board TEXT PRIMARY KEY,
  expire_at_ms BIGINT
);
`,
    postgres: `
CREATE TABLE leaderboard_entries (
  board TEXT NOT NULL,
  player_id TEXT COLLATE "C" NOT NULL,
  value BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (board, player_id)
);
CREATE INDEX leaderboard_entries_rank ON leaderboard_entries (board, value, player_id);
CREATE TABLE leaderboard_boards (
  board TEXT PRIMARY KEY,
  expire_at_ms BIGINT
);
`,
  },
];

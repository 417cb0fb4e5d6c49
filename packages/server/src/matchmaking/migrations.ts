import type { Migration } from '../storage/ports.ts';

// Glicko-2 ratings per player, game and pool (paid matches and practice are rated apart).
// Ratings are floating point by nature; they are stored as the shortest decimal text that
// round-trips the JavaScript number exactly, so a read gives back the very value written.
export const matchmakingMigrations: Migration[] = [
  {
    id: 'matchmaking_001_ratings',
    sql: `
CREATE TABLE skill_ratings (
  player_id TEXT NOT NULL,
  game TEXT NOT NULL,
  pool TEXT NOT NULL,
  rating TEXT NOT NULL,
  deviation TEXT NOT NULL,
  volatility TEXT NOT NULL,
  games INTEGER NOT NULL,
  updated_at_ms BIGINT NOT NULL,
  PRIMARY KEY (player_id, game, pool)
);
`,
  },
];

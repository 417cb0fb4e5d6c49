import type { Migration } from '../storage/ports.ts';

// Skins a player bought (earned ones follow from the VIP tier and are not stored), and the one
// each player wears at the table.
export const skinsMigrations: Migration[] = [
  {
    id: 'skins_001_owned_and_worn',
    sql: `
CREATE TABLE player_skins (
  player_id TEXT NOT NULL,
  skin_id TEXT NOT NULL,
  price_fen BIGINT NOT NULL,
  transfer_id TEXT NOT NULL,
  request_key TEXT NOT NULL,
  acquired_at_ms BIGINT NOT NULL,
  PRIMARY KEY (player_id, skin_id)
);
CREATE UNIQUE INDEX player_skins_request ON player_skins (player_id, request_key);
CREATE TABLE player_skin_worn (
  player_id TEXT PRIMARY KEY,
  skin_id TEXT NOT NULL,
  updated_at_ms BIGINT NOT NULL
);
`,
  },
];

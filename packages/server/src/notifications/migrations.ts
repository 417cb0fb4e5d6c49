import type { Migration } from '../storage/ports.ts';

// A notification stores its kind and data, not rendered text: each client renders it in the
// player's language.
export const notificationsMigrations: Migration[] = [
  {
    id: 'notifications_001_inbox',
    sql: `
CREATE TABLE notifications (
  id TEXT PRIMARY KEY,
  player_id TEXT NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  read_at_ms BIGINT
);
CREATE INDEX notifications_player ON notifications (player_id, created_at_ms, id);
`,
  },
];

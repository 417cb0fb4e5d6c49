import type { Migration } from '../storage/ports.ts';

// Every version of every setting is kept (the history the console shows, and what a room or a
// match was created under); the newest version of a key is the one in force. Rows are never
// changed or removed.
export const settingsMigrations: Migration[] = [
  {
    id: 'settings_001_versions',
    sql: `
CREATE TABLE settings_versions (
  setting_key TEXT NOT NULL,
  version INTEGER NOT NULL,
  value_json TEXT NOT NULL,
  operator_id TEXT,
  operator_username TEXT NOT NULL,
  reason TEXT,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (setting_key, version)
);
`,
  },
];

import type { Migration } from '../storage/ports.ts';

// Archives the retention job wrote: one row per archive file, written in the same transaction that
// deletes the archived rows, so the database always says where rows that left it went.
export const retentionMigrations: Migration[] = [
  {
    id: 'retention_001_archives',
    sql: `
CREATE TABLE retention_archives (
  id TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  file TEXT NOT NULL,
  rows_count INTEGER NOT NULL,
  groups_count INTEGER NOT NULL,
  sha256 TEXT NOT NULL,
  cutoff_ms BIGINT NOT NULL,
  created_at_ms BIGINT NOT NULL
);
CREATE INDEX retention_archives_created ON retention_archives (created_at_ms);
`,
  },
];

import type { Migration } from '../storage/ports.ts';

// The event log is append-only, and the database says so: a trigger refuses UPDATE and DELETE, so
// a bug (or a hand at a SQL prompt) cannot quietly rewrite history.
export const analyticsMigrations: Migration[] = [
  {
    id: 'analytics_001_events',
    sqlite: `
CREATE TABLE analytics_events (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  actor_kind TEXT,
  actor_id TEXT,
  at_ms BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX analytics_events_kind ON analytics_events (kind, seq);
CREATE TRIGGER analytics_events_no_update BEFORE UPDATE ON analytics_events BEGIN SELECT RAISE(ABORT, 'analytics_events is append-only'); END;
CREATE TRIGGER analytics_events_no_delete BEFORE DELETE ON analytics_events BEGIN SELECT RAISE(ABORT, 'analytics_events is append-only'); END;
`,
    postgres: `
CREATE TABLE analytics_events (
  seq BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  id TEXT NOT NULL UNIQUE,
  kind TEXT NOT NULL,
  actor_kind TEXT,
  actor_id TEXT,
  at_ms BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX analytics_events_kind ON analytics_events (kind, seq);
CREATE OR REPLACE FUNCTION fairground_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$fn$;
CREATE TRIGGER analytics_events_append_only BEFORE UPDATE OR DELETE ON analytics_events
  FOR EACH ROW EXECUTE FUNCTION fairground_append_only();
`,
  },
];

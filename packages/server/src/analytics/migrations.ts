import type { Migration } from '../storage/ports.ts';

/** The same on both backends. One open alert per metric at a time; one delivery per alert and event. */
const ALERT_TABLES = `
CREATE TABLE analytics_alerts (
  id TEXT PRIMARY KEY,
  metric TEXT NOT NULL,
  state TEXT NOT NULL,
  value_opened TEXT NOT NULL,
  value_last TEXT NOT NULL,
  threshold TEXT NOT NULL,
  sample INTEGER NOT NULL,
  window_ms BIGINT NOT NULL,
  opened_at_ms BIGINT NOT NULL,
  checked_at_ms BIGINT NOT NULL,
  resolved_at_ms BIGINT
);
CREATE UNIQUE INDEX analytics_alerts_open ON analytics_alerts (metric) WHERE state = 'open';
CREATE INDEX analytics_alerts_opened ON analytics_alerts (opened_at_ms);
CREATE TABLE analytics_alert_deliveries (
  id TEXT PRIMARY KEY,
  alert_id TEXT NOT NULL,
  event TEXT NOT NULL,
  state TEXT NOT NULL,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at_ms BIGINT NOT NULL,
  last_error TEXT,
  sent_at_ms BIGINT,
  created_at_ms BIGINT NOT NULL
);
CREATE UNIQUE INDEX analytics_alert_deliveries_event ON analytics_alert_deliveries (alert_id, event);
CREATE INDEX analytics_alert_deliveries_due ON analytics_alert_deliveries (next_attempt_at_ms) WHERE state = 'pending';
`;

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
  {
    // Metrics read the log by time; tiers come from deposits (backfilled from the deposits already
    // logged, with the default VIP line); alerts and their webhook deliveries are state of their own.
    id: 'analytics_002_metrics',
    sqlite: `
CREATE INDEX analytics_events_kind_at ON analytics_events (kind, at_ms);
CREATE TABLE analytics_players (
  player_id TEXT PRIMARY KEY,
  deposits_fen BIGINT NOT NULL,
  deposits INTEGER NOT NULL,
  first_deposit_at_ms BIGINT NOT NULL,
  vip_since_ms BIGINT
);
INSERT INTO analytics_players (player_id, deposits_fen, deposits, first_deposit_at_ms, vip_since_ms)
SELECT actor_id, SUM(amount), COUNT(*), MIN(at_ms), MIN(CASE WHEN running >= 100000 THEN at_ms END)
  FROM (SELECT actor_id, at_ms, CAST(json_extract(data, '$.amountFen') AS INTEGER) AS amount,
               SUM(CAST(json_extract(data, '$.amountFen') AS INTEGER)) OVER (PARTITION BY actor_id ORDER BY seq) AS running
          FROM analytics_events WHERE kind = 'deposit_credited' AND actor_id IS NOT NULL) d
 GROUP BY actor_id;
${ALERT_TABLES}
`,
    postgres: `
CREATE INDEX analytics_events_kind_at ON analytics_events (kind, at_ms);
CREATE TABLE analytics_players (
  player_id TEXT PRIMARY KEY,
  deposits_fen BIGINT NOT NULL,
  deposits INTEGER NOT NULL,
  first_deposit_at_ms BIGINT NOT NULL,
  vip_since_ms BIGINT
);
INSERT INTO analytics_players (player_id, deposits_fen, deposits, first_deposit_at_ms, vip_since_ms)
SELECT actor_id, SUM(amount), COUNT(*), MIN(at_ms), MIN(CASE WHEN running >= 100000 THEN at_ms END)
  FROM (SELECT actor_id, at_ms, (data::json->>'amountFen')::bigint AS amount,
               SUM((data::json->>'amountFen')::bigint) OVER (PARTITION BY actor_id ORDER BY seq) AS running
          FROM analytics_events WHERE kind = 'deposit_credited' AND actor_id IS NOT NULL) d
 GROUP BY actor_id;
${ALERT_TABLES}
`,
  },
];

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
  {
    // PostgreSQL: room_hands becomes range-partitioned by month on created_at_ms, so a month past
    // the window leaves by DROP instead of DELETE and vacuum. An existing table cannot be converted
    // in place: a partitioned twin is created, every row copied, the old table dropped and the twin
    // renamed, in this migration's one transaction. A unique constraint on a partitioned table must
    // include the partition key, so the primary key becomes (room_id, hand_number, created_at_ms);
    // the global uniqueness of (room_id, hand_number) moves to room_hand_keys, an unpartitioned key
    // table a trigger fills on every insert (a duplicate hand fails there, as it failed before).
    // Keys stay after their hand is archived, so a number is never reused. SQLite keeps the plain
    // table with the same retention.
    id: 'retention_002_partition_room_hands',
    sqlite: 'SELECT 1;',
    postgres: `
CREATE TABLE room_hand_keys (
  room_id TEXT NOT NULL,
  hand_number INTEGER NOT NULL,
  PRIMARY KEY (room_id, hand_number)
);
INSERT INTO room_hand_keys (room_id, hand_number) SELECT room_id, hand_number FROM room_hands;
CREATE TABLE room_hands_p (
  room_id TEXT NOT NULL,
  hand_number INTEGER NOT NULL,
  sealed TEXT NOT NULL,
  record_hash TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  chain_hash TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL,
  PRIMARY KEY (room_id, hand_number, created_at_ms)
) PARTITION BY RANGE (created_at_ms);
CREATE TABLE room_hands_default PARTITION OF room_hands_p DEFAULT;
DO $do$
DECLARE
  first_ms BIGINT := COALESCE((SELECT MIN(created_at_ms) FROM room_hands), (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT);
  m DATE := date_trunc('month', to_timestamp(first_ms / 1000.0) AT TIME ZONE 'UTC')::DATE;
  last DATE := (date_trunc('month', now() AT TIME ZONE 'UTC') + INTERVAL '3 months')::DATE;
BEGIN
  WHILE m <= last LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF room_hands_p FOR VALUES FROM (%s) TO (%s)',
      'room_hands_m' || to_char(m, 'YYYYMM'),
      (EXTRACT(EPOCH FROM m::TIMESTAMP) * 1000)::BIGINT,
      (EXTRACT(EPOCH FROM (m + INTERVAL '1 month')::TIMESTAMP) * 1000)::BIGINT);
    m := (m + INTERVAL '1 month')::DATE;
  END LOOP;
END
$do$;
INSERT INTO room_hands_p (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms)
  SELECT room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms FROM room_hands ORDER BY room_id, hand_number;
DROP TABLE room_hands;
ALTER TABLE room_hands_p RENAME TO room_hands;
CREATE OR REPLACE FUNCTION fairground_room_hand_key() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO room_hand_keys (room_id, hand_number) VALUES (NEW.room_id, NEW.hand_number);
  RETURN NEW;
END
$fn$;
CREATE TRIGGER room_hands_key BEFORE INSERT ON room_hands FOR EACH ROW EXECUTE FUNCTION fairground_room_hand_key();
`,
  },
];

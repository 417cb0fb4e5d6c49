import { assertionFailed } from '@fairground/core';
import type { Migration } from '../storage/ports.ts';
import { PARTITIONED_TABLES, type PartitionedTable, partitionTwinSql, seqHeadSql, seqHeadStatementSql } from './partitions.ts';

function partitioned(table: string): PartitionedTable {
  const t = PARTITIONED_TABLES.find((p) => p.table === table);
  if (t === undefined) assertionFailed(`${table} is not a partitioned table`);
  return t;
}

/** A head table (one row per group holding its last seq), filled from the rows `table` holds now. */
function headTableSql(table: string, heads: string, group: string, seq = 'seq'): string {
  return `CREATE TABLE ${heads} (${group} TEXT PRIMARY KEY, seq_last INTEGER NOT NULL);
INSERT INTO ${heads} (${group}, seq_last) SELECT ${group}, MAX(${seq}) FROM ${table} GROUP BY ${group};`;
}

// The analytics log stays append-only: no UPDATE ever, and a DELETE only of a row that an archive
// already holds — one whose time and seq fall in a range of retention_archived_ranges, a row the
// retention job writes in the same transaction as the deletion, after the archive file and its
// manifest are on disk. So a row leaves the log only with a record naming the archive that holds
// it, which archive:check verifies; no path deletes a row that is not archived. On PostgreSQL the
// archived months leave by dropping their partition (no row trigger runs, nothing is deleted row by
// row); the permission covers rows that sat in the default partition.
const ANALYTICS_ARCHIVED = `EXISTS (SELECT 1 FROM retention_archived_ranges r WHERE r.table_name = 'analytics_events'
      AND OLD.at_ms >= r.from_ms AND OLD.at_ms < r.to_ms AND OLD.seq >= r.seq_min AND OLD.seq <= r.seq_max)`;

// The tables of retention_003, the same on both backends; only how each keeps them (and the
// analytics log) append-only differs: SQLite's RAISE triggers, PostgreSQL's trigger functions.
const ARCHIVED_TABLES = `CREATE TABLE retention_archived_groups (
  table_name TEXT NOT NULL,
  group_id TEXT NOT NULL,
  archive_id TEXT NOT NULL,
  archived_at_ms BIGINT NOT NULL,
  PRIMARY KEY (table_name, group_id, archive_id)
);
CREATE TABLE retention_archived_ranges (
  archive_id TEXT PRIMARY KEY,
  table_name TEXT NOT NULL,
  from_ms BIGINT NOT NULL,
  to_ms BIGINT NOT NULL,
  seq_min BIGINT NOT NULL,
  seq_max BIGINT NOT NULL
);
CREATE INDEX retention_archived_ranges_from ON retention_archived_ranges (table_name, from_ms);
`;

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
  {
    // Where archived rows went, for reading them back: one row per archived group (room, session),
    // and for the analytics log (archived by time, not by group) the time and seq ranges each
    // archive holds. Neither is ever updated or deleted.
    id: 'retention_003_archived',
    sqlite: `
${ARCHIVED_TABLES}CREATE TRIGGER retention_archived_ranges_no_update BEFORE UPDATE ON retention_archived_ranges BEGIN SELECT RAISE(ABORT, 'retention_archived_ranges is append-only'); END;
CREATE TRIGGER retention_archived_ranges_no_delete BEFORE DELETE ON retention_archived_ranges BEGIN SELECT RAISE(ABORT, 'retention_archived_ranges is append-only'); END;
DROP TRIGGER analytics_events_no_delete;
CREATE TRIGGER analytics_events_no_delete BEFORE DELETE ON analytics_events
  WHEN NOT ${ANALYTICS_ARCHIVED}
  BEGIN SELECT RAISE(ABORT, 'analytics_events is append-only'); END;
`,
    postgres: `
${ARCHIVED_TABLES}CREATE TRIGGER retention_archived_ranges_append_only BEFORE UPDATE OR DELETE ON retention_archived_ranges
  FOR EACH ROW EXECUTE FUNCTION fairground_append_only();
CREATE OR REPLACE FUNCTION fairground_analytics_append_only() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF TG_OP = 'DELETE' AND ${ANALYTICS_ARCHIVED} THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END
$fn$;
DROP TRIGGER analytics_events_append_only ON analytics_events;
CREATE TRIGGER analytics_events_append_only BEFORE UPDATE OR DELETE ON analytics_events
  FOR EACH ROW EXECUTE FUNCTION fairground_analytics_append_only();
`,
  },
  {
    // PostgreSQL: room_events (daily), skill_commands and analytics_events (monthly) become
    // range-partitioned the way room_hands did; how each keeps its uniqueness: partitions.ts.
    id: 'retention_004_partition_growth',
    sqlite: 'SELECT 1;',
    postgres: `
${partitionTwinSql(partitioned('room_events'), {
  columns: `  room_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  kind TEXT NOT NULL,
  data TEXT NOT NULL,
  at_ms BIGINT NOT NULL`,
  key: 'room_id, seq, at_ms',
  copy: 'room_id, seq, kind, data, at_ms',
  before: headTableSql('room_events', 'room_event_heads', 'room_id'),
  after: seqHeadStatementSql('room_events', 'room_event_heads', 'room_id'),
})}
${partitionTwinSql(partitioned('skill_commands'), {
  columns: `  session_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  at_ms BIGINT NOT NULL,
  received_at_ms BIGINT NOT NULL,
  from_cell INTEGER NOT NULL,
  to_cell INTEGER NOT NULL`,
  key: 'session_id, seq, received_at_ms',
  copy: 'session_id, seq, at_ms, received_at_ms, from_cell, to_cell',
  before: headTableSql('skill_commands', 'skill_command_heads', 'session_id'),
  after: seqHeadSql('skill_commands', 'skill_command_heads', 'session_id'),
})}
${partitionTwinSql(partitioned('analytics_events'), {
  columns: `  seq BIGINT GENERATED ALWAYS AS IDENTITY,
  id TEXT NOT NULL,
  kind TEXT NOT NULL,
  actor_kind TEXT,
  actor_id TEXT,
  at_ms BIGINT NOT NULL,
  data TEXT NOT NULL`,
  key: 'seq, at_ms',
  copy: 'seq, id, kind, actor_kind, actor_id, at_ms, data',
  overriding: true,
  after: `ALTER SEQUENCE analytics_events_p_seq_seq RENAME TO analytics_events_seq_seq;
SELECT setval('analytics_events_seq_seq', COALESCE((SELECT MAX(seq) FROM analytics_events), 0) + 1, false);
CREATE UNIQUE INDEX analytics_events_id ON analytics_events (id, at_ms);
CREATE INDEX analytics_events_kind ON analytics_events (kind, seq);
CREATE INDEX analytics_events_kind_at ON analytics_events (kind, at_ms);
CREATE TRIGGER analytics_events_append_only BEFORE UPDATE OR DELETE ON analytics_events
  FOR EACH ROW EXECUTE FUNCTION fairground_analytics_append_only();`,
})}
`,
  },
  {
    // PostgreSQL: room_hand_keys held one row per hand for ever (≈ 8 TB a year at a million
    // players, bench/README.md); a head per room holds the same uniqueness in one row per room,
    // as for room_events and skill_commands (partitions.ts).
    id: 'retention_005_room_hand_heads',
    sqlite: 'SELECT 1;',
    postgres: `
${headTableSql('room_hand_keys', 'room_hand_heads', 'room_id', 'hand_number')}
DROP TRIGGER room_hands_key ON room_hands;
DROP FUNCTION fairground_room_hand_key();
DROP TABLE room_hand_keys;
${seqHeadSql('room_hands', 'room_hand_heads', 'room_id', 'hand_number')}
`,
  },
];

// PostgreSQL: the growth tables are range-partitioned by time, so what the retention job has
// archived leaves by dropping a partition instead of by DELETE and vacuum. This file says which
// tables, by which column, in days or months, and writes the migration that turns a plain table
// into a partitioned one (an existing table cannot be converted in place: a partitioned twin is
// made, every row copied, the old table dropped and the twin renamed, in one transaction).
//
// A unique constraint on a partitioned table must include the partition key, so each table's
// primary key gains its time column, and the uniqueness the old key gave lives elsewhere:
// - room_hands (room, hand number), room_events (room, seq) and skill_commands (session, seq): a
//   head table with one row per room or session holding its last number; a trigger refuses a row
//   whose number is not after it (with the unique-violation code the old key raised). Each is
//   written in order by the one writer of its room or session, so "after the last" is the old
//   uniqueness and a little more (no number goes backwards), at the cost of one small row per room
//   or session instead of one per row. room_events, written in multi-row batches, checks once per
//   statement (seqHeadStatementSql); the others, written a row at a time, once per row. (room_hands
//   first kept one key row per hand,
//   room_hand_keys, retention_002; retention_005 replaced it with room_hand_heads.) Heads stay
//   after their rows are archived, so a number is never used twice;
// - analytics_events: `seq` comes from an identity sequence, which never hands out a value twice
//   (and GENERATED ALWAYS refuses one from outside), and `id` is a fresh random id the server makes
//   for each event; (id, at_ms) stays unique as a check of that.
// SQLite keeps plain tables with the same retention.

export type PartitionUnit = 'day' | 'month';

export interface PartitionedTable {
  readonly table: string;
  /** The BIGINT milliseconds column the table is partitioned on. */
  readonly column: string;
  readonly unit: PartitionUnit;
  /** Partitions made ahead of today, so new rows never land in the default partition. */
  readonly ahead: number;
}

/** Days of partitions made ahead for daily tables. */
export const PARTITION_DAYS_AHEAD = 7;
/** Months of partitions made ahead for monthly tables. */
export const PARTITION_MONTHS_AHEAD = 3;
/** Daily tables: days before the migration that get partitions of their own (older rows go to the default partition, and leave with the next archive). */
export const PARTITION_DAYS_BACK_MAX = 35;

export const PARTITIONED_TABLES: readonly PartitionedTable[] = [
  { table: 'room_hands', column: 'created_at_ms', unit: 'month', ahead: PARTITION_MONTHS_AHEAD },
  { table: 'room_events', column: 'at_ms', unit: 'day', ahead: PARTITION_DAYS_AHEAD },
  // A command's at_ms is the player's elapsed game time; the server's receipt time is the clock.
  { table: 'skill_commands', column: 'received_at_ms', unit: 'month', ahead: PARTITION_MONTHS_AHEAD },
  { table: 'analytics_events', column: 'at_ms', unit: 'month', ahead: PARTITION_MONTHS_AHEAD },
];

/** The start (UTC) of the day or month `k` units after the one holding `ms`. */
export function unitStartMs(unit: PartitionUnit, ms: number, k = 0): number {
  const d = new Date(ms);
  return unit === 'month'
    ? Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + k, 1)
    : Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate() + k);
}

/** `room_hands_m202601` for a month, `room_events_d20260110` for a day (UTC). */
export function partitionName(t: Pick<PartitionedTable, 'table' | 'unit'>, fromMs: number): string {
  const d = new Date(fromMs);
  const ym = `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
  return t.unit === 'month' ? `${t.table}_m${ym}` : `${t.table}_d${ym}${String(d.getUTCDate()).padStart(2, '0')}`;
}

/** The range of a partition named by `partitionName`, or null for another name (the default partition). */
export function partitionRange(t: PartitionedTable, name: string): { fromMs: number; toMs: number } | null {
  const m = new RegExp(`^${t.table}_${t.unit === 'month' ? 'm(\\d{4})(\\d{2})' : 'd(\\d{4})(\\d{2})(\\d{2})'}$`).exec(name);
  if (m === null) return null;
  const fromMs = Date.UTC(Number(m[1]), Number(m[2]) - 1, t.unit === 'month' ? 1 : Number(m[3]));
  return { fromMs, toMs: unitStartMs(t.unit, fromMs, 1) };
}

/**
 * The migration body that rebuilds `t.table` as a partitioned twin: `columns` is the column list
 * with types, `key` the new primary key (which must hold `t.column`), `copy` the columns copied,
 * `before` and `after` SQL run before the copy and after the rename (key tables, triggers, indexes).
 * Partitions are made from the oldest row's unit (daily tables: at most PARTITION_DAYS_BACK_MAX days
 * back) to `t.ahead` units after today; the default partition takes anything outside them.
 */
export function partitionTwinSql(
  t: PartitionedTable,
  o: {
    readonly columns: string;
    readonly key: string;
    readonly copy: string;
    readonly before?: string;
    readonly after?: string;
    readonly overriding?: boolean;
  },
): string {
  const unitSql = t.unit === 'month' ? 'month' : 'day';
  const fmt = t.unit === 'month' ? 'YYYYMM' : 'YYYYMMDD';
  const letter = t.unit === 'month' ? 'm' : 'd';
  const floor =
    t.unit === 'day'
      ? `GREATEST(first_ms, ((EXTRACT(EPOCH FROM now()) * 1000)::BIGINT - ${PARTITION_DAYS_BACK_MAX}::BIGINT * 86400000))`
      : 'first_ms';
  return `
${o.before ?? ''}
CREATE TABLE ${t.table}_p (
${o.columns},
  PRIMARY KEY (${o.key})
) PARTITION BY RANGE (${t.column});
CREATE TABLE ${t.table}_default PARTITION OF ${t.table}_p DEFAULT;
DO $do$
DECLARE
  first_ms BIGINT := COALESCE((SELECT MIN(${t.column}) FROM ${t.table}), (EXTRACT(EPOCH FROM now()) * 1000)::BIGINT);
  m TIMESTAMP := date_trunc('${unitSql}', to_timestamp(${floor} / 1000.0) AT TIME ZONE 'UTC');
  last TIMESTAMP := date_trunc('${unitSql}', now() AT TIME ZONE 'UTC') + INTERVAL '${t.ahead} ${unitSql}';
BEGIN
  WHILE m <= last LOOP
    EXECUTE format('CREATE TABLE %I PARTITION OF ${t.table}_p FOR VALUES FROM (%s) TO (%s)',
      '${t.table}_${letter}' || to_char(m, '${fmt}'),
      (EXTRACT(EPOCH FROM m) * 1000)::BIGINT,
      (EXTRACT(EPOCH FROM m + INTERVAL '1 ${unitSql}') * 1000)::BIGINT);
    m := m + INTERVAL '1 ${unitSql}';
  END LOOP;
END
$do$;
INSERT INTO ${t.table}_p (${o.copy})${o.overriding === true ? ' OVERRIDING SYSTEM VALUE' : ''}
  SELECT ${o.copy} FROM ${t.table};
DROP TABLE ${t.table};
ALTER TABLE ${t.table}_p RENAME TO ${t.table};
ALTER INDEX ${t.table}_p_pkey RENAME TO ${t.table}_pkey;
${o.after ?? ''}
`;
}

/** A head table and its trigger: a row of `table` must have a `seq` after the last one of its `group` (PostgreSQL). */
export function seqHeadSql(table: string, heads: string, group: string, seq = 'seq'): string {
  return `
CREATE OR REPLACE FUNCTION fairground_${heads}() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  INSERT INTO ${heads} AS h (${group}, seq_last) VALUES (NEW.${group}, NEW.${seq})
    ON CONFLICT (${group}) DO UPDATE SET seq_last = EXCLUDED.seq_last WHERE h.seq_last < EXCLUDED.seq_last;
  IF NOT FOUND THEN
    RAISE EXCEPTION 'duplicate key value violates unique constraint "${heads}": ${table} (${group}, ${seq})=(%, %) is not after the last one', NEW.${group}, NEW.${seq}
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NEW;
END
$fn$;
CREATE TRIGGER ${table}_head BEFORE INSERT ON ${table} FOR EACH ROW EXECUTE FUNCTION fairground_${heads}();
`;
}

/**
 * The same check once per INSERT statement instead of once per row (PostgreSQL), for a log written
 * in multi-row batches (room_events): within the statement no (group, seq) twice, and each group's
 * smallest new seq after its head; the head then moves to the largest. Every stored row of a group
 * has a seq at most its head, so no new row can repeat one. Measured in bench/README.md ("Heads"):
 * about a fifth of the row trigger's cost on 500-row statements.
 */
export function seqHeadStatementSql(table: string, heads: string, group: string, seq = 'seq'): string {
  return `
CREATE OR REPLACE FUNCTION fairground_${heads}() RETURNS trigger LANGUAGE plpgsql AS $fn$
DECLARE
  groups_n BIGINT;
  moved_n BIGINT;
BEGIN
  WITH s AS MATERIALIZED (
    SELECT ${group} AS g, MIN(${seq}) AS lo, MAX(${seq}) AS hi, COUNT(*) AS n, COUNT(DISTINCT ${seq}) AS d FROM new_rows GROUP BY ${group}
  ),
  up AS (
    INSERT INTO ${heads} AS h (${group}, seq_last) SELECT g, hi FROM s WHERE n = d
      ON CONFLICT (${group}) DO UPDATE SET seq_last = EXCLUDED.seq_last
      WHERE h.seq_last < (SELECT s2.lo FROM s s2 WHERE s2.g = EXCLUDED.${group})
      RETURNING 1
  )
  SELECT (SELECT COUNT(*) FROM s), (SELECT COUNT(*) FROM up) INTO groups_n, moved_n;
  IF groups_n <> moved_n THEN
    RAISE EXCEPTION 'duplicate key value violates unique constraint "${heads}": a ${table} row repeats a ${seq} or is not after the last one'
      USING ERRCODE = 'unique_violation';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER ${table}_head AFTER INSERT ON ${table} REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION fairground_${heads}();
`;
}

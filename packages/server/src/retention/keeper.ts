// The partitions of the growth tables kept in step with the clock (PostgreSQL; partitions.ts
// names the tables): the days or months ahead made, and those wholly before their table's window
// dropped once empty. The retention job runs it after archiving; without an archive folder it still
// runs, so new rows never pile into a default partition.
import type { Clock } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { PARTITIONED_TABLES, type PartitionedTable, partitionName, partitionRange, unitStartMs } from './partitions.ts';
import { RETENTION_RULES } from './rules.ts';

const DAY_MS = 24 * 3600 * 1000;

export class PartitionKeeper {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #onlineDays: number | undefined;

  /** `onlineDays` replaces every table's window, as the archiver's does. */
  constructor(o: { readonly store: Store; readonly clock: Clock; readonly onlineDays?: number }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#onlineDays = o.onlineDays;
  }

  #onlineDaysOf(table: string): number {
    return this.#onlineDays ?? RETENTION_RULES.find((r) => r.table === table)?.onlineDays ?? 180;
  }

  /** The partitions of `table`, or null when it is not partitioned (SQLite, or before its migration). */
  async partitionsOf(table: string): Promise<Set<string> | null> {
    const kind = await this.#store.reader.query<{ relkind: string }>(
      `SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = current_schema()`,
      [table],
    );
    if (kind[0]?.relkind !== 'p') return null;
    const existing = await this.#store.reader.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = ? AND n.nspname = current_schema()`,
      [table],
    );
    return new Set(existing.map((r) => r.name));
  }

  /**
   * PostgreSQL only (partitions.ts names the tables): for each partitioned table, creates the
   * partitions of the next days or months (one whose rows already sit in the default partition is
   * left there, named in `blocked`), and drops the partitions that lie wholly before the table's
   * window and are empty — their rows were archived.
   */
  async run(): Promise<{ created: string[]; dropped: string[]; blocked: string[] }> {
    const created: string[] = [];
    const dropped: string[] = [];
    const blocked: string[] = [];
    if (this.#store.dialect !== 'postgres') return { created, dropped, blocked };
    for (const t of PARTITIONED_TABLES) {
      const names = await this.partitionsOf(t.table);
      if (names === null) continue;
      const r = await this.#keepPartitions(t, names);
      created.push(...r.created);
      dropped.push(...r.dropped);
      blocked.push(...r.blocked);
    }
    return { created, dropped, blocked };
  }

  async #keepPartitions(
    t: PartitionedTable,
    names: ReadonlySet<string>,
  ): Promise<{ created: string[]; dropped: string[]; blocked: string[] }> {
    const created: string[] = [];
    const dropped: string[] = [];
    const blocked: string[] = [];
    const nowMs = this.#clock.nowMs();
    const cutoffMs = nowMs - this.#onlineDaysOf(t.table) * DAY_MS;
    for (let k = 0; k <= t.ahead; k++) {
      const from = unitStartMs(t.unit, nowMs, k);
      const to = unitStartMs(t.unit, nowMs, k + 1);
      const name = partitionName(t, from);
      if (names.has(name)) continue;
      const inDefault = await this.#store.reader.query(
        `SELECT 1 FROM ${t.table}_default WHERE ${t.column} >= ? AND ${t.column} < ? LIMIT 1`,
        [from, to],
      );
      if (inDefault.length > 0) {
        blocked.push(name);
        continue;
      }
      await this.#store.unitOfWork(
        (tx) => tx.run(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF ${t.table} FOR VALUES FROM (${from}) TO (${to})`),
        { label: 'retention.partition.create' },
      );
      created.push(name);
    }
    for (const name of [...names].sort()) {
      const range = partitionRange(t, name);
      if (range === null || range.toMs > cutoffMs) continue;
      const rows = await this.#store.reader.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if (rows.length > 0) continue;
      await this.#store.unitOfWork((tx) => tx.run(`DROP TABLE ${name}`), { label: 'retention.partition.drop' });
      dropped.push(name);
    }
    return { created, dropped, blocked };
  }
}

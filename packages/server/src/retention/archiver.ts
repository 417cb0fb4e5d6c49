// The retention job (`retention.archive`): for each rule, the groups past the window go to one
// archive — NDJSON (one row a line, in primary-key order), gzip-compressed — beside a manifest
// with its SHA-256, row count and groups; the file and the manifest are written and flushed to disk
// first, then the rows are deleted in one transaction that also records the archive. A crash
// between the two leaves the rows in place and an archive that the next pass writes again (the
// verifier accepts a group found in two archives only when both copies are identical). The
// analytics log has no groups: it leaves a month at a time (#archiveRange). Where each group and
// range went is recorded (retention_archived_groups, retention_archived_ranges), so archived hands
// can be read back (readGroup).
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { AppError, assertionFailed, type Clock, newId } from '@fairground/core';
import type { Reader, Store } from '../storage/ports.ts';
import { RetentionErrors } from './errors.ts';
import { PartitionKeeper } from './keeper.ts';
import { PARTITIONED_TABLES, partitionName, unitStartMs } from './partitions.ts';
import { GROUPS_PER_ARCHIVE_MAX, type RangeRetentionRule, RETENTION_RULES, type RetentionRule, ROWS_PER_ARCHIVE_MAX } from './rules.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Compressed bytes one read-back opens at most (an archive holds ROWS_PER_ARCHIVE_MAX rows at most, far below it). */
export const ARCHIVE_READ_BYTES_MAX = 512 * 1024 * 1024;

/** When a group's rows (a room's hands, a session's commands) went to an archive, newest first; null if they never did. */
export async function archivedAtMs(reader: Reader, table: string, groupId: string): Promise<number | null> {
  const rows = await reader.query<{ at: unknown }>(
    'SELECT MAX(archived_at_ms) AS at FROM retention_archived_groups WHERE table_name = ? AND group_id = ?',
    [table, groupId],
  );
  return rows[0]?.at === null || rows[0]?.at === undefined ? null : Number(rows[0].at);
}

export interface ArchiveManifest {
  readonly format: 'fairground.archive.v1';
  readonly id: string;
  readonly table: string;
  readonly groupColumn: string;
  readonly groups: readonly string[];
  readonly rows: number;
  readonly cutoffMs: number;
  readonly createdAtMs: number;
  /** The compressed file's name, beside the manifest. */
  readonly file: string;
  readonly sha256: string;
  readonly ndjsonSha256: string;
  /**
   * Archives of a table archived by time (the analytics log): every row has `column` in
   * [fromMs, toMs) and `seqColumn` in [seqMin, seqMax], in increasing seq order; `groups` then holds
   * one name for the range.
   */
  readonly range?: {
    readonly column: string;
    readonly fromMs: number;
    readonly toMs: number;
    readonly seqColumn: string;
    readonly seqMin: number;
    readonly seqMax: number;
  };
}

export interface ArchiveResult {
  readonly table: string;
  readonly archiveId: string;
  readonly rows: number;
  readonly groups: number;
}

/** A value as it goes into a line. PostgreSQL's BIGINT columns arrive as strings and stay strings; readers of an archive convert with Number. */
function plain(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Buffer.isBuffer(v)) return v.toString('base64');
  return v;
}

function writeDurably(path: string, data: Buffer | string): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w');
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}

export class Archiver {
  readonly #store: Store;
  readonly #clock: Clock;
  readonly #dir: string;
  readonly #onlineDays: number | undefined;
  readonly #keeper: PartitionKeeper;

  /** `onlineDays` replaces every rule's window (a deployment that must keep more, or less). */
  constructor(o: { readonly store: Store; readonly clock: Clock; readonly dir: string; readonly onlineDays?: number }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#dir = o.dir;
    this.#onlineDays = o.onlineDays;
    this.#keeper = new PartitionKeeper(o);
  }

  get dir(): string {
    return this.#dir;
  }

  /** One pass: at most one archive per table, then (PostgreSQL) the partitions kept in step. Returns what moved. */
  async run(): Promise<ArchiveResult[]> {
    const out: ArchiveResult[] = [];
    for (const rule of RETENTION_RULES) {
      const r = rule.kind === 'group' ? await this.#archive(rule) : await this.#archiveRange(rule);
      if (r !== null) out.push(r);
    }
    if (this.#store.dialect === 'postgres') await this.partitions();
    return out;
  }

  /** PostgreSQL: the partitions kept in step (keeper.ts). */
  partitions(): Promise<{ created: string[]; dropped: string[]; blocked: string[] }> {
    return this.#keeper.run();
  }

  /** Writes the archive file and its manifest durably; returns the manifest. */
  #write(
    table: string,
    o: { groupColumn: string; groups: string[]; lines: string[]; cutoffMs: number; nowMs: number; range?: ArchiveManifest['range'] },
  ): ArchiveManifest {
    const ndjson = o.lines.length === 0 ? '' : `${o.lines.join('\n')}\n`;
    const gz = gzipSync(ndjson);
    const id = newId('ar');
    const stamp = new Date(o.nowMs).toISOString().slice(0, 10);
    const folder = join(this.#dir, table);
    mkdirSync(folder, { recursive: true });
    const file = `${stamp}_${id}.ndjson.gz`;
    const manifest: ArchiveManifest = {
      format: 'fairground.archive.v1',
      id,
      table,
      groupColumn: o.groupColumn,
      groups: o.groups,
      rows: o.lines.length,
      cutoffMs: o.cutoffMs,
      createdAtMs: o.nowMs,
      file,
      sha256: createHash('sha256').update(gz).digest('hex'),
      ndjsonSha256: createHash('sha256').update(ndjson).digest('hex'),
      ...(o.range === undefined ? {} : { range: o.range }),
    };
    writeDurably(join(folder, file), gz);
    writeDurably(join(folder, `${stamp}_${id}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    return manifest;
  }

  /**
   * The analytics log, a month at a time: the oldest month wholly past the window is archived in
   * seq order, ROWS_PER_ARCHIVE_MAX rows an archive, each archive's range recorded in
   * retention_archived_ranges in the transaction that removes its rows. On SQLite (and for rows in
   * PostgreSQL's default partition) the rows are deleted, which the append-only trigger allows only
   * for archived ranges; a month that has its own partition is dropped whole once its last rows are
   * archived.
   */
  async #archiveRange(rule: RangeRetentionRule): Promise<ArchiveResult | null> {
    const nowMs = this.#clock.nowMs();
    const cutoffMs = nowMs - (this.#onlineDays ?? rule.onlineDays) * DAY_MS;
    // The month of the row with the smallest seq (an index scan; MIN of the time column would read
    // every partition). Seq and time rise together; a late row of an older month waits for the
    // month of the oldest seq to pass, and is then the oldest itself.
    const first = await this.#store.reader.query<{ m: unknown }>(
      `SELECT ${rule.column} AS m FROM ${rule.table} ORDER BY ${rule.seqColumn} LIMIT 1`,
    );
    if (first[0]?.m === null || first[0]?.m === undefined) return null;
    const fromMs = unitStartMs('month', Number(first[0].m));
    const toMs = unitStartMs('month', fromMs, 1);
    if (toMs > cutoffMs) return null;
    const t = PARTITIONED_TABLES.find((p) => p.table === rule.table);
    const partitions = this.#store.dialect === 'postgres' && t !== undefined ? await this.#keeper.partitionsOf(rule.table) : null;
    const partition = t !== undefined && partitions?.has(partitionName(t, fromMs)) === true ? partitionName(t, fromMs) : null;
    const done = await this.#store.reader.query<{ s: unknown }>(
      'SELECT MAX(seq_max) AS s FROM retention_archived_ranges WHERE table_name = ? AND from_ms = ?',
      [rule.table, fromMs],
    );
    const afterSeq = done[0]?.s === null || done[0]?.s === undefined ? -1 : Number(done[0].s);
    const rows = await this.#store.reader.query<Record<string, unknown>>(
      `SELECT * FROM ${rule.table} WHERE ${rule.column} >= ? AND ${rule.column} < ? AND ${rule.seqColumn} > ? ORDER BY ${rule.seqColumn} LIMIT ?`,
      [fromMs, toMs, afterSeq, ROWS_PER_ARCHIVE_MAX],
    );
    const last = rows.length < ROWS_PER_ARCHIVE_MAX;
    if (rows.length === 0) {
      // Every row of the month is archived but its partition is still there (a pass that stopped
      // between the two): drop it now.
      if (partition !== null)
        await this.#store.unitOfWork((tx) => tx.run(`DROP TABLE ${partition}`), { label: 'retention.partition.drop' });
      return null;
    }
    const seqMin = Number(rows[0]![rule.seqColumn]);
    const seqMax = Number(rows[rows.length - 1]![rule.seqColumn]);
    const manifest = this.#write(rule.table, {
      groupColumn: rule.column,
      groups: [`${new Date(fromMs).toISOString().slice(0, 7)}#${seqMin}-${seqMax}`],
      lines: rows.map((row) => JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)])))),
      cutoffMs,
      nowMs,
      range: { column: rule.column, fromMs, toMs, seqColumn: rule.seqColumn, seqMin, seqMax },
    });
    await this.#store.unitOfWork(
      async (tx) => {
        await tx.run(
          'INSERT INTO retention_archived_ranges (archive_id, table_name, from_ms, to_ms, seq_min, seq_max) VALUES (?, ?, ?, ?, ?, ?)',
          [manifest.id, rule.table, fromMs, toMs, seqMin, seqMax],
        );
        await tx.run(
          'INSERT INTO retention_archives (id, table_name, file, rows_count, groups_count, sha256, cutoff_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [manifest.id, rule.table, join(rule.table, manifest.file), rows.length, 1, manifest.sha256, cutoffMs, tx.nowMs],
        );
        const where = `${rule.column} >= ? AND ${rule.column} < ? AND ${rule.seqColumn} >= ? AND ${rule.seqColumn} <= ?`;
        const params = [fromMs, toMs, seqMin, seqMax];
        if (partition === null) {
          const deleted = await tx.run(`DELETE FROM ${rule.table} WHERE ${where}`, params);
          if (deleted !== rows.length) assertionFailed(`${deleted} ${rule.table} rows deleted, ${rows.length} archived`);
        } else if (last) {
          const left = await tx.query(`SELECT 1 FROM ${partition} WHERE ${rule.seqColumn} > ? LIMIT 1`, [seqMax]);
          if (left.length === 0) await tx.run(`DROP TABLE ${partition}`);
        }
      },
      { label: `retention.archive.${rule.table}` },
    );
    return { table: rule.table, archiveId: manifest.id, rows: rows.length, groups: 1 };
  }

  async #archive(rule: RetentionRule): Promise<ArchiveResult | null> {
    const nowMs = this.#clock.nowMs();
    const cutoffMs = nowMs - (this.#onlineDays ?? rule.onlineDays) * DAY_MS;
    const eligible = await this.#store.reader.query<{ group_id: string }>(
      rule.eligibleGroupsSql,
      rule.params(cutoffMs, nowMs, GROUPS_PER_ARCHIVE_MAX),
    );
    if (eligible.length === 0) return null;
    const groups: string[] = [];
    const lines: string[] = [];
    for (const { group_id: group } of eligible) {
      const rows = await this.#store.reader.query<Record<string, unknown>>(
        `SELECT * FROM ${rule.table} WHERE ${rule.groupColumn} = ? ORDER BY ${rule.orderBy.join(', ')}`,
        [group],
      );
      if (groups.length > 0 && lines.length + rows.length > ROWS_PER_ARCHIVE_MAX) break;
      groups.push(group);
      for (const row of rows) lines.push(JSON.stringify(Object.fromEntries(Object.entries(row).map(([k, v]) => [k, plain(v)]))));
    }
    const manifest = this.#write(rule.table, { groupColumn: rule.groupColumn, groups, lines, cutoffMs, nowMs });
    await this.#store.unitOfWork(
      async (tx) => {
        for (const g of groups) {
          await tx.run(`DELETE FROM ${rule.table} WHERE ${rule.groupColumn} = ?`, [g]);
          await tx.run('INSERT INTO retention_archived_groups (table_name, group_id, archive_id, archived_at_ms) VALUES (?, ?, ?, ?)', [
            rule.table,
            g,
            manifest.id,
            tx.nowMs,
          ]);
        }
        await tx.run(
          'INSERT INTO retention_archives (id, table_name, file, rows_count, groups_count, sha256, cutoff_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [manifest.id, rule.table, join(rule.table, manifest.file), lines.length, groups.length, manifest.sha256, cutoffMs, tx.nowMs],
        );
      },
      { label: `retention.archive.${rule.table}` },
    );
    return { table: rule.table, archiveId: manifest.id, rows: lines.length, groups: groups.length };
  }

  /**
   * A group's rows read back from its archives (oldest archive first, each in key order), after
   * checking each file's SHA-256 against the one the database recorded when the rows left; null
   * when the group was never archived. A file that is missing, too large or altered is refused
   * with RETENTION_ARCHIVE_UNAVAILABLE (the operator restores it from the backup and runs archive:check).
   */
  async readGroup(table: string, groupId: string): Promise<{ archivedAtMs: number; rows: Record<string, unknown>[] } | null> {
    const rule = RETENTION_RULES.find((r) => r.table === table);
    if (rule === undefined || rule.kind !== 'group') assertionFailed(`${table} is not archived by group`);
    const archives = await this.#store.reader.query<{ archive_id: string; archived_at_ms: unknown; file: string; sha256: string }>(
      `SELECT g.archive_id, g.archived_at_ms, a.file, a.sha256 FROM retention_archived_groups g JOIN retention_archives a ON a.id = g.archive_id
        WHERE g.table_name = ? AND g.group_id = ? ORDER BY g.archived_at_ms, g.archive_id`,
      [table, groupId],
    );
    if (archives.length === 0) return null;
    const rows: Record<string, unknown>[] = [];
    for (const a of archives) {
      const path = join(this.#dir, a.file);
      const unavailable = (why: string) =>
        new AppError(RetentionErrors.RETENTION_ARCHIVE_UNAVAILABLE, {
          archiveId: a.archive_id,
          archivedAtMs: Number(a.archived_at_ms),
          why,
        });
      if (!existsSync(path)) throw unavailable('missing');
      if (statSync(path).size > ARCHIVE_READ_BYTES_MAX) throw unavailable('too large');
      const gz = readFileSync(path);
      if (createHash('sha256').update(gz).digest('hex') !== a.sha256) throw unavailable('checksum');
      for (const line of gunzipSync(gz).toString('utf8').split('\n')) {
        if (line === '') continue;
        const row = JSON.parse(line) as Record<string, unknown>;
        if (String(row[rule.groupColumn]) === groupId) rows.push(row);
      }
    }
    return { archivedAtMs: Number(archives[archives.length - 1]!.archived_at_ms), rows };
  }

  async list(
    limit: number,
  ): Promise<
    { id: string; table: string; file: string; rows: number; groups: number; sha256: string; cutoffMs: number; createdAtMs: number }[]
  > {
    const rows = await this.#store.reader.query<{
      id: string;
      table_name: string;
      file: string;
      rows_count: unknown;
      groups_count: unknown;
      sha256: string;
      cutoff_ms: unknown;
      created_at_ms: unknown;
    }>('SELECT * FROM retention_archives ORDER BY created_at_ms DESC, id DESC LIMIT ?', [limit]);
    return rows.map((r) => ({
      id: r.id,
      table: r.table_name,
      file: r.file,
      rows: Number(r.rows_count),
      groups: Number(r.groups_count),
      sha256: r.sha256,
      cutoffMs: Number(r.cutoff_ms),
      createdAtMs: Number(r.created_at_ms),
    }));
  }
}

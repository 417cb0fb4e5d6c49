// The retention job (`retention.archive`): for each rule, the groups past the window go to one
// archive — NDJSON (one row a line, in primary-key order), gzip-compressed — beside a manifest
// with its SHA-256, row count and groups; the file and the manifest are written and flushed to disk
// first, then the rows are deleted in one transaction that also records the archive. A crash
// between the two leaves the rows in place and an archive that the next pass writes again (the
// verifier accepts a group found in two archives only when both copies are identical).
import { createHash } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, renameSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { type Clock, newId } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { GROUPS_PER_ARCHIVE_MAX, RETENTION_RULES, type RetentionRule, ROWS_PER_ARCHIVE_MAX } from './rules.ts';

const DAY_MS = 24 * 3600 * 1000;
/** Monthly partitions of room_hands made ahead of time (PostgreSQL), so new hands never land in the default partition. */
export const PARTITION_MONTHS_AHEAD = 3;

/** `room_hands_m202601` for the month starting at `fromMs` (UTC). */
export function monthPartition(fromMs: number): string {
  const d = new Date(fromMs);
  return `room_hands_m${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
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
}

export interface ArchiveResult {
  readonly table: string;
  readonly archiveId: string;
  readonly rows: number;
  readonly groups: number;
}

/** A value as it goes into a line: integers stay numbers (PostgreSQL's BIGINT strings become numbers too). */
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

  /** `onlineDays` replaces every rule's window (a deployment that must keep more, or less). */
  constructor(o: { readonly store: Store; readonly clock: Clock; readonly dir: string; readonly onlineDays?: number }) {
    this.#store = o.store;
    this.#clock = o.clock;
    this.#dir = o.dir;
    this.#onlineDays = o.onlineDays;
  }

  get dir(): string {
    return this.#dir;
  }

  /** One pass: at most one archive per table, then (PostgreSQL) the hands' monthly partitions kept in step. Returns what moved. */
  async run(): Promise<ArchiveResult[]> {
    const out: ArchiveResult[] = [];
    for (const rule of RETENTION_RULES) {
      const r = await this.#archive(rule);
      if (r !== null) out.push(r);
    }
    if (this.#store.dialect === 'postgres') await this.partitions();
    return out;
  }

  /**
   * PostgreSQL only (room_hands is partitioned by month, retention_002): creates the partitions of
   * the next PARTITION_MONTHS_AHEAD months (a month whose rows already sit in the default partition
   * is left there, named in `blocked`), and drops the monthly partitions that lie wholly before the
   * hands' window and are empty — their rows were archived.
   */
  async partitions(): Promise<{ created: string[]; dropped: string[]; blocked: string[] }> {
    const created: string[] = [];
    const dropped: string[] = [];
    const blocked: string[] = [];
    if (this.#store.dialect !== 'postgres') return { created, dropped, blocked };
    const nowMs = this.#clock.nowMs();
    const hands = RETENTION_RULES.find((r) => r.table === 'room_hands');
    const cutoffMs = nowMs - (this.#onlineDays ?? hands?.onlineDays ?? 180) * DAY_MS;
    const existing = await this.#store.reader.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = 'room_hands' AND n.nspname = current_schema()`,
    );
    const names = new Set(existing.map((r) => r.name));
    const now = new Date(nowMs);
    for (let k = 0; k <= PARTITION_MONTHS_AHEAD; k++) {
      const from = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k, 1);
      const to = Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + k + 1, 1);
      const name = monthPartition(from);
      if (names.has(name)) continue;
      const inDefault = await this.#store.reader.query(
        'SELECT 1 FROM room_hands_default WHERE created_at_ms >= ? AND created_at_ms < ? LIMIT 1',
        [from, to],
      );
      if (inDefault.length > 0) {
        blocked.push(name);
        continue;
      }
      await this.#store.unitOfWork(
        (tx) => tx.run(`CREATE TABLE IF NOT EXISTS ${name} PARTITION OF room_hands FOR VALUES FROM (${from}) TO (${to})`),
        {
          label: 'retention.partition.create',
        },
      );
      created.push(name);
    }
    for (const name of [...names].filter((n) => /^room_hands_m\d{6}$/.test(n)).sort()) {
      const y = Number(name.slice(12, 16));
      const m = Number(name.slice(16, 18));
      const to = Date.UTC(y, m, 1);
      if (to > cutoffMs) continue;
      const rows = await this.#store.reader.query(`SELECT 1 FROM ${name} LIMIT 1`);
      if (rows.length > 0) continue;
      await this.#store.unitOfWork((tx) => tx.run(`DROP TABLE ${name}`), { label: 'retention.partition.drop' });
      dropped.push(name);
    }
    return { created, dropped, blocked };
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
    const ndjson = lines.length === 0 ? '' : `${lines.join('\n')}\n`;
    const gz = gzipSync(ndjson);
    const id = newId('ar');
    const stamp = new Date(nowMs).toISOString().slice(0, 10);
    const folder = join(this.#dir, rule.table);
    mkdirSync(folder, { recursive: true });
    const file = `${stamp}_${id}.ndjson.gz`;
    const manifest: ArchiveManifest = {
      format: 'fairground.archive.v1',
      id,
      table: rule.table,
      groupColumn: rule.groupColumn,
      groups,
      rows: lines.length,
      cutoffMs,
      createdAtMs: nowMs,
      file,
      sha256: createHash('sha256').update(gz).digest('hex'),
      ndjsonSha256: createHash('sha256').update(ndjson).digest('hex'),
    };
    writeDurably(join(folder, file), gz);
    writeDurably(join(folder, `${stamp}_${id}.manifest.json`), `${JSON.stringify(manifest, null, 2)}\n`);
    await this.#store.unitOfWork(
      async (tx) => {
        for (const g of groups) await tx.run(`DELETE FROM ${rule.table} WHERE ${rule.groupColumn} = ?`, [g]);
        await tx.run(
          'INSERT INTO retention_archives (id, table_name, file, rows_count, groups_count, sha256, cutoff_ms, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
          [id, rule.table, join(rule.table, file), lines.length, groups.length, manifest.sha256, cutoffMs, tx.nowMs],
        );
      },
      { label: `retention.archive.${rule.table}` },
    );
    return { table: rule.table, archiveId: id, rows: lines.length, groups: groups.length };
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

// The audit log: who did what, to what, when, and what it looked like before and after. Every
// operator action writes one entry in the same unit of work as the action itself, so an action
// without its entry cannot exist. Entries are never changed or removed.
import { assert, newId } from '@fairground/core';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';

export const AUDIT_PAGE_MAX = 200;
const ACTION_PATTERN = /^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$/;
// The largest before/after is a published agreement: four texts of up to 4,000 characters each.
const JSON_BYTES_MAX = 64 * 1024;

export interface AuditEntryInput {
  /** `null` id for actions taken by the system itself (bootstrap), with a descriptive username. */
  readonly operator: { readonly id: string | null; readonly username: string };
  /** `<area>.<verb>`, e.g. `wallet.adjust`, `operator.login`, `ledger.check_invariants`. */
  readonly action: string;
  readonly target?: { readonly kind: string; readonly id: string };
  readonly reason?: string;
  readonly before?: unknown;
  readonly after?: unknown;
  readonly requestId?: string;
  readonly ip?: string;
}

export interface AuditEntry {
  readonly seq: number;
  readonly id: string;
  readonly operatorId: string | null;
  readonly operatorUsername: string;
  readonly action: string;
  readonly targetKind: string | null;
  readonly targetId: string | null;
  readonly reason: string | null;
  readonly before: unknown;
  readonly after: unknown;
  readonly ip: string | null;
  readonly atMs: number;
}

export interface AuditQuery {
  readonly operatorId?: string;
  readonly action?: string;
  readonly targetId?: string;
  /** Entries older than this seq (the previous page's `nextCursor`). */
  readonly beforeSeq?: number;
  readonly limit?: number;
}

export interface AuditLog {
  record(tx: Tx, entry: AuditEntryInput): Promise<void>;
  list(query: AuditQuery): Promise<{ items: AuditEntry[]; nextCursor: string | null }>;
}

function toJson(value: unknown): string | null {
  if (value === undefined) return null;
  const text = JSON.stringify(value);
  assert(text.length <= JSON_BYTES_MAX, 'audit before/after is too large');
  return text;
}

interface AuditRow {
  seq: unknown;
  id: string;
  operator_id: string | null;
  operator_username: string;
  action: string;
  target_kind: string | null;
  target_id: string | null;
  reason: string | null;
  before_json: string | null;
  after_json: string | null;
  ip: string | null;
  at_ms: unknown;
}

/** The WHERE clauses and parameters of a page's filters (the page size is added by the caller). */
function auditFilter(q: AuditQuery): { where: string[]; params: (string | number)[] } {
  const where: string[] = [];
  const params: (string | number)[] = [];
  if (q.operatorId !== undefined) {
    where.push('operator_id = ?');
    params.push(q.operatorId);
  }
  if (q.action !== undefined) {
    where.push('action = ?');
    params.push(q.action);
  }
  if (q.targetId !== undefined) {
    where.push('target_id = ?');
    params.push(q.targetId);
  }
  if (q.beforeSeq !== undefined) {
    where.push('seq < ?');
    params.push(q.beforeSeq);
  }
  return { where, params };
}

/** One audit row as the console shows it. */
function entryFromRow(r: AuditRow): AuditEntry {
  return {
    seq: intFromDb(r.seq),
    id: r.id,
    operatorId: r.operator_id,
    operatorUsername: r.operator_username,
    action: r.action,
    targetKind: r.target_kind,
    targetId: r.target_id,
    reason: r.reason,
    before: r.before_json === null ? null : JSON.parse(r.before_json),
    after: r.after_json === null ? null : JSON.parse(r.after_json),
    ip: r.ip,
    atMs: intFromDb(r.at_ms),
  };
}

export function createAuditLog(reader: Reader): AuditLog {
  return {
    async record(tx, e) {
      assert(ACTION_PATTERN.test(e.action), `audit action ${JSON.stringify(e.action)}`);
      await tx.run(
        `INSERT INTO admin_audit (id, operator_id, operator_username, action, target_kind, target_id, reason, before_json, after_json, request_id, ip, at_ms)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        [
          newId('au'),
          e.operator.id,
          e.operator.username,
          e.action,
          e.target?.kind ?? null,
          e.target?.id ?? null,
          e.reason ?? null,
          toJson(e.before),
          toJson(e.after),
          e.requestId ?? null,
          e.ip ?? null,
          tx.nowMs,
        ],
      );
    },
    async list(q) {
      const limit = Math.min(Math.max(q.limit ?? 50, 1), AUDIT_PAGE_MAX);
      const { where, params } = auditFilter(q);
      params.push(limit + 1);
      const rows = await reader.query<AuditRow>(
        `SELECT seq, id, operator_id, operator_username, action, target_kind, target_id, reason, before_json, after_json, ip, at_ms
           FROM admin_audit ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`,
        params,
      );
      const items = rows.slice(0, limit).map(entryFromRow);
      const last = items[items.length - 1];
      return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
    },
  };
}

// Small helpers shared by the adapters and the domains' SQL code.
import { AppError, CoreErrors } from '@fairground/core';

/** Converts an integer column (string from PostgreSQL int8, number or bigint from SQLite) to a safe integer. */
export function intFromDb(value: unknown): number {
  if (typeof value === 'number' && Number.isSafeInteger(value)) return value;
  if (typeof value === 'bigint' && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= -BigInt(Number.MAX_SAFE_INTEGER)) {
    return Number(value);
  }
  if (typeof value === 'string' && /^-?(0|[1-9][0-9]{0,15})$/.test(value)) {
    const n = Number(value);
    if (Number.isSafeInteger(n)) return n;
  }
  throw new AppError(CoreErrors.INTERNAL, { reason: 'integer column out of range', value: String(value) });
}

export function intOrNullFromDb(value: unknown): number | null {
  return value === null || value === undefined ? null : intFromDb(value);
}

/** `?, ?, ?` for n placeholders. */
export function placeholders(n: number): string {
  return new Array<string>(n).fill('?').join(', ');
}

/** Rewrites `?` placeholders to PostgreSQL's `$1, $2, …`, leaving quoted text alone. */
export function numberPlaceholders(sql: string): string {
  let out = '';
  let n = 0;
  let quote: string | null = null;
  for (const ch of sql) {
    if (quote) {
      if (ch === quote) quote = null;
      out += ch;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      out += ch;
    } else if (ch === '?') {
      n += 1;
      out += `$${n}`;
    } else {
      out += ch;
    }
  }
  return out;
}

/**
 * Whether a database error is a unique-constraint violation: PostgreSQL SQLSTATE 23505, SQLite
 * SQLITE_CONSTRAINT_UNIQUE (2067) or SQLITE_CONSTRAINT_PRIMARYKEY (1555), also when wrapped as a
 * flush failure. Two concurrent requests that both found nothing and both inserted end here; the
 * domain answers the loser with its own code or the winner's result, never the raw error.
 */
export function isUniqueViolation(e: unknown): boolean {
  for (let x: unknown = e, depth = 0; x !== null && typeof x === 'object' && depth < 3; x = (x as { cause?: unknown }).cause, depth++) {
    const { code, errcode } = x as { code?: unknown; errcode?: unknown };
    if (code === '23505' || errcode === 2067 || errcode === 1555) return true;
  }
  return false;
}

// Analytics: an append-only log of what happened (logins, rooms created, rooms that failed to be
// created, …). An event is written in the same unit of work as the change it records, so the log
// never claims something that rolled back, and never misses something that committed.
import { newId } from '@fairground/core';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';

export { analyticsMigrations } from './migrations.ts';

/** Event kinds are snake_case, past tense where they record a fact (`player_logged_in`). */
const KIND_PATTERN = /^[a-z][a-z0-9_]{1,63}$/;
export const EVENT_DATA_ENTRIES_MAX = 32;
export const EVENT_DATA_VALUE_LENGTH_MAX = 512;
export const EVENTS_PAGE_MAX = 200;

export type EventValue = string | number | boolean | null;

export interface AnalyticsEvent {
  readonly kind: string;
  readonly actor?: { readonly kind: 'player' | 'operator' | 'system'; readonly id: string };
  readonly data?: Readonly<Record<string, EventValue>>;
}

export interface StoredEvent {
  readonly seq: number;
  readonly id: string;
  readonly kind: string;
  readonly actorKind: string | null;
  readonly actorId: string | null;
  readonly atMs: number;
  readonly data: Record<string, EventValue>;
}

export interface Analytics {
  /** Appends inside the caller's unit of work; the event commits or rolls back with it. */
  append(tx: Tx, event: AnalyticsEvent): Promise<void>;
  list(query: { kind?: string; afterSeq?: number; limit?: number }): Promise<StoredEvent[]>;
}

function checkEvent(event: AnalyticsEvent): void {
  if (!KIND_PATTERN.test(event.kind)) throw new Error(`assertion failed: analytics event kind ${JSON.stringify(event.kind)}`);
  const entries = Object.entries(event.data ?? {});
  if (entries.length > EVENT_DATA_ENTRIES_MAX) throw new Error(`assertion failed: analytics event ${event.kind} has too many fields`);
  for (const [key, value] of entries) {
    if (typeof value === 'string' && value.length > EVENT_DATA_VALUE_LENGTH_MAX) {
      throw new Error(`assertion failed: analytics event ${event.kind}.${key} is too long`);
    }
    if (typeof value === 'number' && !Number.isSafeInteger(value)) {
      throw new Error(`assertion failed: analytics event ${event.kind}.${key} must be an integer`);
    }
  }
}

export function createAnalytics(reader: Reader): Analytics {
  return {
    async append(tx, event) {
      checkEvent(event);
      await tx.run('INSERT INTO analytics_events (id, kind, actor_kind, actor_id, at_ms, data) VALUES (?, ?, ?, ?, ?, ?)', [
        newId('ev'),
        event.kind,
        event.actor?.kind ?? null,
        event.actor?.id ?? null,
        tx.nowMs,
        JSON.stringify(event.data ?? {}),
      ]);
    },
    async list(query) {
      const limit = Math.min(Math.max(query.limit ?? 50, 1), EVENTS_PAGE_MAX);
      const where: string[] = ['seq > ?'];
      const params: (string | number)[] = [query.afterSeq ?? 0];
      if (query.kind !== undefined) {
        where.push('kind = ?');
        params.push(query.kind);
      }
      params.push(limit);
      const rows = await reader.query<{
        seq: unknown;
        id: string;
        kind: string;
        actor_kind: string | null;
        actor_id: string | null;
        at_ms: unknown;
        data: string;
      }>(
        `SELECT seq, id, kind, actor_kind, actor_id, at_ms, data FROM analytics_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
        params,
      );
      return rows.map((r) => ({
        seq: intFromDb(r.seq),
        id: r.id,
        kind: r.kind,
        actorKind: r.actor_kind,
        actorId: r.actor_id,
        atMs: intFromDb(r.at_ms),
        data: JSON.parse(r.data) as Record<string, EventValue>,
      }));
    },
  };
}

// Analytics: an append-only log of what happened (logins, rooms created, rooms that failed to be
// created, …). An event is written in the same unit of work as the change it records, so the log
// never claims something that rolled back, and never misses something that committed.
import { assert, newId } from '@fairground/core';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { VIP_DEPOSITS_FEN_DEFAULT } from './limits.ts';
import type { Tier } from './metrics.ts';
import { readPlayerTierRow, recordDeposit, tierAt } from './tiers.ts';

export { analyticsMigrations } from './migrations.ts';
export { AnalyticsErrors } from './errors.ts';
export { METRIC_DEFINITIONS, METRIC_IDS, type MetricId, type MetricResult, TIERS, type Tier } from './metrics.ts';
export { VIP_DEPOSITS_FEN_DEFAULT, ALERT_JOB_INTERVAL_MS_DEFAULT, ALERT_SAMPLE_MIN_DEFAULT } from './limits.ts';
export { analyticsContract } from './contract.ts';
export { csvLine, isoTime } from './csv.ts';
export { createOperating, type Operating, type OperatingOptions } from './operations.ts';
export type { Alert, AlertMetricId, GaugeAlert } from './alerts.ts';
export type { OperatingReport } from './reports.ts';
export { EXPORT_KINDS, type ExportKind } from './exports.ts';
export type {
  AnalyticsReads,
  LiveRoomState,
  OperatorRef,
  PaymentOrderLine,
  PaymentTables,
  RoomListItem,
  RoomOrderRow,
  RoomTables,
  SealedHandRow,
  TransferTables,
} from './ports.ts';

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
  /** The newest events of one kind, newest first. */
  recent(kind: string, limit: number): Promise<StoredEvent[]>;
  /** A player's tier (new, paying, vip) from their credited deposits, now. */
  tierOf(playerId: string): Promise<PlayerTier>;
  /** Cumulative deposits from which a player is a VIP. */
  readonly vipFromFen: number;
}

export interface PlayerTier {
  readonly tier: Tier;
  readonly depositsFen: number;
  readonly vipFromFen: number;
  readonly vipSinceMs: number | null;
}

export interface AnalyticsOptions {
  /**
   * The region a player's requests come from now (`CN`, `US-TX`), stamped on the events they cause
   * so the metrics can be broken down by region. Null when unknown.
   */
  readonly regionOf?: (playerId: string) => string | null;
  /** Cumulative credited deposits (fen) from which a player is a VIP; default VIP_DEPOSITS_FEN_DEFAULT. */
  readonly vipFromFen?: number;
}

function checkEvent(event: AnalyticsEvent): void {
  assert(KIND_PATTERN.test(event.kind), `analytics event kind ${JSON.stringify(event.kind)}`);
  const entries = Object.entries(event.data ?? {});
  assert(entries.length <= EVENT_DATA_ENTRIES_MAX, `analytics event ${event.kind} has too many fields`);
  for (const [key, value] of entries) {
    assert(!(typeof value === 'string' && value.length > EVENT_DATA_VALUE_LENGTH_MAX), `analytics event ${event.kind}.${key} is too long`);
    assert(!(typeof value === 'number' && !Number.isSafeInteger(value)), `analytics event ${event.kind}.${key} must be an integer`);
  }
}

interface EventRow {
  seq: unknown;
  id: string;
  kind: string;
  actor_kind: string | null;
  actor_id: string | null;
  at_ms: unknown;
  data: string;
}

function storedEvent(r: EventRow): StoredEvent {
  return {
    seq: intFromDb(r.seq),
    id: r.id,
    kind: r.kind,
    actorKind: r.actor_kind,
    actorId: r.actor_id,
    atMs: intFromDb(r.at_ms),
    data: JSON.parse(r.data) as Record<string, EventValue>,
  };
}

export function createAnalytics(reader: Reader, options: AnalyticsOptions = {}): Analytics {
  const vipFromFen = options.vipFromFen ?? VIP_DEPOSITS_FEN_DEFAULT;
  assert(Number.isSafeInteger(vipFromFen) && vipFromFen > 0, 'vipFromFen is a positive integer');
  return {
    vipFromFen,
    async append(tx, event) {
      checkEvent(event);
      const data: Record<string, EventValue> = { ...(event.data ?? {}) };
      const playerId = event.actor?.kind === 'player' ? event.actor.id : null;
      if (playerId !== null && data.region === undefined && Object.keys(data).length < EVENT_DATA_ENTRIES_MAX) {
        const region = options.regionOf?.(playerId) ?? null;
        if (region !== null) data.region = region;
      }
      // Nothing here reads the insert's outcome: it crosses with the unit's next statement.
      tx.write('INSERT INTO analytics_events (id, kind, actor_kind, actor_id, at_ms, data) VALUES (?, ?, ?, ?, ?, ?)', [
        newId('ev'),
        event.kind,
        event.actor?.kind ?? null,
        event.actor?.id ?? null,
        tx.nowMs,
        JSON.stringify(data),
      ]);
      // The tier dimension is kept beside the log in the same unit, so it never disagrees with it.
      if (event.kind === 'deposit_credited' && playerId !== null && typeof data.amountFen === 'number' && data.amountFen > 0) {
        await recordDeposit(tx, playerId, data.amountFen, vipFromFen);
      }
    },
    async tierOf(playerId) {
      const row = await readPlayerTierRow(reader, playerId);
      return {
        tier: tierAt(row, Number.MAX_SAFE_INTEGER),
        depositsFen: row?.depositsFen ?? 0,
        vipFromFen,
        vipSinceMs: row?.vipSinceMs ?? null,
      };
    },
    async recent(kind, limit) {
      const n = Math.min(Math.max(Math.trunc(limit), 1), EVENTS_PAGE_MAX);
      const rows = await reader.query<EventRow>(
        'SELECT seq, id, kind, actor_kind, actor_id, at_ms, data FROM analytics_events WHERE kind = ? ORDER BY seq DESC LIMIT ?',
        [kind, n],
      );
      return rows.map(storedEvent);
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
      const rows = await reader.query<EventRow>(
        `SELECT seq, id, kind, actor_kind, actor_id, at_ms, data FROM analytics_events WHERE ${where.join(' AND ')} ORDER BY seq LIMIT ?`,
        params,
      );
      return rows.map(storedEvent);
    },
  };
}

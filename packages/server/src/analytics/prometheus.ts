// Service metrics for Prometheus beyond the request metrics every node has (ops/http.ts): rooms
// live on this node and their connections, rooms by status, ledger transfers by code (a counter
// fed incrementally from the transfer sequence, so a scrape never rescans the ledger), payment
// provider errors over the last hour, the provider circuit breaker, and open alerts.
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { PROVIDER_ERROR_WINDOW_MS, TRANSFER_COUNT_STEP_MAX } from './limits.ts';

export interface ServiceMetricsSources {
  readonly reader: Reader;
  readonly nowMs: () => number;
  /** Rooms held in memory by this node, and the sockets connected to them. */
  readonly liveRooms: () => number;
  readonly roomConnections: () => number;
  /** The payment provider's circuit breaker: closed, half_open or open. */
  readonly breakerState: () => string;
}

/** Payment event kinds that record a provider failing or disagreeing (payments' own vocabulary). */
export const PROVIDER_ERROR_KINDS = [
  'provider_create_failed',
  'provider_close_failed',
  'provider_submit_failed',
  'provider_refused',
  'provider_mismatch',
  'abnormal',
] as const;

const BREAKER_VALUE: Readonly<Record<string, number>> = { closed: 0, half_open: 1, open: 2 };

export function registerServiceMetrics(registry: MetricsRegistry, s: ServiceMetricsSources): void {
  registry.gauge('fg_rooms_live', 'rooms held in memory by this node', () => s.liveRooms());
  registry.gauge('fg_room_connections', 'WebSocket connections to rooms on this node', () => s.roomConnections());
  const byStatus = registry.gauge('fg_rooms', 'rooms by status (all nodes)');
  const transfers = registry.counter(
    'fg_ledger_transfers_total',
    'ledger transfers by code and asset (counted from the transfer sequence)',
  );
  const providerErrors = registry.gauge(
    'fg_payment_provider_errors',
    'payment provider failures and disagreements in the last hour, by kind',
  );
  registry.gauge(
    'fg_payment_breaker_state',
    'payment provider circuit breaker: 0 closed, 1 half open, 2 open',
    () => BREAKER_VALUE[s.breakerState()] ?? -1,
  );
  const alertsOpen = registry.gauge('fg_alerts_open', 'operating-metric alerts open now');

  let countedSeq: number | null = null;
  registry.onCollect(async () => {
    const rows = await s.reader.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM rooms GROUP BY status');
    for (const status of ['waiting', 'playing', 'finished', 'dissolved']) byStatus.set(0, { status });
    for (const r of rows) byStatus.set(intFromDb(r.n), { status: r.status });
  });
  registry.onCollect(async () => {
    // The highest seq (with several ledger chain shards there is no single head row).
    const head = intFromDb((await s.reader.query<{ seq: unknown }>('SELECT MAX(seq) AS seq FROM ledger_transfers'))[0]?.seq ?? 0);
    const from = countedSeq ?? 0;
    const to = Math.min(head, from + TRANSFER_COUNT_STEP_MAX);
    if (to > from) {
      const rows = await s.reader.query<{ code: string; asset: string; n: unknown }>(
        'SELECT code, asset, COUNT(*) AS n FROM ledger_transfers WHERE seq > ? AND seq <= ? GROUP BY code, asset',
        [from, to],
      );
      for (const r of rows) transfers.inc({ code: r.code, asset: r.asset }, intFromDb(r.n));
    }
    countedSeq = to;
  });
  registry.onCollect(async () => {
    const rows = await s.reader.query<{ kind: string; n: unknown }>(
      `SELECT kind, COUNT(*) AS n FROM payment_events WHERE at_ms >= ? AND kind IN (${PROVIDER_ERROR_KINDS.map(() => '?').join(', ')}) GROUP BY kind`,
      [s.nowMs() - PROVIDER_ERROR_WINDOW_MS, ...PROVIDER_ERROR_KINDS],
    );
    for (const kind of PROVIDER_ERROR_KINDS) providerErrors.set(0, { kind });
    for (const r of rows) providerErrors.set(intFromDb(r.n), { kind: r.kind });
  });
  registry.onCollect(async () => {
    const rows = await s.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM analytics_alerts WHERE state = 'open'");
    alertsOpen.set(intFromDb(rows[0]?.n ?? 0));
  });
}

// Service metrics for Prometheus beyond the request metrics every node has (ops/http.ts): rooms
// live on this node and their connections, rooms by status, ledger transfers by code (a counter
// fed incrementally from the transfer sequence, so a scrape never rescans the ledger), payment
// provider errors over the last hour, the provider circuit breaker, and open alerts.
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { PROVIDER_ERROR_WINDOW_MS, TRANSFER_COUNT_STEP_MAX } from './limits.ts';
import type { AnalyticsReads } from './ports.ts';

export interface ServiceMetricsSources {
  /** Analytics' own tables (alerts). */
  readonly reader: Reader;
  /** Rooms by status, transfers by code and provider failures, read by the domains that own them. */
  readonly reads: AnalyticsReads;
  readonly nowMs: () => number;
  /** Rooms held in memory by this node, and the sockets connected to them. */
  readonly liveRooms: () => number;
  readonly roomConnections: () => number;
  /** The payment provider's circuit breaker: closed, half_open or open. */
  readonly breakerState: () => string;
}

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
    const counts = await s.reads.rooms.countsByStatus();
    for (const status of ['waiting', 'playing', 'finished', 'dissolved']) byStatus.set(0, { status });
    for (const r of counts) byStatus.set(r.rooms, { status: r.status });
  });
  registry.onCollect(async () => {
    // The highest seq (with several ledger chain shards there is no single head row).
    const head = await s.reads.transfers.maxSeq();
    const from = countedSeq ?? 0;
    const to = Math.min(head, from + TRANSFER_COUNT_STEP_MAX);
    if (to > from) {
      for (const r of await s.reads.transfers.countsByCode(from, to)) transfers.inc({ code: r.code, asset: r.asset }, r.transfers);
    }
    countedSeq = to;
  });
  registry.onCollect(async () => {
    for (const r of await s.reads.payments.providerErrorsSince(s.nowMs() - PROVIDER_ERROR_WINDOW_MS))
      providerErrors.set(r.events, { kind: r.kind });
  });
  registry.onCollect(async () => {
    const rows = await s.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM analytics_alerts WHERE state = 'open'");
    alertsOpen.set(intFromDb(rows[0]?.n ?? 0));
  });
}

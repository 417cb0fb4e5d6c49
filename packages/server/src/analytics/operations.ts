// The analytics domain's operating side, built once by the composition root: reports, alerts
// (evaluated by the `analytics.alerts` job), exports, service metrics and the endpoints.
import type { Clock } from '@fairground/core';
import type { AuditLog } from '../audit/index.ts';
import type { Implementation } from '../http/routes.ts';
import type { Ledger } from '../ledger/index.ts';
import type { MetricsRegistry } from '../ops/metrics.ts';
import type { Store } from '../storage/ports.ts';
import { Alerts, type GaugeAlert } from './alerts.ts';
import { Exports } from './exports.ts';
import type { Analytics } from './index.ts';
import type { AnalyticsReads, LiveRoomState } from './ports.ts';
import { registerServiceMetrics, type ServiceMetricsSources } from './prometheus.ts';
import { Reports } from './reports.ts';
import { RoomRecords } from './room-records.ts';
import { analyticsRoutes } from './routes.ts';

export interface OperatingOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  /** The other domains' reads of the records analytics reports on (bound by the composition root). */
  readonly reads: AnalyticsReads;
  readonly openHand: (sealed: string, roomId: string, handNumber: number) => string;
  /** A room's live state if this process holds it (for the operators' spectator view). */
  readonly liveRoom: (roomId: string) => LiveRoomState | null;
  /** A room's hand records read back from the retention archive (null: never archived). */
  readonly archivedHands?: (roomId: string) => Promise<{ archivedAtMs: number; rows: Record<string, unknown>[] } | null>;
  readonly alertWebhookUrl?: string | undefined;
  readonly alertWindowMs?: number;
  readonly alertSampleMin?: number;
  /** Live readings of other domains with alert lines (the notary's attestation lag). */
  readonly alertGauges?: readonly GaugeAlert[];
  readonly fetch?: typeof fetch;
}

export interface Operating {
  readonly reports: Reports;
  readonly alerts: Alerts;
  readonly exports: Exports;
  readonly rooms: RoomRecords;
  readonly routes: Record<string, Implementation>;
  registerMetrics(registry: MetricsRegistry, sources: Omit<ServiceMetricsSources, 'reader' | 'reads' | 'nowMs'>): void;
}

export function createOperating(o: OperatingOptions): Operating {
  const reports = new Reports({
    reader: o.store.reader,
    clock: o.clock,
    ledger: o.ledger,
    ...(o.alertSampleMin !== undefined ? { alertSampleMin: o.alertSampleMin } : {}),
  });
  const alerts = new Alerts({
    store: o.store,
    clock: o.clock,
    reports,
    webhookUrl: o.alertWebhookUrl,
    ...(o.alertWindowMs !== undefined ? { windowMs: o.alertWindowMs } : {}),
    ...(o.alertGauges ? { gauges: o.alertGauges } : {}),
    ...(o.fetch ? { fetch: o.fetch } : {}),
  });
  const exports = new Exports({ store: o.store, clock: o.clock, audit: o.audit, reads: o.reads, openHand: o.openHand });
  const rooms = new RoomRecords({
    store: o.store,
    audit: o.audit,
    rooms: o.reads.rooms,
    liveState: o.liveRoom,
    openHand: o.openHand,
    ...(o.archivedHands ? { archivedHands: o.archivedHands } : {}),
  });
  return {
    reports,
    alerts,
    exports,
    rooms,
    routes: analyticsRoutes({
      analytics: o.analytics,
      reports,
      alerts,
      exports,
      rooms,
      ledger: o.ledger,
      transfers: o.reads.transfers,
      store: o.store,
      nowMs: () => o.clock.nowMs(),
    }),
    registerMetrics(registry, sources) {
      registerServiceMetrics(registry, { ...sources, reader: o.store.reader, reads: o.reads, nowMs: () => o.clock.nowMs() });
    },
  };
}

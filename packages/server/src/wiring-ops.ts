// Composition root, operations: the start-up report of every port's adapter, this node's
// Prometheus metrics, and the health, readiness and metrics endpoints.
import { adapterReport, type PortReport } from './bindings.ts';
import { registerBreakerMetrics } from './cluster/index.ts';
import { calendarWarningLine } from './compliance/index.ts';
import { transferReads } from './ledger/index.ts';
import { registerOps } from './ops/http.ts';
import { MetricsRegistry } from './ops/metrics.ts';
import type { Root } from './platform-options.ts';
import type { RouteParts } from './wiring-routes.ts';

/** Every port with its adapter, stand-ins marked. */
export function portReport(r: Root, d: { readonly leaderboards: { readonly adapter: string }; readonly cluster: unknown }): PortReport[] {
  const { o, config, store, adapters } = r;
  const { cluster } = d;
  return [
    { port: 'store', adapter: store.dialect, standIn: false },
    ...adapterReport(adapters),
    { port: 'notifications-bus', adapter: config.redisUrl ? 'redis pub/sub' : 'this process', standIn: false },
    { port: 'leaderboards', adapter: d.leaderboards.adapter, standIn: false },
    { port: 'rooms-directory', adapter: cluster ? 'redis leases (cluster)' : 'this process holds every room', standIn: false },
    { port: 'rate-limits', adapter: (o.rateLimitPer10s ?? 0) > 0 ? (cluster ? 'redis' : 'this process') : 'off', standIn: false },
    { port: 'job-leader', adapter: o.leader?.adapter ?? 'this process', standIn: false },
    { port: 'geo', adapter: `geoip-country database + ${(config.geoOverrides ?? []).length} overrides`, standIn: false },
    { port: 'alerts', adapter: config.alertWebhookUrl ? 'webhook' : 'console only', standIn: false },
    { port: 'linked-accounts', adapter: 'risk: devices, WeChat accounts (sign-in, payer, payout), unionids', standIn: false },
  ];
}

/** This node's metrics (ledger, cluster, jobs, notary, breakers, operating) and the ops endpoints that serve them. */
export function registerPlatformOps(r: Root, d: RouteParts, isDraining: () => boolean): MetricsRegistry {
  const { config, store, breakers, production } = r;
  const { cluster, rooms, payments, ports } = d;
  const metrics = new MetricsRegistry();
  const ledgerSeq = metrics.gauge('fg_ledger_chain_seq', 'sequence number of the newest ledger transfer (its rate is the transfer rate)');
  metrics.onCollect(async () => {
    ledgerSeq.set(await transferReads(store.reader).maxSeq());
  });
  cluster?.registerMetrics(metrics);
  d.jobs.registerMetrics(metrics);
  d.notary.registerMetrics(metrics);
  if (breakers)
    registerBreakerMetrics(metrics, [
      breakers.identity,
      breakers.kyc,
      breakers.notary,
      breakers.faceCheck,
      ...(cluster ? [cluster.redis.breaker] : []),
    ]);
  d.operating.registerMetrics(metrics, {
    liveRooms: () => rooms.liveRooms,
    roomConnections: () => rooms.connections,
    breakerState: () => payments.ctx.breaker.state,
  });
  const standInPorts = ports.filter((p) => p.standIn).map((p) => p.port);
  registerOps(r.app, {
    registry: metrics,
    store,
    nodeId: r.nodeId,
    roles: r.roles,
    isDraining,
    degraded: standInPorts,
    standIns: Object.fromEntries(ports.filter((p) => p.standIn).map((p) => [p.port, p.adapter])),
    warnings: async () => (await d.calendars.warnings()).map(calendarWarningLine),
    // Production serves /metrics only to a holder of its bearer token; without one it is closed.
    metrics: config.metricsToken !== undefined ? { token: config.metricsToken } : production ? 'closed' : 'open',
  });
  return metrics;
}

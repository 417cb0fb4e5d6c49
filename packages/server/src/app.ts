// The composition root: every domain constructed once, with every port it needs bound here, on
// one store and one clock; the jobs that run periodically; and the HTTP server that serves the
// API, its OpenAPI document, the WebSockets and the web clients. The adapters for the ports that
// reach outside (sign-in, real-name check, play reporting, notary, face check, WeChat Pay) come
// from the caller: main.ts chooses them from configuration, tests pass their stand-ins. Nothing
// here branches on the environment's name.
import { type Clock, newId } from '@fairground/core';
import { type Accounts, accountsMigrations } from './accounts/index.ts';
import { type Analytics, analyticsMigrations, type Operating } from './analytics/index.ts';
import { type AuditLog, auditMigrations } from './audit/index.ts';
import type { PortReport } from './bindings.ts';
import { type Chat, chatMigrations } from './chat/index.ts';
import type { Cluster } from './cluster/index.ts';
import {
  type CalendarStatus,
  type ComplianceService,
  complianceMigrations,
  loadPolicyFile,
  type RealNamePresence,
} from './compliance/index.ts';
import { createHttpServer, serveClients } from './http/server.ts';
import { type Jobs, jobsMigrations } from './jobs/index.ts';
import { leaderboardsMigrations } from './leaderboards/index.ts';
import { Ledger } from './ledger/index.ts';
import { matchmakingMigrations } from './matchmaking/index.ts';
import { type NotaryService, notaryMigrations } from './notary/index.ts';
import { type Notifications, notificationsMigrations } from './notifications/index.ts';
import { CLIENT_MESSAGE_BYTES_MAX } from './notifications/limits.ts';
import type { MetricsRegistry } from './ops/metrics.ts';
import { type PaymentsEngine, paymentsMigrations } from './payments/index.ts';
import type { PlatformOptions, Role, Root } from './platform-options.ts';
import { type AccountClosure, privacyMigrations } from './privacy/index.ts';
import { type Promotions, promotionsMigrations } from './promotions/index.ts';
import { type Archiver, retentionMigrations } from './retention/index.ts';
import { type Risk, riskMigrations } from './risk/index.ts';
import { type Rooms, roomsMigrations } from './rooms/index.ts';
import { type Settings, settingsMigrations } from './settings/index.ts';
import { type SkillGames, skillMigrations } from './skill/index.ts';
import { skinsMigrations } from './skins/index.ts';
import type { Migration, Store } from './storage/ports.ts';
import { type Subscriptions, subscriptionsMigrations } from './subscriptions/index.ts';
import { type Support, supportMigrations } from './support/index.ts';
import { VOICE_FRAME_BYTES_MAX } from './voice/index.ts';
import { vpayMigrations } from './vpay/migrations.ts';
import { wechatMigrations } from './wechat/migrations.ts';
import { scheduleJobs } from './wiring-jobs.ts';
import { wireMoney } from './wiring-money.ts';
import { portReport, registerPlatformOps } from './wiring-ops.ts';
import { wirePlayers } from './wiring-players.ts';
import { type RouteParts, registerApi, servedInProduction } from './wiring-routes.ts';
import { wireTables } from './wiring-tables.ts';

export type { PlatformConfig, PlatformOptions, PlatformPaymentsOptions, Role } from './platform-options.ts';

/** Every domain's migrations, in the order they are applied. */
export const allMigrations: readonly Migration[] = [
  ...Ledger.migrations,
  ...analyticsMigrations,
  ...accountsMigrations,
  ...auditMigrations,
  ...notificationsMigrations,
  ...roomsMigrations,
  ...notaryMigrations,
  ...paymentsMigrations,
  ...leaderboardsMigrations,
  ...matchmakingMigrations,
  ...skillMigrations,
  ...complianceMigrations,
  ...privacyMigrations,
  ...retentionMigrations,
  ...riskMigrations,
  ...promotionsMigrations,
  ...jobsMigrations,
  ...wechatMigrations,
  ...settingsMigrations,
  ...skinsMigrations,
  ...vpayMigrations,
  ...supportMigrations,
  ...subscriptionsMigrations,
  ...chatMigrations,
];

/** Proxies on this machine (the usual nginx in front of one process) are trusted unless configured otherwise. */
const LOOPBACK = ['loopback'];
const ALL_ROLES: readonly Role[] = ['api', 'rooms', 'worker'];

export interface Platform {
  readonly app: Awaited<ReturnType<typeof createHttpServer>>;
  readonly store: Store;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly accounts: Accounts;
  readonly compliance: ComplianceService;
  /** The growth tables' archiver (null when no archive folder is configured). */
  readonly retention: Archiver | null;
  /** Players closing their own accounts, and the purge of closed accounts' real-name records. */
  readonly privacy: AccountClosure;
  /** The minors' holiday calendars: verification and how long they run (start-up log, console, alert). */
  readonly calendars: CalendarStatus;
  /** Real-name login/logout behaviour reporting; null when no play-reporting adapter is bound. */
  readonly realName: RealNamePresence | null;
  /** Signals, scores, review cases, restrictions, credit and complaints. */
  readonly risk: Risk;
  /** Bonus campaigns with wagering, invite rewards, platform points. */
  readonly promotions: Promotions;
  readonly analytics: Analytics;
  readonly audit: AuditLog;
  readonly notifications: Notifications;
  /** Prometheus metrics of this node; domains add their own. */
  readonly metrics: MetricsRegistry;
  /** The periodic jobs; main.ts starts them on worker nodes, tests run them on their clock. */
  readonly jobs: Jobs;
  /** Every port with its adapter, stand-ins marked (the start-up report). */
  readonly ports: readonly PortReport[];
  /** Marks the node as stopping: readiness answers 503 so load balancers stop sending to it. */
  drain(): void;
  readonly rooms: Rooms;
  /** Attestation of finished hands: the queue, the `notary.attest` job's pass, proofs and bundles. */
  readonly notary: NotaryService;
  readonly payments: PaymentsEngine;
  readonly skill: SkillGames;
  /** Operating metrics, alerts (run by the `analytics.alerts` job) and exports. */
  readonly operating: Operating;
  /** This node's part of the cluster, or null when one process holds every room. */
  readonly cluster: Cluster | null;
  /** Business settings (fees, skill catalogue, tournament templates, VIP and skins, the agreement). */
  readonly settings: Settings;
  /** Customer service: operators' answers to feedback and reports, the service hours. */
  readonly support: Support;
  /** WeChat subscription messages: consents, the queue, the sending job. */
  readonly subscriptions: Subscriptions;
  /** Table chat (messages, reports, restrictions). */
  readonly chat: Chat;
  close(): Promise<void>;
}

/** Applies every migration and opens the ledger's system accounts. Idempotent. */
export async function prepareStore(store: Store, clock: Clock, ledgerOptions: { chainShards?: number } = {}): Promise<Ledger> {
  await store.migrate(allMigrations);
  const ledger = new Ledger(store, { clock, ...ledgerOptions });
  await ledger.openSystemAccounts();
  return ledger;
}

export async function createPlatform(o: PlatformOptions): Promise<Platform> {
  const { config, store, clock, adapters } = o;
  const ledger = await prepareStore(store, clock, config.ledgerChainShards ? { chainShards: config.ledgerChainShards } : {});
  const app = await createHttpServer({
    bodyLimitBytes: config.bodyLimitBytes,
    trustedProxies: config.trustedProxies ?? LOOPBACK,
    logger: o.logger ?? { level: config.logLevel },
    // The room socket's voice offers are its largest frames; each socket still checks its own limit.
    socketMessageBytesMax: Math.max(CLIENT_MESSAGE_BYTES_MAX, VOICE_FRAME_BYTES_MAX),
  });
  const r: Root = {
    o,
    config,
    store,
    clock,
    adapters,
    app,
    nodeId: o.nodeId ?? newId('node'),
    roles: o.roles ?? ALL_ROLES,
    breakers: o.breakers,
    ledger,
    production: config.env === 'production',
  };
  const players = wirePlayers(r);
  const tables = await wireTables(r, players);
  const money = wireMoney(r, players, tables);
  const jobs = scheduleJobs(r, players, tables, money);
  const ports = portReport(r, { leaderboards: money.leaderboards, cluster: tables.cluster });
  const parts = { ...players, ...tables, ...money, ports, jobs };
  await registerApi(r, parts);
  const { cluster, rooms, payments, settings, notifications } = parts;
  // Live rooms come back from their event logs before the server takes requests; with several
  // processes, each room comes back on the node that claims its lease.
  if (cluster) await cluster.start();
  else await rooms.start();
  let draining = false;
  const metrics = registerPlatformOps(r, parts, () => draining);
  if (config.serveClients) await serveClients(app);

  await app.ready();
  return {
    ...platformParts(parts),
    app,
    store,
    clock,
    ledger,
    metrics,
    drain() {
      draining = true;
      cluster?.drain();
    },
    async close() {
      await jobs.stop();
      await payments.stop();
      // With several processes, rooms are handed over first: each finishes its queued events and another node claims it at once.
      if (cluster) {
        draining = true;
        await cluster.handOver();
      }
      // Rooms next: stop taking rooms and players, let every room finish its queued events, then close.
      await rooms.shutdown();
      await parts.skill.close();
      await settings.close();
      notifications.hub.closeAll();
      await app.close();
      await parts.bus.close();
      await cluster?.close();
    },
  };
}

/** The domains a caller of the platform reaches (main.ts, the CLI, tests). */
function platformParts(d: RouteParts) {
  return {
    accounts: d.accounts,
    compliance: d.compliance,
    calendars: d.calendars,
    privacy: d.closure,
    retention: d.archiver,
    realName: d.realName,
    risk: d.risk,
    promotions: d.promotions,
    analytics: d.analytics,
    audit: d.audit,
    notifications: d.notifications,
    rooms: d.rooms,
    notary: d.notary,
    jobs: d.jobs,
    ports: d.ports,
    cluster: d.cluster,
    payments: d.payments,
    skill: d.skill.skill,
    operating: d.operating,
    settings: d.settings,
    support: d.support,
    subscriptions: d.subscriptions,
    chat: d.chat,
  };
}

export { loadPolicyFile };

export { servedInProduction };

// The platform as one object: every domain wired to one store and one clock, and the Fastify app
// that serves the API, its OpenAPI document, the WebSocket and the two web clients. `main.ts`
// builds it from configuration; tests build it on a store of their choosing.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError, type Clock, CoreErrors, newId } from '@fairground/core';
import fastifyStatic from '@fastify/static';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import websocket from '@fastify/websocket';
import type { TSchema } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import { Value } from '@sinclair/typebox/value';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyServerOptions } from 'fastify';
import { type Accounts, accountsMigrations, accountsRoutes, createAccounts } from './accounts/index.ts';
import { type AuditLog, adminMigrations, adminRoutes, createAuditLog } from './admin/index.ts';
import { type Analytics, analyticsMigrations, createAnalytics, createOperating, type Operating } from './analytics/index.ts';
import {
  ComplianceService,
  complianceMigrations,
  complianceRoutes,
  Geo,
  kycIdentity,
  ledgerSpending,
  loadPolicyDir,
  loadPolicyFile,
  type Policy,
  PolicySet,
  RealNamePresence,
  type RealNameReporter,
  registerComplianceHooks,
  SandboxRealNameReporter,
} from './compliance/index.ts';
import type { Config } from './config.ts';
import { apiContract } from './http/contract.ts';
import { HttpErrors } from './http/errors.ts';
import { parseJsonBody } from './http/json.ts';
import { type Implementation, implement, registerEndpoint } from './http/routes.ts';
import { Ledger } from './ledger/index.ts';
import { createMemoryBus, createRedisBus, type NotificationBus, Notifications, notificationsMigrations } from './notifications/index.ts';
import { CLIENT_MESSAGE_BYTES_MAX } from './notifications/limits.ts';
import {
  Cluster,
  type ClusterOptions,
  clusterRoomRoutes,
  type DependencyBreakers,
  guardIdentityCheck,
  guardIdentityProvider,
  guardNotary,
  guardVerification,
  memoryRateLimiter,
  redisRateLimiter,
  registerBreakerMetrics,
  registerRateLimit,
} from './cluster/index.ts';
import { registerOps } from './ops/http.ts';
import { MetricsRegistry } from './ops/metrics.ts';
import type { Migration, Store } from './storage/ports.ts';
import { openPlayerWallets, walletRoutes } from './wallet/index.ts';
import {
  clientAddress,
  type PlatformRoomsOptions,
  roomRoutes,
  Rooms,
  roomsMigrations,
  SandboxNotary,
  sandboxIdentityCheck,
} from './rooms/index.ts';
import { analyticsRiskSignals } from './rooms/index.ts';
import { defaultRiskConfig, loadRiskConfig, Risk, type RiskConfig, riskMigrations, riskRoutes } from './risk/index.ts';
import { Promotions, promotionsMigrations, promotionsRoutes } from './promotions/index.ts';
import { createRedisLeaderboards, leaderboardsMigrations } from './leaderboards/index.ts';
import { matchmakingMigrations } from './matchmaking/index.ts';
import { createSkillPlatform, sessionsMigrations, type SkillGames, type SkillPlatformOptions } from './sessions/index.ts';
import {
  DEFAULT_SETTINGS,
  type PaymentProvider,
  PaymentsEngine,
  type PaymentsSettings,
  paymentsMigrations,
  paymentsRoutes,
  type RiskPort,
  NOTIFY_PATH,
  registerNotifyRoute,
  thresholdRisk,
  type WageringPort,
} from './payments/index.ts';

const packagesDir = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const WEB_DIST = join(packagesDir, 'web', 'dist');
export const ADMIN_DIST = join(packagesDir, 'admin', 'dist');

/** Every domain's migrations, in the order they are applied. */
export const allMigrations: readonly Migration[] = [
  ...Ledger.migrations,
  ...analyticsMigrations,
  ...accountsMigrations,
  ...adminMigrations,
  ...notificationsMigrations,
  ...roomsMigrations,
  ...paymentsMigrations,
  ...leaderboardsMigrations,
  ...matchmakingMigrations,
  ...sessionsMigrations,
  ...complianceMigrations,
  ...riskMigrations,
  ...promotionsMigrations,
];

export type PlatformConfig = Pick<
  Config,
  | 'env'
  | 'logLevel'
  | 'sessionSecret'
  | 'dataKey'
  | 'devLoginAllowed'
  | 'termsVersion'
  | 'accessTokenTtlS'
  | 'refreshTokenTtlS'
  | 'bodyLimitBytes'
  | 'wechatAppIds'
  | 'serveClients'
  | 'redisUrl'
> &
  Partial<Pick<Config, 'policyDir' | 'geoOverrides' | 'riskConfigFile' | 'alertWebhookUrl' | 'alertSampleMin' | 'vipDepositsFen'>>;

export interface PlatformOptions {
  readonly config: PlatformConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** The compliance policy; tests pass the deny-all one. */
  readonly policy: Policy;
  /** Extra endpoints (tests use this to exercise the route machinery with a stand-in play route). */
  readonly extraRoutes?: Record<string, Implementation>;
  /** This process's name in metrics and readiness answers (default: a random id). */
  readonly nodeId?: string;
  /** The roles this process plays: api, rooms, worker (default: all of them). */
  readonly roles?: readonly string[];
  /** Rooms' ports and limits (tests inject timers on the manual clock, policies, a notary, client addresses). */
  readonly rooms?: PlatformRoomsOptions;
  /** Skill games: sweep interval (0 in tests that call `skill.sweep()`; runs on worker nodes), catalogue, linked accounts. */
  readonly skill?: SkillPlatformOptions;
  /** Fastify logger options; defaults to pino at the configured level. */
  readonly logger?: FastifyServerOptions['logger'];
  /** The payment provider and the operator's payment settings; without a provider, payment routes answer PAYMENT_PROVIDER_NOT_CONFIGURED. */
  readonly payments?: PlatformPaymentsOptions;
  /** Further jurisdiction policies (beside config.policyDir), the real-name reporter (the sandbox by default). */
  readonly compliance?: PlatformComplianceOptions;
  /**
   * Several processes on one PostgreSQL and one Redis: rooms leased through Redis, players on any
   * node, messages between nodes on pub/sub (see cluster/). Absent: this process holds every room.
   */
  readonly cluster?: Omit<ClusterOptions, 'nodeId' | 'roles'>;
  /** Circuit breakers and timeouts in front of sign-in, real-name, notary and face-check providers (main.ts sets them). */
  readonly breakers?: DependencyBreakers;
  /** API requests one client may make per 10 s (on Redis across nodes when clustered); absent or 0: no limit. */
  readonly rateLimitPer10s?: number;
}

export interface PlatformComplianceOptions {
  readonly policies?: readonly Policy[];
  readonly reporter?: RealNameReporter;
  /** How often the real-name reports are swept and sent on worker nodes (0: never; tests call `realName.flush()`). */
  readonly realNameFlushMs?: number;
  /** Risk weights and thresholds (default: config.riskConfigFile, else the shipped defaults). */
  readonly riskConfig?: RiskConfig;
  /**
   * Whether withdrawals ask the risk engine. Default: yes, except in the test environment, where
   * other domains' tests keep the payments domain's own review threshold unless they ask.
   */
  readonly riskForPayments?: boolean;
}

export interface PlatformPaymentsOptions {
  readonly provider: PaymentProvider | null;
  readonly settings?: PaymentsSettings;
  /** Defaults to review at or above `settings.withdrawalReviewFromFen`. */
  readonly risk?: RiskPort;
  readonly wagering?: WageringPort;
  /** Where the provider posts notifications; main.ts sets it after listening when not configured. */
  readonly notifyUrl?: string;
  readonly outboxLeaseMs?: number;
  readonly autoReconcile?: boolean;
}

export interface Platform {
  readonly app: FastifyInstance;
  readonly store: Store;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly accounts: Accounts;
  readonly compliance: ComplianceService;
  /** Real-name login/logout behaviour reporting (the sandbox reporter unless one is given). */
  readonly realName: RealNamePresence;
  /** Signals, scores, review cases, restrictions, credit and complaints. */
  readonly risk: Risk;
  /** Bonus campaigns with wagering, invite rewards, platform points. */
  readonly promotions: Promotions;
  readonly analytics: Analytics;
  readonly audit: AuditLog;
  readonly notifications: Notifications;
  /** Prometheus metrics of this node; domains add their own. */
  readonly metrics: MetricsRegistry;
  /** Marks the node as stopping: readiness answers 503 so load balancers stop sending to it. */
  drain(): void;
  readonly rooms: Rooms;
  readonly payments: PaymentsEngine;
  readonly skill: SkillGames;
  /** Operating metrics, alerts (run by the `analytics.alerts` job) and exports. */
  readonly operating: Operating;
  /** This node's part of the cluster, or null when one process holds every room. */
  readonly cluster: Cluster | null;
  close(): Promise<void>;
}

/** Applies every migration and opens the ledger's system accounts. Idempotent. */
export async function prepareStore(store: Store, clock: Clock): Promise<Ledger> {
  await store.migrate(allMigrations);
  const ledger = new Ledger(store, { clock });
  await ledger.openSystemAccounts();
  return ledger;
}

export async function createPlatform(o: PlatformOptions): Promise<Platform> {
  const { config, store, clock } = o;
  const ledger = await prepareStore(store, clock);
  // Events are stamped with the region compliance last saw the player at (built below, so looked up late).
  const regionSource: { compliance: ComplianceService | null } = { compliance: null };
  const analytics = createAnalytics(store.reader, {
    regionOf: (playerId) => {
      const r = regionSource.compliance?.regionOf(playerId) ?? null;
      return r === null ? null : (r.subdivision ?? r.country);
    },
    ...(config.vipDepositsFen !== undefined ? { vipFromFen: config.vipDepositsFen } : {}),
  });
  const audit = createAuditLog(store.reader);
  const breakers = o.breakers;
  const bus: NotificationBus = config.redisUrl
    ? createRedisBus({ url: config.redisUrl, ...(o.cluster ? { channel: `${o.cluster.prefix}notifications` } : {}) })
    : createMemoryBus();
  const notifications = new Notifications({ store, bus });
  const accounts = createAccounts({
    store,
    clock,
    analytics,
    sessionSecret: config.sessionSecret,
    dataKey: config.dataKey,
    accessTokenTtlS: config.accessTokenTtlS,
    refreshTokenTtlS: config.refreshTokenTtlS,
    wechatAppIds: config.wechatAppIds,
    onPlayerCreated: (tx, playerId) => openPlayerWallets(ledger, tx, playerId),
    ...(breakers
      ? {
          guardIdentity: (p: Parameters<typeof guardIdentityProvider>[0]) => guardIdentityProvider(p, breakers.identity),
          guardVerification: (p: Parameters<typeof guardVerification>[0]) => guardVerification(p, breakers.kyc),
        }
      : {}),
  });
  const compliance = new ComplianceService({
    store,
    clock,
    policies: new PolicySet(o.policy, [
      ...(o.compliance?.policies ?? []),
      ...(config.policyDir ? loadPolicyDir(config.policyDir).map((f) => f.policy) : []),
    ]),
    identity: kycIdentity(accounts.kyc),
    spending: ledgerSpending(ledger),
    geo: new Geo(config.geoOverrides ?? []),
  });
  regionSource.compliance = compliance;
  const realName = new RealNamePresence({
    store,
    reporter: o.compliance?.reporter ?? new SandboxRealNameReporter(),
    nowMs: () => clock.nowMs(),
  });
  const risk = new Risk({
    store,
    clock,
    config: o.compliance?.riskConfig ?? (config.riskConfigFile ? loadRiskConfig(config.riskConfigFile) : defaultRiskConfig()),
    ledger,
    audit,
    analytics,
    addressOf: (playerId) => compliance.lastAddressOf(playerId),
  });
  compliance.useRestrictions(risk);
  const promotions = new Promotions({
    store,
    clock,
    ledger,
    audit,
    identity: kycIdentity(accounts.kyc),
    createdAtMsOf: async (playerId) => (await accounts.players.get(playerId))?.createdAtMs ?? null,
    addressOf: (playerId) => compliance.lastAddressOf(playerId),
  });
  const roomSignalLog = analyticsRiskSignals(analytics);

  const app = Fastify({
    logger: o.logger ?? { level: config.logLevel },
    bodyLimit: config.bodyLimitBytes,
    genReqId: () => newId('req'),
    routerOptions: { maxParamLength: 128 },
    // The API reads JSON only; everything else is refused with CONTENT_TYPE_UNSUPPORTED.
  });
  configureHttp(app, config.bodyLimitBytes);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Fairground API',
        version: '0.1.0',
        description:
          'Money fields are JSON integers in minor units (fen). Routes tagged `x-fairground-kind: money|play` ask the compliance policy first and need the current user agreement accepted. Errors are `{code, message, retryable, details?}` with a stable code.',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  await app.register(websocket, { options: { maxPayload: CLIENT_MESSAGE_BYTES_MAX } });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());

  const roomsOptions = o.rooms ?? {};
  const { addressOf: roomAddressOf, framesPerS: roomFramesPerS, framesBurstMax: roomFramesBurstMax, ...roomPorts } = roomsOptions;
  const addressOf = roomAddressOf ?? clientAddress;
  const cluster = o.cluster
    ? new Cluster(
        { ...o.cluster, nodeId: o.nodeId ?? newId('node'), roles: o.roles ?? ['api', 'rooms', 'worker'] },
        { reader: store.reader, log: app.log },
      )
    : null;
  const rooms = new Rooms({
    store,
    ledger,
    clock,
    analytics,
    notifier: notifications,
    players: accounts.players,
    dataKey: config.dataKey,
    log: app.log,
    // Compliance and risk answer the rooms' ports; tests may pass their own.
    policy: { limits: () => compliance.roomLimits(), playWindowEndMs: (playerId, nowMs) => compliance.playWindowEndMs(playerId, nowMs) },
    riskGate: { allows: (playerId, action) => risk.allows(playerId, action) },
    riskSignals: {
      async record(tx, signal) {
        await roomSignalLog.record(tx, signal);
        await risk.recordRoomSignal(tx, signal);
      },
    },
    ...roomPorts,
    ...(breakers
      ? {
          notary: guardNotary(roomPorts.notary ?? new SandboxNotary(), breakers.notary),
          identity: guardIdentityCheck(roomPorts.identity ?? sandboxIdentityCheck, breakers.faceCheck),
        }
      : {}),
    ...(cluster ? { directory: cluster.port } : {}),
  });
  cluster?.attach(rooms);

  const paymentsOptions = o.payments ?? { provider: null };
  const paymentSettings = paymentsOptions.settings ?? DEFAULT_SETTINGS;
  const payments = new PaymentsEngine({
    store,
    ledger,
    clock,
    provider: paymentsOptions.provider,
    notifier: notifications,
    audit,
    analytics,
    openidOf: async (playerId, appId) => (await accounts.players.identities(playerId)).find((i) => i.appId === appId)?.openid ?? null,
    settings: paymentSettings,
    risk:
      paymentsOptions.risk ??
      ((o.compliance?.riskForPayments ?? config.env !== 'test') ? risk : thresholdRisk(paymentSettings.withdrawalReviewFromFen)),
    wagering: paymentsOptions.wagering ?? promotions.wageringPort,
    ...(paymentsOptions.notifyUrl ? { notifyUrl: paymentsOptions.notifyUrl } : {}),
    ...(paymentsOptions.outboxLeaseMs ? { outboxLeaseMs: paymentsOptions.outboxLeaseMs } : {}),
    ...(paymentsOptions.autoReconcile !== undefined ? { autoReconcile: paymentsOptions.autoReconcile } : {}),
    log: app.log,
  });
  // A risk case's approve and reject decide the payments domain's withdrawal waiting in review.
  risk.connect({
    withdrawals: {
      inReview: async (playerId) =>
        (await payments.withdrawals.list({ playerId, state: 'review', limit: 20 })).map((w) => ({
          id: w.id,
          amountFen: w.amountFen,
          createdAtMs: w.createdAtMs,
        })),
      approve: async (op, id, note, meta) => {
        await payments.withdrawals.approve(op, id, note, meta);
      },
      reject: async (op, id, note, meta) => {
        await payments.withdrawals.reject(op, id, note, meta);
      },
    },
  });

  const skill = createSkillPlatform({
    store,
    ledger,
    clock,
    notifier: notifications,
    analytics,
    audit,
    players: accounts.players,
    redisUrl: config.redisUrl,
    ...(config.redisUrl && o.cluster
      ? { leaderboards: createRedisLeaderboards({ redis: config.redisUrl, keyPrefix: o.cluster.prefix }) }
      : {}),
    log: app.log,
    risk: {
      // A claimed score the server's replay does not confirm is a replay mismatch; other flags mark the session for review.
      sessionFlagged: async (tx, f) => {
        await risk.recordSignal(tx, {
          playerId: f.playerId,
          kind: f.flags.includes('score_mismatch') ? 'replay_mismatch' : 'skill_flagged',
          value: 1,
          subject: { kind: 'skill_session', id: f.sessionId },
          evidence: { flags: [...f.flags], mode: f.mode, timing: f.summary.timing },
        });
      },
      sessionTiming: (playerId, sessionId, intervalsMs) => risk.ingestTiming(playerId, sessionId, intervalsMs),
    },
    ...(o.skill ?? {}),
    ...((o.roles ?? ['worker']).includes('worker') ? {} : { sweepIntervalMs: 0 }),
  });

  const operating = createOperating({
    store,
    clock,
    ledger,
    audit,
    analytics,
    openHand: (sealed, roomId, handNumber) => rooms.sealer.openRecord(sealed, roomId, handNumber),
    liveRoom: (roomId) => rooms.actor(roomId)?.state ?? null,
    alertWebhookUrl: config.alertWebhookUrl,
    ...(config.alertSampleMin !== undefined ? { alertSampleMin: config.alertSampleMin } : {}),
  });

  const implementations: Record<string, Implementation> = {
    health: implement(apiContract.health, async () => {
      await store.reader.query('SELECT 1');
      return { ok: true as const, database: store.dialect, nowMs: clock.nowMs() };
    }),
    ...accountsRoutes({
      players: accounts.players,
      sessions: accounts.sessions,
      kyc: accounts.kyc,
      sandbox: accounts.sandbox,
      devLoginAllowed: config.devLoginAllowed,
      termsVersion: config.termsVersion,
    }),
    ...walletRoutes({ store, ledger, players: accounts.players, audit, notifier: notifications, analytics, clock }),
    ...notifications.routes(),
    ...(cluster
      ? clusterRoomRoutes(roomRoutes({ rooms, ledger, addressOf }), cluster, addressOf)
      : roomRoutes({ rooms, ledger, addressOf })),
    ...skill.routes,
    ...paymentsRoutes(payments),
    ...adminRoutes({ store, accounts, audit, analytics, termsVersion: config.termsVersion }),
    ...complianceRoutes({ store, compliance, players: accounts.players, audit }),
    ...riskRoutes({ risk, players: accounts.players, nowMs: () => clock.nowMs() }),
    ...promotionsRoutes({ promotions, players: accounts.players }),
    ...operating.routes,
  };
  const declared = Object.keys(apiContract).sort();
  const implemented = Object.keys(implementations).sort();
  if (declared.join() !== implemented.join()) {
    throw new Error(`assertion failed: contract and handlers differ: declared ${declared.join()} implemented ${implemented.join()}`);
  }
  registerComplianceHooks(app, { compliance, presence: realName, addressOf });
  if ((o.rateLimitPer10s ?? 0) > 0) {
    const limit = { limit: o.rateLimitPer10s as number, nowMs: () => clock.nowMs() };
    registerRateLimit(app, cluster ? redisRateLimiter(cluster.redis, cluster.keys, limit) : memoryRateLimiter(limit), [NOTIFY_PATH]);
  }
  const deps = { authenticator: accounts.authenticator, compliance, termsVersion: config.termsVersion };
  for (const [name, impl] of Object.entries({ ...implementations, ...(o.extraRoutes ?? {}) })) registerEndpoint(app, name, impl, deps);
  notifications.registerSocket(app, accounts.authenticator);
  skill.registerSocket(app, accounts.authenticator);
  rooms.registerSocket(app, accounts.authenticator, {
    addressOf,
    ...(roomFramesPerS !== undefined ? { framesPerS: roomFramesPerS } : {}),
    ...(roomFramesBurstMax !== undefined ? { framesBurstMax: roomFramesBurstMax } : {}),
    ...(cluster ? { remote: (roomId: string) => cluster.remoteRoom(roomId) } : {}),
  });
  await registerNotifyRoute(app, payments);
  // Live rooms come back from their event logs before the server takes requests; with several
  // processes, each room comes back on the node that claims its lease.
  if (cluster) await cluster.start();
  else await rooms.start();

  const metrics = new MetricsRegistry();
  let draining = false;
  const ledgerSeq = metrics.gauge('fg_ledger_chain_seq', 'sequence number of the newest ledger transfer (its rate is the transfer rate)');
  metrics.onCollect(async () => {
    const rows = await store.reader.query<{ seq: unknown }>('SELECT seq FROM ledger_chain WHERE id = 1');
    ledgerSeq.set(Number(rows[0]?.seq ?? 0));
  });
  cluster?.registerMetrics(metrics);
  if (breakers)
    registerBreakerMetrics(metrics, [
      breakers.identity,
      breakers.kyc,
      breakers.notary,
      breakers.faceCheck,
      ...(cluster ? [cluster.redis.breaker] : []),
    ]);
  operating.registerMetrics(metrics, {
    liveRooms: () => rooms.liveRooms,
    roomConnections: () => rooms.connections,
    breakerState: () => payments.ctx.breaker.state,
  });
  registerOps(app, {
    registry: metrics,
    store,
    nodeId: o.nodeId ?? newId('node'),
    roles: o.roles ?? ['api', 'rooms', 'worker'],
    isDraining: () => draining,
  });

  // Real-name reports leave from worker nodes: idle sessions are reported offline, waiting events sent.
  const realNameFlushMs = (o.roles ?? ['worker']).includes('worker') ? (o.compliance?.realNameFlushMs ?? 30_000) : 0;
  const realNameTimer =
    realNameFlushMs > 0
      ? setInterval(() => {
          realName
            .sweep()
            .then(() => realName.flush())
            .then(() => risk.pollEvents())
            .then(() => promotions.settleReferrals())
            .catch((err: unknown) => app.log.warn({ err }, 'real-name reporting failed; will retry'));
        }, realNameFlushMs)
      : null;
  realNameTimer?.unref();

  if (config.serveClients) await serveClients(app);

  await app.ready();
  return {
    app,
    store,
    clock,
    ledger,
    accounts,
    compliance,
    realName,
    risk,
    promotions,
    analytics,
    audit,
    notifications,
    rooms,
    metrics,
    drain() {
      draining = true;
      cluster?.drain();
    },
    cluster,
    payments,
    skill: skill.skill,
    operating,
    async close() {
      if (realNameTimer) clearInterval(realNameTimer);
      await payments.stop();
      // With several processes, rooms are handed over first: each finishes its queued events and another node claims it at once.
      if (cluster) {
        draining = true;
        await cluster.handOver();
      }
      // Rooms next: stop taking rooms and players, let every room finish its queued events, then close.
      await rooms.shutdown();
      await skill.close();
      notifications.hub.closeAll();
      await app.close();
      await bus.close();
      await cluster?.close();
    },
  };
}

function configureHttp(app: FastifyInstance, bodyLimitBytes: number): void {
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string', bodyLimit: bodyLimitBytes }, (_request, body, done) => {
    try {
      done(null, parseJsonBody(body as string));
    } catch (e) {
      done(e as Error, undefined);
    }
  });

  // TypeBox checks without coercion for bodies: `"100"` is not 100, and a missing field is not a
  // default. Path and query strings are converted to the schema's types first (they are text).
  app.setValidatorCompiler(({ schema, httpPart }) => {
    const typed = schema as TSchema;
    const check = TypeCompiler.Compile(typed);
    return (data: unknown) => {
      const value = httpPart === 'body' ? data : convertText(typed, data);
      if (check.Check(value)) return { value };
      const first = check.Errors(value).First();
      return {
        error: new AppError(CoreErrors.VALIDATION_FAILED, {
          part: httpPart ?? 'unknown',
          path: first?.path ?? '',
          problem: first?.message ?? 'does not match the schema',
        }),
      };
    };
  });

  app.setErrorHandler((err: FastifyError | AppError, request, reply) => {
    const e = toAppError(err);
    if (e.status >= 500) request.log.error({ err }, 'request failed');
    reply.code(e.status).type('application/json').send(e.toJSON());
  });

  app.setNotFoundHandler((request, reply) => {
    const e = new AppError(HttpErrors.ROUTE_NOT_FOUND, { method: request.method, url: request.url.slice(0, 200) });
    reply.code(e.status).send(e.toJSON());
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    return payload;
  });
}

const INTEGER_TEXT = /^-?(0|[1-9][0-9]*)$/;

/**
 * Converts path and query text to the schema's types, but only exactly: TypeBox's conversion would
 * turn `limit=1.5` into 1, so integer fields convert only from plain integer text and otherwise
 * stay strings (and fail validation).
 */
function convertText(schema: TSchema, data: unknown): unknown {
  // Value.Convert converts objects in place: keep the original text first.
  const original = typeof data === 'object' && data !== null ? { ...(data as Record<string, unknown>) } : data;
  const converted = Value.Convert(schema, data);
  const properties = (schema as { properties?: Record<string, { type?: string }> }).properties;
  if (
    properties === undefined ||
    typeof original !== 'object' ||
    original === null ||
    typeof converted !== 'object' ||
    converted === null
  ) {
    return converted;
  }
  const out = { ...(converted as Record<string, unknown>) };
  for (const [key, raw] of Object.entries(original)) {
    if (properties[key]?.type === 'integer' && typeof raw === 'string' && !INTEGER_TEXT.test(raw)) out[key] = raw;
  }
  return out;
}

const FASTIFY_CODES: Readonly<Record<string, typeof HttpErrors.BODY_MALFORMED>> = {
  FST_ERR_CTP_BODY_TOO_LARGE: HttpErrors.BODY_TOO_LARGE,
  FST_ERR_CTP_INVALID_MEDIA_TYPE: HttpErrors.CONTENT_TYPE_UNSUPPORTED,
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: HttpErrors.BODY_MALFORMED,
  FST_ERR_CTP_EMPTY_JSON_BODY: HttpErrors.BODY_MALFORMED,
  FST_ERR_VALIDATION: CoreErrors.VALIDATION_FAILED,
};

function toAppError(err: FastifyError | AppError): AppError {
  if (err instanceof AppError) return err;
  const mapped = FASTIFY_CODES[err.code];
  if (mapped) return new AppError(mapped);
  const status = err.statusCode ?? 500;
  if (status >= 400 && status < 500) return new AppError(CoreErrors.VALIDATION_FAILED, { reason: err.code ?? 'bad request' });
  return new AppError(CoreErrors.INTERNAL);
}

/** The player client at `/`, the console at `/admin/` (both built by Vite into their `dist`). */
async function serveClients(app: FastifyInstance): Promise<void> {
  if (!existsSync(join(WEB_DIST, 'index.html')) || !existsSync(join(ADMIN_DIST, 'index.html'))) {
    throw new Error(`the web clients are not built (${WEB_DIST}, ${ADMIN_DIST}); run \`npm run build\``);
  }
  await app.register(fastifyStatic, { root: WEB_DIST, prefix: '/', wildcard: false, index: 'index.html' });
  await app.register(fastifyStatic, { root: ADMIN_DIST, prefix: '/admin/', decorateReply: false, wildcard: false, index: 'index.html' });
  app.get('/admin', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/admin/', 301));
}

export { loadPolicyFile };

// The composition root: every domain constructed once, with every port it needs bound here, on
// one store and one clock; the jobs that run periodically; and the HTTP server that serves the
// API, its OpenAPI document, the WebSockets and the web clients. The adapters for the ports that
// reach outside (sign-in, real-name check, play reporting, notary, face check, WeChat Pay) come
// from the caller: main.ts chooses them from configuration, tests pass their stand-ins. Nothing
// here branches on the environment's name.
import { type Clock, newId } from '@fairground/core';
import type { FastifyServerOptions } from 'fastify';
import { type Accounts, accountsMigrations, accountsRoutes, createAccounts, kycRoutes, wechatRoutes } from './accounts/index.ts';
import { adminRoutes } from './admin/index.ts';
import { type AuditLog, auditMigrations, createAuditLog } from './audit/index.ts';
import { Chat, chatMigrations, chatRoutes } from './chat/index.ts';
import { VOICE_FRAME_BYTES_MAX, VoiceCalls } from './voice/index.ts';
import { wechatSessions } from './voice/wechat-session.ts';
import { type Analytics, analyticsMigrations, createAnalytics, createOperating, type Operating } from './analytics/index.ts';
import { adapterReport, type PlatformAdapters, type PortReport } from './bindings.ts';
import {
  Cluster,
  type ClusterOptions,
  clusterRoomRouter,
  type DependencyBreakers,
  guardIdentityCheck,
  guardIdentityProvider,
  guardTimestampAuthority,
  guardRealNameAuthority,
  memoryRateLimiter,
  redisRateLimiter,
  registerBreakerMetrics,
  registerRateLimit,
} from './cluster/index.ts';
import {
  CALENDAR_RUNWAY_DAYS_MIN,
  CalendarStatus,
  calendarWarningLine,
  ComplianceService,
  complianceMigrations,
  complianceRoutes,
  Geo,
  kycIdentity,
  ledgerSpending,
  loadPolicyDir,
  loadPolicyFile,
  PlayerAddresses,
  type Policy,
  PolicySet,
  RealNamePresence,
  registerComplianceHooks,
} from './compliance/index.ts';
import type { Config } from './config.ts';
import { routeDeps } from './admission.ts';
import { apiContract } from './contract.ts';
import { type Implementation, implement, registerEndpoint } from './http/routes.ts';
import { createHttpServer, serveClients } from './http/server.ts';
import { type Job, Jobs, jobsMigrations } from './jobs/index.ts';
import { JOB_INTERVALS_MS_DEFAULT, type JobName } from './jobs/schedule.ts';
import { createRedisLeaderboards, createSqlLeaderboards, leaderboardsMigrations } from './leaderboards/index.ts';
import { Ledger, transferReads } from './ledger/index.ts';
import { matchmakingMigrations } from './matchmaking/index.ts';
import { NotaryService, notaryMigrations, notaryRoutes } from './notary/index.ts';
import { LAG_ALERT_MS_DEFAULT } from './notary/limits.ts';
import {
  createMemoryBus,
  createRedisBus,
  Notifications,
  notificationsMigrations,
  notificationsRoutes,
  registerNotificationsSocket,
} from './notifications/index.ts';
import { CLIENT_MESSAGE_BYTES_MAX } from './notifications/limits.ts';
import { registerOps } from './ops/http.ts';
import type { LeaderLock } from './ops/leader.ts';
import { MetricsRegistry } from './ops/metrics.ts';
import {
  DEFAULT_SETTINGS,
  NOTIFY_PATH,
  PaymentsEngine,
  paymentReads,
  type PaymentsSettings,
  paymentsMigrations,
  paymentsRoutes,
  type RiskPort,
  registerNotifyRoute,
  type WageringPort,
  WITHDRAWAL_FINAL,
} from './payments/index.ts';
import { AccountClosure, KYC_RETENTION_MS_DEFAULT, privacyMigrations, privacyRoutes } from './privacy/index.ts';
import { Archiver, archivedAtMs, PartitionKeeper, retentionMigrations, retentionRoutes } from './retention/index.ts';
import { Promotions, promotionsMigrations, promotionsRoutes } from './promotions/index.ts';
import {
  defaultRiskConfig,
  loadRiskConfig,
  Risk,
  type RiskConfig,
  type RoomControl,
  riskMigrations,
  riskRoutes,
  type WithdrawalReviews,
} from './risk/index.ts';
import {
  analyticsRiskSignals,
  clientAddress,
  localRoomRouter,
  type PlatformRoomsOptions,
  registerRoomsSocket,
  roomReads,
  roomRoutes,
  Rooms,
  roomsMigrations,
  systemTimers,
} from './rooms/index.ts';
import {
  memorySettingsBus,
  noticeSettingsBus,
  Settings,
  type SettingValues,
  settingsMigrations,
  settingsRoutes,
} from './settings/index.ts';
import { Skins, skinsMigrations, skinsRoutes } from './skins/index.ts';
import { Subscriptions, subscriptionsMigrations, subscriptionsRoutes } from './subscriptions/index.ts';
import { Support, supportMigrations, supportRoutes } from './support/index.ts';
import {
  createSkillPlatform,
  type SkillGameSettings,
  type SkillGames,
  type SkillPlatformOptions,
  skillMigrations,
  skillPlugins,
} from './skill/index.ts';
import type { Migration, Store, Tx } from './storage/ports.ts';
import { openPlayerWallets, walletRoutes } from './wallet/index.ts';
import { wechatMigrations } from './wechat/migrations.ts';
import { vpayMigrations } from './vpay/migrations.ts';
import { registerVpayPushRoute, VPAY_PUSH_PATH, vpayRoutes } from './vpay/routes.ts';
import { VirtualPayments } from './vpay/service.ts';
import { createSealer } from './accounts/sealing.ts';

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

export type Role = 'api' | 'rooms' | 'worker';
/** Proxies on this machine (the usual nginx in front of one process) are trusted unless configured otherwise. */
const LOOPBACK = ['loopback'];
const ALL_ROLES: readonly Role[] = ['api', 'rooms', 'worker'];

export type PlatformConfig = Pick<
  Config,
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
  Partial<
    Pick<
      Config,
      | 'policyDir'
      | 'geoOverrides'
      | 'riskConfigFile'
      | 'alertWebhookUrl'
      | 'alertSampleMin'
      | 'ledgerChainShards'
      | 'vipDepositsFen'
      | 'jobIntervalsMs'
      | 'platformVerifiedAppIds'
      | 'trustedProxies'
      | 'env'
      | 'metricsToken'
      | 'wechat'
      | 'notary'
      | 'subscribeTemplates'
      | 'turn'
    >
  >;

export interface PlatformOptions {
  readonly config: PlatformConfig;
  readonly store: Store;
  readonly clock: Clock;
  /** The default compliance policy; tests pass the deny-all one. */
  readonly policy: Policy;
  /** The adapters of every outside port, chosen by the caller (main.ts from configuration, tests explicitly). */
  readonly adapters: PlatformAdapters;
  /** Extra endpoints (tests use this to exercise the route machinery with a stand-in play route). */
  readonly extraRoutes?: Record<string, Implementation>;
  /** This process's name in metrics, readiness answers and job records (default: a random id). */
  readonly nodeId?: string;
  /** The roles this process plays: api, rooms, worker (default: all of them). Jobs run on worker nodes. */
  readonly roles?: readonly Role[];
  /** Keeps two passes of one job from overlapping across processes (default: in-process, for one process). */
  readonly leader?: { readonly adapter: string; readonly lock: LeaderLock };
  /** Rooms' tuning (tests inject timers on the manual clock, a fixed policy, client addresses). */
  readonly rooms?: PlatformRoomsOptions;
  /** Skill games: catalogue, linked accounts, matchmaking. */
  readonly skill?: SkillPlatformOptions;
  /** Fastify logger options; defaults to pino at the configured level. */
  readonly logger?: FastifyServerOptions['logger'];
  /** The operator's payment settings and how the provider reaches us (the provider itself is an adapter). */
  readonly payments?: PlatformPaymentsOptions;
  /** Further jurisdiction policies (beside config.policyDir) and risk weights (default: config.riskConfigFile, else the shipped ones). */
  readonly compliance?: { readonly policies?: readonly Policy[]; readonly riskConfig?: RiskConfig };
  /** The retention job's archive folder (main.ts: FAIRGROUND_ARCHIVE_DIR); without one nothing is archived. */
  readonly retention?: { readonly dir: string; readonly onlineDays?: number };
  /** How long a closed account's sealed real-name record is kept (default KYC_RETENTION_MS_DEFAULT). */
  readonly privacy?: { readonly kycRetentionMs?: number };
  /**
   * Several processes on one PostgreSQL and one Redis: rooms leased through Redis, players on any
   * node, messages between nodes on pub/sub (see cluster/). Absent: this process holds every room.
   */
  readonly cluster?: Omit<ClusterOptions, 'nodeId' | 'roles'>;
  /** Circuit breakers and timeouts in front of the sign-in, real-name, notary and face-check adapters. */
  readonly breakers?: DependencyBreakers;
  /** API requests one client may make per 10 s (on Redis across nodes when clustered); absent or 0: no limit. */
  readonly rateLimitPer10s?: number;
}

export interface PlatformPaymentsOptions {
  readonly settings?: PaymentsSettings;
  /** What withdrawals ask before they leave (default: the risk domain; some tests pass the settings' plain review threshold). */
  readonly risk?: RiskPort;
  readonly wagering?: WageringPort;
  /** Where the provider posts notifications; main.ts sets it after listening when not configured. */
  readonly notifyUrl?: string;
  readonly outboxLeaseMs?: number;
}

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
  const production = config.env === 'production';
  const nodeId = o.nodeId ?? newId('node');
  const roles = o.roles ?? ALL_ROLES;
  const breakers = o.breakers;
  const ledger = await prepareStore(store, clock, config.ledgerChainShards ? { chainShards: config.ledgerChainShards } : {});
  const app = await createHttpServer({
    bodyLimitBytes: config.bodyLimitBytes,
    trustedProxies: config.trustedProxies ?? LOOPBACK,
    logger: o.logger ?? { level: config.logLevel },
    // The room socket's voice offers are its largest frames; each socket still checks its own limit.
    socketMessageBytesMax: Math.max(CLIENT_MESSAGE_BYTES_MAX, VOICE_FRAME_BYTES_MAX),
  });

  // Where players connect from: the region rules, risk, promotions and analytics all read it.
  const addresses = new PlayerAddresses(new Geo(config.geoOverrides ?? []));
  const analytics = createAnalytics(store.reader, {
    regionOf: (playerId) => {
      const r = addresses.regionOf(playerId);
      return r === null ? null : (r.subdivision ?? r.country);
    },
    ...(config.vipDepositsFen !== undefined ? { vipFromFen: config.vipDepositsFen } : {}),
  });
  const audit = createAuditLog(store.reader);
  const redisError = (what: string) => (err: Error) => app.log.warn({ err }, `${what}: Redis connection error (reconnecting)`);
  const bus = config.redisUrl
    ? createRedisBus({
        url: config.redisUrl,
        ...(o.cluster ? { channel: `${o.cluster.prefix}notifications` } : {}),
        onError: redisError('notifications'),
      })
    : createMemoryBus();
  const notifications = new Notifications({ store, bus });
  // Play reports start when a player is verified: the presence (below, it reads the accounts'
  // records) hears of each verification on this node through this reference, bound once.
  let presenceOf: RealNamePresence | null = null;
  const accounts = createAccounts({
    store,
    clock,
    analytics,
    sessionSecret: config.sessionSecret,
    dataKey: config.dataKey,
    accessTokenTtlS: config.accessTokenTtlS,
    refreshTokenTtlS: config.refreshTokenTtlS,
    wechatAppIds: config.wechatAppIds,
    identity: breakers ? guardIdentityProvider(adapters.signIn.impl, breakers.identity) : adapters.signIn.impl,
    wechatWeb: adapters.signIn.web,
    realNameCheck:
      adapters.realNameCheck === null
        ? null
        : breakers
          ? guardRealNameAuthority(adapters.realNameCheck.impl, breakers.kyc)
          : adapters.realNameCheck.impl,
    platformVerifiedAppIds: config.platformVerifiedAppIds ?? [],
    onRealNameVerified: (playerId) => presenceOf?.verified(playerId),
    onRealNameOperatorFault: (f) =>
      app.log.error(
        { attemptId: f.attemptId, code: f.code },
        `the real-name authority refused a check for a reason only the operator can fix: ${f.message}`,
      ),
    onPlayerCreated: (tx, playerId) => openPlayerWallets(ledger, tx, playerId),
    // What each sign-in saw becomes linked-account evidence in its own unit (risk is built below;
    // this runs only when someone signs in).
    onSignedIn: async (tx, seen) => {
      const links = risk.links;
      const p = seen.playerId;
      await links.observe(tx, { playerId: p, kind: 'wechat', value: `${seen.appId}:${seen.openid}`, source: 'sign-in' });
      if (seen.unionid !== null) await links.observe(tx, { playerId: p, kind: 'unionid', value: seen.unionid, source: 'player record' });
      if (seen.device !== null) await links.observe(tx, { playerId: p, kind: 'device', value: seen.device, source: 'sign-in' });
      if (seen.address !== null) await links.observe(tx, { playerId: p, kind: 'address', value: seen.address, source: 'sign-in' });
    },
  });

  // Risk decides the withdrawals payments holds for review, and payments asks risk about every
  // withdrawal: the one cycle between domains. Risk reaches the reviews through this reference,
  // bound once, below, when payments exists.
  let paymentsForRisk: PaymentsEngine | null = null;
  const reviewsOf = (): PaymentsEngine => {
    if (paymentsForRisk === null) throw new Error('assertion failed: payments bound before a review is decided');
    return paymentsForRisk;
  };
  const withdrawalReviews: WithdrawalReviews = {
    inReview: async (playerId) =>
      (await reviewsOf().withdrawals.list({ playerId, state: 'review', limit: 20 })).map((w) => ({
        id: w.id,
        amountFen: w.amountFen,
        createdAtMs: w.createdAtMs,
      })),
    approve: async (op, id, note, meta) => {
      await reviewsOf().withdrawals.approve(op, id, note, meta);
    },
    reject: async (op, id, note, meta) => {
      await reviewsOf().withdrawals.reject(op, id, note, meta);
    },
  };
  // Risk's policy dissolves live rooms; rooms are built after risk (they ask it first), so risk
  // reaches them through this reference, bound once below. With several processes the cluster
  // routes the request to the node that holds the room.
  let roomsForRisk: RoomControl | null = null;
  const risk = new Risk({
    store,
    clock,
    config: o.compliance?.riskConfig ?? (config.riskConfigFile ? loadRiskConfig(config.riskConfigFile) : defaultRiskConfig()),
    ledger,
    audit,
    analytics,
    addressOf: (playerId) => addresses.lastOf(playerId),
    withdrawals: withdrawalReviews,
    rooms: {
      dissolveForFairPlay: (roomId) => {
        if (roomsForRisk === null) throw new Error('assertion failed: rooms bound before risk dissolves one');
        return roomsForRisk.dissolveForFairPlay(roomId);
      },
    },
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
    restrictions: risk,
    addresses,
  });
  const calendars = new CalendarStatus({ store, clock, policies: () => compliance.policies.all() });
  // Login/logout reports of players the authority verified, through the durable outbox.
  const realName =
    adapters.playReporting === null
      ? null
      : new RealNamePresence({
          store,
          reporter: adapters.playReporting.impl,
          nowMs: () => clock.nowMs(),
          reportable: (playerId) => accounts.kyc.reportable(playerId),
          pisOf: (playerIds) => accounts.kyc.pisOf(playerIds),
          onProblem: (p) =>
            app.log.error({ code: p.code, records: p.records }, `the real-name authority refused play reports: ${p.message}`),
        });
  presenceOf = realName;
  const promotions = new Promotions({
    store,
    clock,
    ledger,
    audit,
    identity: kycIdentity(accounts.kyc),
    createdAtMsOf: async (playerId) => (await accounts.players.get(playerId))?.createdAtMs ?? null,
    addressOf: (playerId) => addresses.lastOf(playerId),
  });

  const roomsTuning = o.rooms ?? {};
  const addressOf = roomsTuning.addressOf ?? clientAddress;
  const cluster = o.cluster
    ? new Cluster({ ...o.cluster, nodeId, roles: [...roles] }, { rooms: roomReads(store.reader), log: app.log })
    : null;
  // Business settings: read by rooms (fees), skill games (catalogue), accounts (the agreement);
  // a change reaches every node over the cluster's bus, or in process when there is one node.
  const settings = new Settings({
    store,
    clock,
    audit,
    bus: cluster ? noticeSettingsBus(cluster) : memorySettingsBus(),
    policies: () => compliance.policies.all(),
    termsVersion: config.termsVersion,
    plugins: Object.keys(skillPlugins),
    log: app.log,
  });
  await settings.start();
  // WeChat subscription messages: consents counted per player and kind; an operator's answer and a
  // completed withdrawal also queue a message (spending a consent) where the player opted in.
  const subscriptions = new Subscriptions({
    store,
    templates: config.subscribeTemplates ?? {},
    sender: adapters.signIn.subscribeSender ?? null,
    openidOf: async (playerId, appId) => (await accounts.players.identities(playerId)).find((i) => i.appId === appId)?.openid ?? null,
    nowMs: () => clock.nowMs(),
    log: app.log,
  });
  const reaching = subscriptions.reaching(notifications);
  // Customer service answers feedback and reports into the player's inbox; hours are a setting.
  const support = new Support({ store, audit, notifier: reaching, settings, nowMs: () => clock.nowMs() });
  // Skins: the VIP tiers (a setting) follow credited deposits; a worn skin is shown at the table.
  const skins = new Skins({ store, ledger, settings, depositsFenOf: async (playerId) => (await analytics.tierOf(playerId)).depositsFen });
  // Table chat: phrases and emoji from the settings; typed text where the policy allows it, checked
  // by WeChat content security (bound with the WeChat sign-in adapter; absent: typed text is off).
  const chat = new Chat({
    store,
    clock,
    phrases: () => settings.get('chat.phrases'),
    freeTextAllowed: () => compliance.roomChatFreeText(),
    contentCheck: adapters.signIn.contentCheck ?? null,
    risk: { openCase: (tx, c) => risk.openChatCase(tx, c) },
    audit,
  });
  // Table voice: TURN credentials for the browser mesh (absent: browser voice refused), the WeChat
  // VoIP signature from the player's mini-game session_key.
  const voice = new VoiceCalls({
    clock,
    turn: config.turn ?? null,
    wechat: wechatSessions({
      reader: store.reader,
      sealer: createSealer(config.dataKey, 'wechat-session-key'),
      appId: config.wechatAppIds.miniprogram,
    }),
  });
  const roomSignalLog = analyticsRiskSignals(analytics);
  // Finished hands queue for the notary in the unit of work that stores them; the notary.attest job
  // has the time-stamping authority sign each minute's Merkle root.
  const notary = new NotaryService({
    store,
    clock,
    authority: breakers ? guardTimestampAuthority(adapters.notary.impl, breakers.notary) : adapters.notary.impl,
    log: app.log,
    lagAlertMs: config.notary?.lagAlertMs ?? LAG_ALERT_MS_DEFAULT,
  });
  const faceCheck = adapters.faceCheck;
  const rooms = new Rooms({
    store,
    ledger,
    clock,
    handsArchivedAt: (roomId) => archivedAtMs(store.reader, 'room_hands', roomId),
    analytics,
    notifier: notifications,
    players: accounts.players,
    dataKey: config.dataKey,
    log: app.log,
    timers: roomsTuning.timers ?? systemTimers(clock),
    policy: roomsTuning.policy ?? {
      limits: () => compliance.roomLimits(),
      playWindowEndMs: (playerId, nowMs) => compliance.playWindowEndMs(playerId, nowMs),
    },
    riskGate: roomsTuning.riskGate ?? { allows: (playerId, action) => risk.allows(playerId, action) },
    riskSignals: {
      async record(tx, signal) {
        await roomSignalLog.record(tx, signal);
        await risk.recordRoomSignal(tx, signal);
      },
    },
    notary: notary.port,
    faceCheck: faceCheck === null ? null : breakers ? guardIdentityCheck(faceCheck.impl, breakers.faceCheck) : faceCheck.impl,
    feeSchedule: roomsTuning.feeSchedule ?? (() => settings.get('room.fees')),
    skinOf: (playerId) => skins.wornBy(playerId),
    chat,
    voice,
    // "Your turn" while away and "a friend's room is starting": subscription messages, where the player consented.
    reminders: {
      turnWhileAway: async (t) => void (await subscriptions.turnAway(t)),
      roomStarting: async (r) => {
        const ownerNickname = (await accounts.players.get(r.ownerId))?.nickname ?? '';
        await subscriptions.friendRoom({ ...r, ownerNickname });
      },
    },
    ...(cluster ? { directory: cluster.port } : {}),
  });
  cluster?.attach(rooms);
  roomsForRisk = cluster ?? rooms;

  const payments = new PaymentsEngine({
    store,
    ledger,
    clock,
    provider: adapters.payments?.impl ?? null,
    notifier: reaching,
    audit,
    analytics,
    openidOf: async (playerId, appId) => (await accounts.players.identities(playerId)).find((i) => i.appId === appId)?.openid ?? null,
    settings: o.payments?.settings ?? DEFAULT_SETTINGS,
    risk: o.payments?.risk ?? risk,
    // The WeChat account that paid a deposit or receives a payout links the accounts that share it.
    accounts: {
      seen: (tx, a) =>
        risk.links.observe(tx, {
          playerId: a.playerId,
          kind: 'wechat',
          value: `${a.appId}:${a.openid}`,
          source: a.role === 'payer' ? 'deposit payer' : 'payout account',
        }),
    },
    wagering: o.payments?.wagering ?? promotions.wageringPort,
    limits: {
      deposits: (playerId, nowMs) => compliance.depositLimits(playerId, nowMs),
      withdrawals: (playerId, nowMs) => compliance.withdrawalLimits(playerId, nowMs),
    },
    ...(o.payments?.notifyUrl ? { notifyUrl: o.payments.notifyUrl } : {}),
    ...(o.payments?.outboxLeaseMs ? { outboxLeaseMs: o.payments.outboxLeaseMs } : {}),
    log: app.log,
  });
  paymentsForRisk = payments;

  const leaderboards =
    config.redisUrl !== undefined
      ? {
          adapter: 'redis',
          backend: createRedisLeaderboards({ redis: config.redisUrl, ...(o.cluster ? { keyPrefix: o.cluster.prefix } : {}) }),
        }
      : { adapter: `sql (${store.dialect})`, backend: createSqlLeaderboards(store) };
  const skill = createSkillPlatform({
    store,
    ledger,
    clock,
    notifier: notifications,
    analytics,
    audit,
    players: accounts.players,
    leaderboards: leaderboards.backend,
    log: app.log,
    // Accounts one person controls: the risk domain's source, fed by sign-ins and payments above.
    linked: risk.links,
    risk: {
      // A claimed score the server's replay does not confirm is a replay mismatch; other flags mark the session for review.
      sessionFlagged: async (tx, f) => {
        await risk.recordSignal(tx, {
          playerId: f.playerId,
          // A copied command log on a shared seed is its own severe signal: one performance must not fill two places.
          // Linked accounts meeting in a paid game (a tournament's second prize, a match) are multi-accounting.
          kind: f.flags.includes('copied_log')
            ? 'copied_play'
            : f.flags.includes('score_mismatch')
              ? 'replay_mismatch'
              : f.flags.includes('linked_entrant') || f.flags.includes('linked_opponent')
                ? 'linked_accounts'
                : 'skill_flagged',
          value: 1,
          subject: { kind: 'skill_session', id: f.sessionId },
          evidence: { flags: [...f.flags], mode: f.mode, timing: f.summary.timing, ...(f.detail ? { detail: f.detail } : {}) },
        });
      },
      sessionTiming: (playerId, sessionId, intervalsMs) => risk.ingestTiming(playerId, sessionId, intervalsMs),
    },
    ...(o.skill?.catalogue ? { catalogue: o.skill.catalogue } : {}),
    ...(o.skill?.matchmaking ? { matchmaking: o.skill.matchmaking } : {}),
  });
  // The catalogue follows the settings unless a caller fixed one (tests).
  if (o.skill?.catalogue === undefined) {
    const apply = (c: SettingValues['skill.catalogue']) => skill.skill.catalogue.replace(c.games.map(skillGameOf));
    apply(settings.get('skill.catalogue'));
    settings.onChange('skill.catalogue', apply);
  }

  const operating = createOperating({
    store,
    clock,
    ledger,
    audit,
    analytics,
    reads: { rooms: roomReads(store.reader), transfers: transferReads(store.reader), payments: paymentReads(store.reader) },
    openHand: (sealed, roomId, handNumber) => rooms.sealer.openRecord(sealed, roomId, handNumber),
    liveRoom: (roomId) => rooms.actor(roomId)?.state ?? null,
    // The archiver is made below; a request reads it at its own time.
    archivedHands: async (roomId) => (archiver === null ? null : archiver.readGroup('room_hands', roomId)),
    alertWebhookUrl: config.alertWebhookUrl,
    ...(config.alertSampleMin !== undefined ? { alertSampleMin: config.alertSampleMin } : {}),
    alertGauges: [
      {
        id: 'notary_attestation_lag_ms',
        alert: { op: '>', value: config.notary?.lagAlertMs ?? LAG_ALERT_MS_DEFAULT },
        read: () => notary.lagMs(),
      },
      {
        // Opens when a minors' calendar has fewer than 60 days left (without minors' rules: nothing to run out).
        id: 'minors_calendar_days_left',
        alert: { op: '<', value: CALENDAR_RUNWAY_DAYS_MIN },
        read: async () => (await calendars.daysLeftMin()) ?? CALENDAR_RUNWAY_DAYS_MIN,
      },
    ],
  });

  // Room cards sold in the mini-game through WeChat's virtual payment (null port: not configured).
  const vpay = new VirtualPayments({
    store,
    clock,
    rooms,
    ledger,
    audit,
    sessionKeySealer: createSealer(config.dataKey, 'wechat-session-key'),
    port: adapters.signIn.vpay ?? null,
    onProblem: (p) => app.log.error({ vpay: p }, 'virtual-payment order needs an operator'),
  });

  // A player closing their own account: refused while they hold value or are mid-game (privacy/).
  const kycRetentionMs = o.privacy?.kycRetentionMs ?? KYC_RETENTION_MS_DEFAULT;
  const closure = new AccountClosure({
    store,
    clock,
    kycRetentionMs,
    ports: {
      balances: (id) => ledger.balances('player', id),
      openWithdrawals: async (id) =>
        (await payments.withdrawals.list({ playerId: id, limit: 100 })).filter((w) => !WITHDRAWAL_FINAL.includes(w.state)).length,
      liveRooms: async (id) => (await rooms.mine(id)).filter((r) => r.active && r.status !== 'finished' && r.status !== 'dissolved').length,
      ...(realName === null ? {} : { endPlay: (tx: Tx, id: string) => realName.endPlayer(tx, id) }),
    },
  });

  // Old rows of the growth tables move to verified archives (retention/); money records never do.
  const archiver = o.retention
    ? new Archiver({
        store,
        clock,
        dir: o.retention.dir,
        ...(o.retention.onlineDays !== undefined ? { onlineDays: o.retention.onlineDays } : {}),
      })
    : null;

  // Periodic work, once per interval across the cluster (see jobs/).
  const jobs = new Jobs({ store, clock, log: app.log, nodeId, ...(o.leader ? { leader: o.leader.lock } : {}) });
  const every = (name: JobName, run: Job['run']) =>
    jobs.add({ name, intervalMs: config.jobIntervalsMs?.[name] ?? JOB_INTERVALS_MS_DEFAULT[name], run });
  every('ledger.expire-pending', () => ledger.expirePending());
  every('ledger.seal-root', async () => ((await ledger.sealRoot()) ? 1 : 0));
  every('payments.sweep', async () => {
    const r = await payments.runDue();
    return r.outbox + r.deposits + r.withdrawals + r.refunds;
  });
  every('payments.reconcile', async () => (await payments.reconciler.catchUp()).length);
  every('vpay.sweep', async () => {
    const r = await vpay.sweep();
    return r.settled + r.expired;
  });
  every('vpay.bills', () => vpay.settleDueBills());
  every('analytics.alerts', () => operating.alerts.run());
  every('skill.sweep', async () => {
    const r = await skill.skill.sweep();
    return r.sessionsTimedOut + r.matchesExpired + r.tournamentsClosed + r.tournamentsSettled;
  });
  every('skill.schedule', async () => {
    const created = await skill.skill.tournaments.runSchedules(settings.get('skill.tournament_templates').templates, (template, e) =>
      app.log.error({ err: e, template }, 'a scheduled tournament could not be created'),
    );
    return created.length;
  });
  if (realName !== null) every('realname.report', async () => (await realName.sweep()) + (await realName.flush()));
  every('realname.verify', () => accounts.kyc.settleDue());
  every('risk.poll', () => risk.pollEvents());
  every('risk.hands', async () => (await risk.judgeRoomHands()).hands);
  every('risk.score', () => risk.models.scorePending());
  every('risk.train', async () => ((await risk.models.train()) === null ? 0 : 1));
  every('notary.attest', () => notary.attestDue());
  every('privacy.kyc-purge', () => closure.purgeDue());
  // Without an archive folder (tests that do not ask for one) the job runs and moves nothing, but
  // still keeps PostgreSQL's partitions ahead of the clock.
  const partitionKeeper = new PartitionKeeper({ store, clock });
  every('retention.archive', async () => {
    if (archiver !== null) return (await archiver.run()).reduce((n, r) => n + r.rows, 0);
    await partitionKeeper.run();
    return 0;
  });
  every('notify.subscribe', () => subscriptions.sendDue());
  every('chat.retention', async () => {
    const r = await chat.purgeExpired();
    return r.messages + r.reports;
  });
  every('promotions.referrals', async () => {
    const r = await promotions.settleReferrals();
    return r.rewarded + r.rejected;
  });
  if (cluster !== null) every('cluster.orphans', () => cluster.sweepOrphans(clock.nowMs()));

  const ports: PortReport[] = [
    { port: 'store', adapter: store.dialect, standIn: false },
    ...adapterReport(adapters),
    { port: 'notifications-bus', adapter: config.redisUrl ? 'redis pub/sub' : 'this process', standIn: false },
    { port: 'leaderboards', adapter: leaderboards.adapter, standIn: false },
    { port: 'rooms-directory', adapter: cluster ? 'redis leases (cluster)' : 'this process holds every room', standIn: false },
    { port: 'rate-limits', adapter: (o.rateLimitPer10s ?? 0) > 0 ? (cluster ? 'redis' : 'this process') : 'off', standIn: false },
    { port: 'job-leader', adapter: o.leader?.adapter ?? 'this process', standIn: false },
    { port: 'geo', adapter: `geoip-country database + ${(config.geoOverrides ?? []).length} overrides`, standIn: false },
    { port: 'alerts', adapter: config.alertWebhookUrl ? 'webhook' : 'console only', standIn: false },
    { port: 'linked-accounts', adapter: 'risk: devices, WeChat accounts (sign-in, payer, payout), unionids', standIn: false },
  ];

  const implementations: Record<string, Implementation> = {
    health: implement(apiContract.health, async () => {
      await store.reader.query('SELECT 1');
      return { ok: true as const, database: store.dialect, nowMs: clock.nowMs() };
    }),
    ...accountsRoutes({
      players: accounts.players,
      sessions: accounts.sessions,
      codeIssuer: adapters.signIn.codes,
      web: adapters.signIn.web,
      oauth: accounts.oauth,
      devLoginAllowed: config.devLoginAllowed,
      // Read on every request: the agreement in force is a setting an operator may publish anew.
      get termsVersion() {
        return settings.get('agreement').version;
      },
      agreement: () => settings.get('agreement'),
    }),
    ...wechatRoutes({
      provider: adapters.signIn.standIn ? 'sandbox' : 'wechat',
      web: adapters.signIn.web,
      oauth: accounts.oauth,
      phones: accounts.phones,
      publicUrl: config.wechat?.publicUrl,
      sandboxCodes: !production && adapters.signIn.codes !== null,
      devLogin: !production && config.devLoginAllowed,
    }),
    ...kycRoutes({ store, kyc: accounts.kyc, players: accounts.players, audit }),
    ...walletRoutes({ store, ledger, players: accounts.players, audit, notifier: notifications, analytics, clock }),
    ...notificationsRoutes(notifications),
    ...roomRoutes({
      rooms,
      router: cluster ? clusterRoomRouter(localRoomRouter(rooms), cluster) : localRoomRouter(rooms),
      ledger,
      addressOf,
      faceCheckTickets: faceCheck?.tickets ?? null,
    }),
    ...notaryRoutes({ notary, rooms }),
    ...skill.routes,
    ...paymentsRoutes(payments),
    ...vpayRoutes(vpay),
    ...adminRoutes({
      store,
      accounts,
      audit,
      analytics,
      get termsVersion() {
        return settings.get('agreement').version;
      },
      platformStatus: async () => ({ nodeId, ports, jobs: await jobs.status() }),
    }),
    ...complianceRoutes({ store, calendars, compliance, players: accounts.players, audit, realName }),
    ...riskRoutes({ risk, players: accounts.players, nowMs: () => clock.nowMs() }),
    ...promotionsRoutes({ promotions, players: accounts.players }),
    ...retentionRoutes({ archiver }),
    ...privacyRoutes({
      closure,
      clock,
      kycRetentionMs,
      exports: {
        profile: (id) => accounts.players.require(id),
        identities: (id) => accounts.players.identities(id),
        realName: (id) => accounts.kyc.status(id),
        balances: (id) => ledger.balances('player', id),
        ledgerPage: (id, cursor, limit) =>
          ledger.history({ ownerKind: 'player', ownerId: id, limit, ...(cursor !== undefined ? { cursor } : {}) }),
        deposits: (id, limit) => payments.deposits.list({ playerId: id, limit }),
        withdrawals: (id, limit) => payments.withdrawals.list({ playerId: id, limit }),
        roomOrders: (id, limit) => rooms.orders(id, { limit }),
        rooms: (id) => rooms.mine(id),
        responsiblePlay: (id) => compliance.responsiblePlay(id),
      },
    }),
    ...operating.routes,
    ...skinsRoutes(skins),
    ...supportRoutes(support),
    ...subscriptionsRoutes(subscriptions),
    ...chatRoutes(chat),
    ...settingsRoutes({
      settings,
      reader: store.reader,
      plugins: Object.keys(skillPlugins),
      tournaments: (limit) => skill.skill.tournaments.list(null, limit),
    }),
  };
  const declared = Object.keys(apiContract).sort();
  const implemented = Object.keys(implementations).sort();
  if (declared.join() !== implemented.join()) {
    throw new Error(`assertion failed: contract and handlers differ: declared ${declared.join()} implemented ${implemented.join()}`);
  }
  registerComplianceHooks(app, { compliance, presence: realName, addressOf });
  if ((o.rateLimitPer10s ?? 0) > 0) {
    const limit = { limit: o.rateLimitPer10s as number, nowMs: () => clock.nowMs() };
    const sessionOf = async (authorization: string) => {
      const token = /^Bearer ([A-Za-z0-9._-]+)$/.exec(authorization)?.[1];
      return token === undefined
        ? null
        : accounts.sessions.verifyAccess(token).then(
            (v) => v.sessionId,
            () => null,
          );
    };
    registerRateLimit(app, cluster ? redisRateLimiter(cluster.redis, cluster.keys, limit) : memoryRateLimiter(limit), sessionOf, [
      NOTIFY_PATH,
      VPAY_PUSH_PATH,
    ]);
  }
  const deps = routeDeps({ authenticator: accounts.authenticator, compliance, termsVersion: () => settings.get('agreement').version });
  // Production serves no sandbox, development or bench route: they are not registered at all (404),
  // so neither a forgotten flag nor a bound stand-in can expose them.
  if (production && o.extraRoutes !== undefined && Object.keys(o.extraRoutes).length > 0)
    throw new Error('assertion failed: extra (test or bench) routes in a production platform');
  for (const [name, impl] of Object.entries({ ...implementations, ...(o.extraRoutes ?? {}) })) {
    if (production && !servedInProduction(impl.spec)) continue;
    registerEndpoint(app, name, impl, deps);
  }
  registerNotificationsSocket(app, notifications.hub, accounts.authenticator);
  skill.registerSocket(app, accounts.authenticator);
  registerRoomsSocket(app, rooms, accounts.authenticator, {
    addressOf,
    ...(roomsTuning.framesPerS !== undefined ? { framesPerS: roomsTuning.framesPerS } : {}),
    ...(roomsTuning.framesBurstMax !== undefined ? { framesBurstMax: roomsTuning.framesBurstMax } : {}),
    ...(cluster ? { remote: (roomId: string) => cluster.remoteRoom(roomId) } : {}),
  });
  await registerNotifyRoute(app, payments);
  await registerVpayPushRoute(app, vpay);
  // Live rooms come back from their event logs before the server takes requests; with several
  // processes, each room comes back on the node that claims its lease.
  if (cluster) await cluster.start();
  else await rooms.start();

  const metrics = new MetricsRegistry();
  let draining = false;
  const ledgerSeq = metrics.gauge('fg_ledger_chain_seq', 'sequence number of the newest ledger transfer (its rate is the transfer rate)');
  metrics.onCollect(async () => {
    ledgerSeq.set(await transferReads(store.reader).maxSeq());
  });
  cluster?.registerMetrics(metrics);
  jobs.registerMetrics(metrics);
  notary.registerMetrics(metrics);
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
  const standInPorts = ports.filter((p) => p.standIn).map((p) => p.port);
  registerOps(app, {
    registry: metrics,
    store,
    nodeId,
    roles,
    isDraining: () => draining,
    degraded: standInPorts,
    standIns: Object.fromEntries(ports.filter((p) => p.standIn).map((p) => [p.port, p.adapter])),
    warnings: async () => (await calendars.warnings()).map(calendarWarningLine),
    // Production serves /metrics only to a holder of its bearer token; without one it is closed.
    metrics: config.metricsToken !== undefined ? { token: config.metricsToken } : production ? 'closed' : 'open',
  });

  if (config.serveClients) await serveClients(app);

  await app.ready();
  return {
    app,
    store,
    clock,
    ledger,
    accounts,
    compliance,
    calendars,
    privacy: closure,
    retention: archiver,
    realName,
    risk,
    promotions,
    analytics,
    audit,
    notifications,
    rooms,
    notary,
    metrics,
    jobs,
    ports,
    drain() {
      draining = true;
      cluster?.drain();
    },
    cluster,
    payments,
    skill: skill.skill,
    operating,
    settings,
    support,
    subscriptions,
    chat,
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
      await skill.close();
      await settings.close();
      notifications.hub.closeAll();
      await app.close();
      await bus.close();
      await cluster?.close();
    },
  };
}

export { loadPolicyFile };

/** A catalogue entry as the skill domain runs it: the plug-in's rules configuration with the operator's money settings. */
function skillGameOf(g: SettingValues['skill.catalogue']['games'][number]): SkillGameSettings {
  const plugin = skillPlugins[g.plugin];
  if (plugin === undefined) throw new Error(`assertion failed: skill plug-in ${g.plugin} exists (the setting was checked)`);
  return {
    id: g.id,
    title: { ...g.title },
    puzzle: plugin.config,
    stakesFen: [...g.stakesFen],
    rakeBps: g.rakeBps,
    tieRule: g.tieRule,
    matchWaitMs: g.matchWaitMs,
  };
}

/** Sandbox routes (`/api/sandbox/…`) and development login exist for development and tests only. */
export function servedInProduction(spec: { readonly url: string }): boolean {
  return !spec.url.startsWith('/api/sandbox/') && spec.url !== '/api/auth/dev/login';
}

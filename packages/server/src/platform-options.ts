// What the composition root is given (the platform's options) and what its wiring files share
// while they build the platform (the root context: config, store, clock, adapters, HTTP server, ledger).
import type { Clock } from '@fairground/core';
import type { FastifyServerOptions } from 'fastify';
import type { PlatformAdapters } from './bindings.ts';
import type { ClusterOptions, DependencyBreakers } from './cluster/index.ts';
import type { Policy } from './compliance/index.ts';
import type { Config } from './config.ts';
import type { Implementation } from './http/routes.ts';
import type { createHttpServer } from './http/server.ts';
import type { Ledger } from './ledger/index.ts';
import type { LeaderLock } from './ops/leader.ts';
import type { PaymentsSettings, RiskPort, WageringPort } from './payments/index.ts';
import type { RiskConfig } from './risk/index.ts';
import type { PlatformRoomsOptions } from './rooms/index.ts';
import type { SkillPlatformOptions } from './skill/index.ts';
import type { Store } from './storage/ports.ts';

export type Role = 'api' | 'rooms' | 'worker';

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

/** The HTTP server every domain's routes and sockets register on. */
export type HttpServer = Awaited<ReturnType<typeof createHttpServer>>;

/** What every wiring step of `createPlatform` reads: the options and the parts built before any domain. */
export interface Root {
  readonly o: PlatformOptions;
  readonly config: PlatformConfig;
  readonly store: Store;
  readonly clock: Clock;
  readonly adapters: PlatformAdapters;
  readonly app: HttpServer;
  readonly nodeId: string;
  readonly roles: readonly Role[];
  readonly breakers: DependencyBreakers | undefined;
  readonly ledger: Ledger;
  /** config.env is 'production': no sandbox or development route, /metrics closed without a token. */
  readonly production: boolean;
}

// Configuration comes from environment variables only, checked once at start against a TypeBox
// schema. A bad value stops the process with a message that names the variable, so an operator
// never discovers a typo from a strange failure an hour later.
//
// In development and tests, secrets that are absent are generated once and kept in the data
// directory (`.data/secrets.json`, mode 0600), so sessions and encrypted records survive restarts.
// In production every secret must be given: a generated key would silently differ per node.
import { isIP } from 'node:net';
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type Static, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { type GeoOverride, parseGeoOverrides } from './compliance/geo.ts';
import { loadPolicySet } from './compliance/jurisdictions.ts';
import { PolicyError } from './compliance/policy.ts';
import { loadRiskConfig, RiskConfigError } from './risk/config.ts';
import { loadPaymentsConfig, type PaymentsConfig, PaymentsConfigError, PaymentsEnvSchema } from './payments/config.ts';
import { FORMER_STANDIN_PORTS, isStandInPort, STANDIN_PORTS, type StandInAcceptance, type StandInPort } from './bindings.ts';
import { loadNppaConfig, type NppaConfig, NppaConfigError, NppaEnvSchema } from './nppa/config.ts';
import { loadNotaryConfig, type NotaryConfig, NotaryConfigError, NotaryEnvSchema } from './notary/config.ts';
import { isJobName, JOB_INTERVALS_MS_DEFAULT, type JobName } from './jobs/schedule.ts';
import { parseSubscribeTemplates, type SubscribeTemplates } from './subscriptions/kinds.ts';
import { loadWechatConfig, WECHAT_SECRET_KEYS, type WechatConfig, WechatConfigError, WechatEnvSchema } from './wechat/config.ts';

const serverSrc = dirname(fileURLToPath(import.meta.url));
export const DEVELOPMENT_POLICY_FILE = join(serverSrc, 'compliance', 'policies', 'development.json');
export const DENY_ALL_POLICY_FILE = join(serverSrc, 'compliance', 'policies', 'deny-all.json');

const flag = Type.Union([Type.Literal('0'), Type.Literal('1'), Type.Literal('true'), Type.Literal('false')]);
const positiveInt = (maxDigits: number) => Type.String({ pattern: `^[1-9][0-9]{0,${maxDigits - 1}}$` });

/**
 * Every variable the platform server reads. Other FAIRGROUND_* variables (read by tools, or typos)
 * are listed in `unknownKeys` so start-up can warn about them.
 */
export const EnvSchema = Type.Object({
  NODE_ENV: Type.Optional(Type.Union([Type.Literal('development'), Type.Literal('production'), Type.Literal('test')])),
  PORT: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,4})$' })),
  HOST: Type.Optional(Type.String({ minLength: 1, maxLength: 255, pattern: '^[A-Za-z0-9.:_-]+$' })),
  DATABASE_URL: Type.Optional(Type.String({ pattern: '^(sqlite:.+|postgres(ql)?://.+)$' })),
  REDIS_URL: Type.Optional(Type.String({ pattern: '^rediss?://.+$' })),
  LOG_LEVEL: Type.Optional(Type.String({ pattern: '^(fatal|error|warn|info|debug|trace|silent)$' })),
  FAIRGROUND_DATA_DIR: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_ARCHIVE_DIR: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_SESSION_SECRET: Type.Optional(Type.String({ minLength: 32, maxLength: 512 })),
  FAIRGROUND_KYC_KEY: Type.Optional(Type.String({ pattern: '^[0-9a-fA-F]{64}$' })),
  FAIRGROUND_DEV_LOGIN: Type.Optional(flag),
  FAIRGROUND_DEMO_OPERATOR: Type.Optional(flag),
  FAIRGROUND_POLICY_FILE: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_POLICY_DIR: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_GEO_OVERRIDES: Type.Optional(Type.String({ minLength: 1, maxLength: 16_384 })),
  FAIRGROUND_RISK_CONFIG_FILE: Type.Optional(Type.String({ minLength: 1 })),
  FAIRGROUND_TERMS_VERSION: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9._-]{1,32}$' })),
  FAIRGROUND_ACCESS_TOKEN_TTL_S: Type.Optional(positiveInt(5)),
  FAIRGROUND_REFRESH_TOKEN_TTL_S: Type.Optional(positiveInt(8)),
  FAIRGROUND_BODY_LIMIT_BYTES: Type.Optional(positiveInt(8)),
  /** The face check rooms may ask for before each hand: the stand-in, or none (default: sandbox outside production, off in production). */
  FAIRGROUND_FACE_CHECK: Type.Optional(Type.Union([Type.Literal('sandbox'), Type.Literal('off')])),
  /** Ports a production start may run on a stand-in, comma-separated (face-check). */
  FAIRGROUND_SUBSCRIBE_TEMPLATES: Type.Optional(Type.String({ maxLength: 1000 })),
  FAIRGROUND_ACCEPT_STANDINS: Type.Optional(Type.String({ maxLength: 200, pattern: '^[a-z-]+(,[a-z-]+)*$' })),
  /** Proxies whose X-Forwarded-For is believed: addresses or CIDR ranges, comma-separated (default: loopback). */
  FAIRGROUND_TRUSTED_PROXIES: Type.Optional(Type.String({ maxLength: 2000, pattern: '^[0-9A-Fa-f.:/]+(,[0-9A-Fa-f.:/]+)*$' })),
  /** Job intervals overriding the defaults, `name=ms` comma-separated (`skill.sweep=2000,risk.poll=10000`). */
  FAIRGROUND_JOB_INTERVALS_MS: Type.Optional(Type.String({ maxLength: 1000 })),
  /** The mini-program app is a WeChat mini-game: WeChat verified the real name of everyone who signs in through it (default 0). */
  FAIRGROUND_WECHAT_MP_MINIGAME: Type.Optional(flag),
  FAIRGROUND_ADMIN_USERNAME: Type.Optional(Type.String({ pattern: '^[a-z0-9_.-]{3,32}$' })),
  FAIRGROUND_ADMIN_PASSWORD: Type.Optional(Type.String({ minLength: 12, maxLength: 256 })),
  FAIRGROUND_ADMIN_TOTP_SECRET: Type.Optional(Type.String({ pattern: '^[A-Z2-7]{16,64}$' })),
  FAIRGROUND_SERVE_CLIENTS: Type.Optional(flag),
  /** Comma-separated roles of this process: api, rooms, worker (default all three). */
  FAIRGROUND_ROLES: Type.Optional(Type.String({ pattern: '^(api|rooms|worker)(,(api|rooms|worker)){0,2}$' })),
  /** This process's name in metrics, readiness and the room directory (default: host name and pid). */
  FAIRGROUND_NODE_ID: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.-]{1,64}$' })),
  /** The PostgreSQL schema the tables live in (default: public). */
  FAIRGROUND_PG_SCHEMA: Type.Optional(Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' })),
  /** Prepended to every Redis key and channel (default: fairground:); several deployments may share one Redis. */
  FAIRGROUND_REDIS_PREFIX: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_.:-]{1,64}$' })),
  /** Rooms leased through Redis so several processes share them (default: on with PostgreSQL and REDIS_URL). */
  FAIRGROUND_CLUSTER: Type.Optional(flag),
  /** How long a room node's lease on a room lasts without renewal; another node claims the room after it (default 10000). */
  FAIRGROUND_ROOM_LEASE_MS: Type.Optional(positiveInt(6)),
  /** On SIGTERM, how long the node reports not ready (load balancers stop sending to it) before it hands its rooms over (default 0). */
  FAIRGROUND_DRAIN_DELAY_MS: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,4})$' })),
  /** API requests one client (session, else address) may make per 10 seconds, across all nodes; 0 turns the limit off (default 600). */
  FAIRGROUND_RATE_LIMIT_PER_10S: Type.Optional(Type.String({ pattern: '^(0|[1-9][0-9]{0,6})$' })),
  /** Where operating-metric alerts are POSTed as JSON (default: none, the console only). */
  FAIRGROUND_ALERT_WEBHOOK_URL: Type.Optional(Type.String({ pattern: '^https?://[^\\s]{1,2000}$' })),
  /** How often the alert job evaluates the metrics (default 60000). */
  FAIRGROUND_ALERT_INTERVAL_MS: Type.Optional(positiveInt(9)),
  /** The fewest observations before a rate may raise an alert (default 20). */
  FAIRGROUND_ALERT_SAMPLE_MIN: Type.Optional(positiveInt(6)),
  FAIRGROUND_LEDGER_CHAIN_SHARDS: Type.Optional(positiveInt(2)),
  /** Cumulative credited deposits in fen from which a player is a VIP (default 100000, 1000 yuan). */
  FAIRGROUND_VIP_DEPOSITS_FEN: Type.Optional(positiveInt(12)),
  /** Bearer token /metrics asks for. Without it, production does not serve /metrics at all. */
  FAIRGROUND_METRICS_TOKEN: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{32,256}$' })),
  /** coturn's static-auth-secret: the server signs short-lived TURN credentials with it (browser voice). */
  FAIRGROUND_TURN_SECRET: Type.Optional(Type.String({ pattern: '^[\\x21-\\x7e]{16,256}$' })),
  /** The TURN server's URLs for browsers, comma-separated (`turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349`). */
  FAIRGROUND_TURN_URLS: Type.Optional(Type.String({ maxLength: 1000, pattern: '^turns?:[^\\s,]{1,250}(,turns?:[^\\s,]{1,250}){0,3}$' })),
  ...PaymentsEnvSchema,
  ...NppaEnvSchema,
  ...WechatEnvSchema,
  ...NotaryEnvSchema,
});
export type Env = Static<typeof EnvSchema>;

/** Variables whose value may instead be read from the file `<NAME>_FILE` names (secrets mounted as files). */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'DATABASE_URL',
  'REDIS_URL',
  'FAIRGROUND_SESSION_SECRET',
  'FAIRGROUND_KYC_KEY',
  'FAIRGROUND_ADMIN_PASSWORD',
  'FAIRGROUND_ADMIN_TOTP_SECRET',
  'FAIRGROUND_NPPA_APP_ID',
  'FAIRGROUND_NPPA_BIZ_ID',
  'FAIRGROUND_NPPA_SECRET_KEY',
  'FAIRGROUND_METRICS_TOKEN',
  'FAIRGROUND_TURN_SECRET',
  ...WECHAT_SECRET_KEYS,
  // Not a secret, but a certificate chain is a file an operator mounts like one.
  'FAIRGROUND_TSA_CHAIN',
]);

export interface Config {
  readonly env: 'development' | 'production' | 'test';
  readonly port: number;
  readonly host: string;
  readonly databaseUrl: string;
  readonly redisUrl: string | undefined;
  readonly logLevel: string;
  readonly dataDir: string;
  /** Where the retention job writes its archives (NDJSON gzip + manifests); default `<data dir>/archives`. */
  readonly archiveDir: string;
  readonly sessionSecret: string;
  /** 32 bytes; encrypts KYC records and TOTP secrets at rest (AES-256-GCM, sub-keys by HKDF). */
  readonly dataKey: Buffer;
  readonly devLoginAllowed: boolean;
  readonly seedDemoOperator: boolean;
  readonly policyFile: string;
  /** Further jurisdiction policies, one file per jurisdiction, chosen per player by identity and region. */
  readonly policyDir: string | undefined;
  /** Operator IP-range overrides for geolocation (`127.0.0.0/8=CN,10.0.0.0/8=US-TX`). */
  readonly geoOverrides: readonly GeoOverride[];
  /** Risk signal weights, thresholds and credit rules; the shipped defaults when absent. */
  readonly riskConfigFile: string | undefined;
  readonly termsVersion: string;
  readonly accessTokenTtlS: number;
  readonly refreshTokenTtlS: number;
  readonly bodyLimitBytes: number;
  /** `wechat`: WeChat's servers (or a sandbox of them) sign players in; `sandbox`: the in-process stand-in (never in production). */
  readonly identityProvider: 'sandbox' | 'wechat';
  /** The WeChat apps players sign in through, the H5 scope, phone numbers, where WeChat is. */
  readonly wechat: WechatConfig;
  /** The bearer token /metrics asks for; undefined: open outside production, not served in production. */
  readonly metricsToken: string | undefined;
  /** The time-stamping authority that attests the hand histories (its local stand-in in development) and the lag alert line. */
  readonly notary: NotaryConfig;
  /** The real-name authority (the NPPA, its in-process sandbox in development, or none) and the operator's credentials. */
  readonly nppa: NppaConfig;
  readonly faceCheck: 'sandbox' | 'off';
  /** Which ports may run on a stand-in: any outside production, only those named in production. */
  readonly standIns: StandInAcceptance;
  /** Proxies whose X-Forwarded-For is believed (`loopback` or addresses and CIDR ranges). */
  readonly trustedProxies: readonly string[];
  /** Every job's interval (the defaults with the configured overrides). */
  readonly jobIntervalsMs: Readonly<Record<JobName, number>>;
  readonly wechatAppIds: { readonly miniprogram: string; readonly h5: string; readonly web?: string };
  /** Subscription-message template ids per kind (FAIRGROUND_SUBSCRIBE_TEMPLATES `kind=id,…`); a kind without one is never sent. */
  readonly subscribeTemplates: SubscribeTemplates;
  /** WeChat apps that are mini-games, whose platform verified the real name of everyone signing in through them. */
  readonly platformVerifiedAppIds: readonly string[];
  readonly bootstrapAdmin: { readonly username: string; readonly password: string; readonly totpSecret: string | undefined } | undefined;
  readonly serveClients: boolean;
  readonly roles: readonly ('api' | 'rooms' | 'worker')[];
  readonly nodeId: string;
  /** PostgreSQL schema (default public). */
  readonly pgSchema: string | undefined;
  /** Prefix of every Redis key and channel. */
  readonly redisPrefix: string;
  /** Whether rooms are leased through Redis and shared by several processes. */
  readonly cluster: boolean;
  readonly roomLeaseMs: number;
  /** API requests per client per 10 s (0: no limit). */
  readonly rateLimitPer10s: number;
  /** SIGTERM: not ready for this long before the rooms are handed over. */
  readonly drainDelayMs: number;
  /** WeChat Pay (or its sandbox), payment limits and the transfer scene (see payments/config.ts). */
  readonly payments: PaymentsConfig;
  /** FAIRGROUND_* variables this server does not read (start-up warns: they are often typos). */
  readonly unknownKeys: readonly string[];
  /** Operating-metric alerts: the webhook (if any) and the sample an alert needs. */
  readonly alertWebhookUrl: string | undefined;
  readonly alertSampleMin: number;
  /** Credited deposits (fen) from which a player is a VIP. */
  readonly vipDepositsFen: number;
  /** The ledger's hash-chain shards (1–64; fixed once the ledger holds transfers). */
  readonly ledgerChainShards: number;
  /** The TURN server browser voice relays through (secret and URLs); undefined: browser voice is refused. */
  readonly turn: { readonly secret: string; readonly urls: readonly string[] } | undefined;
}

export class ConfigError extends Error {
  readonly key: string;
  constructor(key: string, message: string) {
    super(`config ${key}: ${message}`);
    this.name = 'ConfigError';
    this.key = key;
  }
}

const ACCESS_TOKEN_TTL_S_MAX = 3600;
const BODY_LIMIT_BYTES_MAX = 10 * 1024 * 1024;

function bool(value: string | undefined, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value === '1' || value === 'true';
}

/**
 * Reads and checks the configuration. Throws `ConfigError` naming the first bad variable.
 * `cwd` anchors relative paths (the data directory, `sqlite:` URLs, the policy file).
 */
export function loadConfig(rawEnv: Record<string, string | undefined>, cwd: string = process.cwd()): Config {
  const { picked, unknownKeys } = pickEnv(rawEnv, cwd);
  const env = picked as Env;
  const mode = env.NODE_ENV ?? 'development';
  const production = mode === 'production';
  const { port, dataDir, databaseUrl } = storagePlaces(env, cwd);

  const devLoginAllowed = bool(env.FAIRGROUND_DEV_LOGIN, !production);
  if (production && devLoginAllowed) throw new ConfigError('FAIRGROUND_DEV_LOGIN', 'dev login cannot be enabled in production');
  const seedDemoOperator = bool(env.FAIRGROUND_DEMO_OPERATOR, mode === 'development');
  if (production && seedDemoOperator) throw new ConfigError('FAIRGROUND_DEMO_OPERATOR', 'the demo operator cannot be seeded in production');
  const rules = rulesFiles(env, cwd, production);
  const limits = tokenAndBodyLimits(env);
  const wechat = translated(WechatConfigError, () => loadWechatConfig(picked, { production }));
  const { sessionSecret, dataKeyHex } = platformSecrets(env, production, dataDir);
  const bootstrapAdmin = bootstrapAdminOf(env);
  const { cluster, roomLeaseMs } = clusterOf(env, databaseUrl);
  const payments = paymentsConfig(picked, production, cwd, picked.FAIRGROUND_WECHAT_H5_APPID ?? 'wxsandboxofficialacct');
  const nppa = translated(NppaConfigError, () => loadNppaConfig(picked, { production }));
  const notary = translated(NotaryConfigError, () => loadNotaryConfig(picked, { production }));
  const jobIntervalsMs = jobIntervalsOf(env, payments, roomLeaseMs);
  const acceptedStandIns = parseStandIns(env.FAIRGROUND_ACCEPT_STANDINS);
  let subscribeTemplates: SubscribeTemplates;
  try {
    subscribeTemplates = parseSubscribeTemplates(env.FAIRGROUND_SUBSCRIBE_TEMPLATES);
  } catch (e) {
    throw new ConfigError('FAIRGROUND_SUBSCRIBE_TEMPLATES', (e as Error).message);
  }
  return {
    env: mode,
    port,
    host: env.HOST ?? '127.0.0.1',
    databaseUrl,
    redisUrl: env.REDIS_URL,
    logLevel: env.LOG_LEVEL ?? (mode === 'test' ? 'warn' : 'info'),
    dataDir,
    archiveDir: env.FAIRGROUND_ARCHIVE_DIR ? resolve(cwd, env.FAIRGROUND_ARCHIVE_DIR) : join(dataDir, 'archives'),
    sessionSecret,
    dataKey: Buffer.from(dataKeyHex, 'hex'),
    devLoginAllowed,
    seedDemoOperator,
    ...rules,
    termsVersion: env.FAIRGROUND_TERMS_VERSION ?? '2026-01',
    ...limits,
    identityProvider: wechat.provider,
    wechat,
    metricsToken: env.FAIRGROUND_METRICS_TOKEN,
    notary,
    nppa,
    faceCheck: env.FAIRGROUND_FACE_CHECK ?? (production ? 'off' : 'sandbox'),
    standIns: production ? { any: false, ports: acceptedStandIns } : { any: true },
    trustedProxies: parseTrustedProxies(env.FAIRGROUND_TRUSTED_PROXIES),
    jobIntervalsMs,
    subscribeTemplates,
    ...wechatAppIdsOf(picked),
    bootstrapAdmin,
    serveClients: bool(env.FAIRGROUND_SERVE_CLIENTS, true),
    ...nodeOf(env),
    cluster,
    roomLeaseMs,
    payments,
    unknownKeys,
    ...tuningOf(env),
  };
}

/**
 * The variables this server knows, with secrets read from their `_FILE` where given, checked
 * against the schema; and the unknown `FAIRGROUND_` names (reported at start-up, often a typo).
 */
function pickEnv(rawEnv: Record<string, string | undefined>, cwd: string): { picked: Record<string, string>; unknownKeys: string[] } {
  const known = new Set(Object.keys(EnvSchema.properties));
  const picked: Record<string, string> = {};
  const unknownKeys: string[] = [];
  for (const [key, value] of Object.entries(rawEnv)) {
    if (value === undefined || value === '') continue;
    if (known.has(key)) picked[key] = value;
    else if (key.endsWith('_FILE') && SECRET_KEYS.has(key.slice(0, -'_FILE'.length))) continue;
    else if (key.startsWith('FAIRGROUND_') && !key.startsWith('FAIRGROUND_TEST_')) unknownKeys.push(key);
  }
  // A secret may come from a file instead (`FAIRGROUND_KYC_KEY_FILE=/run/secrets/kyc_key`), so it
  // never appears in the environment of the process or in a compose file.
  for (const key of SECRET_KEYS) {
    const file = rawEnv[`${key}_FILE`];
    if (file === undefined || file === '') continue;
    if (picked[key] !== undefined) throw new ConfigError(`${key}_FILE`, `set ${key} or ${key}_FILE, not both`);
    try {
      picked[key] = readFileSync(resolve(cwd, file), 'utf8').replace(/\r?\n$/, '');
    } catch (e) {
      throw new ConfigError(`${key}_FILE`, `cannot read ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const first = Value.Errors(EnvSchema, picked).First();
  if (first) {
    const key = first.path.replace(/^\//, '') || '(env)';
    throw new ConfigError(key, `invalid value (${first.message})`);
  }
  return { picked, unknownKeys };
}

/** The listening port, the data directory and the database URL (a relative `sqlite:` path made absolute). */
function storagePlaces(env: Env, cwd: string): { port: number; dataDir: string; databaseUrl: string } {
  const port = Number(env.PORT ?? '3000');
  if (port > 65535) throw new ConfigError('PORT', 'must be at most 65535');
  const dataDir = resolve(cwd, env.FAIRGROUND_DATA_DIR ?? '.data');
  let databaseUrl = env.DATABASE_URL ?? `sqlite:${join(dataDir, 'fairground.db')}`;
  if (databaseUrl.startsWith('sqlite:')) {
    const path = databaseUrl.slice('sqlite:'.length);
    if (path !== ':memory:' && !isAbsolute(path)) databaseUrl = `sqlite:${resolve(cwd, path)}`;
  }
  return { port, dataDir, databaseUrl };
}

/** The compliance policy file and folder, the geo overrides and the risk weights, each checked now: the server never starts on a broken one. */
function rulesFiles(
  env: Env,
  cwd: string,
  production: boolean,
): Pick<Config, 'policyFile' | 'policyDir' | 'geoOverrides' | 'riskConfigFile'> {
  if (production && env.FAIRGROUND_POLICY_FILE === undefined) {
    throw new ConfigError('FAIRGROUND_POLICY_FILE', 'required in production (the development policy allows everything)');
  }
  const policyFile = env.FAIRGROUND_POLICY_FILE ? resolve(cwd, env.FAIRGROUND_POLICY_FILE) : DEVELOPMENT_POLICY_FILE;
  if (!existsSync(policyFile)) throw new ConfigError('FAIRGROUND_POLICY_FILE', `no such file: ${policyFile}`);
  const policyDir = env.FAIRGROUND_POLICY_DIR ? resolve(cwd, env.FAIRGROUND_POLICY_DIR) : undefined;
  if (policyDir !== undefined) {
    // Every jurisdiction file is checked now, with the default one.
    try {
      loadPolicySet(policyFile, policyDir);
    } catch (e) {
      if (e instanceof PolicyError)
        throw new ConfigError(e.file === policyFile ? 'FAIRGROUND_POLICY_FILE' : 'FAIRGROUND_POLICY_DIR', e.message);
      throw e;
    }
  }
  let geoOverrides: GeoOverride[] = [];
  try {
    geoOverrides = env.FAIRGROUND_GEO_OVERRIDES ? parseGeoOverrides(env.FAIRGROUND_GEO_OVERRIDES) : [];
  } catch (e) {
    throw new ConfigError('FAIRGROUND_GEO_OVERRIDES', (e as Error).message);
  }
  const riskConfigFile = env.FAIRGROUND_RISK_CONFIG_FILE ? resolve(cwd, env.FAIRGROUND_RISK_CONFIG_FILE) : undefined;
  if (riskConfigFile !== undefined) {
    // Weights and thresholds are checked now too.
    try {
      loadRiskConfig(riskConfigFile);
    } catch (e) {
      if (e instanceof RiskConfigError) throw new ConfigError('FAIRGROUND_RISK_CONFIG_FILE', e.message);
      throw e;
    }
  }
  return { policyFile, policyDir, geoOverrides, riskConfigFile };
}

/** How long access and refresh tokens live (access tokens are short-lived) and the largest request body. */
function tokenAndBodyLimits(env: Env): Pick<Config, 'accessTokenTtlS' | 'refreshTokenTtlS' | 'bodyLimitBytes'> {
  const accessTokenTtlS = Number(env.FAIRGROUND_ACCESS_TOKEN_TTL_S ?? '900');
  if (accessTokenTtlS > ACCESS_TOKEN_TTL_S_MAX) {
    throw new ConfigError('FAIRGROUND_ACCESS_TOKEN_TTL_S', `must be at most ${ACCESS_TOKEN_TTL_S_MAX} (access tokens are short-lived)`);
  }
  const refreshTokenTtlS = Number(env.FAIRGROUND_REFRESH_TOKEN_TTL_S ?? String(30 * 24 * 3600));
  if (refreshTokenTtlS <= accessTokenTtlS) {
    throw new ConfigError('FAIRGROUND_REFRESH_TOKEN_TTL_S', 'must be longer than FAIRGROUND_ACCESS_TOKEN_TTL_S');
  }
  const bodyLimitBytes = Number(env.FAIRGROUND_BODY_LIMIT_BYTES ?? String(64 * 1024));
  if (bodyLimitBytes > BODY_LIMIT_BYTES_MAX)
    throw new ConfigError('FAIRGROUND_BODY_LIMIT_BYTES', `must be at most ${BODY_LIMIT_BYTES_MAX}`);
  return { accessTokenTtlS, refreshTokenTtlS, bodyLimitBytes };
}

/** A sub-configuration's loader, its own error class turned into a `ConfigError` naming the same variable. */
function translated<T>(errorClass: new (...args: never[]) => Error & { readonly key: string }, load: () => T): T {
  try {
    return load();
  } catch (e) {
    if (e instanceof errorClass) throw new ConfigError(e.key, e.message);
    throw e;
  }
}

/** The session secret and the data key: required in production, else generated once into the data directory. */
function platformSecrets(env: Env, production: boolean, dataDir: string): { sessionSecret: string; dataKeyHex: string } {
  const secrets = production ? undefined : developmentSecrets(dataDir);
  const sessionSecret = env.FAIRGROUND_SESSION_SECRET ?? secrets?.sessionSecret;
  if (sessionSecret === undefined) throw new ConfigError('FAIRGROUND_SESSION_SECRET', 'required in production (at least 32 characters)');
  const dataKeyHex = env.FAIRGROUND_KYC_KEY ?? secrets?.kycKey;
  if (dataKeyHex === undefined) throw new ConfigError('FAIRGROUND_KYC_KEY', 'required in production (64 hex characters)');
  return { sessionSecret, dataKeyHex };
}

/** The first operator account, created at start-up when its name and password are both given. */
function bootstrapAdminOf(env: Env): Config['bootstrapAdmin'] {
  if (env.FAIRGROUND_ADMIN_USERNAME === undefined && env.FAIRGROUND_ADMIN_PASSWORD === undefined) return undefined;
  if (env.FAIRGROUND_ADMIN_USERNAME === undefined)
    throw new ConfigError('FAIRGROUND_ADMIN_USERNAME', 'required with FAIRGROUND_ADMIN_PASSWORD');
  if (env.FAIRGROUND_ADMIN_PASSWORD === undefined)
    throw new ConfigError('FAIRGROUND_ADMIN_PASSWORD', 'required with FAIRGROUND_ADMIN_USERNAME');
  return {
    username: env.FAIRGROUND_ADMIN_USERNAME,
    password: env.FAIRGROUND_ADMIN_PASSWORD,
    totpSecret: env.FAIRGROUND_ADMIN_TOTP_SECRET,
  };
}

/** Whether several processes share the database (PostgreSQL and Redis needed) and how long a room lease lasts; with the ledger's and alerts' bounds. */
function clusterOf(env: Env, databaseUrl: string): { cluster: boolean; roomLeaseMs: number } {
  const postgres = /^postgres(ql)?:\/\//.test(databaseUrl);
  const cluster = bool(env.FAIRGROUND_CLUSTER, postgres && env.REDIS_URL !== undefined);
  if (cluster && !postgres)
    throw new ConfigError('FAIRGROUND_CLUSTER', 'several processes need a shared PostgreSQL database (DATABASE_URL=postgres://…)');
  if (cluster && env.REDIS_URL === undefined)
    throw new ConfigError('FAIRGROUND_CLUSTER', 'needs REDIS_URL (room leases and messages between nodes)');
  if (env.FAIRGROUND_PG_SCHEMA !== undefined && !postgres)
    throw new ConfigError('FAIRGROUND_PG_SCHEMA', 'only applies to a PostgreSQL DATABASE_URL');
  const roomLeaseMs = Number(env.FAIRGROUND_ROOM_LEASE_MS ?? '10000');
  if (roomLeaseMs < 300 || roomLeaseMs > 120_000) throw new ConfigError('FAIRGROUND_ROOM_LEASE_MS', 'must be from 300 to 120000');
  if (Number(env.FAIRGROUND_LEDGER_CHAIN_SHARDS ?? '1') > 64) {
    throw new ConfigError('FAIRGROUND_LEDGER_CHAIN_SHARDS', 'must be from 1 to 64');
  }
  if (Number(env.FAIRGROUND_ALERT_INTERVAL_MS ?? '60000') < 1000) {
    throw new ConfigError('FAIRGROUND_ALERT_INTERVAL_MS', 'must be at least 1000 (one evaluation reads a day of events)');
  }
  return { cluster, roomLeaseMs };
}

/** The WeChat app ids; with WeChat, an app left unconfigured keeps a placeholder id no login can reach (its kind answers LOGIN_APP_UNKNOWN). */
function wechatAppIdsOf(picked: Record<string, string>): Pick<Config, 'wechatAppIds' | 'platformVerifiedAppIds'> {
  return {
    wechatAppIds: {
      miniprogram: picked.FAIRGROUND_WECHAT_MP_APPID ?? 'wxsandboxminiprogram',
      h5: picked.FAIRGROUND_WECHAT_H5_APPID ?? 'wxsandboxofficialacct',
      ...(picked.FAIRGROUND_WECHAT_WEB_APPID ? { web: picked.FAIRGROUND_WECHAT_WEB_APPID } : {}),
    },
    platformVerifiedAppIds: bool(picked.FAIRGROUND_WECHAT_MP_MINIGAME, false)
      ? [picked.FAIRGROUND_WECHAT_MP_APPID ?? 'wxsandboxminiprogram']
      : [],
  };
}

/** This process in a cluster: its roles, name, PostgreSQL schema and Redis key prefix. */
function nodeOf(env: Env): Pick<Config, 'roles' | 'nodeId' | 'pgSchema' | 'redisPrefix'> {
  return {
    roles: env.FAIRGROUND_ROLES
      ? ([...new Set(env.FAIRGROUND_ROLES.split(','))] as ('api' | 'rooms' | 'worker')[])
      : ['api', 'rooms', 'worker'],
    nodeId: env.FAIRGROUND_NODE_ID ?? `${hostname()}-${process.pid}`,
    pgSchema: env.FAIRGROUND_PG_SCHEMA,
    redisPrefix: env.FAIRGROUND_REDIS_PREFIX ?? 'fairground:',
  };
}

/** Rate limit, drain delay, alerts, VIP threshold, ledger chain shards and TURN for browser voice. */
function tuningOf(env: Env) {
  return {
    rateLimitPer10s: Number(env.FAIRGROUND_RATE_LIMIT_PER_10S ?? '600'),
    drainDelayMs: Math.min(Number(env.FAIRGROUND_DRAIN_DELAY_MS ?? '0'), 60_000),
    alertWebhookUrl: env.FAIRGROUND_ALERT_WEBHOOK_URL,
    alertSampleMin: Number(env.FAIRGROUND_ALERT_SAMPLE_MIN ?? '20'),
    vipDepositsFen: Number(env.FAIRGROUND_VIP_DEPOSITS_FEN ?? '100000'),
    ledgerChainShards: Number(env.FAIRGROUND_LEDGER_CHAIN_SHARDS ?? '1'),
    turn: turnConfig(env.FAIRGROUND_TURN_SECRET, env.FAIRGROUND_TURN_URLS),
  };
}

/** Every job's interval: the defaults, those other variables set (payments sweep, alerts, cluster orphans), then FAIRGROUND_JOB_INTERVALS_MS. */
function jobIntervalsOf(env: Env, payments: PaymentsConfig, roomLeaseMs: number): Config['jobIntervalsMs'] {
  return {
    ...JOB_INTERVALS_MS_DEFAULT,
    'payments.sweep': payments.sweepIntervalMs,
    'analytics.alerts': Number(env.FAIRGROUND_ALERT_INTERVAL_MS ?? String(JOB_INTERVALS_MS_DEFAULT['analytics.alerts'])),
    'cluster.orphans': Math.max(1000, roomLeaseMs),
    ...parseJobIntervals(env.FAIRGROUND_JOB_INTERVALS_MS),
  };
}

/** Browser voice needs both the TURN secret and its URLs; one without the other is a mistake. */
function turnConfig(secret: string | undefined, urls: string | undefined): Config['turn'] {
  if (secret === undefined && urls === undefined) return undefined;
  if (secret === undefined) throw new ConfigError('FAIRGROUND_TURN_SECRET', 'required with FAIRGROUND_TURN_URLS');
  if (urls === undefined) throw new ConfigError('FAIRGROUND_TURN_URLS', 'required with FAIRGROUND_TURN_SECRET');
  return { secret, urls: urls.split(',') };
}

/** `skill.sweep=2000,risk.poll=10000` → intervals by job name; throws naming the first bad entry. */
function parseJobIntervals(text: string | undefined): Partial<Record<JobName, number>> {
  const out: Partial<Record<JobName, number>> = {};
  if (text === undefined) return out;
  for (const entry of text.split(',')) {
    const [name, ms, extra] = entry.trim().split('=');
    if (name === undefined || ms === undefined || extra !== undefined || !/^[1-9][0-9]{1,8}$/.test(ms))
      throw new ConfigError('FAIRGROUND_JOB_INTERVALS_MS', `"${entry}" is not name=milliseconds (at least 10)`);
    if (!isJobName(name))
      throw new ConfigError(
        'FAIRGROUND_JOB_INTERVALS_MS',
        `no job named "${name}" (jobs: ${Object.keys(JOB_INTERVALS_MS_DEFAULT).join(', ')})`,
      );
    out[name] = Number(ms);
  }
  return out;
}

function parseTrustedProxies(text: string | undefined): string[] {
  if (text === undefined) return ['loopback'];
  return text.split(',').map((entry) => {
    const [address, prefix, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const bits = prefix === undefined ? null : Number(prefix);
    if (family === 0 || extra !== undefined || (bits !== null && (!/^[0-9]{1,3}$/.test(prefix ?? '') || bits > (family === 4 ? 32 : 128))))
      throw new ConfigError('FAIRGROUND_TRUSTED_PROXIES', `"${entry}" is not an address or CIDR range`);
    return entry;
  });
}

function parseStandIns(text: string | undefined): StandInPort[] {
  if (text === undefined) return [];
  const out: StandInPort[] = [];
  for (const name of text.split(',')) {
    const former = FORMER_STANDIN_PORTS[name];
    if (former !== undefined) throw new ConfigError('FAIRGROUND_ACCEPT_STANDINS', `"${name}": ${former}`);
    if (!isStandInPort(name))
      throw new ConfigError('FAIRGROUND_ACCEPT_STANDINS', `"${name}" is not a port with a stand-in (${STANDIN_PORTS.join(', ')})`);
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

export interface DevSecrets {
  sessionSecret: string;
  kycKey: string;
}

/**
 * Development secrets, generated on first start and kept beside the database. Two processes that
 * start at once on a new data directory agree on one set: each writes its own file whole and links
 * it into place, and the one that loses the race reads the winner's.
 */
export function developmentSecrets(dataDir: string, beforePublish?: () => void): DevSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return readDevelopmentSecrets(file);
  mkdirSync(dataDir, { recursive: true });
  const secrets: DevSecrets = { sessionSecret: randomBytes(32).toString('base64url'), kycKey: randomBytes(32).toString('hex') };
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  writeFileSync(draft, `${JSON.stringify(secrets, null, 2)}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(draft, 0o600);
  // Tests start another process's first start here, the moment the race is lost in.
  beforePublish?.();
  try {
    linkSync(draft, file);
    return secrets;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    return readDevelopmentSecrets(file);
  } finally {
    unlinkSync(draft);
  }
}

function readDevelopmentSecrets(file: string): DevSecrets {
  let parsed: Partial<DevSecrets> = {};
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8')) as Partial<DevSecrets>;
  } catch {
    // Not JSON: reported below as damaged.
  }
  if (typeof parsed?.sessionSecret === 'string' && typeof parsed.kycKey === 'string' && /^[0-9a-f]{64}$/.test(parsed.kycKey)) {
    return { sessionSecret: parsed.sessionSecret, kycKey: parsed.kycKey };
  }
  throw new ConfigError('FAIRGROUND_DATA_DIR', `${file} is damaged; delete it to generate new development secrets`);
}

function paymentsConfig(env: Record<string, string>, production: boolean, cwd: string, h5AppId: string): PaymentsConfig {
  try {
    return loadPaymentsConfig(env, { production, cwd, h5AppId });
  } catch (e) {
    if (e instanceof PaymentsConfigError) throw new ConfigError(e.key, e.message);
    throw e;
  }
}

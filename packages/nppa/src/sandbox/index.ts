// A protocol-faithful local NPPA: the three production interfaces and the three interface-test
// endpoints with NPPA's decryption, signature checks and errcodes; registered test identities;
// in-progress checks that settle on a later query; rate limits; fault injection; duplicate-report
// counting; the eight official tests with their own codes; an admin API and page. See README.md.
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { type Clock, systemClock } from '@fairground/core';
import { idNumberFor } from '../idcard.ts';
import { REQUEST_TIMESTAMP_SKEW_MS_MAX } from '../limits.ts';
import { PRESET_CHECK_IN_PROGRESS, PRESET_CHECK_OK } from '../presets.ts';
import { RESULT_STATUS_FAILED, RESULT_STATUS_OK } from '../protocol.ts';
import { isSecretKey } from '../wire.ts';
import { reportsView } from './admin.ts';
import {
  type CoreConfig,
  DEFAULT_SANDBOX_LIMITS,
  DOCUMENTED_RATE_LIMITS,
  type RateLimits,
  type RequestLogEntry,
  SandboxCore,
  type SandboxLimits,
} from './core.ts';
import type { ActiveFault, Fault } from './faults.ts';
import { type IdentityInputForm, type IdentityView, PENDING_MS_MAX, view } from './identities.ts';
import type { AuthRecord } from './records.ts';
import type { ReportsView } from './reports.ts';
import type { ScenarioState } from './scenarios.ts';
import { createSandboxServer } from './server.ts';

export { SandboxErrors } from './errors.ts';
export { FAULT_ENDPOINTS, FAULT_KINDS } from './faults.ts';
export type { ActiveFault, Fault, FaultEndpoint, FaultKind } from './faults.ts';
export type { IdentityInputForm, IdentityView } from './identities.ts';
export { piFor } from './identities.ts';
export type { AuthRecord } from './records.ts';
export type { AcceptedRecord, DuplicateView, ReportStats, ReportsView } from './reports.ts';
export type { ScenarioState } from './scenarios.ts';
export type { RateLimits, RequestLogEntry, SandboxLimits } from './core.ts';
export { DEFAULT_SANDBOX_LIMITS, DOCUMENTED_RATE_LIMITS } from './core.ts';
export { type SpawnedNppaSandbox, type SpawnNppaSandboxOptions, spawnNppaSandbox } from './spawn.ts';

/** How long an in-progress identity takes to settle unless it says otherwise (sandbox-clock ms). */
export const DEFAULT_PENDING_MS = 30_000;

export interface NppaSandboxOptions {
  /** Port to listen on (default 0: an ephemeral port). */
  readonly port?: number;
  /** Address to bind (default 127.0.0.1). */
  readonly host?: string;
  /** Drives timestamps checks, rate-limit windows, settling and expiry (default the system clock). */
  readonly clock?: Clock;
  /** Credentials the sandbox accepts; generated when omitted. */
  readonly appId?: string;
  readonly bizId?: string;
  readonly secretKey?: string;
  /** The eight interface-test codes, testcase01 first; generated when omitted. */
  readonly testCodes?: readonly string[];
  /** Default settle delay of in-progress identities. */
  readonly pendingMs?: number;
  /** Overrides of the documented per-second limits and the one-minute block. */
  readonly rateLimits?: Partial<RateLimits>;
  /** How far `timestamps` may be from the sandbox clock (default 5000). */
  readonly timestampSkewMs?: number;
  /** NPPA's IP allow-list; omitted allows every address. */
  readonly allowedIps?: readonly string[];
  readonly limits?: Partial<SandboxLimits>;
  /** Registers the official preset people and one adult and one minor (default false). */
  readonly seed?: boolean;
}

export interface NppaSandbox {
  /** Stands in for all four NPPA hosts: give it to `NppaClient` as `baseUrl`. */
  readonly baseUrl: string;
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  readonly clock: Clock;
  /** The eight live test codes, testcase01 first. */
  testCodes(): string[];
  /** Issues eight new codes (or the given ones); earlier results are forgotten. */
  reissueTestCodes(codes?: readonly string[]): string[];
  scenarios(): ScenarioState[];
  registerIdentity(input: IdentityInputForm): IdentityView;
  identities(): IdentityView[];
  removeIdentity(idNum: string): boolean;
  /** Live check records by ai. */
  records(): AuthRecord[];
  /** Settles an in-progress check now. */
  settle(ai: string, status: 'ok' | 'failed'): boolean;
  reports(): ReportsView;
  clearReports(): void;
  readonly faults: {
    inject(fault: Fault): ActiveFault;
    list(): ActiveFault[];
    clear(): void;
  };
  /** False makes every call answer 1009 (access not enabled). */
  setEnabled(enabled: boolean): void;
  requestLog(): RequestLogEntry[];
  close(): Promise<void>;
}

/** 32 lower-case hex characters, as NPPA issues appIds. */
export function newAppId(): string {
  return randomBytes(16).toString('hex');
}

/** A 10-digit bizId in the shape of NPPA's game filing codes (11 + 8 digits). */
export function newBizId(): string {
  return `11${String(randomBytes(4).readUInt32BE() % 100_000_000).padStart(8, '0')}`;
}

export function newSecretKey(): string {
  return randomBytes(16).toString('hex');
}

function seed(core: SandboxCore): void {
  const nowMs = core.nowMs();
  for (const p of PRESET_CHECK_OK) core.identities.register({ name: p.name, idNum: p.idNum }, nowMs);
  for (const p of PRESET_CHECK_IN_PROGRESS) core.identities.register({ name: p.name, idNum: p.idNum, outcome: 'pending' }, nowMs);
  const year = new Date(nowMs).getUTCFullYear();
  core.identities.register({ name: '成年测试', idNum: idNumberFor(`${year - 30}-06-01`, '110101', '011') }, nowMs);
  core.identities.register({ name: '未成年测试', idNum: idNumberFor(`${year - 12}-06-01`, '110101', '012') }, nowMs);
}

/** Starts a sandbox on `host:port`. */
export async function startNppaSandbox(options: NppaSandboxOptions = {}): Promise<NppaSandbox> {
  const clock = options.clock ?? systemClock;
  const config = coreConfigOf(options);
  const { appId, bizId, secretKey } = config;
  const core = new SandboxCore(
    clock,
    config,
    { ...DEFAULT_SANDBOX_LIMITS, ...(options.limits ?? {}) },
    { ...DOCUMENTED_RATE_LIMITS, ...(options.rateLimits ?? {}) },
    options.testCodes,
  );
  if (options.seed === true) seed(core);

  const { server, hanging } = createSandboxServer(core);
  core.baseUrl = await listenOn(server, options.host ?? '127.0.0.1', options.port ?? 0);

  return {
    baseUrl: core.baseUrl,
    appId,
    bizId,
    secretKey,
    clock,
    testCodes: () => core.scenarios.codes(),
    reissueTestCodes: (codes) => {
      core.scenarios.issue(core.nowMs(), codes);
      return core.scenarios.codes();
    },
    scenarios: () => core.scenarios.list(),
    registerIdentity: (input) => view(core.identities.register(input, core.nowMs()), core.nowMs()),
    identities: () => core.identities.list(core.nowMs()),
    removeIdentity: (idNum) => core.identities.remove(idNum),
    records: () => core.records.list(core.nowMs()),
    settle: (ai, status) => {
      const nowMs = core.nowMs();
      const record = core.records.get(ai, nowMs);
      if (record === undefined) return false;
      const pi = status === 'ok' ? core.identities.byIdNum(record.idNum)?.pi : undefined;
      if (status === 'ok' && pi === undefined) return false;
      return core.records.settle(ai, status === 'ok' ? RESULT_STATUS_OK : RESULT_STATUS_FAILED, pi, nowMs);
    },
    reports: () => reportsView(core),
    clearReports: () => core.reports.clear(),
    faults: {
      inject: (fault) => core.faults.inject(fault),
      list: () => core.faults.list(),
      clear: () => core.faults.clear(),
    },
    setEnabled: (enabled) => {
      core.enabled = enabled;
    },
    requestLog: () => core.requestLog(),
    close: async () => {
      for (const res of hanging) res.destroy();
      hanging.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

/** The core's configuration from the options, checked: a generated key, appId and bizId where none is given. */
function coreConfigOf(options: NppaSandboxOptions): CoreConfig {
  const secretKey = options.secretKey ?? newSecretKey();
  if (!isSecretKey(secretKey)) throw new RangeError('secretKey must be 32 hex characters');
  const appId = options.appId ?? newAppId();
  const bizId = options.bizId ?? newBizId();
  if (!/^[0-9A-Za-z]{1,64}$/.test(appId) || !/^[0-9A-Za-z]{1,32}$/.test(bizId))
    throw new RangeError('appId and bizId must be letters or digits');
  const pendingMs = options.pendingMs ?? DEFAULT_PENDING_MS;
  if (!Number.isSafeInteger(pendingMs) || pendingMs < 0 || pendingMs > PENDING_MS_MAX)
    throw new RangeError(`pendingMs must be 0..${PENDING_MS_MAX}`);
  const config: CoreConfig = {
    appId,
    bizId,
    secretKey,
    timestampSkewMs: options.timestampSkewMs ?? REQUEST_TIMESTAMP_SKEW_MS_MAX,
    allowedIps: options.allowedIps,
    defaultPendingMs: pendingMs,
  };
  return config;
}

/** Listens on `host:port` (0: any free port); the base URL a client on this machine reaches it at. */
async function listenOn(server: Server, host: string, portWanted: number): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(portWanted, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host.includes(':') ? `[${host}]` : host;
  return `http://${urlHost}:${port}`;
}

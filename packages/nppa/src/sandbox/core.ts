// Everything the sandbox knows, in one place: its credentials, clock, registered identities,
// check records, accepted reports, the eight interface tests, faults, rate limiters and a short
// request log. Every collection has a named maximum.
import type { Clock } from '@fairground/core';
import {
  RATE_LIMIT_BLOCK_MS,
  RATE_LIMIT_CHECK_PER_SECOND,
  RATE_LIMIT_LOGINOUT_PER_SECOND,
  RATE_LIMIT_QUERY_PER_SECOND,
} from '../limits.ts';
import { type Endpoint, FaultController } from './faults.ts';
import { IdentityRegistry } from './identities.ts';
import { RateLimiter } from './ratelimit.ts';
import { RecordStore } from './records.ts';
import { ReportLog } from './reports.ts';
import { Scenarios } from './scenarios.ts';

export interface SandboxLimits {
  /** Registered identities (default 10 000). */
  readonly identitiesMax: number;
  /** Live check records; beyond this a check answers 2002 (default 100 000). */
  readonly recordsMax: number;
  /** Accepted report records kept for display (default 1 000). */
  readonly recentReportsMax: number;
  /** Distinct record contents remembered for duplicate counting (default 100 000). */
  readonly duplicateKeysMax: number;
  /** Requests kept in the request log (default 200). */
  readonly requestLogMax: number;
}

export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  identitiesMax: 10_000,
  recordsMax: 100_000,
  recentReportsMax: 1_000,
  duplicateKeysMax: 100_000,
  requestLogMax: 200,
};

export interface RateLimits {
  readonly checkPerSecond: number;
  readonly queryPerSecond: number;
  readonly loginoutPerSecond: number;
  readonly blockMs: number;
}

export const DOCUMENTED_RATE_LIMITS: RateLimits = {
  checkPerSecond: RATE_LIMIT_CHECK_PER_SECOND,
  queryPerSecond: RATE_LIMIT_QUERY_PER_SECOND,
  loginoutPerSecond: RATE_LIMIT_LOGINOUT_PER_SECOND,
  blockMs: RATE_LIMIT_BLOCK_MS,
};

export interface RequestLogEntry {
  readonly atMs: number;
  readonly method: string;
  /** Path without the query (the query carries an ai). */
  readonly path: string;
  readonly endpoint: Endpoint | 'unknown';
  readonly httpStatus: number;
  /** The errcode answered, or null when the answer had none (hang, HTTP fault, malformed). */
  readonly errcode: number | null;
  readonly fault: string | null;
}

export interface CoreConfig {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  /** How far `timestamps` may be from the sandbox clock (default 5000, the spec's). */
  readonly timestampSkewMs: number;
  /** Source addresses allowed to call (NPPA's IP allow-list); undefined allows all. */
  readonly allowedIps: readonly string[] | undefined;
  readonly defaultPendingMs: number;
}

export class SandboxCore {
  readonly clock: Clock;
  readonly config: CoreConfig;
  readonly limits: SandboxLimits;
  readonly identities: IdentityRegistry;
  readonly records: RecordStore;
  readonly reports: ReportLog;
  readonly scenarios: Scenarios;
  readonly faults = new FaultController();
  readonly limiters: Readonly<Record<'check' | 'query' | 'loginout', RateLimiter>>;
  /** False answers every call with 1009 (the caller's access is not enabled). */
  enabled = true;
  baseUrl = '';
  readonly #log: RequestLogEntry[] = [];

  constructor(clock: Clock, config: CoreConfig, limits: SandboxLimits, rateLimits: RateLimits, testCodes?: readonly string[]) {
    this.clock = clock;
    this.config = config;
    this.limits = limits;
    // The pi secret ties pi values to this sandbox's credentials, so a restart with the same
    // credentials hands out the same pi for the same person.
    this.identities = new IdentityRegistry(limits.identitiesMax, `${config.secretKey}:${config.appId}`, config.defaultPendingMs);
    this.records = new RecordStore(limits.recordsMax);
    this.reports = new ReportLog(limits.recentReportsMax, limits.duplicateKeysMax);
    this.scenarios = new Scenarios(clock.nowMs(), testCodes);
    this.limiters = {
      check: new RateLimiter(rateLimits.checkPerSecond, rateLimits.blockMs),
      query: new RateLimiter(rateLimits.queryPerSecond, rateLimits.blockMs),
      loginout: new RateLimiter(rateLimits.loginoutPerSecond, rateLimits.blockMs),
    };
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  log(entry: RequestLogEntry): void {
    this.#log.push(entry);
    if (this.#log.length > this.limits.requestLogMax) this.#log.shift();
  }

  requestLog(): RequestLogEntry[] {
    return [...this.#log];
  }
}

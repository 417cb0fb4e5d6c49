// What every part of the payments domain shares: the store, the ledger, the provider behind its
// circuit breaker, the player notifier, the audit and analytics logs, operator settings and the
// event log that records each step of every payment.
import { AppError, type Clock, newId, present } from '@fairground/core';
import type { AuditLog } from '../admin/index.ts';
import type { Analytics } from '../analytics/index.ts';
import type { Ledger } from '../ledger/index.ts';
import type { Notifier } from '../notifications/index.ts';
import type { Store, Tx } from '../storage/ports.ts';
import type { CircuitBreaker } from './breaker.ts';
import { PaymentsErrors } from './errors.ts';
import { BEIJING_OFFSET_MS, DAY_MS, EVENT_DETAIL_BYTES_MAX } from './limits.ts';
import {
  noPlayerLimits,
  type PaymentAccountsPort,
  type PaymentProvider,
  type PlayerLimitsPort,
  ProviderError,
  type RiskPort,
  type TransferReportInfo,
  type WageringPort,
} from './ports.ts';

/** Amounts and transfer details an operator configures (environment, see config.ts). */
export interface PaymentsSettings {
  readonly depositMinFen: number;
  readonly depositMaxFen: number;
  readonly depositDailyMaxFen: number;
  readonly withdrawalMinFen: number;
  readonly withdrawalMaxFen: number;
  readonly withdrawalDailyMaxFen: number;
  readonly withdrawalDailyCountMax: number;
  /** The default risk port sends withdrawals at or above this to operator review. */
  readonly withdrawalReviewFromFen: number;
  readonly depositDescription: string;
  readonly transfer: {
    readonly sceneId: string;
    readonly reportInfos: readonly TransferReportInfo[];
    readonly userRecvPerception: string | undefined;
    readonly remark: string;
  };
}

export const DEFAULT_SETTINGS: PaymentsSettings = {
  depositMinFen: 100,
  depositMaxFen: 500_000,
  depositDailyMaxFen: 2_000_000,
  withdrawalMinFen: 100,
  withdrawalMaxFen: 100_000,
  withdrawalDailyMaxFen: 300_000,
  withdrawalDailyCountMax: 10,
  withdrawalReviewFromFen: 50_000,
  depositDescription: 'Fairground 钱包充值',
  transfer: {
    sceneId: '1000',
    reportInfos: [
      { infoType: '活动名称', infoContent: 'Fairground 余额提现' },
      { infoType: '奖励说明', infoContent: '玩家提取钱包余额' },
    ],
    userRecvPerception: '现金奖励',
    remark: 'Fairground 余额提现',
  },
};

export interface PaymentsLog {
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

/** Finds a player's openid in the app the provider pays under (null when they never signed in there). */
export type OpenidLookup = (playerId: string, appId: string) => Promise<string | null>;

export interface PaymentsDeps {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly provider: PaymentProvider | null;
  readonly notifier: Notifier;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  readonly openidOf: OpenidLookup;
  readonly settings: PaymentsSettings;
  /** Asked about every withdrawal: allow, review or block. */
  readonly risk: RiskPort;
  /** Told the WeChat account behind each paid deposit and each payout (linked accounts). */
  readonly accounts: PaymentAccountsPort;
  /** Bonus wagering still owed, which holds back withdrawals. */
  readonly wagering: WageringPort;
  /** Compliance's limits on each player's deposits and withdrawals (default: none beyond the settings). */
  readonly limits?: PlayerLimitsPort;
  readonly log: PaymentsLog;
  /** The notify URL the provider posts to; may be set later (`Payments.setNotifyUrl`) once the server listens. */
  readonly notifyUrl?: string;
  readonly breaker?: CircuitBreaker;
}

export interface Ctx {
  readonly store: Store;
  readonly ledger: Ledger;
  readonly clock: Clock;
  readonly notifier: Notifier;
  readonly audit: AuditLog;
  readonly analytics: Analytics;
  readonly openidOf: OpenidLookup;
  readonly settings: PaymentsSettings;
  readonly risk: RiskPort;
  readonly accounts: PaymentAccountsPort;
  readonly wagering: WageringPort;
  readonly limits: PlayerLimitsPort;
  readonly log: PaymentsLog;
  readonly breaker: CircuitBreaker;
  notifyUrl(): string;
  /** The provider, or PAYMENT_PROVIDER_NOT_CONFIGURED. */
  provider(): PaymentProvider;
  readonly hasProvider: boolean;
  /**
   * Calls the provider through the breaker. Background work waits while the breaker is open
   * (a `retry_later` failure); only timeouts, 5xx and unverifiable answers count against it.
   */
  call<T>(fn: (p: PaymentProvider) => Promise<T>): Promise<T>;
  event(tx: Tx, subjectKind: string, subjectId: string, kind: string, detail?: object): Promise<void>;
}

export function requireProvider(p: PaymentProvider | null): PaymentProvider {
  if (p === null) throw new AppError(PaymentsErrors.PAYMENT_PROVIDER_NOT_CONFIGURED);
  return p;
}

/** The Beijing calendar day `YYYY-MM-DD` of an instant. */
export function beijingDate(ms: number): string {
  return new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 10);
}

/** 00:00 Beijing time of the day containing `ms`. */
export function beijingDayStartMs(ms: number): number {
  return Math.floor((ms + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS;
}

/** 00:00 Beijing time of a `YYYY-MM-DD` day, or null if it is not a real date. */
export function beijingMidnightMs(date: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) - BEIJING_OFFSET_MS;
  return beijingDate(ms) === date ? ms : null;
}

/** The i-th gap of a backoff schedule, repeating the last one. */
export function backoff(schedule: readonly number[], attempt: number): number {
  return present(schedule[Math.min(Math.max(attempt, 0), schedule.length - 1)], 'a backoff schedule has a gap');
}

/** Event ids sort in insertion order within a process (events of one unit share their time). */
let eventCounter = 0;
function eventId(): string {
  eventCounter = (eventCounter + 1) % 1_000_000_000_000;
  return `pe_${String(eventCounter).padStart(12, '0')}${newId('x').slice(2, 12)}`;
}

export function createCtx(d: PaymentsDeps, breaker: CircuitBreaker, notifyUrl: { value: string | undefined }): Ctx {
  const log = d.log;
  return {
    store: d.store,
    ledger: d.ledger,
    clock: d.clock,
    notifier: d.notifier,
    audit: d.audit,
    analytics: d.analytics,
    openidOf: d.openidOf,
    settings: d.settings,
    risk: d.risk,
    accounts: d.accounts,
    wagering: d.wagering,
    limits: d.limits ?? noPlayerLimits,
    log,
    breaker,
    hasProvider: d.provider !== null,
    notifyUrl() {
      if (notifyUrl.value === undefined)
        throw new AppError(PaymentsErrors.PAYMENT_PROVIDER_NOT_CONFIGURED, { reason: 'notify URL not set' });
      return notifyUrl.value;
    },
    provider: () => requireProvider(d.provider),
    async call(fn) {
      const p = requireProvider(d.provider);
      if (!breaker.allow()) throw new ProviderError('retry_later', 'BREAKER_OPEN', 'the provider circuit breaker is open');
      try {
        const out = await fn(p);
        breaker.success();
        return out;
      } catch (e) {
        if (e instanceof ProviderError && e.failure === 'unclear') breaker.failure();
        else if (e instanceof ProviderError) breaker.success();
        else breaker.failure();
        throw e;
      }
    },
    async event(tx, subjectKind, subjectId, kind, detail) {
      let text = detail === undefined ? null : JSON.stringify(detail);
      if (text !== null && text.length > EVENT_DETAIL_BYTES_MAX) text = `${text.slice(0, EVENT_DETAIL_BYTES_MAX - 1)}…`;
      await tx.run('INSERT INTO payment_events (id, subject_kind, subject_id, kind, detail, at_ms) VALUES (?, ?, ?, ?, ?, ?)', [
        eventId(),
        subjectKind,
        subjectId,
        kind,
        text,
        tx.nowMs,
      ]);
    },
  };
}

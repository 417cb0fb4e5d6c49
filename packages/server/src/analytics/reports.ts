// The operating report: the seed's metrics over a window, and the money that moved in it
// (deposits and withdrawals from the event log, revenue by source from the ledger's revenue
// account). Computed on request from the log, so the console shows what just happened.
import { AppError, type Clock } from '@fairground/core';
import type { Ledger } from '../ledger/index.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { AnalyticsErrors } from './errors.ts';
import {
  ALERT_SAMPLE_MIN_DEFAULT,
  ATTRIBUTION_LOOKBACK_MS,
  EVENTS_SCAN_MAX,
  METRICS_WINDOW_MS_MAX,
  REVENUE_TRANSFERS_MAX,
} from './limits.ts';
import {
  bucketMsOf,
  chinaDayStartMs,
  computeMetrics,
  type Dimensions,
  METRIC_EVENT_KINDS,
  type MetricEvent,
  type MetricResult,
  type Window,
} from './metrics.ts';
import { readPlayerTierRows, tierAt } from './tiers.ts';

export interface MoneyPoint {
  readonly startMs: number;
  readonly depositsFen: number;
  readonly withdrawalsFen: number;
  readonly revenueFen: number;
}

export interface MoneyMetrics {
  readonly deposits: { readonly count: number; readonly fen: number };
  readonly withdrawalsRequested: { readonly count: number; readonly fen: number };
  readonly withdrawalsCompleted: { readonly count: number; readonly fen: number };
  readonly withdrawalsFailed: { readonly count: number; readonly fen: number };
  /** Credited deposits minus completed withdrawals. */
  readonly netInflowFen: number;
  /** Net CNY credited to the platform's revenue account, by transfer code (commission, room_fee, rake, …). */
  readonly revenueBySource: { readonly source: string; readonly fen: number; readonly transfers: number }[];
  readonly revenueFen: number;
  readonly series: MoneyPoint[];
  /** True when the revenue account held more transfers than one report reads. */
  readonly revenueTruncated: boolean;
}

export interface OperatingReport {
  readonly window: Window;
  readonly nowMs: number;
  /** The chart bucket: an hour for windows up to two days, else a China day. */
  readonly bucketMs: number;
  readonly alertSampleMin: number;
  readonly metrics: MetricResult[];
  readonly money: MoneyMetrics;
  /** Players seen in the window (any event they caused). */
  readonly activePlayers: number;
  /** True when the window held more events than one report reads (the numbers then cover the earliest part). */
  readonly truncated: boolean;
}

export interface ReportsOptions {
  readonly reader: Reader;
  readonly clock: Clock;
  readonly ledger: Ledger;
  readonly alertSampleMin?: number;
}

interface EventRow {
  kind: string;
  actor_id: string | null;
  at_ms: unknown;
  data: string;
}

export class Reports {
  readonly #o: ReportsOptions;

  constructor(o: ReportsOptions) {
    this.#o = o;
  }

  get alertSampleMin(): number {
    return this.#o.alertSampleMin ?? ALERT_SAMPLE_MIN_DEFAULT;
  }

  /** Checks a window given by a caller; throws ANALYTICS_WINDOW_INVALID. */
  static checkWindow(window: Window): void {
    const span = window.toMs - window.fromMs;
    if (!Number.isSafeInteger(window.fromMs) || !Number.isSafeInteger(window.toMs) || span <= 0 || span > METRICS_WINDOW_MS_MAX) {
      throw new AppError(AnalyticsErrors.ANALYTICS_WINDOW_INVALID, {
        fromMs: window.fromMs,
        toMs: window.toMs,
        spanMsMax: METRICS_WINDOW_MS_MAX,
      });
    }
  }

  async report(window: Window): Promise<OperatingReport> {
    Reports.checkWindow(window);
    const nowMs = this.#o.clock.nowMs();
    const { events, truncated } = await this.#events(window.fromMs - ATTRIBUTION_LOOKBACK_MS, Math.max(nowMs, window.toMs) + 1);
    const dims = await this.#dimensions(events);
    const metrics = computeMetrics(events, dims, { window, nowMs, alertSampleMin: this.alertSampleMin });
    const money = await this.#money(events, window);
    const active = new Set<string>();
    for (const e of events) if (e.actorId !== null && e.atMs >= window.fromMs && e.atMs < window.toMs) active.add(e.actorId);
    return {
      window,
      nowMs,
      bucketMs: bucketMsOf(window),
      alertSampleMin: this.alertSampleMin,
      metrics,
      money,
      activePlayers: active.size,
      truncated,
    };
  }

  async #events(fromMs: number, toMs: number): Promise<{ events: MetricEvent[]; truncated: boolean }> {
    const kinds = [...METRIC_EVENT_KINDS, 'withdrawal_requested', 'withdrawal_completed', 'withdrawal_failed'];
    const rows = await this.#o.reader.query<EventRow>(
      `SELECT kind, actor_id, at_ms, data FROM analytics_events
        WHERE kind IN (${kinds.map(() => '?').join(', ')}) AND at_ms >= ? AND at_ms < ?
        ORDER BY at_ms, seq LIMIT ?`,
      [...kinds, fromMs, toMs, EVENTS_SCAN_MAX + 1],
    );
    const truncated = rows.length > EVENTS_SCAN_MAX;
    const events = rows.slice(0, EVENTS_SCAN_MAX).map((r) => ({
      kind: r.kind,
      actorId: r.actor_id,
      atMs: intFromDb(r.at_ms),
      data: JSON.parse(r.data) as MetricEvent['data'],
    }));
    return { events, truncated };
  }

  /** Region: the latest region stamped on a player's events. Tier: from their deposits, at each instant. */
  async #dimensions(events: readonly MetricEvent[]): Promise<Dimensions> {
    const regions = new Map<string, string>();
    const players = new Set<string>();
    for (const e of events) {
      if (e.actorId === null) continue;
      players.add(e.actorId);
      if (typeof e.data.region === 'string') regions.set(e.actorId, e.data.region);
    }
    const tiers = await readPlayerTierRows(this.#o.reader, [...players]);
    return {
      regionOf: (playerId) => (playerId === null ? 'unknown' : (regions.get(playerId) ?? 'unknown')),
      tierOf: (playerId, atMs) => tierAt(playerId === null ? null : tiers.get(playerId), atMs),
    };
  }

  async #money(events: readonly MetricEvent[], w: Window): Promise<MoneyMetrics> {
    const bucketMs = bucketMsOf(w);
    const bucket = (ms: number) => (bucketMs === 3600_000 ? Math.floor(ms / bucketMs) * bucketMs : chinaDayStartMs(ms));
    const points = new Map<number, { depositsFen: number; withdrawalsFen: number; revenueFen: number }>();
    for (let t = bucket(w.fromMs); t < w.toMs; t += bucketMs) points.set(t, { depositsFen: 0, withdrawalsFen: 0, revenueFen: 0 });
    const sums = {
      deposit_credited: { count: 0, fen: 0 },
      withdrawal_requested: { count: 0, fen: 0 },
      withdrawal_completed: { count: 0, fen: 0 },
      withdrawal_failed: { count: 0, fen: 0 },
    };
    for (const e of events) {
      if (e.atMs < w.fromMs || e.atMs >= w.toMs) continue;
      if (!(e.kind in sums) || typeof e.data.amountFen !== 'number') continue;
      const s = sums[e.kind as keyof typeof sums];
      s.count += 1;
      s.fen += e.data.amountFen;
      const p = points.get(bucket(e.atMs));
      if (p && e.kind === 'deposit_credited') p.depositsFen += e.data.amountFen;
      if (p && e.kind === 'withdrawal_completed') p.withdrawalsFen += e.data.amountFen;
    }
    const revenue = await this.#revenue(w);
    for (const r of revenue.items) {
      const p = points.get(bucket(r.atMs));
      if (p) p.revenueFen += r.fen;
    }
    const bySource = new Map<string, { fen: number; transfers: number }>();
    for (const r of revenue.items) {
      const s = bySource.get(r.code) ?? { fen: 0, transfers: 0 };
      s.fen += r.fen;
      s.transfers += 1;
      bySource.set(r.code, s);
    }
    const revenueBySource = [...bySource].map(([source, s]) => ({ source, ...s })).sort((a, b) => b.fen - a.fen);
    return {
      deposits: sums.deposit_credited,
      withdrawalsRequested: sums.withdrawal_requested,
      withdrawalsCompleted: sums.withdrawal_completed,
      withdrawalsFailed: sums.withdrawal_failed,
      netInflowFen: sums.deposit_credited.fen - sums.withdrawal_completed.fen,
      revenueBySource,
      revenueFen: revenueBySource.reduce((a, s) => a + s.fen, 0),
      series: [...points].map(([startMs, p]) => ({ startMs, ...p })),
      revenueTruncated: revenue.truncated,
    };
  }

  /** Posted movements of the revenue account (CNY) in the window: credits add, debits (reversals) subtract. */
  async #revenue(w: Window): Promise<{ items: { code: string; fen: number; atMs: number }[]; truncated: boolean }> {
    const items: { code: string; fen: number; atMs: number }[] = [];
    let cursor: string | undefined;
    for (;;) {
      const page = await this.#o.ledger.history({
        ownerKind: 'system',
        ownerId: 'revenue',
        asset: 'CNY',
        fromMs: w.fromMs,
        toMs: w.toMs,
        limit: 200,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      for (const it of page.items) {
        if (it.kind !== 'posted' && it.kind !== 'post') continue;
        items.push({ code: it.code, fen: it.direction === 'in' ? it.amount : -it.amount, atMs: it.createdAtMs });
      }
      if (page.nextCursor === null) return { items, truncated: false };
      if (items.length >= REVENUE_TRANSFERS_MAX) return { items, truncated: true };
      cursor = page.nextCursor;
    }
  }
}

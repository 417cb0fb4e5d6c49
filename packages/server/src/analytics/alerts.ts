// Alerts: a periodic job computes the seed's metrics over the last day and opens an alert when one
// crosses its alert line (with enough observations to mean something), resolves it when it comes
// back, and tells an operator-configured webhook about both. The console lists them. Deliveries are
// rows written with the alert, so a crash between deciding and sending loses nothing: the next
// pass sends what is still pending, with a capped backoff, and gives up after a bounded number.
import { type Clock, newId } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import {
  ALERT_WINDOW_MS_DEFAULT,
  ALERTS_PAGE_MAX,
  WEBHOOK_ATTEMPTS_MAX,
  WEBHOOK_BACKOFF_MS_BASE,
  WEBHOOK_BACKOFF_MS_MAX,
  WEBHOOK_DELIVERIES_PER_PASS_MAX,
  WEBHOOK_ERROR_LENGTH_MAX,
  WEBHOOK_TIMEOUT_MS,
} from './limits.ts';
import type { MetricId, Threshold } from './metrics.ts';
import type { Reports } from './reports.ts';

export type AlertState = 'open' | 'resolved';

/**
 * Alerts on a live reading rather than on a rate over the event log: the platform's own health
 * (how long finished hands have waited for their time-stamp; how many days the minors' holiday
 * calendar still runs). One reading is the whole sample.
 */
export const GAUGE_ALERT_IDS = ['notary_attestation_lag_ms', 'minors_calendar_days_left'] as const;
export type GaugeAlertId = (typeof GAUGE_ALERT_IDS)[number];
export type AlertMetricId = MetricId | GaugeAlertId;

export interface GaugeAlert {
  readonly id: GaugeAlertId;
  /** When to raise the alert. */
  readonly alert: Threshold;
  read(): Promise<number>;
}
export type DeliveryState = 'pending' | 'sent' | 'failed';

export interface Alert {
  readonly id: string;
  readonly metric: AlertMetricId;
  readonly state: AlertState;
  readonly valueOpened: number;
  readonly valueLast: number;
  readonly threshold: { readonly op: '<' | '>'; readonly value: number };
  readonly sample: number;
  readonly windowMs: number;
  readonly openedAtMs: number;
  readonly checkedAtMs: number;
  readonly resolvedAtMs: number | null;
  readonly deliveries: { readonly event: 'opened' | 'resolved'; readonly state: DeliveryState; readonly attempts: number }[];
}

export interface AlertsOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly reports: Reports;
  /** Where alerts are POSTed (JSON). Without one, alerts show in the console only. */
  readonly webhookUrl?: string | undefined;
  readonly windowMs?: number;
  /** Live readings with alert lines, evaluated with the metrics. */
  readonly gauges?: readonly GaugeAlert[];
  readonly fetch?: typeof fetch;
}

interface AlertRow {
  id: string;
  metric: string;
  state: string;
  value_opened: string;
  value_last: string;
  threshold: string;
  sample: unknown;
  window_ms: unknown;
  opened_at_ms: unknown;
  checked_at_ms: unknown;
  resolved_at_ms: unknown;
}

export class Alerts {
  readonly #o: AlertsOptions;

  constructor(o: AlertsOptions) {
    this.#o = o;
  }

  get webhookConfigured(): boolean {
    return this.#o.webhookUrl !== undefined;
  }

  /** One pass of the job: evaluate, then send what is due. Returns how many alerts changed plus deliveries made. */
  async run(): Promise<number> {
    const changed = await this.evaluate();
    const sent = await this.deliver();
    return changed.opened.length + changed.resolved.length + sent;
  }

  /** Opens alerts for metrics past their alert line over the last window; resolves those back within it. */
  async evaluate(): Promise<{ opened: AlertMetricId[]; resolved: AlertMetricId[] }> {
    const nowMs = this.#o.clock.nowMs();
    const windowMs = this.#o.windowMs ?? ALERT_WINDOW_MS_DEFAULT;
    const report = await this.#o.reports.report({ fromMs: nowMs + 1 - windowMs, toMs: nowMs + 1 });
    const readings: { id: AlertMetricId; value: number | null; sample: number; alert: Threshold | null; status: string }[] = [
      ...report.metrics,
    ];
    for (const g of this.#o.gauges ?? []) {
      const value = await g.read();
      const breached = g.alert.op === '>' ? value > g.alert.value : value < g.alert.value;
      readings.push({ id: g.id, value, sample: 1, alert: g.alert, status: breached ? 'alert' : 'ok' });
    }
    const webhook = this.webhookConfigured;
    return this.#o.store.unitOfWork(
      async (tx) => {
        const open = await tx.query<{ id: string; metric: string }>("SELECT id, metric FROM analytics_alerts WHERE state = 'open'");
        const openBy = new Map(open.map((r) => [r.metric, r.id]));
        const opened: AlertMetricId[] = [];
        const resolved: AlertMetricId[] = [];
        for (const m of readings) {
          if (m.alert === null) continue;
          const existing = openBy.get(m.id);
          const breached = m.status === 'alert';
          if (breached && existing === undefined) {
            const id = newId('al');
            // One open alert per metric: an evaluation beside this one that opened it first wins (no conflict target:
            // the partial unique index is the only one that can conflict).
            const inserted = await tx.run(
              `INSERT INTO analytics_alerts (id, metric, state, value_opened, value_last, threshold, sample, window_ms, opened_at_ms, checked_at_ms, resolved_at_ms)
               VALUES (?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, NULL) ON CONFLICT DO NOTHING`,
              [id, m.id, String(m.value), String(m.value), JSON.stringify(m.alert), m.sample, windowMs, tx.nowMs, tx.nowMs],
            );
            if (inserted !== 1) continue;
            if (webhook) await insertDelivery(tx, id, 'opened');
            opened.push(m.id);
          } else if (existing !== undefined && breached) {
            await tx.run('UPDATE analytics_alerts SET value_last = ?, sample = ?, checked_at_ms = ? WHERE id = ?', [
              String(m.value),
              m.sample,
              tx.nowMs,
              existing,
            ]);
          } else if (existing !== undefined) {
            // Back within the line, or too few observations left to say otherwise.
            await tx.run(
              "UPDATE analytics_alerts SET state = 'resolved', value_last = COALESCE(?, value_last), sample = ?, checked_at_ms = ?, resolved_at_ms = ? WHERE id = ?",
              [m.value === null ? null : String(m.value), m.sample, tx.nowMs, tx.nowMs, existing],
            );
            if (webhook) await insertDelivery(tx, existing, 'resolved');
            resolved.push(m.id);
          }
        }
        return { opened, resolved };
      },
      { label: 'analytics.alerts.evaluate' },
    );
  }

  /** Sends due webhook deliveries; returns how many were sent. */
  async deliver(): Promise<number> {
    const url = this.#o.webhookUrl;
    if (url === undefined) return 0;
    const nowMs = this.#o.clock.nowMs();
    const due = await this.#o.store.reader.query<{ id: string; alert_id: string; event: string; attempts: unknown }>(
      "SELECT id, alert_id, event, attempts FROM analytics_alert_deliveries WHERE state = 'pending' AND next_attempt_at_ms <= ? ORDER BY next_attempt_at_ms LIMIT ?",
      [nowMs, WEBHOOK_DELIVERIES_PER_PASS_MAX],
    );
    let sent = 0;
    for (const d of due) {
      const alert = await this.get(d.alert_id);
      if (alert === null) continue;
      let error: string | null = null;
      try {
        const res = await (this.#o.fetch ?? fetch)(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(webhookBody(d.event as 'opened' | 'resolved', alert)),
          signal: AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
        });
        await res.arrayBuffer().catch(() => undefined);
        if (!res.ok) error = `HTTP ${res.status}`;
      } catch (e) {
        error = (e as Error).message || 'request failed';
      }
      const attempts = intFromDb(d.attempts) + 1;
      await this.#o.store.unitOfWork(
        async (tx) => {
          if (error === null) {
            await tx.run(
              "UPDATE analytics_alert_deliveries SET state = 'sent', attempts = ?, sent_at_ms = ?, last_error = NULL WHERE id = ?",
              [attempts, tx.nowMs, d.id],
            );
          } else {
            const backoffMs = Math.min(WEBHOOK_BACKOFF_MS_BASE * 2 ** (attempts - 1), WEBHOOK_BACKOFF_MS_MAX);
            await tx.run(
              'UPDATE analytics_alert_deliveries SET state = ?, attempts = ?, next_attempt_at_ms = ?, last_error = ? WHERE id = ?',
              [
                attempts >= WEBHOOK_ATTEMPTS_MAX ? 'failed' : 'pending',
                attempts,
                tx.nowMs + backoffMs,
                error.slice(0, WEBHOOK_ERROR_LENGTH_MAX),
                d.id,
              ],
            );
          }
        },
        { label: 'analytics.alerts.delivered' },
      );
      if (error === null) sent += 1;
    }
    return sent;
  }

  async get(id: string): Promise<Alert | null> {
    const rows = await this.#o.store.reader.query<AlertRow>('SELECT * FROM analytics_alerts WHERE id = ?', [id]);
    return rows[0] ? (await this.#withDeliveries([rows[0]]))[0]! : null;
  }

  /** Open alerts first, then the most recent resolved ones. */
  async list(limit = 50): Promise<Alert[]> {
    const n = Math.min(Math.max(Math.trunc(limit), 1), ALERTS_PAGE_MAX);
    const rows = await this.#o.store.reader.query<AlertRow>(
      "SELECT * FROM analytics_alerts ORDER BY CASE WHEN state = 'open' THEN 0 ELSE 1 END, opened_at_ms DESC LIMIT ?",
      [n],
    );
    return this.#withDeliveries(rows);
  }

  async #withDeliveries(rows: AlertRow[]): Promise<Alert[]> {
    if (rows.length === 0) return [];
    const deliveries = await this.#o.store.reader.query<{ alert_id: string; event: string; state: string; attempts: unknown }>(
      `SELECT alert_id, event, state, attempts FROM analytics_alert_deliveries WHERE alert_id IN (${rows.map(() => '?').join(', ')}) ORDER BY created_at_ms`,
      rows.map((r) => r.id),
    );
    return rows.map((r) => ({
      id: r.id,
      metric: r.metric as AlertMetricId,
      state: r.state as AlertState,
      valueOpened: Number(r.value_opened),
      valueLast: Number(r.value_last),
      threshold: JSON.parse(r.threshold) as Alert['threshold'],
      sample: intFromDb(r.sample),
      windowMs: intFromDb(r.window_ms),
      openedAtMs: intFromDb(r.opened_at_ms),
      checkedAtMs: intFromDb(r.checked_at_ms),
      resolvedAtMs: intOrNullFromDb(r.resolved_at_ms),
      deliveries: deliveries
        .filter((d) => d.alert_id === r.id)
        .map((d) => ({ event: d.event as 'opened' | 'resolved', state: d.state as DeliveryState, attempts: intFromDb(d.attempts) })),
    }));
  }
}

async function insertDelivery(tx: Tx, alertId: string, event: 'opened' | 'resolved'): Promise<void> {
  await tx.run(
    `INSERT INTO analytics_alert_deliveries (id, alert_id, event, state, attempts, next_attempt_at_ms, last_error, sent_at_ms, created_at_ms)
     VALUES (?, ?, ?, 'pending', 0, ?, NULL, NULL, ?) ON CONFLICT (alert_id, event) DO NOTHING`,
    [newId('ad'), alertId, event, tx.nowMs, tx.nowMs],
  );
}

const METRIC_NAMES_ZH: Readonly<Record<AlertMetricId, string>> = {
  notary_attestation_lag_ms: '牌局存证时间戳延迟',
  minors_calendar_days_left: '未成年人节假日日历剩余天数',
  room_creation_success_rate: '房间创建成功率',
  time_to_first_hand_ms: '平均成局时间',
  completion_rate: '成局率',
  d1_retention: '次日留存率',
  complaint_rate: '投诉率',
};

function formatValue(metric: AlertMetricId, v: number): string {
  if (metric === 'minors_calendar_days_left') return `${v} 天`;
  return metric === 'time_to_first_hand_ms' || metric === 'notary_attestation_lag_ms'
    ? `${(v / 60_000).toFixed(1)} min`
    : `${(v * 100).toFixed(1)}%`;
}

/** The JSON a webhook receives: machine fields plus one line a chat bot can post as is. */
export function webhookBody(event: 'opened' | 'resolved', a: Alert) {
  const line = `【${event === 'opened' ? '告警' : '恢复'}】${METRIC_NAMES_ZH[a.metric]} ${formatValue(a.metric, a.valueLast)}（警戒线 ${a.threshold.op} ${formatValue(a.metric, a.threshold.value)}，样本 ${a.sample}）· ${a.metric} ${event}`;
  return {
    kind: 'fairground.alert' as const,
    event,
    text: line,
    alert: {
      id: a.id,
      metric: a.metric,
      state: a.state,
      value: a.valueLast,
      valueOpened: a.valueOpened,
      threshold: a.threshold,
      sample: a.sample,
      windowMs: a.windowMs,
      openedAtMs: a.openedAtMs,
      resolvedAtMs: a.resolvedAtMs,
    },
  };
}

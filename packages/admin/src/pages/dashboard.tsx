// The operations dashboard: the platform's operating metrics over a period with their targets and
// alert lines, each charted over time and broken down by hour of day, region and player tier;
// the money that moved; and the alerts the job raised.
import { fenToYuan, formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { BarChart, GroupedBars, LineChart } from './charts.tsx';
import { type OpsKey, type OpsT, opsText } from './ops-i18n.ts';
import { consoleError } from '../errors.ts';

type Report = Response<'GET /api/admin/analytics/report'>;
type Metric = Report['metrics'][number];
type Alerts = Response<'GET /api/admin/analytics/alerts'>;

const PERIODS = { day: 24 * 3600_000, week: 7 * 24 * 3600_000, month: 30 * 24 * 3600_000 } as const;
type Period = keyof typeof PERIODS;

/** A ratio as a percentage with one decimal, or minutes for durations. */
export function formatMetric(unit: Metric['unit'], v: number, lang: 'zh' | 'en'): string {
  if (unit === 'ms') {
    const minutes = v / 60_000;
    return lang === 'zh' ? `${minutes.toFixed(1)} 分钟` : `${minutes.toFixed(1)} min`;
  }
  return `${(v * 100).toFixed(1)}%`;
}

function yuan(fen: number): string {
  return `¥${fenToYuan(fen)}`;
}

function shortTime(ms: number, bucketMs: number): string {
  const text = formatTimeMs(ms);
  return bucketMs >= 24 * 3600_000 ? text.slice(5, 10) : text.slice(5);
}

export function DashboardPage({ ctx }: { ctx: Ctx }) {
  const { api, lang } = ctx;
  const o = opsText(lang);
  const [period, setPeriod] = useState<Period>('day');
  const [report, setReport] = useState<Report | null>(null);
  const [alerts, setAlerts] = useState<Alerts | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const toMs = Date.now() + 1;
      const [r, a] = await Promise.all([
        api.call('GET /api/admin/analytics/report', { query: { fromMs: toMs - PERIODS[period], toMs } }),
        api.call('GET /api/admin/analytics/alerts', { query: { limit: 20 } }),
      ]);
      setReport(r);
      setAlerts(a);
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  }, [api, period]);

  useEffect(() => {
    void load();
  }, [load]);

  return (
    <main class="wide" data-testid="dashboard-page" data-loaded={report === null ? 'false' : 'true'}>
      <section class="card">
        <DashboardToolbar o={o} period={period} setPeriod={setPeriod} onRefresh={load} />
        {report && (
          <p class="muted small">
            {o('updatedAt', { time: formatTimeMs(report.nowMs) })} · {o('activePlayers', { n: report.activePlayers })}
            {report.truncated && <span class="error"> · {o('truncated')}</span>}
          </p>
        )}
        {error && <p class="error">{error}</p>}
      </section>

      {alerts && <AlertsPanel o={o} alerts={alerts} lang={lang} />}

      {report && (
        <>
          <section class="kpis" data-testid="metrics">
            {report.metrics.map((m) => (
              <MetricCard key={m.id} m={m} o={o} lang={lang} bucketMs={report.bucketMs} />
            ))}
          </section>
          <MoneyPanel report={report} o={o} />
        </>
      )}
    </main>
  );
}

interface ToolbarProps {
  o: OpsT;
  period: Period;
  setPeriod(period: Period): void;
  onRefresh(): Promise<void>;
}

/** The title, the period to report on, and a refresh. */
function DashboardToolbar({ o, period, setPeriod, onRefresh }: ToolbarProps) {
  return (
    <div class="toolbar">
      <div>
        <h1>{o('dashboardTitle')}</h1>
        <p class="muted small">{o('dashboardHint')}</p>
      </div>
      <fieldset class="segmented" aria-label={o('period')}>
        {(Object.keys(PERIODS) as Period[]).map((p) => (
          <button
            key={p}
            type="button"
            class={p === period ? 'on' : ''}
            aria-pressed={p === period}
            onClick={() => setPeriod(p)}
            data-testid={`period-${p}`}
          >
            {o(`period_${p}`)}
          </button>
        ))}
        <button type="button" onClick={() => void onRefresh()} data-testid="dashboard-refresh">
          {o('refresh')}
        </button>
      </fieldset>
    </div>
  );
}

function thresholdText(o: OpsT, m: Metric, lang: 'zh' | 'en'): string {
  const target = o('target', { op: m.target.op, value: formatMetric(m.unit, m.target.value, lang) });
  const alert = m.alert ? o('alertLine', { op: m.alert.op, value: formatMetric(m.unit, m.alert.value, lang) }) : o('noAlertLine');
  return `${target} · ${alert}`;
}

function MetricCard({ m, o, lang, bucketMs }: { m: Metric; o: OpsT; lang: 'zh' | 'en'; bucketMs: number }) {
  const fmt = (v: number) => formatMetric(m.unit, v, lang);
  // Ratios on 0–100 %; durations on whole five-minute steps above the target and every point.
  const FIVE_MIN_MS = 5 * 60_000;
  const longest = Math.max(m.target.value, ...m.series.flatMap((p) => (p.value === null ? [] : [p.value])));
  const yMax = m.unit === 'ratio' ? 1 : Math.ceil((longest * 1.1) / FIVE_MIN_MS) * FIVE_MIN_MS;
  const guides = [
    { value: m.target.value, kind: 'target' as const },
    ...(m.alert ? [{ value: m.alert.value, kind: 'alert' as const }] : []),
  ];
  const regionLabel = (key: string) => (key === 'unknown' ? o('region_unknown') : key === 'other' ? o('region_other') : key);
  return (
    <article
      class={`card metric status-${m.status}`}
      data-testid={`metric-${m.id}`}
      data-value={m.value === null ? '' : String(m.value)}
      data-sample={m.sample}
      data-status={m.status}
    >
      <header class="metric-head">
        <div>
          <h2>{o(`metric_${m.id}` as OpsKey)}</h2>
          <p class="muted small">{o(`metricHint_${m.id}` as OpsKey)}</p>
        </div>
        <span class={`badge ${m.status}`}>{o(`status_${m.status}` as OpsKey)}</span>
      </header>
      <p class="metric-value">
        <strong>{m.value === null ? '—' : fmt(m.value)}</strong> <span class="muted small">{o('sample', { n: m.sample })}</span>
      </p>
      <p class="muted small">{thresholdText(o, m, lang)}</p>
      <LineChart
        label={o(`metric_${m.id}` as OpsKey)}
        points={m.series.map((p) => ({ x: p.startMs, y: p.value }))}
        yMax={yMax}
        format={fmt}
        xLabel={(x) => shortTime(x, bucketMs)}
        guides={guides}
        testId={`chart-${m.id}`}
      />
      <details>
        <summary>
          {o('byHour')} · {o('byRegion')} · {o('byTier')}
        </summary>
        <BarChart
          label={o('byHour')}
          bars={m.byHourOfDay.map((s) => ({
            key: s.key,
            label: s.key,
            value: s.value,
            title: `${s.key}:00 ${s.value === null ? '—' : fmt(s.value)} (${s.sample})`,
          }))}
          yMax={
            m.unit === 'ratio'
              ? 1
              : Math.ceil((Math.max(m.target.value, ...m.byHourOfDay.map((h) => h.value ?? 0)) * 1.1) / FIVE_MIN_MS) * FIVE_MIN_MS
          }
          format={fmt}
        />
        <div class="two">
          <Breakdown title={o('byRegion')} rows={m.byRegion.map((s) => ({ ...s, label: regionLabel(s.key) }))} fmt={fmt} o={o} />
          <Breakdown title={o('byTier')} rows={m.byTier.map((s) => ({ ...s, label: o(`tier_${s.key}` as OpsKey) }))} fmt={fmt} o={o} />
        </div>
      </details>
    </article>
  );
}

function Breakdown(props: {
  title: string;
  rows: { key: string; label: string; value: number | null; sample: number }[];
  fmt: (v: number) => string;
  o: OpsT;
}) {
  return (
    <table class="breakdown">
      <caption>{props.title}</caption>
      <tbody>
        {props.rows.length === 0 && (
          <tr>
            <td class="muted">—</td>
          </tr>
        )}
        {props.rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <td>{r.label}</td>
            <td class="num">{r.value === null ? '—' : props.fmt(r.value)}</td>
            <td class="num muted">{props.o('sample', { n: r.sample })}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function MoneyPanel({ report, o }: { report: Report; o: OpsT }) {
  const m = report.money;
  const sourceLabel = (s: string) => {
    const key = `source_${s}` as OpsKey;
    return o(key) === key ? s : o(key);
  };
  const tiles: [string, string, number, number | null][] = [
    ['deposits', o('deposits'), m.deposits.fen, m.deposits.count],
    ['withdrawals-requested', o('withdrawalsRequested'), m.withdrawalsRequested.fen, m.withdrawalsRequested.count],
    ['withdrawals-completed', o('withdrawalsCompleted'), m.withdrawalsCompleted.fen, m.withdrawalsCompleted.count],
    ['withdrawals-failed', o('withdrawalsFailed'), m.withdrawalsFailed.fen, m.withdrawalsFailed.count],
    ['net-inflow', o('netInflow'), m.netInflowFen, null],
    ['revenue', o('revenue'), m.revenueFen, null],
  ];
  return (
    <section class="card" data-testid="money">
      <h2>{o('moneyTitle')}</h2>
      <div class="tiles">
        {tiles.map(([id, label, fen, count]) => (
          <div class="tile" key={id} data-testid={`money-${id}`} data-fen={fen} data-count={count ?? ''}>
            <span class="muted small">{label}</span>
            <strong>{yuan(fen)}</strong>
            {count !== null && <span class="muted small">{o('count', { n: count })}</span>}
          </div>
        ))}
      </div>
      <GroupedBars
        label={o('moneyTitle')}
        groups={m.series.map((p) => ({ x: p.startMs, values: [p.depositsFen, p.withdrawalsFen, p.revenueFen] }))}
        names={[o('chartDeposits'), o('chartWithdrawals'), o('chartRevenue')]}
        format={(v) => `¥${fenToYuan(Math.round(v))}`}
        xLabel={(x) => shortTime(x, report.bucketMs)}
        testId="money-chart"
      />
      <table data-testid="revenue-sources">
        <caption>{o('revenueBySource')}</caption>
        <tbody>
          {m.revenueBySource.length === 0 && (
            <tr>
              <td class="muted">—</td>
            </tr>
          )}
          {m.revenueBySource.map((s) => (
            <tr key={s.source} data-source={s.source}>
              <td>{sourceLabel(s.source)}</td>
              <td class="num">{yuan(s.fen)}</td>
              <td class="num muted">{o('count', { n: s.transfers })}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function AlertsPanel({ o, alerts, lang }: { o: OpsT; alerts: Alerts; lang: 'zh' | 'en' }) {
  return (
    <section class="card" data-testid="alerts">
      <h2>{o('alertsTitle')}</h2>
      <p class="muted small">{alerts.webhookConfigured ? o('alertsWebhook') : o('alertsNoWebhook')}</p>
      {alerts.items.length === 0 && <p class="muted">{o('alertsNone')}</p>}
      <ul class="list">
        {alerts.items.map((a) => {
          const unit = a.metric === 'time_to_first_hand_ms' || a.metric === 'notary_attestation_lag_ms' ? 'ms' : 'ratio';
          const show = (v: number) => (a.metric === 'minors_calendar_days_left' ? o('daysValue', { n: v }) : formatMetric(unit, v, lang));
          return (
            <li key={a.id} data-testid="alert" data-metric={a.metric} data-state={a.state}>
              <span>
                <span class={`badge ${a.state === 'open' ? 'alert' : 'ok'}`}>{o(`alert_${a.state}` as OpsKey)}</span>{' '}
                <strong>{o(`metric_${a.metric}` as OpsKey)}</strong> {show(a.valueLast)} ({a.threshold.op} {show(a.threshold.value)})
              </span>
              <small class="muted">
                {o('alertOpened', { time: formatTimeMs(a.openedAtMs), value: show(a.valueOpened) })}
                {a.resolvedAtMs !== null && ` · ${o('alertResolved', { time: formatTimeMs(a.resolvedAtMs) })}`}
                {a.deliveries.map((d) => ` · ${d.event}: ${o(`delivery_${d.state}` as OpsKey)}`).join('')}
              </small>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

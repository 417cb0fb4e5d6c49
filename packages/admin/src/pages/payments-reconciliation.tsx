// Daily reconciliation reports for finance: the list of days, one day's mismatches, and a button
// that downloads that day's bills and reconciles it again now.
import { formatAmount, formatMilliFen, formatTimeMs, type Response } from '@fairground/web';
import { useCallback, useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { paymentsText, reconciliationError } from './payments-i18n.ts';
import { consoleError } from '../errors.ts';
import { VpayReconciliation } from './vpay-reconciliation.tsx';

type Head = Response<'GET /api/admin/payments/reconciliations'>['items'][number];
type Report = Response<'GET /api/admin/payments/reconciliations/:billDate'>;

function yesterday(): string {
  const beijing = new Date(Date.now() + 8 * 3600_000 - 86_400_000);
  return beijing.toISOString().slice(0, 10);
}

/** The summary in reading order: the bill, then ours, then the fund flow. */
const SUMMARY_ORDER = [
  'billPayments',
  'billPaymentsFen',
  'ourPayments',
  'ourPaymentsFen',
  'billRefunds',
  'billRefundsFen',
  'ourRefunds',
  'ourRefundsFen',
  'billFeesMilliFen',
  'transfersOutFen',
  'ourTransfersOutFen',
  'transfersReturnedFen',
  'ourTransfersReturnedFen',
  'basicOtherNetFen',
  'fundFlowLines',
] as const;
type SummaryKey = (typeof SUMMARY_ORDER)[number];

/** Each figure in its own unit: the bill's fees come in thousandths of a fen, other amounts in fen, the rest are counts. */
function summaryValue(k: SummaryKey, v: number | undefined): string {
  if (v === undefined) return '—';
  if (k.endsWith('MilliFen')) return formatMilliFen(v);
  if (k.endsWith('Fen')) return formatAmount('CNY', v);
  return v.toLocaleString('en-US');
}

const MISMATCH_KINDS = new Set([
  'bill_payment_unknown_order',
  'bill_payment_not_credited',
  'payment_amount_mismatch',
  'payment_transaction_mismatch',
  'payment_missing_from_bill',
  'payment_ledger_mismatch',
  'bill_refund_unknown',
  'refund_amount_mismatch',
  'refund_day_mismatch',
  'refund_missing_from_bill',
  'fund_flow_unmatched',
  'transfer_unknown',
  'transfer_amount_mismatch',
  'transfer_missing_from_bill',
  'transfer_ledger_mismatch',
] as const);
type MismatchKind = typeof MISMATCH_KINDS extends Set<infer K> ? K : never;

function mismatchKey(kind: string): `mm_${MismatchKind}` | 'mm_other' {
  return MISMATCH_KINDS.has(kind as MismatchKind) ? `mm_${kind as MismatchKind}` : 'mm_other';
}

export function ReconciliationPage({ ctx }: { ctx: Ctx }) {
  const { api } = ctx;
  const p = paymentsText(ctx.lang);
  const [heads, setHeads] = useState<Head[] | null>(null);
  const [report, setReport] = useState<Report | null>(null);
  const [date, setDate] = useState(yesterday());
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    setHeads((await api.call('GET /api/admin/payments/reconciliations', { query: { limit: 60 } })).items);
  }, [api]);

  useEffect(() => {
    load().catch((e: unknown) => setError(consoleError(ctx.lang, e)));
  }, [load]);

  const open = async (billDate: string) => {
    setError(null);
    try {
      setReport(await api.call('GET /api/admin/payments/reconciliations/:billDate', { params: { billDate } }));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    }
  };

  const run = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      setReport(await api.call('POST /api/admin/payments/reconciliations/:billDate/run', { params: { billDate: date } }));
      await load();
    } catch (e) {
      setError(reconciliationError(p, ctx.lang, e, date));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main data-testid="reconciliation-page">
      <section class="card">
        <h1>{p('reconTitle')}</h1>
        <p class="muted">{p('reconHint')}</p>
        <form class="row" onSubmit={run}>
          <label>
            {p('billDate')}{' '}
            <input type="date" data-testid="bill-date" value={date} onInput={(e) => setDate((e.target as HTMLInputElement).value)} />
          </label>
          <button type="submit" class="primary" disabled={busy} data-testid="run-reconciliation">
            {p('run')}
          </button>
        </form>
        {error && (
          <p class="error" role="alert" data-testid="reconciliation-error">
            {error}
          </p>
        )}
        {heads !== null && heads.length === 0 && <p class="muted">{p('noReports')}</p>}
        <ReportList p={p} heads={heads ?? []} onOpen={open} />
      </section>
      {report && <ReportCard p={p} report={report} />}
      <VpayReconciliation ctx={ctx} />
    </main>
  );
}

type PaymentsT = ReturnType<typeof paymentsText>;

/** The days reconciled, each clean or with its count of mismatches. */
function ReportList({ p, heads, onOpen }: { p: PaymentsT; heads: Head[]; onOpen: (billDate: string) => Promise<void> }) {
  return (
    <ul class="list">
      {heads.map((h) => (
        <li key={h.billDate}>
          <button type="button" class="link" onClick={() => void onOpen(h.billDate)} data-testid={`report-${h.billDate}`}>
            {h.billDate}
          </button>
          <span class={h.state === 'clean' ? 'ok' : 'error'}>
            {h.state === 'clean' ? p('clean') : p('mismatches', { n: h.mismatches })}
          </span>
          <small class="muted">{formatTimeMs(h.runAtMs)}</small>
        </li>
      ))}
    </ul>
  );
}

/** One day's report: the summary figures in reading order and the mismatches. */
function ReportCard({ p, report }: { p: PaymentsT; report: Report }) {
  return (
    <section class="card" data-testid="reconciliation-report" data-state={report.state}>
      <h2>
        {report.billDate} ·{' '}
        <span class={report.state === 'clean' ? 'ok' : 'error'}>
          {report.state === 'clean' ? p('clean') : p('mismatches', { n: report.items.length })}
        </span>
      </h2>
      <dl class="facts" data-testid="reconciliation-summary">
        {SUMMARY_ORDER.map((k) => (
          <>
            <dt key={`${k}-t`}>{p(`sum_${k}`)}</dt>
            <dd key={`${k}-d`} class="num" data-key={k}>
              {summaryValue(k, report.summary[k])}
            </dd>
          </>
        ))}
      </dl>
      {report.items.length > 0 && <MismatchTable p={p} items={report.items} />}
    </section>
  );
}

function MismatchTable({ p, items }: { p: PaymentsT; items: Report['items'] }) {
  return (
    <table class="cards">
      <thead>
        <tr>
          <th>{p('kind')}</th>
          <th>{p('ref')}</th>
          <th>{p('expected')}</th>
          <th>{p('actual')}</th>
          <th>{p('detail')}</th>
        </tr>
      </thead>
      <tbody>
        {items.map((i) => (
          <tr key={`${i.kind}-${i.ref}`} data-testid="reconciliation-item">
            <td data-label={p('kind')}>{p(mismatchKey(i.kind))}</td>
            <td data-label={p('ref')}>
              <code translate={false}>{i.ref}</code>
            </td>
            <td class="num" data-label={p('expected')}>
              {i.expectedFen === null ? '—' : formatAmount('CNY', i.expectedFen)}
            </td>
            <td class="num" data-label={p('actual')}>
              {i.actualFen === null ? '—' : formatAmount('CNY', i.actualFen)}
            </td>
            <td data-label={p('detail')} translate={false}>
              {i.detail}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

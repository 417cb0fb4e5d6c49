import { formatTimeMs, type Response } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';

type Report = Response<'POST /api/admin/ledger/invariants'>;

export function LedgerPage({ ctx }: { ctx: Ctx }) {
  const { api, t } = ctx;
  const [report, setReport] = useState<Report | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async () => {
    setBusy(true);
    setError(null);
    try {
      setReport(await api.call('POST /api/admin/ledger/invariants', {}));
    } catch (e) {
      setError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <main data-testid="ledger-page">
      <section class="card">
        <h1>{t('ledgerTitle')}</h1>
        <p class="muted">{t('ledgerHint')}</p>
        <div>
          <button type="button" class="primary" onClick={run} disabled={busy} data-testid="run-check">
            {t('runCheck')}
          </button>
        </div>
        {error && <p class="error">{t('error', { message: error })}</p>}
        {report && <CheckResult t={t} report={report} />}
      </section>
    </main>
  );
}

/** The invariant check's verdict, its problems, the chain head and the sums by asset. */
function CheckResult({ t, report }: { t: Ctx['t']; report: Report }) {
  return (
    <div data-testid="check-result" data-ok={String(report.ok)}>
      <p class={report.ok ? 'ok' : 'error'}>
        <strong>{report.ok ? t('checkOk') : t('checkFailed')}</strong> · {t('checkedAt')} {formatTimeMs(report.checkedAtMs)}
      </p>
      {report.problems.length > 0 && (
        <ul class="problems">
          {report.problems.map((p) => (
            <li key={p}>{p}</li>
          ))}
        </ul>
      )}
      <dl class="facts">
        <dt>{t('accounts')}</dt>
        <dd>{report.accounts}</dd>
        <dt>{t('transfers')}</dt>
        <dd data-testid="transfer-count">{report.transfers}</dd>
        <dt>{t('chainHead')}</dt>
        <dd>
          #{report.chainSeq} <code translate={false}>{report.chainHash.slice(0, 16)}…</code>
        </dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th>{t('asset')}</th>
            <th>{t('postedSum')}</th>
            <th>{t('pendingDebits')}</th>
            <th>{t('pendingCredits')}</th>
          </tr>
        </thead>
        <tbody>
          {report.assets.map((a) => (
            <tr key={a.asset}>
              <td>{t(`asset_${a.asset}` as 'asset_CNY')}</td>
              <td>{a.postedSumFen}</td>
              <td>{a.pendingDebitsFen}</td>
              <td>{a.pendingCreditsFen}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

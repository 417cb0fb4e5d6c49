// Beside the invariant check: the platform's own accounts and the newest transfers of the ledger,
// with the way to the reconciliation reports.
import { formatAmount, formatTimeMs, type AssetCode, type Response } from '@fairground/web';
import { useEffect, useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { opsText } from './ops-i18n.ts';
import { consoleError } from '../errors.ts';

type Overview = Response<'GET /api/admin/ledger/overview'>;

export function LedgerOverviewPanel({ ctx }: { ctx: Ctx }) {
  const o = opsText(ctx.lang);
  const [data, setData] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    ctx.api.call('GET /api/admin/ledger/overview', { query: { limit: 30 } }).then(setData, (e: unknown) => {
      setError(consoleError(ctx.lang, e));
    });
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!data) return null;
  return (
    <main data-testid="ledger-overview">
      <SystemAccounts o={o} data={data} />
      <RecentTransfers o={o} data={data} />
    </main>
  );
}

type OpsT = ReturnType<typeof opsText>;

/** The platform's own accounts with their posted and pending amounts. */
function SystemAccounts({ o, data }: { o: OpsT; data: Overview }) {
  return (
    <section class="card">
      <div class="toolbar">
        <h2>{o('ledgerAccountsTitle')}</h2>
        <a href="#/reconciliation">{o('ledgerReconciliation')}</a>
      </div>
      <div class="scroll">
        <table>
          <thead>
            <tr>
              <th>{o('account')}</th>
              <th class="num">{o('posted')}</th>
              <th class="num">{o('pendingOut')}</th>
              <th class="num">{o('pendingIn')}</th>
            </tr>
          </thead>
          <tbody>
            {data.system
              // Every system account exists for every asset; the empty non-cash ones say nothing.
              .filter((a) => a.asset === 'CNY' || a.postedFen !== 0 || a.pendingDebitsFen !== 0 || a.pendingCreditsFen !== 0)
              .map((a) => (
                <tr key={a.accountId} data-testid="system-account" data-account={a.accountId}>
                  <td>
                    <code translate={false}>{a.accountId}</code>
                  </td>
                  <td class="num">{formatAmount(a.asset as AssetCode, a.postedFen)}</td>
                  <td class="num">{formatAmount(a.asset as AssetCode, a.pendingDebitsFen)}</td>
                  <td class="num">{formatAmount(a.asset as AssetCode, a.pendingCreditsFen)}</td>
                </tr>
              ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** The ledger's newest transfers, each with its kind, accounts and amount. */
function RecentTransfers({ o, data }: { o: OpsT; data: Overview }) {
  return (
    <section class="card">
      <h2>{o('ledgerRecentTitle')}</h2>
      <div class="scroll">
        <table class="nowrap">
          <tbody>
            {data.recent.map((t) => (
              <tr key={t.id} data-testid="recent-transfer">
                <td class="num">#{t.seq}</td>
                <td>{formatTimeMs(t.createdAtMs)}</td>
                <td>
                  <code translate={false}>{t.code}</code>{' '}
                  <span class="muted small">
                    {t.kind === 'pending'
                      ? o('kind_pending')
                      : t.kind === 'posted'
                        ? o('kind_posted')
                        : t.kind === 'voided'
                          ? o('kind_voided')
                          : t.kind}
                  </span>
                </td>
                <td>
                  <code translate={false}>{t.debitAccount}</code> → <code translate={false}>{t.creditAccount}</code>
                </td>
                <td class="num">{formatAmount(t.asset as AssetCode, t.amount)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

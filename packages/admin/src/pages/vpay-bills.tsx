// The daily virtual-payment bills: the form that settles a day's bill, and each bill's totals with its mismatches by kind.
import { formatAmount, type Response } from '@fairground/web';
import { useState } from 'preact/hooks';
import type { Ctx } from '../app.tsx';
import { consoleError } from '../errors.ts';
import { paymentsText } from './payments-i18n.ts';

export type Bill = Response<'GET /api/admin/vpay/bills'>['items'][number];

/** Yesterday in China time (the newest day WeChat has a bill for). */
function chinaYesterday(): string {
  return new Date(Date.now() + 8 * 3600_000 - 24 * 3600_000).toISOString().slice(0, 10);
}

/** The bills section; a settlement's failure is said at the page's top through `onError`. */
export function VpayBills({
  ctx,
  bills,
  onError,
  load,
}: {
  ctx: Ctx;
  bills: Bill[];
  onError: (error: string | null) => void;
  load: () => Promise<void>;
}) {
  const p = paymentsText(ctx.lang);
  const [billDate, setBillDate] = useState(chinaYesterday);
  const [busy, setBusy] = useState(false);

  const settle = async (event: Event) => {
    event.preventDefault();
    onError(null);
    setBusy(true);
    try {
      await ctx.api.call('POST /api/admin/vpay/bills/:billDate/settle', { params: { billDate } });
      await load();
    } catch (e) {
      onError(consoleError(ctx.lang, e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div data-testid="vpay-bills">
      <h3>{p('vpayBills')}</h3>
      <p class="muted">{p('vpayBillsHint')}</p>
      <form onSubmit={settle}>
        <label>
          {p('billDate')}
          <input
            type="date"
            data-testid="vpay-bill-date"
            value={billDate}
            required
            onInput={(e) => setBillDate((e.target as HTMLInputElement).value)}
          />
        </label>
        <button type="submit" class="primary" data-testid="vpay-bill-run" disabled={busy}>
          {p('vpayBillRun')}
        </button>
      </form>
      {bills.length === 0 && <p class="muted">{p('vpayNoBills')}</p>}
      {bills.map((b) => (
        <VpayBill key={b.billDate} ctx={ctx} b={b} />
      ))}
    </div>
  );
}

function VpayBill({ ctx, b }: { ctx: Ctx; b: Bill }) {
  const p = paymentsText(ctx.lang);
  return (
    <div data-testid="vpay-bill" data-date={b.billDate} data-mismatches={b.mismatchCount}>
      <p>
        {p('vpayBillLine', {
          date: b.billDate,
          pays: b.pays,
          paid: formatAmount('CNY', b.paidFen),
          refunds: b.refunds,
          refunded: formatAmount('CNY', b.refundedFen),
          fee: formatAmount('CNY', b.feeFen),
        })}{' '}
        <strong class={b.mismatchCount > 0 ? 'error' : 'ok'}>
          {b.mismatchCount > 0 ? p('vpayBillMismatches', { n: b.mismatchCount }) : p('vpayBillClean')}
        </strong>
      </p>
      {b.mismatches.length > 0 && (
        <table class="cards">
          <thead>
            <tr>
              <th>{p('kind')}</th>
              <th>{p('vpayOrderNo')}</th>
              <th>{p('detail')}</th>
            </tr>
          </thead>
          <tbody>
            {b.mismatches.map((m) => (
              <tr key={`${m.kind}-${m.outTradeNo}`} data-testid="vpay-mismatch" data-kind={m.kind}>
                <td data-label={p('kind')}>{p(`vpayMismatch_${m.kind}`)}</td>
                <td data-label={p('vpayOrderNo')}>
                  <code translate={false}>{m.outTradeNo}</code>
                </td>
                <td data-label={p('detail')} translate={false}>
                  {m.detail}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}

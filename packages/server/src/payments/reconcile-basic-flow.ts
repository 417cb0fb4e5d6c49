// Reconciliation, the basic account's fund flow: money in for each payment and out for each refund
// must match an order or a refund of ours; everything else (fees, adjustments) is summed.
import type { FundFlowLine } from './ports.ts';
import { type DayCheck, REFUND_OUT, TRADE_IN } from './reconcile-day.ts';

/** Checks the basic account's lines; returns the net of the lines that are not payments or refunds (negative: money out). */
export async function reconcileBasicFlow(day: DayCheck, basic: readonly FundFlowLine[]): Promise<number> {
  let feesFromFlow = 0;
  for (const line of basic) {
    if (line.businessType === TRADE_IN && line.direction === 'in') {
      const d = (await day.deposits.get(line.voucherNo)) ?? null;
      if (d === null || d.state !== 'paid' || d.amountFen !== line.amountFen) {
        day.add(
          'fund_flow_unmatched',
          line.voucherNo,
          d?.amountFen ?? null,
          line.amountFen,
          `basic account ${line.businessType} ${line.businessNo}: ${d === null ? 'no such order' : d.state}`,
        );
      }
    } else if (line.businessType === REFUND_OUT && line.direction === 'out') {
      const r = await day.refund(line.voucherNo);
      if (r === null || r.amountFen !== line.amountFen) {
        day.add(
          'fund_flow_unmatched',
          line.voucherNo,
          r?.amountFen ?? null,
          line.amountFen,
          `basic account ${line.businessType} ${line.businessNo}`,
        );
      }
    } else {
      feesFromFlow += line.direction === 'in' ? line.amountFen : -line.amountFen;
    }
  }
  return feesFromFlow;
}

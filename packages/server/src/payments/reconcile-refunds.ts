// Reconciliation, refunds: the trade bill's REFUND lines against our refunds, each by its own day. A
// refund line is in the bill of the day the refund was made, and its 交易时间 is that time (not the
// payment's): a refund made the day after its payment belongs to the later day, and our refunds of a
// day are those the provider made that day (its create_time).
import { beijingDate } from './context.ts';
import { REFUND_COLUMNS, refundFromRow } from './model.ts';
import type { TradeBillLine } from './ports.ts';
import { type DayCheck, type ReconciliationSummary, sumOf } from './reconcile-day.ts';

export async function reconcileRefunds(
  day: DayCheck,
  trade: readonly TradeBillLine[],
): Promise<Pick<ReconciliationSummary, 'billRefunds' | 'billRefundsFen' | 'ourRefunds' | 'ourRefundsFen'>> {
  const billRefunds = trade.filter((l) => l.kind === 'refund');
  const refundRows = await day.ctx.store.reader.query(
    `SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE provider_created_at_ms >= ? AND provider_created_at_ms < ?`,
    [day.startMs, day.endMs],
  );
  const ourRefunds = new Map(refundRows.map((r) => [String(r.id), refundFromRow(r)]));
  const seenRefunds = new Set<string>();
  for (const line of billRefunds) {
    const refundNo = line.refundNo ?? '';
    seenRefunds.add(refundNo);
    const r = ourRefunds.get(refundNo) ?? (await day.refund(refundNo));
    if (r === null) {
      day.add('bill_refund_unknown', refundNo || line.orderNo, null, line.amountFen, `refund of ${line.orderNo} is not one of ours`);
      continue;
    }
    if (r.amountFen !== line.amountFen) day.add('refund_amount_mismatch', r.id, r.amountFen, line.amountFen, 'bill refund amount differs');
    // The line must be dated inside its own bill's day, and — when we know when the provider
    // made the refund (a refund settled by its notification alone never learns it) — by that day.
    const lineDay = line.atMs === null ? null : beijingDate(line.atMs);
    const ourDay = r.providerCreatedAtMs === null ? null : beijingDate(r.providerCreatedAtMs);
    if (lineDay !== day.billDate || (ourDay !== null && ourDay !== day.billDate)) {
      day.add(
        'refund_day_mismatch',
        r.id,
        r.amountFen,
        line.amountFen,
        `the bill of ${day.billDate} dates this refund ${lineDay ?? 'unreadably'}; the provider made it on ${ourDay ?? 'a day we do not know'}`,
      );
    }
  }
  for (const r of ourRefunds.values()) {
    if (!seenRefunds.has(r.id))
      day.add('refund_missing_from_bill', r.id, r.amountFen, null, 'the provider accepted this refund but the bill does not list it');
  }
  return {
    billRefunds: billRefunds.length,
    billRefundsFen: sumOf(billRefunds.map((l) => l.amountFen)),
    ourRefunds: ourRefunds.size,
    ourRefundsFen: sumOf([...ourRefunds.values()].map((r) => r.amountFen)),
  };
}

// Reconciliation, payments: the trade bill's SUCCESS lines against the deposits we marked paid that
// day, each credit checked in the ledger; a bill payment we never credited is repaired on the spot.
import { playerAccount, systemAccount } from '../ledger/index.ts';
import { DEPOSIT_COLUMNS, depositFromRow } from './model.ts';
import type { TradeBillLine } from './ports.ts';
import { type DayCheck, type ReconciliationSummary, sumOf } from './reconcile-day.ts';

export async function reconcilePayments(
  day: DayCheck,
  trade: readonly TradeBillLine[],
): Promise<Pick<ReconciliationSummary, 'billPayments' | 'billPaymentsFen' | 'ourPayments' | 'ourPaymentsFen'>> {
  const billPayments = trade.filter((l) => l.kind === 'payment');
  const paidRows = await day.ctx.store.reader.query(
    `SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE paid_at_ms >= ? AND paid_at_ms < ? AND state = 'paid'`,
    [day.startMs, day.endMs],
  );
  const ourPaid = new Map(paidRows.map((r) => [String(r.id), depositFromRow(r)]));
  const seenPayments = new Set<string>();
  for (const line of billPayments) {
    seenPayments.add(line.orderNo);
    let d = ourPaid.get(line.orderNo) ?? (await day.deposits.get(line.orderNo));
    if (d === null) {
      day.add(
        'bill_payment_unknown_order',
        line.orderNo,
        null,
        line.amountFen,
        `transaction ${line.transactionId} is not one of our orders`,
      );
      continue;
    }
    if (d.state !== 'paid') {
      const repaired = await day.deposits.verify(d.id).catch((e: unknown) => `failed: ${(e as Error).message}`);
      day.add('bill_payment_not_credited', d.id, d.amountFen, line.amountFen, `our order was ${d.state}; query and credit: ${repaired}`);
      d = await day.deposits.get(d.id);
      if (d === null || d.state !== 'paid') continue;
    }
    if (line.amountFen !== d.amountFen)
      day.add('payment_amount_mismatch', d.id, d.amountFen, line.amountFen, 'bill amount differs from our order');
    if (d.transactionId !== line.transactionId) {
      day.add('payment_transaction_mismatch', d.id, null, null, `bill ${line.transactionId}, ours ${d.transactionId ?? 'none'}`);
    }
    await day.checkTransfer(
      'payment_ledger_mismatch',
      d.id,
      d.creditTransferId,
      d.amountFen,
      systemAccount('provider_clearing', 'CNY'),
      playerAccount(d.playerId, 'CNY'),
    );
  }
  for (const d of ourPaid.values()) {
    if (!seenPayments.has(d.id))
      day.add('payment_missing_from_bill', d.id, d.amountFen, null, 'we credited a payment the bill does not list');
  }
  return {
    billPayments: billPayments.length,
    billPaymentsFen: sumOf(billPayments.map((l) => l.amountFen)),
    ourPayments: ourPaid.size,
    ourPaymentsFen: sumOf([...ourPaid.values()].map((d) => d.amountFen)),
  };
}

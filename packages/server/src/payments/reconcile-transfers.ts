// Reconciliation, the operation account's fund flow: transfer bills out to players, and back when
// they failed, against our withdrawals created or returned that day, each settlement checked in the ledger.
import { systemAccount } from '../ledger/index.ts';
import { type Withdrawal, WITHDRAWAL_COLUMNS, withdrawalFromRow } from './model.ts';
import type { FundFlowLine } from './ports.ts';
import { type DayCheck, type ReconciliationSummary, TRANSFER_BACK, TRANSFER_OUT } from './reconcile-day.ts';

interface BillFlow {
  out: number;
  back: number;
}

export async function reconcileTransfers(
  day: DayCheck,
  operation: readonly FundFlowLine[],
): Promise<Pick<ReconciliationSummary, 'transfersOutFen' | 'transfersReturnedFen' | 'ourTransfersOutFen' | 'ourTransfersReturnedFen'>> {
  const flowByBill = flowsByBill(day, operation);
  const wRows = await day.ctx.store.reader.query(
    `SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE (provider_created_at_ms >= ? AND provider_created_at_ms < ?) OR (provider_finished_at_ms >= ? AND provider_finished_at_ms < ?)`,
    [day.startMs, day.endMs, day.startMs, day.endMs],
  );
  const ourW = new Map(wRows.map((r) => [String(r.id), withdrawalFromRow(r)]));
  let ourOut = 0;
  let ourBack = 0;
  for (const [billNo, flow] of flowByBill) {
    const w = ourW.get(billNo) ?? (await day.withdrawal(billNo));
    if (w === null) {
      day.add('transfer_unknown', billNo, null, flow.out - flow.back, 'a transfer bill that is not one of our withdrawals');
      continue;
    }
    ourW.set(billNo, w);
  }
  for (const w of ourW.values()) {
    const expected = await checkWithdrawal(day, w, flowByBill.get(w.id) ?? { out: 0, back: 0 });
    ourOut += expected.out;
    ourBack += expected.back;
  }
  let flowOut = 0;
  let flowBack = 0;
  for (const f of flowByBill.values()) {
    flowOut += f.out;
    flowBack += f.back;
  }
  return { transfersOutFen: flowOut, transfersReturnedFen: flowBack, ourTransfersOutFen: ourOut, ourTransfersReturnedFen: ourBack };
}

/** The operation account's lines summed per transfer bill; a line of any other kind is a report line. */
function flowsByBill(day: DayCheck, operation: readonly FundFlowLine[]): Map<string, BillFlow> {
  const flowByBill = new Map<string, { out: number; back: number }>();
  for (const line of operation) {
    const e = flowByBill.get(line.voucherNo) ?? { out: 0, back: 0 };
    if (line.businessType === TRANSFER_OUT && line.direction === 'out') e.out += line.amountFen;
    else if (line.businessType === TRANSFER_BACK && line.direction === 'in') e.back += line.amountFen;
    else {
      day.add('fund_flow_unmatched', line.voucherNo, null, line.amountFen, `operation account ${line.businessType} ${line.direction}`);
      continue;
    }
    flowByBill.set(line.voucherNo, e);
  }
  return flowByBill;
}

/** Compares one withdrawal with its bill's flow that day; returns what we expected to flow out and back. */
async function checkWithdrawal(day: DayCheck, w: Withdrawal, flow: BillFlow): Promise<BillFlow> {
  const createdToday = w.providerCreatedAtMs !== null && w.providerCreatedAtMs >= day.startMs && w.providerCreatedAtMs < day.endMs;
  const returnedToday =
    (w.state === 'failed' || w.state === 'cancelled') &&
    w.providerFinishedAtMs !== null &&
    w.providerFinishedAtMs >= day.startMs &&
    w.providerFinishedAtMs < day.endMs;
  const expected = { out: createdToday ? w.amountFen : 0, back: returnedToday ? w.amountFen : 0 };
  if (flow.out === 0 && flow.back === 0 && (expected.out > 0 || expected.back > 0)) {
    day.add(
      'transfer_missing_from_bill',
      w.id,
      expected.out - expected.back,
      null,
      `our withdrawal is ${w.state}; the operation account shows nothing that day`,
    );
  } else if (flow.out !== expected.out || flow.back !== expected.back) {
    day.add(
      'transfer_amount_mismatch',
      w.id,
      expected.out - expected.back,
      flow.out - flow.back,
      `out ${flow.out}/${expected.out}, back ${flow.back}/${expected.back} (ours ${w.state})`,
    );
  }
  if (w.state === 'succeeded') {
    await day.checkTransfer(
      'transfer_ledger_mismatch',
      w.id,
      w.settleTransferId,
      w.amountFen,
      systemAccount('withdrawals_in_flight', 'CNY'),
      systemAccount('provider_clearing', 'CNY'),
    );
  }
  return expected;
}

// Daily reconciliation: the provider's trade bill and fund-flow bills of one Beijing day compared
// line by line with our deposits, refunds and withdrawals and with the ledger transfers that moved
// their money. Every difference becomes a line of the day's report for finance; a payment the
// bill shows and we have not credited is also repaired on the spot (a query, then the same
// credit the notification would have made), and still reported.
import { AppError, fenFromDb, newId, present } from '@fairground/core';
import { playerAccount, systemAccount } from '../ledger/index.ts';
import { intFromDb } from '../storage/sql.ts';
import { beijingDate, beijingMidnightMs, type Ctx } from './context.ts';
import type { Deposits } from './deposits.ts';
import { PaymentsErrors } from './errors.ts';
import { BILL_HISTORY_DAYS, BILL_READY_AFTER_MS, DAY_MS, RECONCILE_CATCH_UP_DAYS, RECONCILIATION_ITEMS_MAX } from './limits.ts';
import { DEPOSIT_COLUMNS, depositFromRow, REFUND_COLUMNS, refundFromRow, WITHDRAWAL_COLUMNS, withdrawalFromRow } from './model.ts';
import { type FundFlowLine, ProviderError, type TradeBillLine } from './ports.ts';

export type MismatchKind =
  | 'bill_payment_unknown_order'
  | 'bill_payment_not_credited'
  | 'payment_amount_mismatch'
  | 'payment_transaction_mismatch'
  | 'payment_missing_from_bill'
  | 'payment_ledger_mismatch'
  | 'bill_refund_unknown'
  | 'refund_amount_mismatch'
  | 'refund_day_mismatch'
  | 'refund_missing_from_bill'
  | 'fund_flow_unmatched'
  | 'transfer_unknown'
  | 'transfer_amount_mismatch'
  | 'transfer_missing_from_bill'
  | 'transfer_ledger_mismatch';

export interface ReconciliationItem {
  readonly kind: MismatchKind;
  /** Our number (out_trade_no, out_refund_no, out_bill_no) or the provider's when we have none. */
  readonly ref: string;
  readonly expectedFen: number | null;
  readonly actualFen: number | null;
  readonly detail: string;
}

export interface ReconciliationSummary {
  readonly billPayments: number;
  readonly billPaymentsFen: number;
  readonly billRefunds: number;
  readonly billRefundsFen: number;
  readonly billFeesMilliFen: number;
  readonly ourPayments: number;
  readonly ourPaymentsFen: number;
  readonly ourRefunds: number;
  readonly ourRefundsFen: number;
  readonly transfersOutFen: number;
  readonly transfersReturnedFen: number;
  readonly ourTransfersOutFen: number;
  readonly ourTransfersReturnedFen: number;
  readonly fundFlowLines: number;
  /** Fees and everything else in the basic account that is not a payment or a refund, net (negative: money out). */
  readonly basicOtherNetFen: number;
}

export interface ReconciliationReport {
  readonly billDate: string;
  readonly state: 'clean' | 'mismatches';
  readonly summary: ReconciliationSummary;
  readonly items: readonly ReconciliationItem[];
  readonly runAtMs: number;
  readonly runs: number;
  readonly mismatches: number;
}

const TRADE_IN = '交易';
const REFUND_OUT = '退款';
const TRANSFER_OUT = '商家转账';
const TRANSFER_BACK = '商家转账退回';

export class Reconciler {
  readonly #ctx: Ctx;
  readonly #deposits: Deposits;

  constructor(ctx: Ctx, deposits: Deposits) {
    this.#ctx = ctx;
    this.#deposits = deposits;
  }

  /** Reconciles every recent day whose bills are out and that has no report yet. */
  async catchUp(): Promise<string[]> {
    if (!this.#ctx.hasProvider) return [];
    const nowMs = this.#ctx.clock.nowMs();
    const done: string[] = [];
    for (let back = RECONCILE_CATCH_UP_DAYS; back >= 1; back--) {
      const date = beijingDate(nowMs - back * DAY_MS);
      const start = present(beijingMidnightMs(date), `${date} is a calendar date`);
      if (nowMs < start + BILL_READY_AFTER_MS) continue;
      const have = await this.#ctx.store.reader.query('SELECT bill_date FROM payment_reconciliations WHERE bill_date = ?', [date]);
      if (have.length > 0) continue;
      try {
        await this.reconcileDay(date);
        done.push(date);
      } catch (e) {
        this.#ctx.log.warn({ err: e, billDate: date }, 'payments: reconciliation could not run; will try again');
      }
    }
    return done;
  }

  async reconcileDay(billDate: string): Promise<ReconciliationReport> {
    const start = beijingMidnightMs(billDate);
    const nowMs = this.#ctx.clock.nowMs();
    if (start === null || nowMs < start + DAY_MS) throw new AppError(PaymentsErrors.PAYMENT_BILL_DATE_INVALID, { billDate });
    const oldestDate = beijingDate(nowMs - BILL_HISTORY_DAYS * DAY_MS);
    if (billDate < oldestDate) throw new AppError(PaymentsErrors.PAYMENT_BILL_TOO_OLD, { billDate, oldestDate });
    const end = start + DAY_MS;
    let trade: TradeBillLine[];
    let basic: FundFlowLine[];
    let operation: FundFlowLine[];
    try {
      trade = await this.#ctx.call((p) => p.tradeBill(billDate));
      basic = await this.#ctx.call((p) => p.fundFlowBill(billDate, 'BASIC'));
      operation = await this.#ctx.call((p) => p.fundFlowBill(billDate, 'OPERATION'));
    } catch (e) {
      if (e instanceof ProviderError && e.failure === 'not_ready') throw new AppError(PaymentsErrors.PAYMENT_BILL_NOT_READY, { billDate });
      throw e;
    }
    const items: ReconciliationItem[] = [];
    const add = (kind: MismatchKind, ref: string, expectedFen: number | null, actualFen: number | null, detail: string) => {
      if (items.length < RECONCILIATION_ITEMS_MAX) items.push({ kind, ref, expectedFen, actualFen, detail });
    };
    const reader = this.#ctx.store.reader;

    // ---- payments: the trade bill's SUCCESS lines against our paid deposits of the day
    const billPayments = trade.filter((l) => l.kind === 'payment');
    const paidRows = await reader.query(
      `SELECT ${DEPOSIT_COLUMNS} FROM payment_deposits WHERE paid_at_ms >= ? AND paid_at_ms < ? AND state = 'paid'`,
      [start, end],
    );
    const ourPaid = new Map(paidRows.map((r) => [String(r.id), depositFromRow(r)]));
    const seenPayments = new Set<string>();
    for (const line of billPayments) {
      seenPayments.add(line.orderNo);
      let d = ourPaid.get(line.orderNo) ?? (await this.#deposits.get(line.orderNo));
      if (d === null) {
        add('bill_payment_unknown_order', line.orderNo, null, line.amountFen, `transaction ${line.transactionId} is not one of our orders`);
        continue;
      }
      if (d.state !== 'paid') {
        const repaired = await this.#deposits.verify(d.id).catch((e: unknown) => `failed: ${(e as Error).message}`);
        add('bill_payment_not_credited', d.id, d.amountFen, line.amountFen, `our order was ${d.state}; query and credit: ${repaired}`);
        d = await this.#deposits.get(d.id);
        if (d === null || d.state !== 'paid') continue;
      }
      if (line.amountFen !== d.amountFen)
        add('payment_amount_mismatch', d.id, d.amountFen, line.amountFen, 'bill amount differs from our order');
      if (d.transactionId !== line.transactionId) {
        add('payment_transaction_mismatch', d.id, null, null, `bill ${line.transactionId}, ours ${d.transactionId ?? 'none'}`);
      }
      await this.#checkTransfer(
        add,
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
        add('payment_missing_from_bill', d.id, d.amountFen, null, 'we credited a payment the bill does not list');
    }

    // ---- refunds: the trade bill's REFUND lines against our refunds, each by its own day. A
    // refund line is in the bill of the day the refund was made, and its 交易时间 is that time
    // (not the payment's): a refund made the day after its payment belongs to the later day, and
    // our refunds of a day are those the provider made that day (its create_time).
    const billRefunds = trade.filter((l) => l.kind === 'refund');
    const refundRows = await reader.query(
      `SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE provider_created_at_ms >= ? AND provider_created_at_ms < ?`,
      [start, end],
    );
    const ourRefunds = new Map(refundRows.map((r) => [String(r.id), refundFromRow(r)]));
    const seenRefunds = new Set<string>();
    for (const line of billRefunds) {
      const refundNo = line.refundNo ?? '';
      seenRefunds.add(refundNo);
      const r = ourRefunds.get(refundNo) ?? (await this.#refund(refundNo));
      if (r === null) {
        add('bill_refund_unknown', refundNo || line.orderNo, null, line.amountFen, `refund of ${line.orderNo} is not one of ours`);
        continue;
      }
      if (r.amountFen !== line.amountFen) add('refund_amount_mismatch', r.id, r.amountFen, line.amountFen, 'bill refund amount differs');
      // The line must be dated inside its own bill's day, and — when we know when the provider
      // made the refund (a refund settled by its notification alone never learns it) — by that day.
      const lineDay = line.atMs === null ? null : beijingDate(line.atMs);
      const ourDay = r.providerCreatedAtMs === null ? null : beijingDate(r.providerCreatedAtMs);
      if (lineDay !== billDate || (ourDay !== null && ourDay !== billDate)) {
        add(
          'refund_day_mismatch',
          r.id,
          r.amountFen,
          line.amountFen,
          `the bill of ${billDate} dates this refund ${lineDay ?? 'unreadably'}; the provider made it on ${ourDay ?? 'a day we do not know'}`,
        );
      }
    }
    for (const r of ourRefunds.values()) {
      if (!seenRefunds.has(r.id))
        add('refund_missing_from_bill', r.id, r.amountFen, null, 'the provider accepted this refund but the bill does not list it');
    }

    // ---- the basic account's fund flow: money in for payments, out for refunds
    let feesFromFlow = 0;
    for (const line of basic) {
      if (line.businessType === TRADE_IN && line.direction === 'in') {
        const d = (await this.#deposits.get(line.voucherNo)) ?? null;
        if (d === null || d.state !== 'paid' || d.amountFen !== line.amountFen) {
          add(
            'fund_flow_unmatched',
            line.voucherNo,
            d?.amountFen ?? null,
            line.amountFen,
            `basic account ${line.businessType} ${line.businessNo}: ${d === null ? 'no such order' : d.state}`,
          );
        }
      } else if (line.businessType === REFUND_OUT && line.direction === 'out') {
        const r = await this.#refund(line.voucherNo);
        if (r === null || r.amountFen !== line.amountFen) {
          add(
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

    // ---- the operation account's fund flow: transfer bills out, and back when they failed
    const flowByBill = new Map<string, { out: number; back: number }>();
    for (const line of operation) {
      const e = flowByBill.get(line.voucherNo) ?? { out: 0, back: 0 };
      if (line.businessType === TRANSFER_OUT && line.direction === 'out') e.out += line.amountFen;
      else if (line.businessType === TRANSFER_BACK && line.direction === 'in') e.back += line.amountFen;
      else {
        add('fund_flow_unmatched', line.voucherNo, null, line.amountFen, `operation account ${line.businessType} ${line.direction}`);
        continue;
      }
      flowByBill.set(line.voucherNo, e);
    }
    const wRows = await reader.query(
      `SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE (provider_created_at_ms >= ? AND provider_created_at_ms < ?) OR (provider_finished_at_ms >= ? AND provider_finished_at_ms < ?)`,
      [start, end, start, end],
    );
    const ourW = new Map(wRows.map((r) => [String(r.id), withdrawalFromRow(r)]));
    let ourOut = 0;
    let ourBack = 0;
    for (const [billNo, flow] of flowByBill) {
      const w = ourW.get(billNo) ?? (await this.#withdrawal(billNo));
      if (w === null) {
        add('transfer_unknown', billNo, null, flow.out - flow.back, 'a transfer bill that is not one of our withdrawals');
        continue;
      }
      ourW.set(billNo, w);
    }
    for (const w of ourW.values()) {
      const createdToday = w.providerCreatedAtMs !== null && w.providerCreatedAtMs >= start && w.providerCreatedAtMs < end;
      const returnedToday =
        (w.state === 'failed' || w.state === 'cancelled') &&
        w.providerFinishedAtMs !== null &&
        w.providerFinishedAtMs >= start &&
        w.providerFinishedAtMs < end;
      const expected = { out: createdToday ? w.amountFen : 0, back: returnedToday ? w.amountFen : 0 };
      ourOut += expected.out;
      ourBack += expected.back;
      const flow = flowByBill.get(w.id) ?? { out: 0, back: 0 };
      if (flow.out === 0 && flow.back === 0 && (expected.out > 0 || expected.back > 0)) {
        add(
          'transfer_missing_from_bill',
          w.id,
          expected.out - expected.back,
          null,
          `our withdrawal is ${w.state}; the operation account shows nothing that day`,
        );
      } else if (flow.out !== expected.out || flow.back !== expected.back) {
        add(
          'transfer_amount_mismatch',
          w.id,
          expected.out - expected.back,
          flow.out - flow.back,
          `out ${flow.out}/${expected.out}, back ${flow.back}/${expected.back} (ours ${w.state})`,
        );
      }
      if (w.state === 'succeeded') {
        await this.#checkTransfer(
          add,
          'transfer_ledger_mismatch',
          w.id,
          w.settleTransferId,
          w.amountFen,
          systemAccount('withdrawals_in_flight', 'CNY'),
          systemAccount('provider_clearing', 'CNY'),
        );
      }
    }

    const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
    let flowOut = 0;
    let flowBack = 0;
    for (const f of flowByBill.values()) {
      flowOut += f.out;
      flowBack += f.back;
    }
    const summary: ReconciliationSummary = {
      billPayments: billPayments.length,
      billPaymentsFen: sum(billPayments.map((l) => l.amountFen)),
      billRefunds: billRefunds.length,
      billRefundsFen: sum(billRefunds.map((l) => l.amountFen)),
      billFeesMilliFen: sum(trade.map((l) => l.feeMilliFen)),
      ourPayments: ourPaid.size,
      ourPaymentsFen: sum([...ourPaid.values()].map((d) => d.amountFen)),
      ourRefunds: ourRefunds.size,
      ourRefundsFen: sum([...ourRefunds.values()].map((r) => r.amountFen)),
      transfersOutFen: flowOut,
      transfersReturnedFen: flowBack,
      ourTransfersOutFen: ourOut,
      ourTransfersReturnedFen: ourBack,
      fundFlowLines: basic.length + operation.length,
      basicOtherNetFen: feesFromFlow,
    };
    const state = items.length === 0 ? 'clean' : 'mismatches';
    const runs = await this.#ctx.store.unitOfWork(
      async (tx) => {
        // The day's report row first, as an upsert: a second run of the same day (an operator's
        // click beside the job) waits here for the first to commit and then replaces its report,
        // instead of racing it into the primary key or leaving both runs' items behind.
        await tx.run(
          `INSERT INTO payment_reconciliations (bill_date, state, summary, mismatches, runs, run_at_ms) VALUES (?, ?, ?, ?, 1, ?)
            ON CONFLICT (bill_date) DO UPDATE SET state = excluded.state, summary = excluded.summary, mismatches = excluded.mismatches,
              runs = payment_reconciliations.runs + 1, run_at_ms = excluded.run_at_ms`,
          [billDate, state, JSON.stringify(summary), items.length, tx.nowMs],
        );
        const now = await tx.query<{ runs: unknown }>('SELECT runs FROM payment_reconciliations WHERE bill_date = ?', [billDate]);
        const runs = intFromDb(now[0]?.runs ?? 1);
        await tx.run('DELETE FROM payment_reconciliation_items WHERE bill_date = ?', [billDate]);
        for (const i of items) {
          await tx.run(
            'INSERT INTO payment_reconciliation_items (id, bill_date, kind, ref, expected_fen, actual_fen, detail) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [newId('ri'), billDate, i.kind, i.ref, i.expectedFen, i.actualFen, i.detail.slice(0, 500)],
          );
        }
        await this.#ctx.event(tx, 'reconciliation', billDate, state, { mismatches: items.length });
        return runs;
      },
      { label: 'payments.reconcile' },
    );
    if (items.length > 0) this.#ctx.log.warn({ billDate, mismatches: items.length }, 'payments: reconciliation found mismatches');
    return { billDate, state, summary, items, runAtMs: nowMs, runs, mismatches: items.length };
  }

  async #checkTransfer(
    add: (kind: MismatchKind, ref: string, e: number | null, a: number | null, detail: string) => void,
    kind: MismatchKind,
    ref: string,
    transferId: string | null,
    amountFen: number,
    debit: string,
    credit: string,
  ): Promise<void> {
    const t = transferId === null ? null : await this.#ctx.ledger.getTransfer(transferId);
    if (t === null) {
      add(kind, ref, amountFen, null, 'no ledger transfer');
      return;
    }
    if (t.amount !== amountFen || t.debit !== debit || t.credit !== credit) {
      add(kind, ref, amountFen, t.amount, `ledger transfer ${t.id} is ${t.debit} → ${t.credit}`);
    }
  }

  async #refund(id: string) {
    const rows = await this.#ctx.store.reader.query(`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE id = ?`, [id]);
    return rows[0] ? refundFromRow(rows[0]) : null;
  }

  async #withdrawal(id: string) {
    const rows = await this.#ctx.store.reader.query(`SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE id = ?`, [id]);
    return rows[0] ? withdrawalFromRow(rows[0]) : null;
  }

  async list(limit: number, beforeDate?: string): Promise<Omit<ReconciliationReport, 'items'>[]> {
    const rows = await this.#ctx.store.reader.query<{
      bill_date: string;
      state: string;
      summary: string;
      runs: unknown;
      run_at_ms: unknown;
      mismatches: unknown;
    }>(
      `SELECT bill_date, state, summary, runs, run_at_ms, mismatches FROM payment_reconciliations ${beforeDate ? 'WHERE bill_date < ?' : ''} ORDER BY bill_date DESC LIMIT ?`,
      beforeDate ? [beforeDate, limit] : [limit],
    );
    return rows.map((r) => ({
      billDate: r.bill_date,
      state: r.state as 'clean' | 'mismatches',
      summary: JSON.parse(r.summary) as ReconciliationSummary,
      runs: intFromDb(r.runs),
      runAtMs: intFromDb(r.run_at_ms),
      mismatches: intFromDb(r.mismatches),
    }));
  }

  async report(billDate: string): Promise<ReconciliationReport | null> {
    const head = await this.#ctx.store.reader.query<{
      bill_date: string;
      state: string;
      summary: string;
      runs: unknown;
      run_at_ms: unknown;
      mismatches: unknown;
    }>('SELECT bill_date, state, summary, runs, run_at_ms, mismatches FROM payment_reconciliations WHERE bill_date = ?', [billDate]);
    const r = head[0];
    if (r === undefined) return null;
    const items = await this.#ctx.store.reader.query<{
      kind: string;
      ref: string;
      expected_fen: unknown;
      actual_fen: unknown;
      detail: string | null;
    }>('SELECT kind, ref, expected_fen, actual_fen, detail FROM payment_reconciliation_items WHERE bill_date = ? ORDER BY kind, ref', [
      billDate,
    ]);
    return {
      billDate: r.bill_date,
      state: r.state as 'clean' | 'mismatches',
      summary: JSON.parse(r.summary) as ReconciliationSummary,
      runs: intFromDb(r.runs),
      runAtMs: intFromDb(r.run_at_ms),
      mismatches: intFromDb(r.mismatches),
      items: items.map((i) => ({
        kind: i.kind as MismatchKind,
        ref: i.ref,
        expectedFen: i.expected_fen === null ? null : fenFromDb(i.expected_fen),
        actualFen: i.actual_fen === null ? null : fenFromDb(i.actual_fen),
        detail: i.detail ?? '',
      })),
    };
  }
}

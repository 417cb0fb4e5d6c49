// Daily reconciliation: the provider's trade bill and fund-flow bills of one Beijing day compared
// line by line with our deposits, refunds and withdrawals and with the ledger transfers that moved
// their money. Every difference becomes a line of the day's report for finance; a payment the
// bill shows and we have not credited is also repaired on the spot (a query, then the same
// credit the notification would have made), and still reported.
import { AppError, fenFromDb, newId, present } from '@fairground/core';
import { intFromDb } from '../storage/sql.ts';
import { beijingDate, beijingMidnightMs, type Ctx } from './context.ts';
import type { Deposits } from './deposits.ts';
import { PaymentsErrors } from './errors.ts';
import { BILL_HISTORY_DAYS, BILL_READY_AFTER_MS, DAY_MS, RECONCILE_CATCH_UP_DAYS } from './limits.ts';
import { type FundFlowLine, ProviderError, type TradeBillLine } from './ports.ts';
import { reconcileBasicFlow } from './reconcile-basic-flow.ts';
import {
  dayCheck,
  type MismatchKind,
  type ReconciliationItem,
  type ReconciliationReport,
  type ReconciliationSummary,
  sumOf,
} from './reconcile-day.ts';
import { reconcilePayments } from './reconcile-payments.ts';
import { reconcileRefunds } from './reconcile-refunds.ts';
import { reconcileTransfers } from './reconcile-transfers.ts';

export type { MismatchKind, ReconciliationItem, ReconciliationReport, ReconciliationSummary } from './reconcile-day.ts';

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

  /**
   * Reconciles one Beijing day whose bills are out: the four sections in order (payments, refunds,
   * the basic account's flow, the operation account's flow), then the day's report replaces any
   * earlier one.
   */
  async reconcileDay(billDate: string): Promise<ReconciliationReport> {
    const startMs = beijingMidnightMs(billDate);
    const nowMs = this.#ctx.clock.nowMs();
    if (startMs === null || nowMs < startMs + DAY_MS) throw new AppError(PaymentsErrors.PAYMENT_BILL_DATE_INVALID, { billDate });
    const oldestDate = beijingDate(nowMs - BILL_HISTORY_DAYS * DAY_MS);
    if (billDate < oldestDate) throw new AppError(PaymentsErrors.PAYMENT_BILL_TOO_OLD, { billDate, oldestDate });
    const { trade, basic, operation } = await this.#bills(billDate);
    const day = dayCheck(this.#ctx, this.#deposits, billDate, startMs, startMs + DAY_MS);
    const payments = await reconcilePayments(day, trade);
    const refunds = await reconcileRefunds(day, trade);
    const basicOtherNetFen = await reconcileBasicFlow(day, basic);
    const transfers = await reconcileTransfers(day, operation);
    const summary: ReconciliationSummary = {
      billPayments: payments.billPayments,
      billPaymentsFen: payments.billPaymentsFen,
      billRefunds: refunds.billRefunds,
      billRefundsFen: refunds.billRefundsFen,
      billFeesMilliFen: sumOf(trade.map((l) => l.feeMilliFen)),
      ourPayments: payments.ourPayments,
      ourPaymentsFen: payments.ourPaymentsFen,
      ourRefunds: refunds.ourRefunds,
      ourRefundsFen: refunds.ourRefundsFen,
      ...transfers,
      fundFlowLines: basic.length + operation.length,
      basicOtherNetFen,
    };
    const items = day.items;
    const state = items.length === 0 ? 'clean' : 'mismatches';
    const runs = await this.#store(billDate, state, summary, items);
    if (items.length > 0) this.#ctx.log.warn({ billDate, mismatches: items.length }, 'payments: reconciliation found mismatches');
    return { billDate, state, summary, items, runAtMs: nowMs, runs, mismatches: items.length };
  }

  /** The day's trade bill and both fund-flow bills; a day the provider has not finished is PAYMENT_BILL_NOT_READY. */
  async #bills(billDate: string): Promise<{ trade: TradeBillLine[]; basic: FundFlowLine[]; operation: FundFlowLine[] }> {
    try {
      const trade = await this.#ctx.call((p) => p.tradeBill(billDate));
      const basic = await this.#ctx.call((p) => p.fundFlowBill(billDate, 'BASIC'));
      const operation = await this.#ctx.call((p) => p.fundFlowBill(billDate, 'OPERATION'));
      return { trade, basic, operation };
    } catch (e) {
      if (e instanceof ProviderError && e.failure === 'not_ready') throw new AppError(PaymentsErrors.PAYMENT_BILL_NOT_READY, { billDate });
      throw e;
    }
  }

  /** Stores the day's report in one unit, replacing an earlier run's; returns how many runs the day has had. */
  async #store(
    billDate: string,
    state: ReconciliationReport['state'],
    summary: ReconciliationSummary,
    items: readonly ReconciliationItem[],
  ): Promise<number> {
    return this.#ctx.store.unitOfWork(
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

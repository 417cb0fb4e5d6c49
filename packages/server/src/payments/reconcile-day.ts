// One Beijing day's reconciliation in progress: the day's bounds, the report lines found so far,
// and the lookups the four sections (payments, refunds, the basic and the operation fund flows) share.
import { RECONCILIATION_ITEMS_MAX } from './limits.ts';
import type { Ctx } from './context.ts';
import type { Deposits } from './deposits.ts';
import { type Refund, REFUND_COLUMNS, refundFromRow, type Withdrawal, WITHDRAWAL_COLUMNS, withdrawalFromRow } from './model.ts';

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

/** Business types of the fund-flow bills (资金账单 业务类型). */
export const TRADE_IN = '交易';
export const REFUND_OUT = '退款';
export const TRANSFER_OUT = '商家转账';
export const TRANSFER_BACK = '商家转账退回';

export function sumOf(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

export interface DayCheck {
  readonly billDate: string;
  /** The day is [startMs, endMs), Beijing time. */
  readonly startMs: number;
  readonly endMs: number;
  readonly ctx: Ctx;
  readonly deposits: Deposits;
  /** The report's lines so far, at most RECONCILIATION_ITEMS_MAX. */
  readonly items: readonly ReconciliationItem[];
  add(kind: MismatchKind, ref: string, expectedFen: number | null, actualFen: number | null, detail: string): void;
  refund(id: string): Promise<Refund | null>;
  withdrawal(id: string): Promise<Withdrawal | null>;
  /** Adds a `kind` line unless the ledger transfer exists and moved `amountFen` from `debit` to `credit`. */
  checkTransfer(
    kind: MismatchKind,
    ref: string,
    transferId: string | null,
    amountFen: number,
    debit: string,
    credit: string,
  ): Promise<void>;
}

export function dayCheck(ctx: Ctx, deposits: Deposits, billDate: string, startMs: number, endMs: number): DayCheck {
  const items: ReconciliationItem[] = [];
  const reader = ctx.store.reader;
  const add: DayCheck['add'] = (kind, ref, expectedFen, actualFen, detail) => {
    if (items.length < RECONCILIATION_ITEMS_MAX) items.push({ kind, ref, expectedFen, actualFen, detail });
  };
  return {
    billDate,
    startMs,
    endMs,
    ctx,
    deposits,
    items,
    add,
    async refund(id) {
      const rows = await reader.query(`SELECT ${REFUND_COLUMNS} FROM payment_refunds WHERE id = ?`, [id]);
      return rows[0] ? refundFromRow(rows[0]) : null;
    },
    async withdrawal(id) {
      const rows = await reader.query(`SELECT ${WITHDRAWAL_COLUMNS} FROM payment_withdrawals WHERE id = ?`, [id]);
      return rows[0] ? withdrawalFromRow(rows[0]) : null;
    },
    async checkTransfer(kind, ref, transferId, amountFen, debit, credit) {
      const t = transferId === null ? null : await ctx.ledger.getTransfer(transferId);
      if (t === null) {
        add(kind, ref, amountFen, null, 'no ledger transfer');
        return;
      }
      if (t.amount !== amountFen || t.debit !== debit || t.credit !== credit) {
        add(kind, ref, amountFen, t.amount, `ledger transfer ${t.id} is ${t.debit} → ${t.credit}`);
      }
    },
  };
}

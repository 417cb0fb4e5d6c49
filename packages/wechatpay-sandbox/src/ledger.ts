// The merchant's accounts at WeChat Pay as the sandbox keeps them: the basic account (payments in,
// fees, refunds and profit sharing out) and the operation account (transfers to users). Every
// movement is a fund-flow entry, which is what the fund-flow bill prints. Integer fen throughout.
import { randomDigits } from './crypto.ts';

export type AccountType = 'BASIC' | 'OPERATION' | 'FEES';

export interface FundFlowEntry {
  atMs: number;
  account: AccountType;
  /** 微信支付业务单号: transaction_id, refund_id, transfer_bill_no, … */
  businessNo: string;
  /** 资金流水单号. */
  flowNo: string;
  /** 业务名称 / 业务类型, e.g. 交易 / 交易, 退款 / 退款, 商家转账 / 商家转账. */
  bizName: string;
  bizType: string;
  direction: 'IN' | 'OUT';
  amountFen: number;
  balanceAfterFen: number;
  applicant: string;
  remark: string;
  /** 业务凭证号: the merchant's own number (out_trade_no, out_refund_no, out_bill_no). */
  voucherNo: string;
}

/** Far beyond a dev session; the fund-flow bill of one day stays printable. */
export const FUND_FLOW_ENTRIES_MAX = 1_000_000;

export class Ledger {
  readonly #balances: Record<AccountType, number>;
  readonly #entries: FundFlowEntry[] = [];

  constructor(basicFen: number, operationFen: number) {
    if (!Number.isSafeInteger(basicFen) || basicFen < 0) throw new Error(`basicBalanceFen must be a non-negative integer: ${basicFen}`);
    if (!Number.isSafeInteger(operationFen) || operationFen < 0) {
      throw new Error(`operationBalanceFen must be a non-negative integer: ${operationFen}`);
    }
    this.#balances = { BASIC: basicFen, OPERATION: operationFen, FEES: 0 };
  }

  balanceFen(account: AccountType): number {
    return this.#balances[account];
  }

  /** Records one movement. Outgoing movements must be covered; callers check first and answer NOT_ENOUGH. */
  move(entry: Omit<FundFlowEntry, 'flowNo' | 'balanceAfterFen'>): FundFlowEntry {
    if (!Number.isSafeInteger(entry.amountFen) || entry.amountFen < 0)
      throw new Error(`ledger amount must be a non-negative integer: ${entry.amountFen}`);
    const delta = entry.direction === 'IN' ? entry.amountFen : -entry.amountFen;
    const after = this.#balances[entry.account] + delta;
    if (after < 0) throw new Error(`ledger: ${entry.account} would go negative`);
    if (!Number.isSafeInteger(after)) throw new Error('ledger: balance overflow');
    this.#balances[entry.account] = after;
    const full: FundFlowEntry = { ...entry, flowNo: `${randomDigits(28)}`, balanceAfterFen: after };
    if (this.#entries.length >= FUND_FLOW_ENTRIES_MAX) this.#entries.shift();
    this.#entries.push(full);
    return full;
  }

  entries(account: AccountType, fromMs: number, toMs: number): FundFlowEntry[] {
    return this.#entries.filter((e) => e.account === account && e.atMs >= fromMs && e.atMs < toMs);
  }
}

// Trade and fund-flow bill files (section 5.2 of the research note): UTF-8 with a BOM, CRLF, a
// header line, detail lines whose every field starts with a backtick, then a summary header and one
// backtick-prefixed summary line. Amounts are yuan text; we convert them to integer fen with string
// arithmetic only, and refuse any value that would need rounding.
import { createHash } from 'node:crypto';
import { type Fen, toFen } from '@fairground/core';
import { WechatPayError, WechatPayErrors } from './errors.ts';
import { BILL_LINES_MAX } from './limits.ts';

function billInvalid(reason: string, details?: Record<string, unknown>): WechatPayError {
  return new WechatPayError(WechatPayErrors.WECHATPAY_BILL_INVALID, {
    kind: 'bad-response',
    retrySameRequest: true,
    outcomeUnknown: false,
    details: { reason, ...details },
    message: `bill invalid: ${reason}`,
  });
}

/**
 * Converts yuan text (`"12.3"`, `"0.01"`, `"-5.00"`, `"0.06000"`) to an integer count of
 * 10^-`decimals` yuan, exactly. Digits beyond `decimals` must all be zero; otherwise the value
 * cannot be represented and we refuse it rather than round.
 */
export function yuanTextToUnits(text: string, decimals: number): number {
  const match = /^(-?)(\d{1,15})(?:\.(\d{1,10}))?$/.exec(text.trim());
  if (!match) throw billInvalid('amount is not yuan text', { value: text.slice(0, 40) });
  const negative = match[1] === '-';
  const whole = match[2] ?? '0';
  const frac = match[3] ?? '';
  const kept = frac.slice(0, decimals).padEnd(decimals, '0');
  const dropped = frac.slice(decimals);
  if (/[^0]/.test(dropped)) throw billInvalid(`amount has more than ${decimals} significant decimals`, { value: text.slice(0, 40) });
  const digits = `${whole}${kept}`.replace(/^0+(?=\d)/, '');
  const units = BigInt(digits);
  if (units > BigInt(Number.MAX_SAFE_INTEGER)) throw billInvalid('amount too large', { value: text.slice(0, 40) });
  const n = Number(units);
  return negative && n !== 0 ? -n : n;
}

/** Yuan text with at most two significant decimals → fen. `"0.01"` → 1, `"45.0"` → 4500, `"0.06000"` → 6. */
export function yuanTextToFen(text: string): Fen {
  return toFen(yuanTextToUnits(text, 2));
}

/**
 * A fee in the trade bill has five decimals of yuan, i.e. thousandths of a fen. We keep it exactly
 * in that unit, and also in fen when it is a whole number of fen (which WeChat's per-order fees are).
 */
export interface FeeAmount {
  readonly milliFen: number;
  readonly fen: Fen | undefined;
  readonly text: string;
}

export function parseFee(text: string): FeeAmount {
  const milliFen = yuanTextToUnits(text, 5);
  return { milliFen, fen: milliFen % 1000 === 0 ? toFen(milliFen / 1000) : undefined, text };
}

/** A count in the summary line (`"45"`, or `"45.0"` as some bills print it). */
function parseCount(text: string): number {
  const match = /^(\d{1,12})(?:\.0+)?$/.exec(text.trim());
  if (!match) throw billInvalid('count is not an integer', { value: text.slice(0, 40) });
  return Number(match[1]);
}

export interface CsvBill {
  readonly header: readonly string[];
  /** Each detail line as header name → text (backticks removed). */
  readonly rows: readonly Readonly<Record<string, string>>[];
  readonly summaryHeader: readonly string[];
  readonly summary: Readonly<Record<string, string>>;
}

const BOM = '\uFEFF';

function splitBacktickLine(line: string, lineNo: number): string[] {
  if (!line.startsWith('`')) throw billInvalid('detail line does not start with a backtick', { line: lineNo });
  return line.slice(1).split(',`');
}

/** Splits a bill file into header, rows and summary, keyed by the header's column names (their order is not fixed). */
export function parseCsvBill(file: Uint8Array | string): CsvBill {
  let text = typeof file === 'string' ? file : Buffer.from(file.buffer, file.byteOffset, file.byteLength).toString('utf8');
  if (text.startsWith(BOM)) text = text.slice(1);
  const lines = text.split(/\r?\n/);
  while (lines.length > 0 && lines.at(-1) === '') lines.pop();
  if (lines.length > BILL_LINES_MAX) throw billInvalid('too many lines', { lines: lines.length });
  if (lines.length < 3) throw billInvalid('a bill needs a header, a summary header and a summary line');
  const header = (lines[0] ?? '').split(',');
  const summaryHeader = (lines[lines.length - 2] ?? '').split(',');
  const summaryCells = splitBacktickLine(lines[lines.length - 1] ?? '', lines.length);
  if (summaryCells.length !== summaryHeader.length) throw billInvalid('summary line does not match its header');
  const rows: Record<string, string>[] = [];
  for (let i = 1; i < lines.length - 2; i++) {
    const cells = splitBacktickLine(lines[i] ?? '', i + 1);
    // A trailing empty column appears in some files as a final ",`"; the header decides.
    if (cells.length !== header.length)
      throw billInvalid('detail line has the wrong number of fields', { line: i + 1, fields: cells.length, expected: header.length });
    const row: Record<string, string> = {};
    header.forEach((name, j) => {
      row[name] = cells[j] ?? '';
    });
    rows.push(row);
  }
  const summary: Record<string, string> = {};
  summaryHeader.forEach((name, j) => {
    summary[name] = summaryCells[j] ?? '';
  });
  return { header, rows, summaryHeader, summary };
}

function col(row: Readonly<Record<string, string>>, name: string, lineNo: number): string {
  const v = row[name];
  if (v === undefined) throw billInvalid(`column ${name} missing`, { line: lineNo });
  return v;
}

function optCol(row: Readonly<Record<string, string>>, name: string): string | undefined {
  return row[name];
}

function optFen(text: string | undefined): Fen | undefined {
  return text === undefined ? undefined : yuanTextToFen(text);
}

/** One detail line of a trade bill (交易账单). Columns absent from this bill type are undefined. */
export interface TradeBillRow {
  readonly tradeTime: string;
  readonly appid: string;
  readonly mchid: string;
  readonly subMchid: string | undefined;
  readonly deviceInfo: string | undefined;
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly openid: string;
  readonly tradeType: string;
  /** SUCCESS for a payment, REFUND for a refund line. */
  readonly tradeState: string;
  readonly bankType: string | undefined;
  readonly currency: string;
  /** 应结订单金额 */
  readonly settlementTotalFen: Fen;
  /** 代金券金额 */
  readonly couponFen: Fen | undefined;
  readonly refundApplyTime: string | undefined;
  readonly refundSuccessTime: string | undefined;
  /** 微信退款单号 (`0` on payment lines) */
  readonly refundId: string | undefined;
  readonly outRefundNo: string | undefined;
  /** 退款金额 */
  readonly refundFen: Fen | undefined;
  /** 充值券退款金额 */
  readonly rechargeCouponRefundFen: Fen | undefined;
  readonly refundType: string | undefined;
  readonly refundStatus: string | undefined;
  readonly goodsName: string | undefined;
  readonly attach: string | undefined;
  /** 手续费 (five decimals of yuan; negative on refunds). */
  readonly fee: FeeAmount;
  /** 费率, e.g. `0.60%` */
  readonly feeRate: string | undefined;
  /** 订单金额 */
  readonly orderTotalFen: Fen | undefined;
  /** 申请退款金额 */
  readonly requestedRefundFen: Fen | undefined;
  readonly feeRateRemark: string | undefined;
  readonly columns: Readonly<Record<string, string>>;
}

export interface TradeBillSummary {
  /** 总交易单数 */
  readonly tradeCount: number;
  /** 应结订单总金额 */
  readonly settlementTotalFen: Fen;
  /** 退款总金额 */
  readonly refundFen: Fen | undefined;
  /** 充值券退款总金额 */
  readonly rechargeCouponRefundFen: Fen | undefined;
  /** 手续费总金额 */
  readonly fee: FeeAmount;
  /** 订单总金额 */
  readonly orderTotalFen: Fen | undefined;
  /** 申请退款总金额 */
  readonly requestedRefundFen: Fen | undefined;
  readonly columns: Readonly<Record<string, string>>;
}

export interface TradeBill {
  readonly rows: readonly TradeBillRow[];
  readonly summary: TradeBillSummary;
}

export interface ParseBillOptions {
  /** Check that the summary's count and totals equal what the rows add up to (default true). */
  readonly checkTotals?: boolean;
}

/** Parses a trade bill (any bill_type) into typed rows with amounts in fen. */
export function parseTradeBill(file: Uint8Array | string, options: ParseBillOptions = {}): TradeBill {
  const csv = parseCsvBill(file);
  const rows = csv.rows.map((r, i): TradeBillRow => {
    const lineNo = i + 2;
    return {
      tradeTime: col(r, '交易时间', lineNo),
      appid: col(r, '公众账号ID', lineNo),
      mchid: col(r, '商户号', lineNo),
      subMchid: optCol(r, '特约商户号'),
      deviceInfo: optCol(r, '设备号'),
      transactionId: col(r, '微信订单号', lineNo),
      outTradeNo: col(r, '商户订单号', lineNo),
      openid: col(r, '用户标识', lineNo),
      tradeType: col(r, '交易类型', lineNo),
      tradeState: col(r, '交易状态', lineNo),
      bankType: optCol(r, '付款银行'),
      currency: col(r, '货币种类', lineNo),
      settlementTotalFen: yuanTextToFen(col(r, '应结订单金额', lineNo)),
      couponFen: optFen(optCol(r, '代金券金额')),
      refundApplyTime: optCol(r, '退款申请时间'),
      refundSuccessTime: optCol(r, '退款成功时间'),
      refundId: optCol(r, '微信退款单号'),
      outRefundNo: optCol(r, '商户退款单号'),
      refundFen: optFen(optCol(r, '退款金额')),
      rechargeCouponRefundFen: optFen(optCol(r, '充值券退款金额')),
      refundType: optCol(r, '退款类型'),
      refundStatus: optCol(r, '退款状态'),
      goodsName: optCol(r, '商品名称'),
      attach: optCol(r, '商户数据包'),
      fee: parseFee(col(r, '手续费', lineNo)),
      feeRate: optCol(r, '费率'),
      orderTotalFen: optFen(optCol(r, '订单金额')),
      requestedRefundFen: optFen(optCol(r, '申请退款金额')),
      feeRateRemark: optCol(r, '费率备注'),
      columns: r,
    };
  });
  const s = csv.summary;
  const summary: TradeBillSummary = {
    tradeCount: parseCount(col(s, '总交易单数', 0)),
    settlementTotalFen: yuanTextToFen(col(s, '应结订单总金额', 0)),
    refundFen: optFen(optCol(s, '退款总金额')),
    rechargeCouponRefundFen: optFen(optCol(s, '充值券退款总金额')),
    fee: parseFee(col(s, '手续费总金额', 0)),
    orderTotalFen: optFen(optCol(s, '订单总金额')),
    requestedRefundFen: optFen(optCol(s, '申请退款总金额')),
    columns: s,
  };
  if (options.checkTotals ?? true) {
    expectTotal('总交易单数', summary.tradeCount, rows.length);
    expectTotal('应结订单总金额', summary.settlementTotalFen, sum(rows.map((r) => r.settlementTotalFen)));
    if (summary.refundFen !== undefined) expectTotal('退款总金额', summary.refundFen, sum(rows.map((r) => r.refundFen ?? 0)));
    if (summary.orderTotalFen !== undefined) expectTotal('订单总金额', summary.orderTotalFen, sum(rows.map((r) => r.orderTotalFen ?? 0)));
    if (summary.requestedRefundFen !== undefined) {
      expectTotal('申请退款总金额', summary.requestedRefundFen, sum(rows.map((r) => r.requestedRefundFen ?? 0)));
    }
  }
  return { rows, summary };
}

/** One detail line of a fund-flow bill (资金账单). */
export interface FundFlowBillRow {
  /** 记账时间 */
  readonly bookingTime: string;
  /** 微信支付业务单号 */
  readonly businessNo: string;
  /** 资金流水单号 */
  readonly flowNo: string;
  /** 业务名称 */
  readonly businessName: string;
  /** 业务类型 */
  readonly businessType: string;
  /** 收支类型: 收入 (income) or 支出 (expense) */
  readonly direction: string;
  /** 收支金额(元), always positive; `direction` gives the sign. */
  readonly amountFen: Fen;
  /** 账户结余(元) */
  readonly balanceFen: Fen;
  /** 资金变更提交申请人 */
  readonly applicant: string | undefined;
  /** 备注 */
  readonly remark: string | undefined;
  /** 业务凭证号 */
  readonly voucherNo: string | undefined;
  readonly columns: Readonly<Record<string, string>>;
}

export interface FundFlowBillSummary {
  /** 资金流水总笔数 */
  readonly flowCount: number;
  /** 收入笔数 */
  readonly incomeCount: number;
  /** 收入金额 */
  readonly incomeFen: Fen;
  /** 支出笔数 */
  readonly expenseCount: number;
  /** 支出金额 */
  readonly expenseFen: Fen;
  readonly columns: Readonly<Record<string, string>>;
}

export interface FundFlowBill {
  readonly rows: readonly FundFlowBillRow[];
  readonly summary: FundFlowBillSummary;
}

export const FUND_FLOW_INCOME = '收入';
export const FUND_FLOW_EXPENSE = '支出';

export function parseFundFlowBill(file: Uint8Array | string, options: ParseBillOptions = {}): FundFlowBill {
  const csv = parseCsvBill(file);
  const rows = csv.rows.map((r, i): FundFlowBillRow => {
    const lineNo = i + 2;
    return {
      bookingTime: col(r, '记账时间', lineNo),
      businessNo: col(r, '微信支付业务单号', lineNo),
      flowNo: col(r, '资金流水单号', lineNo),
      businessName: col(r, '业务名称', lineNo),
      businessType: col(r, '业务类型', lineNo),
      direction: col(r, '收支类型', lineNo),
      amountFen: yuanTextToFen(col(r, '收支金额(元)', lineNo)),
      balanceFen: yuanTextToFen(col(r, '账户结余(元)', lineNo)),
      applicant: optCol(r, '资金变更提交申请人'),
      remark: optCol(r, '备注'),
      voucherNo: optCol(r, '业务凭证号'),
      columns: r,
    };
  });
  const s = csv.summary;
  const summary: FundFlowBillSummary = {
    flowCount: parseCount(col(s, '资金流水总笔数', 0)),
    incomeCount: parseCount(col(s, '收入笔数', 0)),
    incomeFen: yuanTextToFen(col(s, '收入金额', 0)),
    expenseCount: parseCount(col(s, '支出笔数', 0)),
    expenseFen: yuanTextToFen(col(s, '支出金额', 0)),
    columns: s,
  };
  if (options.checkTotals ?? true) {
    const income = rows.filter((r) => r.direction === FUND_FLOW_INCOME);
    const expense = rows.filter((r) => r.direction === FUND_FLOW_EXPENSE);
    expectTotal('资金流水总笔数', summary.flowCount, rows.length);
    expectTotal('收入笔数', summary.incomeCount, income.length);
    expectTotal('支出笔数', summary.expenseCount, expense.length);
    expectTotal('收入金额', summary.incomeFen, sum(income.map((r) => r.amountFen)));
    expectTotal('支出金额', summary.expenseFen, sum(expense.map((r) => r.amountFen)));
  }
  return { rows, summary };
}

function sum(values: readonly number[]): number {
  let total = 0;
  for (const v of values) {
    total += v;
    if (!Number.isSafeInteger(total)) throw billInvalid('totals overflow');
  }
  return total;
}

function expectTotal(name: string, stated: number, computed: number): void {
  if (stated !== computed) throw billInvalid(`summary ${name} does not match the rows`, { stated, computed });
}

/** Lower-case hex SHA-1, the digest WeChat Pay states for the uncompressed bill. */
export function billSha1(file: Uint8Array): string {
  return createHash('sha1').update(file).digest('hex');
}

export function verifyBillHash(file: Uint8Array, hashType: string, hashValue: string): void {
  if (hashType.toUpperCase() !== 'SHA1') throw billInvalid('unsupported bill hash type', { hashType });
  const actual = billSha1(file);
  if (actual !== hashValue.toLowerCase()) throw billInvalid('bill SHA-1 does not match hash_value', { expected: hashValue, actual });
}

// Trade and fund-flow bills in WeChat Pay's CSV format: UTF-8 with BOM, CRLF, every detail and
// summary cell prefixed with a backtick, amounts in yuan with 2 decimals (fees with 5), a summary
// header and line at the end. Applying returns the SHA1 of the uncompressed file and a short-lived
// download_url; the download itself is a signed request whose answer is not signed.
import { createHash, randomBytes } from 'node:crypto';
import { gzipSync } from 'node:zlib';
import { type ApiRequest, type ApiResult, ok } from './api.ts';
import type { SandboxCore } from './core.ts';
import { WxError, wx } from './errors.ts';
import type { AccountType } from './ledger.ts';
import { BILL_FILES_MAX, type Order, type Refund } from './model.ts';
import { feeFen } from './payments.ts';
import { beijingMidnightMs, billTime, DAY_MS } from './time.ts';

/** The download link lives this long (the Java SDK's figure; an older document says 30 s). */
export const BILL_URL_TTL_MS = 5 * 60_000;
/** Bills of day D can be fetched from 10:00 Beijing time on D+1. */
export const BILL_READY_AFTER_MS = DAY_MS + 10 * 3600_000;
/** "仅支持三个月内的账单下载申请". */
export const BILL_HISTORY_MS = 92 * DAY_MS;

const TRADE_ALL_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TRADE_SUCCESS_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,商品名称,商户数据包,手续费,费率,订单金额,费率备注';
const TRADE_REFUND_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,退款申请时间,退款成功时间,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TRADE_SUMMARY_HEADER = '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额';
const TRADE_SUCCESS_SUMMARY_HEADER = '总交易单数,应结订单总金额,手续费总金额,订单总金额';
const FUND_HEADER =
  '记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号';
const FUND_SUMMARY_HEADER = '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额';

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const FEE_RATE_TEXT = '0.60%';

/** Integer fen as yuan with 2 decimals, e.g. 12345 -> "123.45", -6 -> "-0.06". */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

/** Fees print with 5 decimals; WeChat Pay rounds them to whole fen first (e.g. 0.04000). */
function yuan5(fen: number): string {
  return `${yuan(fen)}000`;
}

/** Free text in a bill: no backticks or line breaks, which would break the format. */
function text(value: string | undefined): string {
  return (value ?? '').replaceAll('`', "'").replaceAll('\u0001', ' ').replaceAll('\r', '\\r').replaceAll('\n', '\\n');
}

function line(cells: string[]): string {
  return cells.map((c) => `\`${c}`).join(',');
}

function csv(header: string, rows: string[][], summaryHeader: string, summary: string[]): Buffer {
  const lines = [header, ...rows.map(line), summaryHeader, line(summary)];
  return Buffer.concat([BOM, Buffer.from(`${lines.join('\r\n')}\r\n`, 'utf8')]);
}

const REFUND_BILL_STATUS: Record<Refund['status'], string> = {
  SUCCESS: 'SUCCESS',
  PROCESSING: 'PROCESSING',
  CLOSED: 'FAIL',
  ABNORMAL: 'CHANGE',
};

interface TradeRow {
  atMs: number;
  kind: 'pay' | 'refund';
  order: Order;
  refund?: Refund;
}

function tradeRows(core: SandboxCore, fromMs: number, toMs: number, billType: string): TradeRow[] {
  const rows: TradeRow[] = [];
  if (billType !== 'REFUND') {
    for (const o of core.orders.values()) {
      if (o.successMs !== undefined && o.successMs >= fromMs && o.successMs < toMs) rows.push({ atMs: o.successMs, kind: 'pay', order: o });
    }
  }
  if (billType !== 'SUCCESS') {
    for (const r of core.refunds.values()) {
      const order = core.orders.get(r.outTradeNo);
      if (order !== undefined && r.createMs >= fromMs && r.createMs < toMs)
        rows.push({ atMs: r.createMs, kind: 'refund', order, refund: r });
    }
  }
  return rows.sort((a, b) => a.atMs - b.atMs);
}

/** A payment's line of a trade bill: the SUCCESS bill's columns, or the ALL/REFUND bill's. */
function payCells(head: readonly string[], o: Order, fee: number, billType: string): string[] {
  if (billType === 'SUCCESS') {
    return [
      ...head,
      'SUCCESS',
      'OTHERS',
      'CNY',
      yuan(o.totalFen),
      '0.00',
      text(o.description),
      text(o.attach),
      yuan5(fee),
      FEE_RATE_TEXT,
      yuan(o.totalFen),
      '',
    ];
  }
  return [
    ...head,
    'SUCCESS',
    'OTHERS',
    'CNY',
    yuan(o.totalFen),
    '0.00',
    '0',
    '0',
    '0.00',
    '0.00',
    '',
    '',
    text(o.description),
    text(o.attach),
    yuan5(fee),
    FEE_RATE_TEXT,
    yuan(o.totalFen),
    '0.00',
    '',
  ];
}

function tradeBill(core: SandboxCore, fromMs: number, toMs: number, billType: string): Buffer | null {
  const rows = tradeRows(core, fromMs, toMs, billType);
  if (rows.length === 0) return null;
  let settleFen = 0;
  let refundFen = 0;
  let feeTotalFen = 0;
  let orderFen = 0;
  let appliedRefundFen = 0;
  const cells = rows.map(({ atMs, kind, order: o, refund: r }) => {
    // 交易时间 is "the payment's success time or the time the refund was made (not its success
    // time)": a refund row carries the refund's own time, so a refund made the day after the
    // payment is dated, like the bill it appears in, by that later day.
    const head = [billTime(atMs), o.appid, o.mchid, '0', '', o.transactionId ?? '', o.outTradeNo, o.paidOpenid ?? '', o.tradeType];
    if (kind === 'pay') {
      const fee = feeFen(o.totalFen);
      settleFen += o.totalFen;
      feeTotalFen += fee;
      orderFen += o.totalFen;
      return payCells(head, o, fee, billType);
    }
    const refund = r as Refund;
    refundFen += refund.refundFen;
    appliedRefundFen += refund.refundFen;
    feeTotalFen -= refund.feeRefundFen;
    const refundCells = [
      refund.refundId,
      refund.outRefundNo,
      yuan(refund.refundFen),
      '0.00',
      'ORIGINAL',
      REFUND_BILL_STATUS[refund.status],
    ];
    const tail = [text(o.description), text(o.attach), yuan5(-refund.feeRefundFen), FEE_RATE_TEXT, '0.00', yuan(refund.refundFen), ''];
    const times =
      billType === 'REFUND' ? [billTime(refund.createMs), refund.successMs === undefined ? '' : billTime(refund.successMs)] : [];
    return [...head, 'REFUND', 'OTHERS', 'CNY', '0.00', '0.00', ...times, ...refundCells, ...tail];
  });
  if (billType === 'SUCCESS') {
    return csv(TRADE_SUCCESS_HEADER, cells, TRADE_SUCCESS_SUMMARY_HEADER, [
      String(rows.length),
      yuan(settleFen),
      yuan5(feeTotalFen),
      yuan(orderFen),
    ]);
  }
  return csv(billType === 'REFUND' ? TRADE_REFUND_HEADER : TRADE_ALL_HEADER, cells, TRADE_SUMMARY_HEADER, [
    String(rows.length),
    yuan(settleFen),
    yuan(refundFen),
    '0.00',
    yuan5(feeTotalFen),
    yuan(orderFen),
    yuan(appliedRefundFen),
  ]);
}

function fundFlowBill(core: SandboxCore, fromMs: number, toMs: number, account: AccountType): Buffer | null {
  const entries = core.ledger.entries(account, fromMs, toMs);
  if (entries.length === 0) return null;
  let inCount = 0;
  let inFen = 0;
  let outCount = 0;
  let outFen = 0;
  const rows = entries.map((e) => {
    if (e.direction === 'IN') {
      inCount += 1;
      inFen += e.amountFen;
    } else {
      outCount += 1;
      outFen += e.amountFen;
    }
    return [
      billTime(e.atMs),
      e.businessNo,
      e.flowNo,
      text(e.bizName),
      text(e.bizType),
      e.direction === 'IN' ? '收入' : '支出',
      yuan(e.amountFen),
      yuan(e.balanceAfterFen),
      text(e.applicant),
      text(e.remark),
      text(e.voucherNo),
    ];
  });
  return csv(FUND_HEADER, rows, FUND_SUMMARY_HEADER, [
    String(entries.length),
    String(inCount),
    yuan(inFen),
    String(outCount),
    yuan(outFen),
  ]);
}

/** Checks bill_date against the clock; returns the day's [start, end) in ms. */
function billDay(core: SandboxCore, req: ApiRequest): { fromMs: number; toMs: number } {
  const date = req.query.get('bill_date');
  if (date === null || date === '') throw wx.param('bill_date必填', 'bill_date');
  const fromMs = beijingMidnightMs(date);
  if (fromMs === null) throw wx.param('bill_date格式不正确,应为YYYY-MM-DD', 'bill_date');
  const nowMs = core.nowMs();
  if (nowMs < fromMs + DAY_MS) throw wx.param('账单日期不能是当天或以后的日期', 'bill_date');
  if (nowMs < fromMs + BILL_READY_AFTER_MS) throw new WxError(400, 'STATEMENT_CREATING', '账单生成中,请在次日上午十点以后再下载');
  if (nowMs - fromMs > BILL_HISTORY_MS) throw wx.invalid('仅支持三个月内的账单下载申请');
  return { fromMs, toMs: fromMs + DAY_MS };
}

function tarType(req: ApiRequest): boolean {
  const tar = req.query.get('tar_type');
  if (tar !== null && tar !== '' && tar !== 'GZIP') throw wx.param('tar_type仅支持GZIP', 'tar_type');
  return tar === 'GZIP';
}

function answer(core: SandboxCore, plain: Buffer | null, gzip: boolean): ApiResult {
  if (plain === null) throw new WxError(400, 'NO_STATEMENT_EXIST', '账单文件不存在,请检查当前商户号在指定日期内是否有成功的交易');
  const m = core.billFiles;
  const nowMs = core.nowMs();
  for (const [k, f] of m) if (f.expiresMs <= nowMs || m.size >= BILL_FILES_MAX) m.delete(k);
  const token = randomBytes(36).toString('base64url');
  m.set(token, { bytes: gzip ? gzipSync(plain) : plain, expiresMs: nowMs + BILL_URL_TTL_MS });
  return ok({
    hash_type: 'SHA1',
    hash_value: createHash('sha1').update(plain).digest('hex'),
    download_url: `${core.baseUrl}/v3/billdownload/file?token=${token}`,
  });
}

export function applyTradeBill(core: SandboxCore, req: ApiRequest): ApiResult {
  const { fromMs, toMs } = billDay(core, req);
  const billType = req.query.get('bill_type') || 'ALL';
  if (!['ALL', 'SUCCESS', 'REFUND'].includes(billType)) throw wx.param('bill_type仅支持ALL、SUCCESS、REFUND', 'bill_type');
  const gzip = tarType(req);
  return answer(core, tradeBill(core, fromMs, toMs, billType), gzip);
}

export function applyFundFlowBill(core: SandboxCore, req: ApiRequest): ApiResult {
  const { fromMs, toMs } = billDay(core, req);
  const account = req.query.get('account_type') || 'BASIC';
  if (account !== 'BASIC' && account !== 'OPERATION' && account !== 'FEES')
    throw wx.param('account_type仅支持BASIC、OPERATION、FEES', 'account_type');
  const gzip = tarType(req);
  return answer(core, fundFlowBill(core, fromMs, toMs, account), gzip);
}

export function downloadBill(core: SandboxCore, req: ApiRequest): ApiResult {
  const token = req.query.get('token') ?? '';
  const f = core.billFiles.get(token);
  if (f === undefined || f.expiresMs <= core.nowMs()) throw wx.invalid('下载链接已失效,请重新申请账单');
  return { status: 200, raw: f.bytes, contentType: 'application/octet-stream', signed: false };
}

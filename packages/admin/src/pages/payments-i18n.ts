// Words of the console's payment pages: the withdrawal review queue, deposits and refunds, and the
// daily reconciliation reports. Chinese first.
import { ApiError, type Dictionary, type Lang, translate } from '@fairground/web';
import { consoleError } from '../errors.ts';

const zh = {
  navReviews: '提现审核',
  navRefunds: '充值与退款',
  navReconciliation: '对账',
  reviewTitle: '待审核提现',
  reviewHint: '风控规则要求人工审核的提现；资金已冻结，批准后发起微信转账，拒绝则解冻退回玩家。',
  noReviews: '没有待审核的提现',
  player: '玩家',
  amount: '金额',
  reasons: '原因',
  createdAt: '时间',
  note: '备注',
  approve: '批准',
  reject: '拒绝',
  rejectReason: '拒绝原因（至少 4 个字）',
  approved: '已批准 {id}',
  rejected: '已拒绝 {id}',
  providerStatus: '支付通道 {provider} · 熔断器 {breaker} · 待发送调用 {pending}',
  depositsTitle: '充值订单',
  filterPlayer: '玩家 ID（可选）',
  search: '查询',
  state: '状态',
  refunded: '已退',
  refund: '退款',
  refundTitle: '退款 {id}',
  refundAmount: '退款金额（元）',
  refundReason: '退款原因',
  refundSubmit: '发起退款',
  refundDone: '退款 {id}：{state}',
  refunds: '退款记录',
  overLimit: '超限退款',
  overLimitDetail: '超限退款（{code}）：到账时超出玩家的充值限额，已自动全额退款',
  causeOverLimit: '超限退款（系统自动）',
  causeOperator: '人工退款',
  events: '处理步骤',
  reconTitle: '每日对账',
  reconHint: '下载微信支付交易账单和资金账单（次日 10:00 后），逐笔比对订单与账本。',
  billDate: '账单日期',
  run: '立即对账',
  clean: '一致',
  mismatches: '{n} 处差异',
  noReports: '还没有对账报告',
  kind: '类型',
  ref: '单号',
  expected: '我方',
  actual: '微信支付',
  detail: '说明',
  summary: '汇总',
  error: '出错了：{message}',
  sum_billPayments: '账单支付笔数',
  sum_billPaymentsFen: '账单支付金额',
  sum_billRefunds: '账单退款笔数',
  sum_billRefundsFen: '账单退款金额',
  sum_billFeesMilliFen: '账单手续费',
  sum_ourPayments: '我方已入账充值笔数',
  sum_ourPaymentsFen: '我方已入账充值金额',
  sum_ourRefunds: '我方退款笔数',
  sum_ourRefundsFen: '我方退款金额',
  sum_transfersOutFen: '资金账单转出（提现）',
  sum_transfersReturnedFen: '资金账单退回',
  sum_ourTransfersOutFen: '我方提现转出',
  sum_ourTransfersReturnedFen: '我方提现退回',
  sum_fundFlowLines: '资金账单行数',
  sum_basicOtherNetFen: '基本账户其他收支净额（手续费等）',
  mm_bill_payment_unknown_order: '账单中的支付不是我方订单',
  mm_bill_payment_not_credited: '已支付但我方未入账',
  mm_payment_amount_mismatch: '支付金额不一致',
  mm_payment_transaction_mismatch: '微信支付单号不一致',
  mm_payment_missing_from_bill: '我方已入账，账单中没有',
  mm_payment_ledger_mismatch: '充值与账本不一致',
  mm_bill_refund_unknown: '账单中的退款不是我方发起',
  mm_refund_amount_mismatch: '退款金额不一致',
  mm_refund_day_mismatch: '退款日期不一致',
  mm_refund_missing_from_bill: '我方退款，账单中没有',
  mm_fund_flow_unmatched: '运营账户有未对应的资金流水',
  mm_transfer_unknown: '账单中的转账不是我方提现',
  mm_transfer_amount_mismatch: '提现金额不一致',
  mm_transfer_missing_from_bill: '我方提现，账单中没有',
  mm_transfer_ledger_mismatch: '提现与账本不一致',
  mm_other: '其他差异',
  err_PAYMENT_BILL_TOO_OLD: '微信支付只保留三个月内的账单，{billDate} 已无法按账单对账（最早可对 {oldestDate}）',
  err_PAYMENT_BILL_NOT_READY: '{billDate} 的账单尚未生成，请在次日 10:00 之后再对账',
  err_PAYMENT_BILL_DATE_INVALID: '只能对已经结束的日期对账',
};
type Key = keyof typeof zh;

const en: Dictionary<Key> = {
  navReviews: 'Withdrawal reviews',
  navRefunds: 'Deposits & refunds',
  navReconciliation: 'Reconciliation',
  reviewTitle: 'Withdrawals waiting for review',
  reviewHint:
    'Withdrawals the risk rules sent to a person. The money is held; approving makes the WeChat transfer, rejecting returns it to the player.',
  noReviews: 'Nothing to review',
  player: 'Player',
  amount: 'Amount',
  reasons: 'Reasons',
  createdAt: 'Time',
  note: 'Note',
  approve: 'Approve',
  reject: 'Reject',
  rejectReason: 'Reason for rejecting (at least 4 characters)',
  approved: 'Approved {id}',
  rejected: 'Rejected {id}',
  providerStatus: 'Provider {provider} · breaker {breaker} · calls pending {pending}',
  depositsTitle: 'Deposits',
  filterPlayer: 'Player id (optional)',
  search: 'Search',
  state: 'State',
  refunded: 'Refunded',
  refund: 'Refund',
  refundTitle: 'Refund {id}',
  refundAmount: 'Refund amount (yuan)',
  refundReason: 'Reason',
  refundSubmit: 'Refund',
  refundDone: 'Refund {id}: {state}',
  refunds: 'Refunds',
  overLimit: 'Refunded: over the limit',
  overLimitDetail:
    'Refunded: over the limit ({code}) — the money arrived over one of the player’s deposit limits and was refunded in full by itself',
  causeOverLimit: 'Over-limit refund (automatic)',
  causeOperator: 'Operator refund',
  events: 'Steps',
  reconTitle: 'Daily reconciliation',
  reconHint:
    'Downloads WeChat Pay’s trade and fund-flow bills (after 10:00 the next day) and compares them line by line with our orders and the ledger.',
  billDate: 'Bill date',
  run: 'Reconcile now',
  clean: 'clean',
  mismatches: '{n} mismatches',
  noReports: 'No reports yet',
  kind: 'Kind',
  ref: 'Number',
  expected: 'Ours',
  actual: 'WeChat Pay',
  detail: 'Detail',
  summary: 'Summary',
  error: 'Something went wrong: {message}',
  sum_billPayments: 'Payments in the bill',
  sum_billPaymentsFen: 'Paid in the bill',
  sum_billRefunds: 'Refunds in the bill',
  sum_billRefundsFen: 'Refunded in the bill',
  sum_billFeesMilliFen: 'Fees in the bill',
  sum_ourPayments: 'Deposits we credited',
  sum_ourPaymentsFen: 'Credited by us',
  sum_ourRefunds: 'Our refunds',
  sum_ourRefundsFen: 'Refunded by us',
  sum_transfersOutFen: 'Transfers out (fund-flow bill)',
  sum_transfersReturnedFen: 'Transfers returned (fund-flow bill)',
  sum_ourTransfersOutFen: 'Withdrawals paid out by us',
  sum_ourTransfersReturnedFen: 'Withdrawals returned to us',
  sum_fundFlowLines: 'Fund-flow bill lines',
  sum_basicOtherNetFen: 'Other basic-account movements, net (fees and the like)',
  mm_bill_payment_unknown_order: 'A payment in the bill that is not our order',
  mm_bill_payment_not_credited: 'Paid, but not credited by us',
  mm_payment_amount_mismatch: 'Payment amounts differ',
  mm_payment_transaction_mismatch: 'WeChat Pay transaction numbers differ',
  mm_payment_missing_from_bill: 'Credited by us, missing from the bill',
  mm_payment_ledger_mismatch: 'Deposit and ledger differ',
  mm_bill_refund_unknown: 'A refund in the bill that we did not make',
  mm_refund_amount_mismatch: 'Refund amounts differ',
  mm_refund_day_mismatch: 'Refund days differ',
  mm_refund_missing_from_bill: 'Refunded by us, missing from the bill',
  mm_fund_flow_unmatched: 'An operation-account movement with nothing of ours behind it',
  mm_transfer_unknown: 'A transfer in the bill that is not our withdrawal',
  mm_transfer_amount_mismatch: 'Withdrawal amounts differ',
  mm_transfer_missing_from_bill: 'Withdrawn by us, missing from the bill',
  mm_transfer_ledger_mismatch: 'Withdrawal and ledger differ',
  mm_other: 'Other difference',
  err_PAYMENT_BILL_TOO_OLD:
    'WeChat Pay keeps bills for three months only: {billDate} can no longer be reconciled against its bills (the oldest day is {oldestDate})',
  err_PAYMENT_BILL_NOT_READY: 'The bills of {billDate} are not out yet; reconcile after 10:00 the next day',
  err_PAYMENT_BILL_DATE_INVALID: 'Only days that have ended can be reconciled',
};

export type PaymentsText = (key: Key, vars?: Record<string, string | number>) => string;

export function paymentsText(lang: Lang): PaymentsText {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}

const RECONCILIATION_CODES = ['PAYMENT_BILL_TOO_OLD', 'PAYMENT_BILL_NOT_READY', 'PAYMENT_BILL_DATE_INVALID'] as const;

/** A reconciliation refusal in the console's language, with the day and the oldest day it can still reach. */
export function reconciliationError(p: PaymentsText, lang: Lang, e: unknown, billDate: string): string {
  if (e instanceof ApiError) {
    const code = RECONCILIATION_CODES.find((c) => c === e.code);
    if (code !== undefined) {
      const oldest = typeof e.details?.oldestDate === 'string' ? e.details.oldestDate : '';
      return p(`err_${code}`, { billDate, oldestDate: oldest });
    }
  }
  return consoleError(lang, e);
}

export function newIdempotencyKey(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

// Words of the console's payment pages: the withdrawal review queue, deposits and refunds, and the
// daily reconciliation reports. Chinese first.
import { ApiError, type Dictionary, type Lang, translate } from '@fairground/web';

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
  vpayTitle: '小游戏虚拟支付（房卡）',
  vpayHint: '微信虚拟支付的订单：以发货推送或查单确认到账；长时间未确认的订单会被查单后关闭。',
  vpayOff: '未配置虚拟支付。',
  vpayDelivered: '已到账',
  vpayPending: '待确认',
  vpayExpired: '已关闭（未支付）',
  vpayByQuery: '无推送、经查单到账',
  vpayOverdue: '超时未确认',
  vpayOrders: '{n} 笔 · {cards} 张房卡 · {amount}',
  vpayOrderNo: '订单号',
  vpayStatus: '状态',
  vpayPushes: '推送',
  vpayQueries: '查单',
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
  vpayTitle: 'Mini-game virtual payment (room cards)',
  vpayHint:
    'WeChat virtual-payment orders: confirmed by the delivery push or by a query; orders unconfirmed for long are queried, then closed.',
  vpayOff: 'Virtual payment is not configured.',
  vpayDelivered: 'Delivered',
  vpayPending: 'Pending',
  vpayExpired: 'Closed (unpaid)',
  vpayByQuery: 'Delivered by query, no push',
  vpayOverdue: 'Pending past the query window',
  vpayOrders: '{n} orders · {cards} room cards · {amount}',
  vpayOrderNo: 'Order',
  vpayStatus: 'State',
  vpayPushes: 'Pushes',
  vpayQueries: 'Queries',
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
  err_PAYMENT_BILL_TOO_OLD:
    'WeChat Pay keeps bills for three months only: {billDate} can no longer be reconciled against its bills (the oldest day is {oldestDate})',
  err_PAYMENT_BILL_NOT_READY: 'The bills of {billDate} are not out yet; reconcile after 10:00 the next day',
  err_PAYMENT_BILL_DATE_INVALID: 'Only days that have ended can be reconciled',
};

export type PaymentsText = (key: Key, vars?: Record<string, string | number>) => string;

export function paymentsText(lang: Lang): PaymentsText {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}

export function message(e: unknown): string {
  return e instanceof ApiError ? `${e.code}: ${e.message}` : String(e);
}

const RECONCILIATION_CODES = ['PAYMENT_BILL_TOO_OLD', 'PAYMENT_BILL_NOT_READY', 'PAYMENT_BILL_DATE_INVALID'] as const;

/** A reconciliation refusal in the console's language (its code stays visible), else the plain message. */
export function reconciliationError(p: PaymentsText, e: unknown, billDate: string): string {
  if (e instanceof ApiError) {
    const code = RECONCILIATION_CODES.find((c) => c === e.code);
    if (code !== undefined) {
      const oldest = typeof e.details?.oldestDate === 'string' ? e.details.oldestDate : '';
      return `${p(`err_${code}`, { billDate, oldestDate: oldest })} (${code})`;
    }
  }
  return p('error', { message: message(e) });
}

export function newIdempotencyKey(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

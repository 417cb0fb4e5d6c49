// Words of the deposit, withdrawal and payment-history pages, Chinese first.
import { type Dictionary, type Lang, translate } from '../shared/i18n.ts';
import { yuanToFen } from '../shared/money.ts';

const zh = {
  depositTitle: '充值',
  withdrawTitle: '提现',
  historyTitle: '充值提现记录',
  amountYuan: '金额（元）',
  depositLimits: '单笔 {min} – {max}，今日还可充值 {left}',
  withdrawLimits: '可提现 {available}；单笔 {min} – {max}，今日还可提现 {left}（{count}/{countMax} 次）',
  withdrawNow: '现在最多可提现 {max}',
  wageringLeft: '你有未完成流水的赠金（还差 {amount}），完成后才能提现',
  cannotWithdrawNow: '现在不能提现',
  providerDown: '微信支付暂时不可用，请稍后再试',
  payWechat: '微信支付',
  submitWithdraw: '提现到微信零钱',
  amountInvalid: '请输入正确的金额（最多两位小数）',
  depositOwnLimit: '你自己设定的充值限额为 {max}，已用 {used}。',
  changeOwnLimit: '修改限额',
  amountOverLeft: '{reason}：现在最多还可充值 {left}。',
  nothingLeft: '现在不能再充值：{reason}。',
  amountOutOfRange: '金额须在 {min} 到 {max} 之间',
  creatingOrder: '正在创建订单…',
  goPay: '去支付',
  waitingPayment: '等待支付结果…',
  depositPaid: '充值成功，已到账 {amount}',
  depositClosed: '订单已关闭，未扣款',
  depositFailed: '订单创建失败（{code}）',
  balanceNow: '当前余额 {amount}',
  scanToPay: '请用微信扫码支付：',
  state_review: '等待人工审核',
  state_submitting: '提交中',
  state_awaiting_confirmation: '请确认收款',
  state_processing: '处理中',
  state_succeeded: '已到账',
  state_failed: '未成功，资金已退回',
  state_rejected: '审核未通过，资金已退回',
  state_cancelled: '已取消，资金已退回',
  dstate_creating: '创建中',
  dstate_open: '待支付',
  dstate_paid: '已到账',
  dstate_closing: '关闭中',
  dstate_closed: '已关闭',
  dstate_failed: '失败',
  dstate_over_limit: '超限退款',
  depositOverLimit: '这笔充值超出了你的充值限额，{amount} 已全额原路退回',
  deny_SELF_DEPOSIT_LIMIT: '超出你自己设置的充值限额（未支付的订单也计入）',
  deny_DEPOSIT_DAILY_LIMIT: '超出每日充值上限（未支付的订单也计入）',
  deny_DEPOSIT_MONTHLY_LIMIT: '超出每月充值上限（未支付的订单也计入）',
  deny_DEPOSIT_TRANSACTION_LIMIT: '超出单笔充值上限',
  deny_PAYMENT_DAILY_LIMIT_REACHED: '今日充值已达上限（未支付的订单也计入）',
  confirmReceipt: '确认收款',
  confirmHint: '微信会请你确认收款，确认后资金进入微信零钱（24 小时内有效）',
  withdrawalOf: '提现 {amount}',
  depositOf: '充值 {amount}',
  refunded: '已退款 {amount}',
  noPayments: '暂无记录',
  toDeposit: '充值',
  toWithdraw: '提现',
  toHistory: '记录',
  back: '返回钱包',
  error: '出错了：{message}',
};
type Key = keyof typeof zh;

const en: Dictionary<Key> = {
  depositTitle: 'Deposit',
  withdrawTitle: 'Withdraw',
  historyTitle: 'Deposits and withdrawals',
  amountYuan: 'Amount (yuan)',
  depositLimits: '{min} – {max} each; {left} left today',
  withdrawLimits: '{available} available; {min} – {max} each, {left} left today ({count}/{countMax} today)',
  withdrawNow: 'You can withdraw up to {max} now',
  wageringLeft: 'A bonus still needs {amount} of play before you can withdraw',
  cannotWithdrawNow: 'You cannot withdraw right now',
  providerDown: 'WeChat Pay is unavailable right now; try again in a few minutes',
  payWechat: 'Pay with WeChat',
  submitWithdraw: 'Withdraw to WeChat balance',
  amountInvalid: 'Enter an amount with at most two decimals',
  depositOwnLimit: 'Your own deposit limit is {max}; {used} of it is used.',
  changeOwnLimit: 'Change the limit',
  amountOverLeft: '{reason}: you can deposit at most {left} now.',
  nothingLeft: 'No more deposits for now: {reason}.',
  amountOutOfRange: 'The amount must be between {min} and {max}',
  creatingOrder: 'Creating the order…',
  goPay: 'Pay now',
  waitingPayment: 'Waiting for the payment…',
  depositPaid: 'Paid: {amount} is in your wallet',
  depositClosed: 'The order was closed; nothing was charged',
  depositFailed: 'The order could not be made ({code})',
  balanceNow: 'Balance {amount}',
  scanToPay: 'Scan with WeChat to pay:',
  state_review: 'Waiting for review',
  state_submitting: 'Submitting',
  state_awaiting_confirmation: 'Confirm receipt',
  state_processing: 'Processing',
  state_succeeded: 'Paid out',
  state_failed: 'Failed; the money is back in your wallet',
  state_rejected: 'Not approved; the money is back in your wallet',
  state_cancelled: 'Cancelled; the money is back in your wallet',
  dstate_creating: 'Creating',
  dstate_open: 'Waiting for payment',
  dstate_paid: 'Credited',
  dstate_closing: 'Closing',
  dstate_closed: 'Closed',
  dstate_failed: 'Failed',
  dstate_over_limit: 'Refunded: over your limit',
  depositOverLimit: 'This deposit went over your deposit limit: all {amount} is going back to where you paid from',
  deny_SELF_DEPOSIT_LIMIT: 'This would go over your own deposit limit (unpaid orders count too)',
  deny_DEPOSIT_DAILY_LIMIT: 'This would go over the daily deposit limit (unpaid orders count too)',
  deny_DEPOSIT_MONTHLY_LIMIT: 'This would go over the monthly deposit limit (unpaid orders count too)',
  deny_DEPOSIT_TRANSACTION_LIMIT: 'This is more than one deposit may be',
  deny_PAYMENT_DAILY_LIMIT_REACHED: 'Today’s deposits have reached the limit (unpaid orders count too)',
  confirmReceipt: 'Confirm receipt',
  confirmHint: 'WeChat asks you to confirm; the money then goes to your WeChat balance (within 24 hours)',
  withdrawalOf: 'Withdrawal {amount}',
  depositOf: 'Deposit {amount}',
  refunded: 'refunded {amount}',
  noPayments: 'Nothing yet',
  toDeposit: 'Deposit',
  toWithdraw: 'Withdraw',
  toHistory: 'History',
  back: 'Back to wallet',
  error: 'Something went wrong: {message}',
};

export type PaymentsText = (key: Key, vars?: Record<string, string | number>) => string;

export function paymentsText(lang: Lang): PaymentsText {
  return (key, vars) => translate({ zh, en }, lang, key, vars);
}

const DEPOSIT_REFUSALS = [
  'SELF_DEPOSIT_LIMIT',
  'DEPOSIT_DAILY_LIMIT',
  'DEPOSIT_MONTHLY_LIMIT',
  'DEPOSIT_TRANSACTION_LIMIT',
  'PAYMENT_DAILY_LIMIT_REACHED',
] as const;

/** A refused deposit in the player's language when it is one of the limits, else null. */
export function depositRefusal(p: PaymentsText, code: string, details: Record<string, unknown> | undefined): string | null {
  const reason = code === 'COMPLIANCE_DENIED' && typeof details?.reason === 'string' ? details.reason : code;
  const known = DEPOSIT_REFUSALS.find((c) => c === reason);
  return known === undefined ? null : p(`deny_${known}`);
}

/** The query part of a hash route: `#/deposit?order=D1` → `order=D1`. */
export function hashQuery(): URLSearchParams {
  const i = location.hash.indexOf('?');
  return new URLSearchParams(i < 0 ? '' : location.hash.slice(i + 1));
}

/** A fresh key per intended payment: a retried submit of the same attempt sends the same key. */
export function newIdempotencyKey(prefix: string): string {
  const bytes = new Uint8Array(12);
  crypto.getRandomValues(bytes);
  return `${prefix}-${Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')}`;
}

/** True inside WeChat's browser, where WeixinJSBridge pays and confirms transfers. */
export function insideWechat(): boolean {
  return /MicroMessenger/i.test(navigator.userAgent) && typeof (globalThis as { WeixinJSBridge?: unknown }).WeixinJSBridge === 'object';
}

export function invokeBridge(name: string, params: object): Promise<string> {
  const bridge = (globalThis as { WeixinJSBridge?: { invoke(n: string, p: object, cb: (r: { err_msg?: string }) => void): void } })
    .WeixinJSBridge;
  return new Promise((resolve) => bridge?.invoke(name, params, (r) => resolve(r.err_msg ?? '')));
}

/** Where the cashier or the confirmation page sends the player back to. */
export function backHere(route: string): string {
  return `${location.origin}${location.pathname}#/${route}`;
}

export function withParam(url: string, name: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(name, value);
  return u.toString();
}

/** Why a deposit limit stops the player (words for the limit's reason code), or null for a code with no words yet. */
export function limitReason(p: PaymentsText, code: string): string | null {
  const known = DEPOSIT_REFUSALS.find((c) => c === code);
  return known === undefined ? null : p(`deny_${known}`);
}

/**
 * An amount the player typed, checked before anything is sent: its form, then the range the server
 * will hold it to. Null when it is fine; the sentence to show otherwise.
 */
export function amountProblem(
  p: PaymentsText,
  text: string,
  range: { minFen: number; maxFen: number },
  formatFen: (fen: number) => string,
): string | null {
  const fen = yuanToFen(text);
  if (fen === null || fen <= 0) return p('amountInvalid');
  if (fen < range.minFen || fen > range.maxFen)
    return p('amountOutOfRange', { min: formatFen(range.minFen), max: formatFen(range.maxFen) });
  return null;
}

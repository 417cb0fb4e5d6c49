// What the payments domain needs from outside, in its own terms: a payment provider (WeChat Pay
// v3 first, behind `wechatpay/provider.ts`), a risk assessment and the wagering left on bonuses.
// Provider failures are classified once, here, by what they mean for our next step — not by
// the provider's own codes, which only the adapter knows.
import type { Tx } from '../storage/ports.ts';

export type DepositChannel = 'jsapi' | 'h5' | 'native';

/** What the player's client needs to pay: the in-WeChat parameter set, a cashier URL, or a QR code text. */
export type ClientParams =
  | {
      readonly kind: 'jsapi';
      readonly appId: string;
      readonly timeStamp: string;
      readonly nonceStr: string;
      readonly package: string;
      readonly signType: string;
      readonly paySign: string;
    }
  | { readonly kind: 'h5'; readonly h5Url: string }
  | { readonly kind: 'native'; readonly codeUrl: string };

export interface ProviderOrderInput {
  /** Our order number (WeChat's out_trade_no). */
  readonly orderNo: string;
  readonly amountFen: number;
  readonly description: string;
  readonly channel: DepositChannel;
  /** Required for `jsapi`: the payer's openid under the provider's app. */
  readonly payerOpenid?: string;
  readonly payerClientIp: string;
  readonly expiresAtMs: number;
  readonly notifyUrl: string;
}

/** An order as the provider sees it. */
export interface ProviderOrder {
  readonly orderNo: string;
  /** `paid` includes orders refunded since. */
  readonly state: 'unpaid' | 'paid' | 'closed' | 'failed';
  readonly providerState: string;
  readonly transactionId: string | undefined;
  readonly amountFen: number;
  readonly appId: string;
  readonly merchantId: string;
  readonly paidAtMs: number | undefined;
  /** The WeChat account that paid (the notification's `payer.openid`), when the provider says. */
  readonly payerOpenid?: string | undefined;
}

export interface TransferReportInfo {
  readonly infoType: string;
  readonly infoContent: string;
}

export interface ProviderTransferInput {
  /** Our withdrawal id (WeChat's out_bill_no): digits and letters only. */
  readonly billNo: string;
  readonly amountFen: number;
  readonly openid: string;
  readonly remark: string;
  readonly sceneId: string;
  readonly reportInfos: readonly TransferReportInfo[];
  readonly userRecvPerception: string | undefined;
  readonly notifyUrl: string;
}

export type ProviderTransferState =
  | 'accepted'
  | 'processing'
  | 'wait_user_confirm'
  | 'transferring'
  | 'success'
  | 'fail'
  | 'canceling'
  | 'cancelled';

export interface ProviderTransfer {
  readonly billNo: string;
  readonly providerBillNo: string;
  readonly state: ProviderTransferState;
  readonly providerState: string;
  /** Only while waiting for the payee: what the confirmation page needs. */
  readonly packageInfo: string | undefined;
  readonly failReason: string | undefined;
  readonly amountFen: number | undefined;
  readonly createdAtMs: number | undefined;
  readonly updatedAtMs: number | undefined;
}

export interface ProviderRefundInput {
  /** Our refund id (WeChat's out_refund_no). */
  readonly refundNo: string;
  readonly orderNo: string;
  readonly amountFen: number;
  readonly orderTotalFen: number;
  readonly reason: string;
  readonly notifyUrl: string;
}

export interface ProviderRefund {
  readonly refundNo: string;
  readonly providerRefundId: string;
  /** `abnormal` is not final: the provider asks the merchant to act; we keep asking. */
  readonly state: 'processing' | 'success' | 'closed' | 'abnormal';
  readonly providerState: string;
  readonly orderNo: string;
  readonly amountFen: number;
  readonly createdAtMs: number | undefined;
  readonly succeededAtMs: number | undefined;
}

/** What the payee's WeChat needs to confirm a transfer (`wx.requestMerchantTransfer`). */
export interface TransferConfirmation {
  readonly mchId: string;
  readonly appId: string;
  readonly package: string;
  readonly openId: string;
  /** The sandbox's confirmation page (development only); real WeChat shows its own. */
  readonly pageUrl: string | undefined;
}

export type ProviderNotification =
  | { readonly kind: 'payment'; readonly eventId: string; readonly order: ProviderOrder }
  | { readonly kind: 'refund'; readonly eventId: string; readonly refund: ProviderRefund }
  | { readonly kind: 'transfer'; readonly eventId: string; readonly transfer: ProviderTransfer }
  | { readonly kind: 'other'; readonly eventId: string; readonly eventType: string };

export interface TradeBillLine {
  readonly kind: 'payment' | 'refund';
  /**
   * The line's 交易时间: when the payment succeeded or, on a refund line, when the refund was made
   * (not when it succeeded); null when the bill's time cannot be read.
   */
  readonly atMs: number | null;
  readonly orderNo: string;
  readonly transactionId: string;
  readonly appId: string;
  readonly merchantId: string;
  /** Payment lines: the amount paid. Refund lines: the amount refunded. */
  readonly amountFen: number;
  readonly refundNo: string | undefined;
  readonly refundState: string | undefined;
  /** Thousandths of a fen (negative on refunds). */
  readonly feeMilliFen: number;
}

export interface FundFlowLine {
  readonly account: 'BASIC' | 'OPERATION';
  readonly businessNo: string;
  /** The provider's business type, e.g. 交易, 退款, 商家转账, 商家转账退回, 扣除交易手续费. */
  readonly businessType: string;
  readonly direction: 'in' | 'out';
  readonly amountFen: number;
  /** Our number: out_trade_no, out_refund_no or out_bill_no. */
  readonly voucherNo: string;
}

/** The classes of provider failure, by what we must do next. */
export type ProviderFailure =
  /** The call may have taken effect: ask (query) before deciding anything. */
  | 'unclear'
  /** Nothing happened and retrying the same request later may succeed (merchant balance low, rate limit before acting). */
  | 'retry_later'
  /** Nothing happened and the same request will keep failing. */
  | 'rejected'
  | 'not_found'
  | 'already_paid'
  | 'order_closed'
  /** Bills of that day are not published yet. */
  | 'not_ready';

export class ProviderError extends Error {
  readonly failure: ProviderFailure;
  /** The provider's own code (SYSTEM_ERROR, NOT_ENOUGH, …) or our transport label (TIMEOUT). */
  readonly providerCode: string;
  constructor(failure: ProviderFailure, providerCode: string, message?: string) {
    super(message ?? `${failure}: ${providerCode}`);
    this.name = 'ProviderError';
    this.failure = failure;
    this.providerCode = providerCode;
  }
}

/** Thrown by `parseNotification`: the HTTP status and body to answer so the provider retries. */
export class NotificationRejected extends Error {
  readonly status: number;
  readonly body: unknown;
  readonly reason: string;
  constructor(status: number, body: unknown, reason: string) {
    super(`notification rejected: ${reason}`);
    this.name = 'NotificationRejected';
    this.status = status;
    this.body = body;
    this.reason = reason;
  }
}

export interface PaymentProvider {
  readonly name: string;
  readonly merchantId: string;
  /** The app orders and transfers are made under; payers' openids must belong to it. */
  readonly appId: string;
  createOrder(input: ProviderOrderInput): Promise<ClientParams>;
  queryOrder(orderNo: string): Promise<ProviderOrder>;
  /** Resolves when closed (or already closed); throws `already_paid` if it was paid. */
  closeOrder(orderNo: string): Promise<void>;
  createTransfer(input: ProviderTransferInput): Promise<ProviderTransfer>;
  queryTransfer(billNo: string): Promise<ProviderTransfer>;
  cancelTransfer(billNo: string): Promise<ProviderTransfer | null>;
  createRefund(input: ProviderRefundInput): Promise<ProviderRefund>;
  queryRefund(refundNo: string): Promise<ProviderRefund>;
  transferConfirmation(packageInfo: string, openid: string): TransferConfirmation;
  /** Verifies and decrypts a notification from the raw bytes; throws `NotificationRejected`. */
  parseNotification(headers: Readonly<Record<string, string | string[] | undefined>>, rawBody: Uint8Array): ProviderNotification;
  /** One Beijing day's trade bill (every line), `[]` when the provider has none for that day. */
  tradeBill(billDate: string): Promise<TradeBillLine[]>;
  fundFlowBill(billDate: string, account: 'BASIC' | 'OPERATION'): Promise<FundFlowLine[]>;
}

export type RiskDecision =
  | { readonly action: 'allow' }
  | { readonly action: 'review'; readonly reasons: readonly string[] }
  | { readonly action: 'deny'; readonly reasons: readonly string[] };

/** The risk domain's view of a withdrawal (it fills this in later; the default only applies a review threshold). */
/**
 * Who pays and who is paid: the WeChat account behind each paid deposit and each payout, reported
 * in the unit that records it (the risk domain links accounts that pay for, or are paid to, one
 * WeChat account).
 */
export interface PaymentAccountsPort {
  seen(
    tx: Tx,
    s: { readonly playerId: string; readonly appId: string; readonly openid: string; readonly role: 'payer' | 'payout' },
  ): Promise<void>;
}

export interface RiskPort {
  assessWithdrawal(input: { readonly playerId: string; readonly amountFen: number; readonly nowMs: number }): Promise<RiskDecision>;
  /**
   * An operator decided a withdrawal in review (inside the decision's unit of work), so the case the
   * assessment opened for it is decided too and does not wait in the case queue for a second look.
   */
  withdrawalDecided(
    tx: Tx,
    input: {
      readonly playerId: string;
      readonly withdrawalId: string;
      readonly amountFen: number;
      /** When the withdrawal was asked for: its case was opened at or before this instant. */
      readonly createdAtMs: number;
      readonly decision: 'approve' | 'reject';
      readonly operator: { readonly id: string; readonly username: string };
      readonly note: string;
    },
  ): Promise<void>;
}

/** One limit on a player's deposits or withdrawals, set outside payments (the compliance policy, the player themself). */
export interface AmountLimit {
  /** The reason code a refusal carries (SELF_DEPOSIT_LIMIT, DEPOSIT_DAILY_LIMIT, WITHDRAWAL_DAILY_LIMIT, MINOR_MONTHLY_CAP, …). */
  readonly code: string;
  /** What the player is told, in the policy's words. */
  readonly message: string;
  /** Amounts since this instant count against the limit (the local day or month start); null: one request alone. */
  readonly sinceMs: number | null;
  readonly maxFen: number;
}

/** A deposit limit (kept as its own name where only deposits are meant). */
export type DepositLimit = AmountLimit;

/** The limits on one player's money now, and the policy that sets them (`name@version`). */
export interface PlayerLimits {
  readonly policy: string;
  readonly limits: readonly AmountLimit[];
}

/**
 * Compliance's limits on a player's deposits and withdrawals. Payments counts what they cover
 * itself, inside the units that take the money: open orders count when ordering, deposits are
 * checked again when money arrives, withdrawals when their hold is placed.
 */
export interface PlayerLimitsPort {
  deposits(playerId: string, nowMs: number): Promise<PlayerLimits>;
  withdrawals(playerId: string, nowMs: number): Promise<PlayerLimits>;
}

/** No limits beyond payments' own settings (tests of payments alone). */
export const noPlayerLimits: PlayerLimitsPort = {
  async deposits() {
    return { policy: 'none', limits: [] };
  },
  async withdrawals() {
    return { policy: 'none', limits: [] };
  },
};

/** Wagering left on a player's active bonuses (the bonus domain fills this in later). */
export interface WageringPort {
  outstandingWageringFen(playerId: string): Promise<number>;
}

/** A permissive risk port: every withdrawal at or above `reviewFromFen` waits for an operator. */
export function thresholdRisk(reviewFromFen: number): RiskPort {
  return {
    async assessWithdrawal({ amountFen }) {
      return amountFen >= reviewFromFen ? { action: 'review', reasons: [`amount at or above ${reviewFromFen} fen`] } : { action: 'allow' };
    },
    // This port opens no cases, so a decision has none to close.
    async withdrawalDecided() {},
  };
}

export const noWagering: WageringPort = {
  async outstandingWageringFen() {
    return 0;
  },
};

// The records the sandbox keeps, in WeChat Pay's own terms. Amounts are integer fen.

export type TradeType = 'JSAPI' | 'MWEB' | 'NATIVE';
export type TradeState = 'NOTPAY' | 'SUCCESS' | 'REFUND' | 'CLOSED';

export interface Order {
  outTradeNo: string;
  appid: string;
  mchid: string;
  tradeType: TradeType;
  description: string;
  attach: string | undefined;
  notifyUrl: string;
  totalFen: number;
  payerOpenid: string | undefined;
  profitSharing: boolean;
  /** Canonical JSON of the creating request minus time_expire: re-entry must repeat it exactly. */
  fingerprint: string;
  createMs: number;
  expireMs: number;
  state: TradeState;
  prepayId: string;
  prepayIssuedMs: number;
  /** Native: the pr token of code_url. */
  codeToken: string | undefined;
  transactionId: string | undefined;
  successMs: number | undefined;
  paidOpenid: string | undefined;
  closedMs: number | undefined;
  /** The payer opened the cashier and cancelled (the order stays NOTPAY). */
  userCancelled: boolean;
  /** Fault: this order is paid just after it expires. */
  paidAfterExpiry: boolean;
  refundedFen: number;
  refundCount: number;
  lastRefundRequestMs: number | undefined;
  /** Profit sharing: amount still frozen and shareable. */
  unsplitFen: number;
}

export type RefundStatus = 'PROCESSING' | 'SUCCESS' | 'CLOSED' | 'ABNORMAL';

export interface Refund {
  refundId: string;
  outRefundNo: string;
  outTradeNo: string;
  transactionId: string;
  reason: string | undefined;
  notifyUrl: string | undefined;
  fundsAccount: string | undefined;
  refundFen: number;
  totalFen: number;
  /** The part of the order's fee given back with this refund. */
  feeRefundFen: number;
  createMs: number;
  successMs: number | undefined;
  status: RefundStatus;
}

export type TransferState =
  | 'ACCEPTED'
  | 'PROCESSING'
  | 'WAIT_USER_CONFIRM'
  | 'TRANSFERING'
  | 'SUCCESS'
  | 'FAIL'
  | 'CANCELING'
  | 'CANCELLED';

export interface TransferBill {
  outBillNo: string;
  transferBillNo: string;
  appid: string;
  openid: string;
  /** Decrypted payee name, if the merchant sent one. */
  userName: string | undefined;
  amountFen: number;
  remark: string;
  notifyUrl: string | undefined;
  perception: string | undefined;
  sceneId: string;
  reportInfos: { info_type: string; info_content: string }[];
  fingerprint: string;
  createMs: number;
  updateMs: number;
  state: TransferState;
  failReason: string | undefined;
  packageInfo: string;
  /** Fault: the payee never presses "confirm". */
  neverConfirm: boolean;
  /** Whether the operation account has been debited (and not yet given back). */
  fundsLocked: boolean;
}

export interface SharingReceiverDetail {
  type: string;
  account: string;
  amountFen: number;
  description: string;
  result: 'PENDING' | 'SUCCESS' | 'CLOSED';
  failReason: string | undefined;
  createMs: number;
  finishMs: number | undefined;
  detailId: string;
  returnedFen: number;
}

export interface SharingOrder {
  orderId: string;
  outOrderNo: string;
  transactionId: string;
  state: 'PROCESSING' | 'FINISHED';
  receivers: SharingReceiverDetail[];
  unfreezeUnsplit: boolean;
  /** An unfreeze request rather than a split. */
  isUnfreeze: boolean;
  fingerprint: string;
  createMs: number;
}

export interface SharingReturn {
  returnId: string;
  orderId: string;
  outOrderNo: string;
  outReturnNo: string;
  returnMchid: string;
  amountFen: number;
  description: string;
  result: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  failReason: string | undefined;
  createMs: number;
  finishMs: number | undefined;
}

export interface SharingReceiver {
  type: string;
  account: string;
  name: string | undefined;
  relationType: string;
  customRelation: string | undefined;
}

/** Limits on what one sandbox holds; a test or dev session never comes close. */
export const ORDERS_MAX = 100_000;
export const REFUNDS_MAX = 100_000;
export const TRANSFERS_MAX = 100_000;
export const SHARING_ORDERS_MAX = 100_000;
export const SHARING_RECEIVERS_MAX = 20_000;
export const BILL_FILES_MAX = 1000;
export const REQUEST_BODY_MAX_BYTES = 1 << 20;

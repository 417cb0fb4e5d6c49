// Typed resources WeChat Pay answers with, in our naming (camelCase, amounts as `…Fen`), and the
// readers that check each field as it comes off the wire. Every type keeps `raw` (the verified JSON)
// so a field WeChat adds later is not lost.
import type { Fen } from '@fairground/core';
import { Fields, type JsonObject } from './fields.ts';

/** How many promotion, receiver or refund-source entries we accept in one answer. */
const LIST_ITEMS_MAX = 100;

export const TRADE_STATES = ['SUCCESS', 'REFUND', 'NOTPAY', 'CLOSED', 'REVOKED', 'USERPAYING', 'PAYERROR', 'ACCEPT'] as const;
export type TradeState = (typeof TRADE_STATES)[number];
export const TRADE_TYPES = ['JSAPI', 'NATIVE', 'APP', 'MICROPAY', 'MWEB', 'FACEPAY'] as const;
export type TradeType = (typeof TRADE_TYPES)[number];

export interface PromotionDetail {
  readonly couponId: string;
  readonly name: string | undefined;
  readonly scope: string | undefined;
  readonly type: string | undefined;
  readonly amountFen: Fen;
  readonly stockId: string | undefined;
  readonly wechatpayContributeFen: Fen | undefined;
  readonly merchantContributeFen: Fen | undefined;
  readonly otherContributeFen: Fen | undefined;
  readonly currency: string | undefined;
}

/** An order as `GET /v3/pay/transactions/…` and the TRANSACTION.SUCCESS notification describe it. */
export interface Transaction {
  readonly appid: string;
  readonly mchid: string;
  readonly outTradeNo: string;
  /** Present once paid. */
  readonly transactionId: string | undefined;
  readonly tradeType: TradeType | undefined;
  readonly tradeState: TradeState;
  readonly tradeStateDesc: string | undefined;
  readonly bankType: string | undefined;
  readonly attach: string | undefined;
  /** RFC 3339, present once paid. */
  readonly successTime: string | undefined;
  readonly payerOpenid: string | undefined;
  readonly amount: {
    readonly totalFen: Fen;
    readonly payerTotalFen: Fen | undefined;
    readonly currency: string | undefined;
    readonly payerCurrency: string | undefined;
  };
  readonly promotionDetail: readonly PromotionDetail[];
  readonly raw: JsonObject;
}

export function readTransaction(value: unknown, where = 'transaction'): Transaction {
  const f = new Fields(value, where);
  const amount = f.obj('amount');
  return {
    appid: f.str('appid'),
    mchid: f.str('mchid'),
    outTradeNo: f.str('out_trade_no'),
    transactionId: f.optStr('transaction_id') || undefined,
    tradeType: f.optOneOf('trade_type', TRADE_TYPES) || undefined,
    tradeState: f.oneOf('trade_state', TRADE_STATES),
    tradeStateDesc: f.optStr('trade_state_desc'),
    bankType: f.optStr('bank_type') || undefined,
    attach: f.optStr('attach'),
    successTime: f.optStr('success_time') || undefined,
    payerOpenid: f.optObj('payer')?.optStr('openid'),
    amount: {
      totalFen: amount.fen('total'),
      payerTotalFen: amount.optFen('payer_total'),
      currency: amount.optStr('currency'),
      payerCurrency: amount.optStr('payer_currency'),
    },
    promotionDetail: f.list('promotion_detail', LIST_ITEMS_MAX).map((p) => ({
      couponId: p.str('coupon_id'),
      name: p.optStr('name'),
      scope: p.optStr('scope'),
      type: p.optStr('type'),
      amountFen: p.fen('amount'),
      stockId: p.optStr('stock_id'),
      wechatpayContributeFen: p.optFen('wechatpay_contribute'),
      merchantContributeFen: p.optFen('merchant_contribute'),
      otherContributeFen: p.optFen('other_contribute'),
      currency: p.optStr('currency'),
    })),
    raw: f.raw,
  };
}

export const REFUND_STATUSES = ['SUCCESS', 'CLOSED', 'PROCESSING', 'ABNORMAL'] as const;
export type RefundStatus = (typeof REFUND_STATUSES)[number];
export const REFUND_CHANNELS = ['ORIGINAL', 'BALANCE', 'OTHER_BALANCE', 'OTHER_BANKCARD'] as const;
export type RefundChannel = (typeof REFUND_CHANNELS)[number];

export interface Refund {
  readonly refundId: string;
  readonly outRefundNo: string;
  readonly transactionId: string;
  readonly outTradeNo: string;
  readonly channel: RefundChannel | undefined;
  readonly userReceivedAccount: string | undefined;
  readonly successTime: string | undefined;
  readonly createTime: string | undefined;
  readonly status: RefundStatus;
  readonly fundsAccount: string | undefined;
  readonly amount: {
    readonly totalFen: Fen;
    readonly refundFen: Fen;
    readonly payerTotalFen: Fen | undefined;
    readonly payerRefundFen: Fen | undefined;
    readonly settlementRefundFen: Fen | undefined;
    readonly settlementTotalFen: Fen | undefined;
    readonly discountRefundFen: Fen | undefined;
    readonly refundFeeFen: Fen | undefined;
    readonly currency: string | undefined;
    readonly from: readonly { readonly account: string; readonly amountFen: Fen }[];
  };
  readonly raw: JsonObject;
}

export function readRefund(value: unknown, where = 'refund'): Refund {
  const f = new Fields(value, where);
  const a = f.obj('amount');
  return {
    refundId: f.str('refund_id'),
    outRefundNo: f.str('out_refund_no'),
    transactionId: f.str('transaction_id'),
    outTradeNo: f.str('out_trade_no'),
    channel: f.optOneOf('channel', REFUND_CHANNELS),
    userReceivedAccount: f.optStr('user_received_account'),
    successTime: f.optStr('success_time') || undefined,
    createTime: f.optStr('create_time'),
    status: f.oneOf('status', REFUND_STATUSES),
    fundsAccount: f.optStr('funds_account'),
    amount: {
      totalFen: a.fen('total'),
      refundFen: a.fen('refund'),
      payerTotalFen: a.optFen('payer_total'),
      payerRefundFen: a.optFen('payer_refund'),
      settlementRefundFen: a.optFen('settlement_refund'),
      settlementTotalFen: a.optFen('settlement_total'),
      discountRefundFen: a.optFen('discount_refund'),
      refundFeeFen: a.optFen('refund_fee'),
      currency: a.optStr('currency'),
      from: a.list('from', LIST_ITEMS_MAX).map((s) => ({ account: s.str('account'), amountFen: s.fen('amount') })),
    },
    raw: f.raw,
  };
}

/** The decrypted resource of REFUND.SUCCESS / REFUND.ABNORMAL / REFUND.CLOSED. */
export interface RefundNotice {
  readonly mchid: string;
  readonly outTradeNo: string;
  readonly transactionId: string;
  readonly outRefundNo: string;
  readonly refundId: string;
  readonly refundStatus: RefundStatus;
  readonly successTime: string | undefined;
  readonly userReceivedAccount: string | undefined;
  readonly amount: {
    readonly totalFen: Fen;
    readonly refundFen: Fen;
    readonly payerTotalFen: Fen | undefined;
    readonly payerRefundFen: Fen | undefined;
  };
  readonly raw: JsonObject;
}

export function readRefundNotice(value: unknown, where = 'refund'): RefundNotice {
  const f = new Fields(value, where);
  const a = f.obj('amount');
  return {
    mchid: f.str('mchid'),
    outTradeNo: f.str('out_trade_no'),
    transactionId: f.str('transaction_id'),
    outRefundNo: f.str('out_refund_no'),
    refundId: f.str('refund_id'),
    refundStatus: f.oneOf('refund_status', REFUND_STATUSES),
    successTime: f.optStr('success_time') || undefined,
    userReceivedAccount: f.optStr('user_received_account'),
    amount: {
      totalFen: a.fen('total'),
      refundFen: a.fen('refund'),
      payerTotalFen: a.optFen('payer_total'),
      payerRefundFen: a.optFen('payer_refund'),
    },
    raw: f.raw,
  };
}

export const TRANSFER_BILL_STATES = [
  'ACCEPTED',
  'PROCESSING',
  'WAIT_USER_CONFIRM',
  'TRANSFERING',
  'SUCCESS',
  'FAIL',
  'CANCELING',
  'CANCELLED',
] as const;
export type TransferBillState = (typeof TRANSFER_BILL_STATES)[number];

/** The answer to creating a transfer bill. */
export interface TransferBillCreated {
  readonly outBillNo: string;
  readonly transferBillNo: string;
  readonly createTime: string;
  readonly state: TransferBillState;
  readonly failReason: string | undefined;
  /** Only when `state` is WAIT_USER_CONFIRM: pass to `wx.requestMerchantTransfer` as `package`. */
  readonly packageInfo: string | undefined;
  readonly raw: JsonObject;
}

export function readTransferBillCreated(value: unknown): TransferBillCreated {
  const f = new Fields(value, 'transfer_bill');
  return {
    outBillNo: f.str('out_bill_no'),
    transferBillNo: f.str('transfer_bill_no'),
    createTime: f.str('create_time'),
    state: f.oneOf('state', TRANSFER_BILL_STATES),
    failReason: f.optStr('fail_reason') || undefined,
    packageInfo: f.optStr('package_info') || undefined,
    raw: f.raw,
  };
}

/** A transfer bill as the query endpoints describe it (note WeChat's `mch_id` spelling here). */
export interface TransferBill {
  readonly mchId: string;
  readonly outBillNo: string;
  readonly transferBillNo: string;
  readonly appid: string;
  readonly state: TransferBillState;
  readonly transferAmountFen: Fen;
  readonly transferRemark: string;
  readonly failReason: string | undefined;
  readonly openid: string;
  /** Encrypted by WeChat Pay with the merchant's key when present; decrypt it with `decryptSensitive` and the merchant's private key. */
  readonly userName: string | undefined;
  readonly createTime: string;
  readonly updateTime: string;
  readonly raw: JsonObject;
}

export function readTransferBill(value: unknown): TransferBill {
  const f = new Fields(value, 'transfer_bill');
  return {
    mchId: f.str('mch_id'),
    outBillNo: f.str('out_bill_no'),
    transferBillNo: f.str('transfer_bill_no'),
    appid: f.str('appid'),
    state: f.oneOf('state', TRANSFER_BILL_STATES),
    transferAmountFen: f.fen('transfer_amount'),
    transferRemark: f.str('transfer_remark'),
    failReason: f.optStr('fail_reason') || undefined,
    openid: f.str('openid'),
    userName: f.optStr('user_name') || undefined,
    createTime: f.str('create_time'),
    updateTime: f.str('update_time'),
    raw: f.raw,
  };
}

export interface TransferBillCancelled {
  readonly outBillNo: string;
  readonly transferBillNo: string;
  readonly state: TransferBillState;
  readonly updateTime: string;
  readonly raw: JsonObject;
}

export function readTransferBillCancelled(value: unknown): TransferBillCancelled {
  const f = new Fields(value, 'transfer_bill');
  return {
    outBillNo: f.str('out_bill_no'),
    transferBillNo: f.str('transfer_bill_no'),
    state: f.oneOf('state', TRANSFER_BILL_STATES),
    updateTime: f.str('update_time'),
    raw: f.raw,
  };
}

/** The decrypted resource of MCHTRANSFER.BILL.FINISHED (sent on SUCCESS, CANCELLED and FAIL). */
export interface TransferBillNotice {
  readonly outBillNo: string;
  readonly transferBillNo: string;
  readonly state: TransferBillState;
  readonly mchId: string;
  readonly transferAmountFen: Fen;
  readonly openid: string;
  readonly failReason: string | undefined;
  readonly createTime: string;
  readonly updateTime: string;
  readonly raw: JsonObject;
}

export function readTransferBillNotice(value: unknown): TransferBillNotice {
  const f = new Fields(value, 'mch_payment');
  return {
    outBillNo: f.str('out_bill_no'),
    transferBillNo: f.str('transfer_bill_no'),
    state: f.oneOf('state', TRANSFER_BILL_STATES),
    mchId: f.str('mch_id'),
    transferAmountFen: f.fen('transfer_amount'),
    openid: f.str('openid'),
    failReason: f.optStr('fail_reason') || undefined,
    createTime: f.str('create_time'),
    updateTime: f.str('update_time'),
    raw: f.raw,
  };
}

export const PROFIT_SHARING_RECEIVER_TYPES = ['MERCHANT_ID', 'PERSONAL_OPENID'] as const;
export type ProfitSharingReceiverType = (typeof PROFIT_SHARING_RECEIVER_TYPES)[number];

export interface ProfitSharingReceiverResult {
  readonly type: ProfitSharingReceiverType;
  readonly account: string;
  readonly amountFen: Fen;
  readonly description: string;
  /** PENDING, SUCCESS or CLOSED. */
  readonly result: 'PENDING' | 'SUCCESS' | 'CLOSED';
  readonly failReason: string | undefined;
  readonly detailId: string;
  readonly createTime: string | undefined;
  readonly finishTime: string | undefined;
}

export interface ProfitSharingOrder {
  readonly transactionId: string;
  readonly outOrderNo: string;
  readonly orderId: string;
  readonly state: 'PROCESSING' | 'FINISHED';
  readonly receivers: readonly ProfitSharingReceiverResult[];
  readonly raw: JsonObject;
}

export function readProfitSharingOrder(value: unknown): ProfitSharingOrder {
  const f = new Fields(value, 'profitsharing_order');
  return {
    transactionId: f.str('transaction_id'),
    outOrderNo: f.str('out_order_no'),
    orderId: f.str('order_id'),
    state: f.oneOf('state', ['PROCESSING', 'FINISHED'] as const),
    receivers: f.list('receivers', LIST_ITEMS_MAX).map((r) => ({
      type: r.oneOf('type', PROFIT_SHARING_RECEIVER_TYPES),
      account: r.str('account'),
      amountFen: r.fen('amount'),
      description: r.str('description'),
      result: r.oneOf('result', ['PENDING', 'SUCCESS', 'CLOSED'] as const),
      failReason: r.optStr('fail_reason') || undefined,
      detailId: r.str('detail_id'),
      createTime: r.optStr('create_time'),
      finishTime: r.optStr('finish_time') || undefined,
    })),
    raw: f.raw,
  };
}

export interface ProfitSharingReturn {
  readonly orderId: string | undefined;
  readonly outOrderNo: string;
  readonly outReturnNo: string;
  readonly returnId: string;
  readonly returnMchid: string;
  readonly amountFen: Fen;
  readonly description: string;
  readonly result: 'PROCESSING' | 'SUCCESS' | 'FAILED';
  readonly failReason: string | undefined;
  readonly createTime: string | undefined;
  readonly finishTime: string | undefined;
  readonly raw: JsonObject;
}

export function readProfitSharingReturn(value: unknown): ProfitSharingReturn {
  const f = new Fields(value, 'profitsharing_return');
  return {
    orderId: f.optStr('order_id'),
    outOrderNo: f.str('out_order_no'),
    outReturnNo: f.str('out_return_no'),
    returnId: f.str('return_id'),
    returnMchid: f.str('return_mchid'),
    amountFen: f.fen('amount'),
    description: f.str('description'),
    result: f.oneOf('result', ['PROCESSING', 'SUCCESS', 'FAILED'] as const),
    failReason: f.optStr('fail_reason') || undefined,
    createTime: f.optStr('create_time'),
    finishTime: f.optStr('finish_time') || undefined,
    raw: f.raw,
  };
}

export interface ProfitSharingReceiver {
  readonly type: ProfitSharingReceiverType;
  readonly account: string;
  readonly name: string | undefined;
  readonly relationType: string;
  readonly customRelation: string | undefined;
  readonly raw: JsonObject;
}

export function readProfitSharingReceiver(value: unknown): ProfitSharingReceiver {
  const f = new Fields(value, 'receiver');
  return {
    type: f.oneOf('type', PROFIT_SHARING_RECEIVER_TYPES),
    account: f.str('account'),
    name: f.optStr('name'),
    relationType: f.str('relation_type'),
    customRelation: f.optStr('custom_relation'),
    raw: f.raw,
  };
}

export interface BillDownloadInfo {
  readonly hashType: string;
  /** Lower-case hex SHA-1 of the uncompressed file. */
  readonly hashValue: string;
  readonly downloadUrl: string;
  readonly raw: JsonObject;
}

export function readBillDownloadInfo(value: unknown): BillDownloadInfo {
  const f = new Fields(value, 'bill');
  return { hashType: f.str('hash_type'), hashValue: f.str('hash_value'), downloadUrl: f.str('download_url'), raw: f.raw };
}

// WeChat Pay API v3 behind the payments port. This file is the only place that knows WeChat's
// state names, error codes and bill columns; everything leaves it in the domain's terms. Each
// failure is classified by what the caller must do next (see ProviderFailure): the client says
// whether the operation may have happened (`outcomeUnknown`) and whether the same request may be
// sent again (`retrySameRequest`); 404s name unknown numbers; ORDERPAID and ORDER_CLOSED say the
// order moved on.
import {
  FUND_FLOW_EXPENSE,
  FUND_FLOW_INCOME,
  notificationAnswer,
  type Refund,
  type Transaction,
  type TransferBill,
  type TransferBillCreated,
  type TransferBillNotice,
  type WechatPayClient,
  WechatPayError,
} from '@fairground/wechatpay';
import { assert, toFen } from '@fairground/core';
import {
  type ClientParams,
  type FundFlowLine,
  NotificationRejected,
  type PaymentProvider,
  type ProviderNotification,
  type ProviderOrder,
  type ProviderRefund,
  ProviderError,
  type ProviderTransfer,
  type ProviderTransferState,
  type TradeBillLine,
} from '../ports.ts';

const BEIJING_OFFSET_MS = 8 * 3600_000;

/** RFC 3339 in Beijing time, as WeChat Pay writes and expects it: `2026-01-15T16:00:00+08:00`. */
export function rfc3339Beijing(ms: number): string {
  return `${new Date(ms + BEIJING_OFFSET_MS).toISOString().slice(0, 19)}+08:00`;
}

/** A bill's `yyyy-MM-dd HH:mm:ss`, which is Beijing time; null when it is not one. */
export function parseBillTime(text: string): number | null {
  const m = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/.exec(text);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}+08:00`);
  return Number.isFinite(ms) ? ms : null;
}

function parseTime(text: string | undefined): number | undefined {
  if (text === undefined || text === '') return undefined;
  const ms = Date.parse(text);
  return Number.isFinite(ms) ? ms : undefined;
}

export function classify(e: unknown): unknown {
  if (!(e instanceof WechatPayError)) return e;
  const code = e.wechatCode ?? e.code;
  if (e.kind === 'api') {
    if (code === 'ORDERPAID') return new ProviderError('already_paid', code, e.message);
    if (code === 'ORDER_CLOSED') return new ProviderError('order_closed', code, e.message);
    if (code === 'STATEMENT_CREATING') return new ProviderError('not_ready', code, e.message);
    if (e.httpStatus === 404) return new ProviderError('not_found', code, e.message);
    if (e.outcomeUnknown) return new ProviderError('unclear', code, e.message);
    if (e.retrySameRequest) return new ProviderError('retry_later', code, e.message);
    return new ProviderError('rejected', code, e.message);
  }
  // No answer, a broken connection, an answer that does not verify or does not parse: it may have happened.
  return new ProviderError('unclear', code, e.message);
}

async function guarded<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (e) {
    throw classify(e);
  }
}

function orderFrom(t: Transaction): ProviderOrder {
  const state =
    t.tradeState === 'SUCCESS' || t.tradeState === 'REFUND'
      ? 'paid'
      : t.tradeState === 'CLOSED' || t.tradeState === 'REVOKED'
        ? 'closed'
        : t.tradeState === 'PAYERROR'
          ? 'failed'
          : 'unpaid';
  return {
    orderNo: t.outTradeNo,
    state,
    providerState: t.tradeState,
    transactionId: t.transactionId,
    amountFen: t.amount.totalFen,
    appId: t.appid,
    merchantId: t.mchid,
    paidAtMs: parseTime(t.successTime),
    payerOpenid: t.payerOpenid,
  };
}

const TRANSFER_STATES: Record<string, ProviderTransferState> = {
  ACCEPTED: 'accepted',
  PROCESSING: 'processing',
  WAIT_USER_CONFIRM: 'wait_user_confirm',
  TRANSFERING: 'transferring',
  SUCCESS: 'success',
  FAIL: 'fail',
  CANCELING: 'canceling',
  CANCELLED: 'cancelled',
};

function transferFrom(b: TransferBillCreated | TransferBill | TransferBillNotice): ProviderTransfer {
  const state = TRANSFER_STATES[b.state];
  if (state === undefined) throw new ProviderError('unclear', `STATE_${b.state}`);
  return {
    billNo: b.outBillNo,
    providerBillNo: b.transferBillNo,
    state,
    providerState: b.state,
    packageInfo: 'packageInfo' in b ? b.packageInfo : undefined,
    failReason: b.failReason,
    amountFen: 'transferAmountFen' in b ? b.transferAmountFen : undefined,
    createdAtMs: parseTime(b.createTime),
    updatedAtMs: 'updateTime' in b ? parseTime(b.updateTime) : undefined,
  };
}

const REFUND_STATES = { PROCESSING: 'processing', SUCCESS: 'success', CLOSED: 'closed', ABNORMAL: 'abnormal' } as const;

function refundFrom(r: Refund): ProviderRefund {
  return {
    refundNo: r.outRefundNo,
    providerRefundId: r.refundId,
    state: REFUND_STATES[r.status],
    providerState: r.status,
    orderNo: r.outTradeNo,
    amountFen: r.amount.refundFen,
    createdAtMs: parseTime(r.createTime),
    succeededAtMs: parseTime(r.successTime),
  };
}

export interface WechatPayProviderOptions {
  /** The sandbox's pages (cashier, transfer confirmation) when the client talks to the sandbox. */
  readonly sandboxPagesUrl?: string;
}

export function wechatPayProvider(client: WechatPayClient, options: WechatPayProviderOptions = {}): PaymentProvider {
  return {
    name: options.sandboxPagesUrl === undefined ? 'wechatpay' : 'wechatpay-sandbox',
    merchantId: client.mchid,
    appId: client.appid,

    createOrder: (input) => createOrderWith(client, input),

    queryOrder: (orderNo) => guarded(async () => orderFrom(await client.queryOrderByOutTradeNo(orderNo))),

    closeOrder: (orderNo) => guarded(() => client.closeOrder(orderNo)),

    createTransfer: (input) =>
      guarded(async () =>
        transferFrom(
          await client.createTransferBill({
            outBillNo: input.billNo,
            transferSceneId: input.sceneId,
            openid: input.openid,
            transferAmountFen: toFen(input.amountFen),
            transferRemark: input.remark,
            notifyUrl: input.notifyUrl,
            ...(input.userRecvPerception !== undefined ? { userRecvPerception: input.userRecvPerception } : {}),
            transferSceneReportInfos: input.reportInfos,
          }),
        ),
      ),

    queryTransfer: (billNo) => guarded(async () => transferFrom(await client.queryTransferBillByOutBillNo(billNo))),

    cancelTransfer: (billNo) => cancelTransferWith(client, billNo),

    createRefund: (input) =>
      guarded(async () =>
        refundFrom(
          await client.createRefund({
            outRefundNo: input.refundNo,
            outTradeNo: input.orderNo,
            reason: input.reason,
            notifyUrl: input.notifyUrl,
            amount: { refundFen: toFen(input.amountFen), totalFen: toFen(input.orderTotalFen) },
          }),
        ),
      ),

    queryRefund: (refundNo) => guarded(async () => refundFrom(await client.queryRefund(refundNo))),

    transferConfirmation(packageInfo, openid) {
      const p = client.transferConfirmParams(packageInfo, { openid });
      let pageUrl: string | undefined;
      if (options.sandboxPagesUrl !== undefined) {
        const q = new URLSearchParams({ mchId: p.mchId, appId: p.appId, package: p.package, openId: openid });
        pageUrl = `${options.sandboxPagesUrl}/transfer/confirm?${q}`;
      }
      return { mchId: p.mchId, appId: p.appId, package: p.package, openId: openid, pageUrl };
    },

    parseNotification: (headers, rawBody) => notificationWith(client, headers, rawBody),

    tradeBill: (billDate) => tradeBillWith(client, billDate),

    fundFlowBill: (billDate, account) => fundFlowBillWith(client, billDate, account),
  };
}

/** A JSAPI, H5 or Native order, as the client-side parameters the channel needs. */
async function createOrderWith(client: WechatPayClient, input: Parameters<PaymentProvider['createOrder']>[0]): Promise<ClientParams> {
  const base = {
    description: input.description,
    outTradeNo: input.orderNo,
    notifyUrl: input.notifyUrl,
    amount: { totalFen: toFen(input.amountFen) },
    timeExpire: rfc3339Beijing(input.expiresAtMs),
  };
  return guarded(async () => {
    if (input.channel === 'jsapi') {
      assert(input.payerOpenid !== undefined, 'a JSAPI order needs the payer openid');
      const created = await client.createJsapiOrder({
        ...base,
        payerOpenid: input.payerOpenid,
        sceneInfo: { payerClientIp: input.payerClientIp },
      });
      return { kind: 'jsapi', ...created.paymentParams };
    }
    if (input.channel === 'h5') {
      const created = await client.createH5Order({
        ...base,
        sceneInfo: { payerClientIp: input.payerClientIp, h5Info: { type: 'Wap' } },
      });
      return { kind: 'h5', h5Url: created.h5Url };
    }
    const created = await client.createNativeOrder({ ...base, sceneInfo: { payerClientIp: input.payerClientIp } });
    return { kind: 'native', codeUrl: created.codeUrl };
  });
}

/** Cancels a transfer bill; null when WeChat Pay answers with a state we do not know. */
async function cancelTransferWith(client: WechatPayClient, billNo: string): ReturnType<PaymentProvider['cancelTransfer']> {
  return guarded(async () => {
    const c = await client.cancelTransferBill(billNo);
    const state = TRANSFER_STATES[c.state];
    if (state === undefined) return null;
    return {
      billNo: c.outBillNo,
      providerBillNo: c.transferBillNo,
      state,
      providerState: c.state,
      packageInfo: undefined,
      failReason: undefined,
      amountFen: undefined,
      createdAtMs: undefined,
      updatedAtMs: parseTime(c.updateTime),
    };
  });
}

/** A verified notification in the port's terms; an unreadable one is rejected with the answer WeChat Pay expects. */
function notificationWith(
  client: WechatPayClient,
  headers: Parameters<PaymentProvider['parseNotification']>[0],
  rawBody: Parameters<PaymentProvider['parseNotification']>[1],
): ProviderNotification {
  let n: ReturnType<WechatPayClient['parseNotification']>;
  try {
    n = client.parseNotification(headers, rawBody);
  } catch (e) {
    const answer = notificationAnswer(e);
    throw new NotificationRejected(answer.status, answer.body, e instanceof Error ? e.message.slice(0, 200) : 'unreadable');
  }
  switch (n.kind) {
    case 'transaction':
      return { kind: 'payment', eventId: n.id, order: orderFrom(n.resource) };
    case 'transfer-bill':
      return { kind: 'transfer', eventId: n.id, transfer: transferFrom(n.resource) };
    case 'refund': {
      const r = n.resource;
      return {
        kind: 'refund',
        eventId: n.id,
        refund: {
          refundNo: r.outRefundNo,
          providerRefundId: r.refundId,
          state: REFUND_STATES[r.refundStatus],
          providerState: r.refundStatus,
          orderNo: r.outTradeNo,
          amountFen: r.amount.refundFen,
          createdAtMs: undefined,
          succeededAtMs: parseTime(r.successTime),
        },
      };
    }
    default:
      return { kind: 'other', eventId: n.id, eventType: n.eventType };
  }
}

/** The day's trade bill (none yet: no lines). */
async function tradeBillWith(client: WechatPayClient, billDate: string): Promise<TradeBillLine[]> {
  try {
    const bill = await client.downloadTradeBill({ billDate, billType: 'ALL' });
    return bill.rows.map((r) => ({
      kind: r.tradeState === 'REFUND' ? 'refund' : 'payment',
      atMs: parseBillTime(r.tradeTime),
      orderNo: r.outTradeNo,
      transactionId: r.transactionId,
      appId: r.appid,
      merchantId: r.mchid,
      amountFen: r.tradeState === 'REFUND' ? (r.refundFen ?? 0) : r.settlementTotalFen,
      refundNo: r.tradeState === 'REFUND' ? r.outRefundNo : undefined,
      refundState: r.refundStatus,
      feeMilliFen: r.fee.milliFen,
    }));
  } catch (e) {
    if (e instanceof WechatPayError && e.wechatCode === 'NO_STATEMENT_EXIST') return [];
    throw classify(e);
  }
}

/** The day's fund-flow bill of one account (none yet: no lines). */
async function fundFlowBillWith(
  client: WechatPayClient,
  billDate: string,
  account: Parameters<PaymentProvider['fundFlowBill']>[1],
): Promise<FundFlowLine[]> {
  try {
    const bill = await client.downloadFundFlowBill({ billDate, accountType: account });
    return bill.rows.map((r) => ({
      account,
      businessNo: r.businessNo,
      businessType: r.businessType,
      direction: r.direction === FUND_FLOW_INCOME ? 'in' : r.direction === FUND_FLOW_EXPENSE ? 'out' : 'in',
      amountFen: r.amountFen,
      voucherNo: r.voucherNo ?? '',
    }));
  } catch (e) {
    if (e instanceof WechatPayError && e.wechatCode === 'NO_STATEMENT_EXIST') return [];
    throw classify(e);
  }
}

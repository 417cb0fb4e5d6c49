// The WeChat Pay API v3 client: orders (JSAPI, H5, Native), refunds, merchant transfer bills,
// profit sharing, bills, platform certificates, notifications, and the api.weixin.qq.com login and
// JS-SDK calls. Every call is signed, has a deadline, verifies the answer and returns typed data
// with amounts in fen.
import { gunzipSync } from 'node:zlib';
import { type Clock, type Fen, FEN_BOUNDS_POSITIVE, systemClock, toFen } from '@fairground/core';
import { type FundFlowBill, parseFundFlowBill, parseTradeBill, type TradeBill, verifyBillHash } from './bills.ts';
import { decryptAesGcm, encryptSensitive } from './cipher.ts';
import { badResponse } from './errors.ts';
import { Fields } from './fields.ts';
import { type CallOptions, type FetchLike, type SignedRequest, type SignerConfig, signedRequest } from './http.ts';
import { BILL_BYTES_MAX, DEFAULT_TIMEOUT_MS, PROFIT_SHARING_RECEIVERS_MAX, RESPONSE_BYTES_MAX } from './limits.ts';
import {
  type BillDownloadInfo,
  type ProfitSharingOrder,
  type ProfitSharingReceiver,
  type ProfitSharingReceiverType,
  type ProfitSharingReturn,
  type Refund,
  readBillDownloadInfo,
  readProfitSharingOrder,
  readProfitSharingReceiver,
  readProfitSharingReturn,
  readRefund,
  readTransaction,
  readTransferBill,
  readTransferBillCancelled,
  readTransferBillCreated,
  type Transaction,
  type TransferBill,
  type TransferBillCancelled,
  type TransferBillCreated,
} from './models.ts';
import { parseNotification, type WechatPayNotification } from './notifications.ts';
import { buildPaymentParams, loadPrivateKey, type PaymentParams } from './signing.ts';
import { type HeaderSource, WechatPayVerifier } from './verifier.ts';
import type { TokenCache } from './token-cache.ts';
import { type Code2SessionResult, type JsSdkConfig, type OAuthScope, type OAuthToken, type OAuthUserInfo, WeixinClient } from './weixin.ts';

export const DEFAULT_BASE_URL = 'https://api.mch.weixin.qq.com';
export const DEFAULT_WEIXIN_BASE_URL = 'https://api.weixin.qq.com';
export const DEFAULT_OAUTH_BASE_URL = 'https://open.weixin.qq.com';
/** Certificates one `/v3/certificates` answer may list. */
const CERTIFICATES_MAX = 16;

export interface WechatPayClientOptions {
  /** Stands in for https://api.mch.weixin.qq.com (the sandbox's `baseUrl` in tests). */
  readonly baseUrl?: string;
  /** Stands in for https://api.weixin.qq.com (login, access_token, jsapi_ticket). */
  readonly weixinBaseUrl?: string;
  /** Stands in for https://open.weixin.qq.com (the OAuth consent page). */
  readonly oauthBaseUrl?: string;
  readonly mchid: string;
  /** The appid orders and transfers are made under (mini-program or official account). */
  readonly appid: string;
  /** The app secret, needed only for login, OAuth and the JS-SDK. */
  readonly appSecret?: string;
  /** Where the app's access_token and jsapi_ticket are kept (shared across nodes); default in memory. */
  readonly tokenCache?: TokenCache;
  /** Serial of the merchant API certificate (hex). */
  readonly serialNo: string;
  /** The merchant API private key (`apiclient_key.pem`). */
  readonly privateKeyPem: string;
  /** The 32-character APIv3 key that encrypts notifications. */
  readonly apiV3Key: string;
  /**
   * WeChat Pay's keys by `Wechatpay-Serial`: `{ 'PUB_KEY_ID_…': publicKeyPem }` in public-key mode,
   * `{ '<hex serial>': certificateOrPublicKeyPem }` in platform-certificate mode, or both.
   */
  readonly verifier: Readonly<Record<string, string>> | WechatPayVerifier;
  /** Deadline of every call unless the call says otherwise. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly fetch?: FetchLike;
}

export interface OrderAmountInput {
  readonly totalFen: Fen;
  /** Only CNY exists. */
  readonly currency?: 'CNY';
}

export interface GoodsDetailInput {
  readonly merchantGoodsId: string;
  readonly wechatpayGoodsId?: string;
  readonly goodsName?: string;
  readonly quantity: number;
  readonly unitPriceFen: Fen;
}

interface OrderInputBase {
  readonly description: string;
  readonly outTradeNo: string;
  readonly notifyUrl: string;
  readonly amount: OrderAmountInput;
  /** RFC 3339 with offset, e.g. `2026-01-01T10:34:56+08:00`; only honoured on the first request. */
  readonly timeExpire?: string;
  readonly attach?: string;
  readonly goodsTag?: string;
  readonly supportFapiao?: boolean;
  /** Freeze the funds for profit sharing (分账). */
  readonly profitSharing?: boolean;
  readonly detail?: { readonly costPriceFen?: Fen; readonly invoiceId?: string; readonly goodsDetail?: readonly GoodsDetailInput[] };
  /** Overrides the client's appid for this order. */
  readonly appid?: string;
}

export interface JsapiOrderInput extends OrderInputBase {
  readonly payerOpenid: string;
  readonly sceneInfo?: { readonly payerClientIp: string; readonly deviceId?: string };
}

export interface H5OrderInput extends OrderInputBase {
  readonly sceneInfo: {
    /** The user's IP as seen by our server; WeChat compares it with the paying browser. */
    readonly payerClientIp: string;
    readonly deviceId?: string;
    readonly h5Info: {
      readonly type: 'Wap' | 'iOS' | 'Android';
      readonly appName?: string;
      readonly appUrl?: string;
      readonly bundleId?: string;
      readonly packageName?: string;
    };
  };
}

export interface NativeOrderInput extends OrderInputBase {
  readonly sceneInfo?: { readonly payerClientIp: string; readonly deviceId?: string };
}

export interface JsapiOrderCreated {
  readonly prepayId: string;
  /** Ready for `wx.requestPayment` (mini-program) or `WeixinJSBridge.invoke('getBrandWCPayRequest', …)` (H5 in WeChat). */
  readonly paymentParams: PaymentParams;
}

export interface RefundInput {
  readonly outRefundNo: string;
  /** One of `transactionId` or `outTradeNo`. */
  readonly transactionId?: string;
  readonly outTradeNo?: string;
  readonly reason?: string;
  readonly notifyUrl?: string;
  readonly fundsAccount?: 'AVAILABLE' | 'UNSETTLED';
  readonly amount: {
    readonly refundFen: Fen;
    readonly totalFen: Fen;
    readonly currency?: 'CNY';
    readonly from?: readonly { readonly account: 'AVAILABLE' | 'UNAVAILABLE'; readonly amountFen: Fen }[];
  };
}

export interface TransferSceneReportInfo {
  /** e.g. 活动名称, 奖励说明 for scene 1000. */
  readonly infoType: string;
  readonly infoContent: string;
}

export interface TransferBillInput {
  /** Digits and letters only, at most 32. Never change it after an unclear answer: query first. */
  readonly outBillNo: string;
  readonly transferSceneId: string;
  readonly openid: string;
  /** The payee's real name in plain text; we encrypt it (required from 2,000 yuan). */
  readonly userName?: string;
  readonly transferAmountFen: Fen;
  readonly transferRemark: string;
  readonly notifyUrl?: string;
  readonly userRecvPerception?: string;
  readonly transferSceneReportInfos: readonly TransferSceneReportInfo[];
  readonly appid?: string;
}

/** What `wx.requestMerchantTransfer` / `WeixinJSBridge.invoke('requestMerchantTransfer')` take. */
export interface TransferConfirmParams {
  readonly mchId: string;
  readonly appId: string;
  readonly package: string;
  readonly openId?: string;
}

export interface ProfitSharingReceiverInput {
  readonly type: ProfitSharingReceiverType;
  /** A merchant id, or an openid under the order's appid. */
  readonly account: string;
  /** Plain text; encrypted before sending (required for MERCHANT_ID receivers). */
  readonly name?: string;
  readonly amountFen: Fen;
  readonly description: string;
}

export interface ProfitSharingOrderInput {
  readonly transactionId: string;
  readonly outOrderNo: string;
  readonly receivers: readonly ProfitSharingReceiverInput[];
  /** True: unfreeze what is not shared now, ending profit sharing for this order. */
  readonly unfreezeUnsplit: boolean;
  readonly appid?: string;
}

export interface ProfitSharingReturnInput {
  /** One of `orderId` (WeChat's) or `outOrderNo` (ours). */
  readonly orderId?: string;
  readonly outOrderNo?: string;
  readonly outReturnNo: string;
  readonly returnMchid: string;
  readonly amountFen: Fen;
  readonly description: string;
}

export type TradeBillType = 'ALL' | 'SUCCESS' | 'REFUND' | 'RECHARGE_REFUND' | 'ALL_SPECIAL' | 'SUC_SPECIAL' | 'REF_SPECIAL';
export type FundFlowAccountType = 'BASIC' | 'OPERATION' | 'FEES';

export interface PlatformCertificate {
  readonly serialNo: string;
  readonly effectiveTime: string;
  readonly expireTime: string;
  readonly certificatePem: string;
}

export class WechatPayClient {
  readonly mchid: string;
  readonly appid: string;
  readonly verifier: WechatPayVerifier;
  readonly #signer: SignerConfig;
  readonly #apiV3Key: string;
  readonly #clock: Clock;
  /** api.weixin.qq.com for `appid`: login, access_token, phone number, OAuth, JS-SDK. */
  readonly weixin: WeixinClient;

  constructor(options: WechatPayClientOptions) {
    if (!/^[0-9]{1,32}$/.test(options.mchid)) throw new Error('mchid must be digits');
    if (!/^[0-9A-Fa-f]{1,64}$/.test(options.serialNo)) throw new Error('serialNo must be the hex serial of the merchant API certificate');
    if (Buffer.byteLength(options.apiV3Key, 'utf8') !== 32) throw new Error('apiV3Key must be 32 bytes');
    this.#clock = options.clock ?? systemClock;
    this.mchid = options.mchid;
    this.appid = options.appid;
    this.#apiV3Key = options.apiV3Key;
    this.verifier = options.verifier instanceof WechatPayVerifier ? options.verifier : new WechatPayVerifier(options.verifier, this.#clock);
    const fetchImpl = options.fetch ?? ((input: string, init: RequestInit) => fetch(input, init));
    const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    this.#signer = {
      baseUrl: trimSlash(options.baseUrl ?? DEFAULT_BASE_URL),
      mchid: options.mchid,
      serialNo: options.serialNo,
      privateKey: loadPrivateKey(options.privateKeyPem),
      verifier: this.verifier,
      clock: this.#clock,
      fetch: fetchImpl,
      timeoutMs,
    };
    this.weixin = new WeixinClient({
      apiBaseUrl: trimSlash(options.weixinBaseUrl ?? DEFAULT_WEIXIN_BASE_URL),
      openBaseUrl: trimSlash(options.oauthBaseUrl ?? DEFAULT_OAUTH_BASE_URL),
      appid: options.appid,
      appSecret: options.appSecret,
      clock: this.#clock,
      fetch: fetchImpl,
      timeoutMs,
      ...(options.tokenCache === undefined ? {} : { tokenCache: options.tokenCache }),
    });
  }

  #request(req: Omit<SignedRequest, 'maxBytes'> & { maxBytes?: number }, call: CallOptions | undefined) {
    return signedRequest(this.#signer, { maxBytes: RESPONSE_BYTES_MAX, ...req }, call);
  }

  async #json(req: Omit<SignedRequest, 'maxBytes'>, call: CallOptions | undefined): Promise<unknown> {
    const res = await this.#request(req, call);
    if (res.json === undefined) throw badResponse(`${req.method} ${pathOnly(req.pathAndQuery)} answered with an empty body`);
    return res.json;
  }

  // ---- orders ----

  #orderBody(input: OrderInputBase): Record<string, unknown> {
    checkOutTradeNo(input.outTradeNo);
    const body: Record<string, unknown> = {
      appid: input.appid ?? this.appid,
      mchid: this.mchid,
      description: input.description,
      out_trade_no: input.outTradeNo,
      notify_url: input.notifyUrl,
      amount: { total: toFen(input.amount.totalFen, FEN_BOUNDS_POSITIVE), currency: input.amount.currency ?? 'CNY' },
    };
    if (input.timeExpire !== undefined) body.time_expire = input.timeExpire;
    if (input.attach !== undefined) body.attach = input.attach;
    if (input.goodsTag !== undefined) body.goods_tag = input.goodsTag;
    if (input.supportFapiao !== undefined) body.support_fapiao = input.supportFapiao;
    if (input.profitSharing !== undefined) body.settle_info = { profit_sharing: input.profitSharing };
    if (input.detail !== undefined) {
      body.detail = compact({
        cost_price: input.detail.costPriceFen,
        invoice_id: input.detail.invoiceId,
        goods_detail: input.detail.goodsDetail?.map((g) =>
          compact({
            merchant_goods_id: g.merchantGoodsId,
            wechatpay_goods_id: g.wechatpayGoodsId,
            goods_name: g.goodsName,
            quantity: g.quantity,
            unit_price: g.unitPriceFen,
          }),
        ),
      });
    }
    return body;
  }

  /**
   * JSAPI order (mini-program, or an H5 page inside WeChat). Re-sending the same `outTradeNo` with
   * the same parameters before it expires returns a fresh prepay_id for the same order.
   */
  async createJsapiOrder(input: JsapiOrderInput, call?: CallOptions): Promise<JsapiOrderCreated> {
    const body = this.#orderBody(input);
    body.payer = { openid: input.payerOpenid };
    if (input.sceneInfo) body.scene_info = compact({ payer_client_ip: input.sceneInfo.payerClientIp, device_id: input.sceneInfo.deviceId });
    const f = new Fields(await this.#json({ method: 'POST', pathAndQuery: '/v3/pay/transactions/jsapi', body }, call), 'jsapi');
    const prepayId = f.str('prepay_id');
    return { prepayId, paymentParams: this.paymentParams(prepayId, input.appid) };
  }

  /** H5 order for a mobile browser outside WeChat; send the browser to `h5Url`. */
  async createH5Order(input: H5OrderInput, call?: CallOptions): Promise<{ readonly h5Url: string }> {
    const body = this.#orderBody(input);
    const h5 = input.sceneInfo.h5Info;
    body.scene_info = compact({
      payer_client_ip: input.sceneInfo.payerClientIp,
      device_id: input.sceneInfo.deviceId,
      h5_info: compact({ type: h5.type, app_name: h5.appName, app_url: h5.appUrl, bundle_id: h5.bundleId, package_name: h5.packageName }),
    });
    const f = new Fields(await this.#json({ method: 'POST', pathAndQuery: '/v3/pay/transactions/h5', body }, call), 'h5');
    return { h5Url: f.str('h5_url') };
  }

  /** Native order: render `codeUrl` as a QR code the user scans in WeChat. */
  async createNativeOrder(input: NativeOrderInput, call?: CallOptions): Promise<{ readonly codeUrl: string }> {
    const body = this.#orderBody(input);
    if (input.sceneInfo) body.scene_info = compact({ payer_client_ip: input.sceneInfo.payerClientIp, device_id: input.sceneInfo.deviceId });
    const f = new Fields(await this.#json({ method: 'POST', pathAndQuery: '/v3/pay/transactions/native', body }, call), 'native');
    return { codeUrl: f.str('code_url') };
  }

  /** The signed parameter set for `wx.requestPayment` / `getBrandWCPayRequest`; appId must be the order's appid. */
  paymentParams(prepayId: string, appid?: string): PaymentParams {
    return buildPaymentParams({
      appId: appid ?? this.appid,
      prepayId,
      privateKey: this.#signer.privateKey,
      timestampSeconds: Math.floor(this.#clock.nowMs() / 1000),
    });
  }

  async queryOrderByOutTradeNo(outTradeNo: string, call?: CallOptions): Promise<Transaction> {
    const path = `/v3/pay/transactions/out-trade-no/${seg(outTradeNo)}?mchid=${seg(this.mchid)}`;
    return readTransaction(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  async queryOrderByTransactionId(transactionId: string, call?: CallOptions): Promise<Transaction> {
    const path = `/v3/pay/transactions/id/${seg(transactionId)}?mchid=${seg(this.mchid)}`;
    return readTransaction(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  /** Closes an unpaid order (204). Close before abandoning a number or ordering again under a new one. */
  async closeOrder(outTradeNo: string, call?: CallOptions): Promise<void> {
    await this.#request(
      { method: 'POST', pathAndQuery: `/v3/pay/transactions/out-trade-no/${seg(outTradeNo)}/close`, body: { mchid: this.mchid } },
      call,
    );
  }

  // ---- refunds ----

  /** Requests a refund. The same `outRefundNo` is the same refund: retry with it, never with a new one. */
  async createRefund(input: RefundInput, call?: CallOptions): Promise<Refund> {
    if ((input.transactionId === undefined) === (input.outTradeNo === undefined))
      throw new Error('give exactly one of transactionId or outTradeNo');
    const body = compact({
      transaction_id: input.transactionId,
      out_trade_no: input.outTradeNo,
      out_refund_no: input.outRefundNo,
      reason: input.reason,
      notify_url: input.notifyUrl,
      funds_account: input.fundsAccount,
      amount: compact({
        refund: toFen(input.amount.refundFen, FEN_BOUNDS_POSITIVE),
        total: toFen(input.amount.totalFen, FEN_BOUNDS_POSITIVE),
        currency: input.amount.currency ?? 'CNY',
        from: input.amount.from?.map((s) => ({ account: s.account, amount: toFen(s.amountFen, FEN_BOUNDS_POSITIVE) })),
      }),
    });
    return readRefund(await this.#json({ method: 'POST', pathAndQuery: '/v3/refund/domestic/refunds', body }, call));
  }

  async queryRefund(outRefundNo: string, call?: CallOptions): Promise<Refund> {
    return readRefund(await this.#json({ method: 'GET', pathAndQuery: `/v3/refund/domestic/refunds/${seg(outRefundNo)}` }, call));
  }

  // ---- merchant transfer bills (商家转账, 2025) ----

  /**
   * Creates a transfer bill. On any error, timeout or unknown answer do NOT change `outBillNo`:
   * query it, and use a new number only once the query says FAIL or CANCELLED.
   */
  async createTransferBill(input: TransferBillInput, call?: CallOptions): Promise<TransferBillCreated> {
    if (!/^[0-9A-Za-z]{1,32}$/.test(input.outBillNo)) throw new Error('outBillNo must be 1–32 digits and letters');
    const body: Record<string, unknown> = {
      appid: input.appid ?? this.appid,
      out_bill_no: input.outBillNo,
      transfer_scene_id: input.transferSceneId,
      openid: input.openid,
      transfer_amount: toFen(input.transferAmountFen, FEN_BOUNDS_POSITIVE),
      transfer_remark: input.transferRemark,
      transfer_scene_report_infos: input.transferSceneReportInfos.map((i) => ({ info_type: i.infoType, info_content: i.infoContent })),
    };
    if (input.notifyUrl !== undefined) body.notify_url = input.notifyUrl;
    if (input.userRecvPerception !== undefined) body.user_recv_perception = input.userRecvPerception;
    let wechatpaySerial: string | undefined;
    if (input.userName !== undefined) {
      const enc = this.encryptSensitiveField(input.userName);
      body.user_name = enc.ciphertext;
      wechatpaySerial = enc.wechatpaySerial;
    }
    const json = await this.#json(
      { method: 'POST', pathAndQuery: '/v3/fund-app/mch-transfer/transfer-bills', body, wechatpaySerial },
      call,
    );
    return readTransferBillCreated(json);
  }

  async queryTransferBillByOutBillNo(outBillNo: string, call?: CallOptions): Promise<TransferBill> {
    const path = `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${seg(outBillNo)}`;
    return readTransferBill(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  async queryTransferBillByTransferBillNo(transferBillNo: string, call?: CallOptions): Promise<TransferBill> {
    const path = `/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/${seg(transferBillNo)}`;
    return readTransferBill(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  /** Cancels a bill the user has not confirmed yet; the answer is CANCELING or CANCELLED. */
  async cancelTransferBill(outBillNo: string, call?: CallOptions): Promise<TransferBillCancelled> {
    const path = `/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${seg(outBillNo)}/cancel`;
    return readTransferBillCancelled(await this.#json({ method: 'POST', pathAndQuery: path }, call));
  }

  /** The parameters for the user's confirmation page, from a bill in WAIT_USER_CONFIRM. */
  transferConfirmParams(packageInfo: string, options: { readonly openid?: string; readonly appid?: string } = {}): TransferConfirmParams {
    const params: TransferConfirmParams = { mchId: this.mchid, appId: options.appid ?? this.appid, package: packageInfo };
    return options.openid === undefined ? params : { ...params, openId: options.openid };
  }

  // ---- profit sharing (分账) ----

  async createProfitSharingOrder(input: ProfitSharingOrderInput, call?: CallOptions): Promise<ProfitSharingOrder> {
    if (input.receivers.length < 1 || input.receivers.length > PROFIT_SHARING_RECEIVERS_MAX) {
      throw new RangeError(`a profit-sharing order needs 1 to ${PROFIT_SHARING_RECEIVERS_MAX} receivers`);
    }
    let wechatpaySerial: string | undefined;
    const receivers = input.receivers.map((r) => {
      const out: Record<string, unknown> = {
        type: r.type,
        account: r.account,
        amount: toFen(r.amountFen, FEN_BOUNDS_POSITIVE),
        description: r.description,
      };
      if (r.name !== undefined) {
        const enc = this.encryptSensitiveField(r.name);
        out.name = enc.ciphertext;
        wechatpaySerial = enc.wechatpaySerial;
      }
      return out;
    });
    const body = {
      appid: input.appid ?? this.appid,
      transaction_id: input.transactionId,
      out_order_no: input.outOrderNo,
      receivers,
      unfreeze_unsplit: input.unfreezeUnsplit,
    };
    return readProfitSharingOrder(
      await this.#json({ method: 'POST', pathAndQuery: '/v3/profitsharing/orders', body, wechatpaySerial }, call),
    );
  }

  async queryProfitSharingOrder(outOrderNo: string, transactionId: string, call?: CallOptions): Promise<ProfitSharingOrder> {
    const path = `/v3/profitsharing/orders/${seg(outOrderNo)}?transaction_id=${seg(transactionId)}`;
    return readProfitSharingOrder(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  async createProfitSharingReturn(input: ProfitSharingReturnInput, call?: CallOptions): Promise<ProfitSharingReturn> {
    if ((input.orderId === undefined) === (input.outOrderNo === undefined)) throw new Error('give exactly one of orderId or outOrderNo');
    const body = compact({
      order_id: input.orderId,
      out_order_no: input.outOrderNo,
      out_return_no: input.outReturnNo,
      return_mchid: input.returnMchid,
      amount: toFen(input.amountFen, FEN_BOUNDS_POSITIVE),
      description: input.description,
    });
    return readProfitSharingReturn(await this.#json({ method: 'POST', pathAndQuery: '/v3/profitsharing/return-orders', body }, call));
  }

  async queryProfitSharingReturn(outReturnNo: string, outOrderNo: string, call?: CallOptions): Promise<ProfitSharingReturn> {
    const path = `/v3/profitsharing/return-orders/${seg(outReturnNo)}?out_order_no=${seg(outOrderNo)}`;
    return readProfitSharingReturn(await this.#json({ method: 'GET', pathAndQuery: path }, call));
  }

  /** Releases the funds still frozen on an order to the merchant (ends profit sharing for it). */
  async unfreezeProfitSharing(
    input: { readonly transactionId: string; readonly outOrderNo: string; readonly description: string },
    call?: CallOptions,
  ): Promise<ProfitSharingOrder> {
    const body = { transaction_id: input.transactionId, out_order_no: input.outOrderNo, description: input.description };
    return readProfitSharingOrder(await this.#json({ method: 'POST', pathAndQuery: '/v3/profitsharing/orders/unfreeze', body }, call));
  }

  /** How much of a paid order is still frozen and can be shared. */
  async queryProfitSharingRemaining(transactionId: string, call?: CallOptions): Promise<{ transactionId: string; unsplitAmountFen: Fen }> {
    const f = new Fields(
      await this.#json({ method: 'GET', pathAndQuery: `/v3/profitsharing/transactions/${seg(transactionId)}/amounts` }, call),
      'amounts',
    );
    return { transactionId: f.str('transaction_id'), unsplitAmountFen: f.fen('unsplit_amount') };
  }

  async addProfitSharingReceiver(
    input: {
      readonly type: ProfitSharingReceiverType;
      readonly account: string;
      readonly name?: string;
      readonly relationType: string;
      readonly customRelation?: string;
      readonly appid?: string;
    },
    call?: CallOptions,
  ): Promise<ProfitSharingReceiver> {
    const body: Record<string, unknown> = {
      appid: input.appid ?? this.appid,
      type: input.type,
      account: input.account,
      relation_type: input.relationType,
    };
    if (input.customRelation !== undefined) body.custom_relation = input.customRelation;
    let wechatpaySerial: string | undefined;
    if (input.name !== undefined) {
      const enc = this.encryptSensitiveField(input.name);
      body.name = enc.ciphertext;
      wechatpaySerial = enc.wechatpaySerial;
    }
    return readProfitSharingReceiver(
      await this.#json({ method: 'POST', pathAndQuery: '/v3/profitsharing/receivers/add', body, wechatpaySerial }, call),
    );
  }

  async deleteProfitSharingReceiver(
    input: { readonly type: ProfitSharingReceiverType; readonly account: string; readonly appid?: string },
    call?: CallOptions,
  ): Promise<void> {
    const body = { appid: input.appid ?? this.appid, type: input.type, account: input.account };
    await this.#request({ method: 'POST', pathAndQuery: '/v3/profitsharing/receivers/delete', body }, call);
  }

  // ---- bills ----

  async applyTradeBill(
    input: { readonly billDate: string; readonly billType?: TradeBillType; readonly gzip?: boolean },
    call?: CallOptions,
  ): Promise<BillDownloadInfo> {
    checkBillDate(input.billDate);
    const q = new URLSearchParams({ bill_date: input.billDate });
    if (input.billType) q.set('bill_type', input.billType);
    if (input.gzip) q.set('tar_type', 'GZIP');
    return readBillDownloadInfo(await this.#json({ method: 'GET', pathAndQuery: `/v3/bill/tradebill?${q}` }, call));
  }

  async applyFundFlowBill(
    input: { readonly billDate: string; readonly accountType?: FundFlowAccountType; readonly gzip?: boolean },
    call?: CallOptions,
  ): Promise<BillDownloadInfo> {
    checkBillDate(input.billDate);
    const q = new URLSearchParams({ bill_date: input.billDate });
    if (input.accountType) q.set('account_type', input.accountType);
    if (input.gzip) q.set('tar_type', 'GZIP');
    return readBillDownloadInfo(await this.#json({ method: 'GET', pathAndQuery: `/v3/bill/fundflowbill?${q}` }, call));
  }

  /**
   * Downloads a bill file. The request is signed, the answer is not (WeChat Pay does not sign it),
   * so integrity comes from the SHA-1 in `info`, checked here over the uncompressed bytes. Only the
   * path and query of `download_url` are used: the file is always fetched from our configured
   * base URL, so the signed request never goes to another host.
   */
  async downloadBill(info: BillDownloadInfo, options: { readonly gzip?: boolean } = {}, call?: CallOptions): Promise<Uint8Array> {
    let url: URL;
    try {
      url = new URL(info.downloadUrl);
    } catch {
      throw badResponse('download_url is not a URL');
    }
    if (url.pathname !== '/v3/billdownload/file')
      throw badResponse('download_url does not point at /v3/billdownload/file', { path: url.pathname });
    const res = await this.#request(
      { method: 'GET', pathAndQuery: `${url.pathname}${url.search}`, verifyResponse: false, maxBytes: BILL_BYTES_MAX },
      call,
    );
    let file: Uint8Array = res.body;
    if (options.gzip) {
      try {
        file = gunzipSync(res.body, { maxOutputLength: BILL_BYTES_MAX });
      } catch {
        throw badResponse('bill is not valid gzip');
      }
    }
    verifyBillHash(file, info.hashType, info.hashValue);
    return file;
  }

  /** Applies for, downloads, verifies and parses one day's trade bill. */
  async downloadTradeBill(
    input: { readonly billDate: string; readonly billType?: TradeBillType; readonly gzip?: boolean },
    call?: CallOptions,
  ): Promise<TradeBill> {
    const info = await this.applyTradeBill(input, call);
    return parseTradeBill(await this.downloadBill(info, { gzip: input.gzip ?? false }, call));
  }

  async downloadFundFlowBill(
    input: { readonly billDate: string; readonly accountType?: FundFlowAccountType; readonly gzip?: boolean },
    call?: CallOptions,
  ): Promise<FundFlowBill> {
    const info = await this.applyFundFlowBill(input, call);
    return parseFundFlowBill(await this.downloadBill(info, { gzip: input.gzip ?? false }, call));
  }

  // ---- platform certificates (platform-certificate mode only) ----

  /**
   * Downloads and decrypts WeChat Pay's platform certificates. The answer itself must verify with a
   * key we already hold; pass `addToVerifier` to trust the new certificates for later answers.
   */
  async downloadCertificates(options: { readonly addToVerifier?: boolean } = {}, call?: CallOptions): Promise<PlatformCertificate[]> {
    const f = new Fields(await this.#json({ method: 'GET', pathAndQuery: '/v3/certificates' }, call), 'certificates');
    const certs = f.list('data', CERTIFICATES_MAX).map((c) => {
      const enc = c.obj('encrypt_certificate');
      const certificatePem = decryptAesGcm(this.#apiV3Key, {
        algorithm: enc.str('algorithm'),
        ciphertext: enc.str('ciphertext'),
        associated_data: enc.optStr('associated_data'),
        nonce: enc.str('nonce'),
      });
      return { serialNo: c.str('serial_no'), effectiveTime: c.str('effective_time'), expireTime: c.str('expire_time'), certificatePem };
    });
    if (options.addToVerifier) for (const c of certs) this.verifier.addKey(c.serialNo, c.certificatePem);
    return certs;
  }

  // ---- sensitive fields ----

  /**
   * Encrypts a sensitive field (e.g. `user_name`) with the WeChat Pay key the request will name in
   * `Wechatpay-Serial` (the public key when we have one, else the newest certificate).
   */
  encryptSensitiveField(plaintext: string): { ciphertext: string; wechatpaySerial: string } {
    const id = this.verifier.preferredKeyId();
    const key = id === undefined ? undefined : this.verifier.publicKey(id);
    if (id === undefined || key === undefined) throw new Error('no WeChat Pay key to encrypt sensitive fields with');
    return { ciphertext: encryptSensitive(plaintext, key), wechatpaySerial: id };
  }

  // ---- notifications ----

  /** Verifies and decrypts a notification; call it from the notify_url route with the raw body bytes. */
  parseNotification(headers: HeaderSource, rawBody: Uint8Array | string): WechatPayNotification {
    return parseNotification({ verifier: this.verifier, apiV3Key: this.#apiV3Key }, headers, rawBody);
  }

  // ---- api.weixin.qq.com (shortcuts to `weixin`) ----

  jscode2session(jsCode: string, call?: CallOptions): Promise<Code2SessionResult> {
    return this.weixin.code2session(jsCode, call);
  }

  oauthAuthorizeUrl(input: { readonly redirectUri: string; readonly scope: OAuthScope; readonly state: string }): string {
    return this.weixin.oauthAuthorizeUrl(input);
  }

  oauthAccessToken(code: string, call?: CallOptions): Promise<OAuthToken> {
    return this.weixin.oauthAccessToken(code, call);
  }

  oauthUserInfo(accessToken: string, openid: string, call?: CallOptions): Promise<OAuthUserInfo> {
    return this.weixin.oauthUserInfo(accessToken, openid, call);
  }

  accessToken(call?: CallOptions): Promise<string> {
    return this.weixin.accessToken(call);
  }

  jsapiTicket(call?: CallOptions): Promise<string> {
    return this.weixin.jsapiTicket(call);
  }

  jsSdkConfig(
    input: { readonly url: string; readonly jsApiList: readonly string[]; readonly openTagList?: readonly string[] },
    call?: CallOptions,
  ): Promise<JsSdkConfig> {
    return this.weixin.jsSdkConfig(input, call);
  }
}

function trimSlash(url: string): string {
  return url.endsWith('/') ? url.slice(0, -1) : url;
}

function pathOnly(pathAndQuery: string): string {
  const q = pathAndQuery.indexOf('?');
  return q === -1 ? pathAndQuery : pathAndQuery.slice(0, q);
}

/** One path segment or query value, percent-encoded; the signature covers exactly these bytes. */
function seg(value: string): string {
  if (value.length === 0 || value.length > 64) throw new Error(`path value ${JSON.stringify(value.slice(0, 70))} must be 1–64 characters`);
  return encodeURIComponent(value);
}

function checkOutTradeNo(outTradeNo: string): void {
  if (!/^[0-9A-Za-z_\-|*]{6,32}$/.test(outTradeNo)) throw new Error('outTradeNo must be 6–32 characters of [0-9A-Za-z_-|*]');
}

function checkBillDate(billDate: string): void {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(billDate)) throw new Error('billDate must be YYYY-MM-DD');
}

/** Drops undefined members so they are not sent as absent-but-present keys. */
function compact<T extends Record<string, unknown>>(obj: T): T {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(obj)) if (v !== undefined) out[k] = v;
  return out as T;
}

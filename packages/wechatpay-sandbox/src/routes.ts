// Every endpoint the sandbox serves on the WeChat Pay and api.weixin.qq.com hosts. Patterns match
// the raw (percent-encoded) path; captured segments are decoded before the handler sees them.
import { msgSecCheck } from './weixin-seccheck.ts';
import type { ApiRequest, ApiResult } from './api.ts';
import { applyFundFlowBill, applyTradeBill, downloadBill } from './bills.ts';
import { listCertificates } from './certificates.ts';
import type { SandboxCore } from './core.ts';
import { closeOrder, createOrder, queryByOutTradeNo, queryByTransactionId } from './payments.ts';
import { createRefund, queryRefund } from './refunds.ts';
import {
  addReceiver,
  createSharingOrder,
  createSharingReturn,
  deleteReceiver,
  querySharingOrder,
  querySharingReturn,
  unfreezeSharing,
  unsplitAmount,
} from './sharing.ts';
import { cancelTransfer, createTransferBill, queryTransferByBillNo, queryTransferByOutBillNo } from './transfers.ts';
import {
  cgiToken,
  getTicket,
  getUserPhoneNumber,
  jscode2session,
  oauthAccessToken,
  oauthRefreshToken,
  snsAuth,
  snsUserinfo,
  stableToken,
  stableTokenGet,
} from './weixin.ts';
import { xpayBillFile, xpayDownloadBill, xpayQueryOrder, xpayRefundOrder } from './vpay.ts';

export interface Route {
  method: 'GET' | 'POST' | 'DELETE';
  pattern: RegExp;
  handler: (core: SandboxCore, req: ApiRequest) => ApiResult | Promise<ApiResult>;
  /** False for responses WeChat Pay does not sign (the bill file). */
  signed?: boolean;
}

const SEG = '([^/?]+)';

export const routes: Route[] = [
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/jsapi$/, handler: (c, r) => createOrder(c, r, 'JSAPI') },
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/h5$/, handler: (c, r) => createOrder(c, r, 'MWEB') },
  { method: 'POST', pattern: /^\/v3\/pay\/transactions\/native$/, handler: (c, r) => createOrder(c, r, 'NATIVE') },
  { method: 'GET', pattern: new RegExp(`^/v3/pay/transactions/out-trade-no/${SEG}$`), handler: queryByOutTradeNo },
  { method: 'GET', pattern: new RegExp(`^/v3/pay/transactions/id/${SEG}$`), handler: queryByTransactionId },
  { method: 'POST', pattern: new RegExp(`^/v3/pay/transactions/out-trade-no/${SEG}/close$`), handler: closeOrder },
  { method: 'GET', pattern: /^\/v3\/certificates$/, handler: listCertificates },
  { method: 'POST', pattern: /^\/v3\/fund-app\/mch-transfer\/transfer-bills$/, handler: createTransferBill },
  {
    method: 'GET',
    pattern: new RegExp(`^/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${SEG}$`),
    handler: queryTransferByOutBillNo,
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/v3/fund-app/mch-transfer/transfer-bills/transfer-bill-no/${SEG}$`),
    handler: queryTransferByBillNo,
  },
  { method: 'POST', pattern: new RegExp(`^/v3/fund-app/mch-transfer/transfer-bills/out-bill-no/${SEG}/cancel$`), handler: cancelTransfer },
  { method: 'POST', pattern: /^\/v3\/refund\/domestic\/refunds$/, handler: createRefund },
  { method: 'GET', pattern: new RegExp(`^/v3/refund/domestic/refunds/${SEG}$`), handler: queryRefund },
  { method: 'POST', pattern: /^\/v3\/profitsharing\/receivers\/add$/, handler: addReceiver },
  { method: 'POST', pattern: /^\/v3\/profitsharing\/receivers\/delete$/, handler: deleteReceiver },
  { method: 'POST', pattern: /^\/v3\/profitsharing\/orders$/, handler: createSharingOrder },
  { method: 'POST', pattern: /^\/v3\/profitsharing\/orders\/unfreeze$/, handler: unfreezeSharing },
  { method: 'GET', pattern: new RegExp(`^/v3/profitsharing/orders/${SEG}$`), handler: querySharingOrder },
  { method: 'POST', pattern: /^\/v3\/profitsharing\/return-orders$/, handler: createSharingReturn },
  { method: 'GET', pattern: new RegExp(`^/v3/profitsharing/return-orders/${SEG}$`), handler: querySharingReturn },
  { method: 'GET', pattern: new RegExp(`^/v3/profitsharing/transactions/${SEG}/amounts$`), handler: unsplitAmount },
  { method: 'GET', pattern: /^\/v3\/bill\/tradebill$/, handler: applyTradeBill },
  { method: 'GET', pattern: /^\/v3\/bill\/fundflowbill$/, handler: applyFundFlowBill },
  { method: 'GET', pattern: /^\/v3\/billdownload\/file$/, handler: downloadBill, signed: false },
  { method: 'GET', pattern: /^\/sns\/jscode2session$/, handler: jscode2session },
  { method: 'GET', pattern: /^\/sns\/oauth2\/access_token$/, handler: oauthAccessToken },
  { method: 'GET', pattern: /^\/sns\/oauth2\/refresh_token$/, handler: oauthRefreshToken },
  { method: 'GET', pattern: /^\/sns\/userinfo$/, handler: snsUserinfo },
  { method: 'GET', pattern: /^\/sns\/auth$/, handler: snsAuth },
  { method: 'GET', pattern: /^\/cgi-bin\/token$/, handler: cgiToken },
  { method: 'POST', pattern: /^\/cgi-bin\/stable_token$/, handler: stableToken },
  { method: 'GET', pattern: /^\/cgi-bin\/stable_token$/, handler: stableTokenGet },
  { method: 'GET', pattern: /^\/cgi-bin\/ticket\/getticket$/, handler: getTicket },
  { method: 'POST', pattern: /^\/wxa\/business\/getuserphonenumber$/, handler: getUserPhoneNumber },
  { method: 'POST', pattern: /^\/xpay\/query_order$/, handler: xpayQueryOrder },
  { method: 'POST', pattern: /^\/xpay\/refund_order$/, handler: xpayRefundOrder },
  { method: 'POST', pattern: /^\/xpay\/download_bill$/, handler: xpayDownloadBill },
  { method: 'GET', pattern: new RegExp(`^/xpay/bill_file/${SEG}$`), handler: xpayBillFile, signed: false },
  { method: 'POST', pattern: /^\/wxa\/msg_sec_check$/, handler: msgSecCheck },
];

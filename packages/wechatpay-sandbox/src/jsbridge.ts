// What wx.requestPayment / WeixinJSBridge 'getBrandWCPayRequest' and wx.requestMerchantTransfer
// do inside WeChat, as admin endpoints: a web client under test hands the sandbox the same
// parameters it would hand WeChat, and the sandbox checks them (paySign, appId, package) the way
// the WeChat app does before the person acts.
import { isAppError } from '@fairground/core';
import type { SandboxCore } from './core.ts';
import { verifySha256Rsa } from './crypto.ts';
import { userCancelPayment, userPay } from './payments.ts';
import { userConfirmTransfer, userDeclineTransfer } from './transfers.ts';

type Body = Record<string, unknown>;

function s(body: Body, name: string): string {
  const v = body[name];
  return typeof v === 'string' ? v : '';
}

/** Checks a wx.requestPayment parameter set; returns the order's out_trade_no or an errMsg. */
export function checkPaymentParams(core: SandboxCore, body: Body): { outTradeNo: string } | { errMsg: string } {
  const appId = s(body, 'appId');
  const timeStamp = s(body, 'timeStamp');
  const nonceStr = s(body, 'nonceStr');
  const pkg = s(body, 'package');
  const signType = s(body, 'signType');
  const paySign = s(body, 'paySign');
  if (!appId || !timeStamp || !nonceStr || !pkg || !paySign) return { errMsg: 'requestPayment:fail missing parameter' };
  if (signType !== 'RSA') return { errMsg: 'requestPayment:fail invalid signType' };
  if (!/^\d{10}$/.test(timeStamp) || nonceStr.length > 32) return { errMsg: 'requestPayment:fail invalid parameter' };
  const message = `${appId}\n${timeStamp}\n${nonceStr}\n${pkg}\n`;
  if (!verifySha256Rsa(message, paySign, core.keys.merchant.publicKey)) return { errMsg: 'requestPayment:fail 支付验证签名失败' };
  const m = /^prepay_id=(.+)$/.exec(pkg);
  const order = m ? core.ordersByPrepay.get(m[1] ?? '') : undefined;
  if (order === undefined) return { errMsg: 'requestPayment:fail prepay_id无效' };
  // "微信支付会校验下单与调起支付所使用的appid的一致性"
  if (order.appid !== appId) return { errMsg: 'requestPayment:fail 调用支付JSAPI缺少参数或appid不一致' };
  return { outTradeNo: order.outTradeNo };
}

/** Body: the wx.requestPayment parameters plus `action` ('pay' default, or 'cancel') and optional `openid`. */
export function requestPayment(core: SandboxCore, body: Body): { errMsg: string } {
  core.runDueTimers();
  const checked = checkPaymentParams(core, body);
  if ('errMsg' in checked) return checked;
  const action = s(body, 'action') || 'pay';
  try {
    if (action === 'cancel') {
      userCancelPayment(core, checked.outTradeNo);
      return { errMsg: 'requestPayment:fail cancel' };
    }
    userPay(core, checked.outTradeNo, s(body, 'openid') || undefined);
    return { errMsg: 'requestPayment:ok' };
  } catch (e) {
    if (isAppError(e)) return { errMsg: `requestPayment:fail ${e.message}` };
    throw e;
  }
}

/**
 * Body: {mchId, appId, package, openId?, action?: 'confirm' | 'cancel' | 'decline'}. 'cancel' is
 * the person closing the page (the bill keeps waiting); 'decline' refuses it. As documented,
 * `ok` only means the page was shown and left, not that money moved.
 */
export function requestMerchantTransfer(core: SandboxCore, body: Body): { errMsg: string } {
  core.runDueTimers();
  const mchId = s(body, 'mchId');
  const appId = s(body, 'appId');
  const pkg = s(body, 'package');
  if (!mchId || !appId || !pkg) return { errMsg: 'requestMerchantTransfer:fail missing parameter' };
  const bill = core.transfersByPackage.get(pkg);
  if (bill === undefined || mchId !== core.keys.mchid || appId !== bill.appid) return { errMsg: 'requestMerchantTransfer:fail 参数错误' };
  const openId = s(body, 'openId');
  if (openId && openId !== bill.openid) return { errMsg: 'requestMerchantTransfer:fail 你的微信号与商家指定的微信号不一致' };
  const action = s(body, 'action') || 'confirm';
  try {
    if (action === 'cancel') return { errMsg: 'requestMerchantTransfer:fail cancel' };
    if (action === 'decline') userDeclineTransfer(core, bill.outBillNo);
    else userConfirmTransfer(core, bill.outBillNo);
    return { errMsg: 'requestMerchantTransfer:ok' };
  } catch (e) {
    if (isAppError(e)) return { errMsg: `requestMerchantTransfer:fail ${e.message}` };
    throw e;
  }
}

// Two kinds of failure live here.
//
// `SandboxErrors` are the sandbox's own expected failures (a test asks a user to pay an unknown
// order, an admin request names an unknown fault kind): they go through the platform's error
// catalogue like every other package's.
//
// `WxError` is not our error at all: it is the simulated WeChat Pay (or api.weixin.qq.com)
// answering a client with one of *its* documented codes. Those codes belong to WeChat's protocol,
// are emitted on the wire verbatim and must not enter our catalogue (the client package declares
// its own view of them).
import { defineErrors } from '@fairground/core';

export const SandboxErrors = defineErrors('wechatpay-sandbox', {
  SANDBOX_ORDER_NOT_FOUND: { status: 404, message: 'the sandbox has no order with this out_trade_no' },
  SANDBOX_ORDER_NOT_PAYABLE: { status: 409, message: 'the order cannot be paid in its current state' },
  SANDBOX_TRANSFER_NOT_FOUND: { status: 404, message: 'the sandbox has no transfer bill with this out_bill_no' },
  SANDBOX_TRANSFER_NOT_CONFIRMABLE: { status: 409, message: 'the transfer bill is not waiting for the user' },
  SANDBOX_OPENID_MISMATCH: { status: 409, message: 'the confirming user is not the payee of the transfer bill' },
  SANDBOX_FAULT_INVALID: { status: 400, message: 'the fault description is not valid' },
  SANDBOX_CLOCK_NOT_MANUAL: { status: 409, message: 'the sandbox clock is not a manual clock and cannot be advanced' },
  SANDBOX_REQUEST_INVALID: { status: 400, message: 'the sandbox admin request is not valid' },
  SANDBOX_APP_NOT_FOUND: { status: 404, message: 'the sandbox has no WeChat app with this appid' },
  SANDBOX_PLAYER_NOT_FOUND: { status: 404, message: 'the sandbox has no test player with this handle' },
  SANDBOX_PLAYER_NOT_BOUND: { status: 409, message: 'the test player does not use this app' },
});

/** A WeChat Pay APIv3 error answer: HTTP status plus `{code, message, detail?}`. */
export class WxError extends Error {
  readonly status: number;
  readonly code: string;
  readonly detail: unknown;
  constructor(status: number, code: string, message: string, detail?: unknown) {
    super(message);
    this.name = 'WxError';
    this.status = status;
    this.code = code;
    this.detail = detail;
  }

  body(): Record<string, unknown> {
    return this.detail === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, detail: this.detail };
  }
}

export const wx = {
  param: (message: string, field?: string) =>
    new WxError(400, 'PARAM_ERROR', message, field === undefined ? undefined : { field, location: 'body' }),
  invalid: (message: string) => new WxError(400, 'INVALID_REQUEST', message),
  appidMismatch: () => new WxError(400, 'APPID_MCHID_NOT_MATCH', 'appid和mch_id不匹配'),
  mchNotExists: () => new WxError(400, 'MCH_NOT_EXISTS', '商户号不存在'),
  orderNotExist: () => new WxError(404, 'ORDER_NOT_EXIST', '订单不存在'),
  resourceNotExists: (message = '记录不存在') => new WxError(404, 'RESOURCE_NOT_EXISTS', message),
  notFound: (message = '记录不存在') => new WxError(404, 'NOT_FOUND', message),
  orderClosed: () => new WxError(400, 'ORDER_CLOSED', '该订单已关闭'),
  // v3 has no documented code for paying or closing an already paid order; the v2 code ORDERPAID
  // is what merchants report seeing from v3 as well (unverified, see README).
  orderPaid: () => new WxError(400, 'ORDERPAID', '该订单已支付'),
  notEnough: (message: string) => new WxError(403, 'NOT_ENOUGH', message),
  noAuth: (message: string) => new WxError(403, 'NO_AUTH', message),
  frequency: (message = '请求频率超过上限,请降低频率后原单重试') => new WxError(429, 'FREQUENCY_LIMITED', message),
  system: () => new WxError(500, 'SYSTEM_ERROR', '系统错误,请使用相同参数稍后重新调用'),
};

/** An api.weixin.qq.com error: `{errcode, errmsg}` with HTTP 200, as that API answers. */
export class WeixinError extends Error {
  readonly errcode: number;
  readonly httpStatus: number;
  constructor(errcode: number, errmsg: string, httpStatus = 200) {
    super(errmsg);
    this.name = 'WeixinError';
    this.errcode = errcode;
    this.httpStatus = httpStatus;
  }
}

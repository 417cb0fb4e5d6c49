// Every failure the client reports is a `WechatPayError`. It says what kind of failure it was, the
// code WeChat Pay documented for it, and — the question callers actually have — whether the very
// same request (same out_trade_no / out_refund_no / out_bill_no) may be sent again, and whether the
// operation may already have happened so the caller must query before doing anything else.
//
// Catalogue codes carry a `WECHATPAY_` (or `WEIXIN_`) prefix so they can never collide with another
// domain's codes in the platform-wide catalogue; `wechatCode` holds WeChat's own spelling.
import { AppError, defineErrors, type ErrorDef } from '@fairground/core';

export const WechatPayErrors = defineErrors('wechatpay', {
  // Errors WeChat Pay answers with (section 7 of the research note). Status is the documented one.
  WECHATPAY_PARAM_ERROR: { status: 400, message: 'WeChat Pay rejected the parameters' },
  WECHATPAY_INVALID_REQUEST: { status: 400, message: 'WeChat Pay refused the request in its current state' },
  WECHATPAY_ORDER_CLOSED: { status: 400, message: 'the order is closed; use a new out_trade_no' },
  WECHATPAY_ORDERPAID: { status: 400, message: 'the order is already paid' },
  WECHATPAY_MCH_NOT_EXISTS: { status: 400, message: 'the merchant id does not exist' },
  WECHATPAY_APPID_MCHID_NOT_MATCH: { status: 400, message: 'the appid is not bound to the merchant id' },
  WECHATPAY_USER_ERROR: { status: 400, message: 'the merchant cannot transfer at the moment' },
  WECHATPAY_SIGN_ERROR: { status: 401, message: 'WeChat Pay rejected the request signature' },
  WECHATPAY_NO_AUTH: { status: 403, message: 'the product is not enabled for this merchant' },
  WECHATPAY_NOT_ENOUGH: { status: 403, message: 'the balance is not enough; top up and retry the same request', retryable: true },
  WECHATPAY_TRADE_ERROR: { status: 403, message: 'WeChat Pay refused the trade' },
  WECHATPAY_RULE_LIMIT: { status: 403, message: 'a WeChat Pay business rule refused the request' },
  WECHATPAY_ACCOUNT_ERROR: { status: 403, message: 'the account is abnormal' },
  WECHATPAY_OUT_TRADE_NO_USED: { status: 403, message: 'the merchant order number is already used' },
  WECHATPAY_ORDER_NOT_EXIST: { status: 404, message: 'no such order' },
  WECHATPAY_RESOURCE_NOT_EXISTS: { status: 404, message: 'no such resource' },
  WECHATPAY_FREQUENCY_LIMITED: { status: 429, message: 'too many requests; retry the same request later', retryable: true },
  WECHATPAY_SYSTEM_ERROR: { status: 500, message: 'WeChat Pay system error; retry the same request', retryable: true },
  WECHATPAY_BANK_ERROR: { status: 500, message: 'bank error; retry the same request', retryable: true },
  WECHATPAY_OPENID_MISMATCH: { status: 500, message: 'openid and appid do not match', retryable: true },
  WECHATPAY_INVALID_TRANSACTIONID: { status: 500, message: 'invalid transaction id', retryable: true },
  WECHATPAY_UNKNOWN_CLIENT_ERROR: { status: 400, message: 'WeChat Pay answered with an undocumented 4xx error' },
  WECHATPAY_UNKNOWN_SERVER_ERROR: { status: 502, message: 'WeChat Pay answered with an undocumented error', retryable: true },
  // Failures that are not an answer from WeChat Pay.
  WECHATPAY_TIMEOUT: { status: 504, message: 'WeChat Pay did not answer in time; the outcome is unknown', retryable: true },
  WECHATPAY_TRANSPORT_ERROR: { status: 502, message: 'could not reach WeChat Pay; the outcome is unknown', retryable: true },
  WECHATPAY_VERIFICATION_FAILED: { status: 502, message: 'the answer from WeChat Pay failed verification', retryable: true },
  WECHATPAY_BAD_RESPONSE: { status: 502, message: 'the answer from WeChat Pay is malformed', retryable: true },
  WECHATPAY_BILL_INVALID: { status: 502, message: 'the bill file is malformed or its digest does not match', retryable: true },
  // api.weixin.qq.com (login, OAuth, access_token, jsapi_ticket, phone number) answers with
  // numeric errcodes; `describeWeixinErrcode` maps them and `weixinPlayerMeaning` says what the
  // player should be told. `weixin-errcodes.catalogue.json` pins the mapping.
  WEIXIN_CODE_INVALID: { status: 400, message: 'the login code is invalid, expired or for another app' },
  WEIXIN_CODE_USED: { status: 400, message: 'the login code has already been used' },
  WEIXIN_RATE_LIMITED: { status: 429, message: 'WeChat rate limit reached', retryable: true },
  WEIXIN_DAILY_QUOTA_REACHED: { status: 429, message: 'the daily WeChat quota of this call is used up' },
  WEIXIN_RISKY_USER: { status: 403, message: 'WeChat blocked a high-risk user' },
  WEIXIN_TOKEN_INVALID: { status: 401, message: 'the access token is invalid or not the latest' },
  WEIXIN_TOKEN_EXPIRED: { status: 503, message: 'the access token expired and a fresh one did not help yet', retryable: true },
  WEIXIN_CREDENTIAL_INVALID: { status: 401, message: 'the appid or app secret is missing' },
  WEIXIN_APPID_INVALID: { status: 500, message: 'WeChat does not know the configured appid' },
  WEIXIN_SECRET_INVALID: { status: 500, message: 'WeChat refused the configured app secret' },
  WEIXIN_SYSTEM_BUSY: { status: 503, message: 'WeChat is busy; retry', retryable: true },
  WEIXIN_ERROR: { status: 502, message: 'WeChat answered with an error' },
});

export type WechatPayErrorKind =
  /** WeChat Pay (or api.weixin.qq.com) answered with an error body. */
  | 'api'
  /** No answer before the deadline (or the caller aborted): the operation may or may not have happened. */
  | 'timeout'
  /** The connection failed or broke: the operation may or may not have happened. */
  | 'transport'
  /** The answer's signature, timestamp, key or ciphertext did not verify: it must not be trusted. */
  | 'verification'
  /** The answer verified but does not have the documented shape. */
  | 'bad-response'
  /** The client refused an input before sending anything (e.g. a login code that cannot be one). */
  | 'invalid-input';

export interface WechatPayErrorInit {
  readonly kind: WechatPayErrorKind;
  /** WeChat's code in its canonical spelling (`ORDER_NOT_EXIST`, never the legacy `ORDERNOTEXIST`). */
  readonly wechatCode?: string | undefined;
  readonly wechatMessage?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly requestId?: string | undefined;
  readonly retrySameRequest: boolean;
  readonly outcomeUnknown: boolean;
  readonly details?: Record<string, unknown> | undefined;
  readonly message?: string | undefined;
  readonly cause?: unknown;
}

export class WechatPayError extends AppError {
  readonly kind: WechatPayErrorKind;
  readonly wechatCode: string | undefined;
  readonly wechatMessage: string | undefined;
  /** The HTTP status WeChat Pay actually answered with (undefined when there was no answer). */
  readonly httpStatus: number | undefined;
  readonly requestId: string | undefined;
  /**
   * True when sending the very same request again (same out_* number, same parameters) may
   * succeed. Never means "retry with a new number": changing the number is only safe after a query
   * proves the first attempt failed or was closed.
   */
  readonly retrySameRequest: boolean;
  /** True when the operation may already have happened: query it before retrying or giving up. */
  readonly outcomeUnknown: boolean;

  constructor(def: ErrorDef, init: WechatPayErrorInit) {
    super(def, { kind: init.kind, wechatCode: init.wechatCode, httpStatus: init.httpStatus, ...init.details }, init.message);
    this.name = 'WechatPayError';
    this.kind = init.kind;
    this.wechatCode = init.wechatCode;
    this.wechatMessage = init.wechatMessage;
    this.httpStatus = init.httpStatus;
    this.requestId = init.requestId;
    this.retrySameRequest = init.retrySameRequest;
    this.outcomeUnknown = init.outcomeUnknown;
    if (init.cause !== undefined) this.cause = init.cause;
  }
}

export function isWechatPayError(e: unknown, def?: ErrorDef): e is WechatPayError {
  return e instanceof WechatPayError && (def === undefined || e.code === def.code);
}

interface ApiCodeRule {
  readonly def: ErrorDef;
  readonly retrySameRequest: boolean;
}

// WeChat's codes, canonical spelling first. Legacy spellings map to the same rule.
const apiCodeRules: ReadonlyMap<string, ApiCodeRule> = new Map<string, ApiCodeRule>([
  ['PARAM_ERROR', { def: WechatPayErrors.WECHATPAY_PARAM_ERROR, retrySameRequest: false }],
  ['INVALID_REQUEST', { def: WechatPayErrors.WECHATPAY_INVALID_REQUEST, retrySameRequest: false }],
  ['ORDER_CLOSED', { def: WechatPayErrors.WECHATPAY_ORDER_CLOSED, retrySameRequest: false }],
  ['ORDERPAID', { def: WechatPayErrors.WECHATPAY_ORDERPAID, retrySameRequest: false }],
  ['MCH_NOT_EXISTS', { def: WechatPayErrors.WECHATPAY_MCH_NOT_EXISTS, retrySameRequest: false }],
  ['APPID_MCHID_NOT_MATCH', { def: WechatPayErrors.WECHATPAY_APPID_MCHID_NOT_MATCH, retrySameRequest: false }],
  ['USER_ERROR', { def: WechatPayErrors.WECHATPAY_USER_ERROR, retrySameRequest: false }],
  ['SIGN_ERROR', { def: WechatPayErrors.WECHATPAY_SIGN_ERROR, retrySameRequest: false }],
  ['NO_AUTH', { def: WechatPayErrors.WECHATPAY_NO_AUTH, retrySameRequest: false }],
  ['NOT_ENOUGH', { def: WechatPayErrors.WECHATPAY_NOT_ENOUGH, retrySameRequest: true }],
  ['TRADE_ERROR', { def: WechatPayErrors.WECHATPAY_TRADE_ERROR, retrySameRequest: false }],
  ['RULE_LIMIT', { def: WechatPayErrors.WECHATPAY_RULE_LIMIT, retrySameRequest: false }],
  ['ACCOUNT_ERROR', { def: WechatPayErrors.WECHATPAY_ACCOUNT_ERROR, retrySameRequest: false }],
  ['OUT_TRADE_NO_USED', { def: WechatPayErrors.WECHATPAY_OUT_TRADE_NO_USED, retrySameRequest: false }],
  ['ORDER_NOT_EXIST', { def: WechatPayErrors.WECHATPAY_ORDER_NOT_EXIST, retrySameRequest: false }],
  ['RESOURCE_NOT_EXISTS', { def: WechatPayErrors.WECHATPAY_RESOURCE_NOT_EXISTS, retrySameRequest: false }],
  ['FREQUENCY_LIMITED', { def: WechatPayErrors.WECHATPAY_FREQUENCY_LIMITED, retrySameRequest: true }],
  ['FREQUENCY_LIMIT_EXCEED', { def: WechatPayErrors.WECHATPAY_FREQUENCY_LIMITED, retrySameRequest: true }],
  ['SYSTEM_ERROR', { def: WechatPayErrors.WECHATPAY_SYSTEM_ERROR, retrySameRequest: true }],
  ['BANK_ERROR', { def: WechatPayErrors.WECHATPAY_BANK_ERROR, retrySameRequest: true }],
  ['OPENID_MISMATCH', { def: WechatPayErrors.WECHATPAY_OPENID_MISMATCH, retrySameRequest: true }],
  ['INVALID_TRANSACTIONID', { def: WechatPayErrors.WECHATPAY_INVALID_TRANSACTIONID, retrySameRequest: true }],
]);

/** Legacy (v2-era) spellings WeChat Pay still sends on some endpoints, mapped to the current spelling. */
const legacySpellings: ReadonlyMap<string, string> = new Map([
  ['NOAUTH', 'NO_AUTH'],
  ['NOTENOUGH', 'NOT_ENOUGH'],
  ['RULELIMIT', 'RULE_LIMIT'],
  ['ACCOUNTERROR', 'ACCOUNT_ERROR'],
  ['ORDERNOTEXIST', 'ORDER_NOT_EXIST'],
  ['SYSTEMERROR', 'SYSTEM_ERROR'],
  ['BANKERROR', 'BANK_ERROR'],
  ['ORDERCLOSED', 'ORDER_CLOSED'],
  ['FREQUENCYLIMITED', 'FREQUENCY_LIMITED'],
]);

export function canonicalWechatCode(code: string): string {
  return legacySpellings.get(code) ?? code;
}

/** The documented table as data: which error a WeChat code becomes and whether the same request may be retried. */
export function describeWechatCode(
  code: string,
  httpStatus: number,
): { def: ErrorDef; retrySameRequest: boolean; outcomeUnknown: boolean } {
  const rule = apiCodeRules.get(canonicalWechatCode(code));
  // A 5xx or 429 may come after WeChat Pay performed the operation (the transfer docs tell
  // merchants to query after any non-200 before giving up on a number), so they leave the outcome
  // unknown. The 4xx codes in the table are refusals: nothing happened.
  const maybePerformed = httpStatus >= 500 || httpStatus === 429;
  if (rule) return { def: rule.def, retrySameRequest: rule.retrySameRequest, outcomeUnknown: maybePerformed };
  if (maybePerformed) return { def: WechatPayErrors.WECHATPAY_UNKNOWN_SERVER_ERROR, retrySameRequest: true, outcomeUnknown: true };
  // An undocumented 4xx code: the transfer docs insist on querying before changing the number.
  return { def: WechatPayErrors.WECHATPAY_UNKNOWN_CLIENT_ERROR, retrySameRequest: false, outcomeUnknown: true };
}

/**
 * What a player should be told about a WeChat sign-in failure, whatever the code path:
 * - `sign-in-again`: the one-time code is spent or bad; run `wx.login` (or the OAuth page) again;
 * - `retry-later`: WeChat or our credentials are busy; the same step may work in a moment;
 * - `blocked`: WeChat refuses this WeChat account; retrying will not help;
 * - `unavailable`: our configuration is wrong; nothing the player does helps.
 */
export type WeixinPlayerAction = 'sign-in-again' | 'retry-later' | 'blocked' | 'unavailable';

export interface WeixinPlayerMeaning {
  readonly action: WeixinPlayerAction;
  /** Short text for the player, in Chinese (the product's language) … */
  readonly zh: string;
  /** … and in English. */
  readonly en: string;
}

const PLAYER_MEANINGS: Readonly<Record<WeixinPlayerAction, WeixinPlayerMeaning>> = {
  'sign-in-again': { action: 'sign-in-again', zh: '登录已失效，请重新登录', en: 'Your sign-in expired. Please sign in again.' },
  'retry-later': { action: 'retry-later', zh: '微信繁忙，请稍后再试', en: 'WeChat is busy. Please try again in a moment.' },
  blocked: { action: 'blocked', zh: '微信暂不允许该账号登录', en: 'WeChat does not allow this account to sign in right now.' },
  unavailable: { action: 'unavailable', zh: '微信登录暂不可用', en: 'WeChat sign-in is unavailable right now.' },
};

interface WeixinCodeRule {
  readonly def: ErrorDef;
  /** True when sending the very same request again may succeed (it never is for a spent code). */
  readonly retrySameRequest: boolean;
  readonly action: WeixinPlayerAction;
}

// The documented errcodes (code2Session, getStableAccessToken, getPhoneNumber and the OAuth pages
// of developers.weixin.qq.com, read through copies cited in weixin.ts), with their meaning for us.
const weixinCodeRules: ReadonlyMap<number, WeixinCodeRule> = new Map<number, WeixinCodeRule>([
  [-1, { def: WechatPayErrors.WEIXIN_SYSTEM_BUSY, retrySameRequest: true, action: 'retry-later' }],
  [40029, { def: WechatPayErrors.WEIXIN_CODE_INVALID, retrySameRequest: false, action: 'sign-in-again' }],
  [40163, { def: WechatPayErrors.WEIXIN_CODE_USED, retrySameRequest: false, action: 'sign-in-again' }],
  [45011, { def: WechatPayErrors.WEIXIN_RATE_LIMITED, retrySameRequest: true, action: 'retry-later' }],
  [45009, { def: WechatPayErrors.WEIXIN_DAILY_QUOTA_REACHED, retrySameRequest: false, action: 'retry-later' }],
  [40226, { def: WechatPayErrors.WEIXIN_RISKY_USER, retrySameRequest: false, action: 'blocked' }],
  [40001, { def: WechatPayErrors.WEIXIN_TOKEN_INVALID, retrySameRequest: false, action: 'retry-later' }],
  [40014, { def: WechatPayErrors.WEIXIN_TOKEN_INVALID, retrySameRequest: false, action: 'retry-later' }],
  [41001, { def: WechatPayErrors.WEIXIN_TOKEN_INVALID, retrySameRequest: false, action: 'retry-later' }],
  [42001, { def: WechatPayErrors.WEIXIN_TOKEN_EXPIRED, retrySameRequest: true, action: 'retry-later' }],
  [40013, { def: WechatPayErrors.WEIXIN_APPID_INVALID, retrySameRequest: false, action: 'unavailable' }],
  [40125, { def: WechatPayErrors.WEIXIN_SECRET_INVALID, retrySameRequest: false, action: 'unavailable' }],
  [41002, { def: WechatPayErrors.WEIXIN_CREDENTIAL_INVALID, retrySameRequest: false, action: 'unavailable' }],
  [41004, { def: WechatPayErrors.WEIXIN_CREDENTIAL_INVALID, retrySameRequest: false, action: 'unavailable' }],
]);

const GENERIC_WEIXIN_RULE: WeixinCodeRule = { def: WechatPayErrors.WEIXIN_ERROR, retrySameRequest: false, action: 'unavailable' };

/** Maps an api.weixin.qq.com `errcode` to our catalogue; an undocumented one becomes WEIXIN_ERROR (the errcode stays in the details). */
export function describeWeixinErrcode(errcode: number): { def: ErrorDef; retrySameRequest: boolean; action: WeixinPlayerAction } {
  return weixinCodeRules.get(errcode) ?? GENERIC_WEIXIN_RULE;
}

/** The player-facing meaning of a failed WeChat sign-in step: what to show and whether a new code is needed. */
export function weixinPlayerMeaning(error: unknown): WeixinPlayerMeaning {
  if (error instanceof WechatPayError && error.code.startsWith('WEIXIN_')) {
    const errcode = Number(error.wechatCode);
    const rule = error.wechatCode !== undefined && Number.isSafeInteger(errcode) ? weixinCodeRules.get(errcode) : undefined;
    if (rule) return PLAYER_MEANINGS[rule.action];
    const byCode = [...weixinCodeRules.values()].find((r) => r.def.code === error.code);
    return PLAYER_MEANINGS[byCode?.action ?? 'unavailable'];
  }
  // No answer, a malformed answer or a refused input: the same step may work again shortly.
  if (error instanceof WechatPayError && error.retrySameRequest) return PLAYER_MEANINGS['retry-later'];
  return PLAYER_MEANINGS.unavailable;
}

export function verificationFailed(reason: string, details?: Record<string, unknown>): WechatPayError {
  return new WechatPayError(WechatPayErrors.WECHATPAY_VERIFICATION_FAILED, {
    kind: 'verification',
    retrySameRequest: true,
    outcomeUnknown: true,
    details: { reason, ...details },
    message: `verification failed: ${reason}`,
  });
}

export function badResponse(reason: string, details?: Record<string, unknown>): WechatPayError {
  return new WechatPayError(WechatPayErrors.WECHATPAY_BAD_RESPONSE, {
    kind: 'bad-response',
    retrySameRequest: true,
    outcomeUnknown: true,
    details: { reason, ...details },
    message: `malformed answer: ${reason}`,
  });
}

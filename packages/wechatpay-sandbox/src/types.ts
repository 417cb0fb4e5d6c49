// The public surface of the sandbox, as agreed with the client package (see README).
import type { Clock } from '@fairground/core';
import type { ActiveFault, Fault } from './faults.ts';
import type { VpayAppConfig, VpayBillRow, VpayOrder, VpayPayInput, VpayPushRecord, VpayRefund, VpaySheetAnswer } from './vpay.ts';
import type { TestPlayerInput, WeixinAppInput } from './weixin-model.ts';
import type { IssueCodeInput, IssuedCodeView, SubscribeSendRecord, TestPlayerView, WeixinAppView } from './weixin-world.ts';

export type { TestPlayerInput, TestPlayerPhone, WeixinAppInput, WeixinAppKind, WeixinCodeKind, OAuthScopeName } from './weixin-model.ts';
export type { IssueCodeInput, IssuedCodeView, TestPlayerView, WeixinAppView } from './weixin-world.ts';

export type KeyMode = 'publicKey' | 'platformCertificate';

export interface SandboxOptions {
  /** Tests pass a ManualClock; default the system clock. */
  clock?: Clock;
  /** How responses and notifications are signed by default; default 'publicKey'. */
  keyMode?: KeyMode;
  /** Default 127.0.0.1 and an ephemeral port. */
  host?: string;
  port?: number;
  /** Standalone mode: keys and merchant config JSON are written here (and reused on restart). */
  dataDir?: string;
  /** Defaults '1900000001' and 'wx8888888888888888'. */
  mchid?: string;
  appid?: string;
  /** Default true: a loopback http notify_url is accepted (real WeChat Pay demands https). */
  allowHttpNotifyUrl?: boolean;
  /**
   * Run `runDue()` on a real timer every this many milliseconds. Default: 1000 when the sandbox
   * uses the system clock (so `npm start` gets notifications on its own), off when a clock is
   * passed (tests drive time themselves). 0 turns it off.
   */
  autoRunIntervalMs?: number;
  /** Starting balances (fen) of the merchant's basic account (trades, refunds) and operation account (transfers). */
  basicBalanceFen?: number;
  operationBalanceFen?: number;
  /** Transfer scenes the merchant has enabled; default ['1000', '1005']. */
  transferScenes?: string[];
  /** Largest single transfer the merchant configured (fen); default 2,000,000 (20,000 yuan). The minimum, 10 fen, is fixed. */
  transferAmountMaxFen?: number;
  /** Minimum gap between two refund requests of one order; default 60,000 ms as documented. */
  refundIntervalMs?: number;
  /**
   * api.weixin.qq.com apps besides (or changing) the defaults: the pay appid as a mini-program and
   * one mini-game, official account and website app, all bound to the Open Platform account
   * 'sandbox-open'. Give `openPlatformId: null` to an app to take its unionids away.
   */
  weixinApps?: WeixinAppInput[];
}

export interface SandboxMerchant {
  mchid: string;
  appid: string;
  /** Merchant API certificate serial (40 hex). */
  serialNo: string;
  /** Merchant API private key (PKCS#8 PEM): the client signs with it. */
  privateKeyPem: string;
  certificatePem: string;
  /** 32 characters. */
  apiV3Key: string;
  /** For jscode2session, OAuth and access_token. */
  appSecret: string;
}

export interface SandboxPlatform {
  /** 'PUB_KEY_ID_' + 32 digits (public-key mode). */
  publicKeyId: string;
  publicKeyPem: string;
  /** Platform-certificate mode. */
  certificates: { serialNo: string; certificatePem: string; publicKeyPem: string }[];
}

export interface FaultControllerApi {
  inject(fault: Fault): number;
  clear(): void;
  list(): readonly ActiveFault[];
}

export interface SandboxUser {
  /** NOTPAY -> SUCCESS and a TRANSACTION.SUCCESS notification (delivered by runDue). */
  pay(outTradeNo: string, openid?: string): Promise<void>;
  /** The payer closes the cashier: the order stays NOTPAY, WeChat Pay sends nothing. */
  cancelPayment(outTradeNo: string): Promise<void>;
  /** WAIT_USER_CONFIRM -> TRANSFERING -> SUCCESS (the last step and its notification happen in runDue). */
  confirmTransfer(outBillNo: string): Promise<void>;
  /** WAIT_USER_CONFIRM -> FAIL (fail_reason USER_REJECT) and a MCHTRANSFER.BILL.FINISHED notification. */
  declineTransfer(outBillNo: string): Promise<void>;
  /**
   * A single-use code for jscode2session ('jscode') or the H5 OAuth access_token exchange ('oauth')
   * of the default app, for a player whose openid there is `openid` (the first version's shortcut;
   * `sandbox.weixin.issueCode` is the general one).
   */
  loginCode(openid: string, kind: 'jscode' | 'oauth'): string;
}

/** The WeChat sign-in side: apps, test players and their codes, token control and call counts. */
export interface SandboxWeixin {
  apps(): WeixinAppView[];
  /** One app; the default (pay) app when `appid` is omitted. Throws SANDBOX_APP_NOT_FOUND. */
  app(appid?: string): WeixinAppView;
  upsertApp(input: WeixinAppInput): WeixinAppView;
  /** Creates a test player, or updates the fields given. */
  upsertPlayer(input: TestPlayerInput): TestPlayerView;
  player(handle: string): TestPlayerView | undefined;
  players(): TestPlayerView[];
  /** The one-time code the player's WeChat hands the app: 'jscode' (wx.login), 'oauth' (consent / QR scan), 'phone' (getPhoneNumber). */
  issueCode(input: IssueCodeInput): IssuedCodeView;
  /** Ends the app's access tokens now: 'expire' (then 42001) or 'revoke' (then 40001). Returns how many. */
  endTokens(appid: string, how: 'expire' | 'revoke'): number;
  /** Calls per endpoint ('POST /cgi-bin/stable_token': 3, …) since the start or the last reset. */
  calls(): Record<string, number>;
  resetCalls(): void;
  /** Subscription messages /cgi-bin/message/subscribe/send accepted, oldest first. */
  subscribeSends(): readonly SubscribeSendRecord[];
  /**
   * What WeChat checks when a mini-game calls wx.joinVoIPChat: the signature is
   * hex(HMAC-SHA256(session_key, [appId, groupId, nonceStr, timeStamp].sort().join(''))) under the
   * newest session_key of one of the app's users. Answers that user's openid, or null (WeChat's
   * "signature invalid").
   */
  voipSigner(input: { appid: string; groupId: string; nonceStr: string; timeStamp: number; signature: string }): string | null;
}

/** One notification as the sandbox recorded it, for tests and the admin view. */
export interface NotificationRecord {
  id: string;
  eventType: string;
  notifyUrl: string;
  /** The decrypted resource, as the merchant will see it after decryption. */
  resource: Record<string, unknown>;
  state: 'pending' | 'delivered' | 'dropped' | 'abandoned';
  attempts: { atMs: number; status: number | null; ok: boolean; error?: string }[];
  nextAttemptMs: number | null;
}

export interface Sandbox {
  /** Stands in for https://api.mch.weixin.qq.com and https://api.weixin.qq.com. */
  baseUrl: string;
  /** Where the cashier, transfer confirmation and OAuth consent pages live (the same server). */
  pagesUrl: string;
  merchant: SandboxMerchant;
  platform: SandboxPlatform;
  clock: Clock;
  faults: FaultControllerApi;
  /** Runs every state change and delivers every notification whose (re)try time has come by the sandbox clock. */
  runDue(): Promise<void>;
  user: SandboxUser;
  weixin: SandboxWeixin;
  /** 虚拟支付 2.0 of the mini-game apps (see vpay.ts). */
  vpay: {
    /** Turns virtual payment on for an app: OfferID and AppKey (derived unless given) and the push URL. */
    configure(input: { appid: string; offerId?: string; appKey?: string; pushUrl?: string | null; feePermille?: number }): VpayAppConfig;
    /** The payment sheet: what wx.requestMidasPaymentGameItem does once the player chooses. */
    pay(input: VpayPayInput): VpaySheetAnswer;
    order(outTradeNo: string): VpayOrder | undefined;
    pushes(outTradeNo?: string): VpayPushRecord[];
    /** Refunds made through /xpay/refund_order, oldest first. */
    refunds(): VpayRefund[];
    /** The lines download_bill's file holds for one China-time day (yyyymmdd). */
    billLines(appid: string, day: string): VpayBillRow[];
  };
  /** Every notification so far, oldest first (bounded). */
  notifications(): NotificationRecord[];
  close(): Promise<void>;
}

// The sandbox's state and the services every endpoint shares: the clock, keys and signing, faults,
// the scheduler, the notifier, the merchant's ledger, and the stores of orders, refunds, transfer
// bills and profit-sharing orders.
import { randomBytes } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { NonceCache } from './auth.ts';
import { oaepDecrypt, randomAlphanumeric, randomDigits, randomHex, signSha256Rsa } from './crypto.ts';
import { wx } from './errors.ts';
import { type ActiveFault, FaultController } from './faults.ts';
import type { KeyMaterial, RsaIdentity } from './keys.ts';
import { Ledger } from './ledger.ts';
import type { Order, Refund, SharingOrder, SharingReceiver, SharingReturn, TransferBill } from './model.ts';
import { Notifier, type SignedHeaders } from './notifier.ts';
import { Scheduler } from './scheduler.ts';
import { beijingDate, rfc3339, unixSeconds } from './time.ts';
import type { KeyMode } from './types.ts';
import { VpayWorld } from './vpay.ts';
import { WeixinWorld } from './weixin-world.ts';

export interface CoreOptions {
  keyMode: KeyMode;
  allowHttpNotifyUrl: boolean;
  transferScenes: string[];
  transferAmountMaxFen: number;
  refundIntervalMs: number;
  basicBalanceFen: number;
  operationBalanceFen: number;
}

/** How stale a 'stale-timestamp' fault makes a signature: well outside every SDK's ±300 s window. */
export const STALE_TIMESTAMP_OFFSET_S = 600;
/** Bound on one runDue(): a loop that keeps finding work this many times is a bug. */
export const RUN_DUE_STEPS_MAX = 100_000;

export type SignatureFaultKind = 'bad-signature' | 'signtest' | 'stale-timestamp' | 'wrong-serial';
export const SIGNATURE_FAULTS: readonly SignatureFaultKind[] = ['bad-signature', 'signtest', 'stale-timestamp', 'wrong-serial'];

export class SandboxCore {
  readonly clock: Clock;
  readonly keys: KeyMaterial;
  readonly options: CoreOptions;
  readonly faults = new FaultController();
  readonly nonces = new NonceCache();
  readonly scheduler: Scheduler;
  readonly notifier: Notifier;
  readonly ledger: Ledger;
  baseUrl = '';

  readonly orders = new Map<string, Order>();
  readonly ordersByTransaction = new Map<string, Order>();
  readonly ordersByPrepay = new Map<string, Order>();
  readonly ordersByCodeToken = new Map<string, Order>();
  readonly refunds = new Map<string, Refund>();
  readonly transfers = new Map<string, TransferBill>();
  readonly transfersByNo = new Map<string, TransferBill>();
  readonly transfersByPackage = new Map<string, TransferBill>();
  readonly sharingOrders = new Map<string, SharingOrder>();
  readonly sharingReturns = new Map<string, SharingReturn>();
  readonly sharingReceivers = new Map<string, SharingReceiver>();
  /** api.weixin.qq.com: apps, test players, codes and tokens. */
  readonly weixin: WeixinWorld;
  /** 虚拟支付 2.0: apps' OfferID/AppKey/push URL, session_keys, orders and delivery pushes. */
  readonly vpay: VpayWorld = new VpayWorld(() => this);
  /** Generated bill files by download token. */
  readonly billFiles = new Map<string, { bytes: Buffer; expiresMs: number }>();

  #seq = 0;
  readonly nextSeq = (): number => ++this.#seq;

  constructor(clock: Clock, keys: KeyMaterial, options: CoreOptions) {
    this.clock = clock;
    this.keys = keys;
    this.options = options;
    this.scheduler = new Scheduler(this.nextSeq);
    this.ledger = new Ledger(options.basicBalanceFen, options.operationBalanceFen);
    this.weixin = new WeixinWorld({
      nowMs: () => this.clock.nowMs(),
      seed: `${keys.appSecret}:${keys.apiV3Key}`,
      defaultAppid: keys.appid,
      defaultSecret: keys.appSecret,
      pagesUrl: () => this.pagesUrl,
    });
    this.notifier = new Notifier({
      clock,
      faults: this.faults,
      apiV3Key: () => this.keys.apiV3Key,
      nextSeq: this.nextSeq,
      sign: (body, path) => this.signHeaders(body, this.defaultIdentity(), this.faults.take(SIGNATURE_FAULTS, 'POST', path)),
    });
  }

  nowMs(): number {
    return this.clock.nowMs();
  }

  get pagesUrl(): string {
    return this.baseUrl;
  }

  /**
   * Runs the deadlines due by now (and the work, when `includeWork`, as runDue does), in order.
   * Synchronous: only state, no I/O.
   */
  runDueTimers(includeWork = false): void {
    for (let i = 0; i < RUN_DUE_STEPS_MAX; i++) {
      const t = this.scheduler.takeDue(this.nowMs(), includeWork);
      if (t === null) return;
      t.run();
    }
    throw new Error('sandbox timers did not settle');
  }

  /** The key that signs responses and notifications unless the request's Wechatpay-Serial names another. */
  defaultIdentity(): RsaIdentity {
    if (this.options.keyMode === 'publicKey') return this.keys.publicKey;
    return this.newestPlatformCertificate();
  }

  newestPlatformCertificate(): RsaIdentity {
    const certs = [...this.keys.platformCertificates].sort((a, b) => b.effectiveMs - a.effectiveMs);
    const newest = certs[0];
    if (newest === undefined) throw new Error('sandbox has no platform certificate');
    return newest;
  }

  /** The platform key a client named in Wechatpay-Serial, if the sandbox has it. */
  identityById(id: string | undefined): RsaIdentity | undefined {
    if (id === undefined) return undefined;
    if (id === this.keys.publicKey.id) return this.keys.publicKey;
    return this.keys.platformCertificates.find((c) => c.id.toUpperCase() === id.toUpperCase());
  }

  /** Response/notification signature headers over `ts\nnonce\nbody\n`, with a signature fault applied if given. */
  signHeaders(body: string, identity: RsaIdentity, fault: Pick<ActiveFault, 'kind'> | null): SignedHeaders {
    let timestamp = unixSeconds(this.nowMs());
    if (fault?.kind === 'stale-timestamp') timestamp -= STALE_TIMESTAMP_OFFSET_S;
    const nonce = randomHex(16);
    let signature = signSha256Rsa(`${timestamp}\n${nonce}\n${body}\n`, identity.privateKey);
    let serial = identity.id;
    if (fault?.kind === 'bad-signature') {
      // A well-formed signature by the right key over a different message: only verification catches it.
      signature = signSha256Rsa(`${timestamp}\n${nonce}\n${body}tampered\n`, identity.privateKey);
    } else if (fault?.kind === 'signtest') {
      signature = `WECHATPAY/SIGNTEST/${randomBytes(180).toString('base64')}`;
    } else if (fault?.kind === 'wrong-serial') {
      serial = identity.id.startsWith('PUB_KEY_ID_') ? `PUB_KEY_ID_${randomDigits(32)}` : randomHex(20).toUpperCase();
    }
    return {
      'Wechatpay-Timestamp': String(timestamp),
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': serial,
      'Wechatpay-Signature': signature,
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
  }

  /**
   * Decrypts a sensitive field (RSA-OAEP) with the platform key named by the request's
   * Wechatpay-Serial, as WeChat Pay requires; 400 PARAM_ERROR when the header is missing or
   * names no key, or the field does not decrypt.
   */
  decryptSensitive(ciphertext: string, requestSerial: string | undefined, field: string): string {
    if (requestSerial === undefined)
      throw wx.param('请求头Wechatpay-Serial缺失:加密敏感信息时必须指明加密所用的公钥或证书', 'Wechatpay-Serial');
    const identity = this.identityById(requestSerial);
    if (identity === undefined) throw wx.param('Wechatpay-Serial对应的平台证书或微信支付公钥不存在', 'Wechatpay-Serial');
    const plain = oaepDecrypt(ciphertext, identity.privateKey);
    if (plain === null || plain === '') throw wx.param(`${field}解密失败,请使用Wechatpay-Serial对应的公钥加密`, field);
    return plain;
  }

  /** A 28-digit transaction id like 4200000426201911033037577837. */
  newTransactionId(): string {
    return `4200000${randomDigits(3)}${beijingDate(this.nowMs()).replaceAll('-', '')}${randomDigits(10)}`;
  }

  newPrepayId(): string {
    const stamp = rfc3339(this.nowMs()).slice(0, 19).replace(/[-T:]/g, '');
    return `wx${stamp}${randomHex(10)}`;
  }

  newRefundId(): string {
    return `50${randomDigits(27)}`;
  }

  newTransferBillNo(): string {
    return `1330${randomDigits(30)}`;
  }

  newSharingId(): string {
    return `30${randomDigits(26)}`;
  }

  newDetailId(): string {
    return `36${randomDigits(21)}`;
  }

  newPackageInfo(): string {
    return randomBytes(72).toString('base64');
  }

  newCodeToken(): string {
    return randomAlphanumeric(7);
  }
}

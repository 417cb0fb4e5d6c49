// Notifications made by hand, signed and encrypted with the sandbox's own keys (read from its data
// folder), so a test can send exactly the malformed or mismatched message it wants.
import { createCipheriv, createPrivateKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface SandboxSecrets {
  readonly apiV3Key: string;
  readonly publicKeyId: string;
  readonly privateKey: KeyObject;
}

export function readSandboxSecrets(dataDir: string): SandboxSecrets {
  const stored = JSON.parse(readFileSync(join(dataDir, 'sandbox-keys.json'), 'utf8')) as {
    apiV3Key: string;
    publicKey: { id: string; privateKeyPem: string };
  };
  return { apiV3Key: stored.apiV3Key, publicKeyId: stored.publicKey.id, privateKey: createPrivateKey(stored.publicKey.privateKeyPem) };
}

function rfc3339(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

export function encryptResource(apiV3Key: string, resource: object, associatedData: string) {
  const nonce = randomBytes(6).toString('hex');
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const enc = Buffer.concat([cipher.update(JSON.stringify(resource), 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return {
    original_type: associatedData,
    algorithm: 'AEAD_AES_256_GCM',
    ciphertext: enc.toString('base64'),
    associated_data: associatedData,
    nonce,
  };
}

export interface ForgeOptions {
  readonly nowMs: number;
  readonly eventType: string;
  readonly resource: object;
  readonly associatedData: string;
  /** Change the ciphertext after encrypting (and before signing). */
  readonly tamper?: boolean;
  readonly serial?: string;
  readonly timestampOffsetS?: number;
  readonly signature?: string;
}

export function forge(s: SandboxSecrets, o: ForgeOptions): { headers: Record<string, string>; body: string } {
  const resource = encryptResource(s.apiV3Key, o.resource, o.associatedData);
  if (o.tamper) {
    const bytes = Buffer.from(resource.ciphertext, 'base64');
    bytes[0] = (bytes[0] ?? 0) ^ 0x01;
    resource.ciphertext = bytes.toString('base64');
  }
  const body = JSON.stringify({
    id: `EV-${randomBytes(8).toString('hex')}`,
    create_time: rfc3339(o.nowMs),
    resource_type: 'encrypt-resource',
    event_type: o.eventType,
    summary: 'forged in a test',
    resource,
  });
  const ts = String(Math.floor(o.nowMs / 1000) + (o.timestampOffsetS ?? 0));
  const nonce = randomBytes(16).toString('hex');
  const signature = o.signature ?? sign('sha256', Buffer.from(`${ts}\n${nonce}\n${body}\n`), s.privateKey).toString('base64');
  return {
    body,
    headers: {
      'content-type': 'application/json',
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': nonce,
      'wechatpay-signature': signature,
      'wechatpay-serial': o.serial ?? s.publicKeyId,
      'wechatpay-signature-type': 'WECHATPAY2-SHA256-RSA2048',
    },
  };
}

export function transactionResource(o: {
  appid: string;
  mchid: string;
  outTradeNo: string;
  transactionId: string;
  totalFen: number;
  openid: string;
  nowMs: number;
}) {
  return {
    appid: o.appid,
    mchid: o.mchid,
    out_trade_no: o.outTradeNo,
    transaction_id: o.transactionId,
    trade_type: 'JSAPI',
    trade_state: 'SUCCESS',
    trade_state_desc: '支付成功',
    bank_type: 'OTHERS',
    attach: '',
    success_time: rfc3339(o.nowMs),
    payer: { openid: o.openid },
    amount: { total: o.totalFen, payer_total: o.totalFen, currency: 'CNY', payer_currency: 'CNY' },
  };
}

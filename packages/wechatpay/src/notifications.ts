// Notifications WeChat Pay POSTs to our notify_url (section 3 of the research note): verify the
// signature over the raw body first, then decrypt the AEAD_AES_256_GCM resource, then read it into
// a typed resource. Nothing from the body is trusted before the signature verifies.
import { badResponse, isWechatPayError, type WechatPayError } from './errors.ts';
import { Fields, type JsonObject } from './fields.ts';
import { decryptAesGcm } from './cipher.ts';
import { NOTIFICATION_BYTES_MAX } from './limits.ts';
import {
  type RefundNotice,
  readRefundNotice,
  readTransaction,
  readTransferBillNotice,
  type Transaction,
  type TransferBillNotice,
} from './models.ts';
import type { HeaderSource, WechatPayVerifier } from './verifier.ts';
import { verificationFailed } from './errors.ts';

interface NotificationEnvelope {
  /** Notification id, e.g. `EV-2018022511223320873`; the same id arrives again on retries. */
  readonly id: string;
  readonly createTime: string;
  readonly eventType: string;
  readonly resourceType: string;
  readonly summary: string;
  /** `Wechatpay-Serial` that signed it (a PUB_KEY_ID_… or a platform certificate serial). */
  readonly signedBy: string;
}

export interface TransactionNotification extends NotificationEnvelope {
  readonly kind: 'transaction';
  readonly resource: Transaction;
}
export interface RefundNotification extends NotificationEnvelope {
  readonly kind: 'refund';
  readonly eventType: 'REFUND.SUCCESS' | 'REFUND.ABNORMAL' | 'REFUND.CLOSED';
  readonly resource: RefundNotice;
}
export interface TransferBillNotification extends NotificationEnvelope {
  readonly kind: 'transfer-bill';
  readonly eventType: 'MCHTRANSFER.BILL.FINISHED';
  readonly resource: TransferBillNotice;
}
/** An event this library does not type (yet); the decrypted resource is handed over as JSON. */
export interface OtherNotification extends NotificationEnvelope {
  readonly kind: 'other';
  readonly resource: JsonObject;
}
export type WechatPayNotification = TransactionNotification | RefundNotification | TransferBillNotification | OtherNotification;

export interface NotificationKeys {
  readonly verifier: WechatPayVerifier;
  readonly apiV3Key: string;
}

/**
 * Verifies and decrypts one notification. `rawBody` must be the bytes exactly as received (not a
 * re-serialised object). Throws a `verification` WechatPayError when the signature, key, timestamp
 * or ciphertext is wrong (answer 401 so WeChat Pay retries), and a `bad-response` one when a
 * verified body does not have the documented shape.
 */
export function parseNotification(keys: NotificationKeys, headers: HeaderSource, rawBody: Uint8Array | string): WechatPayNotification {
  const size = typeof rawBody === 'string' ? Buffer.byteLength(rawBody, 'utf8') : rawBody.byteLength;
  if (size > NOTIFICATION_BYTES_MAX) throw verificationFailed('notification body too large', { size });
  const signed = keys.verifier.verify(headers, rawBody);
  let parsed: unknown;
  try {
    parsed = JSON.parse(typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8'));
  } catch {
    throw badResponse('notification body is not JSON');
  }
  const f = new Fields(parsed, 'notification');
  const resourceFields = f.obj('resource');
  const plaintext = decryptAesGcm(keys.apiV3Key, {
    algorithm: resourceFields.str('algorithm'),
    ciphertext: resourceFields.str('ciphertext'),
    associated_data: resourceFields.optStr('associated_data'),
    nonce: resourceFields.str('nonce'),
  });
  let resource: unknown;
  try {
    resource = JSON.parse(plaintext);
  } catch {
    throw badResponse('decrypted resource is not JSON');
  }
  const envelope: NotificationEnvelope = {
    id: f.str('id'),
    createTime: f.str('create_time'),
    eventType: f.str('event_type'),
    resourceType: f.str('resource_type'),
    summary: f.optStr('summary') ?? '',
    signedBy: signed.serial,
  };
  switch (envelope.eventType) {
    case 'TRANSACTION.SUCCESS':
      return { ...envelope, kind: 'transaction', resource: readTransaction(resource) };
    case 'REFUND.SUCCESS':
    case 'REFUND.ABNORMAL':
    case 'REFUND.CLOSED':
      return { ...envelope, eventType: envelope.eventType, kind: 'refund', resource: readRefundNotice(resource) };
    case 'MCHTRANSFER.BILL.FINISHED':
      return { ...envelope, eventType: envelope.eventType, kind: 'transfer-bill', resource: readTransferBillNotice(resource) };
    default:
      return { ...envelope, kind: 'other', resource: new Fields(resource, 'resource').raw };
  }
}

/**
 * What the notify_url route answers. WeChat Pay decides by HTTP status alone: 2xx stops the
 * retries; anything else makes it retry on its schedule. A failed verification answers 401 (as
 * the official Java SDK advises) so a probe or forgery never counts as delivered.
 */
export function notificationAnswer(error?: unknown): { status: number; body: { code: string; message: string } | undefined } {
  if (error === undefined) return { status: 204, body: undefined };
  const status = isWechatPayError(error) && (error as WechatPayError).kind === 'verification' ? 401 : 500;
  return { status, body: { code: 'FAIL', message: '失败' } };
}

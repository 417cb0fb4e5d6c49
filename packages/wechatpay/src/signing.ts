// APIv3 request signing (WECHATPAY2-SHA256-RSA2048), the wx.requestPayment paySign, and the random
// nonce they share. Wire formats: sections 1.1 and 2.2 of the research note.
import { createHash, createPrivateKey, type KeyObject, randomBytes, sign } from 'node:crypto';
import { NONCE_LENGTH } from './limits.ts';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';

const NONCE_ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
// Bytes at or above this are discarded so every character is equally likely (248 = 4 × 62).
const NONCE_BYTE_LIMIT = 248;

/** A random string of `[0-9A-Za-z]` from node:crypto, 32 characters by default like every official SDK. */
export function randomNonce(length: number = NONCE_LENGTH): string {
  if (!Number.isSafeInteger(length) || length < 1 || length > 128) throw new RangeError(`nonce length ${length} out of range`);
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte >= NONCE_BYTE_LIMIT) continue;
      out += NONCE_ALPHABET[byte % 62];
      if (out.length === length) break;
    }
  }
  return out;
}

/** Five lines, each ending in `\n`: method, canonical URL (raw path and query), seconds, nonce, body (empty for GET). */
export function requestSignatureMessage(
  method: string,
  canonicalUrl: string,
  timestampSeconds: number,
  nonce: string,
  body: string,
): string {
  return `${method.toUpperCase()}\n${canonicalUrl}\n${timestampSeconds}\n${nonce}\n${body}\n`;
}

/** Three lines, each ending in `\n`: seconds, nonce, body (empty for 204). */
export function responseSignatureMessage(timestamp: string, nonce: string, body: string | Uint8Array): Buffer {
  const head = Buffer.from(`${timestamp}\n${nonce}\n`, 'utf8');
  const bodyBytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return Buffer.concat([head, bodyBytes, Buffer.from('\n')]);
}

/** SHA256withRSA (RSASSA-PKCS1-v1_5), standard Base64. */
export function rsaSign(message: string | Uint8Array, privateKey: KeyObject): string {
  return sign('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, privateKey).toString('base64');
}

export function loadPrivateKey(pem: string | KeyObject): KeyObject {
  if (typeof pem !== 'string') return pem;
  const key = createPrivateKey(pem);
  if (key.asymmetricKeyType !== 'rsa') throw new Error('the merchant API key must be an RSA private key');
  return key;
}

export interface AuthorizationParts {
  readonly mchid: string;
  readonly serialNo: string;
  readonly timestampSeconds: number;
  readonly nonce: string;
  readonly signature: string;
}

export function formatAuthorization(parts: AuthorizationParts): string {
  return (
    `${AUTH_SCHEME} mchid="${parts.mchid}",nonce_str="${parts.nonce}",timestamp="${parts.timestampSeconds}",` +
    `serial_no="${parts.serialNo}",signature="${parts.signature}"`
  );
}

/** Builds the `Authorization` header for one request. `canonicalUrl` is the raw path plus `?query` exactly as sent. */
export function buildAuthorization(input: {
  readonly mchid: string;
  readonly serialNo: string;
  readonly privateKey: KeyObject;
  readonly method: string;
  readonly canonicalUrl: string;
  readonly body: string;
  readonly timestampSeconds: number;
  readonly nonce?: string;
}): string {
  const nonce = input.nonce ?? randomNonce();
  const message = requestSignatureMessage(input.method, input.canonicalUrl, input.timestampSeconds, nonce, input.body);
  const signature = rsaSign(message, input.privateKey);
  return formatAuthorization({ mchid: input.mchid, serialNo: input.serialNo, timestampSeconds: input.timestampSeconds, nonce, signature });
}

/** The parameter set that `wx.requestPayment` (mini-program) and `WeixinJSBridge.invoke('getBrandWCPayRequest')` (H5) take. */
export interface PaymentParams {
  readonly appId: string;
  /** Unix seconds as a string, as the JS APIs require. */
  readonly timeStamp: string;
  readonly nonceStr: string;
  /** `prepay_id=<prepay_id>` */
  readonly package: string;
  /** Always `RSA` for APIv3; it is not part of the signed message. */
  readonly signType: 'RSA';
  readonly paySign: string;
}

/** Four lines, each ending in `\n`: appId, timeStamp, nonceStr, package. */
export function paySignMessage(appId: string, timeStamp: string, nonceStr: string, packageValue: string): string {
  return `${appId}\n${timeStamp}\n${nonceStr}\n${packageValue}\n`;
}

export function buildPaymentParams(input: {
  readonly appId: string;
  readonly prepayId: string;
  readonly privateKey: KeyObject;
  readonly timestampSeconds: number;
  readonly nonce?: string;
}): PaymentParams {
  const nonceStr = input.nonce ?? randomNonce();
  const timeStamp = String(input.timestampSeconds);
  const packageValue = `prepay_id=${input.prepayId}`;
  const paySign = rsaSign(paySignMessage(input.appId, timeStamp, nonceStr, packageValue), input.privateKey);
  return { appId: input.appId, timeStamp, nonceStr, package: packageValue, signType: 'RSA', paySign };
}

/**
 * The official-account JS-SDK `wx.config` signature: SHA-1 (hex) over
 * `jsapi_ticket=…&noncestr=…&timestamp=…&url=…` (keys in ASCII order, values raw, URL without `#…`).
 */
export function jsSdkSignature(input: {
  readonly jsapiTicket: string;
  readonly nonceStr: string;
  readonly timestampSeconds: number;
  readonly url: string;
}): string {
  const url = stripFragment(input.url);
  const text = `jsapi_ticket=${input.jsapiTicket}&noncestr=${input.nonceStr}&timestamp=${input.timestampSeconds}&url=${url}`;
  return createHash('sha1').update(text, 'utf8').digest('hex');
}

function stripFragment(url: string): string {
  const hash = url.indexOf('#');
  return hash === -1 ? url : url.slice(0, hash);
}

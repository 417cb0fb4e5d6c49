// Verification of the merchant's request signature (WECHATPAY2-SHA256-RSA2048), from the raw
// request line and the raw body bytes exactly as received, never from a re-serialised object.
import type { KeyObject } from 'node:crypto';
import { verifySha256Rsa } from './crypto.ts';
import { WxError } from './errors.ts';

export const AUTH_SCHEME = 'WECHATPAY2-SHA256-RSA2048';
/** Requests signed further than this from the sandbox clock are refused (the research note's ±300 s). */
export const REQUEST_CLOCK_SKEW_MAX_S = 300;
/** Nonces are remembered for the skew window; beyond this many the oldest are forgotten. */
export const NONCES_REMEMBERED_MAX = 100_000;
/** An Authorization header longer than this is not a WeChat Pay header. */
export const AUTHORIZATION_LENGTH_MAX = 4096;

export interface AuthItems {
  mchid: string;
  nonce_str: string;
  timestamp: string;
  serial_no: string;
  signature: string;
}

const ITEM_NAMES = ['mchid', 'nonce_str', 'timestamp', 'serial_no', 'signature'] as const;

/** Parses `WECHATPAY2-SHA256-RSA2048 k="v",k="v",…` (items in any order); null if it is not that shape. */
export function parseAuthorization(header: string | undefined): { scheme: string; items: Partial<AuthItems> } | null {
  if (header === undefined || header.length > AUTHORIZATION_LENGTH_MAX) return null;
  const space = header.indexOf(' ');
  if (space < 0) return null;
  const scheme = header.slice(0, space);
  const rest = header.slice(space + 1).trim();
  const items: Partial<AuthItems> = {};
  const re = /\s*([a-z_]+)="([^"]*)"\s*(,|$)/gy;
  let consumed = 0;
  for (let m = re.exec(rest); m !== null; m = re.exec(rest)) {
    const key = m[1] as string;
    if ((ITEM_NAMES as readonly string[]).includes(key)) (items as Record<string, string>)[key] = m[2] as string;
    consumed = re.lastIndex;
    if (m[3] === '') break;
  }
  if (consumed !== rest.length) return null;
  return { scheme, items };
}

export interface VerifyInput {
  method: string;
  /** Path and query exactly as on the request line. */
  rawUrl: string;
  rawBody: Buffer;
  authorization: string | undefined;
  nowMs: number;
  mchid: string;
  merchantSerial: string;
  merchantPublicKey: KeyObject;
}

/** A bounded memory of nonces seen within the clock-skew window. */
export class NonceCache {
  #seen = new Map<string, number>();

  /** True if the nonce is new (and remembers it). */
  claim(key: string, nowMs: number): boolean {
    const expiry = this.#seen.get(key);
    if (expiry !== undefined && expiry > nowMs) return false;
    if (this.#seen.size >= NONCES_REMEMBERED_MAX) {
      for (const [k, exp] of this.#seen) {
        if (exp <= nowMs || this.#seen.size >= NONCES_REMEMBERED_MAX) this.#seen.delete(k);
        if (this.#seen.size < NONCES_REMEMBERED_MAX / 2) break;
      }
    }
    this.#seen.set(key, nowMs + 2 * REQUEST_CLOCK_SKEW_MAX_S * 1000);
    return true;
  }
}

function signError(issue: string, field: string, signInformation?: Record<string, unknown>, message = '签名错误,请检查后再试'): WxError {
  const detail: Record<string, unknown> = { detail: { issue }, field, location: 'authorization' };
  if (signInformation !== undefined) detail.sign_information = signInformation;
  return new WxError(401, 'SIGN_ERROR', message, detail);
}

/** Throws a 401 SIGN_ERROR WxError unless the request carries a valid, fresh, unreplayed merchant signature. */
export function verifyRequest(input: VerifyInput, nonces: NonceCache): AuthItems {
  const parsed = parseAuthorization(input.authorization);
  if (parsed === null) throw signError('Authorization header is missing or malformed', 'authorization', undefined, '错误的签名,验签失败');
  if (parsed.scheme !== AUTH_SCHEME)
    throw signError(`unsupported authorization type ${parsed.scheme}`, 'authorization', undefined, '错误的签名,验签失败');
  for (const name of ITEM_NAMES) {
    if (!parsed.items[name]) throw signError(`${name} is missing`, name, undefined, '签名信息不完整');
  }
  const items = parsed.items as AuthItems;
  if (items.mchid !== input.mchid) throw signError('mchid does not exist', 'mchid', undefined, '商户号不存在或签名信息错误');
  if (items.serial_no.toUpperCase() !== input.merchantSerial.toUpperCase()) {
    throw signError(
      'serial_no is not a valid merchant certificate serial',
      'serial_no',
      undefined,
      '商户证书序列号有误。请使用签名私钥匹配的证书序列号',
    );
  }
  if (!/^\d{10}$/.test(items.timestamp)) throw signError('timestamp is not 10 digits', 'timestamp');
  const skewS = Math.abs(Number(items.timestamp) - Math.floor(input.nowMs / 1000));
  if (skewS > REQUEST_CLOCK_SKEW_MAX_S)
    throw signError(`timestamp is ${skewS}s away from server time`, 'timestamp', undefined, '请求的时间戳超出允许的范围');
  if (!/^[^\s",]{1,64}$/.test(items.nonce_str)) throw signError('nonce_str is malformed', 'nonce_str');
  const body = input.rawBody.toString('utf8');
  const message = `${input.method}\n${input.rawUrl}\n${items.timestamp}\n${items.nonce_str}\n${body}\n`;
  if (!verifySha256Rsa(message, items.signature, input.merchantPublicKey)) {
    throw signError('sign not match', 'signature', {
      method: input.method,
      sign_message_length: Buffer.byteLength(message),
      truncated_sign_message: `${input.method}\n${input.rawUrl}\n${items.timestamp}\n${items.nonce_str.slice(0, 4)}…\n${body.slice(0, 7)}\n`,
      url: input.rawUrl.split('?')[0],
    });
  }
  // Checked after the signature, so a forged request cannot burn a legitimate nonce.
  if (!nonces.claim(`${items.mchid}:${items.nonce_str}`, input.nowMs))
    throw signError('nonce_str was already used', 'nonce_str', undefined, '重复的请求');
  return items;
}

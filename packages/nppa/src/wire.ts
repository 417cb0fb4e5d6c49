// Encryption and signing of NPPA requests, shared by the client (which seals and signs) and the
// sandbox (which verifies and opens), so both directions are tested against the same few lines.
//
// Body:  {"data": base64(iv ‖ ciphertext ‖ tag)} — AES-128-GCM, 12-byte IV, 16-byte tag, the key
//        being the hex-decoded secret key, the plaintext the business JSON.
// Sign:  hex(SHA-256(secretKey ‖ k1 v1 ‖ k2 v2 ‖ … ‖ body)) over appId, bizId, timestamps and every
//        query parameter, sorted by key, with no separators; the secret key is the hex string as
//        issued, the body the exact bytes sent ('' for a GET).
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { GCM_IV_BYTES, GCM_TAG_BYTES, SECRET_KEY_HEX_CHARS } from './limits.ts';
import { HEADER_APP_ID, HEADER_BIZ_ID, HEADER_SIGN, HEADER_TIMESTAMPS } from './protocol.ts';

const HEX_KEY = new RegExp(`^[0-9a-fA-F]{${SECRET_KEY_HEX_CHARS}}$`);
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** True when `secretKey` has the shape NPPA issues: 32 hex characters. */
export function isSecretKey(secretKey: string): boolean {
  return HEX_KEY.test(secretKey);
}

/** The AES-128 key bytes of a hex secret key. Throws a RangeError (a configuration mistake) otherwise. */
export function aesKeyOf(secretKey: string): Buffer {
  if (!isSecretKey(secretKey)) throw new RangeError(`the NPPA secret key must be ${SECRET_KEY_HEX_CHARS} hex characters`);
  return Buffer.from(secretKey, 'hex');
}

/** base64(iv ‖ AES-128-GCM(plaintext) ‖ tag). `iv` is random unless a test fixes it. */
export function encryptData(plaintext: string, secretKey: string, iv: Buffer = randomBytes(GCM_IV_BYTES)): string {
  if (iv.length !== GCM_IV_BYTES) throw new RangeError(`the GCM IV must be ${GCM_IV_BYTES} bytes`);
  const cipher = createCipheriv('aes-128-gcm', aesKeyOf(secretKey), iv, { authTagLength: GCM_TAG_BYTES });
  const ciphertext = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
  return Buffer.concat([iv, ciphertext, cipher.getAuthTag()]).toString('base64');
}

/** The plaintext of `data`, or null when it is not canonical base64, too short, or fails authentication. */
export function decryptData(data: string, secretKey: string): string | null {
  if (!BASE64.test(data)) return null;
  const raw = Buffer.from(data, 'base64');
  if (raw.length < GCM_IV_BYTES + GCM_TAG_BYTES) return null;
  try {
    const decipher = createDecipheriv('aes-128-gcm', aesKeyOf(secretKey), raw.subarray(0, GCM_IV_BYTES), { authTagLength: GCM_TAG_BYTES });
    decipher.setAuthTag(raw.subarray(raw.length - GCM_TAG_BYTES));
    const plain = Buffer.concat([decipher.update(raw.subarray(GCM_IV_BYTES, raw.length - GCM_TAG_BYTES)), decipher.final()]);
    return new TextDecoder('utf-8', { fatal: true }).decode(plain);
  } catch {
    return null;
  }
}

/** The request body text for a business payload: `{"data":"…"}`, exactly what is sent and signed. */
export function sealBody(payload: unknown, secretKey: string, iv?: Buffer): string {
  return JSON.stringify({ data: encryptData(JSON.stringify(payload), secretKey, iv) });
}

export type OpenedBody = { readonly ok: true; readonly payload: unknown } | { readonly ok: false; readonly reason: string };

/** Parses `{"data":"…"}`, decrypts and parses the payload. Never throws. */
export function openBody(bodyText: string, secretKey: string): OpenedBody {
  let outer: unknown;
  try {
    outer = JSON.parse(bodyText);
  } catch {
    return { ok: false, reason: 'body is not JSON' };
  }
  if (typeof outer !== 'object' || outer === null || Array.isArray(outer)) return { ok: false, reason: 'body is not a JSON object' };
  const data = (outer as Record<string, unknown>).data;
  if (typeof data !== 'string') return { ok: false, reason: 'body has no string field data' };
  const plain = decryptData(data, secretKey);
  if (plain === null) return { ok: false, reason: 'data does not decrypt with the secret key' };
  try {
    return { ok: true, payload: JSON.parse(plain) };
  } catch {
    return { ok: false, reason: 'decrypted data is not JSON' };
  }
}

/** The string that is hashed: secret key, then sorted key‖value pairs, then the body. */
export function signatureBase(secretKey: string, params: Readonly<Record<string, string>>, body: string): string {
  const keys = Object.keys(params).sort();
  let out = secretKey;
  for (const key of keys) out += key + params[key];
  return out + body;
}

/** hex SHA-256 of the signature base: the value of the `sign` header. */
export function signParams(secretKey: string, params: Readonly<Record<string, string>>, body: string): string {
  return createHash('sha256')
    .update(signatureBase(secretKey, params, body), 'utf8')
    .digest('hex');
}

export interface SignInput {
  readonly appId: string;
  readonly bizId: string;
  readonly secretKey: string;
  /** Milliseconds since the epoch: the `timestamps` header. */
  readonly timestampsMs: number;
  /** Query parameters of the URL (decoded values), signed with the system parameters. */
  readonly query?: Readonly<Record<string, string>>;
  /** Exact body text sent; '' for a GET. */
  readonly body: string;
}

/** The four protocol headers of a request. */
export function signedHeaders(input: SignInput): Record<string, string> {
  if (!Number.isSafeInteger(input.timestampsMs) || input.timestampsMs < 0)
    throw new RangeError('timestampsMs must be a non-negative integer');
  const timestamps = String(input.timestampsMs);
  const params: Record<string, string> = { ...(input.query ?? {}) };
  params[HEADER_APP_ID] = input.appId;
  params[HEADER_BIZ_ID] = input.bizId;
  params[HEADER_TIMESTAMPS] = timestamps;
  return {
    [HEADER_APP_ID]: input.appId,
    [HEADER_BIZ_ID]: input.bizId,
    [HEADER_TIMESTAMPS]: timestamps,
    [HEADER_SIGN]: signParams(input.secretKey, params, input.body),
  };
}

/** Constant-time comparison of a received `sign` with the one the inputs give. */
export function verifySign(input: Omit<SignInput, 'timestampsMs'> & { readonly timestamps: string; readonly sign: string }): boolean {
  const params: Record<string, string> = { ...(input.query ?? {}) };
  params[HEADER_APP_ID] = input.appId;
  params[HEADER_BIZ_ID] = input.bizId;
  params[HEADER_TIMESTAMPS] = input.timestamps;
  const expected = Buffer.from(signParams(input.secretKey, params, input.body), 'utf8');
  const got = Buffer.from(input.sign.toLowerCase(), 'utf8');
  return got.length === expected.length && timingSafeEqual(got, expected);
}

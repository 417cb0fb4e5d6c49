// The sandbox's own cryptography on node:crypto: SHA256withRSA signatures, AEAD_AES_256_GCM for
// notification resources and the certificate list, RSA-OAEP(SHA-1) for sensitive fields, and the
// random strings WeChat Pay uses. It shares no code with packages/wechatpay on purpose, so one bug
// cannot hide in both.
import {
  constants,
  createCipheriv,
  createDecipheriv,
  type KeyObject,
  privateDecrypt,
  randomBytes,
  randomInt,
  sign,
  verify,
} from 'node:crypto';

export function signSha256Rsa(message: string, privateKey: KeyObject): string {
  return sign('sha256', Buffer.from(message, 'utf8'), privateKey).toString('base64');
}

/** False for anything that is not a valid signature, including non-Base64 probe strings. */
export function verifySha256Rsa(message: string, signatureB64: string, publicKey: KeyObject): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(signatureB64)) return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), publicKey, Buffer.from(signatureB64, 'base64'));
  } catch {
    return false;
  }
}

export interface AeadResource {
  algorithm: 'AEAD_AES_256_GCM';
  ciphertext: string;
  associated_data: string;
  nonce: string;
}

/** AEAD_AES_256_GCM as WeChat Pay uses it: key = the 32 APIv3 key bytes, IV = a 12-char string, Base64(ciphertext || tag). */
export function aeadEncrypt(plaintext: string, apiV3Key: string, associatedData: string): AeadResource {
  const nonce = randomAlphanumeric(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(nonce, 'utf8'));
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]);
  return { algorithm: 'AEAD_AES_256_GCM', ciphertext: body.toString('base64'), associated_data: associatedData, nonce };
}

export function aeadDecrypt(resource: { ciphertext: string; associated_data: string; nonce: string }, apiV3Key: string): string {
  const data = Buffer.from(resource.ciphertext, 'base64');
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(apiV3Key, 'utf8'), Buffer.from(resource.nonce, 'utf8'));
  decipher.setAAD(Buffer.from(resource.associated_data, 'utf8'));
  decipher.setAuthTag(data.subarray(data.length - 16));
  return Buffer.concat([decipher.update(data.subarray(0, data.length - 16)), decipher.final()]).toString('utf8');
}

/** RSA/ECB/OAEPWithSHA-1AndMGF1Padding, the padding of WeChat Pay's sensitive fields; null when it does not decrypt. */
export function oaepDecrypt(ciphertextB64: string, privateKey: KeyObject): string | null {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(ciphertextB64)) return null;
  try {
    return privateDecrypt(
      { key: privateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
      Buffer.from(ciphertextB64, 'base64'),
    ).toString('utf8');
  } catch {
    return null;
  }
}

const ALPHANUMERIC = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

export function randomAlphanumeric(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

export function randomDigits(length: number): string {
  let out = '';
  for (let i = 0; i < length; i++) out += String(randomInt(10));
  return out;
}

export function randomHex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

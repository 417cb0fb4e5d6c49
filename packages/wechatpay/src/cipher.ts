// AEAD_AES_256_GCM (notification resources, certificate download; section 1.5) and RSA-OAEP
// (SHA-1, MGF1-SHA-1) sensitive fields such as `user_name` (section 1.4).
import { constants, createCipheriv, createDecipheriv, type KeyObject, privateDecrypt, publicEncrypt } from 'node:crypto';
import { verificationFailed } from './errors.ts';
import { GCM_TAG_BYTES } from './limits.ts';

/** The APIv3 key is a 32-character ASCII string used as raw key bytes. */
export function apiV3KeyBytes(apiV3Key: string): Buffer {
  const bytes = Buffer.from(apiV3Key, 'utf8');
  if (bytes.length !== 32) throw new Error('the APIv3 key must be 32 bytes');
  return bytes;
}

export interface EncryptedResource {
  readonly algorithm: string;
  /** Base64 of ciphertext followed by the 16-byte tag. */
  readonly ciphertext: string;
  readonly associated_data?: string | undefined;
  /** 12 characters, used as UTF-8 bytes for the IV. */
  readonly nonce: string;
}

/** Decrypts an AEAD_AES_256_GCM resource. A wrong key, nonce, associated data or any tampered byte fails as `verification`. */
export function decryptAesGcm(apiV3Key: string, resource: EncryptedResource): string {
  if (resource.algorithm !== 'AEAD_AES_256_GCM')
    throw verificationFailed('unsupported resource algorithm', { algorithm: resource.algorithm });
  const iv = Buffer.from(resource.nonce, 'utf8');
  if (iv.length !== 12) throw verificationFailed('resource nonce is not 12 bytes');
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(resource.ciphertext)) throw verificationFailed('resource ciphertext is not Base64');
  const sealed = Buffer.from(resource.ciphertext, 'base64');
  if (sealed.length < GCM_TAG_BYTES) throw verificationFailed('resource ciphertext shorter than its tag');
  const decipher = createDecipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), iv, { authTagLength: GCM_TAG_BYTES });
  decipher.setAuthTag(sealed.subarray(sealed.length - GCM_TAG_BYTES));
  decipher.setAAD(Buffer.from(resource.associated_data ?? '', 'utf8'));
  try {
    return Buffer.concat([decipher.update(sealed.subarray(0, sealed.length - GCM_TAG_BYTES)), decipher.final()]).toString('utf8');
  } catch (cause) {
    const e = verificationFailed('resource does not decrypt (tampered, or wrong APIv3 key)');
    e.cause = cause;
    throw e;
  }
}

/** The inverse of `decryptAesGcm`; used by tests and by anyone building notifications. Returns Base64(ciphertext‖tag). */
export function encryptAesGcm(apiV3Key: string, nonce: string, associatedData: string, plaintext: string): string {
  const iv = Buffer.from(nonce, 'utf8');
  if (iv.length !== 12) throw new Error('AES-GCM nonce must be 12 bytes');
  const cipher = createCipheriv('aes-256-gcm', apiV3KeyBytes(apiV3Key), iv, { authTagLength: GCM_TAG_BYTES });
  cipher.setAAD(Buffer.from(associatedData, 'utf8'));
  return Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final(), cipher.getAuthTag()]).toString('base64');
}

/** RSA/ECB/OAEPWithSHA-1AndMGF1Padding with a WeChat Pay public key; Base64. */
export function encryptSensitive(plaintext: string, platformPublicKey: KeyObject): string {
  return publicEncrypt(
    { key: platformPublicKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(plaintext, 'utf8'),
  ).toString('base64');
}

/** Decrypts a sensitive field WeChat Pay encrypted for us with the merchant's public key. */
export function decryptSensitive(ciphertextBase64: string, merchantPrivateKey: KeyObject): string {
  return privateDecrypt(
    { key: merchantPrivateKey, padding: constants.RSA_PKCS1_OAEP_PADDING, oaepHash: 'sha1' },
    Buffer.from(ciphertextBase64, 'base64'),
  ).toString('utf8');
}

// Encryption at rest for personal data (real names, identity numbers) and operator TOTP secrets:
// AES-256-GCM with a sub-key per purpose derived by HKDF-SHA256 from the configured data key, and
// the record's id as associated data, so a sealed value copied onto another row fails to open.
import { createCipheriv, createDecipheriv, createHmac, hkdfSync, randomBytes } from 'node:crypto';
import { assert } from '@fairground/core';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'v1';

export interface Sealer {
  seal(plaintext: string, boundTo: string): string;
  open(sealed: string, boundTo: string): string;
  /** A keyed hash for finding equal values without decrypting (for example one identity number on two accounts). */
  fingerprint(value: string): string;
}

export function createSealer(dataKey: Uint8Array, purpose: string): Sealer {
  assert(dataKey.length === 32, 'the data key must be 32 bytes');
  const key = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `fairground/${purpose}/aes-256-gcm`, 32));
  const macKey = Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `fairground/${purpose}/fingerprint`, 32));
  return {
    seal(plaintext, boundTo) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
      cipher.setAAD(Buffer.from(`${purpose}:${boundTo}`));
      const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
      return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
    },
    open(sealed, boundTo) {
      const [version, iv, body, tag] = sealed.split('.');
      assert(version === VERSION && iv !== undefined && body !== undefined && tag !== undefined, 'sealed value has an unknown format');
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
      decipher.setAAD(Buffer.from(`${purpose}:${boundTo}`));
      decipher.setAuthTag(Buffer.from(tag, 'base64url'));
      return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
    },
    fingerprint(value) {
      return createHmac('sha256', macKey).update(value).digest('base64url');
    },
  };
}

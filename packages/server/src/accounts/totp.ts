// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP), from node:crypto alone.
// Operators use them as the second factor; authenticator apps read the `otpauth://` URL.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export type TotpAlgorithm = 'SHA1' | 'SHA256' | 'SHA512';

export interface TotpOptions {
  readonly stepS?: number;
  readonly digits?: 6 | 7 | 8;
  readonly algorithm?: TotpAlgorithm;
}

const BASE32_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';

/** RFC 4648 base32 without padding (what authenticator apps expect). */
export function base32Encode(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += BASE32_ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += BASE32_ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

export function base32Decode(text: string): Buffer {
  const clean = text.replace(/=+$/, '').replace(/\s+/g, '').toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const ch of clean) {
    const idx = BASE32_ALPHABET.indexOf(ch);
    if (idx < 0) throw new Error(`not base32: ${JSON.stringify(ch)}`);
    value = (value << 5) | idx;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
    value &= (1 << bits) - 1;
  }
  return Buffer.from(out);
}

/** HOTP (RFC 4226 §5.3): HMAC over the 8-byte big-endian counter, dynamic truncation, modulo 10^digits. */
export function hotp(secret: Uint8Array, counter: number, digits: number = 6, algorithm: TotpAlgorithm = 'SHA1'): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`HOTP counter must be a non-negative integer, got ${counter}`);
  const msg = Buffer.alloc(8);
  msg.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac(algorithm.toLowerCase(), secret).update(msg).digest();
  const offset = mac[mac.length - 1]! & 0x0f;
  const binary = ((mac[offset]! & 0x7f) << 24) | (mac[offset + 1]! << 16) | (mac[offset + 2]! << 8) | mac[offset + 3]!;
  return String(binary % 10 ** digits).padStart(digits, '0');
}

export function totpStep(nowMs: number, stepS: number = 30): number {
  return Math.floor(nowMs / 1000 / stepS);
}

export function totp(secret: Uint8Array, nowMs: number, options: TotpOptions = {}): string {
  return hotp(secret, totpStep(nowMs, options.stepS ?? 30), options.digits ?? 6, options.algorithm ?? 'SHA1');
}

/**
 * Checks a code against the steps `driftSteps` either side of now. Returns the matching step (so
 * the caller can refuse a second use of it) or null. Compares in constant time.
 */
export function verifyTotp(secret: Uint8Array, code: string, nowMs: number, driftSteps: number, options: TotpOptions = {}): number | null {
  const digits = options.digits ?? 6;
  if (!new RegExp(`^[0-9]{${digits}}$`).test(code)) return null;
  const current = totpStep(nowMs, options.stepS ?? 30);
  let matched: number | null = null;
  for (let step = current - driftSteps; step <= current + driftSteps; step++) {
    if (step < 0) continue;
    const expected = hotp(secret, step, digits, options.algorithm ?? 'SHA1');
    if (timingSafeEqual(Buffer.from(expected), Buffer.from(code)) && matched === null) matched = step;
  }
  return matched;
}

/** A new 160-bit secret (RFC 4226 recommends at least 128 bits), base32. */
export function newTotpSecret(): string {
  return base32Encode(randomBytes(20));
}

export function otpauthUrl(issuer: string, account: string, secretBase32: string): string {
  const label = encodeURIComponent(`${issuer}:${account}`);
  return `otpauth://totp/${label}?secret=${secretBase32}&issuer=${encodeURIComponent(issuer)}&algorithm=SHA1&digits=6&period=30`;
}

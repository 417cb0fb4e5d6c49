// Verification of WeChat Pay's signatures on responses and notifications (section 1.2 and 1.3 of
// the research note). One verifier holds every key WeChat Pay may sign with, keyed by the value of
// `Wechatpay-Serial`: platform-certificate serials (hex) and WeChat Pay public-key ids
// (`PUB_KEY_ID_…`) side by side, so a merchant moving from one mode to the other (WeChat ramps the
// switch over 7 days) verifies both.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import { type Clock, systemClock } from '@fairground/core';
import { verificationFailed } from './errors.ts';
import { CLOCK_SKEW_SECONDS_MAX } from './limits.ts';
import { AUTH_SCHEME, responseSignatureMessage } from './signing.ts';

export const PUBLIC_KEY_ID_PREFIX = 'PUB_KEY_ID_';
/** WeChat Pay deliberately sends a few answers signed with this prefix to check that merchants verify. */
export const SIGNTEST_PREFIX = 'WECHATPAY/SIGNTEST/';
/** Platform keys are limited: WeChat Pay has at most a couple of certificates and one public key live at once. */
export const VERIFIER_KEYS_MAX = 16;

/** Header values, however the HTTP framework hands them over. */
export type HeaderSource = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export function headerValue(headers: HeaderSource, name: string): string | undefined {
  if (headers instanceof Headers) return headers.get(name) ?? undefined;
  const record = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(record)) {
    if (key.toLowerCase() !== lower) continue;
    if (value === undefined) return undefined;
    return typeof value === 'string' ? value : value.join(', ');
  }
  return undefined;
}

export interface SignedMessageHeaders {
  readonly timestamp: string;
  readonly nonce: string;
  readonly signature: string;
  readonly serial: string;
  readonly signatureType: string | undefined;
}

export function readSignatureHeaders(headers: HeaderSource): SignedMessageHeaders {
  const timestamp = headerValue(headers, 'Wechatpay-Timestamp');
  const nonce = headerValue(headers, 'Wechatpay-Nonce');
  const signature = headerValue(headers, 'Wechatpay-Signature');
  const serial = headerValue(headers, 'Wechatpay-Serial');
  if (!timestamp || !nonce || !signature || !serial) {
    throw verificationFailed('signature headers missing', {
      missing: [
        timestamp ? undefined : 'Wechatpay-Timestamp',
        nonce ? undefined : 'Wechatpay-Nonce',
        signature ? undefined : 'Wechatpay-Signature',
        serial ? undefined : 'Wechatpay-Serial',
      ].filter((h) => h !== undefined),
    });
  }
  return { timestamp, nonce, signature, serial, signatureType: headerValue(headers, 'Wechatpay-Signature-Type') };
}

export type PlatformKeyMode = 'publicKey' | 'platformCertificate';

export function keyModeOf(serialOrKeyId: string): PlatformKeyMode {
  return serialOrKeyId.startsWith(PUBLIC_KEY_ID_PREFIX) ? 'publicKey' : 'platformCertificate';
}

export class WechatPayVerifier {
  readonly #keys = new Map<string, KeyObject>();
  readonly #clock: Clock;

  /**
   * `keys` maps a `Wechatpay-Serial` value to a PEM public key or PEM certificate. `clock` decides
   * whether a signed timestamp is within ±300 s.
   */
  constructor(keys: Readonly<Record<string, string | KeyObject>> = {}, clock: Clock = systemClock) {
    this.#clock = clock;
    for (const [id, pem] of Object.entries(keys)) this.addKey(id, pem);
  }

  addKey(serialOrKeyId: string, pemOrKey: string | KeyObject): void {
    if (!/^[0-9A-Za-z_]{1,64}$/.test(serialOrKeyId)) throw new Error(`platform key id ${JSON.stringify(serialOrKeyId)} is malformed`);
    if (!this.#keys.has(serialOrKeyId) && this.#keys.size >= VERIFIER_KEYS_MAX) throw new Error('too many platform keys');
    const key = typeof pemOrKey === 'string' ? createPublicKey(pemOrKey) : pemOrKey;
    if (key.type !== 'public' || key.asymmetricKeyType !== 'rsa')
      throw new Error(`platform key ${serialOrKeyId} must be an RSA public key`);
    this.#keys.set(serialOrKeyId, key);
  }

  keyIds(): string[] {
    return [...this.#keys.keys()];
  }

  publicKey(serialOrKeyId: string): KeyObject | undefined {
    return this.#keys.get(serialOrKeyId);
  }

  /**
   * The key id the merchant names in its request `Wechatpay-Serial` header: the public key when
   * there is one (new merchants have only that), else the last platform certificate added.
   */
  preferredKeyId(): string | undefined {
    const ids = this.keyIds();
    return ids.find((id) => keyModeOf(id) === 'publicKey') ?? ids.at(-1);
  }

  /**
   * Verifies a signed answer over its raw body bytes. Throws a `verification` WechatPayError when
   * the headers are missing, the signature type is unknown, the serial names no key we hold, the
   * timestamp is more than 300 s from our clock, the signature is a `WECHATPAY/SIGNTEST/` probe, or
   * the signature does not verify.
   */
  verify(headers: HeaderSource, rawBody: string | Uint8Array): SignedMessageHeaders {
    const h = readSignatureHeaders(headers);
    if (h.signatureType !== undefined && h.signatureType !== AUTH_SCHEME) {
      throw verificationFailed('unsupported Wechatpay-Signature-Type', { signatureType: h.signatureType });
    }
    if (h.signature.startsWith(SIGNTEST_PREFIX)) throw verificationFailed('signature probe (WECHATPAY/SIGNTEST/)', { serial: h.serial });
    const key = this.#keys.get(h.serial);
    if (!key) throw verificationFailed('no platform key for Wechatpay-Serial', { serial: h.serial });
    if (!/^[0-9]{1,12}$/.test(h.timestamp)) throw verificationFailed('Wechatpay-Timestamp is not Unix seconds', { timestamp: h.timestamp });
    const nowSeconds = Math.floor(this.#clock.nowMs() / 1000);
    const skewSeconds = Math.abs(nowSeconds - Number(h.timestamp));
    if (skewSeconds > CLOCK_SKEW_SECONDS_MAX) {
      throw verificationFailed('Wechatpay-Timestamp outside ±300 s', { timestamp: h.timestamp, nowSeconds });
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(h.signature)) throw verificationFailed('signature is not Base64', { serial: h.serial });
    const message = responseSignatureMessage(h.timestamp, h.nonce, rawBody);
    if (!verify('sha256', message, key, Buffer.from(h.signature, 'base64'))) {
      throw verificationFailed('signature does not match', { serial: h.serial });
    }
    return h;
  }
}

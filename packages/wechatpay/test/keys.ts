// Test keys generated per run (never committed): a merchant key pair, a WeChat Pay public key
// (public-key mode) and a platform key under a hex serial (platform-certificate mode).
import { generateKeyPairSync } from 'node:crypto';

export interface PemPair {
  readonly privateKeyPem: string;
  readonly publicKeyPem: string;
}

export function rsaPair(): PemPair {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', {
    modulusLength: 2048,
    privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
    publicKeyEncoding: { type: 'spki', format: 'pem' },
  });
  return { privateKeyPem: privateKey, publicKeyPem: publicKey };
}

export const MCHID = '1900000001';
export const APPID = 'wx8888888888888888';
export const MERCHANT_SERIAL = '5157F09EFDC096DE15EBE81A47057A7232F1B8E1';
export const PUBLIC_KEY_ID = 'PUB_KEY_ID_0114232134912410000000000000000001';
export const PLATFORM_SERIAL = '6E1D414B17AFC0A15A2E4491C9C14927801AF3EC';
export const API_V3_KEY = 'a7cde1ZJB1kG2e7VfTs3jQzaWizur8Gb';

let cached: { merchant: PemPair; wechat: PemPair; platform: PemPair } | undefined;

/** One set of keys per test process: RSA generation is slow and the keys carry no state. */
export function testKeys(): { merchant: PemPair; wechat: PemPair; platform: PemPair } {
  cached ??= { merchant: rsaPair(), wechat: rsaPair(), platform: rsaPair() };
  return cached;
}

// Key material of one sandbox: the merchant's API key and certificate (the client signs with them),
// the WeChat Pay public key (public-key mode), a platform certificate (certificate mode), the
// APIv3 key and the app secret. Generated fresh at start, or loaded from a data folder so a
// standalone sandbox keeps the same keys across restarts. Never real keys.
import { createPrivateKey, createPublicKey, generateKeyPair, type KeyObject, randomInt, X509Certificate } from 'node:crypto';
import { randomAlphanumeric, randomDigits } from './crypto.ts';
import { buildCertificatePem } from './der.ts';

export interface RsaIdentity {
  /** The id WeChat Pay puts in `Wechatpay-Serial`: a certificate serial (hex) or `PUB_KEY_ID_…`. */
  id: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  publicKeyPem: string;
  certificatePem?: string;
  effectiveMs?: number;
  expireMs?: number;
}

export interface KeyMaterial {
  mchid: string;
  appid: string;
  apiV3Key: string;
  appSecret: string;
  merchant: RsaIdentity & { certificatePem: string };
  publicKey: RsaIdentity;
  platformCertificates: (RsaIdentity & { certificatePem: string; effectiveMs: number; expireMs: number })[];
}

/** The JSON form written to a data folder; private keys as PKCS#8 PEM. */
export interface StoredKeys {
  mchid: string;
  appid: string;
  apiV3Key: string;
  appSecret: string;
  merchant: { serialNo: string; privateKeyPem: string; certificatePem: string };
  publicKey: { id: string; privateKeyPem: string };
  platformCertificates: { serialNo: string; privateKeyPem: string; certificatePem: string }[];
}

const CERT_VALIDITY_MS = 5 * 365 * 86_400_000;

function generateRsa(): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, (err, publicKey, privateKey) => {
      if (err) reject(err);
      else resolve({ privateKey, publicKey });
    });
  });
}

/** 40 upper-case hex characters whose first digit keeps the DER INTEGER positive and 20 bytes long. */
export function newSerialHex(): string {
  const first = '1234567'[randomInt(7)];
  let rest = '';
  for (let i = 0; i < 39; i++) rest += '0123456789ABCDEF'[randomInt(16)];
  return `${first}${rest}`;
}

function spkiPem(key: KeyObject): string {
  return key.export({ type: 'spki', format: 'pem' }).toString();
}

export async function generateKeyMaterial(opts: { mchid: string; appid: string; nowMs: number }): Promise<KeyMaterial> {
  const [merchantPair, publicPair, platformPair] = await Promise.all([generateRsa(), generateRsa(), generateRsa()]);
  const merchantSerial = newSerialHex();
  const merchantName = {
    country: 'CN',
    locality: 'Shenzhen',
    organization: '微信商户系统',
    organizationalUnit: 'Fairground Sandbox',
    commonName: opts.mchid,
  };
  const platformName = {
    country: 'CN',
    locality: 'Shenzhen',
    organization: 'Tenpay.com (Sandbox)',
    organizationalUnit: 'Tenpay.com CA Center',
    commonName: 'Tenpay.com Sign',
  };
  const merchantCert = buildCertificatePem({
    serialHex: merchantSerial,
    subject: merchantName,
    issuer: merchantName,
    notBeforeMs: opts.nowMs - 86_400_000,
    notAfterMs: opts.nowMs + CERT_VALIDITY_MS,
    publicKey: merchantPair.publicKey,
    // Self-signed: the brief asks only for a valid certificate whose key and serial a client can read.
    signingKey: merchantPair.privateKey,
  });
  const platformSerial = newSerialHex();
  const platformEffectiveMs = opts.nowMs - 86_400_000;
  const platformExpireMs = opts.nowMs + CERT_VALIDITY_MS;
  const platformCert = buildCertificatePem({
    serialHex: platformSerial,
    subject: platformName,
    issuer: platformName,
    notBeforeMs: platformEffectiveMs,
    notAfterMs: platformExpireMs,
    publicKey: platformPair.publicKey,
    signingKey: platformPair.privateKey,
  });
  return {
    mchid: opts.mchid,
    appid: opts.appid,
    apiV3Key: randomAlphanumeric(32),
    appSecret: randomAlphanumeric(32).toLowerCase(),
    merchant: {
      id: merchantSerial,
      ...merchantPair,
      publicKeyPem: spkiPem(merchantPair.publicKey),
      certificatePem: merchantCert,
    },
    publicKey: {
      id: `PUB_KEY_ID_${randomDigits(32)}`,
      ...publicPair,
      publicKeyPem: spkiPem(publicPair.publicKey),
    },
    platformCertificates: [
      {
        id: platformSerial,
        ...platformPair,
        publicKeyPem: spkiPem(platformPair.publicKey),
        certificatePem: platformCert,
        effectiveMs: platformEffectiveMs,
        expireMs: platformExpireMs,
      },
    ],
  };
}

function pkcs8(key: KeyObject): string {
  return key.export({ type: 'pkcs8', format: 'pem' }).toString();
}

export function storeKeys(k: KeyMaterial): StoredKeys {
  return {
    mchid: k.mchid,
    appid: k.appid,
    apiV3Key: k.apiV3Key,
    appSecret: k.appSecret,
    merchant: { serialNo: k.merchant.id, privateKeyPem: pkcs8(k.merchant.privateKey), certificatePem: k.merchant.certificatePem },
    publicKey: { id: k.publicKey.id, privateKeyPem: pkcs8(k.publicKey.privateKey) },
    platformCertificates: k.platformCertificates.map((c) => ({
      serialNo: c.id,
      privateKeyPem: pkcs8(c.privateKey),
      certificatePem: c.certificatePem,
    })),
  };
}

/** Rebuilds key material from its stored form, checking that every certificate matches its key and serial. */
export function loadKeys(s: StoredKeys): KeyMaterial {
  const identity = (id: string, privateKeyPem: string) => {
    const privateKey = createPrivateKey(privateKeyPem);
    const publicKey = createPublicKey(privateKey);
    return { id, privateKey, publicKey, publicKeyPem: spkiPem(publicKey) };
  };
  const withCert = (id: string, privateKeyPem: string, certificatePem: string) => {
    const base = identity(id, privateKeyPem);
    const cert = new X509Certificate(certificatePem);
    if (cert.serialNumber.toUpperCase() !== id.toUpperCase())
      throw new Error(`stored certificate serial ${cert.serialNumber} is not ${id}`);
    if (!cert.checkPrivateKey(base.privateKey)) throw new Error(`stored certificate ${id} does not match its private key`);
    return { ...base, certificatePem, effectiveMs: Date.parse(cert.validFrom), expireMs: Date.parse(cert.validTo) };
  };
  return {
    mchid: s.mchid,
    appid: s.appid,
    apiV3Key: s.apiV3Key,
    appSecret: s.appSecret,
    merchant: withCert(s.merchant.serialNo, s.merchant.privateKeyPem, s.merchant.certificatePem),
    publicKey: identity(s.publicKey.id, s.publicKey.privateKeyPem),
    platformCertificates: s.platformCertificates.map((c) => withCert(c.serialNo, c.privateKeyPem, c.certificatePem)),
  };
}

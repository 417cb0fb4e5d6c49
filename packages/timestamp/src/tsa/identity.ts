// The local TSA's identity (a CA and the TSA certificate it issued, with their keys) and its serial
// counter, kept in a state directory so a restarted TSA signs with the same keys and never reuses a
// serial number. Never real keys: this is a test and development authority.
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Certificate, pemCertificates } from '../x509.ts';
import { buildCertificate, type CertificateProfile, encodeName, generateKeys, type KeyAlgorithm, randomSerial } from './certificates.ts';

export interface TsaIdentity {
  readonly caCertificate: Certificate;
  readonly tsaCertificate: Certificate;
  readonly tsaPrivateKey: KeyObject;
  /** Present when the identity was generated or loaded with its CA key. */
  readonly caPrivateKey: KeyObject | undefined;
}

export const CA_VALIDITY_MS = 20 * 365 * 86_400_000;
export const TSA_VALIDITY_MS = 10 * 365 * 86_400_000;
// Certificates start a little in the past so a verifier whose clock lags ours still accepts them.
const BACKDATE_MS = 3_600_000;

export interface GenerateIdentityOptions {
  readonly nowMs: number;
  readonly keyAlgorithm?: KeyAlgorithm;
  readonly organization?: string;
  /** Certificate profile of the TSA certificate; tests use it to make invalid ones. */
  readonly tsaProfile?: Omit<CertificateProfile, 'kind'>;
}

/** A fresh CA and TSA certificate. */
export async function generateIdentity(options: GenerateIdentityOptions): Promise<TsaIdentity> {
  const algorithm = options.keyAlgorithm ?? 'ecdsa-p256';
  const [ca, tsa] = await Promise.all([generateKeys(algorithm), generateKeys(algorithm)]);
  const organization = options.organization ?? 'Fairground TSA Sandbox';
  const caName = encodeName({ country: 'CN', organization, commonName: 'Fairground Sandbox Root CA' });
  const tsaName = encodeName({ country: 'CN', organization, commonName: 'Fairground Sandbox TSA' });
  const notBeforeMs = options.nowMs - BACKDATE_MS;
  const caDer = buildCertificate({
    serial: randomSerial(),
    subject: caName,
    issuer: caName,
    notBeforeMs,
    notAfterMs: notBeforeMs + CA_VALIDITY_MS,
    publicKey: ca.publicKey,
    issuerPrivateKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    profile: { kind: 'ca' },
  });
  const tsaDer = buildCertificate({
    serial: randomSerial(),
    subject: tsaName,
    issuer: caName,
    notBeforeMs,
    notAfterMs: notBeforeMs + TSA_VALIDITY_MS,
    publicKey: tsa.publicKey,
    issuerPrivateKey: ca.privateKey,
    issuerPublicKey: ca.publicKey,
    profile: { kind: 'tsa', ...options.tsaProfile },
  });
  return {
    caCertificate: Certificate.fromDer(caDer),
    tsaCertificate: Certificate.fromDer(tsaDer),
    tsaPrivateKey: tsa.privateKey,
    caPrivateKey: ca.privateKey,
  };
}

/** The TSA certificate followed by the CA certificate, as PEM. */
export function chainPem(identity: TsaIdentity): string {
  return identity.tsaCertificate.pem() + identity.caCertificate.pem();
}

const FILES = {
  caKey: 'ca-key.pem',
  caCert: 'ca.pem',
  tsaKey: 'tsa-key.pem',
  tsaCert: 'tsa.pem',
  chain: 'chain.pem',
  serial: 'serial.json',
} as const;

async function readText(path: string): Promise<string | null> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    if ((e as { code?: unknown }).code === 'ENOENT') return null;
    throw e;
  }
}

function onlyCertificate(pem: string, file: string): Certificate {
  const ders = pemCertificates(pem);
  if (ders.length !== 1) throw new Error(`${file} must hold exactly one certificate`);
  return Certificate.fromDer(ders[0]!);
}

/**
 * Loads the identity from `dir`, or generates one and writes it there (keys with mode 0600).
 * A directory holding only some of the files is refused rather than half-overwritten.
 */
export async function loadOrCreateIdentity(dir: string, options: GenerateIdentityOptions): Promise<TsaIdentity> {
  await mkdir(dir, { recursive: true });
  const [caKey, caCert, tsaKey, tsaCert] = await Promise.all(
    [FILES.caKey, FILES.caCert, FILES.tsaKey, FILES.tsaCert].map((f) => readText(join(dir, f))),
  );
  const present = [caKey, caCert, tsaKey, tsaCert].filter((t) => t !== null).length;
  if (present === 4) {
    const tsaPrivateKey = createPrivateKey(tsaKey!);
    const tsaCertificate = onlyCertificate(tsaCert!, FILES.tsaCert);
    // A key that does not belong to its certificate would sign tokens nobody can verify.
    const certKey = tsaCertificate.x509.publicKey.export({ type: 'spki', format: 'der' });
    if (!createPublicKey(tsaPrivateKey).export({ type: 'spki', format: 'der' }).equals(certKey)) {
      throw new Error(`${FILES.tsaKey} does not belong to ${FILES.tsaCert} in ${dir}`);
    }
    return { caCertificate: onlyCertificate(caCert!, FILES.caCert), tsaCertificate, tsaPrivateKey, caPrivateKey: createPrivateKey(caKey!) };
  }
  if (present !== 0) throw new Error(`${dir} holds only some of the TSA key and certificate files; remove them or restore the rest`);
  const identity = await generateIdentity(options);
  const secret = async (file: string, text: string) => {
    await writeFile(join(dir, file), text, { mode: 0o600 });
    await chmod(join(dir, file), 0o600);
  };
  await secret(FILES.caKey, identity.caPrivateKey!.export({ type: 'pkcs8', format: 'pem' }).toString());
  await secret(FILES.tsaKey, identity.tsaPrivateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  await writeFile(join(dir, FILES.caCert), identity.caCertificate.pem());
  await writeFile(join(dir, FILES.tsaCert), identity.tsaCertificate.pem());
  await writeFile(join(dir, FILES.chain), chainPem(identity));
  return identity;
}

/** Largest serial the counter hands out: it stays an exact JavaScript integer. */
export const SERIAL_MAX = Number.MAX_SAFE_INTEGER;

/**
 * Token serial numbers: 1, 2, 3, … Each one is written to disk (write, then rename) before it is
 * handed out, so after a crash or restart the next serial is always larger than any issued.
 */
export class SerialCounter {
  readonly #file: string | undefined;
  #next: number;
  #chain: Promise<unknown> = Promise.resolve();

  private constructor(file: string | undefined, next: number) {
    this.#file = file;
    this.#next = next;
  }

  static inMemory(): SerialCounter {
    return new SerialCounter(undefined, 1);
  }

  static async open(dir: string): Promise<SerialCounter> {
    const file = join(dir, FILES.serial);
    const text = await readText(file);
    if (text === null) return new SerialCounter(file, 1);
    const parsed = JSON.parse(text) as { next?: unknown };
    if (!Number.isSafeInteger(parsed.next) || (parsed.next as number) < 1) throw new Error(`${file} is corrupt: ${text}`);
    return new SerialCounter(file, parsed.next as number);
  }

  /** The next serial, already made durable. Calls are serialised. */
  take(): Promise<number> {
    const run = this.#chain.then(async () => {
      const serial = this.#next;
      if (serial >= SERIAL_MAX) throw new Error('TSA serial numbers exhausted');
      if (this.#file !== undefined) {
        const tmp = `${this.#file}.tmp`;
        await writeFile(tmp, `${JSON.stringify({ next: serial + 1 })}\n`);
        await rename(tmp, this.#file);
      }
      this.#next = serial + 1;
      return serial;
    });
    this.#chain = run.catch(() => undefined);
    return run;
  }
}

export function identityPem(identity: TsaIdentity): { caCertPem: string; tsaCertPem: string; chainPem: string } {
  return { caCertPem: identity.caCertificate.pem(), tsaCertPem: identity.tsaCertificate.pem(), chainPem: chainPem(identity) };
}

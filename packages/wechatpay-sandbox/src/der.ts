// A minimal ASN.1 DER writer, just enough to build self-signed X.509 v3 certificates for the
// sandbox's merchant and platform keys. node:crypto can parse certificates (X509Certificate) but not
// create them, and a real client only needs a valid certificate whose public key and serial it can
// read, so a few dozen lines of DER are simpler and safer than a dependency.
import { createHash, type KeyObject, sign } from 'node:crypto';

function encodeLength(length: number): Buffer {
  if (length < 0x80) return Buffer.from([length]);
  const bytes: number[] = [];
  let rest = length;
  while (rest > 0) {
    bytes.unshift(rest & 0xff);
    rest = Math.floor(rest / 256);
  }
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

export function tlv(tag: number, content: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encodeLength(content.length), content]);
}

export function sequence(...items: Buffer[]): Buffer {
  return tlv(0x30, Buffer.concat(items));
}

export function set(...items: Buffer[]): Buffer {
  return tlv(0x31, Buffer.concat(items));
}

/** A non-negative INTEGER from big-endian magnitude bytes (a 0x00 is prepended when the top bit is set). */
export function integerFromBytes(magnitude: Buffer): Buffer {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  let body = magnitude.subarray(start);
  if ((body[0] ?? 0) & 0x80) body = Buffer.concat([Buffer.from([0]), body]);
  return tlv(0x02, body);
}

export function smallInteger(value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 127) throw new Error(`smallInteger out of range: ${value}`);
  return tlv(0x02, Buffer.from([value]));
}

export function oid(dotted: string): Buffer {
  const parts = dotted.split('.').map((p) => Number.parseInt(p, 10));
  const [first = 0, second = 0, ...rest] = parts;
  const bytes: number[] = [first * 40 + second];
  for (const part of rest) {
    const chunk: number[] = [part & 0x7f];
    let value = Math.floor(part / 128);
    while (value > 0) {
      chunk.unshift((value & 0x7f) | 0x80);
      value = Math.floor(value / 128);
    }
    bytes.push(...chunk);
  }
  return tlv(0x06, Buffer.from(bytes));
}

export const NULL = Buffer.from([0x05, 0x00]);

export function utf8String(value: string): Buffer {
  return tlv(0x0c, Buffer.from(value, 'utf8'));
}

export function printableString(value: string): Buffer {
  return tlv(0x13, Buffer.from(value, 'ascii'));
}

export function bitString(content: Buffer): Buffer {
  return tlv(0x03, Buffer.concat([Buffer.from([0]), content]));
}

export function octetString(content: Buffer): Buffer {
  return tlv(0x04, content);
}

export function boolean(value: boolean): Buffer {
  return tlv(0x01, Buffer.from([value ? 0xff : 0x00]));
}

/** Context-specific constructed tag [n] EXPLICIT. */
export function explicit(n: number, content: Buffer): Buffer {
  return tlv(0xa0 | n, content);
}

/** UTCTime for years 1950–2049, GeneralizedTime after, as RFC 5280 requires. */
export function time(ms: number): Buffer {
  const d = new Date(ms);
  const pad = (n: number) => String(n).padStart(2, '0');
  const rest = `${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}${pad(d.getUTCSeconds())}Z`;
  const year = d.getUTCFullYear();
  if (year >= 1950 && year < 2050) return tlv(0x17, Buffer.from(`${String(year % 100).padStart(2, '0')}${rest}`, 'ascii'));
  return tlv(0x18, Buffer.from(`${year}${rest}`, 'ascii'));
}

const OID_SHA256_WITH_RSA = '1.2.840.113549.1.1.11';
const OID_COMMON_NAME = '2.5.4.3';
const OID_COUNTRY = '2.5.4.6';
const OID_LOCALITY = '2.5.4.7';
const OID_ORGANIZATION = '2.5.4.10';
const OID_ORGANIZATIONAL_UNIT = '2.5.4.11';
const OID_BASIC_CONSTRAINTS = '2.5.29.19';
const OID_KEY_USAGE = '2.5.29.15';
const OID_SUBJECT_KEY_ID = '2.5.29.14';

export interface DistinguishedName {
  country?: string;
  locality?: string;
  organization?: string;
  organizationalUnit?: string;
  commonName: string;
}

function name(dn: DistinguishedName): Buffer {
  const rdns: Buffer[] = [];
  const attr = (type: string, value: Buffer) => set(sequence(oid(type), value));
  if (dn.country !== undefined) rdns.push(attr(OID_COUNTRY, printableString(dn.country)));
  if (dn.locality !== undefined) rdns.push(attr(OID_LOCALITY, utf8String(dn.locality)));
  if (dn.organization !== undefined) rdns.push(attr(OID_ORGANIZATION, utf8String(dn.organization)));
  if (dn.organizationalUnit !== undefined) rdns.push(attr(OID_ORGANIZATIONAL_UNIT, utf8String(dn.organizationalUnit)));
  rdns.push(attr(OID_COMMON_NAME, utf8String(dn.commonName)));
  return sequence(...rdns);
}

export interface CertificateInput {
  /** Serial as upper-case hex; the top bit of the first byte must be clear so it stays positive. */
  serialHex: string;
  subject: DistinguishedName;
  issuer: DistinguishedName;
  notBeforeMs: number;
  notAfterMs: number;
  publicKey: KeyObject;
  /** The issuer's private key; the subject's own key for a self-signed certificate. */
  signingKey: KeyObject;
}

/** Builds an X.509 v3 certificate signed with SHA256withRSA and returns it as PEM. */
export function buildCertificatePem(input: CertificateInput): string {
  if (!/^[0-7][0-9A-F]*$/.test(input.serialHex) || input.serialHex.length % 2 !== 0) {
    throw new Error(`certificate serial must be upper-case hex with a clear top bit: ${input.serialHex}`);
  }
  const algorithm = sequence(oid(OID_SHA256_WITH_RSA), NULL);
  const spki = input.publicKey.export({ type: 'spki', format: 'der' });
  const keyId = createHash('sha1').update(spki).digest();
  const extensions = explicit(
    3,
    sequence(
      sequence(oid(OID_BASIC_CONSTRAINTS), boolean(true), octetString(sequence())),
      // digitalSignature | keyEncipherment: the key signs and receives OAEP-encrypted fields.
      sequence(oid(OID_KEY_USAGE), boolean(true), octetString(tlv(0x03, Buffer.from([0x05, 0xa0])))),
      sequence(oid(OID_SUBJECT_KEY_ID), octetString(octetString(keyId))),
    ),
  );
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    integerFromBytes(Buffer.from(input.serialHex, 'hex')),
    algorithm,
    name(input.issuer),
    sequence(time(input.notBeforeMs), time(input.notAfterMs)),
    name(input.subject),
    spki,
    extensions,
  );
  const signature = sign('sha256', tbs, input.signingKey);
  const der = sequence(tbs, algorithm, bitString(signature));
  const b64 = der.toString('base64').replace(/(.{64})/g, '$1\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

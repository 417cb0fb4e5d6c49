// X.509 certificates as far as time-stamp verification needs them. node:crypto (OpenSSL) parses the
// certificate and checks signatures and keys; our DER reader supplies what node:crypto does not
// expose: exact name bytes, the serial, and each extension with its critical flag.
import { X509Certificate } from 'node:crypto';
import { Der, DerError, TAG } from './asn1/der.ts';
import { OID } from './asn1/oids.ts';
import { readCertificateTime } from './asn1/time.ts';
import { CERTIFICATES_MAX, PEM_CHARS_MAX } from './limits.ts';

export interface Extension {
  readonly oid: string;
  readonly critical: boolean;
  /** Content of the extnValue OCTET STRING: the DER of the extension's own value. */
  readonly value: Uint8Array;
}

/** KeyUsage bit numbers (RFC 5280 section 4.2.1.3). */
export const KEY_USAGE = { digitalSignature: 0, nonRepudiation: 1, keyEncipherment: 2, keyCertSign: 5, cRLSign: 6 } as const;

interface CertificateFields {
  readonly serialContent: Uint8Array;
  readonly issuer: Uint8Array;
  readonly subject: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly extensions: ReadonlyMap<string, Extension>;
}

export class Certificate implements CertificateFields {
  readonly der: Uint8Array;
  readonly x509: X509Certificate;
  /** Content octets of the serialNumber INTEGER, exactly as encoded. */
  readonly serialContent: Uint8Array;
  /** DER of the issuer Name. */
  readonly issuer: Uint8Array;
  /** DER of the subject Name. */
  readonly subject: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly extensions: ReadonlyMap<string, Extension>;

  private constructor(der: Uint8Array, x509: X509Certificate, fields: CertificateFields) {
    this.der = der;
    this.x509 = x509;
    this.serialContent = fields.serialContent;
    this.issuer = fields.issuer;
    this.subject = fields.subject;
    this.notBeforeMs = fields.notBeforeMs;
    this.notAfterMs = fields.notAfterMs;
    this.extensions = fields.extensions;
  }

  /** Parses one DER certificate; throws DerError when either parser refuses it. */
  static fromDer(input: Uint8Array): Certificate {
    const der = input.slice();
    const cert = Der.parse(der).expect(TAG.SEQUENCE, 'Certificate').reader('Certificate');
    const tbs = cert.next('tbsCertificate', TAG.SEQUENCE).reader('TBSCertificate');
    cert.next('signatureAlgorithm', TAG.SEQUENCE);
    cert.next('signatureValue', TAG.BIT_STRING);
    cert.end();
    const version = tbs.optional(0xa0);
    const versionNumber = version === undefined ? 0 : version.only('version').smallUnsigned('version');
    const serialContent = tbs.next('serialNumber').integerContent('serialNumber');
    tbs.next('signature', TAG.SEQUENCE);
    const issuer = tbs.next('issuer', TAG.SEQUENCE).encoded;
    const validity = tbs.next('validity', TAG.SEQUENCE).reader('Validity');
    const notBeforeMs = readCertificateTime(validity.next('notBefore'), 'notBefore');
    const notAfterMs = readCertificateTime(validity.next('notAfter'), 'notAfter');
    validity.end();
    const subject = tbs.next('subject', TAG.SEQUENCE).encoded;
    tbs.next('subjectPublicKeyInfo', TAG.SEQUENCE);
    tbs.optional(0x81);
    tbs.optional(0x82);
    const extensions = new Map<string, Extension>();
    const extField = tbs.optional(0xa3);
    tbs.end();
    if (extField !== undefined) {
      if (versionNumber !== 2) throw new DerError('extensions in a certificate that is not v3');
      for (const ext of extField.only('extensions').expect(TAG.SEQUENCE, 'Extensions').children()) {
        const r = ext.expect(TAG.SEQUENCE, 'Extension').reader('Extension');
        const oid = r.next('extnID').oid('extnID');
        const criticalField = r.optional(TAG.BOOLEAN);
        const value = r.next('extnValue').octets('extnValue');
        r.end();
        if (extensions.has(oid)) throw new DerError(`extension ${oid} appears twice`);
        extensions.set(oid, { oid, critical: criticalField?.boolean('critical') ?? false, value });
      }
    }
    let x509: X509Certificate;
    try {
      x509 = new X509Certificate(der);
    } catch (e) {
      throw new DerError(`certificate refused by OpenSSL: ${(e as Error).message}`);
    }
    return new Certificate(der, x509, { serialContent, issuer, subject, notBeforeMs, notAfterMs, extensions });
  }

  /** True when `issuer`'s public key verifies this certificate's signature. */
  isSignedBy(issuer: Certificate): boolean {
    try {
      return this.x509.verify(issuer.x509.publicKey);
    } catch {
      return false;
    }
  }

  pem(): string {
    return toPem(this.der, 'CERTIFICATE');
  }
}

/** basicConstraints (RFC 5280 4.2.1.9), or undefined when absent. */
export function basicConstraints(cert: Certificate): { ca: boolean; pathLenMax: number | undefined } | undefined {
  const ext = cert.extensions.get(OID.basicConstraints);
  if (ext === undefined) return undefined;
  const r = Der.parse(ext.value).expect(TAG.SEQUENCE, 'BasicConstraints').reader('BasicConstraints');
  const ca = r.optional(TAG.BOOLEAN)?.boolean('cA') ?? false;
  const pathLen = r.optional(TAG.INTEGER)?.smallUnsigned('pathLenConstraint');
  r.end();
  return { ca, pathLenMax: pathLen };
}

/** The set KeyUsage bits, or undefined when the extension is absent. */
export function keyUsage(cert: Certificate): Set<number> | undefined {
  const ext = cert.extensions.get(OID.keyUsage);
  if (ext === undefined) return undefined;
  const { bytes } = Der.parse(ext.value).bitString('KeyUsage');
  const bits = new Set<number>();
  for (let i = 0; i < bytes.length * 8; i++) if ((bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0) bits.add(i);
  return bits;
}

/** extendedKeyUsage purposes and criticality, or undefined when absent. */
export function extendedKeyUsage(cert: Certificate): { critical: boolean; purposes: string[] } | undefined {
  const ext = cert.extensions.get(OID.extKeyUsage);
  if (ext === undefined) return undefined;
  const purposes = Der.parse(ext.value)
    .expect(TAG.SEQUENCE, 'ExtKeyUsageSyntax')
    .children()
    .map((p) => p.oid('KeyPurposeId'));
  return { critical: ext.critical, purposes };
}

/** The subjectKeyIdentifier value, or undefined. */
export function subjectKeyIdentifier(cert: Certificate): Uint8Array | undefined {
  const ext = cert.extensions.get(OID.subjectKeyIdentifier);
  return ext === undefined ? undefined : Der.parse(ext.value).octets('SubjectKeyIdentifier');
}

/** DER of each GeneralName in subjectAltName, or an empty list. */
export function subjectAltNames(cert: Certificate): Uint8Array[] {
  const ext = cert.extensions.get(OID.subjectAltName);
  if (ext === undefined) return [];
  return Der.parse(ext.value)
    .expect(TAG.SEQUENCE, 'SubjectAltName')
    .children()
    .map((n) => n.encoded);
}

// --- PEM ------------------------------------------------------------------------------------

const PEM_BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----([A-Za-z0-9+/=\s]*?)-----END \1-----/g;

export function toPem(der: Uint8Array, label: string): string {
  const b64 = Buffer.from(der)
    .toString('base64')
    .replace(/(.{64})/g, '$1\n');
  return `-----BEGIN ${label}-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END ${label}-----\n`;
}

/** The DER of every `CERTIFICATE` block in PEM text, in order. Throws DerError past the limits. */
export function pemCertificates(pem: string): Uint8Array[] {
  if (pem.length > PEM_CHARS_MAX) throw new DerError(`PEM text longer than ${PEM_CHARS_MAX} characters`);
  const out: Uint8Array[] = [];
  for (const m of pem.matchAll(PEM_BLOCK)) {
    if (m[1] !== 'CERTIFICATE') continue;
    if (out.length >= CERTIFICATES_MAX) throw new DerError(`more than ${CERTIFICATES_MAX} certificates`);
    out.push(new Uint8Array(Buffer.from(m[2]!.replace(/\s+/g, ''), 'base64')));
  }
  return out;
}

/** Parses PEM text (one string or several) into certificates. */
export function parseCertificates(pem: string | readonly string[]): Certificate[] {
  const texts = typeof pem === 'string' ? [pem] : pem;
  const out: Certificate[] = [];
  for (const text of texts) for (const der of pemCertificates(text)) out.push(Certificate.fromDer(der));
  if (out.length > CERTIFICATES_MAX) throw new DerError(`more than ${CERTIFICATES_MAX} certificates`);
  return out;
}

// --- Names ----------------------------------------------------------------------------------

const SHORT_NAMES: ReadonlyMap<string, string> = new Map([
  [OID.commonName, 'CN'],
  [OID.countryName, 'C'],
  [OID.localityName, 'L'],
  [OID.stateOrProvinceName, 'ST'],
  [OID.organizationName, 'O'],
  [OID.organizationalUnitName, 'OU'],
  [OID.emailAddress, 'emailAddress'],
]);

// The text of a directory string, or undefined for types we do not decode and for invalid
// encodings; names are only ever displayed, so those are shown as hex instead.
function decodeString(value: Der): string | undefined {
  const c = value.content;
  try {
    switch (value.tag) {
      case TAG.UTF8_STRING:
        return new TextDecoder('utf-8', { fatal: true }).decode(c);
      case TAG.PRINTABLE_STRING:
      case TAG.IA5_STRING:
      case TAG.T61_STRING:
        return String.fromCharCode(...c);
      case TAG.BMP_STRING:
        return new TextDecoder('utf-16be', { fatal: true }).decode(c);
      default:
        return undefined;
    }
  } catch {
    return undefined;
  }
}

function escapeValue(text: string): string {
  return text
    .replace(/[\\,+"<>;=]/g, (ch) => `\\${ch}`)
    .replace(/^[#\s]/, (ch) => `\\${ch}`)
    .replace(/\s$/, (ch) => `\\${ch}`);
}

/**
 * An RFC 4514 string of a DER Name (`CN=Fairground TSA,O=Fairground`): most specific RDN first.
 * For display and logs only; names are compared as DER bytes.
 */
export function nameToString(name: Uint8Array): string {
  const rdns = Der.parse(name).expect(TAG.SEQUENCE, 'Name').children();
  const parts: string[] = [];
  for (const rdn of rdns) {
    const attrs = rdn.expect(TAG.SET, 'RelativeDistinguishedName').children();
    const texts = attrs.map((atv) => {
      const r = atv.expect(TAG.SEQUENCE, 'AttributeTypeAndValue').reader('AttributeTypeAndValue');
      const type = r.next('type').oid('type');
      const value = r.next('value');
      r.end();
      const text = decodeString(value);
      const key = SHORT_NAMES.get(type) ?? type;
      return text === undefined ? `${key}=#${Buffer.from(value.encoded).toString('hex')}` : `${key}=${escapeValue(text)}`;
    });
    parts.unshift(texts.join('+'));
  }
  return parts.join(',');
}

// Key pairs and X.509 v3 certificates for the local TSA: a self-signed CA and a TSA certificate it
// issues, with the extensions RFC 3161 section 2.3 and openssl's timestamp purpose check demand
// (critical extendedKeyUsage with id-kp-timeStamping only, keyUsage digitalSignature). node:crypto
// makes keys and signatures but not certificates, so the DER is written here.
import { createHash, generateKeyPair, type KeyObject, randomBytes, sign } from 'node:crypto';
import {
  bitString,
  boolean,
  Der,
  explicit,
  NULL_VALUE,
  namedBits,
  octetString,
  oid,
  sequence,
  setOf,
  smallInteger,
  TAG,
  tlv,
  unsignedInteger,
  utf8String,
} from '../asn1/der.ts';
import { OID } from '../asn1/oids.ts';
import { certificateTime } from '../asn1/time.ts';
import { KEY_USAGE } from '../x509.ts';

export type KeyAlgorithm = 'ecdsa-p256' | 'rsa-2048';
export const KEY_ALGORITHMS: readonly KeyAlgorithm[] = ['ecdsa-p256', 'rsa-2048'];

export function generateKeys(algorithm: KeyAlgorithm): Promise<{ privateKey: KeyObject; publicKey: KeyObject }> {
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, publicKey: KeyObject, privateKey: KeyObject) =>
      err ? reject(err) : resolve({ privateKey, publicKey });
    if (algorithm === 'ecdsa-p256') generateKeyPair('ec', { namedCurve: 'P-256' }, done);
    else generateKeyPair('rsa', { modulusLength: 2048, publicExponent: 0x10001 }, done);
  });
}

/** The AlgorithmIdentifier of a SHA-256 signature by `key`, and the digest node:crypto signs with. */
export function signatureAlgorithm(key: KeyObject): Uint8Array {
  if (key.asymmetricKeyType === 'ec') return sequence(oid(OID.ecdsaWithSha256));
  if (key.asymmetricKeyType === 'rsa') return sequence(oid(OID.sha256WithRSAEncryption), NULL_VALUE);
  throw new Error(`unsupported signing key type ${key.asymmetricKeyType}`);
}

export function signSha256(data: Uint8Array, key: KeyObject): Uint8Array {
  return new Uint8Array(sign('sha256', data, key));
}

export interface NameInput {
  readonly commonName: string;
  readonly organization?: string;
  readonly country?: string;
}

/** DER of a Name: C, O, CN, one attribute per RDN. */
export function encodeName(name: NameInput): Uint8Array {
  const rdn = (type: string, value: Uint8Array) => setOf(sequence(oid(type), value));
  const rdns: Uint8Array[] = [];
  if (name.country !== undefined) rdns.push(rdn(OID.countryName, tlv(TAG.PRINTABLE_STRING, new TextEncoder().encode(name.country))));
  if (name.organization !== undefined) rdns.push(rdn(OID.organizationName, utf8String(name.organization)));
  rdns.push(rdn(OID.commonName, utf8String(name.commonName)));
  return sequence(...rdns);
}

/** RFC 5280 4.2.1.2 method (1): SHA-1 of the subjectPublicKey BIT STRING. */
export function keyIdentifier(publicKey: KeyObject): Uint8Array {
  const spki = new Uint8Array(publicKey.export({ type: 'spki', format: 'der' }));
  const r = Der.parse(spki).reader('SubjectPublicKeyInfo');
  r.next('algorithm');
  const key = r.next('subjectPublicKey').bitString('subjectPublicKey').bytes;
  return new Uint8Array(createHash('sha1').update(key).digest());
}

export interface CertificateProfile {
  readonly kind: 'ca' | 'tsa';
  /**
   * For a TSA certificate: whether extendedKeyUsage is marked critical (RFC 3161 requires it).
   * Only tests turn it off, to prove that verifiers refuse such a certificate.
   */
  readonly ekuCritical?: boolean;
}

export interface CertificateInput {
  readonly serial: Uint8Array;
  readonly subject: Uint8Array;
  readonly issuer: Uint8Array;
  readonly notBeforeMs: number;
  readonly notAfterMs: number;
  readonly publicKey: KeyObject;
  /** The issuer's key pair; the subject's own for a self-signed certificate. */
  readonly issuerPrivateKey: KeyObject;
  readonly issuerPublicKey: KeyObject;
  readonly profile: CertificateProfile;
}

function extension(id: string, critical: boolean, value: Uint8Array): Uint8Array {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

/** DER of an X.509 v3 certificate. */
export function buildCertificate(input: CertificateInput): Uint8Array {
  const spki = new Uint8Array(input.publicKey.export({ type: 'spki', format: 'der' }));
  const algorithm = signatureAlgorithm(input.issuerPrivateKey);
  const ski = extension(OID.subjectKeyIdentifier, false, octetString(keyIdentifier(input.publicKey)));
  // authorityKeyIdentifier ::= SEQUENCE { keyIdentifier [0] IMPLICIT OCTET STRING }
  const aki = extension(OID.authorityKeyIdentifier, false, sequence(tlv(0x80, keyIdentifier(input.issuerPublicKey))));
  const extensions =
    input.profile.kind === 'ca'
      ? [
          extension(OID.basicConstraints, true, sequence(boolean(true))),
          extension(OID.keyUsage, true, namedBits([KEY_USAGE.keyCertSign, KEY_USAGE.cRLSign])),
          ski,
        ]
      : [
          extension(OID.basicConstraints, true, sequence()),
          extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature])),
          extension(OID.extKeyUsage, input.profile.ekuCritical ?? true, sequence(oid(OID.kpTimeStamping))),
          ski,
          aki,
        ];
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(input.serial),
    algorithm,
    input.issuer,
    sequence(certificateTime(input.notBeforeMs), certificateTime(input.notAfterMs)),
    input.subject,
    spki,
    explicit(3, sequence(...extensions)),
  );
  return sequence(tbs, algorithm, bitString(signSha256(tbs, input.issuerPrivateKey)));
}

/** A random positive 16-byte certificate serial (RFC 5280 allows up to 20 octets). */
export function randomSerial(): Uint8Array {
  const serial = new Uint8Array(randomBytes(16));
  serial[0] = (serial[0]! & 0x7f) | 0x10;
  return serial;
}

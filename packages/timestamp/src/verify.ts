// Verification of an RFC 3161 time-stamp token, in the order that gives each failure its most
// useful code: the token must parse, its signature must verify with the certificate its ESS
// signing-certificate attribute names (RFC 2634 / RFC 5035 / RFC 5816), that certificate must be a
// time-stamping certificate (RFC 3161 2.3: critical extendedKeyUsage with only id-kp-timeStamping)
// and chain to a trust anchor; only then do the contents (imprint, nonce, policy) matter.
//
// Certificates are checked at the token's genTime, not at the moment of verification, so a token
// stays verifiable after the TSA certificate expires. Revocation (CRL, OCSP) is not checked.
import { createHash, type KeyObject, verify as verifySignature } from 'node:crypto';
import { assert } from '@fairground/core';
import { bytesToHex } from '@fairground/rules';
import { Der, DerError } from './asn1/der.ts';
import { DIGESTS, OID } from './asn1/oids.ts';
import { TimestampErrors, timestampError } from './errors.ts';
import { CHAIN_LENGTH_MAX, TOKEN_BYTES_MAX } from './limits.ts';
import { type AlgorithmIdentifier, hasNoParams, type ParsedToken, parseSigningCertificate, parseToken } from './token.ts';
import {
  basicConstraints,
  type Certificate,
  extendedKeyUsage,
  KEY_USAGE,
  keyUsage,
  nameToString,
  parseCertificates,
  subjectAltNames,
  subjectKeyIdentifier,
} from './x509.ts';

/** What a verified token says. */
export interface VerifiedTimestamp {
  /** The TSA's time (genTime) in milliseconds since the Unix epoch; finer fractions are cut off. */
  readonly genTimeMs: number;
  /** The token's serialNumber as lower-case hex, unique per TSA. */
  readonly serialHex: string;
  /** The TSA's name from the token (or its certificate's subject), as an RFC 4514 string. */
  readonly tsaName: string;
  readonly policyOid: string;
  /** The TSA's stated accuracy in milliseconds (rounded up), when the token states one. */
  readonly accuracyMs: number | undefined;
  /** The certificate that signed the token, as PEM. */
  readonly signerCertificatePem: string;
}

export interface VerifyOptions {
  /**
   * Extra certificates (intermediates, or the TSA's own for tokens requested without certReq).
   * They only help build a chain; trust comes from the anchors alone.
   */
  readonly untrustedPem?: string | readonly string[];
  /** Policies to accept; any policy when absent. */
  readonly policyOids?: readonly string[];
  /** The nonce of our request, as minimal big-endian bytes; checked when given. */
  readonly nonce?: Uint8Array;
  /** When certificates must have been valid; the token's genTime when absent. */
  readonly atMs?: number;
}

/** Certificates parsed once, for verifying many tokens. */
export interface TrustConfig {
  readonly anchors: readonly Certificate[];
  readonly untrusted: readonly Certificate[];
}

/** Parses trust anchors and extra certificates from PEM; a malformed one is a configuration bug and throws. */
export function trustConfig(trustAnchorsPem: string | readonly string[], untrustedPem: string | readonly string[] = []): TrustConfig {
  const anchors = parseCertificates(trustAnchorsPem);
  assert(anchors.length > 0, 'at least one trust anchor certificate (PEM) is required');
  return { anchors, untrusted: parseCertificates(untrustedPem) };
}

/**
 * Verifies a TimeStampToken (DER ContentInfo) over a SHA-256 `digest` (32 bytes) against trust
 * anchors (PEM certificates). Returns what the token says, or throws an AppError with one of the
 * TSA_* codes.
 */
export function verifyToken(
  tokenDer: Uint8Array,
  digest: Uint8Array,
  trustAnchorsPem: string | readonly string[] | TrustConfig,
  options: VerifyOptions = {},
): VerifiedTimestamp {
  const trust = typeof trustAnchorsPem === 'object' && 'anchors' in trustAnchorsPem ? trustAnchorsPem : trustConfig(trustAnchorsPem);
  const extra = options.untrustedPem === undefined ? [] : parseCertificates(options.untrustedPem);
  return verifyParsedToken(
    parseTokenOrThrow(tokenDer),
    digest,
    { anchors: trust.anchors, untrusted: [...trust.untrusted, ...extra] },
    options,
  );
}

export function parseTokenOrThrow(tokenDer: Uint8Array): ParsedToken {
  if (tokenDer.length > TOKEN_BYTES_MAX)
    throw timestampError(TimestampErrors.TSA_TOKEN_MALFORMED, `token larger than ${TOKEN_BYTES_MAX} bytes`);
  try {
    return parseToken(tokenDer);
  } catch (e) {
    if (e instanceof DerError) throw timestampError(TimestampErrors.TSA_TOKEN_MALFORMED, e.message);
    throw e;
  }
}

function malformed(reason: string): Error {
  return timestampError(TimestampErrors.TSA_TOKEN_MALFORMED, reason);
}

function digestOf(alg: AlgorithmIdentifier, what: string, allowSha1: boolean): { name: string; bytes: number } {
  const d = DIGESTS.get(alg.oid);
  if (d === undefined || (d.name === 'sha1' && !allowSha1)) {
    throw timestampError(TimestampErrors.TSA_UNSUPPORTED_ALGORITHM, `${what} ${alg.oid}`);
  }
  if (!hasNoParams(alg)) throw malformed(`${what} has parameters`);
  return d;
}

function hash(name: string, data: Uint8Array): Uint8Array {
  return createHash(name).update(data).digest();
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** The one value of a signed attribute that must have exactly one. */
function single(token: ParsedToken, type: string, name: string): Der | undefined {
  const values = token.signer.signedAttributes.get(type);
  if (values === undefined) return undefined;
  if (values.length !== 1) throw malformed(`${name} attribute has ${values.length} values`);
  return values[0];
}

// Signature algorithms: which key type signs, and which digest the algorithm itself fixes.
const SIGNATURES: ReadonlyMap<string, { key: 'rsa' | 'ec' | 'ed25519'; digest: string | null; params: 'null-or-absent' | 'absent' }> =
  new Map([
    [OID.rsaEncryption, { key: 'rsa', digest: null, params: 'null-or-absent' }],
    [OID.sha256WithRSAEncryption, { key: 'rsa', digest: OID.sha256, params: 'null-or-absent' }],
    [OID.sha384WithRSAEncryption, { key: 'rsa', digest: OID.sha384, params: 'null-or-absent' }],
    [OID.sha512WithRSAEncryption, { key: 'rsa', digest: OID.sha512, params: 'null-or-absent' }],
    [OID.ecdsaWithSha256, { key: 'ec', digest: OID.sha256, params: 'absent' }],
    [OID.ecdsaWithSha384, { key: 'ec', digest: OID.sha384, params: 'absent' }],
    [OID.ecdsaWithSha512, { key: 'ec', digest: OID.sha512, params: 'absent' }],
    [OID.ed25519, { key: 'ed25519', digest: null, params: 'absent' }],
  ]);

function checkSignature(token: ParsedToken, key: KeyObject, digestName: string): void {
  const { signer } = token;
  const alg = SIGNATURES.get(signer.signatureAlgorithm.oid);
  if (alg === undefined)
    throw timestampError(TimestampErrors.TSA_UNSUPPORTED_ALGORITHM, `signature algorithm ${signer.signatureAlgorithm.oid}`);
  const paramsOk = alg.params === 'absent' ? signer.signatureAlgorithm.params === undefined : hasNoParams(signer.signatureAlgorithm);
  if (!paramsOk) throw malformed('signature algorithm has unexpected parameters');
  if (alg.digest !== null && alg.digest !== signer.digestAlgorithm.oid) throw malformed('signature and digest algorithms disagree');
  if (key.asymmetricKeyType !== alg.key) {
    throw timestampError(
      TimestampErrors.TSA_SIGNATURE_INVALID,
      `a ${key.asymmetricKeyType ?? 'unknown'} key cannot make a ${alg.key} signature`,
    );
  }
  let ok: boolean;
  try {
    ok = verifySignature(alg.key === 'ed25519' ? null : digestName, signer.signedAttributesDer, key, signer.signature);
  } catch {
    ok = false;
  }
  if (!ok) throw timestampError(TimestampErrors.TSA_SIGNATURE_INVALID, 'the signature over the signed attributes does not verify');
}

function sidMatches(token: ParsedToken, cert: Certificate): boolean {
  const { sid } = token.signer;
  if (sid.kind === 'issuerAndSerialNumber') return equal(sid.issuer, cert.issuer) && equal(sid.serialContent, cert.serialContent);
  const ski = subjectKeyIdentifier(cert);
  return ski !== undefined && equal(ski, sid.keyId);
}

/** [4] directoryName holding exactly `name`. */
function isDirectoryName(generalName: Uint8Array, name: Uint8Array): boolean {
  const gn = Der.parse(generalName);
  return gn.tag === 0xa4 && equal(gn.only('directoryName').encoded, name);
}

/**
 * Finds the certificate the token names in its ESS attribute(s) and that matches the SignerInfo.
 * RFC 3161 2.4.1: the first ESSCertID identifies the TSA's certificate.
 */
function findSigner(token: ParsedToken, candidates: readonly Certificate[]): Certificate {
  const v2 = single(token, OID.signingCertificateV2, 'signingCertificateV2');
  const v1 = single(token, OID.signingCertificate, 'signingCertificate');
  if (v1 === undefined && v2 === undefined) throw malformed('no ESS signing-certificate attribute');
  const ids = [
    ...(v2 === undefined ? [] : [parseSigningCertificate(v2, true)[0]!]),
    ...(v1 === undefined ? [] : [parseSigningCertificate(v1, false)[0]!]),
  ];
  const bySid = candidates.filter((c) => sidMatches(token, c));
  if (bySid.length === 0)
    throw timestampError(TimestampErrors.TSA_CERT_UNTRUSTED, 'the signing certificate is neither in the token nor configured');
  const signer = bySid.find((cert) =>
    ids.every((id) => {
      const d = digestOf({ oid: id.hashOid, params: undefined }, 'ESS certificate hash', true);
      return equal(hash(d.name, cert.der), id.certHash);
    }),
  );
  if (signer === undefined) {
    throw timestampError(TimestampErrors.TSA_SIGNATURE_INVALID, 'the ESS signing-certificate attribute names another certificate');
  }
  for (const id of ids) {
    if (id.issuerSerial === undefined) continue;
    const issuerOk = id.issuerSerial.issuerNames.some((n) => isDirectoryName(n, signer.issuer));
    if (!issuerOk || !equal(id.issuerSerial.serialContent, signer.serialContent)) {
      throw timestampError(TimestampErrors.TSA_SIGNATURE_INVALID, 'the ESS issuerSerial does not match the signing certificate');
    }
  }
  return signer;
}

/** openssl's check_purpose_timestamp_sign and RFC 3161 2.3, for the signing certificate. */
function checkTimestampingUsage(cert: Certificate): void {
  const usage = (reason: string) => timestampError(TimestampErrors.TSA_CERT_USAGE_INVALID, reason, { subject: nameToString(cert.subject) });
  const eku = extendedKeyUsage(cert);
  if (eku === undefined) throw usage('no extendedKeyUsage extension');
  if (!eku.critical) throw usage('extendedKeyUsage is not critical');
  if (eku.purposes.length !== 1 || eku.purposes[0] !== OID.kpTimeStamping) {
    throw usage(`extendedKeyUsage must be exactly id-kp-timeStamping, found ${eku.purposes.join(', ')}`);
  }
  const ku = keyUsage(cert);
  if (ku !== undefined) {
    const signing = [KEY_USAGE.digitalSignature, KEY_USAGE.nonRepudiation];
    if (![...ku].every((b) => signing.includes(b as 0 | 1)) || !signing.some((b) => ku.has(b))) {
      throw usage('keyUsage allows more than digitalSignature and nonRepudiation');
    }
  }
}

const KNOWN_EXTENSIONS: ReadonlySet<string> = new Set([
  OID.basicConstraints,
  OID.keyUsage,
  OID.extKeyUsage,
  OID.subjectKeyIdentifier,
  OID.authorityKeyIdentifier,
  OID.subjectAltName,
  OID.certificatePolicies,
]);

function untrusted(reason: string, cert?: Certificate): Error {
  return timestampError(
    TimestampErrors.TSA_CERT_UNTRUSTED,
    reason,
    cert === undefined ? undefined : { subject: nameToString(cert.subject) },
  );
}

function checkCertificate(cert: Certificate, atMs: number): void {
  if (atMs < cert.notBeforeMs || atMs > cert.notAfterMs) {
    throw untrusted(`certificate not valid at ${new Date(atMs).toISOString()}`, cert);
  }
  for (const ext of cert.extensions.values()) {
    if (ext.critical && !KNOWN_EXTENSIONS.has(ext.oid)) throw untrusted(`unknown critical extension ${ext.oid}`, cert);
  }
}

/** `cert` may issue certificates, with `intermediatesBelow` CA certificates under it in this chain. */
function checkIssuer(cert: Certificate, intermediatesBelow: number): void {
  const bc = basicConstraints(cert);
  if (bc?.ca !== true) throw untrusted('issuer is not a CA (basicConstraints cA)', cert);
  if (bc.pathLenMax !== undefined && intermediatesBelow > bc.pathLenMax) throw untrusted('path length constraint exceeded', cert);
  const ku = keyUsage(cert);
  if (ku !== undefined && !ku.has(KEY_USAGE.keyCertSign)) throw untrusted('issuer keyUsage lacks keyCertSign', cert);
}

/**
 * Builds the chain signer → … → anchor, greedily and without backtracking, at most
 * CHAIN_LENGTH_MAX certificates long. A trust anchor is trusted for its key and name; it is still
 * checked for validity and CA-ness, as openssl does.
 */
export function buildChain(signer: Certificate, trust: TrustConfig, pool: readonly Certificate[], atMs: number): Certificate[] {
  const chain: Certificate[] = [signer];
  let current = signer;
  for (;;) {
    checkCertificate(current, atMs);
    if (trust.anchors.some((a) => equal(a.der, current.der))) return chain;
    if (chain.length >= CHAIN_LENGTH_MAX) throw untrusted(`no trust anchor within ${CHAIN_LENGTH_MAX} certificates`, signer);
    const issuedBy = (c: Certificate) => !chain.includes(c) && equal(c.subject, current.issuer) && current.isSignedBy(c);
    const next = trust.anchors.find(issuedBy) ?? pool.find(issuedBy);
    if (next === undefined) throw untrusted('no trusted issuer found', current);
    checkIssuer(next, chain.length - 1);
    chain.push(next);
    current = next;
  }
}

function checkTsaName(token: ParsedToken, signer: Certificate): void {
  const name = token.tstInfo.tsaName;
  if (name === undefined) return;
  // As openssl's ts_check_signer_name: the subject as a directoryName, or one of the subjectAltNames.
  if (isDirectoryName(name, signer.subject)) return;
  if (subjectAltNames(signer).some((n) => equal(n, name))) return;
  throw timestampError(TimestampErrors.TSA_NAME_MISMATCH, 'the tsa field names neither the subject nor a subjectAltName of the signer');
}

function tsaNameText(token: ParsedToken, signer: Certificate): string {
  const name = token.tstInfo.tsaName;
  if (name !== undefined) {
    const gn = Der.parse(name);
    if (gn.tag === 0xa4) return nameToString(gn.only('directoryName').encoded);
    if (gn.tag === 0x82 || gn.tag === 0x86 || gn.tag === 0x81) return new TextDecoder().decode(gn.content);
  }
  return nameToString(signer.subject);
}

/** Verifies a parsed token; see `verifyToken`. */
export function verifyParsedToken(
  token: ParsedToken,
  digest: Uint8Array,
  trust: TrustConfig,
  options: VerifyOptions = {},
): VerifiedTimestamp {
  assert(digest.length === 32, `digest must be 32 bytes (SHA-256), got ${digest.length}`);
  try {
    return verifyInner(token, digest, trust, options);
  } catch (e) {
    if (e instanceof DerError) throw malformed(e.message);
    throw e;
  }
}

function verifyInner(token: ParsedToken, digest: Uint8Array, trust: TrustConfig, options: VerifyOptions): VerifiedTimestamp {
  const { signer: si, tstInfo } = token;
  const digestAlg = digestOf(si.digestAlgorithm, 'digest algorithm', false);
  if (!token.digestAlgorithmOids.includes(si.digestAlgorithm.oid)) throw malformed('signer digest algorithm is not listed in SignedData');

  const contentType = single(token, OID.contentType, 'contentType');
  if (contentType === undefined || contentType.oid('contentType') !== OID.tstInfo)
    throw malformed('contentType attribute is not id-ct-TSTInfo');
  const messageDigest = single(token, OID.messageDigest, 'messageDigest');
  if (messageDigest === undefined) throw malformed('no messageDigest attribute');
  if (!equal(messageDigest.octets('messageDigest'), hash(digestAlg.name, token.eContent))) {
    throw timestampError(TimestampErrors.TSA_SIGNATURE_INVALID, 'messageDigest does not match the TSTInfo');
  }

  const pool = [...token.certificates, ...trust.untrusted];
  const signer = findSigner(token, [...pool, ...trust.anchors]);
  checkSignature(token, signer.x509.publicKey, digestAlg.name);
  checkTimestampingUsage(signer);
  checkTsaName(token, signer);
  buildChain(signer, trust, pool, options.atMs ?? tstInfo.genTimeMs);

  const imprint = tstInfo.messageImprint;
  if (imprint.hashAlgorithm.oid !== OID.sha256 || !hasNoParams(imprint.hashAlgorithm) || !equal(imprint.hashedMessage, digest)) {
    throw timestampError(TimestampErrors.TSA_IMPRINT_MISMATCH, 'messageImprint is not SHA-256 of the expected digest', {
      expected: bytesToHex(digest),
      found: bytesToHex(imprint.hashedMessage),
    });
  }
  if (options.policyOids !== undefined && !options.policyOids.includes(tstInfo.policyOid)) {
    throw timestampError(TimestampErrors.TSA_POLICY_MISMATCH, `policy ${tstInfo.policyOid}`, { accepted: options.policyOids });
  }
  if (options.nonce !== undefined && (tstInfo.nonce === undefined || !equal(tstInfo.nonce, options.nonce))) {
    throw timestampError(
      TimestampErrors.TSA_NONCE_MISMATCH,
      tstInfo.nonce === undefined ? 'the token has no nonce' : 'the token has another nonce',
    );
  }
  const a = tstInfo.accuracy;
  return {
    genTimeMs: tstInfo.genTimeMs,
    serialHex: bytesToHex(tstInfo.serial),
    tsaName: tsaNameText(token, signer),
    policyOid: tstInfo.policyOid,
    accuracyMs: a === undefined ? undefined : a.seconds * 1000 + a.millis + (a.micros > 0 ? 1 : 0),
    signerCertificatePem: signer.pem(),
  };
}

// Parsing of an RFC 3161 TimeStampToken: a CMS ContentInfo (RFC 5652) holding SignedData whose
// encapsulated content is a TSTInfo. Parsing checks structure only; `verify.ts` decides trust.
// Everything throws DerError on malformed input.
import { Der, DerError, TAG } from './asn1/der.ts';
import { OID } from './asn1/oids.ts';
import { readGeneralizedTime } from './asn1/time.ts';
import { CERTIFICATES_MAX, SIGNED_ATTRIBUTES_MAX } from './limits.ts';
import { Certificate } from './x509.ts';

export interface AlgorithmIdentifier {
  readonly oid: string;
  /** The parameters element, when present. */
  readonly params: Der | undefined;
}

export function readAlgorithm(der: Der, what: string): AlgorithmIdentifier {
  const r = der.expect(TAG.SEQUENCE, what).reader(what);
  const oid = r.next('algorithm').oid(`${what}.algorithm`);
  const params = r.remaining > 0 ? r.next('parameters') : undefined;
  r.end();
  return { oid, params };
}

/** True when the parameters are absent or NULL, the two encodings RFC 5754 allows for SHA-2 and RSA. */
export function hasNoParams(alg: AlgorithmIdentifier): boolean {
  return alg.params === undefined || (alg.params.tag === TAG.NULL && alg.params.content.length === 0);
}

export interface MessageImprint {
  readonly hashAlgorithm: AlgorithmIdentifier;
  readonly hashedMessage: Uint8Array;
}

export function readMessageImprint(der: Der): MessageImprint {
  const r = der.expect(TAG.SEQUENCE, 'MessageImprint').reader('MessageImprint');
  const hashAlgorithm = readAlgorithm(r.next('hashAlgorithm'), 'hashAlgorithm');
  const hashedMessage = r.next('hashedMessage').octets('hashedMessage');
  r.end();
  return { hashAlgorithm, hashedMessage };
}

export interface Accuracy {
  readonly seconds: number;
  readonly millis: number;
  readonly micros: number;
}

export interface TstInfo {
  readonly policyOid: string;
  readonly messageImprint: MessageImprint;
  /** serialNumber as minimal big-endian magnitude. */
  readonly serial: Uint8Array;
  readonly genTimeMs: number;
  readonly accuracy: Accuracy | undefined;
  readonly ordering: boolean;
  /** nonce as minimal big-endian magnitude, when present. */
  readonly nonce: Uint8Array | undefined;
  /** DER of the GeneralName inside the [0] tsa field, when present. */
  readonly tsaName: Uint8Array | undefined;
}

export function parseTstInfo(bytes: Uint8Array): TstInfo {
  const r = Der.parse(bytes).expect(TAG.SEQUENCE, 'TSTInfo').reader('TSTInfo');
  const version = r.next('version').smallUnsigned('TSTInfo.version');
  if (version !== 1) throw new DerError(`TSTInfo version ${version}, expected 1`);
  const policyOid = r.next('policy').oid('policy');
  const messageImprint = readMessageImprint(r.next('messageImprint'));
  const serial = r.next('serialNumber').unsignedBytes('serialNumber');
  const genTimeMs = readGeneralizedTime(r.next('genTime'), 'genTime').ms;
  let accuracy: Accuracy | undefined;
  const accuracyField = r.optional(TAG.SEQUENCE);
  if (accuracyField !== undefined) {
    const a = accuracyField.reader('Accuracy');
    const seconds = a.optional(TAG.INTEGER)?.smallUnsigned('accuracy.seconds') ?? 0;
    const millis = a.optional(0x80);
    const micros = a.optional(0x81);
    a.end();
    const small = (d: Der | undefined, what: string): number => {
      if (d === undefined) return 0;
      const v = d.smallUnsigned(what, d.tag);
      if (v < 1 || v > 999) throw new DerError(`${what} must be 1..999`);
      return v;
    };
    accuracy = { seconds, millis: small(millis, 'accuracy.millis'), micros: small(micros, 'accuracy.micros') };
  }
  const ordering = r.optional(TAG.BOOLEAN)?.boolean('ordering') ?? false;
  const nonce = r.optional(TAG.INTEGER)?.unsignedBytes('nonce');
  const tsaField = r.optional(0xa0);
  const tsaName = tsaField?.only('tsa').encoded;
  // RFC 3161 defines no TSTInfo extension: a non-critical one is ignored, a critical one refused.
  const extensions = r.optional(0xa1);
  r.end();
  for (const ext of extensions?.children() ?? []) {
    const e = ext.expect(TAG.SEQUENCE, 'Extension').reader('Extension');
    const oid = e.next('extnID').oid('extnID');
    if (e.optional(TAG.BOOLEAN)?.boolean('critical') === true) throw new DerError(`unknown critical TSTInfo extension ${oid}`);
  }
  return { policyOid, messageImprint, serial, genTimeMs, accuracy, ordering, nonce, tsaName };
}

export type SignerIdentifier =
  | { readonly kind: 'issuerAndSerialNumber'; readonly issuer: Uint8Array; readonly serialContent: Uint8Array }
  | { readonly kind: 'subjectKeyIdentifier'; readonly keyId: Uint8Array };

export interface SignerInfo {
  readonly sid: SignerIdentifier;
  readonly digestAlgorithm: AlgorithmIdentifier;
  /** The signed attributes re-tagged as a SET (0x31): the exact bytes the signature covers. */
  readonly signedAttributesDer: Uint8Array;
  /** Each signed attribute type with its values; a type appears at most once. */
  readonly signedAttributes: ReadonlyMap<string, readonly Der[]>;
  readonly signatureAlgorithm: AlgorithmIdentifier;
  readonly signature: Uint8Array;
}

export interface ParsedToken {
  readonly der: Uint8Array;
  readonly digestAlgorithmOids: readonly string[];
  /** The TSTInfo DER inside eContent: the bytes the messageDigest attribute covers. */
  readonly eContent: Uint8Array;
  readonly tstInfo: TstInfo;
  readonly certificates: readonly Certificate[];
  readonly signer: SignerInfo;
}

/** Parses a TimeStampToken (DER ContentInfo). Throws DerError when it is not one. */
export function parseToken(input: Uint8Array): ParsedToken {
  const der = input.slice();
  const ci = Der.parse(der).expect(TAG.SEQUENCE, 'ContentInfo').reader('ContentInfo');
  const contentType = ci.next('contentType').oid('contentType');
  if (contentType !== OID.signedData) throw new DerError(`ContentInfo holds ${contentType}, not SignedData`);
  const sd = ci.next('content', 0xa0).only('content').expect(TAG.SEQUENCE, 'SignedData').reader('SignedData');
  ci.end();
  // RFC 5652 5.1: version 3 whenever eContentType is not id-data.
  const version = sd.next('version').smallUnsigned('SignedData.version');
  if (version !== 3) throw new DerError(`SignedData version ${version}, expected 3`);
  const digestAlgorithmOids = sd
    .next('digestAlgorithms', TAG.SET)
    .children()
    .map((a) => readAlgorithm(a, 'digestAlgorithm').oid);
  const encap = sd.next('encapContentInfo', TAG.SEQUENCE).reader('EncapsulatedContentInfo');
  const eContentType = encap.next('eContentType').oid('eContentType');
  if (eContentType !== OID.tstInfo) throw new DerError(`eContentType ${eContentType}, not TSTInfo`);
  const eContent = encap.next('eContent', 0xa0).only('eContent').octets('eContent');
  encap.end();
  const certificates: Certificate[] = [];
  const certField = sd.optional(0xa0);
  if (certField !== undefined) {
    const items = certField.children();
    if (items.length > CERTIFICATES_MAX) throw new DerError(`more than ${CERTIFICATES_MAX} certificates`);
    for (const item of items) {
      // Other CertificateChoices (attribute certificates, [3] other) are skipped: nothing here uses them.
      if (item.tag === TAG.SEQUENCE) certificates.push(Certificate.fromDer(item.encoded));
    }
  }
  sd.optional(0xa1); // crls: revocation is not checked (see README).
  const signerInfos = sd.next('signerInfos', TAG.SET).children();
  sd.end();
  // RFC 3161 2.4.2: the token MUST NOT carry any signature other than the TSA's.
  if (signerInfos.length !== 1) throw new DerError(`${signerInfos.length} SignerInfos, expected exactly 1`);
  const signer = parseSignerInfo(signerInfos[0]!);
  return { der, digestAlgorithmOids, eContent, tstInfo: parseTstInfo(eContent), certificates, signer };
}

function parseSignerInfo(der: Der): SignerInfo {
  const r = der.expect(TAG.SEQUENCE, 'SignerInfo').reader('SignerInfo');
  const version = r.next('version').smallUnsigned('SignerInfo.version');
  const sidField = r.next('sid');
  let sid: SignerIdentifier;
  if (sidField.tag === TAG.SEQUENCE) {
    if (version !== 1) throw new DerError('SignerInfo with issuerAndSerialNumber must be version 1');
    const s = sidField.reader('IssuerAndSerialNumber');
    const issuer = s.next('issuer', TAG.SEQUENCE).encoded;
    const serialContent = s.next('serialNumber').integerContent('serialNumber');
    s.end();
    sid = { kind: 'issuerAndSerialNumber', issuer, serialContent };
  } else if (sidField.tag === 0x80) {
    if (version !== 3) throw new DerError('SignerInfo with subjectKeyIdentifier must be version 3');
    sid = { kind: 'subjectKeyIdentifier', keyId: sidField.content };
  } else {
    throw new DerError('unknown SignerIdentifier');
  }
  const digestAlgorithm = readAlgorithm(r.next('digestAlgorithm'), 'digestAlgorithm');
  // RFC 3161 requires signed attributes (the ESS signing certificate lives there).
  const attrsField = r.next('signedAttrs', 0xa0);
  const signatureAlgorithm = readAlgorithm(r.next('signatureAlgorithm'), 'signatureAlgorithm');
  const signature = r.next('signature').octets('signature');
  r.optional(0xa1); // unsignedAttrs
  r.end();
  const signedAttributesDer = attrsField.encoded.slice();
  signedAttributesDer[0] = TAG.SET;
  const signedAttributes = new Map<string, Der[]>();
  const attrs = attrsField.children();
  if (attrs.length > SIGNED_ATTRIBUTES_MAX) throw new DerError(`more than ${SIGNED_ATTRIBUTES_MAX} signed attributes`);
  for (const attr of attrs) {
    const a = attr.expect(TAG.SEQUENCE, 'Attribute').reader('Attribute');
    const type = a.next('attrType').oid('attrType');
    const values = a.next('attrValues', TAG.SET).children();
    a.end();
    if (values.length === 0) throw new DerError(`attribute ${type} has no value`);
    if (signedAttributes.has(type)) throw new DerError(`signed attribute ${type} appears twice`);
    signedAttributes.set(type, values);
  }
  return { sid, digestAlgorithm, signedAttributesDer, signedAttributes, signatureAlgorithm, signature };
}

export interface EssCertId {
  /** OID of the hash over the whole certificate: SHA-1 for ESSCertID, SHA-256 unless stated for ESSCertIDv2. */
  readonly hashOid: string;
  readonly certHash: Uint8Array;
  readonly issuerSerial: { readonly issuerNames: readonly Uint8Array[]; readonly serialContent: Uint8Array } | undefined;
}

/** The certificate identifiers of a SigningCertificate (v1, RFC 2634) or SigningCertificateV2 (RFC 5035) value. */
export function parseSigningCertificate(value: Der, v2: boolean): EssCertId[] {
  const r = value.expect(TAG.SEQUENCE, 'SigningCertificate').reader('SigningCertificate');
  const certs = r.next('certs', TAG.SEQUENCE).children();
  r.optional(TAG.SEQUENCE); // policies
  r.end();
  if (certs.length === 0) throw new DerError('SigningCertificate lists no certificate');
  if (certs.length > CERTIFICATES_MAX) throw new DerError(`SigningCertificate lists more than ${CERTIFICATES_MAX} certificates`);
  return certs.map((c) => {
    const e = c.expect(TAG.SEQUENCE, 'ESSCertID').reader('ESSCertID');
    let hashOid: string = OID.sha1;
    if (v2) {
      const alg = e.optional(TAG.SEQUENCE);
      hashOid = alg === undefined ? OID.sha256 : readAlgorithm(alg, 'ESSCertIDv2.hashAlgorithm').oid;
    }
    const certHash = e.next('certHash').octets('certHash');
    const is = e.optional(TAG.SEQUENCE);
    e.end();
    let issuerSerial: EssCertId['issuerSerial'];
    if (is !== undefined) {
      const s = is.reader('IssuerSerial');
      const issuerNames = s
        .next('issuer', TAG.SEQUENCE)
        .children()
        .map((n) => n.encoded);
      const serialContent = s.next('serialNumber').integerContent('serialNumber');
      s.end();
      issuerSerial = { issuerNames, serialContent };
    }
    return { hashOid, certHash, issuerSerial };
  });
}

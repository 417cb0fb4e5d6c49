// How the local TSA answers one TimeStampReq: check it, then build a TSTInfo, wrap it in CMS
// SignedData with the signed attributes RFC 3161 and RFC 5816 require (contentType, messageDigest,
// signingCertificateV2 with ESSCertIDv2 over SHA-256 and issuerSerial), and sign it.
import { createHash } from 'node:crypto';
import { DerError, explicit, implicit, octetString, oid, sequence, setOf, smallInteger, TAG, tlv, unsignedInteger } from '../asn1/der.ts';
import { DIGESTS, OID } from '../asn1/oids.ts';
import { generalizedTime } from '../asn1/time.ts';
import { NONCE_BYTES_MAX } from '../limits.ts';
import { buildResponse, PKI_FAILURE, PKI_STATUS, parseRequest, type TimeStampRequest } from '../protocol.ts';
import { hasNoParams } from '../token.ts';
import { signatureAlgorithm, signSha256 } from './certificates.ts';
import type { TsaIdentity } from './identity.ts';

/** Ways a test can make the TSA sign a token that a careful client must refuse. */
export type TokenTamper = 'wrong-nonce' | 'wrong-imprint' | 'bad-signature';

/** Digests the local TSA accepts in a messageImprint (never SHA-1). */
const ACCEPTED_IMPRINTS: ReadonlySet<string> = new Set([OID.sha256, OID.sha384, OID.sha512]);

export type RequestCheck =
  | { readonly ok: true; readonly request: TimeStampRequest }
  | { readonly ok: false; readonly response: Uint8Array };

function rejection(bit: number, text: string): RequestCheck {
  return { ok: false, response: buildResponse({ status: PKI_STATUS.rejection, statusString: text, failureBits: [bit] }) };
}

/** Parses and checks a request; a refused one comes with its rejection response. */
export function checkRequest(body: Uint8Array, policyOid: string): RequestCheck {
  let request: TimeStampRequest;
  try {
    request = parseRequest(body);
  } catch (e) {
    if (e instanceof DerError) return rejection(PKI_FAILURE.badDataFormat, `not a TimeStampReq: ${e.message}`);
    throw e;
  }
  const alg = request.messageImprint.hashAlgorithm;
  const digest = DIGESTS.get(alg.oid);
  if (!ACCEPTED_IMPRINTS.has(alg.oid) || digest === undefined || !hasNoParams(alg)) {
    return rejection(PKI_FAILURE.badAlg, `unsupported hash algorithm ${alg.oid}`);
  }
  if (request.messageImprint.hashedMessage.length !== digest.bytes)
    return rejection(PKI_FAILURE.badDataFormat, 'hashedMessage has the wrong length');
  if (request.reqPolicyOid !== undefined && request.reqPolicyOid !== policyOid) {
    return rejection(PKI_FAILURE.unacceptedPolicy, `this TSA only issues under policy ${policyOid}`);
  }
  if (request.nonce !== undefined && request.nonce.length > NONCE_BYTES_MAX) return rejection(PKI_FAILURE.badDataFormat, 'nonce too long');
  if (request.hasExtensions) return rejection(PKI_FAILURE.unacceptedExtension, 'no request extension is supported');
  return { ok: true, request };
}

export interface IssueInput {
  readonly request: TimeStampRequest;
  readonly identity: TsaIdentity;
  readonly policyOid: string;
  readonly serial: number;
  readonly genTimeMs: number;
  readonly tamper?: TokenTamper | undefined;
}

function plusOne(bytes: Uint8Array): Uint8Array {
  let value = 0n;
  for (const b of bytes) value = (value << 8n) | BigInt(b);
  value += 1n;
  const out: number[] = [];
  for (let v = value; v > 0n; v >>= 8n) out.unshift(Number(v & 0xffn));
  return Uint8Array.from(out);
}

/** DER of a granted TimeStampResp holding a freshly signed token. */
export function issueResponse(input: IssueInput): Uint8Array {
  return buildResponse({ status: PKI_STATUS.granted, token: issueToken(input) });
}

/** DER of a TimeStampToken (ContentInfo) for a checked request. */
export function issueToken(input: IssueInput): Uint8Array {
  const { request, identity } = input;
  const cert = identity.tsaCertificate;
  let imprint = request.messageImprintDer;
  if (input.tamper === 'wrong-imprint') {
    imprint = imprint.slice();
    imprint[imprint.length - 1]! ^= 0x01;
  }
  let nonce = request.nonce;
  if (nonce !== undefined && input.tamper === 'wrong-nonce') nonce = plusOne(nonce);
  const tstInfo = sequence(
    smallInteger(1),
    oid(input.policyOid),
    imprint,
    smallInteger(input.serial),
    generalizedTime(input.genTimeMs),
    // Accuracy ::= SEQUENCE { seconds INTEGER OPTIONAL, … }: our clock is the machine's.
    sequence(smallInteger(1)),
    ...(nonce === undefined ? [] : [unsignedInteger(nonce)]),
    // tsa [0] GeneralName: directoryName [4] with the certificate's subject, byte for byte, which
    // is what openssl compares it with.
    explicit(0, explicit(4, cert.subject)),
  );
  const sha256 = sequence(oid(OID.sha256));
  const serialInteger = tlv(TAG.INTEGER, cert.serialContent);
  const essCertIdV2 = sequence(
    // hashAlgorithm DEFAULT id-sha256: omitted, as DER requires for a default value.
    octetString(new Uint8Array(createHash('sha256').update(cert.der).digest())),
    sequence(sequence(explicit(4, cert.issuer)), serialInteger),
  );
  const attributes = setOf(
    sequence(oid(OID.contentType), setOf(oid(OID.tstInfo))),
    sequence(oid(OID.messageDigest), setOf(octetString(new Uint8Array(createHash('sha256').update(tstInfo).digest())))),
    sequence(oid(OID.signingCertificateV2), setOf(sequence(sequence(essCertIdV2)))),
  );
  const signature = signSha256(attributes, identity.tsaPrivateKey);
  if (input.tamper === 'bad-signature') signature[signature.length - 1]! ^= 0x01;
  const signerInfo = sequence(
    smallInteger(1),
    sequence(cert.issuer, serialInteger),
    sha256,
    implicit(0, attributes),
    signatureAlgorithm(identity.tsaPrivateKey),
    octetString(signature),
  );
  const signedData = sequence(
    smallInteger(3),
    setOf(sha256),
    sequence(oid(OID.tstInfo), explicit(0, octetString(tstInfo))),
    ...(request.certReq ? [tlv(0xa0, cert.der)] : []),
    setOf(signerInfo),
  );
  return sequence(oid(OID.signedData), explicit(0, signedData));
}

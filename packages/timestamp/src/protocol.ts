// The RFC 3161 messages around the token: TimeStampReq (section 2.4.1) and TimeStampResp
// (section 2.4.2), built and parsed. Parsers throw DerError on malformed input.
import {
  type Bytes,
  boolean,
  Der,
  DerError,
  NULL_VALUE,
  namedBits,
  octetString,
  oid,
  sequence,
  smallInteger,
  TAG,
  tlv,
  unsignedInteger,
} from './asn1/der.ts';
import { OID } from './asn1/oids.ts';
import { type MessageImprint, readMessageImprint } from './token.ts';

export interface TimeStampRequest {
  readonly messageImprint: MessageImprint;
  /** The MessageImprint exactly as encoded, which a TSA copies into its TSTInfo. */
  readonly messageImprintDer: Uint8Array;
  readonly reqPolicyOid: string | undefined;
  /** Minimal big-endian magnitude of the nonce, when present. */
  readonly nonce: Uint8Array | undefined;
  readonly certReq: boolean;
  /** True when the request carries extensions (none are supported by the local TSA). */
  readonly hasExtensions: boolean;
}

/** DER of a TimeStampReq v1 for a SHA-256 digest, asking for the TSA's certificate. */
export function buildRequest(input: {
  digest: Uint8Array;
  nonce: Uint8Array;
  reqPolicyOid?: string | undefined;
  certReq?: boolean;
}): Bytes {
  // The digest AlgorithmIdentifier carries NULL parameters, as openssl's own queries do.
  const imprint = sequence(sequence(oid(OID.sha256), NULL_VALUE), octetString(input.digest));
  return sequence(
    smallInteger(1),
    imprint,
    ...(input.reqPolicyOid === undefined ? [] : [oid(input.reqPolicyOid)]),
    unsignedInteger(input.nonce),
    // certReq DEFAULT FALSE: DER omits the default value.
    ...((input.certReq ?? true) ? [boolean(true)] : []),
  );
}

export function parseRequest(bytes: Uint8Array): TimeStampRequest {
  const r = Der.parse(bytes).expect(TAG.SEQUENCE, 'TimeStampReq').reader('TimeStampReq');
  const version = r.next('version').smallUnsigned('TimeStampReq.version');
  if (version !== 1) throw new DerError(`TimeStampReq version ${version}, expected 1`);
  const imprintField = r.next('messageImprint');
  const messageImprint = readMessageImprint(imprintField);
  const reqPolicyOid = r.optional(TAG.OID)?.oid('reqPolicy');
  const nonce = r.optional(TAG.INTEGER)?.unsignedBytes('nonce');
  const certReq = r.optional(TAG.BOOLEAN)?.boolean('certReq') ?? false;
  const extensions = r.optional(0xa0);
  r.end();
  return {
    messageImprint,
    messageImprintDer: imprintField.encoded.slice(),
    reqPolicyOid,
    nonce,
    certReq,
    hasExtensions: extensions !== undefined,
  };
}

/** PKIStatus values (RFC 3161 2.4.2). */
export const PKI_STATUS = {
  granted: 0,
  grantedWithMods: 1,
  rejection: 2,
  waiting: 3,
  revocationWarning: 4,
  revocationNotification: 5,
} as const;

/** PKIFailureInfo bit numbers (RFC 3161 2.4.2). */
export const PKI_FAILURE = {
  badAlg: 0,
  badRequest: 2,
  badDataFormat: 5,
  timeNotAvailable: 14,
  unacceptedPolicy: 15,
  unacceptedExtension: 16,
  addInfoNotAvailable: 17,
  systemFailure: 25,
} as const;

const FAILURE_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(PKI_FAILURE).map(([name, bit]) => [bit, name]));

export interface TimeStampResponse {
  readonly status: number;
  readonly statusStrings: readonly string[];
  /** Names of the PKIFailureInfo bits set (`bit17` for an unknown bit). */
  readonly failures: readonly string[];
  /** DER of the TimeStampToken, when present. */
  readonly token: Uint8Array | undefined;
}

export function parseResponse(bytes: Uint8Array): TimeStampResponse {
  const r = Der.parse(bytes).expect(TAG.SEQUENCE, 'TimeStampResp').reader('TimeStampResp');
  const si = r.next('status', TAG.SEQUENCE).reader('PKIStatusInfo');
  const status = si.next('status').smallUnsigned('PKIStatus');
  if (status > PKI_STATUS.revocationNotification) throw new DerError(`unknown PKIStatus ${status}`);
  const text = si.optional(TAG.SEQUENCE);
  const statusStrings = (text?.children() ?? []).map((s) => s.utf8('PKIFreeText'));
  const failInfo = si.optional(TAG.BIT_STRING);
  si.end();
  const failures: string[] = [];
  if (failInfo !== undefined) {
    const { bytes: bits } = failInfo.bitString('failInfo');
    for (let i = 0; i < bits.length * 8; i++)
      if ((bits[i >> 3]! & (0x80 >> (i & 7))) !== 0) failures.push(FAILURE_NAMES.get(i) ?? `bit${i}`);
  }
  const tokenField = r.optional(TAG.SEQUENCE);
  r.end();
  return { status, statusStrings, failures, token: tokenField?.encoded.slice() };
}

/** DER of a TimeStampResp: the status, optional text and failure bits, and the token when granted. */
export function buildResponse(input: {
  status: number;
  statusString?: string;
  failureBits?: readonly number[];
  token?: Uint8Array;
}): Bytes {
  const parts = [smallInteger(input.status)];
  if (input.statusString !== undefined) parts.push(sequence(tlv(TAG.UTF8_STRING, new TextEncoder().encode(input.statusString))));
  if (input.failureBits !== undefined && input.failureBits.length > 0) parts.push(namedBits(input.failureBits));
  return sequence(sequence(...parts), ...(input.token === undefined ? [] : [input.token]));
}

// Export bundles: everything a player or a court needs to check one record without trusting us —
// the record's exact bytes, its inclusion proof in a Merkle tree, the tree's root, the RFC 3161
// token over that root, and the TSA's certificate chain. `verify-bundle.mjs` (plain JavaScript,
// no dependencies) checks a bundle with node:crypto and `openssl ts -verify`; `verifyBundle` here
// does the same with this package's own verifier.
import { bytesToHex, hexToBytes } from '@fairground/rules';
import { assert } from '@fairground/core';
import { DerError } from './asn1/der.ts';
import { TimestampErrors, timestampError } from './errors.ts';
import { BUNDLE_RECORD_BYTES_MAX, MERKLE_LEAVES_MAX, MERKLE_PROOF_HASHES_MAX, PEM_CHARS_MAX, TOKEN_BYTES_MAX } from './limits.ts';
import { type MerkleTree, verifyInclusion } from './merkle.ts';
import { type TrustConfig, type VerifiedTimestamp, type VerifyOptions, verifyToken } from './verify.ts';
import { parseCertificates } from './x509.ts';

export const BUNDLE_FORMAT = 'fairground-timestamp-bundle/1';

/** One record, provably in a time-stamped Merkle tree. JSON-serialisable as is. */
export interface TimestampBundle {
  readonly format: typeof BUNDLE_FORMAT;
  /** The leaf bytes: UTF-8 text (a hand's JSON, byte for byte) or base64. */
  readonly record: string;
  readonly recordEncoding: 'utf8' | 'base64';
  readonly leafIndex: number;
  readonly treeSize: number;
  /** The audit path, nearest the leaf first, as lower-case hex. */
  readonly proof: readonly string[];
  /** The tree head, lower-case hex: the digest the token time-stamps. */
  readonly root: string;
  /** The TimeStampToken (DER CMS ContentInfo), base64. */
  readonly token: string;
  /** PEM: the TSA certificate first, then any intermediates, the root CA last. */
  readonly tsaChain: string;
}

export interface CreateBundleInput {
  /** The leaf: a string is stored as UTF-8 text, bytes as base64. */
  readonly record: string | Uint8Array;
  readonly tree: MerkleTree;
  readonly leafIndex: number;
  readonly tokenDer: Uint8Array;
  readonly tsaChainPem: string;
}

export function createBundle(input: CreateBundleInput): TimestampBundle {
  const bytes = typeof input.record === 'string' ? new TextEncoder().encode(input.record) : input.record;
  const proof = input.tree.proof(input.leafIndex);
  const root = input.tree.root;
  // Check what we write: a bundle whose record is not that leaf would be evidence against us.
  assert(verifyInclusion({ data: bytes }, input.leafIndex, input.tree.size, proof, root), 'the record is not the leaf at leafIndex');
  return {
    format: BUNDLE_FORMAT,
    record: typeof input.record === 'string' ? input.record : Buffer.from(bytes).toString('base64'),
    recordEncoding: typeof input.record === 'string' ? 'utf8' : 'base64',
    leafIndex: input.leafIndex,
    treeSize: input.tree.size,
    proof: proof.map(bytesToHex),
    root: bytesToHex(root),
    token: Buffer.from(input.tokenDer).toString('base64'),
    tsaChain: input.tsaChainPem,
  };
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
const HASH_HEX = /^[0-9a-f]{64}$/;

export interface ParsedBundle {
  readonly bundle: TimestampBundle;
  readonly recordBytes: Uint8Array;
  readonly proof: Uint8Array[];
  readonly root: Uint8Array;
  readonly tokenDer: Uint8Array;
}

/** Checks the shape of a bundle (from JSON) and decodes it; throws TSA_BUNDLE_INVALID. */
export function parseBundle(value: unknown): ParsedBundle {
  const invalid = (reason: string) => timestampError(TimestampErrors.TSA_BUNDLE_INVALID, reason);
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('a bundle is a JSON object');
  const b = value as Record<string, unknown>;
  if (b.format !== BUNDLE_FORMAT) throw invalid(`format must be ${BUNDLE_FORMAT}`);
  if (typeof b.record !== 'string') throw invalid('record must be a string');
  if (b.recordEncoding !== 'utf8' && b.recordEncoding !== 'base64') throw invalid('recordEncoding must be utf8 or base64');
  if (b.recordEncoding === 'base64' && !BASE64.test(b.record)) throw invalid('record is not base64');
  const recordBytes = b.recordEncoding === 'utf8' ? new TextEncoder().encode(b.record) : new Uint8Array(Buffer.from(b.record, 'base64'));
  if (recordBytes.length > BUNDLE_RECORD_BYTES_MAX) throw invalid(`record larger than ${BUNDLE_RECORD_BYTES_MAX} bytes`);
  if (!Number.isSafeInteger(b.treeSize) || (b.treeSize as number) < 1 || (b.treeSize as number) > MERKLE_LEAVES_MAX) {
    throw invalid('treeSize out of range');
  }
  if (!Number.isSafeInteger(b.leafIndex) || (b.leafIndex as number) < 0 || (b.leafIndex as number) >= (b.treeSize as number)) {
    throw invalid('leafIndex out of range');
  }
  if (!Array.isArray(b.proof) || b.proof.length > MERKLE_PROOF_HASHES_MAX) throw invalid('proof must be a list of hashes');
  if (!b.proof.every((h) => typeof h === 'string' && HASH_HEX.test(h))) throw invalid('proof hashes are 64 lower-case hex digits');
  if (typeof b.root !== 'string' || !HASH_HEX.test(b.root)) throw invalid('root is 64 lower-case hex digits');
  if (typeof b.token !== 'string' || !BASE64.test(b.token) || b.token.length > (TOKEN_BYTES_MAX * 4) / 3 + 4)
    throw invalid('token is not base64');
  if (typeof b.tsaChain !== 'string' || b.tsaChain.length > PEM_CHARS_MAX || !b.tsaChain.includes('-----BEGIN CERTIFICATE-----')) {
    throw invalid('tsaChain must be PEM certificates');
  }
  try {
    parseCertificates(b.tsaChain);
  } catch (e) {
    if (e instanceof DerError) throw invalid(`tsaChain: ${e.message}`);
    throw e;
  }
  const bundle: TimestampBundle = {
    format: BUNDLE_FORMAT,
    record: b.record,
    recordEncoding: b.recordEncoding,
    leafIndex: b.leafIndex as number,
    treeSize: b.treeSize as number,
    proof: b.proof as string[],
    root: b.root,
    token: b.token,
    tsaChain: b.tsaChain,
  };
  return {
    bundle,
    recordBytes,
    proof: bundle.proof.map((h) => hexToBytes(h)!),
    root: hexToBytes(bundle.root)!,
    tokenDer: new Uint8Array(Buffer.from(bundle.token, 'base64')),
  };
}

export interface VerifiedBundle extends VerifiedTimestamp {
  readonly recordBytes: Uint8Array;
  readonly leafIndex: number;
  readonly treeSize: number;
  readonly rootHex: string;
}

/**
 * Verifies a bundle: the record is at leafIndex of the tree whose root the token time-stamps, and
 * the token verifies against the trust anchors (the bundle's own chain only helps build the path).
 */
export function verifyBundle(
  value: unknown,
  trustAnchorsPem: string | readonly string[] | TrustConfig,
  options: Omit<VerifyOptions, 'nonce'> = {},
): VerifiedBundle {
  const parsed = parseBundle(value);
  const { bundle } = parsed;
  if (!verifyInclusion({ data: parsed.recordBytes }, bundle.leafIndex, bundle.treeSize, parsed.proof, parsed.root)) {
    throw timestampError(TimestampErrors.TSA_INCLUSION_PROOF_INVALID, 'the inclusion proof does not lead from the record to the root');
  }
  const untrustedPem = [bundle.tsaChain, ...(options.untrustedPem === undefined ? [] : [options.untrustedPem].flat())];
  const verified = verifyToken(parsed.tokenDer, parsed.root, trustAnchorsPem, { ...options, untrustedPem });
  return { ...verified, recordBytes: parsed.recordBytes, leafIndex: bundle.leafIndex, treeSize: bundle.treeSize, rootHex: bundle.root };
}

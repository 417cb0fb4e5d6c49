// Named limits of the time-stamping package. Every size, count, depth and deadline it enforces lives here.

/** Default deadline of one time-stamp request, connect to last body byte. */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** No call may ask for a longer deadline than this. */
export const TIMEOUT_MS_MAX = 120_000;
/** A TimeStampResp larger than this is refused; real ones with a full chain of RSA-4096 certificates stay below 20 KiB. */
export const RESPONSE_BYTES_MAX = 128 * 1024;
/** A stored token larger than this is refused before it is parsed. */
export const TOKEN_BYTES_MAX = RESPONSE_BYTES_MAX;
/** A TimeStampReq larger than this is refused by the local TSA (a real one is about 60 bytes). */
export const REQUEST_BYTES_MAX = 4 * 1024;
/** Bytes of random nonce in each request: 64 bits, as RFC 3161 section 2.4.1 suggests. */
export const NONCE_BYTES = 8;
/** A nonce the local TSA accepts may have at most this many bytes. */
export const NONCE_BYTES_MAX = 32;
/** Default tolerance between the TSA's genTime and our clock when a token arrives. */
export const DEFAULT_CLOCK_SKEW_MS_MAX = 5 * 60_000;
/** Certificates in one token, in the configured trust anchors, or in the extra untrusted pool. */
export const CERTIFICATES_MAX = 16;
/** Certificates in one chain from the TSA's certificate to a trust anchor, both included. */
export const CHAIN_LENGTH_MAX = 6;
/** Signed attributes in the one SignerInfo of a token. */
export const SIGNED_ATTRIBUTES_MAX = 16;
/** Elements of any one DER SEQUENCE or SET the parser reads (names, extension lists, certificate sets). */
export const DER_CHILDREN_MAX = 256;
/** Arcs of an OBJECT IDENTIFIER. */
export const OID_ARCS_MAX = 32;
/** Leaves of one Merkle tree (2^24: far beyond the hands of one batch, small enough to hold in memory). */
export const MERKLE_LEAVES_MAX = 1 << 24;
/** Hashes in one inclusion proof: a tree of at most 2^24 leaves needs at most 24. */
export const MERKLE_PROOF_HASHES_MAX = 24;
/** A record in an export bundle may have at most this many bytes. */
export const BUNDLE_RECORD_BYTES_MAX = 1024 * 1024;
/** PEM text of the TSA chain in a bundle or a trust-anchor configuration. */
export const PEM_CHARS_MAX = 64 * 1024;
/** Error bodies quoted in error details are cut to this many characters. */
export const ERROR_BODY_CHARS_MAX = 500;

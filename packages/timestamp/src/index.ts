// @fairground/timestamp — RFC 3161 time-stamping of Merkle roots: a verifying client, RFC 9162
// Merkle trees with inclusion proofs, export bundles anyone can check with openssl, and a local
// TSA for development and tests. See README.md.
export * from './bundle.ts';
export * from './client.ts';
export * from './errors.ts';
export * from './limits.ts';
export * from './merkle.ts';
export { SANDBOX_POLICY_OID } from './asn1/oids.ts';
export { buildRequest, parseResponse, PKI_FAILURE, PKI_STATUS, type TimeStampResponse } from './protocol.ts';
export { parseToken, type ParsedToken, type TstInfo } from './token.ts';
export { trustConfig, type TrustConfig, type VerifiedTimestamp, type VerifyOptions, verifyToken } from './verify.ts';
export * from './tsa/index.ts';

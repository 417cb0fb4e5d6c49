// What the notary needs from outside: a time-stamping authority (RFC 3161) that signs that a
// digest existed at a time. The composition root binds it once: the operator's TSA
// (FAIRGROUND_TSA_URL), or in development a local TSA on a loopback port of this process.
import type { TimestampResult } from '@fairground/timestamp';

export interface TimestampAuthority {
  /**
   * A token over the 32-byte digest, returned only after it verified completely (signature,
   * time-stamping certificate, chain to the configured anchors, imprint, nonce, policy, time).
   * Throws an AppError with a TSA_* code; `retryable` says whether asking again may help.
   */
  timestamp(digest: Uint8Array): Promise<TimestampResult>;
  /** The TSA's certificate chain as PEM, its own certificate first and the root CA last (put in every bundle). */
  readonly chainPem: string;
  /** The root CA(s) a token must chain to (the last certificate of the chain). */
  readonly trustAnchorsPem: string;
  /** Where the TSA is, for reports and the console. */
  readonly url: string;
}

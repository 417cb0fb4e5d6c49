// Every expected failure of time-stamping is an AppError from this catalogue. The codes say what a
// caller does next: TSA_UNAVAILABLE (and TSA_BAD_RESPONSE) may be retried with a new request, the
// TSA refused (TSA_REJECTED), or the token must not be trusted (every other code). The status is
// what an HTTP API of ours would answer when it passes the failure on: 502/503 for a TSA that
// misbehaved while we asked it, 422 for a token or bundle that does not verify.
import { AppError, defineErrors, type ErrorDef } from '@fairground/core';

export const TimestampErrors = defineErrors('timestamp', {
  TSA_UNAVAILABLE: { status: 503, message: 'the time-stamping authority could not be reached or is busy; retry later', retryable: true },
  TSA_REJECTED: { status: 502, message: 'the time-stamping authority refused the request' },
  TSA_BAD_RESPONSE: {
    status: 502,
    message: 'the time-stamping authority answered with something that is not a time-stamp response',
    retryable: true,
  },
  TSA_TOKEN_MALFORMED: { status: 422, message: 'the time-stamp token is not a well-formed RFC 3161 token' },
  TSA_UNSUPPORTED_ALGORITHM: { status: 422, message: 'the time-stamp token uses an algorithm we do not accept' },
  TSA_SIGNATURE_INVALID: { status: 422, message: 'the signature of the time-stamp token does not verify' },
  TSA_IMPRINT_MISMATCH: { status: 422, message: 'the time-stamp token is for a different digest' },
  TSA_NONCE_MISMATCH: { status: 422, message: 'the time-stamp token does not answer our request (nonce)' },
  TSA_POLICY_MISMATCH: { status: 422, message: 'the time-stamp token was issued under a policy we did not ask for' },
  TSA_NAME_MISMATCH: { status: 422, message: 'the TSA name in the token is not the name of its signing certificate' },
  TSA_CERT_USAGE_INVALID: {
    status: 422,
    message: 'the signing certificate is not a time-stamping certificate (critical extendedKeyUsage timeStamping)',
  },
  TSA_CERT_UNTRUSTED: { status: 422, message: 'the signing certificate does not chain to a configured trust anchor' },
  TSA_CLOCK_SKEW: { status: 502, message: 'the time in the token is too far from our clock' },
  TSA_BUNDLE_INVALID: { status: 422, message: 'the export bundle is malformed' },
  TSA_INCLUSION_PROOF_INVALID: { status: 422, message: 'the record is not in the time-stamped Merkle tree' },
  TSA_SANDBOX_REQUEST_INVALID: { status: 400, message: 'the TSA sandbox admin request is not valid' },
});

/** An AppError of this catalogue, with a short reason in `details.reason` and in the message. */
export function timestampError(def: ErrorDef, reason: string, details?: Record<string, unknown>, cause?: unknown): AppError {
  const error = new AppError(def, { reason, ...details }, `${def.message}: ${reason}`);
  if (cause !== undefined) error.cause = cause;
  return error;
}

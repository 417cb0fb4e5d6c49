// Every failure the NPPA client reports is an `NppaError`: a stable Fairground code from this
// catalogue, NPPA's own errcode when NPPA answered with one, and — what callers need — whether the
// very same request may be sent again and whether the operation may already have happened.
//
// Codes carry an `NPPA_` prefix so they never collide with another domain's. Each documented
// errcode has its own code; a code is never renamed or reused, and `errors.catalogue.json` pins them.
import { AppError, defineErrors, type ErrorDef } from '@fairground/core';
import { ERRMSG_CHARS_MAX } from './limits.ts';

export const NppaErrors = defineErrors('nppa', {
  // 1xxx: system errors (the request as a whole).
  NPPA_SYSTEM_ERROR: { status: 502, message: 'NPPA system error (1001); retry', retryable: true },
  NPPA_RESOURCE_NOT_FOUND: { status: 502, message: 'NPPA has no such interface (1002); check the URL' },
  NPPA_METHOD_NOT_ALLOWED: { status: 502, message: 'NPPA refused the HTTP method (1003)' },
  NPPA_HEADERS_MISSING: { status: 502, message: 'NPPA found a protocol header missing (1004)' },
  NPPA_IP_NOT_ALLOWED: { status: 502, message: 'the calling IP is not on the NPPA allow-list (1005)' },
  NPPA_RATE_LIMITED: { status: 429, message: 'NPPA rate limit exceeded (1006); NPPA blocks the caller for a minute', retryable: true },
  NPPA_REQUEST_EXPIRED: {
    status: 502,
    message: 'NPPA found the request timestamp stale (1007); check the clock and retry',
    retryable: true,
  },
  NPPA_CALLER_INVALID: { status: 502, message: 'NPPA does not know the appId (1008)' },
  NPPA_CALLER_DISABLED: { status: 502, message: 'the caller is not enabled at NPPA (1009)' },
  NPPA_CALLER_NOT_PERMITTED: { status: 502, message: 'the caller may not use this interface (1010); check the bizId' },
  NPPA_SIGNATURE_INVALID: { status: 502, message: 'NPPA rejected the request signature (1011)' },
  NPPA_BODY_INVALID: { status: 502, message: 'NPPA could not verify or decrypt the request body (1012)' },
  // 2xxx: identity check and query.
  NPPA_ID_NUMBER_INVALID: { status: 400, message: 'NPPA rejected the identity number format (2001)' },
  NPPA_CHECK_QUOTA_REACHED: { status: 503, message: 'the identity-check quota is used up (2002)' },
  NPPA_AI_NOT_FOUND: { status: 404, message: 'NPPA has no identity check under this ai (2003)' },
  NPPA_AI_IN_USE: { status: 409, message: 'this ai is already used by an identity check (2004); query it, or use a new ai' },
  // 3xxx: behaviour reports. 3001 is a batch answer; 3004–3010 come back per record.
  NPPA_REPORT_PARTIAL: { status: 502, message: 'some behaviour records were not accepted (3001)', retryable: true },
  NPPA_REPORT_EMPTY: { status: 400, message: 'the behaviour report is empty (3002)' },
  NPPA_REPORT_TOO_MANY: { status: 400, message: 'the behaviour report has too many records (3003)' },
  NPPA_REPORT_NO_INVALID: { status: 400, message: 'the record number no is invalid (3004)' },
  NPPA_REPORT_TIME_INVALID: { status: 400, message: 'the behaviour time ot is invalid (3005)' },
  NPPA_REPORT_CT_INVALID: { status: 400, message: 'the user type ct is invalid (3006)' },
  NPPA_REPORT_BT_INVALID: { status: 400, message: 'the behaviour type bt is invalid (3007)' },
  NPPA_REPORT_PI_MISSING: { status: 400, message: 'the verified-user record has no pi (3008)' },
  NPPA_REPORT_DI_MISSING: { status: 400, message: 'the guest record has no di (3009)' },
  NPPA_REPORT_PI_INVALID: { status: 400, message: 'NPPA does not know this pi (3010)' },
  // 4xxx: the interface-test system.
  NPPA_TEST_SYSTEM_ERROR: { status: 502, message: 'NPPA test system error (4001); retry', retryable: true },
  NPPA_TEST_TASK_NOT_FOUND: {
    status: 404,
    message: 'no interface test under this code (4002); codes expire an hour after the test starts',
  },
  NPPA_TEST_PARAMS_INVALID: { status: 400, message: 'the data do not fit the interface test (4003)' },
  NPPA_UNKNOWN_ERRCODE: { status: 502, message: 'NPPA answered with an undocumented errcode' },
  // Failures that are not an errcode from NPPA.
  NPPA_TIMEOUT: { status: 504, message: 'NPPA did not answer in time; the outcome is unknown', retryable: true },
  NPPA_TRANSPORT_ERROR: { status: 502, message: 'could not reach NPPA', retryable: true },
  NPPA_UPSTREAM_UNAVAILABLE: { status: 502, message: 'NPPA answered with an HTTP 5xx and no errcode', retryable: true },
  NPPA_UPSTREAM_REFUSED: { status: 502, message: 'NPPA answered with an HTTP 4xx and no errcode' },
  NPPA_BAD_RESPONSE: { status: 502, message: 'the answer from NPPA is malformed', retryable: true },
  NPPA_INPUT_INVALID: { status: 400, message: 'the request was refused before sending: it breaks the NPPA field rules' },
});

const byErrcode: ReadonlyMap<number, ErrorDef> = new Map([
  [1001, NppaErrors.NPPA_SYSTEM_ERROR],
  [1002, NppaErrors.NPPA_RESOURCE_NOT_FOUND],
  [1003, NppaErrors.NPPA_METHOD_NOT_ALLOWED],
  [1004, NppaErrors.NPPA_HEADERS_MISSING],
  [1005, NppaErrors.NPPA_IP_NOT_ALLOWED],
  [1006, NppaErrors.NPPA_RATE_LIMITED],
  [1007, NppaErrors.NPPA_REQUEST_EXPIRED],
  [1008, NppaErrors.NPPA_CALLER_INVALID],
  [1009, NppaErrors.NPPA_CALLER_DISABLED],
  [1010, NppaErrors.NPPA_CALLER_NOT_PERMITTED],
  [1011, NppaErrors.NPPA_SIGNATURE_INVALID],
  [1012, NppaErrors.NPPA_BODY_INVALID],
  [2001, NppaErrors.NPPA_ID_NUMBER_INVALID],
  [2002, NppaErrors.NPPA_CHECK_QUOTA_REACHED],
  [2003, NppaErrors.NPPA_AI_NOT_FOUND],
  [2004, NppaErrors.NPPA_AI_IN_USE],
  [3001, NppaErrors.NPPA_REPORT_PARTIAL],
  [3002, NppaErrors.NPPA_REPORT_EMPTY],
  [3003, NppaErrors.NPPA_REPORT_TOO_MANY],
  [3004, NppaErrors.NPPA_REPORT_NO_INVALID],
  [3005, NppaErrors.NPPA_REPORT_TIME_INVALID],
  [3006, NppaErrors.NPPA_REPORT_CT_INVALID],
  [3007, NppaErrors.NPPA_REPORT_BT_INVALID],
  [3008, NppaErrors.NPPA_REPORT_PI_MISSING],
  [3009, NppaErrors.NPPA_REPORT_DI_MISSING],
  [3010, NppaErrors.NPPA_REPORT_PI_INVALID],
  [4001, NppaErrors.NPPA_TEST_SYSTEM_ERROR],
  [4002, NppaErrors.NPPA_TEST_TASK_NOT_FOUND],
  [4003, NppaErrors.NPPA_TEST_PARAMS_INVALID],
]);

/** The catalogue entry of an NPPA errcode; NPPA_UNKNOWN_ERRCODE for an undocumented one. */
export function describeErrcode(errcode: number): ErrorDef {
  return byErrcode.get(errcode) ?? NppaErrors.NPPA_UNKNOWN_ERRCODE;
}

/** Every documented errcode with its catalogue entry, for the README table and the pinning test. */
export function errcodeTable(): ReadonlyArray<readonly [number, ErrorDef]> {
  return [...byErrcode.entries()];
}

export type NppaErrorKind =
  /** NPPA answered with a non-zero errcode. */
  | 'api'
  /** No answer before the deadline (or the caller aborted): the operation may or may not have happened. */
  | 'timeout'
  /** The connection failed or broke. */
  | 'transport'
  /** An HTTP error status without an errcode (a proxy or load balancer answering). */
  | 'http'
  /** The answer does not have the documented shape. */
  | 'bad-response'
  /** Refused before sending: nothing went on the wire. */
  | 'input';

export interface InputProblem {
  /** The field, e.g. `idNum` or `collections[3].ot`. */
  readonly field: string;
  readonly reason: string;
}

export interface NppaErrorInit {
  readonly kind: NppaErrorKind;
  readonly errcode?: number | undefined;
  readonly errmsg?: string | undefined;
  readonly httpStatus?: number | undefined;
  readonly outcomeUnknown: boolean;
  readonly details?: Record<string, unknown> | undefined;
  readonly message?: string | undefined;
  readonly cause?: unknown;
}

export class NppaError extends AppError {
  readonly kind: NppaErrorKind;
  /** NPPA's errcode, when NPPA answered with one. */
  readonly errcode: number | undefined;
  readonly errmsg: string | undefined;
  /** The HTTP status of the answer (undefined when there was none). */
  readonly httpStatus: number | undefined;
  /**
   * True when the operation may already have happened (a timeout, a broken connection): an identity
   * check must then be followed by `query(ai)` — re-sending the same `ai` would meet 2004 — and a
   * report re-sent may be counted twice by NPPA.
   */
  readonly outcomeUnknown: boolean;

  constructor(def: ErrorDef, init: NppaErrorInit) {
    super(def, { kind: init.kind, errcode: init.errcode, httpStatus: init.httpStatus, ...init.details }, init.message);
    this.name = 'NppaError';
    this.kind = init.kind;
    this.errcode = init.errcode;
    this.errmsg = init.errmsg === undefined ? undefined : init.errmsg.slice(0, ERRMSG_CHARS_MAX);
    this.httpStatus = init.httpStatus;
    this.outcomeUnknown = init.outcomeUnknown;
    if (init.cause !== undefined) this.cause = init.cause;
  }
}

export function isNppaError(e: unknown, def?: ErrorDef): e is NppaError {
  return e instanceof NppaError && (def === undefined || e.code === def.code);
}

export function badResponse(reason: string, details?: Record<string, unknown>): NppaError {
  return new NppaError(NppaErrors.NPPA_BAD_RESPONSE, {
    kind: 'bad-response',
    outcomeUnknown: true,
    details: { reason, ...details },
    message: `malformed answer from NPPA: ${reason}`,
  });
}

export function inputInvalid(problems: readonly InputProblem[]): NppaError {
  const first = problems[0];
  return new NppaError(NppaErrors.NPPA_INPUT_INVALID, {
    kind: 'input',
    outcomeUnknown: false,
    details: { problems },
    message: first === undefined ? undefined : `refused before sending: ${first.field} ${first.reason}`,
  });
}

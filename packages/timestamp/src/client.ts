// The RFC 3161 client: one POST of a TimeStampReq over HTTP (RFC 3161 section 3.4), and a token
// that is only returned after it verified completely (signature, time-stamping certificate, chain,
// imprint, nonce, policy, and a genTime close to our clock).
import { randomBytes as nodeRandomBytes } from 'node:crypto';
import { assert, type Clock, systemClock } from '@fairground/core';
import { DerError } from './asn1/der.ts';
import { TimestampErrors, timestampError } from './errors.ts';
import {
  DEFAULT_CLOCK_SKEW_MS_MAX,
  DEFAULT_TIMEOUT_MS,
  ERROR_BODY_CHARS_MAX,
  NONCE_BYTES,
  RESPONSE_BYTES_MAX,
  TIMEOUT_MS_MAX,
} from './limits.ts';
import { buildRequest, PKI_STATUS, parseResponse, type TimeStampResponse } from './protocol.ts';
import { parseTokenOrThrow, type TrustConfig, trustConfig, type VerifiedTimestamp, verifyParsedToken } from './verify.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export const USER_AGENT = 'fairground-timestamp/0.1.0 (Node.js)';

export interface TimestampClientOptions {
  /** The TSA's URL, e.g. `http://127.0.0.1:8318/` for the local TSA. */
  readonly url: string;
  /** PEM certificate(s) the TSA's chain must end in. */
  readonly trustAnchorsPem: string | readonly string[];
  /** PEM intermediates that help build the chain (never trusted by themselves). */
  readonly untrustedPem?: string | readonly string[];
  /** reqPolicy to send; tokens must then carry this policy. */
  readonly reqPolicyOid?: string;
  /** Policies a token may carry; default: only `reqPolicyOid` when set, any otherwise. */
  readonly acceptedPolicyOids?: readonly string[];
  /** Extra HTTP headers, e.g. the Authorization a commercial TSA wants. */
  readonly headers?: Readonly<Record<string, string>>;
  readonly fetch?: FetchLike;
  /** Deadline of one request, connect to last byte (default 10 s, at most 120 s). */
  readonly timeoutMs?: number;
  /** Largest answer read (default 128 KiB). */
  readonly responseBytesMax?: number;
  readonly clock?: Clock;
  /** Largest distance between the token's genTime and our clock around the request (default 5 min). */
  readonly clockSkewMsMax?: number;
  /** Source of nonces; node:crypto by default (tests inject a fixed one). */
  readonly randomBytes?: (count: number) => Uint8Array;
}

export interface CallOptions {
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

/** A verified token and what it says. */
export interface TimestampResult extends VerifiedTimestamp {
  /** The TimeStampToken: a DER CMS ContentInfo, what `openssl ts -verify -token_in` reads. */
  readonly tokenDer: Uint8Array;
}

function minimal(bytes: Uint8Array): Uint8Array {
  let start = 0;
  while (start < bytes.length - 1 && bytes[start] === 0) start++;
  return bytes.slice(start);
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export class TimestampClient {
  readonly #url: string;
  readonly #trust: TrustConfig;
  readonly #reqPolicyOid: string | undefined;
  readonly #acceptedPolicyOids: readonly string[] | undefined;
  readonly #headers: Readonly<Record<string, string>>;
  readonly #fetch: FetchLike;
  readonly #timeoutMs: number;
  readonly #responseBytesMax: number;
  readonly #clock: Clock;
  readonly #clockSkewMsMax: number;
  readonly #randomBytes: (count: number) => Uint8Array;

  constructor(options: TimestampClientOptions) {
    assert(/^https?:\/\//.test(options.url), `TSA url must be http(s): ${options.url}`);
    this.#url = options.url;
    this.#trust = trustConfig(options.trustAnchorsPem, options.untrustedPem);
    this.#reqPolicyOid = options.reqPolicyOid;
    this.#acceptedPolicyOids = options.acceptedPolicyOids ?? (options.reqPolicyOid === undefined ? undefined : [options.reqPolicyOid]);
    this.#headers = options.headers ?? {};
    this.#fetch = options.fetch ?? ((input, init) => fetch(input, init));
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    checkTimeout(this.#timeoutMs);
    this.#responseBytesMax = options.responseBytesMax ?? RESPONSE_BYTES_MAX;
    assert(Number.isSafeInteger(this.#responseBytesMax) && this.#responseBytesMax > 0, 'responseBytesMax must be a positive integer');
    this.#clock = options.clock ?? systemClock;
    this.#clockSkewMsMax = options.clockSkewMsMax ?? DEFAULT_CLOCK_SKEW_MS_MAX;
    assert(Number.isSafeInteger(this.#clockSkewMsMax) && this.#clockSkewMsMax >= 0, 'clockSkewMsMax must be a non-negative integer');
    this.#randomBytes = options.randomBytes ?? ((n) => new Uint8Array(nodeRandomBytes(n)));
  }

  /**
   * Time-stamps a SHA-256 digest (32 bytes; for a Merkle tree, its root). Resolves with a verified
   * token, or rejects with an AppError: TSA_UNAVAILABLE and TSA_BAD_RESPONSE may be retried.
   */
  async timestamp(digest: Uint8Array, call: CallOptions = {}): Promise<TimestampResult> {
    assert(digest instanceof Uint8Array && digest.length === 32, 'digest must be 32 bytes (SHA-256)');
    const nonce = minimal(this.#randomBytes(NONCE_BYTES));
    assert(nonce.length <= NONCE_BYTES, 'randomBytes returned too many bytes');
    const body = buildRequest({ digest, nonce, reqPolicyOid: this.#reqPolicyOid, certReq: true });
    const sentMs = this.#clock.nowMs();
    const answer = await this.#post(body, call);
    const receivedMs = this.#clock.nowMs();
    const response = this.#parse(answer);
    const tokenDer = this.#grantedToken(response);
    let token: ReturnType<typeof parseTokenOrThrow>;
    try {
      token = parseTokenOrThrow(tokenDer);
    } catch (e) {
      throw asBadResponse(e);
    }
    let verified: VerifiedTimestamp;
    try {
      verified = verifyParsedToken(token, digest, this.#trust, {
        nonce,
        ...(this.#acceptedPolicyOids === undefined ? {} : { policyOids: this.#acceptedPolicyOids }),
      });
    } catch (e) {
      throw asBadResponse(e);
    }
    if (verified.genTimeMs < sentMs - this.#clockSkewMsMax || verified.genTimeMs > receivedMs + this.#clockSkewMsMax) {
      throw timestampError(TimestampErrors.TSA_CLOCK_SKEW, 'genTime is outside our request window plus the allowed skew', {
        genTimeMs: verified.genTimeMs,
        sentMs,
        receivedMs,
        clockSkewMsMax: this.#clockSkewMsMax,
      });
    }
    return { ...verified, tokenDer };
  }

  /** Re-verifies a stored token against this client's trust anchors (no nonce, no clock check). */
  verify(tokenDer: Uint8Array, digest: Uint8Array): VerifiedTimestamp {
    return verifyParsedToken(
      parseTokenOrThrow(tokenDer),
      digest,
      this.#trust,
      this.#acceptedPolicyOids === undefined ? {} : { policyOids: this.#acceptedPolicyOids },
    );
  }

  async #post(body: Uint8Array<ArrayBuffer>, call: CallOptions): Promise<Uint8Array> {
    const timeoutMs = call.timeoutMs ?? this.#timeoutMs;
    checkTimeout(timeoutMs);
    const deadline = AbortSignal.timeout(timeoutMs);
    const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
    let res: Response;
    let bytes: Uint8Array;
    try {
      res = await this.#fetch(this.#url, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/timestamp-query',
          Accept: 'application/timestamp-reply',
          'User-Agent': USER_AGENT,
          ...this.#headers,
        },
        body,
        signal,
      });
      bytes = await readLimited(res, this.#responseBytesMax);
    } catch (e) {
      if (e instanceof Error && 'code' in e && typeof e.code === 'string' && e.code.startsWith('TSA_')) throw e;
      const reason = signal.aborted
        ? call.signal?.aborted === true && !deadline.aborted
          ? 'aborted by caller'
          : 'deadline passed'
        : (errorCode(e) ?? String(e));
      throw timestampError(TimestampErrors.TSA_UNAVAILABLE, reason, { url: this.#url, timeoutMs }, e);
    }
    if (res.status === 429 || res.status >= 500) {
      throw timestampError(TimestampErrors.TSA_UNAVAILABLE, `HTTP ${res.status}`, { url: this.#url, httpStatus: res.status });
    }
    if (res.status !== 200) {
      throw timestampError(TimestampErrors.TSA_REJECTED, `HTTP ${res.status}`, {
        url: this.#url,
        httpStatus: res.status,
        body: new TextDecoder().decode(bytes.subarray(0, ERROR_BODY_CHARS_MAX)),
      });
    }
    return bytes;
  }

  #parse(bytes: Uint8Array): TimeStampResponse {
    try {
      return parseResponse(bytes);
    } catch (e) {
      if (e instanceof DerError)
        throw timestampError(TimestampErrors.TSA_BAD_RESPONSE, `not a TimeStampResp: ${e.message}`, { bytes: bytes.length });
      throw e;
    }
  }

  #grantedToken(response: TimeStampResponse): Uint8Array {
    const details = { status: response.status, statusStrings: response.statusStrings, failures: response.failures };
    if (response.status === PKI_STATUS.granted || response.status === PKI_STATUS.grantedWithMods) {
      if (response.token === undefined) throw timestampError(TimestampErrors.TSA_BAD_RESPONSE, 'granted without a token', details);
      return response.token;
    }
    // A TSA that is waiting, has no time source or failed internally may well answer the next request.
    const transient =
      response.status === PKI_STATUS.waiting ||
      response.failures.includes('timeNotAvailable') ||
      response.failures.includes('systemFailure');
    const text = [`PKIStatus ${response.status}`, ...response.failures, ...response.statusStrings].join('; ');
    throw timestampError(transient ? TimestampErrors.TSA_UNAVAILABLE : TimestampErrors.TSA_REJECTED, text, details);
  }
}

// A token that came over the wire and does not parse is a bad answer (worth another try), not a
// stored token gone bad.
function asBadResponse(e: unknown): unknown {
  if (e instanceof Error && (e as { code?: unknown }).code === TimestampErrors.TSA_TOKEN_MALFORMED.code) {
    return timestampError(TimestampErrors.TSA_BAD_RESPONSE, e.message, undefined, e);
  }
  return e;
}

function checkTimeout(timeoutMs: number): void {
  assert(
    Number.isSafeInteger(timeoutMs) && timeoutMs >= 1 && timeoutMs <= TIMEOUT_MS_MAX,
    `timeoutMs must be 1..${TIMEOUT_MS_MAX}, got ${timeoutMs}`,
  );
}

async function readLimited(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = res.headers.get('content-length');
  const tooLarge = () => timestampError(TimestampErrors.TSA_BAD_RESPONSE, `answer larger than ${maxBytes} bytes`);
  if (declared !== null && Number(declared) > maxBytes) {
    await res.body?.cancel();
    throw tooLarge();
  }
  if (!res.body) return new Uint8Array(0);
  const reader = res.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > maxBytes) {
      await reader.cancel();
      throw tooLarge();
    }
    chunks.push(value);
  }
  const out = new Uint8Array(total);
  let offset = 0;
  for (const c of chunks) {
    out.set(c, offset);
    offset += c.length;
  }
  return out;
}

// One signed HTTP exchange with WeChat Pay: sign, send with a deadline, read a bounded body, map
// error answers to WechatPayError, verify signed success answers over their raw bytes.
import type { KeyObject } from 'node:crypto';
import type { Clock } from '@fairground/core';
import { badResponse, canonicalWechatCode, describeWechatCode, WechatPayError, WechatPayErrors } from './errors.ts';
import { isJsonObject } from './fields.ts';
import { ERROR_BODY_CHARS_MAX, TIMEOUT_MS_MAX } from './limits.ts';
import { buildAuthorization } from './signing.ts';
import type { WechatPayVerifier } from './verifier.ts';

export const USER_AGENT = 'fairground-wechatpay/0.1.0 (Node.js)';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** Per-call options every client method takes. */
export interface CallOptions {
  /** Deadline for the whole call, connect to last body byte. Defaults to the client's `timeoutMs`. */
  readonly timeoutMs?: number;
  /** Lets the caller abandon the call; an abort is reported like a timeout (outcome unknown). */
  readonly signal?: AbortSignal;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
}

/** Runs `fetch` under a deadline and reads at most `maxBytes` of body; failures become timeout or transport errors. */
export async function exchange(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  call: CallOptions,
  defaultTimeoutMs: number,
  maxBytes: number,
): Promise<RawResponse> {
  const timeoutMs = call.timeoutMs ?? defaultTimeoutMs;
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > TIMEOUT_MS_MAX) {
    throw new RangeError(`timeoutMs must be an integer from 1 to ${TIMEOUT_MS_MAX}, got ${timeoutMs}`);
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = call.signal ? AbortSignal.any([deadline, call.signal]) : deadline;
  try {
    const res = await fetchImpl(url, { ...init, signal });
    const body = await readLimited(res, maxBytes);
    return { status: res.status, headers: res.headers, body };
  } catch (cause) {
    if (cause instanceof WechatPayError) throw cause;
    if (signal.aborted) {
      const byCaller = call.signal?.aborted === true && !deadline.aborted;
      throw new WechatPayError(WechatPayErrors.WECHATPAY_TIMEOUT, {
        kind: 'timeout',
        retrySameRequest: true,
        outcomeUnknown: true,
        details: { reason: byCaller ? 'aborted by caller' : 'deadline passed', timeoutMs, url: redactUrl(url) },
        cause,
      });
    }
    // A refused connection never reached the server, so nothing can have happened there.
    const code = errorCode(cause);
    const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    throw new WechatPayError(WechatPayErrors.WECHATPAY_TRANSPORT_ERROR, {
      kind: 'transport',
      retrySameRequest: true,
      outcomeUnknown: !notSent,
      details: { reason: code ?? String((cause as Error)?.message ?? cause), url: redactUrl(url) },
      cause,
    });
  }
}

function errorCode(e: unknown): string | undefined {
  for (let cur: unknown = e, depth = 0; cur && depth < 5; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

// Query strings to api.weixin.qq.com carry the app secret and tokens; never put them in errors.
function redactUrl(url: string): string {
  const q = url.indexOf('?');
  return q === -1 ? url : `${url.slice(0, q)}?…`;
}

async function readLimited(res: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = res.headers.get('content-length');
  if (declared !== null && Number(declared) > maxBytes) {
    await res.body?.cancel();
    throw badResponse('answer larger than allowed', { contentLength: declared, maxBytes });
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
      throw badResponse('answer larger than allowed', { maxBytes });
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks);
}

export interface SignedRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Raw path and query exactly as sent, starting with `/v3/`. */
  readonly pathAndQuery: string;
  readonly body?: unknown;
  /** The `Wechatpay-Serial` to send; required when the body carries fields encrypted with that key. */
  readonly wechatpaySerial?: string | undefined;
  /** False only for the bill file download, which WeChat Pay does not sign. */
  readonly verifyResponse?: boolean;
  readonly maxBytes: number;
}

export interface SignerConfig {
  readonly baseUrl: string;
  readonly mchid: string;
  readonly serialNo: string;
  readonly privateKey: KeyObject;
  readonly verifier: WechatPayVerifier;
  readonly clock: Clock;
  readonly fetch: FetchLike;
  readonly timeoutMs: number;
}

export interface SignedResponse {
  readonly status: number;
  readonly headers: Headers;
  readonly body: Uint8Array;
  /** Parsed JSON, or undefined for an empty body (204). */
  readonly json: unknown;
}

/** Sends one APIv3 request and returns the verified answer, or throws a WechatPayError. */
export async function signedRequest(config: SignerConfig, req: SignedRequest, call: CallOptions = {}): Promise<SignedResponse> {
  if (!req.pathAndQuery.startsWith('/')) throw new Error(`path must start with '/': ${req.pathAndQuery}`);
  const bodyText = req.body === undefined ? '' : JSON.stringify(req.body);
  const authorization = buildAuthorization({
    mchid: config.mchid,
    serialNo: config.serialNo,
    privateKey: config.privateKey,
    method: req.method,
    canonicalUrl: req.pathAndQuery,
    body: bodyText,
    timestampSeconds: Math.floor(config.clock.nowMs() / 1000),
  });
  const headers: Record<string, string> = {
    Accept: 'application/json',
    Authorization: authorization,
    'User-Agent': USER_AGENT,
  };
  if (req.body !== undefined) headers['Content-Type'] = 'application/json';
  const serial = req.wechatpaySerial ?? config.verifier.preferredKeyId();
  if (serial !== undefined) headers['Wechatpay-Serial'] = serial;
  const init: RequestInit = { method: req.method, headers };
  if (req.body !== undefined) init.body = bodyText;
  const res = await exchange(config.fetch, `${config.baseUrl}${req.pathAndQuery}`, init, call, config.timeoutMs, req.maxBytes);
  const requestId = res.headers.get('Request-ID') ?? undefined;
  if (res.status < 200 || res.status > 299) throw apiError(res, requestId);
  // Only 2xx answers are verified, as the official SDKs do: an error answer moves no money and
  // WeChat Pay does not promise to sign it.
  if (req.verifyResponse ?? true) config.verifier.verify(res.headers, res.body);
  let json: unknown;
  if (res.body.byteLength > 0 && (req.verifyResponse ?? true)) {
    try {
      json = JSON.parse(Buffer.from(res.body).toString('utf8'));
    } catch {
      throw badResponse('answer is not JSON', { status: res.status, requestId });
    }
  }
  return { status: res.status, headers: res.headers, body: res.body, json };
}

function apiError(res: RawResponse, requestId: string | undefined): WechatPayError {
  const text = Buffer.from(res.body).toString('utf8');
  let parsed: unknown;
  try {
    parsed = text.length > 0 ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  const code = isJsonObject(parsed) && typeof parsed.code === 'string' ? parsed.code : '';
  const message = isJsonObject(parsed) && typeof parsed.message === 'string' ? parsed.message : undefined;
  const rule = describeWechatCode(code, res.status);
  return new WechatPayError(rule.def, {
    kind: 'api',
    wechatCode: code === '' ? undefined : canonicalWechatCode(code),
    wechatMessage: message,
    httpStatus: res.status,
    requestId,
    retrySameRequest: rule.retrySameRequest,
    outcomeUnknown: rule.outcomeUnknown,
    details: {
      requestId,
      detail: isJsonObject(parsed) ? parsed.detail : undefined,
      body: parsed === undefined ? text.slice(0, ERROR_BODY_CHARS_MAX) : undefined,
    },
    message: message ? `${rule.def.message}: ${message}` : undefined,
  });
}

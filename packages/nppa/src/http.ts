// One HTTP exchange with NPPA: send under a deadline, read a bounded body, turn network failures
// into NppaErrors. What the answer means is the client's business.
import { NppaError, NppaErrors, badResponse } from './errors.ts';
import { TIMEOUT_MS_MAX } from './limits.ts';

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface RawResponse {
  readonly status: number;
  readonly body: Uint8Array;
}

/** Runs `fetch` with a deadline and reads at most `maxBytes`; failures become NPPA_TIMEOUT or NPPA_TRANSPORT_ERROR. */
export async function exchange(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  maxBytes: number,
): Promise<RawResponse> {
  if (!Number.isSafeInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > TIMEOUT_MS_MAX) {
    throw new RangeError(`timeoutMs must be an integer from 1 to ${TIMEOUT_MS_MAX}, got ${timeoutMs}`);
  }
  const deadline = AbortSignal.timeout(timeoutMs);
  const signal = callerSignal ? AbortSignal.any([deadline, callerSignal]) : deadline;
  try {
    const res = await fetchImpl(url, { ...init, signal });
    const body = await readLimited(res, maxBytes);
    return { status: res.status, body };
  } catch (cause) {
    if (cause instanceof NppaError) throw cause;
    if (signal.aborted) {
      const byCaller = callerSignal?.aborted === true && !deadline.aborted;
      throw new NppaError(NppaErrors.NPPA_TIMEOUT, {
        kind: 'timeout',
        outcomeUnknown: true,
        details: { reason: byCaller ? 'aborted by caller' : 'deadline passed', timeoutMs, url: withoutQuery(url) },
        cause,
      });
    }
    // A refused connection never reached NPPA, so nothing can have happened there.
    const code = errorCode(cause);
    const notSent = code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EAI_AGAIN';
    throw new NppaError(NppaErrors.NPPA_TRANSPORT_ERROR, {
      kind: 'transport',
      outcomeUnknown: !notSent,
      details: { reason: code ?? String((cause as Error)?.message ?? cause), url: withoutQuery(url) },
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

// The query carries the player's ai; keep it out of error details and logs.
function withoutQuery(url: string): string {
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

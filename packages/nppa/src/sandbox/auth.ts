// Verifies an incoming request the way NPPA does, answering each failure with NPPA's errcode:
// 1004 a protocol header missing, 1005 an address not on the allow-list, 1008 an unknown appId,
// 1009 access not enabled, 1010 a bizId the appId does not hold, 1007 a stale timestamp, 1006 over
// the rate limit, 1011 a signature that does not verify, 1012 a body that does not decrypt.
// The order is ours (the spec does not give one): identity before time, time before signature.
import type { IncomingHttpHeaders } from 'node:http';
import { HEADER_APP_ID, HEADER_BIZ_ID, HEADER_SIGN, HEADER_TIMESTAMPS } from '../protocol.ts';
import { openBody, verifySign } from '../wire.ts';
import type { SandboxCore } from './core.ts';
import { WireFailure } from './errors.ts';
import type { Endpoint } from './faults.ts';

export interface IncomingCall {
  readonly method: string;
  readonly endpoint: Endpoint;
  readonly headers: IncomingHttpHeaders;
  /** The raw query string without '?'. */
  readonly rawQuery: string;
  readonly rawBody: Buffer;
  readonly remoteAddress: string | undefined;
}

export interface VerifiedCall {
  readonly timestampsMs: number;
  readonly query: Readonly<Record<string, string>>;
  /** The decrypted business payload of a POST; undefined for a GET. */
  readonly payload: unknown;
}

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name.toLowerCase()];
  const s = Array.isArray(v) ? v[0] : v;
  return s === undefined || s === '' ? undefined : s;
}

/** Same address whether Node reports it as IPv4 or IPv4-mapped IPv6. */
function plainAddress(address: string | undefined): string {
  if (address === undefined) return '';
  return address.startsWith('::ffff:') ? address.slice(7) : address;
}

export function verifyCall(core: SandboxCore, call: IncomingCall): VerifiedCall {
  const appId = header(call.headers, HEADER_APP_ID);
  const bizId = header(call.headers, HEADER_BIZ_ID);
  const timestamps = header(call.headers, HEADER_TIMESTAMPS);
  const sign = header(call.headers, HEADER_SIGN);
  if (appId === undefined || bizId === undefined || timestamps === undefined || sign === undefined) {
    throw new WireFailure(1004, 'appId, bizId, timestamps and sign are required');
  }
  if (!/^\d{1,16}$/.test(timestamps)) throw new WireFailure(1004, 'timestamps must be milliseconds since the epoch');
  const allowed = core.config.allowedIps;
  if (allowed !== undefined && !allowed.includes(plainAddress(call.remoteAddress))) throw new WireFailure(1005);
  if (appId !== core.config.appId) throw new WireFailure(1008);
  if (!core.enabled) throw new WireFailure(1009);
  if (bizId !== core.config.bizId) throw new WireFailure(1010);
  const nowMs = core.nowMs();
  const timestampsMs = Number(timestamps);
  if (Math.abs(nowMs - timestampsMs) > core.config.timestampSkewMs) throw new WireFailure(1007);
  if (call.endpoint === 'check' || call.endpoint === 'query' || call.endpoint === 'loginout') {
    if (!core.limiters[call.endpoint].take(nowMs)) throw new WireFailure(1006);
  }

  const params = new URLSearchParams(call.rawQuery);
  const query: Record<string, string> = {};
  for (const [k, v] of params) {
    // A repeated parameter would make the signature ambiguous.
    if (Object.hasOwn(query, k)) throw new WireFailure(1012, `query parameter ${k} repeated`);
    query[k] = v;
  }
  const body = call.method === 'POST' ? call.rawBody.toString('utf8') : '';
  if (!verifySign({ appId, bizId, secretKey: core.config.secretKey, timestamps, query, body, sign })) throw new WireFailure(1011);
  if (call.method !== 'POST') return { timestampsMs, query, payload: undefined };
  const opened = openBody(body, core.config.secretKey);
  if (!opened.ok) throw new WireFailure(1012, opened.reason);
  return { timestampsMs, query, payload: opened.payload };
}

// How a group of direct requests and its answers cross between the event loop and the thread that
// hosts the ledger's writer (SQLite's writer thread): the requests of one turn of the event loop go
// as one message, and the answers of one commit come back as one message. In the common case each
// is a single string: a group of plain JSON requests is the JSON text of the array (one
// `JSON.stringify` here, one `JSON.parse` there, one string to copy), and a group's answers, when
// every request succeeded, are one JSON array spliced from the texts the writer already produced
// for its idempotency records, so neither side walks an object graph to copy it and the event loop
// parses it once. A request JSON would change (a BigInt, a Date, -0, NaN, an undefined inside it)
// sends its group as a list with that request cloned as it is, so the writer's validation sees
// exactly what the caller passed; a group with a failed request is answered as a list of outcomes.
import { AppError } from '@fairground/core';
import type { BatchInput, CloseInput, RequestResult, TransferInput, TransferResult } from './types.ts';

export type DirectRequestInput =
  | { readonly kind: 'transfer'; readonly input: TransferInput }
  | { readonly kind: 'batch'; readonly input: BatchInput }
  | { readonly kind: 'post'; readonly input: CloseInput }
  | { readonly kind: 'void'; readonly input: CloseInput };

/** What the hosted writer counts: direct groups run (one commit each), the requests and transfers in them. */
export interface DirectStats {
  readonly groups: number;
  readonly requests: number;
  readonly transfers: number;
  /** CPU time of the thread that hosts the writer so far, µs (hosted writers only; the bench divides it by groups). */
  readonly threadCpuUs?: number;
}

export type HostedRequest = DirectRequestInput | { readonly kind: 'group'; readonly requests: WireGroup } | { readonly kind: 'stats' };

/** A request as sent in a list: its JSON text when that round-trips exactly, else the request itself. */
export type WireRequest = string | DirectRequestInput;

/** A group as sent: the JSON text of the whole array when every request round-trips exactly, else a list. */
export type WireGroup = string | readonly WireRequest[];

export function encodeRequest(req: DirectRequestInput): WireRequest {
  return isExactJson(req, 0) ? JSON.stringify(req) : req;
}

export function decodeRequest(r: WireRequest): DirectRequestInput {
  return typeof r === 'string' ? (JSON.parse(r) as DirectRequestInput) : r;
}

export function encodeGroup(reqs: readonly DirectRequestInput[]): WireGroup {
  for (const r of reqs) if (!isExactJson(r, 0)) return reqs.map(encodeRequest);
  return JSON.stringify(reqs);
}

export function decodeGroup(g: WireGroup): DirectRequestInput[] {
  return typeof g === 'string' ? (JSON.parse(g) as DirectRequestInput[]) : g.map(decodeRequest);
}

/** Whether `JSON.parse(JSON.stringify(v))` gives back the same value (plain data, nothing lost). */
function isExactJson(v: unknown, depth: number): boolean {
  switch (typeof v) {
    case 'string':
    case 'boolean':
      return true;
    case 'number':
      return Number.isFinite(v) && !Object.is(v, -0);
    case 'object': {
      if (v === null) return true;
      if (depth > 4) return false;
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i += 1) if (!(i in v) || !isExactJson(v[i], depth + 1)) return false;
        return true;
      }
      const proto = Object.getPrototypeOf(v);
      if (proto !== Object.prototype && proto !== null) return false;
      for (const key in v) {
        if (!Object.hasOwn(v, key) || !isExactJson((v as Record<string, unknown>)[key], depth + 1)) return false;
      }
      return Object.getOwnPropertySymbols(v).length === 0;
    }
    default:
      return false;
  }
}

/**
 * One request's outcome: `'0' + JSON` (new) or `'1' + JSON` (replayed) of its transfers, or an
 * error: an expected one (`app`) is rebuilt as an `AppError` with the same code.
 */
export type WireOutcome =
  | string
  | {
      readonly message: string;
      readonly app?: { code: string; status: number; retryable: boolean; details?: Record<string, unknown> };
      readonly code?: string;
      readonly errcode?: number;
    };

export function encodeResult(json: string, replayed: boolean): string {
  return (replayed ? '1' : '0') + json;
}

/** A group's answers as sent: when every request succeeded, the JSON text of `[[replayed 0|1, transfers], …]`; else a list of outcomes. */
export type WireAnswers = string | readonly WireOutcome[];

/** One request's settled result, as the writer has it: the stored JSON text of its transfers, or the error. */
export type SettledJson =
  | { readonly ok: true; readonly json: string; readonly replayed: boolean }
  | { readonly ok: false; readonly error: unknown };

export function encodeAnswers(settled: readonly SettledJson[]): WireAnswers {
  const parts: string[] = [];
  for (const o of settled) {
    if (!o.ok) return settled.map((x) => (x.ok ? encodeResult(x.json, x.replayed) : encodeError(x.error)));
    parts.push(`[${o.replayed ? 1 : 0},${o.json}]`);
  }
  return `[${parts.join(',')}]`;
}

/** The outcomes of a group of `count` requests, in order. */
export function decodeAnswers(a: WireAnswers, count: number): ({ ok: true; value: RequestResult } | { ok: false; error: Error })[] {
  const out: ({ ok: true; value: RequestResult } | { ok: false; error: Error })[] = [];
  if (typeof a !== 'string') {
    for (const o of a) out.push(decodeOutcome(o));
  } else {
    for (const [replayed, transfers] of JSON.parse(a) as [0 | 1, TransferResult[]][]) {
      out.push({ ok: true, value: { transfers, replayed: replayed === 1 } });
    }
  }
  if (out.length !== count) throw new Error(`a group of ${count} requests was answered with ${out.length} outcomes`);
  return out;
}

export function encodeError(e: unknown): WireOutcome {
  if (e instanceof AppError) {
    return {
      message: e.message,
      app: { code: e.code, status: e.status, retryable: e.retryable, ...(e.details ? { details: { ...e.details } } : {}) },
    };
  }
  const x = e as { message?: unknown; code?: unknown; errcode?: unknown };
  return {
    message: String(x?.message ?? e),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(typeof x?.errcode === 'number' ? { errcode: x.errcode } : {}),
  };
}

export function decodeOutcome(o: WireOutcome): { ok: true; value: RequestResult } | { ok: false; error: Error } {
  if (typeof o === 'string') return { ok: true, value: { transfers: JSON.parse(o.slice(1)), replayed: o.charCodeAt(0) === 49 } };
  if (o.app) {
    const { code, status, retryable, details } = o.app;
    return { ok: false, error: new AppError({ code, domain: 'hosted', status, retryable, message: o.message }, details, o.message) };
  }
  return { ok: false, error: Object.assign(new Error(o.message), o) };
}

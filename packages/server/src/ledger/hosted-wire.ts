// How a group of direct requests and its answers cross between the event loop and the thread that
// hosts the ledger's writer (SQLite's writer thread): the requests of one turn of the event loop go
// as one message, and the answers of one commit come back as one message of compact outcomes — a
// result is the JSON text the writer already produced for its idempotency record, so neither side
// walks an object graph to copy it. A request made of plain JSON values travels as JSON text too
// (several times cheaper to copy than the structured clone of its object); anything else (a
// BigInt, a Date, -0, NaN, an undefined inside it) is cloned as it is, so the writer's validation
// sees exactly what the caller passed either way.
import { AppError } from '@fairground/core';
import type { BatchInput, CloseInput, RequestResult, TransferInput } from './types.ts';

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
}

export type HostedRequest =
  | DirectRequestInput
  | { readonly kind: 'group'; readonly requests: readonly WireRequest[] }
  | { readonly kind: 'stats' };

/** A request as sent: its JSON text when that round-trips exactly, else the request itself. */
export type WireRequest = string | DirectRequestInput;

export function encodeRequest(req: DirectRequestInput): WireRequest {
  return isExactJson(req, 0) ? JSON.stringify(req) : req;
}

export function decodeRequest(r: WireRequest): DirectRequestInput {
  return typeof r === 'string' ? (JSON.parse(r) as DirectRequestInput) : r;
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

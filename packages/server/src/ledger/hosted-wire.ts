// How a group of direct requests and its answers cross between the event loop and the thread that
// hosts the ledger's writer (SQLite's writer thread): the requests of one turn of the event loop go
// as one message, and the answers of one commit come back as one message of compact outcomes — a
// result is the JSON text the writer already produced for its idempotency record, so neither side
// walks an object graph to copy it.
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
  | { readonly kind: 'group'; readonly requests: readonly DirectRequestInput[] }
  | { readonly kind: 'stats' };

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

// Fault injection. A fault names which calls it hits (an HTTP method plus a path prefix, or '*'),
// what goes wrong, and for how many calls. The same patterns match the merchant's API requests
// and the sandbox's own notification POSTs to a notify_url (matched as `POST <notify path>`), so a
// test can aim a bad signature at a response or at a notification.
import { AppError } from '@fairground/core';
import { SandboxErrors } from './errors.ts';

export const FAULT_KINDS = [
  'http500-before',
  'http500-after',
  'http429-before',
  'http429-after',
  'slow',
  'drop-notification',
  'duplicate-notification',
  'delay-notification',
  'reorder-notifications',
  'bad-signature',
  'signtest',
  'stale-timestamp',
  'wrong-serial',
  'merchant-balance-low',
  'user-never-confirms',
  'user-cancels',
  'paid-after-expiry',
  'weixin-errcode',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export interface Fault {
  /** `'*'`, `'POST /v3/pay/transactions/jsapi'`, `'GET /v3/pay/transactions/'` (a prefix), or just a path prefix for any method. */
  endpoint?: string;
  /** Alternative to `endpoint`: the method (or omitted for any) … */
  method?: string;
  /** … and the path prefix. */
  path?: string;
  kind: FaultKind;
  /** How many matching calls the fault applies to; default 1. */
  count?: number;
  /** For 'slow' (real milliseconds, default 1000) and 'delay-notification' / 'reorder-notifications' (sandbox-clock milliseconds, default 60000). */
  ms?: number;
  /** Alias of `ms`. */
  delayMs?: number;
  /** For 'weixin-errcode': the errcode api.weixin.qq.com answers (HTTP 200, nothing performed), e.g. 40029, 45011, -1. */
  errcode?: number;
  /** For 'weixin-errcode': the errmsg; default WeChat's usual text for that errcode. */
  errmsg?: string;
}

export interface ActiveFault {
  readonly id: number;
  readonly kind: FaultKind;
  /** Upper-case method, or null for any. */
  readonly method: string | null;
  /** Path prefix; '' matches everything. */
  readonly pathPrefix: string;
  remaining: number;
  readonly ms: number;
  /** 'weixin-errcode' only. */
  readonly errcode?: number;
  readonly errmsg?: string;
}

/** Limits: a test that injects more than this is broken. */
export const FAULTS_MAX = 1000;
export const FAULT_COUNT_MAX = 1_000_000;
export const FAULT_MS_MAX = 7 * 86_400_000;

const DEFAULT_MS: Partial<Record<FaultKind, number>> = { slow: 1000, 'delay-notification': 60_000, 'reorder-notifications': 60_000 };

export class FaultController {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  /** Adds a fault; returns its id. Throws SANDBOX_FAULT_INVALID for an unknown kind or a bad pattern. */
  inject(fault: Fault): number {
    const invalid = (why: string) => new AppError(SandboxErrors.SANDBOX_FAULT_INVALID, { why });
    if (typeof fault !== 'object' || fault === null) throw invalid('a fault is an object');
    if (!(FAULT_KINDS as readonly string[]).includes(fault.kind)) throw invalid(`unknown kind ${String(fault.kind)}`);
    const count = fault.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1 || count > FAULT_COUNT_MAX) throw invalid(`count must be 1..${FAULT_COUNT_MAX}`);
    const ms = fault.ms ?? fault.delayMs ?? DEFAULT_MS[fault.kind] ?? 0;
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > FAULT_MS_MAX) throw invalid(`ms must be 0..${FAULT_MS_MAX}`);
    if (this.#faults.length >= FAULTS_MAX) throw invalid(`at most ${FAULTS_MAX} faults at once`);
    const { method, pathPrefix } = parsePattern(fault);
    if (pathPrefix !== '' && !pathPrefix.startsWith('/')) throw invalid(`path prefix must start with '/': ${pathPrefix}`);
    let weixin: { errcode: number; errmsg?: string } | undefined;
    if (fault.kind === 'weixin-errcode') {
      const { errcode, errmsg } = fault;
      if (typeof errcode !== 'number' || !Number.isSafeInteger(errcode) || errcode === 0 || Math.abs(errcode) > 999_999_999)
        throw invalid('weixin-errcode needs a non-zero integer errcode');
      if (errmsg !== undefined && (typeof errmsg !== 'string' || errmsg.length > 200))
        throw invalid('errmsg must be a string of at most 200 characters');
      weixin = errmsg === undefined ? { errcode } : { errcode, errmsg };
    }
    const active: ActiveFault = { id: this.#nextId++, kind: fault.kind, method, pathPrefix, remaining: count, ms, ...weixin };
    this.#faults.push(active);
    return active.id;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): readonly ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /**
   * Consumes one use of the first fault of one of `kinds` that matches the call, or returns null.
   * Callers ask only for the kinds that make sense where they are, so a '*' fault is spent by the
   * first call it can actually affect.
   */
  take(kinds: readonly FaultKind[], method: string, path: string): ActiveFault | null {
    const m = method.toUpperCase();
    const index = this.#faults.findIndex(
      (f) => kinds.includes(f.kind) && (f.method === null || f.method === m) && path.startsWith(f.pathPrefix),
    );
    if (index < 0) return null;
    const fault = this.#faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return { ...fault };
  }
}

function parsePattern(fault: Fault): { method: string | null; pathPrefix: string } {
  if (fault.endpoint !== undefined) {
    const endpoint = String(fault.endpoint).trim();
    if (endpoint === '*' || endpoint === '') return { method: null, pathPrefix: '' };
    const m = /^([A-Za-z]+)\s+(\S*)$/.exec(endpoint);
    if (m) {
      const path = m[2]!;
      return { method: m[1]!.toUpperCase(), pathPrefix: path.endsWith('*') ? path.slice(0, -1) : path };
    }
    if (/^[A-Za-z]+$/.test(endpoint)) return { method: endpoint.toUpperCase(), pathPrefix: '' };
    return { method: null, pathPrefix: endpoint.endsWith('*') ? endpoint.slice(0, -1) : endpoint };
  }
  const method = fault.method === undefined || fault.method === '*' ? null : String(fault.method).toUpperCase();
  const path = fault.path === undefined || fault.path === '*' ? '' : String(fault.path);
  return { method, pathPrefix: path.endsWith('*') ? path.slice(0, -1) : path };
}

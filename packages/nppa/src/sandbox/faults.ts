// Fault injection. A fault names the endpoint it hits, what goes wrong, when (before the request
// is handled, or after — so the state changed but the caller never learns it), and for how many
// calls. Faults are consumed in the order they were injected.
import { AppError } from '@fairground/core';
import { errcodeSpec } from '../protocol.ts';
import { SandboxErrors } from './errors.ts';

export const FAULT_KINDS = [
  /** Never answer (until the sandbox closes): the client's deadline passes. */
  'hang',
  /** An HTTP 5xx (or other) status with an HTML body and no errcode, as a proxy would answer. */
  'http',
  /** Answer with an NPPA errcode (default 1001). */
  'errcode',
  /** Answer 1011, as if the request's signature did not verify. */
  'bad-signature',
  /** Answer 1006, as if the caller had gone over the rate limit. */
  'rate-limit',
  /** Answer 200 with a body that is not the documented JSON. */
  'malformed',
  /** Reports only: refuse the first `records` records one by one with errcode 1001 (answer 3001). */
  'partial-failure',
] as const;

export type FaultKind = (typeof FAULT_KINDS)[number];

export const FAULT_ENDPOINTS = ['*', 'check', 'query', 'loginout', 'test'] as const;
export type FaultEndpoint = (typeof FAULT_ENDPOINTS)[number];

export interface Fault {
  readonly kind: FaultKind;
  /** Which endpoint: one of the three production ones, 'test' (any of the three test ones) or '*'. Default '*'. */
  readonly endpoint?: FaultEndpoint;
  /** 'before' (default): instead of handling. 'after': the request is handled, then the answer is replaced. */
  readonly timing?: 'before' | 'after';
  /** How many matching calls the fault hits (default 1). */
  readonly count?: number;
  /** For 'http': the status (default 502). */
  readonly status?: number;
  /** For 'errcode': the errcode (default 1001); must be a documented one. */
  readonly errcode?: number;
  /** For 'partial-failure': how many records to refuse (default 1). */
  readonly records?: number;
}

export interface ActiveFault {
  readonly id: number;
  readonly kind: FaultKind;
  readonly endpoint: FaultEndpoint;
  readonly timing: 'before' | 'after';
  readonly status: number;
  readonly errcode: number;
  readonly records: number;
  remaining: number;
}

/** Limits: a test that needs more than this is broken. */
export const FAULTS_MAX = 100;
export const FAULT_COUNT_MAX = 100_000;

export type Endpoint = 'check' | 'query' | 'loginout' | 'test-check' | 'test-query' | 'test-loginout';

function matches(f: ActiveFault, endpoint: Endpoint): boolean {
  if (f.endpoint === '*') return true;
  if (f.endpoint === 'test') return endpoint.startsWith('test-');
  return f.endpoint === endpoint;
}

export class FaultController {
  #faults: ActiveFault[] = [];
  #nextId = 1;

  inject(fault: Fault): ActiveFault {
    const invalid = (why: string) => new AppError(SandboxErrors.NPPA_SANDBOX_FAULT_INVALID, { why });
    if (typeof fault !== 'object' || fault === null) throw invalid('a fault is a JSON object');
    if (!(FAULT_KINDS as readonly string[]).includes(fault.kind)) throw invalid(`kind must be one of ${FAULT_KINDS.join(', ')}`);
    const endpoint = fault.endpoint ?? '*';
    if (!(FAULT_ENDPOINTS as readonly string[]).includes(endpoint)) throw invalid(`endpoint must be one of ${FAULT_ENDPOINTS.join(', ')}`);
    const timing = fault.timing ?? 'before';
    if (timing !== 'before' && timing !== 'after') throw invalid("timing must be 'before' or 'after'");
    const count = fault.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1 || count > FAULT_COUNT_MAX) throw invalid(`count must be 1..${FAULT_COUNT_MAX}`);
    const status = fault.status ?? 502;
    if (!Number.isSafeInteger(status) || status < 400 || status > 599) throw invalid('status must be 400..599');
    const errcode = fault.kind === 'bad-signature' ? 1011 : fault.kind === 'rate-limit' ? 1006 : (fault.errcode ?? 1001);
    if (!Number.isSafeInteger(errcode) || errcodeSpec(errcode) === undefined)
      throw invalid(`errcode ${String(errcode)} is not a documented errcode`);
    const records = fault.records ?? 1;
    if (!Number.isSafeInteger(records) || records < 1 || records > 128) throw invalid('records must be 1..128');
    if (fault.kind === 'partial-failure' && ((endpoint !== 'loginout' && endpoint !== '*') || timing !== 'before')) {
      throw invalid("partial-failure applies to the 'loginout' endpoint, before the records are handled");
    }
    if (this.#faults.length >= FAULTS_MAX) throw invalid(`at most ${FAULTS_MAX} faults at once`);
    const active: ActiveFault = { id: this.#nextId++, kind: fault.kind, endpoint, timing, status, errcode, records, remaining: count };
    this.#faults.push(active);
    return { ...active };
  }

  clear(): void {
    this.#faults = [];
  }

  list(): ActiveFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /** Consumes one use of the first matching fault of one of `kinds` at `timing`, or returns null. */
  take(endpoint: Endpoint, timing: 'before' | 'after', kinds: readonly FaultKind[]): ActiveFault | null {
    const index = this.#faults.findIndex((f) => f.timing === timing && kinds.includes(f.kind) && matches(f, endpoint));
    if (index < 0) return null;
    const fault = this.#faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return { ...fault };
  }
}

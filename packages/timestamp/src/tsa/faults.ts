// Fault injection for the local TSA. A fault applies to the next `count` time-stamp queries (never
// to certificate downloads or admin calls), so a test can make the TSA go down, stall, talk
// nonsense, refuse, or sign tokens a careful client must reject.
import { AppError } from '@fairground/core';
import { TimestampErrors } from '../errors.ts';

export const TSA_FAULT_KINDS = [
  /** The connection is dropped without an answer (the client sees a reset, as with a dead TSA). */
  'down',
  /** HTTP 503. */
  'unavailable',
  /** The answer waits `ms` real milliseconds first. */
  'slow',
  /** HTTP 200 with random bytes instead of a TimeStampResp. */
  'garbage',
  /** A TimeStampResp with PKIStatus rejection (badRequest). */
  'reject',
  /** A correctly signed token whose nonce is not the request's. */
  'wrong-nonce',
  /** A correctly signed token over a different digest. */
  'wrong-imprint',
  /** A token whose signature does not verify. */
  'bad-signature',
] as const;

export type TsaFaultKind = (typeof TSA_FAULT_KINDS)[number];

export interface TsaFault {
  readonly kind: TsaFaultKind;
  /** Queries it applies to (default 1). */
  readonly count?: number;
  /** For 'slow': real milliseconds (default 1000). */
  readonly ms?: number;
}

export interface ActiveTsaFault {
  readonly id: number;
  readonly kind: TsaFaultKind;
  readonly remaining: number;
  readonly ms: number;
}

export const TSA_FAULTS_MAX = 100;
export const TSA_FAULT_COUNT_MAX = 1_000_000;
export const TSA_FAULT_MS_MAX = 120_000;
const SLOW_DEFAULT_MS = 1000;

export class TsaFaults {
  #faults: { id: number; kind: TsaFaultKind; remaining: number; ms: number }[] = [];
  #nextId = 1;

  /** Adds a fault and returns its id; throws TSA_SANDBOX_REQUEST_INVALID for a bad description. */
  inject(fault: TsaFault): number {
    const invalid = (why: string) => new AppError(TimestampErrors.TSA_SANDBOX_REQUEST_INVALID, { why }, `invalid fault: ${why}`);
    if (typeof fault !== 'object' || fault === null) throw invalid('a fault is an object');
    if (!(TSA_FAULT_KINDS as readonly string[]).includes(fault.kind)) throw invalid(`unknown kind ${String(fault.kind)}`);
    const count = fault.count ?? 1;
    if (!Number.isSafeInteger(count) || count < 1 || count > TSA_FAULT_COUNT_MAX) throw invalid(`count must be 1..${TSA_FAULT_COUNT_MAX}`);
    const ms = fault.ms ?? (fault.kind === 'slow' ? SLOW_DEFAULT_MS : 0);
    if (!Number.isSafeInteger(ms) || ms < 0 || ms > TSA_FAULT_MS_MAX) throw invalid(`ms must be 0..${TSA_FAULT_MS_MAX}`);
    if (this.#faults.length >= TSA_FAULTS_MAX) throw invalid(`at most ${TSA_FAULTS_MAX} faults at once`);
    const id = this.#nextId++;
    this.#faults.push({ id, kind: fault.kind, remaining: count, ms });
    return id;
  }

  clear(): void {
    this.#faults = [];
  }

  list(): ActiveTsaFault[] {
    return this.#faults.map((f) => ({ ...f }));
  }

  /** Spends one use of the oldest fault of one of `kinds`, or returns null. */
  take(kinds: readonly TsaFaultKind[]): ActiveTsaFault | null {
    const index = this.#faults.findIndex((f) => kinds.includes(f.kind));
    if (index < 0) return null;
    const fault = this.#faults[index]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.#faults.splice(index, 1);
    return { ...fault };
  }
}

// Identity-check records by `ai`, with the lifetimes the spec gives them: a result can be queried
// for 48 hours; once a query has returned a final result, it is deleted 300 s later; an `ai` whose
// record still exists cannot be checked again (2004). The store is bounded: when it is full of
// live records a new check is refused with 2002, NPPA's "check entries reached the limit".
import { RESULT_DELETED_AFTER_QUERY_MS, RESULT_QUERYABLE_MS } from '../limits.ts';
import { type RESULT_STATUS_FAILED, RESULT_STATUS_IN_PROGRESS, type RESULT_STATUS_OK } from '../protocol.ts';

export type ResultStatus = typeof RESULT_STATUS_OK | typeof RESULT_STATUS_IN_PROGRESS | typeof RESULT_STATUS_FAILED;

export interface AuthRecord {
  readonly ai: string;
  readonly name: string;
  readonly idNum: string;
  status: ResultStatus;
  pi: string | undefined;
  readonly createdMs: number;
  /** For an in-progress record: when it settles, and to what. */
  settleAtMs: number | undefined;
  settlesTo: { status: ResultStatus; pi: string | undefined } | undefined;
  /** Set by the first query that returns a final result. */
  deleteAtMs: number | undefined;
}

export class RecordStore {
  readonly #byAi = new Map<string, AuthRecord>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  get size(): number {
    return this.#byAi.size;
  }

  #expired(r: AuthRecord, nowMs: number): boolean {
    return nowMs >= r.createdMs + RESULT_QUERYABLE_MS || (r.deleteAtMs !== undefined && nowMs >= r.deleteAtMs);
  }

  /** The live record of an `ai` (settled if its time has come), or undefined. */
  get(ai: string, nowMs: number): AuthRecord | undefined {
    const r = this.#byAi.get(ai);
    if (r === undefined) return undefined;
    if (this.#expired(r, nowMs)) {
      this.#byAi.delete(ai);
      return undefined;
    }
    if (r.status === RESULT_STATUS_IN_PROGRESS && r.settleAtMs !== undefined && nowMs >= r.settleAtMs && r.settlesTo !== undefined) {
      r.status = r.settlesTo.status;
      r.pi = r.settlesTo.pi;
      r.settleAtMs = undefined;
      r.settlesTo = undefined;
    }
    return r;
  }

  /** False when the store is full of live records (the caller answers 2002). */
  add(record: AuthRecord, nowMs: number): boolean {
    if (this.#byAi.size >= this.#max) this.#purge(nowMs);
    if (this.#byAi.size >= this.#max) return false;
    this.#byAi.set(record.ai, record);
    return true;
  }

  /** A query returned this record: a final result starts its 300-second countdown. */
  markQueried(r: AuthRecord, nowMs: number): void {
    if (r.status !== RESULT_STATUS_IN_PROGRESS && r.deleteAtMs === undefined) r.deleteAtMs = nowMs + RESULT_DELETED_AFTER_QUERY_MS;
  }

  /** Settles an in-progress record now (admin). False when there is no such in-progress record. */
  settle(ai: string, status: ResultStatus, pi: string | undefined, nowMs: number): boolean {
    const r = this.get(ai, nowMs);
    if (r === undefined || r.status !== RESULT_STATUS_IN_PROGRESS) return false;
    r.status = status;
    r.pi = pi;
    r.settleAtMs = undefined;
    r.settlesTo = undefined;
    return true;
  }

  #purge(nowMs: number): void {
    for (const [ai, r] of this.#byAi) if (this.#expired(r, nowMs)) this.#byAi.delete(ai);
  }

  list(nowMs: number): AuthRecord[] {
    this.#purge(nowMs);
    return [...this.#byAi.keys()].map((ai) => ({ ...this.get(ai, nowMs)! }));
  }
}

// The outbox: every call that changes something at the provider (create an order, close it,
// create a transfer bill, request a refund) is first written here, in the same unit of work as
// the decision to make it. A dispatcher then claims the entry with a lease, makes the call, and
// records the answer together with its effect in one more unit. A process that dies between the
// decision and the call, or between the call and recording its answer, leaves a pending entry
// whose lease runs out; the next sweep makes the same call again — with the same number, so the
// provider answers about the same order, bill or refund instead of making a second one.
import { assert, newId } from '@fairground/core';
import type { Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { backoff, type Ctx } from './context.ts';
import { failpoint } from './failpoints.ts';
import { OUTBOX_BACKOFF_MS, OUTBOX_LEASE_MS, SWEEP_BATCH_MAX } from './limits.ts';
import { ProviderError } from './ports.ts';

export type OutboxKind = 'deposit.create' | 'deposit.close' | 'withdrawal.submit' | 'refund.submit';

export interface OutboxEntry {
  readonly id: string;
  readonly kind: OutboxKind;
  readonly subjectId: string;
  /** Attempts including the current one. */
  readonly attempts: number;
}

/** What a call produced: a value, or the provider's classified failure. */
export type CallResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: ProviderError };

/** After recording an answer: the entry is finished, or must be tried again at `retryAtMs`. */
export type Applied = { readonly done: true } | { readonly done: false; readonly retryAtMs: number; readonly error: string };

export interface OutboxHandler<T> {
  /** The provider call (network). Must be safe to repeat: it names the same number every time. */
  perform(entry: OutboxEntry): Promise<T>;
  /** Records the answer and its effect, inside the unit that also finishes the entry. */
  apply(tx: Tx, entry: OutboxEntry, result: CallResult<T>): Promise<Applied>;
}

interface Row {
  id: string;
  kind: OutboxKind;
  subject_id: string;
  attempts: unknown;
}

export class Outbox {
  readonly #ctx: Ctx;
  readonly #handlers = new Map<OutboxKind, OutboxHandler<unknown>>();
  readonly #leaseMs: number;

  /** `leaseMs` must be longer than any provider call (its timeout); crash tests shorten it to restart quickly. */
  constructor(ctx: Ctx, leaseMs: number = OUTBOX_LEASE_MS) {
    this.#ctx = ctx;
    this.#leaseMs = leaseMs;
  }

  register<T>(kind: OutboxKind, handler: OutboxHandler<T>): void {
    this.#handlers.set(kind, handler as OutboxHandler<unknown>);
  }

  /** Records the decision to call the provider; a second enqueue of the same kind and subject is a no-op. */
  async enqueue(tx: Tx, kind: OutboxKind, subjectId: string, dueAtMs: number = tx.nowMs): Promise<void> {
    await tx.run(
      `INSERT INTO payment_outbox (id, kind, subject_id, state, attempts, next_attempt_at_ms, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, 'pending', 0, ?, ?, ?) ON CONFLICT (kind, subject_id) DO NOTHING`,
      [newId('ob'), kind, subjectId, dueAtMs, tx.nowMs, tx.nowMs],
    );
  }

  /**
   * Records the decision and reserves the entry for the caller, who dispatches it right after the
   * unit commits (`dispatchSubject` with the returned token): no sweep, here or on another node,
   * takes it meanwhile. If this process dies first, the reservation runs out like any lease.
   */
  async enqueueForCaller(tx: Tx, kind: OutboxKind, subjectId: string): Promise<number> {
    const token = tx.nowMs + this.#leaseMs;
    await tx.run(
      `INSERT INTO payment_outbox (id, kind, subject_id, state, attempts, next_attempt_at_ms, lease_until_ms, created_at_ms, updated_at_ms)
       VALUES (?, ?, ?, 'pending', 0, ?, ?, ?, ?) ON CONFLICT (kind, subject_id) DO NOTHING`,
      [newId('ob'), kind, subjectId, tx.nowMs, token, tx.nowMs, tx.nowMs],
    );
    return token;
  }

  /** Marks a pending entry finished without calling (its subject moved on). */
  async retire(tx: Tx, kind: OutboxKind, subjectId: string): Promise<void> {
    await tx.run(
      `UPDATE payment_outbox SET state = 'done', lease_until_ms = NULL, updated_at_ms = ? WHERE kind = ? AND subject_id = ? AND state = 'pending'`,
      [tx.nowMs, kind, subjectId],
    );
  }

  /**
   * Runs the entry for `kind`/`subjectId` now if nobody holds it, or if it is reserved for us
   * (`reservation` from `enqueueForCaller`).
   */
  async dispatchSubject(kind: OutboxKind, subjectId: string, reservation?: number): Promise<boolean> {
    const rows = await this.#ctx.store.reader.query<{ id: string }>(
      `SELECT id FROM payment_outbox WHERE kind = ? AND subject_id = ? AND state = 'pending'`,
      [kind, subjectId],
    );
    const id = rows[0]?.id;
    return id === undefined ? false : this.#dispatch(id, false, reservation);
  }

  /** Dispatches due entries, oldest first; returns how many ran. */
  async sweep(): Promise<number> {
    const nowMs = this.#ctx.clock.nowMs();
    const rows = await this.#ctx.store.reader.query<{ id: string }>(
      `SELECT id FROM payment_outbox WHERE state = 'pending' AND next_attempt_at_ms <= ? AND (lease_until_ms IS NULL OR lease_until_ms <= ?)
       ORDER BY next_attempt_at_ms LIMIT ?`,
      [nowMs, nowMs, SWEEP_BATCH_MAX],
    );
    let ran = 0;
    for (const r of rows) if (await this.#dispatch(r.id, true)) ran += 1;
    return ran;
  }

  async pendingCount(): Promise<number> {
    const rows = await this.#ctx.store.reader.query<{ n: unknown }>(`SELECT COUNT(*) AS n FROM payment_outbox WHERE state = 'pending'`);
    return intFromDb(rows[0]?.n ?? 0);
  }

  async #dispatch(id: string, dueOnly: boolean, reservation?: number): Promise<boolean> {
    const { store } = this.#ctx;
    const entry = await store.unitOfWork(
      async (tx) => {
        const params: (string | number)[] = [tx.nowMs + this.#leaseMs, tx.nowMs, id, tx.nowMs];
        let held = '(lease_until_ms IS NULL OR lease_until_ms <= ?)';
        if (reservation !== undefined) {
          held = '(lease_until_ms IS NULL OR lease_until_ms <= ? OR lease_until_ms = ?)';
          params.push(reservation);
        }
        if (dueOnly) params.push(tx.nowMs);
        const changed = await tx.run(
          `UPDATE payment_outbox SET lease_until_ms = ?, attempts = attempts + 1, updated_at_ms = ?
           WHERE id = ? AND state = 'pending' AND ${held}${dueOnly ? ' AND next_attempt_at_ms <= ?' : ''}`,
          params,
        );
        if (changed !== 1) return null;
        const row = (await tx.query<Row>('SELECT id, kind, subject_id, attempts FROM payment_outbox WHERE id = ?', [id]))[0];
        assert(row !== undefined, `outbox entry ${id} vanished`);
        return { id: row.id, kind: row.kind, subjectId: row.subject_id, attempts: intFromDb(row.attempts) } satisfies OutboxEntry;
      },
      { label: 'payments.outbox.claim' },
    );
    if (entry === null) return false;
    const handler = this.#handlers.get(entry.kind);
    assert(handler !== undefined, `no outbox handler for ${entry.kind}`);
    let result: CallResult<unknown>;
    try {
      result = { ok: true, value: await handler.perform(entry) };
    } catch (e) {
      if (!(e instanceof ProviderError)) {
        // A bug or an unexpected failure: leave the lease to run out so the entry is retried later.
        this.#ctx.log.error({ err: e, outbox: entry }, 'payments: outbox call failed unexpectedly');
        return true;
      }
      result = { ok: false, error: e };
    }
    failpoint('after_provider_call', entry.kind);
    await store.unitOfWork(
      async (tx) => {
        const applied = await handler.apply(tx, entry, result);
        if (applied.done) {
          await tx.run(
            `UPDATE payment_outbox SET state = 'done', lease_until_ms = NULL, last_error = NULL, updated_at_ms = ? WHERE id = ?`,
            [tx.nowMs, entry.id],
          );
        } else {
          await tx.run(
            `UPDATE payment_outbox SET lease_until_ms = NULL, next_attempt_at_ms = ?, last_error = ?, updated_at_ms = ? WHERE id = ? AND state = 'pending'`,
            [applied.retryAtMs, applied.error.slice(0, 200), tx.nowMs, entry.id],
          );
        }
      },
      { label: `payments.outbox.${entry.kind}` },
    );
    return true;
  }
}

/** The next attempt time after `attempts` failed tries. */
export function retryAt(nowMs: number, attempts: number): number {
  return nowMs + backoff(OUTBOX_BACKOFF_MS, attempts - 1);
}

export function describeFailure(e: ProviderError): string {
  return `${e.failure}:${e.providerCode}`;
}

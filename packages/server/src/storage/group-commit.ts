// Group commit: units of work queued by concurrent callers are run back to back inside one
// database transaction, each inside its own savepoint, and committed together — one fsync (SQLite)
// or one commit round trip (PostgreSQL) for many units. A unit that throws is rolled back to its
// savepoint alone; its neighbours still commit. If the database itself asks for a retry
// (deadlock, serialization failure) the whole group is rolled back and run again, a bounded
// number of times, so no such error ever reaches a caller as anything but LEDGER_BUSY-like
// `STORE_BUSY` after the bound.
import { AppError, type Clock, defineErrors } from '@fairground/core';
import type { Dialect, SqlValue, Tx, TxParticipant, UnitOptions } from './ports.ts';

export const StoreErrors = defineErrors('storage', {
  STORE_BUSY: { status: 503, message: 'the database is busy; try again', retryable: true },
  STORE_CLOSED: { status: 503, message: 'the store is shutting down', retryable: true },
  STORE_QUEUE_FULL: { status: 503, message: 'too many units of work are waiting', retryable: true },
});

/** One database connection able to run a transaction. */
export interface Connection {
  readonly dialect: Dialect;
  query<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]>;
  run(sql: string, params: readonly SqlValue[]): Promise<number>;
  begin(): Promise<void>;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

export interface GroupCommitOptions {
  readonly clock: Clock;
  /** Most units coalesced into one transaction. */
  readonly groupUnitsMax: number;
  /** Most units waiting; beyond it callers get STORE_QUEUE_FULL instead of unbounded memory. */
  readonly queueUnitsMax: number;
  /** Whole-group retries after a retryable database error. */
  readonly retriesMax: number;
  readonly isRetryable: (error: unknown) => boolean;
}

interface Unit {
  readonly body: (tx: Tx) => Promise<unknown>;
  readonly options: UnitOptions | undefined;
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** Marks an error raised while flushing participants, so adapters can tell it from a unit's own failure. */
export class FlushError extends Error {
  constructor(cause: unknown) {
    super(`flush failed: ${String((cause as Error)?.message ?? cause)}`, { cause });
  }
}

class PoisonedUnit extends Error {
  readonly index: number;
  constructor(index: number, cause: unknown) {
    super('a unit failed outside its savepoint', { cause });
    this.index = index;
  }
}

class GroupTx implements Tx {
  readonly dialect: Dialect;
  readonly nowMs: number;
  readonly states = new Map<TxParticipant<unknown>, unknown>();
  unitAfterCommit: (() => void)[] = [];
  /** Whether units run inside savepoints (groups of more than one unit). */
  useSavepoints = false;
  /** Whether the current unit has opened its savepoint (done lazily, before its first write). */
  savepointOpen = false;
  private readonly conn: Connection;
  constructor(conn: Connection, nowMs: number) {
    this.conn = conn;
    this.dialect = conn.dialect;
    this.nowMs = nowMs;
  }
  query<Row = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    return this.conn.query<Row>(sql, params);
  }
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    if (this.useSavepoints && !this.savepointOpen) {
      await this.conn.run('SAVEPOINT fg_unit', []);
      this.savepointOpen = true;
    }
    return this.conn.run(sql, params);
  }
  participant<S>(p: TxParticipant<S>): S {
    let state = this.states.get(p as TxParticipant<unknown>) as S | undefined;
    if (state === undefined) {
      state = p.create(this);
      this.states.set(p as TxParticipant<unknown>, state);
    }
    return state;
  }
  afterCommit(fn: () => void): void {
    this.unitAfterCommit.push(fn);
  }
}

export class GroupCommitter {
  readonly #queue: Unit[] = [];
  readonly #idle: Connection[];
  #closed = false;
  #pumpScheduled = false;
  #running = 0;
  #drained: (() => void)[] = [];

  private readonly options: GroupCommitOptions;
  constructor(connections: readonly Connection[], options: GroupCommitOptions) {
    this.options = options;
    if (connections.length === 0) throw new Error('GroupCommitter needs at least one connection');
    this.#idle = [...connections];
  }

  enqueue<T>(body: (tx: Tx) => Promise<T>, options?: UnitOptions): Promise<T> {
    if (this.#closed) return Promise.reject(new AppError(StoreErrors.STORE_CLOSED));
    if (this.#queue.length >= this.options.queueUnitsMax) return Promise.reject(new AppError(StoreErrors.STORE_QUEUE_FULL));
    return new Promise<T>((resolve, reject) => {
      this.#queue.push({ body, options, resolve: resolve as (v: unknown) => void, reject });
      if (!this.#pumpScheduled) {
        // Wait for the end of this turn of the event loop so that units queued together share a group.
        this.#pumpScheduled = true;
        setImmediate(() => {
          this.#pumpScheduled = false;
          this.#pump();
        });
      }
    });
  }

  /** Stops taking units and waits for the queued ones to finish. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#queue.length === 0 && this.#running === 0) return;
    await new Promise<void>((resolve) => this.#drained.push(resolve));
  }

  #pump(): void {
    while (this.#queue.length > 0 && this.#idle.length > 0) {
      const conn = this.#idle.pop()!;
      const units = this.#queue.splice(0, this.#groupLength());
      this.#running += 1;
      void this.#runGroup(conn, units).finally(() => {
        this.#running -= 1;
        this.#idle.push(conn);
        if (this.#queue.length > 0) this.#pump();
        else if (this.#running === 0) for (const d of this.#drained.splice(0)) d();
      });
    }
  }

  /** How many queued units the next group takes: a unit that asks for its own transaction goes alone. */
  #groupLength(): number {
    const max = Math.min(this.options.groupUnitsMax, this.#queue.length);
    if (this.#queue[0]?.options?.ownTransaction) return 1;
    let n = 1;
    while (n < max && !this.#queue[n]!.options?.ownTransaction) n += 1;
    return n;
  }

  async #runGroup(conn: Connection, initialUnits: Unit[]): Promise<void> {
    let units = initialUnits;
    for (let attempt = 0; ; attempt += 1) {
      const outcome = await this.#attempt(conn, units);
      if (outcome.kind === 'failed' && outcome.error instanceof PoisonedUnit) {
        const { index, cause } = outcome.error;
        units[index]!.reject(cause);
        units = units.filter((_, i) => i !== index);
        attempt -= 1;
        if (units.length === 0) return;
        continue;
      }
      if (outcome.kind === 'committed') {
        for (let i = 0; i < units.length; i += 1) {
          const r = outcome.results[i]!;
          if (r.ok) {
            for (const fn of r.afterCommit) {
              try {
                fn();
              } catch (e) {
                // An after-commit hook is a notification; its failure must not undo or hide the commit.
                console.error('afterCommit hook failed', e);
              }
            }
            units[i]!.resolve(r.value);
          } else units[i]!.reject(r.error);
        }
        return;
      }
      if (this.options.isRetryable(outcome.error) && attempt < this.options.retriesMax) continue;
      const error = this.options.isRetryable(outcome.error)
        ? new AppError(StoreErrors.STORE_BUSY, { attempts: attempt + 1 })
        : outcome.error instanceof FlushError
          ? outcome.error.cause
          : outcome.error;
      for (const u of units) u.reject(error);
      return;
    }
  }

  async #attempt(
    conn: Connection,
    units: Unit[],
  ): Promise<
    | { kind: 'committed'; results: ({ ok: true; value: unknown; afterCommit: (() => void)[] } | { ok: false; error: unknown })[] }
    | { kind: 'failed'; error: unknown }
  > {
    const tx = new GroupTx(conn, this.options.clock.nowMs());
    const single = units.length === 1;
    const results: ({ ok: true; value: unknown; afterCommit: (() => void)[] } | { ok: false; error: unknown })[] = [];
    try {
      await conn.begin();
      for (const unit of units) {
        tx.unitAfterCommit = [];
        if (single) {
          try {
            results.push({ ok: true, value: await unit.body(tx), afterCommit: tx.unitAfterCommit });
          } catch (error) {
            await safeRollback(conn);
            if (this.options.isRetryable(error)) return { kind: 'failed', error };
            // A single unit that failed: nothing to commit.
            return { kind: 'committed', results: [{ ok: false, error }] };
          }
          continue;
        }
        const snapshots = new Map<TxParticipant<unknown>, unknown>();
        for (const [p, s] of tx.states) snapshots.set(p, p.snapshot(s));
        const knownBefore = new Set(tx.states.keys());
        // The savepoint is opened lazily, before the unit's first write: a unit that only reads
        // and stages (the ledger's usual case) costs no savepoint round trips.
        tx.useSavepoints = true;
        tx.savepointOpen = false;
        try {
          const value = await unit.body(tx);
          if (tx.savepointOpen) await conn.run('RELEASE SAVEPOINT fg_unit', []);
          results.push({ ok: true, value, afterCommit: tx.unitAfterCommit });
        } catch (error) {
          if (this.options.isRetryable(error)) throw error;
          if (tx.savepointOpen) {
            await conn.run('ROLLBACK TO SAVEPOINT fg_unit', []);
            await conn.run('RELEASE SAVEPOINT fg_unit', []);
          } else if (!(error instanceof AppError)) {
            // A database error outside a savepoint may have aborted the whole transaction
            // (PostgreSQL does): run the group again without this unit.
            throw new PoisonedUnit(units.indexOf(unit), error);
          }
          for (const [p, s] of tx.states) {
            if (knownBefore.has(p)) p.restore(s, snapshots.get(p));
            else tx.states.delete(p);
          }
          results.push({ ok: false, error });
        }
      }
      // Flushes are no unit's own writes: outside any unit savepoint (so statements a participant
      // sends together need not open one first).
      tx.useSavepoints = false;
      try {
        for (const [p, s] of tx.states) await p.flush(tx, s);
      } catch (error) {
        throw new FlushError(error);
      }
      await conn.commit();
      return { kind: 'committed', results };
    } catch (error) {
      await safeRollback(conn);
      return { kind: 'failed', error };
    }
  }
}

async function safeRollback(conn: Connection): Promise<void> {
  try {
    await conn.rollback();
  } catch {
    // The connection may already be outside a transaction (for example after a failed COMMIT).
  }
}

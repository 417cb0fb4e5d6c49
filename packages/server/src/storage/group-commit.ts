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

/** A statement a unit queued (`Tx.write`): its SQL and its parameters. */
export type QueuedStatement = readonly [sql: string, params: readonly SqlValue[]];

/**
 * One database connection able to run a transaction. `ahead` is what a unit queued since its last
 * call: the connection runs those statements, in order, before this call's own statement, and
 * sends them together with it (one message, one pipelined write). If one of them fails, the call
 * rejects with that statement's error, marked with `markQueuedFailure`, and what follows it is not
 * applied.
 */
export interface Connection {
  readonly dialect: Dialect;
  query<Row>(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<Row[]>;
  run(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<number>;
  begin(): Promise<void>;
  commit(ahead?: readonly QueuedStatement[]): Promise<void>;
  rollback(): Promise<void>;
}

const queuedFailures = new WeakSet<object>();

/**
 * Marks an error as raised by a queued statement (connections call it), so that the unit fails
 * with it even if its body caught the rejection of the call the statement rode with. Returns it.
 */
export function markQueuedFailure<E>(error: E): E {
  if (typeof error === 'object' && error !== null) queuedFailures.add(error);
  return error;
}

/** Whether an error was raised by a queued statement rather than by the call it rode with. */
export function isQueuedFailure(error: unknown): boolean {
  return typeof error === 'object' && error !== null && queuedFailures.has(error);
}

/** Most statements a unit may queue before they must be sent (`Tx.write`): a bound on one message. */
export const QUEUED_STATEMENTS_MAX = 1024;

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

const SAVEPOINT: QueuedStatement = ['SAVEPOINT fg_unit', []];
const RELEASE_SQL = 'RELEASE SAVEPOINT fg_unit';
const ROLLBACK_TO_SAVEPOINT: readonly QueuedStatement[] = [['ROLLBACK TO SAVEPOINT fg_unit', []]];

class GroupTx implements Tx {
  readonly dialect: Dialect;
  readonly nowMs: number;
  readonly states = new Map<TxParticipant<unknown>, unknown>();
  unitAfterCommit: (() => void)[] = [];
  /** Whether units run inside savepoints (groups of more than one unit). */
  useSavepoints = false;
  /** Whether the current unit has opened its savepoint (done lazily, queued ahead of its first write). */
  savepointOpen = false;
  /** Whether the current unit's savepoint has reached the connection (rather than being still queued). */
  #savepointSent = false;
  /** The current unit's queued statements, not yet sent. */
  #queued: QueuedStatement[] = [];
  /** The first failure of a queued statement in the current unit: the unit fails with it. */
  #queuedFailure: { readonly error: unknown } | null = null;
  /** Queues sent early because they reached QUEUED_STATEMENTS_MAX, not yet answered. */
  #inFlight: Promise<unknown>[] = [];
  private readonly conn: Connection;
  constructor(conn: Connection, nowMs: number) {
    this.conn = conn;
    this.dialect = conn.dialect;
    this.nowMs = nowMs;
  }
  query<Row = Record<string, unknown>>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
    const ahead = this.#takeQueued();
    if (ahead === undefined) return this.conn.query<Row>(sql, params);
    return this.#noting(this.conn.query<Row>(sql, params, ahead));
  }
  // Async: a connection that throws while sending rejects the call rather than throwing at the caller.
  async run(sql: string, params: readonly SqlValue[] = []): Promise<number> {
    this.#openSavepoint();
    const ahead = this.#takeQueued();
    if (ahead === undefined) return this.conn.run(sql, params);
    return this.#noting(this.conn.run(sql, params, ahead));
  }
  write(sql: string, params: readonly SqlValue[] = []): void {
    this.#openSavepoint();
    if (this.#queued.length >= QUEUED_STATEMENTS_MAX) {
      // Bounded: past the limit the queue goes out in a message of its own, awaited at the
      // unit's end (a failure in it is the unit's like any other).
      const last = this.#queued.pop()!;
      const ahead = this.#takeQueued();
      this.#inFlight.push(this.#noting(this.conn.run(last[0], last[1], ahead), true).catch(() => {}));
    }
    this.#queued.push([sql, params.slice()]);
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

  /** Starts the next unit of the group. */
  startUnit(useSavepoints: boolean): void {
    this.useSavepoints = useSavepoints;
    this.savepointOpen = false;
    this.#savepointSent = false;
    this.#queued = [];
    this.#queuedFailure = null;
    this.#inFlight = [];
  }

  /** After the units, before the participants' flushes: no savepoints; a single unit's queue is kept for COMMIT. */
  endUnits(): void {
    this.useSavepoints = false;
    this.savepointOpen = false;
  }

  /**
   * Ends a unit whose body returned, in a group: its queued statements and its savepoint's
   * RELEASE go as one message. Throws the error of a queued statement that failed.
   */
  async releaseUnit(): Promise<void> {
    await this.#settled();
    if (!this.savepointOpen) return;
    await this.#noting(this.conn.run(RELEASE_SQL, [], this.#takeQueued()));
    this.#throwQueuedFailure();
  }

  /**
   * Ends a unit whose body returned, alone in its transaction. Its queued statements ride with
   * COMMIT, unless participants flush first: then they are sent now, so that a failure of theirs
   * is the unit's own and not taken for a flush's.
   */
  async endSingleUnit(): Promise<void> {
    await this.#settled();
    if (this.states.size > 0) await this.#sendQueued();
  }

  /** Sends what is queued, as one message (the last statement carrying the ones before it). */
  async #sendQueued(): Promise<void> {
    const last = this.#queued.pop();
    if (last === undefined) return;
    await this.#noting(this.conn.run(last[0], last[1], this.#takeQueued()), true);
    this.#throwQueuedFailure();
  }

  /** What is still queued, for the transaction's COMMIT (after any queue sent early has been answered). */
  async takeQueuedForCommit(): Promise<readonly QueuedStatement[] | undefined> {
    await this.#settled();
    return this.#takeQueued();
  }

  /**
   * Forgets what a failed unit queued. Returns whether its savepoint reached the connection (so
   * it must be rolled back to), rather than having been dropped with the queue.
   */
  abandonUnit(): boolean {
    this.#queued = [];
    return this.#savepointSent;
  }

  #openSavepoint(): void {
    if (this.useSavepoints && !this.savepointOpen) {
      this.#queued.push(SAVEPOINT);
      this.savepointOpen = true;
    }
  }

  #takeQueued(): readonly QueuedStatement[] | undefined {
    if (this.#queued.length === 0) return undefined;
    const queued = this.#queued;
    this.#queued = [];
    // The savepoint is always the first statement a unit queues.
    if (this.savepointOpen) this.#savepointSent = true;
    return queued;
  }

  /**
   * Remembers a queued statement's failure: the unit fails with it whatever its body does with the
   * rejection. `allQueued`: the call's own statement was queued too.
   */
  #noting<T>(sent: Promise<T>, allQueued = false): Promise<T> {
    return sent.catch((error: unknown) => {
      if ((allQueued || isQueuedFailure(error)) && this.#queuedFailure === null) this.#queuedFailure = { error };
      throw error;
    });
  }

  /** Waits for the queues sent early, then throws the first queued failure if there was one. */
  async #settled(): Promise<void> {
    if (this.#inFlight.length > 0) await Promise.all(this.#inFlight.splice(0));
    this.#throwQueuedFailure();
  }

  #throwQueuedFailure(): void {
    if (this.#queuedFailure !== null) throw this.#queuedFailure.error;
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
          tx.startUnit(false);
          try {
            const value = await unit.body(tx);
            await tx.endSingleUnit();
            results.push({ ok: true, value, afterCommit: tx.unitAfterCommit });
          } catch (error) {
            await safeRollback(conn);
            if (this.options.isRetryable(error)) return { kind: 'failed', error };
            // A single unit that failed: nothing to commit.
            return { kind: 'committed', results: [{ ok: false, error }] };
          }
          continue;
        }
        // The savepoint is opened lazily, queued ahead of the unit's first write: a unit that only
        // reads and stages (the ledger's usual case) costs no savepoint, and one that writes sends
        // it with its first statement.
        tx.startUnit(true);
        results.push(await this.#runInSavepoint(conn, tx, unit, units.indexOf(unit)));
      }
      // Flushes are no unit's own writes: outside any unit savepoint (so statements a participant
      // sends together need not open one first).
      tx.endUnits();
      try {
        for (const [p, s] of tx.states) await p.flush(tx, s);
      } catch (error) {
        throw new FlushError(error);
      }
      // A single unit's queued statements (and any a flush queued) ride with COMMIT.
      await conn.commit(await tx.takeQueuedForCommit());
      return { kind: 'committed', results };
    } catch (error) {
      await safeRollback(conn);
      return { kind: 'failed', error };
    }
  }

  /**
   * Runs one unit of a group inside its savepoint. A unit that fails is rolled back to it (its
   * participants' states restored) and reported; a failure that may have spoilt the whole
   * transaction is thrown instead.
   */
  async #runInSavepoint(
    conn: Connection,
    tx: GroupTx,
    unit: Unit,
    index: number,
  ): Promise<{ ok: true; value: unknown; afterCommit: (() => void)[] } | { ok: false; error: unknown }> {
    const snapshots = new Map<TxParticipant<unknown>, unknown>();
    for (const [p, s] of tx.states) snapshots.set(p, p.snapshot(s));
    const knownBefore = new Set(tx.states.keys());
    try {
      const value = await unit.body(tx);
      await tx.releaseUnit();
      return { ok: true, value, afterCommit: tx.unitAfterCommit };
    } catch (error) {
      if (this.options.isRetryable(error)) throw error;
      if (tx.abandonUnit()) {
        try {
          await conn.run(RELEASE_SQL, [], ROLLBACK_TO_SAVEPOINT);
        } catch {
          // The savepoint itself was never made (its statement failed, say in a transaction
          // PostgreSQL had aborted): run the group again without this unit.
          throw new PoisonedUnit(index, error);
        }
      } else if (!(error instanceof AppError)) {
        // A database error outside a savepoint may have aborted the whole transaction
        // (PostgreSQL does): run the group again without this unit.
        throw new PoisonedUnit(index, error);
      }
      for (const [p, s] of tx.states) {
        if (knownBefore.has(p)) p.restore(s, snapshots.get(p));
        else tx.states.delete(p);
      }
      return { ok: false, error };
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

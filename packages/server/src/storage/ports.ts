// The storage port every domain writes through. A backend (SQLite, PostgreSQL) implements `Store`;
// domains see only `Tx` inside a unit of work and `Reader` outside one.
//
// A unit of work is an async function whose every database write happens through its `tx`.
// Units may be coalesced by the store into one database transaction (group commit): each unit
// then runs inside its own savepoint, so a unit that throws leaves no trace while its neighbours
// commit. A unit's body must only await its `tx` (never the network, a timer or another unit):
// on SQLite the transaction holds the one writer for as long as the body runs, and on either
// backend the body may be re-run from the start if the database asks for a retry (deadlock,
// serialization failure), so it must have no effects outside `tx`.

/** Values that cross into SQL. Integers are plain safe integers; booleans are stored as 0/1. */
export type SqlValue = string | number | bigint | null | Uint8Array;

export type Dialect = 'sqlite' | 'postgres';

export interface Reader {
  readonly dialect: Dialect;
  /**
   * Runs one statement and returns its rows. Placeholders are `?` in every dialect (the
   * PostgreSQL adapter numbers them). Integer columns may arrive as string (PostgreSQL int8),
   * number or bigint: convert through `fenFromDb`/`intFromDb`, never `Number()` blindly.
   */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlValue[]): Promise<Row[]>;
}

export interface Tx extends Reader {
  /** Runs one statement and returns the number of rows it changed. */
  run(sql: string, params?: readonly SqlValue[]): Promise<number>;
  /**
   * Queues one statement whose outcome the unit does not read (an append, a projection), to be
   * sent with the unit's next `query`/`run` or with its end, in the order queued: statements
   * queued together cross to the database as one message (one hop to the SQLite writer thread, one
   * pipelined write to PostgreSQL) instead of one awaited round trip each. A queued statement that
   * fails fails its unit exactly as an awaited one would (the unit rolls back and rejects with that
   * error, even if the body caught the error of the call it rode with); a unit that throws before
   * its queue was sent leaves nothing of it. `params` is copied when queued.
   */
  write(sql: string, params?: readonly SqlValue[]): void;
  /**
   * Per-transaction state owned by one participant (for example the ledger's staged writes and
   * locked balances), created on first use. Its snapshot is taken when each unit starts and
   * restored if that unit fails, and `flush` runs once before COMMIT.
   */
  participant<S>(p: TxParticipant<S>): S;
  /** A callback run after the transaction that contains this unit has committed (for example to publish a notification). Not run if the unit rolls back. */
  afterCommit(fn: () => void): void;
  /** Milliseconds since the epoch, from the store's clock, fixed for the unit (so a re-run sees the same time). */
  readonly nowMs: number;
}

export interface TxParticipant<S> {
  readonly name: string;
  create(tx: Tx): S;
  snapshot(state: S): unknown;
  restore(state: S, snapshot: unknown): void;
  /** Writes what the state staged; runs inside the transaction, before COMMIT. */
  flush(tx: Tx, state: S): Promise<void>;
}

export interface UnitOptions {
  /** A label for logs and metrics ("ledger.transfer", "payments.markPaid"). */
  readonly label?: string;
  /**
   * Runs this unit in a database transaction of its own instead of sharing one with its
   * neighbours (for a unit that is already a batch and takes its locks in an order of its own).
   */
  readonly ownTransaction?: boolean;
}

export interface Store {
  readonly dialect: Dialect;
  /** Reads committed data (never another unit's uncommitted writes). */
  readonly reader: Reader;
  /** Runs `body` atomically: all of its writes commit together or none do. */
  unitOfWork<T>(body: (tx: Tx) => Promise<T>, options?: UnitOptions): Promise<T>;
  /**
   * Optional: loads a module next to the write connection (SQLite: in its writer thread) and
   * returns a handle to its batch handler, so callers hand it whole requests and await results
   * instead of sending each statement across. The module exports
   * `host(store: Store, options, clock: Clock): { handle(request): Promise<unknown> }`; its store
   * there shares the one write connection with this store's units of work. Absent where the
   * writer is no further than a statement away anyway (PostgreSQL, SQLite in memory).
   */
  readonly host?: (moduleUrl: string, options: HostedOptions) => HostedHandler;
  /** Applies the migrations not yet applied, in order, each in its own transaction. */
  migrate(migrations: readonly Migration[]): Promise<void>;
  close(): Promise<void>;
}

/**
 * A schema change. `sql` is run as is on both backends, so it sticks to the common subset
 * (TEXT, BIGINT, INTEGER, partial unique indexes, ON CONFLICT); `postgres`/`sqlite` override it
 * where the dialects must differ.
 */
export interface Migration {
  readonly id: string;
  readonly sql?: string;
  readonly postgres?: string;
  readonly sqlite?: string;
}

/** Structured-clonable options for a hosted module. */
export type HostedOptions = Readonly<Record<string, string | number | boolean>>;

export interface HostedHandler {
  /** Sends one request; `nowMs` is the caller's clock, which the host's units of work use. */
  call(request: unknown, nowMs: number): Promise<unknown>;
}

// The SQLite write connection in a worker thread. SQLite's commit (the WAL write and its fsync
// under `synchronous=FULL`) and every write statement run here, off the event loop: while one
// group commits, the main thread keeps answering requests and forming the next group.
//
// Two kinds of work share the one connection, one transaction at a time (a mutex):
// - the main thread's units of work, statement by statement: `[id, op, sql, params]` messages,
//   answered in order, a transaction's BEGIN riding with its first statement. A failed BEGIN
//   poisons the connection until ROLLBACK, so no statement can run outside the transaction it
//   was meant for;
// - hosted modules (`Store.host`): whole requests handed over in one message each and run here by
//   the module against a store of this thread, whose group commit coalesces every request that
//   arrived while the previous group was committing. That store also counts every transaction
//   committed on the connection, whoever ran it (`commitCount`): a hosted module that keeps rows
//   it wrote in memory knows from the count whether anyone else has committed since.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import { AppError, type Clock } from '@fairground/core';
import { type Connection, GroupCommitter, isQueuedFailure, markQueuedFailure, type QueuedStatement } from '../../storage/group-commit.ts';
import type { HostedOptions, Reader, SqlValue, Store } from '../../storage/ports.ts';
import { type Checkpointer, startCheckpointer, walBacklogReader, type WriterCheckpointOptions, WriterCheckpoints } from './checkpointer.ts';
import { claimRoomLog, defineRoomLogFence } from './log-fence.ts';

export type WriterOp = 'query' | 'run' | 'commit' | 'rollback' | 'call' | 'claim' | 'close';
/**
 * `text` is the SQL, or for `call` the hosted module's key; `payload` the parameters, `[request, nowMs]`,
 * or for `claim` the time. `ahead` (query, run, commit): the statements a unit queued, run in order
 * before the op (`Connection`): a unit's writes cross in one message. `begin` (query, run, commit):
 * the transaction opens first (BEGIN IMMEDIATE, waiting for the connection), so that a
 * transaction's BEGIN rides with its first statement instead of costing a message of its own.
 */
export type WriterRequest =
  | [id: number, op: WriterOp, text: string, payload: unknown]
  | [id: number, op: WriterOp, text: string, payload: unknown, ahead: readonly QueuedStatement[] | undefined]
  | [id: number, op: WriterOp, text: string, payload: unknown, ahead: readonly QueuedStatement[] | undefined, begin: true];
export type WriterReply = [id: number, ok: true, value: unknown] | [id: number, ok: false, error: SerializedError];

export interface SerializedError {
  readonly message: string;
  readonly code?: string;
  readonly errcode?: number;
  readonly errstr?: string;
  /** Raised by a statement the unit queued (`ahead`), not by the op it rode with. */
  readonly queued?: true;
  /** An expected failure (`AppError`): rebuilt as one on the other side. */
  readonly app?: { code: string; status: number; retryable: boolean; details?: Record<string, unknown> };
}

export interface WriterThreadOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
  readonly groupUnitsMax: number;
  readonly queueUnitsMax: number;
  /** The write connection's `wal_autocheckpoint` in pages (SQLite's default is 1,000). */
  readonly walAutocheckpointPages?: number;
  /**
   * Checkpoints by this thread between its transactions (`WriterCheckpoints`), with SQLite's
   * automatic checkpoint (`walAutocheckpointPages`) left as a backstop past them. Absent: the
   * checkpoints run in the commits.
   */
  readonly betweenTransactions?: WriterCheckpointOptions;
}

/** The key under which a hosted module's handler is kept: the module and its options. */
export function hostedKey(moduleUrl: string, options: HostedOptions): string {
  return `${moduleUrl}\n${JSON.stringify(options)}`;
}

const STATEMENT_CACHE_MAX = 512;

/** Opens a connection with the store's pragmas. */
export function openSqlite(path: string, busyTimeoutMs: number): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  // Savepoints' and statements' sub-journals in memory: by default SQLite moves a sub-journal past
  // 64 KiB to a temporary file, a system call per page, and a group of hand ends (each unit in its
  // savepoint, upserting rows across many leaves) passes it (`bench/storage/subjournal.ts`). It
  // holds pages of the open transaction only and serves only its rollbacks: durability is the WAL's.
  db.exec('PRAGMA temp_store = MEMORY');
  defineRoomLogFence(db);
  return db;
}

/** One connection on the thread that runs it, with a bounded cache of prepared statements. */
export class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const;
  readonly #statements = new Map<string, StatementSync>();
  readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }
  prepare(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_MAX) this.#statements.clear();
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
  /** Runs a unit's queued statements in order; the first failure is thrown, marked as a queued one. */
  runAhead(ahead: readonly QueuedStatement[] | undefined): void {
    if (ahead === undefined) return;
    for (const [sql, params] of ahead) {
      try {
        this.prepare(sql).run(...(params as SqlValue[]));
      } catch (e) {
        throw markQueuedFailure(e);
      }
    }
  }
  async query<Row>(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<Row[]> {
    this.runAhead(ahead);
    return this.prepare(sql).all(...(params as SqlValue[])) as Row[];
  }
  async run(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<number> {
    this.runAhead(ahead);
    return Number(this.prepare(sql).run(...(params as SqlValue[])).changes);
  }
  async begin(): Promise<void> {
    // IMMEDIATE takes the write lock up front: a deferred BEGIN that reads then writes can fail
    // with SQLITE_BUSY at once, ignoring busy_timeout.
    this.db.exec('BEGIN IMMEDIATE');
  }
  async commit(ahead?: readonly QueuedStatement[]): Promise<void> {
    this.runAhead(ahead);
    this.db.exec('COMMIT');
  }
  async rollback(): Promise<void> {
    if (this.db.isTransaction) this.db.exec('ROLLBACK');
  }
}

export function serializeError(e: unknown): SerializedError {
  if (e instanceof AppError) {
    return {
      message: e.message,
      app: {
        code: e.code,
        status: e.status,
        retryable: e.retryable,
        ...(e.details ? { details: { ...e.details } } : {}),
      },
    };
  }
  const x = e as { message?: unknown; code?: unknown; errcode?: unknown; errstr?: unknown };
  return {
    message: String(x?.message ?? e),
    ...(isQueuedFailure(e) ? { queued: true as const } : {}),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(typeof x?.errcode === 'number' ? { errcode: x.errcode } : {}),
    ...(typeof x?.errstr === 'string' ? { errstr: x.errstr } : {}),
  };
}

export function deserializeError(e: SerializedError): Error {
  if (e.app) {
    const { code, status, retryable, details } = e.app;
    return new AppError({ code, domain: 'hosted', status, retryable, message: e.message }, details, e.message);
  }
  const { queued, ...fields } = e;
  const error = Object.assign(new Error(e.message), fields);
  return queued ? markQueuedFailure(error) : error;
}

/** One transaction at a time on the connection, whoever runs it. */
class Mutex {
  #held = false;
  readonly #waiters: (() => void)[] = [];
  async lock(): Promise<void> {
    if (!this.#held) {
      this.#held = true;
      return;
    }
    await new Promise<void>((resolve) => this.#waiters.push(resolve));
  }
  unlock(): void {
    const next = this.#waiters.shift();
    if (next) next();
    else this.#held = false;
  }
  /** Whether a transaction holds the connection or waits for it. */
  get busy(): boolean {
    return this.#held;
  }
}

interface HostedModule {
  host(store: Store, options: HostedOptions, clock: Clock): { handle(request: unknown): Promise<unknown> };
}

/** The connection's one transaction at a time, and how many transactions it has committed. */
interface Shared {
  readonly conn: SqliteConnection;
  readonly mutex: Mutex;
  /** Transactions committed on this connection, by the main thread's units and by hosted ones. */
  commits: number;
  /** This thread's checkpoints between transactions, when they are on. */
  readonly between: WriterCheckpoints | null;
}

/** Counts one commit on the shared connection. */
function committed(shared: Shared): void {
  shared.commits += 1;
  shared.between?.committed();
}

/** The connection as hosted work sees it: each transaction holds the mutex from BEGIN to its end. */
function localConnection(shared: Shared): Connection {
  const { conn, mutex } = shared;
  let held = false;
  return {
    dialect: 'sqlite',
    query: (sql, params, ahead) => conn.query(sql, params, ahead),
    run: (sql, params, ahead) => conn.run(sql, params, ahead),
    async begin() {
      await mutex.lock();
      held = true;
      try {
        await conn.begin();
      } catch (e) {
        held = false;
        mutex.unlock();
        throw e;
      }
    },
    async commit(ahead) {
      await conn.commit(ahead);
      committed(shared);
      held = false;
      mutex.unlock();
    },
    async rollback() {
      try {
        await conn.rollback();
      } finally {
        if (held) {
          held = false;
          mutex.unlock();
        }
      }
    },
  };
}

/** The store as hosted modules see it: see the module comment for `commitCount`. */
type HostedStore = Store & {
  commitCount(): number;
  /**
   * Runs one statement on the connection at once, without a message or a promise: for a hosted
   * unit's own writes inside the transaction it holds (the ledger's flush), never outside one.
   */
  runLocal(sql: string, params: readonly SqlValue[]): number;
};

/**
 * The store hosted modules run against in this thread: units of work group-committed on the
 * shared connection, reads on a connection of their own (opened on first use).
 */
function hostedStore(
  shared: Shared,
  options: WriterThreadOptions,
  clock: Clock,
): { store: HostedStore; committer: GroupCommitter; closeReader(): void } {
  const committer = new GroupCommitter([localConnection(shared)], {
    clock,
    groupUnitsMax: options.groupUnitsMax,
    queueUnitsMax: options.queueUnitsMax,
    retriesMax: 5,
    isRetryable: (e) => {
      const code = (e as { errcode?: number })?.errcode;
      return code === 5 || code === 6;
    },
  });
  let readDb: SqliteConnection | null = null;
  const reader: Reader = {
    dialect: 'sqlite',
    query: <Row>(sql: string, params: readonly SqlValue[] = []) => {
      readDb ??= new SqliteConnection(openSqlite(options.path, options.busyTimeoutMs));
      return readDb.query<Row>(sql, params);
    },
  };
  const store: HostedStore = {
    dialect: 'sqlite',
    reader,
    commitCount: () => shared.commits,
    runLocal: (sql, params) => Number(shared.conn.prepare(sql).run(...(params as SqlValue[])).changes),
    unitOfWork: (body, unitOptions) => committer.enqueue(body, unitOptions),
    migrate: async () => {
      throw new Error('migrations run on the main thread');
    },
    close: async () => {},
  };
  return { store, committer, closeReader: () => readDb?.db.close() };
}

/** Hosted modules' handlers, loaded once per module and options. */
function hostedHandlers(store: Store, clock: Clock): (key: string) => Promise<{ handle(request: unknown): Promise<unknown> }> {
  const hosted = new Map<string, Promise<{ handle(request: unknown): Promise<unknown> }>>();
  return (key) => {
    let h = hosted.get(key);
    if (!h) {
      const cut = key.indexOf('\n');
      const moduleUrl = key.slice(0, cut);
      const hostedOptions = JSON.parse(key.slice(cut + 1)) as HostedOptions;
      h = (import(moduleUrl) as Promise<HostedModule>).then((m) => m.host(store, hostedOptions, clock));
      hosted.set(key, h);
    }
    return h;
  };
}

/**
 * The main thread's transactions: statements are taken in order, one at a time, each waiting
 * for the connection when it opens a transaction.
 */
class RemoteTransactions {
  readonly #shared: Shared;
  readonly #reply: (r: WriterReply) => void;
  readonly #queue: WriterRequest[] = [];
  #running = false;
  #held = false;
  #poisoned: SerializedError | null = null;

  constructor(shared: Shared, reply: (r: WriterReply) => void) {
    this.#shared = shared;
    this.#reply = reply;
  }

  push(msg: WriterRequest): void {
    this.#queue.push(msg);
    if (!this.#running) void this.#run();
  }

  async #run(): Promise<void> {
    this.#running = true;
    for (let msg = this.#queue.shift(); msg !== undefined; msg = this.#queue.shift()) {
      try {
        const value = await this.#one(msg);
        if (value !== undefined) this.#reply([msg[0], true, value.result]);
      } catch (e) {
        this.#reply([msg[0], false, serializeError(e)]);
      }
    }
    this.#running = false;
  }

  /** Opens the transaction: waits for the connection, then BEGIN. A failed BEGIN poisons it until ROLLBACK. */
  async #begin(): Promise<void> {
    await this.#shared.mutex.lock();
    this.#held = true;
    try {
      this.#shared.conn.db.exec('BEGIN IMMEDIATE');
    } catch (e) {
      this.#poisoned = serializeError(e);
      throw e;
    }
  }

  /** Runs one statement; undefined when its answer has been sent already (a poisoned connection's). */
  async #one([id, op, sql, payload, ahead, begin]: WriterRequest): Promise<{ result: unknown } | undefined> {
    const { conn, mutex } = this.#shared;
    // The op fails with BEGIN's error, as the first statement after a poisoning BEGIN would.
    if (begin === true && (op === 'query' || op === 'run' || op === 'commit')) await this.#begin();
    if (op === 'rollback') {
      this.#poisoned = null;
      if (this.#held) {
        this.#held = false;
        try {
          if (conn.db.isTransaction) conn.db.exec('ROLLBACK');
        } finally {
          mutex.unlock();
        }
      }
      return { result: null };
    }
    if (this.#poisoned) {
      this.#reply([id, false, this.#poisoned]);
      return undefined;
    }
    if (op === 'query') {
      conn.runAhead(ahead);
      return { result: conn.prepare(sql).all(...(payload as SqlValue[])) };
    }
    if (op === 'run') {
      conn.runAhead(ahead);
      return { result: Number(conn.prepare(sql).run(...(payload as SqlValue[])).changes) };
    }
    if (op === 'commit') {
      // A queued statement that fails leaves the transaction open; the main thread rolls it back.
      conn.runAhead(ahead);
      conn.db.exec('COMMIT');
      committed(this.#shared);
      this.#held = false;
      mutex.unlock();
      return { result: null };
    }
    return undefined;
  }
}

/**
 * The writer's checkpoints between its transactions (`checkpointer.ts`), or null (checkpoints in
 * the commits, SQLite's own) when they are off or the WAL's index cannot be read.
 */
function betweenTransactions(options: WriterThreadOptions, conn: SqliteConnection, mutex: Mutex): WriterCheckpoints | null {
  const pacing = options.betweenTransactions;
  if (!pacing) return null;
  const wal = walBacklogReader(options.path);
  if (!wal) return null;
  const passive = conn.prepare('PRAGMA wal_checkpoint(PASSIVE)');
  // With `beside`, a checkpoint thread that runs one PASSIVE checkpoint each time it is asked,
  // started at the first request: a store that never fills `idlePages` of WAL never starts it.
  const helper = pacing.beside ? lazyHelper(options) : null;
  return new WriterCheckpoints(pacing, {
    backlog: () => wal.read(),
    frames: () => wal.frames,
    ...(helper ? { helper } : {}),
    checkpoint: () => {
      // Closing got the connection first: its close checkpoints the WAL anyway.
      if (!conn.db.isOpen) return;
      try {
        passive.get();
      } catch (e) {
        // SQLITE_BUSY (another process's checkpoint): a later commit asks again.
        if ((e as { errcode?: number }).errcode !== 5) console.error('sqlite checkpoint failed', e);
      }
    },
    busy: () => mutex.busy,
    lock: () => mutex.lock(),
    unlock: () => mutex.unlock(),
    defer: (fn) => setImmediate(fn),
    close: async () => {
      wal.close();
      await helper?.close();
    },
  });
}

/** The `beside` checkpoint thread, started when first asked for a checkpoint. */
function lazyHelper(options: WriterThreadOptions): { idle(): boolean; request(): void; close(): Promise<void> } {
  let thread: Checkpointer | null = null;
  return {
    idle: () => thread?.idle() ?? true,
    request() {
      thread ??= startCheckpointer({
        path: options.path,
        busyTimeoutMs: options.busyTimeoutMs,
      });
      thread.request();
    },
    close: async () => {
      await thread?.close();
    },
  };
}

/** SQLite's automatic checkpoint, behind the writer's own: at this many times their `maxPages`. */
const BACKSTOP_FACTOR = 2;

/** How the connection checkpoints: the writer between its transactions, or SQLite in the commits. */
function checkpointing(options: WriterThreadOptions, conn: SqliteConnection, mutex: Mutex): WriterCheckpoints | null {
  const between = betweenTransactions(options, conn, mutex);
  // With checkpoints between transactions SQLite's own stays as a backstop, far past them (it
  // runs only if theirs cannot keep up); without the WAL's index, SQLite's own as configured.
  const walAutocheckpointPages = between ? BACKSTOP_FACTOR * between.maxPages : options.walAutocheckpointPages;
  if (walAutocheckpointPages !== undefined) conn.db.exec(`PRAGMA wal_autocheckpoint = ${Math.trunc(walAutocheckpointPages)}`);
  return between;
}

function serve(options: WriterThreadOptions): void {
  const port = parentPort;
  if (!port) throw new Error('writer-thread.ts runs as a worker thread');
  const conn = new SqliteConnection(openSqlite(options.path, options.busyTimeoutMs));
  const mutex = new Mutex();
  const between = checkpointing(options, conn, mutex);
  const shared: Shared = { conn, mutex, commits: 0, between };
  // The main thread's clock, as of its latest hosted request: hosted units of work run on it.
  let callerNowMs = Date.now();
  const clock: Clock = { nowMs: () => callerNowMs };
  const { store, committer, closeReader } = hostedStore(shared, options, clock);
  const handlerFor = hostedHandlers(store, clock);
  const reply = (r: WriterReply) => port.postMessage(r);
  const remote = new RemoteTransactions(shared, reply);

  port.on('message', (msg: WriterRequest) => {
    const [id, op, text, payload] = msg;
    if (op === 'call') {
      const [request, nowMs] = payload as [unknown, number];
      callerNowMs = nowMs;
      handlerFor(text)
        .then((h) => h.handle(request))
        .then(
          (value) => reply([id, true, value]),
          (e) => reply([id, false, serializeError(e)]),
        );
      return;
    }
    if (op === 'claim') {
      // Between transactions: the claim and its fold are a transaction of their own.
      void shared.mutex.lock().then(() => {
        try {
          claimRoomLog(shared.conn.db, payload as number);
          committed(shared);
          reply([id, true, null]);
        } catch (e) {
          reply([id, false, serializeError(e)]);
        } finally {
          shared.mutex.unlock();
        }
      });
      return;
    }
    if (op === 'close') {
      void committer.close().then(async () => {
        await shared.mutex.lock();
        if (shared.conn.db.isTransaction) shared.conn.db.exec('ROLLBACK');
        await between?.close();
        conn.db.close();
        closeReader();
        reply([id, true, null]);
        port.close();
      });
      return;
    }
    remote.push(msg);
  });
}

if (parentPort && (workerData as { fairgroundSqliteWriter?: WriterThreadOptions } | undefined)?.fairgroundSqliteWriter) {
  serve((workerData as { fairgroundSqliteWriter: WriterThreadOptions }).fairgroundSqliteWriter);
}

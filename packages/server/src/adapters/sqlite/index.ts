// SQLite backend on Node's built-in `node:sqlite` (no native addon). One writer connection runs
// the group-committed units (`BEGIN IMMEDIATE`, WAL, `synchronous=FULL`: every commit is fsynced);
// a second connection serves reads, so a reader never sees a group's uncommitted writes.
//
// For a database file the writer connection lives in a worker thread (`writer-thread.ts`): the
// units' bodies still run here, on the event loop, and send their statements to it; the commit's
// fsync happens there. If that thread dies (killed, out of memory), the units it was running fail
// (nothing of theirs was acknowledged, and SQLite rolls back whatever did not commit) and the next
// unit starts a new one. `:memory:` keeps the writer on this thread (a memory database cannot be
// shared between connections).
//
// The WAL's checkpoints run off the commits by default (`writerCheckpoints: { beside: true }`,
// `checkpointer.ts`): a helper thread copies the WAL's bulk while the writer goes on, and the writer
// copies only the tail between two transactions so that the WAL starts over. `writerCheckpoints:
// false` keeps SQLite's automatic checkpoint in the commits (PASSIVE, once a commit leaves 1,000
// frames in the WAL, before that COMMIT returns). Measured in `bench/README.md` (the ledger's
// eighth pass).
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';
import { AppError, type Clock, systemClock } from '@fairground/core';
import { type Connection, GroupCommitter, type QueuedStatement, StoreErrors } from '../../storage/group-commit.ts';
import type { WriterCheckpointOptions } from './checkpointer.ts';
import { claimRoomLog } from './log-fence.ts';
import type { HostedHandler, HostedOptions, Migration, Reader, SqlValue, Store, Tx, UnitOptions } from '../../storage/ports.ts';
import {
  deserializeError,
  hostedKey,
  openSqlite,
  SqliteConnection,
  type WriterOp,
  type WriterReply,
  type WriterRequest,
  type WriterThreadOptions,
} from './writer-thread.ts';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' (then reads share the writer connection, which is fine for one process). */
  readonly path: string;
  readonly clock?: Clock;
  readonly groupUnitsMax?: number;
  readonly queueUnitsMax?: number;
  /** How long a writer waits for another process's lock before failing, in ms. */
  readonly busyTimeoutMs?: number;
  /** Whether the writer connection runs in a worker thread (default: yes, for a file). */
  readonly writerThread?: boolean;
  /** The writer thread's `wal_autocheckpoint`, in pages (SQLite's default 1,000): checkpoints in the commits at that threshold. */
  readonly walAutocheckpointPages?: number;
  /**
   * The writer thread checkpoints the WAL itself between its transactions, after a commit's answers
   * are posted, instead of inside the COMMIT that crosses SQLite's threshold (`WriterCheckpoints`
   * in `checkpointer.ts`): once `idlePages` frames wait to be copied and no transaction waits, or
   * past `maxPages` between the next two transactions whatever waits. Ignored with
   * `walAutocheckpointPages` (checkpoints in the commits at that threshold).
   * Default: `{ beside: true }`; `false` for SQLite's own checkpoint in the commits. On an idle
   * machine, three alternations of the ledger's rounds bench: 74–80 % of the bare loop at 8
   * callers and 89–101 % at 64 with it, 66–70 % and 80–86 % without; p99 at 64 callers 12.7–14.4
   * against 13.8–15.4 ms (`bench/README.md`, the ledger's eighth pass). The helper thread starts
   * at the first checkpoint it is asked for, so a store that writes little never starts it.
   */
  readonly writerCheckpoints?:
    | boolean
    | {
        readonly idlePages?: number;
        readonly maxPages?: number;
        /** The bulk of the copying in a helper thread, the writer copying the tail past `restartPages` (`WriterCheckpointOptions.beside`). */
        readonly beside?: boolean | { readonly restartPages?: number };
      };
}

const WRITER_KEY = Symbol('fairground.sqlite.reader');

/**
 * The young generation of the writer thread's V8 heap, in MB. The thread's allocations (statements
 * and rows passing through, the hosted modules' batches) are short-lived; by default its young
 * generation grows to tens of MB and stays resident (72 MB against 18 MB for a thread that churns
 * small objects), whatever flags the process was started with.
 */
export const WRITER_YOUNG_GENERATION_MB = 6;
const writerThreads = new WeakMap<DatabaseSync, ThreadConnection>();

/**
 * The writer thread of a store made by `createSqliteStore` (tests: to kill it mid-batch), or
 * undefined when its writer runs on this thread.
 */
export function sqliteWriterThread(
  store: Store,
): { kill(): Promise<void>; beforeSend: ((op: WriterOp) => void) | null; readonly messagesSent: number } | undefined {
  const db = (store as { readonly [WRITER_KEY]?: DatabaseSync })[WRITER_KEY];
  return db ? writerThreads.get(db) : undefined;
}

/**
 * The write connection in a worker thread; statements are messages, answers come back in order. A
 * unit's queued statements (`Tx.write`) ride in the message of the call they precede.
 */
class ThreadConnection implements Connection {
  readonly dialect = 'sqlite' as const;
  readonly #options: WriterThreadOptions;
  #worker: Worker | null = null;
  #nextId = 1;
  #closing = false;
  readonly #waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: unknown) => void }>();
  /** Called with each operation just before it is sent (tests use it to kill the thread mid-batch). */
  beforeSend: ((op: WriterOp) => void) | null = null;
  /** Messages posted to the thread so far (requests only; the bench reports them per action). */
  messagesSent = 0;
  /** BEGIN is owed: it rides with the transaction's first statement (or its COMMIT). */
  #beginOwed = false;
  /** Set once the store has claimed the room log: the clock of the claims. */
  #claimNowMs: (() => number) | null = null;
  constructor(options: WriterThreadOptions) {
    this.#options = options;
  }

  #start(): Worker {
    const worker = new Worker(new URL('./writer-thread.ts', import.meta.url), {
      workerData: { fairgroundSqliteWriter: this.#options },
      resourceLimits: { maxYoungGenerationSizeMb: WRITER_YOUNG_GENERATION_MB },
    });
    worker.on('message', (reply: WriterReply) => {
      const w = this.#waiting.get(reply[0]);
      if (!w) return;
      this.#waiting.delete(reply[0]);
      // Closing, the thread is awaited until it exits.
      if (this.#waiting.size === 0 && !this.#closing) worker.unref();
      if (reply[1]) w.resolve(reply[2]);
      else w.reject(deserializeError(reply[2]));
    });
    worker.on('error', (e) => console.error('sqlite writer thread failed', e));
    worker.on('exit', () => {
      if (this.#worker === worker) this.#worker = null;
      // Whatever was in flight is lost with the thread: its transaction never committed (or
      // committed without being acknowledged, which an idempotent retry answers as a replay).
      const error = new AppError(StoreErrors.STORE_BUSY, { reason: 'sqlite writer thread exited' });
      for (const w of this.#waiting.values()) w.reject(error);
      this.#waiting.clear();
    });
    // The thread keeps the process alive only while an answer is awaited; idle, it lets it exit.
    worker.unref();
    this.#worker = worker;
    // Id 0 is never awaited: if this claim fails, the log refuses this thread's appends.
    if (this.#claimNowMs !== null) worker.postMessage([0, 'claim', '', this.#claimNowMs()] satisfies WriterRequest);
    return worker;
  }

  #send<T>(op: WriterOp, sql: string, params: unknown, ahead?: readonly QueuedStatement[]): Promise<T> {
    this.beforeSend?.(op);
    const worker = this.#worker ?? this.#start();
    const id = this.#nextId;
    this.#nextId = id >= Number.MAX_SAFE_INTEGER ? 1 : id + 1;
    return new Promise<T>((resolve, reject) => {
      if (this.#waiting.size === 0) worker.ref();
      this.#waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      const begin = this.#beginOwed && (op === 'query' || op === 'run' || op === 'commit');
      try {
        this.messagesSent += 1;
        const request: WriterRequest = begin
          ? [id, op, sql, params, ahead, true]
          : ahead === undefined
            ? [id, op, sql, params]
            : [id, op, sql, params, ahead];
        worker.postMessage(request);
        if (begin) this.#beginOwed = false;
      } catch (e) {
        // Not clonable (a function or symbol in a request): nothing was sent, BEGIN is still owed.
        this.#waiting.delete(id);
        if (this.#waiting.size === 0 && !this.#closing) worker.unref();
        reject(e);
      }
    });
  }

  query<Row>(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<Row[]> {
    return this.#send<Row[]>('query', sql, params, ahead);
  }
  run(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<number> {
    return this.#send<number>('run', sql, params, ahead);
  }
  async begin(): Promise<void> {
    // Not sent alone: BEGIN rides with the transaction's first statement, which fails with its
    // error if it fails (SQLITE_BUSY is then retried by the group committer).
    this.#beginOwed = true;
  }
  async commit(ahead?: readonly QueuedStatement[]): Promise<void> {
    await this.#send('commit', '', [], ahead);
  }
  async rollback(): Promise<void> {
    // A transaction that never sent a statement never began on the thread.
    if (this.#beginOwed) {
      this.#beginOwed = false;
      return;
    }
    if (this.#worker) await this.#send('rollback', '', []);
  }
  /**
   * Makes the thread's connection the room log's writer (`claimRoomLog`). A thread started after
   * this one died claims again before anything else it runs: its connection is a new one.
   */
  async claimRoomLog(nowMs: () => number): Promise<void> {
    this.#claimNowMs = nowMs;
    await this.#send('claim', '', nowMs());
  }
  /** A hosted module's request, run in the thread (see `Store.host`). */
  call(key: string, request: unknown, nowMs: number): Promise<unknown> {
    return this.#send('call', key, [request, nowMs]);
  }
  async close(): Promise<void> {
    const worker = this.#worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    this.#closing = true;
    await this.#send('close', '', []).catch(() => {});
    await exited;
  }
  /** Ends the thread at once, as a crash would (tests). */
  async kill(): Promise<void> {
    await this.#worker?.terminate();
  }
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const memory = options.path === ':memory:';
  const threaded = !memory && (options.writerThread ?? true);
  // The reader is opened first: it creates the file and switches it to WAL before the writer
  // thread opens it.
  const readerDb = openSqlite(options.path, busyTimeoutMs);
  const readConn = new SqliteConnection(readerDb);
  const writerDb = threaded ? null : memory ? readerDb : openSqlite(options.path, busyTimeoutMs);
  const groupUnitsMax = options.groupUnitsMax ?? 256;
  const queueUnitsMax = options.queueUnitsMax ?? 100_000;
  const writer: Connection = writerDb
    ? memory
      ? readConn
      : new SqliteConnection(writerDb)
    : new ThreadConnection({
        path: options.path,
        busyTimeoutMs,
        groupUnitsMax,
        queueUnitsMax,
        ...checkpointing(options),
      });
  const committer = new GroupCommitter([writer], {
    clock,
    groupUnitsMax,
    queueUnitsMax,
    retriesMax: 5,
    isRetryable: isRetryableSqlite,
  });
  if (writer instanceof ThreadConnection) writerThreads.set(readerDb, writer);
  const reader: Reader = {
    dialect: 'sqlite',
    query: <Row>(sql: string, params: readonly SqlValue[] = []) => readConn.query<Row>(sql, params),
  };
  const store: Store & { readonly [WRITER_KEY]?: DatabaseSync } = {
    [WRITER_KEY]: readerDb,
    dialect: 'sqlite',
    reader,
    unitOfWork<T>(body: (tx: Tx) => Promise<T>, unitOptions?: UnitOptions): Promise<T> {
      return committer.enqueue(body, unitOptions);
    },
    ...(writer instanceof ThreadConnection
      ? {
          host(moduleUrl: string, hostedOptions: HostedOptions): HostedHandler {
            const key = hostedKey(moduleUrl, hostedOptions);
            return { call: (request, nowMs) => writer.call(key, request, nowMs) };
          },
        }
      : {}),
    async migrate(migrations: readonly Migration[]): Promise<void> {
      // On this thread, through the writer connection when it lives here and through the read
      // connection otherwise (SQLite's file lock orders it with the writer thread's transactions).
      migrateSqlite(writerDb ?? readerDb, migrations, clock);
      // The connection that writes claims the room log (and folds what a previous writer left
      // unfolded): from now on only it appends to the log (`log-fence.ts`).
      if (writer instanceof ThreadConnection) await writer.claimRoomLog(() => clock.nowMs());
      else claimRoomLog(writerDb ?? readerDb, clock.nowMs());
    },
    async close(): Promise<void> {
      await committer.close();
      if (writer instanceof ThreadConnection) await writer.close();
      if (writerDb && writerDb !== readerDb) writerDb.close();
      readerDb.close();
    },
  };
  return store;
}

/** The writer thread's checkpointing options: in the commits (SQLite's, at a threshold) or between transactions. */
function checkpointing(options: SqliteStoreOptions): Pick<WriterThreadOptions, 'walAutocheckpointPages' | 'betweenTransactions'> {
  const betweenTransactions =
    options.walAutocheckpointPages !== undefined
      ? undefined
      : writerCheckpointOptions(options.writerCheckpoints ?? DEFAULT_WRITER_CHECKPOINTS);
  return {
    ...(options.walAutocheckpointPages === undefined ? {} : { walAutocheckpointPages: options.walAutocheckpointPages }),
    ...(betweenTransactions ? { betweenTransactions } : {}),
  };
}

/** The writer's checkpoints between its transactions: off, or their thresholds. */
function writerCheckpointOptions(o: SqliteStoreOptions['writerCheckpoints']): WriterCheckpointOptions | undefined {
  if (!o) return undefined;
  const given = o === true ? {} : o;
  const idlePages = given.idlePages ?? WRITER_CHECKPOINT_IDLE_PAGES;
  const maxPages = given.maxPages ?? Math.max(idlePages, WRITER_CHECKPOINT_MAX_PAGES);
  if (!given.beside) return { idlePages, maxPages };
  // The WAL starts over at `maxPages` unless told otherwise (4,000 frames by default).
  const restartPages = (given.beside === true ? undefined : given.beside.restartPages) ?? maxPages;
  return { idlePages, maxPages: Math.max(maxPages, restartPages), beside: { restartPages } };
}

/** Checkpoints by default: between the writer's transactions, the bulk in the helper thread. */
const DEFAULT_WRITER_CHECKPOINTS = { beside: true } as const;

/** SQLite's own threshold (its default `wal_autocheckpoint`), checked after every commit. */
const WRITER_CHECKPOINT_IDLE_PAGES = 1_000;
/** 4,000 pages of 4 KB: past about 16 MB of WAL not yet copied, a checkpoint waits for no idle moment. */
const WRITER_CHECKPOINT_MAX_PAGES = 4_000;

/** SQLITE_BUSY (5) and SQLITE_LOCKED (6): another process held the lock past busy_timeout; the group runs again. */
function isRetryableSqlite(e: unknown): boolean {
  const code = (e as { errcode?: number })?.errcode;
  return code === 5 || code === 6;
}

/** Applies the migrations not yet applied, each in its own immediate transaction. */
function migrateSqlite(db: DatabaseSync, migrations: readonly Migration[], clock: Clock): void {
  db.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
  for (const m of migrations) {
    const done = db.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id);
    if (done) continue;
    const sql = m.sqlite ?? m.sql;
    if (sql === undefined) throw new Error(`migration ${m.id} has no SQL for sqlite`);
    db.exec('BEGIN IMMEDIATE');
    try {
      db.exec(sql);
      db.prepare('INSERT INTO schema_migrations (id, applied_at_ms) VALUES (?, ?)').run(m.id, clock.nowMs());
      db.exec('COMMIT');
    } catch (e) {
      db.exec('ROLLBACK');
      throw new Error(`migration ${m.id} failed: ${(e as Error).message}`);
    }
  }
}

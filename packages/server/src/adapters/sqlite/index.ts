// SQLite backend on Node's built-in `node:sqlite` (no native addon). One writer connection runs
// the group-committed units (`BEGIN IMMEDIATE`, WAL, `synchronous=FULL`: every commit is fsynced);
// a second connection serves reads, so a reader never sees a group's uncommitted writes.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { type Clock, systemClock } from '@fairground/core';
import { type Connection, GroupCommitter } from '../../storage/group-commit.ts';
import type { Migration, Reader, SqlValue, Store, Tx, UnitOptions } from '../../storage/ports.ts';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' (then reads share the writer connection, which is fine for one process). */
  readonly path: string;
  readonly clock?: Clock;
  readonly groupUnitsMax?: number;
  readonly queueUnitsMax?: number;
  /** How long a writer waits for another process's lock before failing, in ms. */
  readonly busyTimeoutMs?: number;
}

const STATEMENT_CACHE_MAX = 512;

class SqliteConnection implements Connection {
  readonly dialect = 'sqlite' as const;
  readonly #statements = new Map<string, StatementSync>();
  readonly db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.db = db;
  }

  #prepare(sql: string): StatementSync {
    let stmt = this.#statements.get(sql);
    if (!stmt) {
      stmt = this.db.prepare(sql);
      if (this.#statements.size >= STATEMENT_CACHE_MAX) this.#statements.clear();
      this.#statements.set(sql, stmt);
    }
    return stmt;
  }
  async query<Row>(sql: string, params: readonly SqlValue[]): Promise<Row[]> {
    return this.#prepare(sql).all(...(params as SqlValue[])) as Row[];
  }
  async run(sql: string, params: readonly SqlValue[]): Promise<number> {
    return Number(this.#prepare(sql).run(...(params as SqlValue[])).changes);
  }
  async begin(): Promise<void> {
    // IMMEDIATE takes the write lock up front: a deferred BEGIN that reads then writes can fail
    // with SQLITE_BUSY at once, ignoring busy_timeout.
    this.db.exec('BEGIN IMMEDIATE');
  }
  async commit(): Promise<void> {
    this.db.exec('COMMIT');
  }
  async rollback(): Promise<void> {
    if (this.db.isTransaction) this.db.exec('ROLLBACK');
  }
}

function open(path: string, busyTimeoutMs: number): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

export function createSqliteStore(options: SqliteStoreOptions): Store {
  const clock = options.clock ?? systemClock;
  const busyTimeoutMs = options.busyTimeoutMs ?? 5000;
  const writerDb = open(options.path, busyTimeoutMs);
  const writer = new SqliteConnection(writerDb);
  const readerDb = options.path === ':memory:' ? writerDb : open(options.path, busyTimeoutMs);
  const readConn = options.path === ':memory:' ? writer : new SqliteConnection(readerDb);
  const committer = new GroupCommitter([writer], {
    clock,
    groupUnitsMax: options.groupUnitsMax ?? 256,
    queueUnitsMax: options.queueUnitsMax ?? 100_000,
    retriesMax: 5,
    isRetryable: (e) => {
      const code = (e as { errcode?: number })?.errcode;
      // SQLITE_BUSY (5) and SQLITE_LOCKED (6): another process holds the lock past busy_timeout.
      return code === 5 || code === 6;
    },
  });
  const reader: Reader = {
    dialect: 'sqlite',
    query: <Row>(sql: string, params: readonly SqlValue[] = []) => readConn.query<Row>(sql, params),
  };
  return {
    dialect: 'sqlite',
    reader,
    unitOfWork<T>(body: (tx: Tx) => Promise<T>, unitOptions?: UnitOptions): Promise<T> {
      return committer.enqueue(body, unitOptions);
    },
    async migrate(migrations: readonly Migration[]): Promise<void> {
      writerDb.exec('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
      for (const m of migrations) {
        const done = writerDb.prepare('SELECT 1 FROM schema_migrations WHERE id = ?').get(m.id);
        if (done) continue;
        const sql = m.sqlite ?? m.sql;
        if (sql === undefined) throw new Error(`migration ${m.id} has no SQL for sqlite`);
        writerDb.exec('BEGIN IMMEDIATE');
        try {
          writerDb.exec(sql);
          writerDb.prepare('INSERT INTO schema_migrations (id, applied_at_ms) VALUES (?, ?)').run(m.id, clock.nowMs());
          writerDb.exec('COMMIT');
        } catch (e) {
          writerDb.exec('ROLLBACK');
          throw new Error(`migration ${m.id} failed: ${(e as Error).message}`);
        }
      }
    },
    async close(): Promise<void> {
      await committer.close();
      if (readerDb !== writerDb) readerDb.close();
      writerDb.close();
    },
  };
}

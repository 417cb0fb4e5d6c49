// The SQLite write connection in a worker thread. SQLite's commit (the WAL write and its fsync
// under `synchronous=FULL`) and every write statement run here, off the event loop: while one
// group commits, the main thread keeps answering requests and forming the next group.
//
// Protocol: the main thread posts `[id, op, sql, params]`; the worker answers `[id, ok, value]`
// in the same order. A failed BEGIN poisons the connection until ROLLBACK, so the main thread
// may send BEGIN without waiting for its answer and no statement can run outside the transaction
// it was meant for.
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { parentPort, workerData } from 'node:worker_threads';
import type { SqlValue } from '../../storage/ports.ts';

export type WriterOp = 'query' | 'run' | 'begin' | 'commit' | 'rollback' | 'exec' | 'close';
export type WriterRequest = [id: number, op: WriterOp, sql: string, params: readonly SqlValue[]];
export type WriterReply = [id: number, ok: true, value: unknown] | [id: number, ok: false, error: SerializedError];

export interface SerializedError {
  readonly message: string;
  readonly code?: string;
  readonly errcode?: number;
  readonly errstr?: string;
}

export interface WriterThreadOptions {
  readonly path: string;
  readonly busyTimeoutMs: number;
}

const STATEMENT_CACHE_MAX = 512;

/** Opens a connection with the store's pragmas (also used on the main thread for reads). */
export function openSqlite(path: string, busyTimeoutMs: number): DatabaseSync {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new DatabaseSync(path);
  db.exec(`PRAGMA busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
  if (path !== ':memory:') db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA synchronous = FULL');
  db.exec('PRAGMA foreign_keys = ON');
  return db;
}

function serialize(e: unknown): SerializedError {
  const x = e as { message?: unknown; code?: unknown; errcode?: unknown; errstr?: unknown };
  return {
    message: String(x?.message ?? e),
    ...(typeof x?.code === 'string' ? { code: x.code } : {}),
    ...(typeof x?.errcode === 'number' ? { errcode: x.errcode } : {}),
    ...(typeof x?.errstr === 'string' ? { errstr: x.errstr } : {}),
  };
}

function serve(options: WriterThreadOptions): void {
  const port = parentPort;
  if (!port) throw new Error('writer-thread.ts runs as a worker thread');
  const db = openSqlite(options.path, options.busyTimeoutMs);
  const statements = new Map<string, StatementSync>();
  const prepare = (sql: string): StatementSync => {
    let stmt = statements.get(sql);
    if (!stmt) {
      stmt = db.prepare(sql);
      if (statements.size >= STATEMENT_CACHE_MAX) statements.clear();
      statements.set(sql, stmt);
    }
    return stmt;
  };
  let poisoned: SerializedError | null = null;
  port.on('message', (msg: WriterRequest) => {
    const [id, op, sql, params] = msg;
    let reply: WriterReply;
    try {
      if (poisoned && op !== 'rollback' && op !== 'close') {
        reply = [id, false, poisoned];
      } else {
        switch (op) {
          case 'query':
            reply = [id, true, prepare(sql).all(...(params as SqlValue[]))];
            break;
          case 'run':
            reply = [id, true, Number(prepare(sql).run(...(params as SqlValue[])).changes)];
            break;
          case 'begin':
            // IMMEDIATE takes the write lock up front: a deferred BEGIN that reads then writes can
            // fail with SQLITE_BUSY at once, ignoring busy_timeout.
            try {
              db.exec('BEGIN IMMEDIATE');
            } catch (e) {
              poisoned = serialize(e);
              throw e;
            }
            reply = [id, true, null];
            break;
          case 'commit':
            db.exec('COMMIT');
            reply = [id, true, null];
            break;
          case 'rollback':
            poisoned = null;
            if (db.isTransaction) db.exec('ROLLBACK');
            reply = [id, true, null];
            break;
          case 'exec':
            db.exec(sql);
            reply = [id, true, null];
            break;
          case 'close':
            if (db.isTransaction) db.exec('ROLLBACK');
            db.close();
            port.postMessage([id, true, null] satisfies WriterReply);
            port.close();
            return;
        }
      }
    } catch (e) {
      reply = [id, false, serialize(e)];
    }
    port.postMessage(reply);
  });
}

if (parentPort && (workerData as { fairgroundSqliteWriter?: WriterThreadOptions } | undefined)?.fairgroundSqliteWriter) {
  serve((workerData as { fairgroundSqliteWriter: WriterThreadOptions }).fairgroundSqliteWriter);
}

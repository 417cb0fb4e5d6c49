// PostgreSQL backend on `pg`. Writer connections run group-committed units; a pool serves reads.
// Every ledger unit locks the ledger's chain-head row first and then account rows (see
// ledger/store-sql.ts), so writers in any number of processes cannot deadlock on ledger rows;
// a deadlock or serialization failure that still happens (say between two domains' own rows)
// rolls the group back and runs it again, a bounded number of times.
import { type Clock, systemClock } from '@fairground/core';
import pg from 'pg';
import { type Connection, FlushError, GroupCommitter, markQueuedFailure, type QueuedStatement } from '../../storage/group-commit.ts';
import type { Migration, Reader, SqlValue, Store, Tx, UnitOptions } from '../../storage/ports.ts';
import { numberPlaceholders } from '../../storage/sql.ts';

export interface PostgresStoreOptions {
  readonly url: string;
  /** A schema to use (created if missing); default `public`. */
  readonly schema?: string;
  readonly clock?: Clock;
  /** Writer connections, each running its own groups. */
  readonly writers?: number;
  readonly readPoolMax?: number;
  readonly groupUnitsMax?: number;
  readonly queueUnitsMax?: number;
  readonly statementTimeoutMs?: number;
}

const SQL_CACHE_MAX = 1024;
const sqlCache = new Map<string, string>();
function pgSql(sql: string): string {
  let out = sqlCache.get(sql);
  if (out === undefined) {
    out = numberPlaceholders(sql);
    if (sqlCache.size >= SQL_CACHE_MAX) sqlCache.clear();
    sqlCache.set(sql, out);
  }
  return out;
}

// Writer connections run named (prepared) statements: PostgreSQL parses and plans each text once
// per connection instead of on every call. The names are bounded; texts beyond the bound (one-off
// statements whose text varies) run unnamed, as before.
const PREPARED_MAX = 256;
const preparedNames = new Map<string, string>();
function writerQuery(sql: string, params: readonly SqlValue[]): pg.QueryConfig {
  const text = pgSql(sql);
  const values = params.map(toPgParam);
  if (params.length === 0) return { text, values };
  let name = preparedNames.get(text);
  if (name === undefined && preparedNames.size < PREPARED_MAX) {
    name = `fg_${preparedNames.size}`;
    preparedNames.set(text, name);
  }
  return name === undefined ? { text, values } : { name, text, values };
}

function toPgParam(v: SqlValue): unknown {
  return typeof v === 'bigint' ? v.toString() : v instanceof Uint8Array ? Buffer.from(v) : v;
}

/**
 * A writer connection in pipeline mode: statements a unit sends without awaiting each other go out
 * together and are answered in order, one round trip for all of them (the ledger's head lock and
 * its prefetches). BEGIN rides in front of the unit's first statement instead of costing a round
 * trip of its own, and a unit's queued statements (`Tx.write`) go out in the same write as the
 * statement (or COMMIT) they precede.
 */
class PgConnection implements Connection {
  readonly dialect = 'postgres' as const;
  readonly client: pg.Client;
  /** The BEGIN sent ahead of this transaction's statements, until they have seen its answer. */
  #begun: Promise<unknown> | null = null;
  constructor(client: pg.Client) {
    this.client = client;
  }
  /**
   * Answers arrive in the order sent, so by the time a statement's answer is here BEGIN's is too.
   * Should BEGIN have failed, the statement is failed with its error, and COMMIT is never sent. (A
   * BEGIN fails with the connection still open only inside an aborted transaction, where the
   * statements behind it fail as well; the group committer rolls back after every failure, so no
   * transaction is left open to begin with.)
   */
  async #afterBegin(): Promise<void> {
    const begun = this.#begun;
    if (begun) await begun;
  }
  /**
   * Sends a unit's queued statements (pipelined, none awaited before the next is sent). The promise
   * settles once all are answered, rejecting with the first failure in order, marked as a queued
   * one: after it PostgreSQL has aborted the transaction, so nothing behind it applies.
   */
  #sendAhead(ahead: readonly QueuedStatement[] | undefined): Promise<void> | null {
    if (ahead === undefined || ahead.length === 0) return null;
    const sent = ahead.map(([sql, params]) => this.client.query(writerQuery(sql, params)));
    // Each is observed below; none may become an unhandled rejection on its own.
    for (const s of sent) s.catch(() => {});
    return (async () => {
      for (const s of sent) {
        try {
          await s;
        } catch (e) {
          throw markQueuedFailure(e);
        }
      }
    })();
  }
  /** Sends the queued statements and then the call's own, and answers with the first failure in order. */
  async #behind<R>(ahead: readonly QueuedStatement[] | undefined, send: () => Promise<R>): Promise<R> {
    const before = this.#sendAhead(ahead);
    const own = send();
    if (before !== null) {
      own.catch(() => {});
      await before;
    }
    return own;
  }
  async query<Row>(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<Row[]> {
    const r = await this.#behind(ahead, () => this.client.query(writerQuery(sql, params)));
    await this.#afterBegin();
    return r.rows as Row[];
  }
  async run(sql: string, params: readonly SqlValue[], ahead?: readonly QueuedStatement[]): Promise<number> {
    const r = await this.#behind(ahead, () => this.client.query(writerQuery(sql, params)));
    await this.#afterBegin();
    return r.rowCount ?? 0;
  }
  async begin(): Promise<void> {
    const begun = this.client.query('BEGIN');
    // Observed by the statements and the COMMIT behind it; never an unhandled rejection on its own.
    begun.catch(() => {});
    this.#begun = begun;
  }
  async commit(ahead?: readonly QueuedStatement[]): Promise<void> {
    await this.#afterBegin();
    this.#begun = null;
    // COMMIT may follow the queued statements in the same write: should one of them fail, the
    // transaction is aborted and PostgreSQL answers that COMMIT with a rollback.
    await this.#behind(ahead, () => this.client.query('COMMIT'));
  }
  async rollback(): Promise<void> {
    this.#begun = null;
    await this.client.query('ROLLBACK');
  }
}

const SCHEMA_PATTERN = /^[a-z_][a-z0-9_]{0,62}$/;

/** SQLSTATEs after which running the same transaction again can succeed. */
function isRetryablePg(e: unknown): boolean {
  const err = e instanceof FlushError ? e.cause : e;
  const code = (err as { code?: string })?.code;
  if (code === '40001' || code === '40P01') return true;
  // A unique violation while flushing ledger rows means another process committed the same
  // idempotency key first; running the group again finds that row and replays its result.
  return e instanceof FlushError && code === '23505';
}

export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const schema = options.schema ?? 'public';
  if (!SCHEMA_PATTERN.test(schema)) throw new Error(`invalid schema name ${schema}`);
  const connOptions = {
    connectionString: options.url,
    options: `-c search_path=${schema} -c statement_timeout=${options.statementTimeoutMs ?? 30_000}`,
  };
  if (schema !== 'public') await createSchema(options.url, schema);
  const writers = await connectWriters(connOptions, options.writers ?? 1);
  const pool = new pg.Pool({ ...connOptions, max: options.readPoolMax ?? 4 });
  pool.on('error', (e) => console.error('postgres pool error', e));
  const committer = new GroupCommitter(writers, {
    clock,
    groupUnitsMax: options.groupUnitsMax ?? 256,
    queueUnitsMax: options.queueUnitsMax ?? 100_000,
    retriesMax: 8,
    isRetryable: isRetryablePg,
  });
  const reader: Reader = {
    dialect: 'postgres',
    async query<Row>(sql: string, params: readonly SqlValue[] = []): Promise<Row[]> {
      const r = await pool.query(pgSql(sql), params.map(toPgParam));
      return r.rows as Row[];
    },
  };
  return {
    dialect: 'postgres',
    reader,
    unitOfWork<T>(body: (tx: Tx) => Promise<T>, unitOptions?: UnitOptions): Promise<T> {
      return committer.enqueue(body, unitOptions);
    },
    migrate(migrations: readonly Migration[]): Promise<void> {
      return migratePostgres(writers[0]!.client, migrations, clock);
    },
    async close(): Promise<void> {
      await committer.close();
      await Promise.all(writers.map((w) => w.client.end()));
      await pool.end();
    },
  };
}

/** Creates a store's own schema (tests and side-by-side deployments) before anything connects to it. */
async function createSchema(url: string, schema: string): Promise<void> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
  } finally {
    await admin.end();
  }
}

/** Opens the pipelined writer connections the group committer spreads units over. */
async function connectWriters(connOptions: { connectionString: string; options: string }, count: number): Promise<PgConnection[]> {
  const writers: PgConnection[] = [];
  for (let i = 0; i < count; i += 1) {
    const client = new pg.Client({ ...connOptions, pipeline: true });
    await client.connect();
    client.on('error', (e) => console.error('postgres writer connection error', e));
    writers.push(new PgConnection(client));
  }
  return writers;
}

/** Applies the migrations not yet applied, each in its own transaction, one process at a time. */
async function migratePostgres(client: pg.Client, migrations: readonly Migration[], clock: Clock): Promise<void> {
  await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (id TEXT PRIMARY KEY, applied_at_ms BIGINT NOT NULL)');
  // One process migrates at a time; the others wait here and then find nothing to do.
  await client.query('SELECT pg_advisory_lock(hashtext(current_schema() || $1))', ['fairground_migrations']);
  try {
    for (const m of migrations) {
      const done = await client.query('SELECT 1 FROM schema_migrations WHERE id = $1', [m.id]);
      if (done.rowCount) continue;
      const sql = m.postgres ?? m.sql;
      if (sql === undefined) throw new Error(`migration ${m.id} has no SQL for postgres`);
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('INSERT INTO schema_migrations (id, applied_at_ms) VALUES ($1, $2)', [m.id, clock.nowMs()]);
        await client.query('COMMIT');
      } catch (e) {
        await client.query('ROLLBACK');
        throw new Error(`migration ${m.id} failed: ${(e as Error).message}`);
      }
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock(hashtext(current_schema() || $1))', ['fairground_migrations']);
  }
}

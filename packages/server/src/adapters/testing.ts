// Test support: every storage-touching test runs on both backends.
// PostgreSQL is never optional: if it does not answer, the tests fail loudly.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Clock } from '@fairground/core';
import pg from 'pg';
import { createPostgresStore } from './postgres/index.ts';
import { createSqliteStore } from './sqlite/index.ts';
import type { Store } from '../storage/ports.ts';

export interface TestBackend {
  readonly name: 'sqlite' | 'postgres';
  open(options?: { clock?: Clock; writers?: number; groupUnitsMax?: number }): Promise<Store>;
}

export const TEST_PG_URL = process.env.FAIRGROUND_TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** A fresh file-backed SQLite store (WAL, fsync on) in a temp folder, removed on close. */
export const sqliteBackend: TestBackend = {
  name: 'sqlite',
  async open(options = {}) {
    const dir = mkdtempSync(join(tmpdir(), 'fg-sqlite-'));
    const store = createSqliteStore({
      path: join(dir, 'test.db'),
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.groupUnitsMax ? { groupUnitsMax: options.groupUnitsMax } : {}),
    });
    return {
      ...store,
      async close() {
        await store.close();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  },
};

/** A PostgreSQL store in a schema of its own, dropped on close. */
export const postgresBackend: TestBackend = {
  name: 'postgres',
  async open(options = {}) {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const store = await createPostgresStore({
      url: TEST_PG_URL,
      schema,
      ...(options.clock ? { clock: options.clock } : {}),
      ...(options.writers ? { writers: options.writers } : {}),
      ...(options.groupUnitsMax ? { groupUnitsMax: options.groupUnitsMax } : {}),
    });
    return {
      ...store,
      async close() {
        await store.close();
        await dropSchema(schema);
      },
    };
  },
};

export async function dropSchema(schema: string): Promise<void> {
  const client = new pg.Client({ connectionString: TEST_PG_URL });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  } finally {
    await client.end();
  }
}

export function backends(): TestBackend[] {
  return [sqliteBackend, postgresBackend];
}

// Picks the backend from a database URL: absent or `sqlite:<path>` → embedded SQLite;
// `postgres://…` or `postgresql://…` → PostgreSQL.
import type { Clock } from '@fairground/core';
import { createPostgresStore } from './postgres/index.ts';
import { createSqliteStore } from './sqlite/index.ts';
import type { Store } from '../storage/ports.ts';

export interface OpenStoreOptions {
  readonly clock?: Clock;
  /** SQLite file used when no URL is given. */
  readonly defaultSqlitePath?: string;
  readonly pgSchema?: string;
  readonly pgWriters?: number;
}

export async function openStore(databaseUrl: string | undefined, options: OpenStoreOptions = {}): Promise<Store> {
  const url = databaseUrl?.trim() || undefined;
  if (url === undefined) return createSqliteStore({ path: options.defaultSqlitePath ?? '.data/fairground.db', ...clockOf(options) });
  if (url.startsWith('sqlite:')) return createSqliteStore({ path: url.slice('sqlite:'.length) || ':memory:', ...clockOf(options) });
  if (/^postgres(ql)?:\/\//.test(url)) {
    return createPostgresStore({
      url,
      ...clockOf(options),
      ...(options.pgSchema ? { schema: options.pgSchema } : {}),
      ...(options.pgWriters ? { writers: options.pgWriters } : {}),
    });
  }
  throw new Error(`DATABASE_URL must start with sqlite: or postgres://, got ${url.slice(0, 20)}…`);
}

function clockOf(o: OpenStoreOptions): { clock?: Clock } {
  return o.clock ? { clock: o.clock } : {};
}

// The SQLite writer thread's messages: a transaction's BEGIN rides with its first statement (or its
// COMMIT) instead of crossing alone, a unit that fails before sending anything costs no message at
// all, and a BEGIN or a first statement that fails fails its unit and leaves the connection free.
// And the connection's sub-journals (savepoints, statements) stay in memory.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, it } from 'node:test';
import { AppError, CoreErrors, isAppError } from '@fairground/core';
import { createSqliteStore, sqliteWriterThread } from '../../src/adapters/sqlite/index.ts';
import { openSqlite } from '../../src/adapters/sqlite/writer-thread.ts';
import type { Store } from '../../src/storage/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-writer-begin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const migrations = [{ id: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE)' }];

async function opened(name: string, busyTimeoutMs?: number): Promise<{ store: Store; messages: () => number; path: string }> {
  const path = join(dir, name);
  const store = createSqliteStore({ path, ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }) });
  await store.migrate(migrations);
  const thread = sqliteWriterThread(store);
  assert.ok(thread, 'the store has a writer thread');
  return { store, messages: () => thread.messagesSent, path };
}

async function keys(store: Store): Promise<string[]> {
  return (await store.reader.query<{ k: string }>('SELECT k FROM rows ORDER BY k')).map((r) => r.k);
}

it('sends BEGIN with the first statement: a unit alone costs its statement and its COMMIT', async () => {
  const { store, messages } = await opened('messages.db');
  try {
    let before = messages();
    await store.unitOfWork(async (tx) => {
      await tx.run('INSERT INTO rows (k) VALUES (?)', ['a']);
    });
    assert.equal(messages() - before, 2, 'the INSERT (with BEGIN) and COMMIT');
    before = messages();
    await store.unitOfWork(async (tx) => {
      tx.write('INSERT INTO rows (k) VALUES (?)', ['b']);
    });
    assert.equal(messages() - before, 1, 'a unit that only queues: COMMIT carries BEGIN and its statement');
    assert.deepEqual(await keys(store), ['a', 'b']);
  } finally {
    await store.close();
  }
});

it('sends nothing for a unit that fails before its first statement', async () => {
  const { store, messages } = await opened('nothing.db');
  try {
    const before = messages();
    await assert.rejects(
      store.unitOfWork(async () => {
        throw new AppError(CoreErrors.INTERNAL, { reason: 'the unit changed its mind' });
      }),
      (e) => isAppError(e) && e.code === 'INTERNAL',
    );
    assert.equal(messages() - before, 0);
    await store.unitOfWork(async (tx) => {
      await tx.run('INSERT INTO rows (k) VALUES (?)', ['after']);
    });
    assert.deepEqual(await keys(store), ['after']);
  } finally {
    await store.close();
  }
});

it('fails a unit whose first statement fails, and the next unit commits', async () => {
  const { store } = await opened('failing.db');
  try {
    await store.unitOfWork(async (tx) => {
      await tx.run('INSERT INTO rows (k) VALUES (?)', ['taken']);
    });
    await assert.rejects(
      store.unitOfWork(async (tx) => {
        await tx.run('INSERT INTO rows (k) VALUES (?)', ['taken']);
      }),
      (e) => (e as { errcode?: number }).errcode === 2067,
      'the unique key refuses the row',
    );
    await assert.rejects(
      store.unitOfWork(async (tx) => {
        tx.write('INSERT INTO rows (k) VALUES (?)', ['queued']);
        tx.write('INSERT INTO rows (k) VALUES (?)', ['taken']);
      }),
      (e) => (e as { errcode?: number }).errcode === 2067,
      'a queued statement riding with COMMIT and BEGIN fails its unit',
    );
    await store.unitOfWork(async (tx) => {
      await tx.run('INSERT INTO rows (k) VALUES (?)', ['next']);
    });
    assert.deepEqual(await keys(store), ['next', 'taken'], 'nothing of the failed units');
  } finally {
    await store.close();
  }
});

it('fails the unit when BEGIN cannot take the write lock, and carries on once it is free', async () => {
  const { store, path } = await opened('busy.db', 50);
  const other = new DatabaseSync(path);
  try {
    other.exec('PRAGMA busy_timeout = 0');
    other.exec('BEGIN IMMEDIATE');
    await assert.rejects(
      store.unitOfWork(async (tx) => {
        await tx.run('INSERT INTO rows (k) VALUES (?)', ['blocked']);
      }),
      (e) => isAppError(e) && e.code === 'STORE_BUSY',
    );
    other.exec('ROLLBACK');
    await store.unitOfWork(async (tx) => {
      await tx.run('INSERT INTO rows (k) VALUES (?)', ['free']);
    });
    assert.deepEqual(await keys(store), ['free']);
  } finally {
    if (other.isTransaction) other.exec('ROLLBACK');
    other.close();
    await store.close();
  }
});

it('keeps the sub-journals of savepoints and statements in memory, and a rolled-back savepoint leaves nothing', async () => {
  const { store, path } = await opened('subjournal.db');
  const db = openSqlite(path, 1_000);
  try {
    assert.deepEqual({ ...db.prepare('PRAGMA temp_store').get() }, { temp_store: 2 }, 'MEMORY');
    // Units in one group, each in its savepoint, one of them large enough to pass 64 KiB of
    // sub-journal, and its neighbour failing: the failed unit's rows roll back, the others commit.
    const big = Array.from({ length: 400 }, (_, i) => `big-${String(i).padStart(4, '0')}`.padEnd(600, '.'));
    const outcomes = await Promise.allSettled([
      store.unitOfWork(async (tx) => {
        for (const k of big) tx.write('INSERT INTO rows (k) VALUES (?)', [k]);
      }),
      store.unitOfWork(async (tx) => {
        for (const k of big) tx.write('INSERT INTO rows (k) VALUES (?)', [`x${k}`]);
        await tx.run('INSERT INTO rows (k) VALUES (?)', [big[0] as string]);
      }),
      store.unitOfWork(async (tx) => {
        await tx.run('INSERT INTO rows (k) VALUES (?)', ['small']);
      }),
    ]);
    assert.deepEqual(
      outcomes.map((o) => o.status),
      ['fulfilled', 'rejected', 'fulfilled'],
    );
    assert.deepEqual(await keys(store), [...big, 'small']);
  } finally {
    db.close();
    await store.close();
  }
});

// SQLite's checkpoints in a thread of their own (`adapters/sqlite/checkpointer.ts`): the WAL stays
// bounded under a long write load, a reader that holds an old snapshot cannot make it grow past the
// hard maximum for longer than the busy timeout, and a store opened after the writer thread was
// killed with a large WAL in place reads every acknowledged row.
import assert from 'node:assert/strict';
import { copyFileSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, it } from 'node:test';
import { createSqliteStore, sqliteWriterThread } from '../../src/adapters/sqlite/index.ts';
import type { Store } from '../../src/storage/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-ckpt-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const PAGE = 4096;
const migrations = [{ id: 'rows', sql: 'CREATE TABLE rows (id INTEGER PRIMARY KEY, k TEXT NOT NULL UNIQUE, body TEXT NOT NULL)' }];

function walPages(path: string): number {
  return (statSync(`${path}-wal`, { throwIfNoEntry: false })?.size ?? 0) / PAGE;
}

/**
 * `units` units of work of `perUnit` rows each, 16 in flight; returns the keys acknowledged. With
 * `stop`, each caller stops once it says so or at its first failed unit, instead of throwing.
 */
async function write(
  store: Store,
  prefix: string,
  units: number,
  perUnit: number,
  onAck?: (n: number) => void,
  stop?: () => boolean,
): Promise<string[]> {
  const acked: string[] = [];
  let next = 0;
  async function caller(): Promise<void> {
    for (let u = next++; u < units && !stop?.(); u = next++) {
      const keys = Array.from({ length: perUnit }, (_, i) => `${prefix}-${u}-${i}`);
      try {
        await store.unitOfWork(async (tx) => {
          for (const k of keys) await tx.run('INSERT INTO rows (k, body) VALUES (?, ?)', [k, k.padEnd(400, '.')]);
        });
      } catch (e) {
        if (stop) return;
        throw e;
      }
      acked.push(...keys);
      onAck?.(acked.length);
    }
  }
  await Promise.all(Array.from({ length: 16 }, caller));
  return acked;
}

it('keeps the WAL bounded under a long write load', async () => {
  const path = join(dir, 'bounded.db');
  const restartPages = 600;
  const store = createSqliteStore({ path, checkpointThread: { everyCommits: 4, restartPages } });
  await store.migrate(migrations);
  let maxPages = 0;
  // 3,000 units of 8 rows of 400 bytes: about 2,500 pages of rows and their index, several times
  // the bound.
  await write(store, 'b', 3000, 8, () => {
    maxPages = Math.max(maxPages, walPages(path));
  });
  const n = (await store.reader.query<{ n: number }>('SELECT count(*) AS n FROM rows'))[0]?.n;
  assert.equal(n, 24_000);
  // The file is the WAL's high-water mark; past the bound by at most what commits wrote while the
  // blocking checkpoint waited for its turn.
  assert.ok(maxPages <= restartPages + 200, `WAL reached ${maxPages} pages`);
  await store.close();
});

it('bounds the WAL even while a reader holds an old snapshot, within the busy timeout', async () => {
  const path = join(dir, 'reader.db');
  const restartPages = 400;
  const store = createSqliteStore({ path, busyTimeoutMs: 300, checkpointThread: { everyCommits: 2, restartPages } });
  await store.migrate(migrations);
  await write(store, 'r0', 50, 8);
  const reader = new DatabaseSync(path);
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM rows').get();
  // The snapshot stops every checkpoint at its frames: the WAL grows while it is held.
  const during = write(store, 'r1', 1500, 8);
  await new Promise((resolve) => setTimeout(resolve, 400));
  reader.exec('COMMIT');
  reader.close();
  await during;
  await write(store, 'r2', 600, 8);
  const n = (await store.reader.query<{ n: number }>('SELECT count(*) AS n FROM rows'))[0]?.n;
  assert.equal(n, (50 + 1500 + 600) * 8);
  // Once the reader let go, the WAL started over: the last load's frames fit under the bound.
  const log = (await store.reader.query<{ log: number }>('PRAGMA wal_checkpoint(PASSIVE)'))[0]?.log ?? Infinity;
  assert.ok(log <= restartPages + 200, `WAL holds ${log} frames after the reader let go`);
  await store.close();
});

it('recovers every acknowledged row from a large WAL after the writer thread is killed', async () => {
  const path = join(dir, 'crash.db');
  // A bound far above this load, so the WAL is large when the thread dies.
  const store = createSqliteStore({ path, checkpointThread: { everyCommits: 1_000_000, restartPages: 1_000_000 } });
  await store.migrate(migrations);
  const thread = sqliteWriterThread(store);
  assert.ok(thread);
  let killed: Promise<void> | null = null;
  let walAtCrash = 0;
  const acked = await write(
    store,
    'c',
    800,
    8,
    (n) => {
      if (n >= 4000 && !killed) {
        walAtCrash = walPages(path);
        killed = thread.kill();
      }
    },
    () => killed !== null,
  );
  await killed;
  assert.ok(walAtCrash > 500, `the WAL holds ${walAtCrash} pages at the crash`);
  // The database and its WAL as a crash leaves them, without the shared-memory index: opening
  // the copy rebuilds the index from the WAL (SQLite's recovery).
  const copy = join(dir, 'crash-copy.db');
  copyFileSync(path, copy);
  copyFileSync(`${path}-wal`, `${copy}-wal`);
  await store.close();
  const fresh = new DatabaseSync(copy);
  const present = new Set((fresh.prepare('SELECT k FROM rows').all() as { k: string }[]).map((r) => r.k));
  const lost = acked.filter((k) => !present.has(k));
  assert.deepEqual(lost, []);
  assert.ok(acked.length >= 4000);
  assert.equal(fresh.prepare('PRAGMA integrity_check').get()?.integrity_check, 'ok');
  fresh.close();
});

// The shared multi-row INSERT: its texts in each dialect's placeholders, how it cuts a batch into
// statements, and the rows it queues landing whole (an upsert that sums, a conflict left alone) on
// both backends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from '../adapters/testing.ts';
import { MultiRowInsert } from './multi-row.ts';
import type { Dialect, SqlValue, Tx } from './ports.ts';

/** A unit of work that only records what is queued on it. */
function recordingTx(dialect: Dialect): { tx: Tx; writes: { sql: string; params: readonly SqlValue[] }[] } {
  const writes: { sql: string; params: readonly SqlValue[] }[] = [];
  const tx = {
    dialect,
    nowMs: 0,
    write(sql: string, params: readonly SqlValue[] = []) {
      writes.push({ sql, params: params.slice() });
    },
  } as unknown as Tx;
  return { tx, writes };
}

const upsert = new MultiRowInsert({
  head: 'INSERT INTO mr_points (player_id, day, won)',
  columns: 3,
  tail: 'ON CONFLICT (player_id, day) DO UPDATE SET won = mr_points.won + excluded.won',
  maxRows: 4,
});

describe('a multi-row insert', () => {
  it('numbers PostgreSQL placeholders and leaves SQLite’s as ?, the same text each time', () => {
    assert.equal(
      upsert.text('sqlite', 2),
      'INSERT INTO mr_points (player_id, day, won) VALUES (?, ?, ?), (?, ?, ?) ON CONFLICT (player_id, day) DO UPDATE SET won = mr_points.won + excluded.won',
    );
    assert.equal(
      upsert.text('postgres', 2),
      'INSERT INTO mr_points (player_id, day, won) VALUES ($1, $2, $3), ($4, $5, $6) ON CONFLICT (player_id, day) DO UPDATE SET won = mr_points.won + excluded.won',
    );
    assert.equal(upsert.text('postgres', 2), upsert.text('postgres', 2));
    const byDialect = new MultiRowInsert({ head: { sqlite: 'INSERT INTO a (x)', postgres: 'INSERT INTO b (x)' }, columns: 1, maxRows: 2 });
    assert.equal(byDialect.text('sqlite', 1), 'INSERT INTO a (x) VALUES (?)');
    assert.equal(byDialect.text('postgres', 1), 'INSERT INTO b (x) VALUES ($1)');
  });

  it('fills statements of maxRows and one of the rest, every parameter once and in order; nothing for no rows', () => {
    for (const dialect of ['sqlite', 'postgres'] as const)
      for (let rows = 0; rows <= 13; rows += 1) {
        const { tx, writes } = recordingTx(dialect);
        const params = Array.from({ length: rows * 3 }, (_, i) => i);
        upsert.write(tx, params);
        const sizes = writes.map((w) => w.params.length / 3);
        const expected = [...Array.from({ length: Math.floor(rows / 4) }, () => 4), ...(rows % 4 ? [rows % 4] : [])];
        assert.deepEqual(sizes, expected, `${rows} rows`);
        for (const w of writes) assert.equal(w.sql, upsert.text(dialect, w.params.length / 3));
        assert.deepEqual(
          writes.flatMap((w) => w.params),
          params,
        );
      }
  });

  it('cuts in powers of two, largest first, when asked', () => {
    const powers = new MultiRowInsert({ head: 'INSERT INTO t (a, b)', columns: 2, maxRows: 8, cut: 'powers' });
    const { tx, writes } = recordingTx('sqlite');
    powers.write(
      tx,
      Array.from({ length: 27 * 2 }, (_, i) => i),
    );
    assert.deepEqual(
      writes.map((w) => w.params.length / 2),
      [8, 8, 8, 2, 1],
    );
  });

  it('refuses parameters that are not whole rows, and limits it cannot keep', () => {
    assert.throws(() => upsert.write(recordingTx('sqlite').tx, [1, 2]));
    assert.throws(() => new MultiRowInsert({ head: 'INSERT INTO t (a)', columns: 1, maxRows: 40_000 }));
    assert.throws(() => new MultiRowInsert({ head: 'INSERT INTO t (a)', columns: 1, maxRows: 6, cut: 'powers' }));
  });

  for (const backend of backends()) {
    it(`lands every row on ${backend.name}: an upsert that sums repeated keys across statements, a conflict left alone`, async () => {
      const store = await backend.open();
      try {
        await store.migrate([
          {
            id: 'mr_points',
            sql: 'CREATE TABLE mr_points (player_id TEXT NOT NULL, day TEXT NOT NULL, won INTEGER NOT NULL, PRIMARY KEY (player_id, day))',
          },
          { id: 'mr_seen', sql: 'CREATE TABLE mr_seen (id TEXT PRIMARY KEY, n INTEGER NOT NULL)' },
        ]);
        const seen = new MultiRowInsert({
          head: 'INSERT INTO mr_seen (id, n)',
          columns: 2,
          tail: 'ON CONFLICT (id) DO NOTHING',
          maxRows: 3,
        });
        await store.unitOfWork(async (tx) => {
          // Ten players in statements of 4, 4 and 2; then the same ten again in a second batch.
          const batch = Array.from({ length: 10 }, (_, i) => [`p${i}`, 'd1', i + 1]).flat();
          upsert.write(tx, batch);
          upsert.write(tx, batch);
          seen.write(tx, ['a', 1, 'b', 2]);
        });
        await store.unitOfWork(async (tx) => {
          seen.write(tx, ['a', 9, 'c', 3, 'd', 4, 'e', 5]);
        });
        const points = await store.reader.query<{ player_id: string; won: unknown }>('SELECT player_id, won FROM mr_points ORDER BY won');
        assert.deepEqual(
          points.map((r) => [r.player_id, Number(r.won)]),
          Array.from({ length: 10 }, (_, i) => [`p${i}`, 2 * (i + 1)]),
        );
        const rows = await store.reader.query<{ id: string; n: unknown }>('SELECT id, n FROM mr_seen ORDER BY id');
        assert.deepEqual(
          rows.map((r) => [r.id, Number(r.n)]),
          [
            ['a', 1],
            ['b', 2],
            ['c', 3],
            ['d', 4],
            ['e', 5],
          ],
        );
      } finally {
        await store.close();
      }
    });
  }
});

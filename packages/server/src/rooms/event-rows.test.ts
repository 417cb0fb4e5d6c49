// The log's multi-row INSERTs come in a few sizes that repeat, so the database prepares a handful of
// statements once instead of one per batch size, and every row still lands once, in order.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { backends } from '../adapters/testing.ts';
import { allMigrations } from '../app.ts';
import type { SqlValue, Tx } from '../storage/ports.ts';
import { EVENT_PARAMS, insertEventParams, insertEventRows, roomLogSource } from './event-rows.ts';
import type { RoomEvent } from './state.ts';

/** A unit of work that only records what is queued on it. */
function recordingTx(): { tx: Tx; writes: { sql: string; params: readonly SqlValue[] }[] } {
  const writes: { sql: string; params: readonly SqlValue[] }[] = [];
  const tx = {
    dialect: 'sqlite',
    nowMs: 0,
    write(sql: string, params: readonly SqlValue[] = []) {
      writes.push({ sql, params: params.slice() });
    },
  } as unknown as Tx;
  return { tx, writes };
}

const rowsOf = (sql: string) => sql.split('(?, ?, ?, ?, ?)').length - 1;

const action = (seq: number): RoomEvent =>
  ({
    kind: 'hand_action',
    action: { type: 'call', seat: 1, toStakePoints: 2 },
    auto: false,
    seq,
    atMs: 1_000 + seq,
  }) as unknown as RoomEvent;

describe('the event log’s INSERT statements', () => {
  it('cuts every batch into power-of-two statements, largest first, so that 9 texts serve batches of 1 to 700 rows', async () => {
    const texts = new Set<string>();
    for (let rows = 1; rows <= 700; rows += 1) {
      const { tx, writes } = recordingTx();
      const params = Array.from({ length: rows * EVENT_PARAMS }, (_, i) => i);
      await insertEventParams(tx, params);
      const sizes = writes.map((w) => rowsOf(w.sql));
      assert.deepEqual(
        sizes,
        [...sizes].sort((a, b) => b - a),
        `${rows} rows: largest statements first`,
      );
      for (const s of sizes) assert.ok(s <= 256 && (s & (s - 1)) === 0, `${rows} rows: a statement of ${s} rows`);
      assert.deepEqual(
        writes.flatMap((w) => w.params),
        params,
        `${rows} rows: every parameter once, in order`,
      );
      for (const w of writes) texts.add(w.sql);
    }
    assert.equal(texts.size, 9);
  });

  it('refuses parameters that are not whole rows', () => {
    const { tx } = recordingTx();
    assert.throws(() => insertEventParams(tx, [1, 2, 3]));
  });

  for (const backend of backends()) {
    it(`appends a batch of 27 rows of three rooms whole and in order on ${backend.name}`, async () => {
      const store = await backend.open();
      try {
        await store.migrate(allMigrations);
        const rows = [1, 2, 3].flatMap((r) => Array.from({ length: 9 }, (_, i) => ({ roomId: `rm_${r}`, event: action(i + 1) })));
        await store.unitOfWork((tx) => insertEventRows(tx, rows));
        for (const r of [1, 2, 3]) {
          const got = await store.reader.query<{ seq: unknown }>(
            `SELECT seq FROM ${roomLogSource(store.dialect)} WHERE room_id = ? ORDER BY seq`,
            [`rm_${r}`],
          );
          assert.deepEqual(
            got.map((x) => Number(x.seq)),
            [1, 2, 3, 4, 5, 6, 7, 8, 9],
          );
        }
      } finally {
        await store.close();
      }
    });
  }
});

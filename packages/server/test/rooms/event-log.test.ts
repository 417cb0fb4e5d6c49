// The room event log in append order (issue #24): on SQLite rows are appended to an index-free hot
// table and folded into the keyed `room_events` later; the log still refuses a seq a room has
// logged, refuses a writer that another has superseded, and loses nothing when the writer dies
// between append and fold. The seq fence runs on PostgreSQL too (its primary key and heads).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createSqliteStore, sqliteWriterThread } from '../../src/adapters/sqlite/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { allMigrations } from '../../src/app.ts';
import { EventBatcher } from '../../src/rooms/batcher.ts';
import { foldRoomLog, insertEventRows } from '../../src/rooms/event-rows.ts';
import { roomLogSource } from '../../src/rooms/index.ts';
import { ROOM_LOG_FOLD_ROWS } from '../../src/rooms/limits.ts';
import type { RoomEvent } from '../../src/rooms/state.ts';
import type { Store } from '../../src/storage/ports.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-event-log-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const action = (seq: number): RoomEvent =>
  ({
    kind: 'hand_action',
    action: { type: 'call', seat: 1, toStakePoints: 2 },
    auto: false,
    seq,
    atMs: 1_000 + seq,
  }) as unknown as RoomEvent;

async function count(store: Store, sql: string, params: readonly (string | number)[] = []): Promise<number> {
  const rows = await store.reader.query<{ n: unknown }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

async function seqs(store: Store, roomId: string): Promise<number[]> {
  const rows = await store.reader.query<{ seq: unknown }>(
    `SELECT seq FROM ${roomLogSource(store.dialect)} WHERE room_id = ? ORDER BY seq`,
    [roomId],
  );
  return rows.map((r) => Number(r.seq));
}

function openFile(name: string): Store {
  return createSqliteStore({ path: join(dir, name) });
}

for (const backend of backends()) {
  describe(`the room log's seq fence on ${backend.name}`, () => {
    it('refuses a seq the room has logged already (appended or folded), and takes the next one', async () => {
      const store = await backend.open();
      try {
        await store.migrate(allMigrations);
        const batcher = new EventBatcher(store, { pacing: { inFlightMax: 1, gapMs: 0 } });
        await batcher.write('rm_a', [action(1), action(2)]);
        await assert.rejects(batcher.write('rm_a', [action(2)]), 'a hot row’s seq again');
        await assert.rejects(
          store.unitOfWork((tx) => insertEventRows(tx, [{ roomId: 'rm_a', event: action(1) }])),
          'the same seq through a unit of work of its own',
        );
        await store.unitOfWork((tx) => foldRoomLog(tx));
        await assert.rejects(batcher.write('rm_a', [action(2)]), 'a folded row’s seq again');
        await batcher.write('rm_a', [action(3)]);
        await batcher.write('rm_b', [action(1)]);
        assert.deepEqual(await seqs(store, 'rm_a'), [1, 2, 3]);
        assert.deepEqual(await seqs(store, 'rm_b'), [1]);
      } finally {
        await store.close();
      }
    });
  });
}

describe('the room log in append order on SQLite', () => {
  it('appends to the hot table and folds into the keyed table, every row readable throughout', async () => {
    const store = openFile('fold.db');
    try {
      await store.migrate(allMigrations);
      const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 0 } });
      for (let seq = 1; seq <= 5; seq++) await Promise.all(['rm_x', 'rm_y', 'rm_z'].map((id) => batcher.write(id, [action(seq)])));
      assert.equal(await count(store, 'SELECT COUNT(*) AS n FROM room_events_hot'), 15, 'appended, not yet folded');
      assert.equal(await count(store, 'SELECT COUNT(*) AS n FROM room_events'), 0);
      assert.deepEqual(await seqs(store, 'rm_y'), [1, 2, 3, 4, 5]);
      assert.equal(await store.unitOfWork((tx) => foldRoomLog(tx)), 15);
      assert.equal(await count(store, 'SELECT COUNT(*) AS n FROM room_events_hot'), 0);
      assert.equal(await count(store, 'SELECT COUNT(*) AS n FROM room_events'), 15, 'folded into the keyed table');
      await batcher.write('rm_y', [action(6)]);
      assert.deepEqual(await seqs(store, 'rm_y'), [1, 2, 3, 4, 5, 6], 'folded and hot rows read as one log');
    } finally {
      await store.close();
    }
  });

  it('folds in the background once enough rows are appended', async () => {
    const store = openFile('background.db');
    try {
      await store.migrate(allMigrations);
      const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 0 } });
      const ids = Array.from({ length: 250 }, (_, i) => `rm_${String(i).padStart(4, '0')}`);
      const perRoom = Math.ceil(ROOM_LOG_FOLD_ROWS / ids.length) + 1;
      for (let seq = 1; seq <= perRoom; seq++) await Promise.all(ids.map((id) => batcher.write(id, [action(seq)])));
      let hot = Number.POSITIVE_INFINITY;
      for (let waitedMs = 0; waitedMs < 20_000 && hot >= ids.length * 2; waitedMs += 50) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        hot = await count(store, 'SELECT COUNT(*) AS n FROM room_events_hot');
      }
      assert.ok(hot < ids.length * 2, `folded down to the rows appended since (${hot} hot)`);
      assert.equal((await count(store, 'SELECT COUNT(*) AS n FROM room_events')) + hot, ids.length * perRoom, 'no row lost or doubled');
      assert.deepEqual(
        await seqs(store, 'rm_0137'),
        Array.from({ length: perRoom }, (_, i) => i + 1),
      );
    } finally {
      await store.close();
    }
  });

  it('refuses appends from a store that another store opened on the same file has superseded', async () => {
    const first = openFile('two.db');
    const second = openFile('two.db');
    try {
      await first.migrate(allMigrations);
      const one = new EventBatcher(first, { pacing: { inFlightMax: 1, gapMs: 0 } });
      await one.write('rm_a', [action(1), action(2)]);
      await second.migrate(allMigrations);
      assert.equal(await count(second, 'SELECT COUNT(*) AS n FROM room_events_hot'), 0, 'the claim folded what the first left');
      await assert.rejects(one.write('rm_a', [action(3)]), /ROOM_LOG_FENCED/, 'the superseded writer, on a new seq');
      await assert.rejects(one.write('rm_b', [action(1)]), /ROOM_LOG_FENCED/, 'the superseded writer, on another room');
      const two = new EventBatcher(second, { pacing: { inFlightMax: 1, gapMs: 0 } });
      await assert.rejects(two.write('rm_a', [action(2)]), /ROOM_LOG_SEQ_TAKEN/, 'the new writer knows the heads from the log');
      await two.write('rm_a', [action(3)]);
      assert.deepEqual(await seqs(second, 'rm_a'), [1, 2, 3]);
    } finally {
      await first.close();
      await second.close();
    }
  });

  it('loses nothing when the writer thread dies between append and fold: the reopened store folds and rebuilds', async () => {
    const store = openFile('crash.db');
    const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 0 } });
    await store.migrate(allMigrations);
    for (let seq = 1; seq <= 4; seq++) await Promise.all(['rm_p', 'rm_q'].map((id) => batcher.write(id, [action(seq)])));
    assert.equal(await count(store, 'SELECT COUNT(*) AS n FROM room_events_hot'), 8);
    await sqliteWriterThread(store)?.kill();
    // The store's next writer thread is a new connection: it claims the log again before it appends.
    await batcher.write('rm_p', [action(5)]);
    await assert.rejects(batcher.write('rm_q', [action(4)]), /ROOM_LOG_SEQ_TAKEN/);
    await store.close();

    const reopened = openFile('crash.db');
    try {
      await reopened.migrate(allMigrations);
      assert.equal(await count(reopened, 'SELECT COUNT(*) AS n FROM room_events_hot'), 0);
      assert.equal(await count(reopened, 'SELECT COUNT(*) AS n FROM room_events'), 9);
      assert.deepEqual(await seqs(reopened, 'rm_p'), [1, 2, 3, 4, 5]);
      assert.deepEqual(await seqs(reopened, 'rm_q'), [1, 2, 3, 4]);
    } finally {
      await reopened.close();
    }
  });
});

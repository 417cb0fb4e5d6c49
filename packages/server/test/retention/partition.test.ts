// PostgreSQL: the migration that turns room_hands into a table range-partitioned by month, run on a
// database that already holds hands, keeps every row (byte for byte, each in its month's
// partition) and the uniqueness of (room, hand number) — which now lives in room_hand_heads (one
// row per room, its last hand number), since a partitioned table's unique keys must include the
// partition key. Then, on a manual clock, a month
// whose hands were archived is dropped whole, and the months ahead are created. SQLite keeps the
// plain table (the same retention rules, test/retention/archive.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { allMigrations } from '../../src/app.ts';
import { Archiver } from '../../src/retention/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { postgresBackend } from '../../src/adapters/testing.ts';

const DAY_MS = 24 * 3600 * 1000;
const PARTITIONING = 'retention_002_partition_room_hands';
/** Builds on the partitioning (room_hand_keys becomes room_hand_heads), so it waits for it. */
const HEADS = 'retention_005_room_hand_heads';

async function insertRoom(store: Store, id: string, endedAtMs: number, hands: number): Promise<void> {
  await store.unitOfWork(async (tx) => {
    await tx.run(
      `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
                          created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms)
       VALUES (?, ?, 'p_owner', 'finished', 'classic', 6, 8, 1, 'room_card', 'owner', 0, '{}', ?, ?, ?, ?, NULL, ?)`,
      [id, id.slice(-6), hands, endedAtMs - DAY_MS, endedAtMs - DAY_MS, endedAtMs, endedAtMs],
    );
    for (let h = 1; h <= hands; h++)
      await tx.run(
        'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, h, `sealed-${id}-${h}`, `r${h}`, `p${h}`, `c${h}`, endedAtMs - (hands - h) * 60_000],
      );
  });
}

const snapshot = (store: Store) =>
  store.reader.query<Record<string, unknown>>(
    'SELECT room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms FROM room_hands ORDER BY room_id, hand_number',
  );

describe('partitioning room_hands on PostgreSQL', () => {
  let store: Store;
  const clock = new ManualClock(Date.UTC(2026, 0, 10));
  const dir = mkdtempSync(join(tmpdir(), 'fg-partitions-'));
  let before_: Record<string, unknown>[] = [];
  before(async () => {
    store = await postgresBackend.open({ clock });
    await store.migrate(allMigrations.filter((m) => m.id !== PARTITIONING && m.id !== HEADS));
    await insertRoom(store, 'rm_oct', Date.UTC(2025, 9, 20), 4);
    await insertRoom(store, 'rm_nov', Date.UTC(2025, 10, 20), 3);
    await insertRoom(store, 'rm_jan', Date.UTC(2026, 0, 5), 2);
    before_ = (await snapshot(store)).map((r) => ({ ...r }));
    await store.migrate(allMigrations);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every row, each in the partition of its month', async () => {
    const kind = await store.reader.query<{ relkind: string }>(
      "SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = 'room_hands' AND n.nspname = current_schema()",
    );
    assert.equal(kind[0]?.relkind, 'p', 'room_hands is partitioned');
    assert.deepEqual(
      (await snapshot(store)).map((r) => ({ ...r })),
      before_,
    );
    const where = await store.reader.query<{ room_id: string; part: string }>(
      'SELECT DISTINCT room_id, tableoid::regclass::text AS part FROM room_hands ORDER BY room_id',
    );
    assert.deepEqual(
      where.map((w) => [w.room_id, w.part.replace(/^.*\./, '')]),
      [
        ['rm_jan', 'room_hands_m202601'],
        ['rm_nov', 'room_hands_m202511'],
        ['rm_oct', 'room_hands_m202510'],
      ],
    );
  });

  it('a hand number is still unique per room, across partitions', async () => {
    await assert.rejects(
      store.unitOfWork((tx) =>
        tx.run(
          'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
          ['rm_oct', 2, 'again', 'r', 'p', 'c', Date.UTC(2026, 0, 9)],
        ),
      ),
      /room_hand_heads|duplicate key/,
    );
    await store.unitOfWork((tx) =>
      tx.run(
        'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        ['rm_jan', 3, 'next', 'r', 'p', 'c', Date.UTC(2026, 0, 9)],
      ),
    );
    assert.equal((await snapshot(store)).length, before_.length + 1);
  });

  it('a month whose hands were all archived is dropped; the months ahead are made', async () => {
    const archiver = new Archiver({ store, clock, dir });
    // 2026-05-10: the window (180 days) starts 2025-11-11; October's room is past it, November's is not.
    clock.setMs(Date.UTC(2026, 4, 10));
    const moved = await archiver.run();
    assert.deepEqual(
      moved.filter((m) => m.table === 'room_hands').map((m) => [m.groups, m.rows]),
      [[1, 4]],
    );
    const parts = (
      await store.reader.query<{ name: string }>(
        `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
          JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = 'room_hands' AND n.nspname = current_schema()`,
      )
    ).map((r) => r.name);
    assert.ok(!parts.includes('room_hands_m202510'), 'October was archived and dropped');
    assert.ok(parts.includes('room_hands_m202511'), 'November still holds hands inside the window');
    for (const m of ['202605', '202606', '202607', '202608']) assert.ok(parts.includes(`room_hands_m${m}`), `${m} made ahead`);
    assert.equal((await snapshot(store)).filter((r) => r.room_id === 'rm_oct').length, 0);
  });
});

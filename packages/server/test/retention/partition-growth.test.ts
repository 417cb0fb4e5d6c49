// PostgreSQL: the migration that range-partitions room_events (by day), skill_commands and
// analytics_events (by month), run on a database that already holds rows, keeps every row (each in
// the partition of its day or month) and each table's uniqueness — a room's or session's seq
// through its head table, the analytics seq through its identity sequence. Then, on a manual clock,
// the retention job archives what is past the window and drops the emptied partitions, keeps the
// rows of a room under dispute (and the partition holding them), archives the analytics log a month
// at a time by dropping its partition, and every archive verifies. SQLite keeps plain tables with
// the same retention (archive.test.ts, analytics-archive.test.ts).
//
// The migration makes its partitions around the database's own clock (it runs in SQL), so this
// test's manual clock starts from today, and expected partitions are named from it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { allMigrations } from '../../src/app.ts';
import { Archiver, PartitionKeeper, verifyArchives } from '../../src/retention/index.ts';
import { PARTITIONED_TABLES, partitionName, unitStartMs } from '../../src/retention/partitions.ts';
import type { Store } from '../../src/storage/ports.ts';
import { postgresBackend } from '../../src/adapters/testing.ts';

const DAY_MS = 24 * 3600 * 1000;
const PARTITIONING = 'retention_004_partition_growth';
const TODAY_MS = unitStartMs('day', Date.now());
const table = (name: string) => PARTITIONED_TABLES.find((t) => t.table === name)!;

async function room(
  store: Store,
  id: string,
  o: { status: string; endedAtMs: number | null; eventDays: number[]; hands: number },
): Promise<void> {
  await store.unitOfWork(async (tx) => {
    await tx.run(
      `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
                          created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms)
       VALUES (?, ?, ?, ?, 'classic', 6, 8, 1, 'room_card', 'owner', 0, '{}', ?, ?, ?, ?, NULL, ?)`,
      [
        id,
        id.slice(-6),
        `p_${id}`,
        o.status,
        o.hands,
        TODAY_MS - 20 * DAY_MS,
        TODAY_MS - 20 * DAY_MS,
        o.endedAtMs,
        o.endedAtMs ?? TODAY_MS,
      ],
    );
    await tx.run(
      "INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, 'owner', 0, 'active', NULL, ?, NULL)",
      [id, `p_${id}`, TODAY_MS - 20 * DAY_MS],
    );
    for (const [i, day] of o.eventDays.entries())
      await tx.run('INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES (?, ?, ?, ?, ?)', [
        id,
        i + 1,
        'e',
        JSON.stringify({ i }),
        TODAY_MS + day * DAY_MS + 1000 * (i + 1),
      ]);
    for (let h = 1; h <= o.hands; h++)
      await tx.run(
        'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, h, `sealed-${id}-${h}`, `r${h}`, `p${h}`, `c${h}`, TODAY_MS + (o.eventDays.at(-1) ?? 0) * DAY_MS + h],
      );
  });
}

async function session(store: Store, id: string, status: string, endedAtMs: number | null, receivedAtMs: number): Promise<void> {
  await store.unitOfWork(async (tx) => {
    await tx.run(
      `INSERT INTO skill_sessions (id, player_id, game, mode, match_id, tournament_id, request_key, seed_hex, commitment, config, status, end_reason,
                                   started_at_ms, deadline_at_ms, ended_at_ms, score, moves, next_seq, last_at_ms, refill_index, state_hash,
                                   log_digest, claimed_score, flagged, signals)
       VALUES (?, 'p_a', 'puzzle', 'free', NULL, NULL, NULL, 'aa', 'bb', '{}', ?, NULL, ?, ?, ?, 10, 2, 3, ?, 0, 'h', 'd', NULL, 0, NULL)`,
      [id, status, receivedAtMs, receivedAtMs + 60_000, endedAtMs, receivedAtMs],
    );
    for (let seq = 1; seq <= 2; seq++)
      await tx.run('INSERT INTO skill_commands (session_id, seq, at_ms, received_at_ms, from_cell, to_cell) VALUES (?, ?, ?, ?, 1, 2)', [
        id,
        seq,
        seq * 700,
        receivedAtMs + seq,
      ]);
  });
}

const analyticsEvent = (store: Store, id: string, atMs: number) =>
  store.unitOfWork((tx) =>
    tx.run("INSERT INTO analytics_events (id, kind, actor_kind, actor_id, at_ms, data) VALUES (?, 'login', 'player', 'p_a', ?, '{}')", [
      id,
      atMs,
    ]),
  );

const snapshot = async (store: Store) => ({
  room_events: await store.reader.query('SELECT room_id, seq, kind, data, at_ms FROM room_events ORDER BY room_id, seq'),
  skill_commands: await store.reader.query(
    'SELECT session_id, seq, at_ms, received_at_ms, from_cell, to_cell FROM skill_commands ORDER BY session_id, seq',
  ),
  analytics_events: await store.reader.query('SELECT seq, id, kind, actor_kind, actor_id, at_ms, data FROM analytics_events ORDER BY seq'),
});

async function partitionsOf(store: Store, parent: string): Promise<string[]> {
  return (
    await store.reader.query<{ name: string }>(
      `SELECT c.relname AS name FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid JOIN pg_class p ON p.oid = i.inhparent
        JOIN pg_namespace n ON n.oid = p.relnamespace WHERE p.relname = ? AND n.nspname = current_schema() ORDER BY 1`,
      [parent],
    )
  ).map((r) => r.name);
}

const insertEvent = (store: Store, roomId: string, seq: number, atMs: number) =>
  store.unitOfWork((tx) =>
    tx.run("INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES (?, ?, 'e', '{}', ?)", [roomId, seq, atMs]),
  );

describe('partitioning room_events, skill_commands and analytics_events on PostgreSQL', () => {
  let store: Store;
  const clock = new ManualClock(TODAY_MS);
  const dir = mkdtempSync(join(tmpdir(), 'fg-partitions-growth-'));
  let before_: Awaited<ReturnType<typeof snapshot>>;
  before(async () => {
    store = await postgresBackend.open({ clock });
    await store.migrate(allMigrations.filter((m) => m.id !== PARTITIONING));
    // rm_a ended 10 days ago with events on three days; rm_held ended then too, under an open complaint; rm_live plays on.
    await room(store, 'rm_a', { status: 'finished', endedAtMs: TODAY_MS - 10 * DAY_MS, eventDays: [-12, -11, -10], hands: 2 });
    await room(store, 'rm_held', { status: 'dissolved', endedAtMs: TODAY_MS - 10 * DAY_MS, eventDays: [-10, -10], hands: 2 });
    await room(store, 'rm_live', { status: 'playing', endedAtMs: null, eventDays: [-1, -1, -1], hands: 0 });
    await store.unitOfWork((tx) =>
      tx.run(
        "INSERT INTO risk_complaints (id, reporter_id, target_player_id, room_id, reason, text, status, resolution_note, handled_by, created_at_ms, handled_at_ms) VALUES ('cm1', 'p_x', 'p_rm_held', 'rm_held', 'cheating', 'collusion', 'open', NULL, NULL, ?, NULL)",
        [TODAY_MS - 10 * DAY_MS],
      ),
    );
    await session(store, 'ss_done', 'finished', TODAY_MS - 10 * DAY_MS, TODAY_MS - 10 * DAY_MS - 60_000);
    await session(store, 'ss_live', 'active', null, TODAY_MS - DAY_MS);
    for (const [i, days] of [-40, -20, -1].entries()) await analyticsEvent(store, `ev_${i}`, TODAY_MS + days * DAY_MS);
    before_ = await snapshot(store);
    await store.migrate(allMigrations);
  });
  after(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every row, each in the partition of its day or month', async () => {
    for (const name of ['room_events', 'skill_commands', 'analytics_events']) {
      const kind = await store.reader.query<{ relkind: string }>(
        'SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.relname = ? AND n.nspname = current_schema()',
        [name],
      );
      assert.equal(kind[0]?.relkind, 'p', `${name} is partitioned`);
    }
    assert.deepEqual(await snapshot(store), before_);
    const placed = async (sql: string) =>
      (await store.reader.query<{ part: string; at: unknown }>(sql)).map((r) => [r.part.replace(/^.*\./, ''), Number(r.at)] as const);
    for (const [part, at] of await placed('SELECT tableoid::regclass::text AS part, at_ms AS at FROM room_events'))
      assert.equal(part, partitionName(table('room_events'), at));
    for (const [part, at] of await placed('SELECT tableoid::regclass::text AS part, received_at_ms AS at FROM skill_commands'))
      assert.equal(part, partitionName(table('skill_commands'), at));
    for (const [part, at] of await placed('SELECT tableoid::regclass::text AS part, at_ms AS at FROM analytics_events'))
      assert.equal(part, partitionName(table('analytics_events'), at));
  });

  it("a room's or a session's seq stays unique across partitions, and the analytics seq goes on from the last", async () => {
    // rm_a's seq 2 again, on another day (so in another partition): refused as the old key refused it.
    await assert.rejects(insertEvent(store, 'rm_a', 2, TODAY_MS), /room_event_heads|duplicate key/);
    await assert.rejects(insertEvent(store, 'rm_live', 3, TODAY_MS + 5 * DAY_MS), /duplicate key/);
    await insertEvent(store, 'rm_live', 4, TODAY_MS);
    await assert.rejects(
      insertEvent(store, 'rm_live', 4, TODAY_MS - 30 * DAY_MS),
      /duplicate key/,
      'the same seq in the default partition',
    );
    await insertEvent(store, 'rm_new', 1, TODAY_MS);
    // A batch as the rooms write it: several rooms, several events each, in one statement.
    const batch = (rows: [string, number][]) =>
      store.unitOfWork((tx) =>
        tx.run(
          `INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES ${rows.map(() => "(?, ?, 'e', '{}', ?)").join(', ')}`,
          rows.flatMap(([room, seq]) => [room, seq, TODAY_MS]),
        ),
      );
    await batch([
      ['rm_new', 2],
      ['rm_new', 3],
      ['rm_live', 5],
      ['rm_batch', 1],
    ]);
    await assert.rejects(
      batch([
        ['rm_batch', 2],
        ['rm_batch', 2],
      ]),
      /duplicate key/,
      'the same seq twice in one statement',
    );
    await assert.rejects(
      batch([
        ['rm_batch', 5],
        ['rm_new', 3],
      ]),
      /duplicate key/,
      'one old seq refuses the whole statement',
    );
    assert.equal((await store.reader.query("SELECT 1 FROM room_events WHERE room_id = 'rm_batch'")).length, 1);
    await assert.rejects(
      store.unitOfWork((tx) =>
        tx.run('INSERT INTO skill_commands (session_id, seq, at_ms, received_at_ms, from_cell, to_cell) VALUES (?, ?, ?, ?, 1, 2)', [
          'ss_done',
          2,
          9,
          TODAY_MS + 40 * DAY_MS,
        ]),
      ),
      /skill_command_heads|duplicate key/,
    );
    await analyticsEvent(store, 'ev_new', TODAY_MS);
    const seqs = (await store.reader.query<{ seq: unknown }>('SELECT seq FROM analytics_events ORDER BY seq')).map((r) => Number(r.seq));
    assert.deepEqual(seqs, [1, 2, 3, 4]);
    await assert.rejects(
      store.unitOfWork((tx) =>
        tx.run("INSERT INTO analytics_events (seq, id, kind, at_ms, data) VALUES (2, 'ev_x', 'login', ?, '{}')", [TODAY_MS]),
      ),
      /GENERATED ALWAYS|cannot insert/,
    );
    await assert.rejects(
      store.unitOfWork((tx) => tx.run('DELETE FROM analytics_events WHERE seq = 1')),
      /append-only/,
    );
  });

  it('past the window the rows are archived and their emptied partitions dropped; a room under dispute keeps its rows and their partition', async () => {
    const archiver = new Archiver({ store, clock, dir });
    clock.setMs(TODAY_MS + 3 * DAY_MS);
    const moved = await archiver.run();
    assert.deepEqual(
      moved.map((m) => [m.table, m.groups]),
      [['room_events', 1]],
    );
    const days = await partitionsOf(store, 'room_events');
    const day = (d: number) => partitionName(table('room_events'), TODAY_MS + d * DAY_MS);
    assert.ok(!days.includes(day(-12)) && !days.includes(day(-11)), "rm_a's own days were dropped");
    assert.ok(days.includes(day(-10)), "the day that holds the disputed room's events stays");
    for (let d = 3; d <= 10; d++) assert.ok(days.includes(day(d)), `day ${d} made ahead`);
    assert.equal((await store.reader.query("SELECT 1 FROM room_events WHERE room_id = 'rm_held'")).length, 2);
    assert.equal((await store.reader.query("SELECT 1 FROM room_events WHERE room_id = 'rm_a'")).length, 0);

    // 200 days on: rm_a's hands and ss_done's commands leave; the disputed room keeps its hands.
    clock.setMs(TODAY_MS + 200 * DAY_MS);
    const later = await archiver.run();
    assert.deepEqual(
      later.map((m) => [m.table, m.groups]),
      [
        ['room_hands', 1],
        ['skill_commands', 1],
      ],
    );
    assert.equal((await store.reader.query("SELECT 1 FROM room_hands WHERE room_id = 'rm_held'")).length, 2, 'the disputed hands are kept');
    assert.equal((await store.reader.query("SELECT 1 FROM room_events WHERE room_id = 'rm_held'")).length, 2);
    // ss_done's month is dropped unless ss_live's commands share it.
    const month = TODAY_MS - 10 * DAY_MS;
    const stillThere = await store.reader.query('SELECT 1 FROM skill_commands WHERE received_at_ms >= ? AND received_at_ms < ?', [
      unitStartMs('month', month),
      unitStartMs('month', month, 1),
    ]);
    assert.equal(
      (await partitionsOf(store, 'skill_commands')).includes(partitionName(table('skill_commands'), month)),
      stillThere.length > 0,
    );
    assert.equal(verifyArchives(dir).ok, true, JSON.stringify(verifyArchives(dir).problems));
  });

  it('the analytics log leaves a month at a time past 400 days, its partition dropped whole, and the archive verifies', async () => {
    const archiver = new Archiver({ store, clock, dir });
    const firstMonth = unitStartMs('month', TODAY_MS - 40 * DAY_MS);
    clock.setMs(unitStartMs('month', firstMonth, 1) + 401 * DAY_MS);
    const moved = (await archiver.run()).filter((m) => m.table === 'analytics_events');
    assert.equal(moved.length, 1);
    const left = await store.reader.query<{ at_ms: unknown }>('SELECT at_ms FROM analytics_events');
    assert.ok(
      left.every((r) => Number(r.at_ms) >= unitStartMs('month', firstMonth, 1)),
      'the first month left',
    );
    assert.ok(!(await partitionsOf(store, 'analytics_events')).includes(partitionName(table('analytics_events'), firstMonth)));
    const report = verifyArchives(dir);
    assert.equal(report.ok, true, JSON.stringify(report.problems));
  });

  it('without an archive folder the job still makes the partitions ahead of the clock', async () => {
    clock.setMs(TODAY_MS + 600 * DAY_MS);
    const r = await new PartitionKeeper({ store, clock }).run();
    const day = partitionName(table('room_events'), TODAY_MS + 600 * DAY_MS);
    const month = partitionName(table('analytics_events'), TODAY_MS + 600 * DAY_MS);
    assert.ok(r.created.includes(day) && r.created.includes(month), JSON.stringify(r.created));
    assert.ok((await partitionsOf(store, 'room_events')).includes(day));
  });
});

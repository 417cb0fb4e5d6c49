// Retention with a manual clock: a finished room's event log the day after it ended, its hand
// records and finished skill sessions' commands after 180 days, move to NDJSON-gzip archives with a SHA-256 manifest
// and leave the database; the verifier (the `archive:check` CLI) checks them and finds a tampered
// file; a room under an open complaint or whose player has an open review case keeps its hands;
// live rooms, recent rooms and every money record stay. Both backends.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { ManualClock } from '@fairground/core';
import { createPlatform } from '../../src/app.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { verifyArchives } from '../../src/retention/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { policyFile } from '../compliance/helpers.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

const DAY_MS = 24 * 3600 * 1000;
const CLI = fileURLToPath(new URL('../../src/retention/cli.ts', import.meta.url));
const START_MS = Date.UTC(2026, 0, 10);

async function room(
  t: TestPlatform,
  id: string,
  o: { status: string; endedAtMs: number | null; player: string; hands: number },
): Promise<void> {
  await t.store.unitOfWork(async (tx) => {
    await tx.run(
      `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
                          created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms)
       VALUES (?, ?, ?, ?, 'classic', 6, 8, 1, 'room_card', 'owner', 0, '{}', ?, ?, ?, ?, NULL, ?)`,
      [id, id.slice(-6), o.player, o.status, o.hands, START_MS, START_MS, o.endedAtMs, START_MS + 180 * DAY_MS],
    );
    await tx.run(
      "INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, 'owner', 0, 'active', NULL, ?, NULL)",
      [id, o.player, START_MS],
    );
    for (let seq = 1; seq <= 3; seq++)
      await tx.run('INSERT INTO room_events (room_id, seq, kind, data, at_ms) VALUES (?, ?, ?, ?, ?)', [
        id,
        seq,
        'e',
        JSON.stringify({ seq, room: id }),
        START_MS + seq,
      ]);
    for (let h = 1; h <= o.hands; h++)
      await tx.run(
        'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
        [id, h, `sealed-${id}-${h}`, `r${h}`, `p${h}`, `c${h}`, START_MS + h],
      );
  });
}

async function session(t: TestPlatform, id: string, status: string, endedAtMs: number | null): Promise<void> {
  await t.store.unitOfWork(async (tx) => {
    await tx.run(
      `INSERT INTO skill_sessions (id, player_id, game, mode, match_id, tournament_id, request_key, seed_hex, commitment, config, status, end_reason,
                                   started_at_ms, deadline_at_ms, ended_at_ms, score, moves, next_seq, last_at_ms, refill_index, state_hash,
                                   log_digest, claimed_score, flagged, signals)
       VALUES (?, 'p_a', 'puzzle', 'free', NULL, NULL, NULL, 'aa', 'bb', '{}', ?, NULL, ?, ?, ?, 10, 2, 3, ?, 0, 'h', 'd', NULL, 0, NULL)`,
      [id, status, START_MS, START_MS + 60_000, endedAtMs, START_MS],
    );
    for (let seq = 1; seq <= 2; seq++)
      await tx.run('INSERT INTO skill_commands (session_id, seq, at_ms, received_at_ms, from_cell, to_cell) VALUES (?, ?, ?, ?, 1, 2)', [
        id,
        seq,
        START_MS + seq,
        START_MS + seq,
      ]);
  });
}

async function count(t: TestPlatform, sql: string, params: (string | number)[]): Promise<number> {
  const rows = await t.store.reader.query<{ n: unknown }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

for (const backend of backends()) {
  describe(`retention and archives on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    const dir = mkdtempSync(join(tmpdir(), 'fg-archives-'));
    before(async () => {
      clock = new ManualClock(START_MS);
      const store = await backend.open({ clock });
      const platform = await createPlatform({
        config: testConfig(),
        store,
        clock,
        policy: loadPolicyFile(policyFile('development')),
        logger: false,
        adapters: testAdapters(clock),
        retention: { dir },
      });
      t = new TestPlatform(platform, store, clock);
      // Finished on day 1 (archived after 180 days), finished on day 100 (not yet), live, disputed, under review.
      await room(t, 'rm_old', { status: 'finished', endedAtMs: START_MS + DAY_MS, player: 'p_a', hands: 4 });
      await room(t, 'rm_recent', { status: 'finished', endedAtMs: START_MS + 100 * DAY_MS, player: 'p_a', hands: 2 });
      await room(t, 'rm_live', { status: 'playing', endedAtMs: null, player: 'p_a', hands: 1 });
      await room(t, 'rm_disputed', { status: 'dissolved', endedAtMs: START_MS + DAY_MS, player: 'p_b', hands: 3 });
      await room(t, 'rm_review', { status: 'finished', endedAtMs: START_MS + DAY_MS, player: 'p_c', hands: 2 });
      await session(t, 'ss_old', 'finished', START_MS + DAY_MS);
      await session(t, 'ss_active', 'active', null);
      await t.store.unitOfWork(async (tx) => {
        await tx.run(
          "INSERT INTO risk_complaints (id, reporter_id, target_player_id, room_id, reason, text, status, resolution_note, handled_by, created_at_ms, handled_at_ms) VALUES ('cm1', 'p_x', 'p_b', 'rm_disputed', 'cheating', 'collusion', 'open', NULL, NULL, ?, NULL)",
          [START_MS],
        );
        await tx.run(
          "INSERT INTO risk_cases (id, player_id, kind, status, score, amount_fen, summary, evidence, created_at_ms, updated_at_ms, decided_by, decided_at_ms) VALUES ('rc1', 'p_c', 'collusion', 'open', 80, NULL, 'pair', '{}', ?, ?, NULL, NULL)",
          [START_MS, START_MS],
        );
      });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it("a finished room's event log leaves the day after; its hands and everything else stay inside their window", async () => {
      clock.setMs(START_MS + DAY_MS + DAY_MS / 2);
      assert.deepEqual(await t.platform.retention!.run(), [], 'not a whole day yet');
      clock.setMs(START_MS + 3 * DAY_MS);
      const moved = await t.platform.retention!.run();
      assert.deepEqual(
        moved.map((m) => [m.table, m.groups, m.rows]),
        [['room_events', 1, 3]],
      );
      assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM room_events WHERE room_id = ?', ['rm_old']), 0);
      assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM room_hands WHERE room_id = ?', ['rm_old']), 4);
      for (const id of ['rm_disputed', 'rm_review', 'rm_live'])
        assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM room_events WHERE room_id = ?', [id]), 3, `${id} keeps its event log`);
      clock.setMs(START_MS + 180 * DAY_MS);
      assert.deepEqual(
        (await t.platform.retention!.run()).map((m) => [m.table, m.groups]),
        [['room_events', 1]],
        'at 180 days only the event log of the room that ended on day 100 moves',
      );
    });

    it("past 180 days a finished room's hands and a finished session's commands leave; held, recent and live ones stay", async () => {
      const moneyBefore = await count(t, 'SELECT COUNT(*) AS n FROM ledger_transfers', []);
      clock.setMs(START_MS + 182 * DAY_MS);
      const moved = await t.platform.retention!.run();
      assert.deepEqual(
        moved.map((m) => [m.table, m.groups, m.rows]),
        [
          ['room_hands', 1, 4],
          ['skill_commands', 1, 2],
        ],
      );
      assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM skill_commands WHERE session_id = ?', ['ss_old']), 0);
      assert.equal(
        await count(t, 'SELECT COUNT(*) AS n FROM skill_commands WHERE session_id = ?', ['ss_active']),
        2,
        'a live session keeps its commands',
      );
      for (const table of ['room_events', 'room_hands'])
        assert.equal(await count(t, `SELECT COUNT(*) AS n FROM ${table} WHERE room_id = ?`, ['rm_old']), 0, `${table} of rm_old left`);
      for (const id of ['rm_recent', 'rm_live', 'rm_disputed', 'rm_review'])
        assert.ok((await count(t, 'SELECT COUNT(*) AS n FROM room_hands WHERE room_id = ?', [id])) > 0, `${id} keeps its hands`);
      assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM rooms WHERE id = ?', ['rm_old']), 1, 'the room row itself stays');
      assert.equal(await count(t, 'SELECT COUNT(*) AS n FROM ledger_transfers', []), moneyBefore);

      // The archive: NDJSON in key order, gzip, its manifest's SHA-256; the database lists it.
      const folder = join(dir, 'room_hands');
      const manifestName = readdirSync(folder).find((n) => n.endsWith('.manifest.json'))!;
      const manifest = JSON.parse(readFileSync(join(folder, manifestName), 'utf8')) as { file: string; groups: string[]; rows: number };
      assert.deepEqual(manifest.groups, ['rm_old']);
      const lines = gunzipSync(readFileSync(join(folder, manifest.file)))
        .toString('utf8')
        .trim()
        .split('\n');
      assert.deepEqual(
        lines.map((l) => (JSON.parse(l) as { hand_number: number; sealed: string }).sealed),
        ['sealed-rm_old-1', 'sealed-rm_old-2', 'sealed-rm_old-3', 'sealed-rm_old-4'],
      );
      const listed = await t.platform.retention!.list(10);
      assert.deepEqual(listed.map((a) => [a.table, a.rows]).sort(), [
        ['room_events', 3],
        ['room_events', 3],
        ['room_hands', 4],
        ['skill_commands', 2],
      ]);
      const report = verifyArchives(dir);
      assert.deepEqual(report, { ok: true, archives: 4, rows: 12, problems: [] });
    });

    it('once the complaint is closed and the review decided, the held rooms follow', async () => {
      await t.store.unitOfWork(async (tx) => {
        await tx.run("UPDATE risk_complaints SET status = 'dismissed' WHERE id = 'cm1'");
        await tx.run("UPDATE risk_cases SET status = 'closed' WHERE id = 'rc1'");
      });
      const moved = await t.platform.retention!.run();
      assert.deepEqual(
        moved.map((m) => [m.table, m.groups]),
        [
          ['room_events', 2],
          ['room_hands', 2],
        ],
      );
      assert.equal(verifyArchives(dir).ok, true);
    });

    it('the console lists the archives and the rules to every operator role, not to players', async () => {
      const support = await t.loginOperator(await t.createOperator(['support']));
      const r = await t.request('GET', '/api/admin/retention/archives', { token: support });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.configured, true);
      assert.deepEqual(r.json.archived, ['room_events', 'room_hands', 'skill_commands', 'analytics_events']);
      assert.ok((r.json.neverArchived as string[]).includes('ledger_transfers'));
      assert.ok((r.json.neverArchived as string[]).includes('room_orders'));
      assert.equal((r.json.items as unknown[]).length, 6);
      assert.deepEqual(r.json.rules, [
        { table: 'room_events', onlineDays: 1 },
        { table: 'room_hands', onlineDays: 180 },
        { table: 'skill_commands', onlineDays: 180 },
        { table: 'analytics_events', onlineDays: 400 },
      ]);
      const player = await t.readyPlayer('retentionplayer');
      assert.equal((await t.request('GET', '/api/admin/retention/archives', { token: player.token })).status, 403);
    });

    it('the archive:check CLI passes the folder and fails a tampered archive, naming it', () => {
      const ok = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8' });
      assert.equal(ok.status, 0, ok.stderr);
      assert.equal((JSON.parse(ok.stdout) as { ok: boolean }).ok, true);
      const folder = join(dir, 'room_events');
      const gz = readdirSync(folder).find((n) => n.endsWith('.ndjson.gz'))!;
      const bytes = readFileSync(join(folder, gz));
      bytes[bytes.length - 5] = (bytes[bytes.length - 5]! + 1) % 256;
      writeFileSync(join(folder, gz), bytes);
      const bad = spawnSync(process.execPath, [CLI, dir], { encoding: 'utf8' });
      assert.equal(bad.status, 1);
      const report = JSON.parse(bad.stdout) as { ok: boolean; problems: string[] };
      assert.equal(report.ok, false);
      assert.match(report.problems.join('\n'), new RegExp(`${gz} does not match its SHA-256`));
    });
  });
}

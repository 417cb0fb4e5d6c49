// Hands after archiving, on a manual clock: once a finished room's hand records have moved to the
// retention archive, its player no longer gets an empty history but the stable code
// ROOM_HANDS_ARCHIVED with the day they left (the page says to ask customer service); the console
// lists the hands and opens one read back from the archive file, after checking the file against
// the SHA-256 the database recorded — an altered file is refused (RETENTION_ARCHIVE_UNAVAILABLE).
// Both backends.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { createPlatform } from '../../src/app.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { policyFile } from '../compliance/helpers.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { TestPlatform, testConfig } from '../helpers/platform.ts';

const DAY_MS = 24 * 3600 * 1000;
const START_MS = Date.UTC(2026, 0, 10);
const ROOM = 'rm_archived1';

for (const backend of backends()) {
  describe(`hands after archiving on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    let player: { token: string; playerId: string };
    let outsider: { token: string };
    const dir = mkdtempSync(join(tmpdir(), 'fg-archived-hands-'));
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
      player = await t.readyPlayer('archivedhands');
      outsider = await t.readyPlayer('archivedoutsider');
      const sealer = t.platform.rooms.sealer;
      await t.store.unitOfWork(async (tx) => {
        await tx.run(
          `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
                              created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms)
           VALUES (?, '700001', ?, 'finished', 'classic', 3, 8, 1, 'room_card', 'owner', 0, '{}', 2, ?, ?, ?, NULL, ?)`,
          [ROOM, player.playerId, START_MS, START_MS, START_MS + DAY_MS, START_MS + 180 * DAY_MS],
        );
        await tx.run(
          "INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, 'owner', 0, 'active', NULL, ?, NULL)",
          [ROOM, player.playerId, START_MS],
        );
        for (const h of [1, 2]) {
          const json = JSON.stringify({ handNumber: h, players: [{ seat: 0, playerId: player.playerId, cards: ['As', 'Ks', 'Qs'] }] });
          await tx.run(
            'INSERT INTO room_hands (room_id, hand_number, sealed, record_hash, prev_hash, chain_hash, created_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?)',
            [ROOM, h, sealer.sealRecord(json, ROOM, h), `r${h}`, `p${h}`, `c${h}`, START_MS + h],
          );
        }
      });
    });
    after(async () => {
      await t.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the player reads the hands while they are online', async () => {
      const r = await t.request('GET', `/api/rooms/${ROOM}/hands`, { token: player.token });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(
        (r.json.hands as { handNumber: number }[]).map((h) => h.handNumber),
        [1, 2],
      );
    });

    it('after archiving the player is told when they left, with a stable code, instead of an empty history', async () => {
      clock.setMs(START_MS + 182 * DAY_MS);
      const moved = await t.platform.retention!.run();
      assert.ok(moved.some((m) => m.table === 'room_hands' && m.rows === 2));
      // Half a year on, both sign in again.
      player = await t.loginPlayer('archivedhands');
      outsider = await t.loginPlayer('archivedoutsider');
      const r = await t.request('GET', `/api/rooms/${ROOM}/hands`, { token: player.token });
      assert.equal(r.status, 410, r.text);
      assert.equal(r.json.code, 'ROOM_HANDS_ARCHIVED');
      assert.equal((r.json.details as { archivedAtMs: number }).archivedAtMs, START_MS + 182 * DAY_MS);
      const page2 = await t.request('GET', `/api/rooms/${ROOM}/hands?after=1`, { token: player.token });
      assert.equal(page2.json.code, 'ROOM_HANDS_ARCHIVED');
      const stranger = await t.request('GET', `/api/rooms/${ROOM}/hands`, { token: outsider.token });
      assert.equal(stranger.json.code, 'ROOM_NOT_MEMBER', 'an outsider learns nothing about the archive');
    });

    it('the console lists the archived hands and opens one read back from the archive', async () => {
      const support = await t.loginOperator(await t.createOperator(['support']));
      const view = await t.request('GET', `/api/admin/rooms/${ROOM}`, { token: support });
      assert.equal(view.status, 200, view.text);
      assert.equal(view.json.archivedAtMs, START_MS + 182 * DAY_MS);
      assert.deepEqual(
        (view.json.hands as { handNumber: number; recordHash: string }[]).map((h) => [h.handNumber, h.recordHash]),
        [
          [2, 'r2'],
          [1, 'r1'],
        ],
      );
      const hand = await t.request('GET', `/api/admin/rooms/${ROOM}/hands/2`, { token: support });
      assert.equal(hand.status, 200, hand.text);
      assert.equal((hand.json.record as { handNumber: number }).handNumber, 2);
      const missing = await t.request('GET', `/api/admin/rooms/${ROOM}/hands/3`, { token: support });
      assert.equal(missing.json.code, 'ANALYTICS_HAND_NOT_FOUND');
    });

    it('an archive file that no longer matches its recorded SHA-256 is refused, not shown', async () => {
      const folder = join(dir, 'room_hands');
      const gz = readdirSync(folder).find((n) => n.endsWith('.ndjson.gz'))!;
      const bytes = readFileSync(join(folder, gz));
      bytes[bytes.length - 5] = (bytes[bytes.length - 5]! + 1) % 256;
      writeFileSync(join(folder, gz), bytes);
      const support = await t.loginOperator(await t.createOperator(['risk']));
      const hand = await t.request('GET', `/api/admin/rooms/${ROOM}/hands/1`, { token: support });
      assert.equal(hand.status, 503, hand.text);
      assert.equal(hand.json.code, 'RETENTION_ARCHIVE_UNAVAILABLE');
    });
  });
}

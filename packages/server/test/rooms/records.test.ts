// What rooms keep, on SQLite and PostgreSQL: hand histories sealed at rest and hash-chained, with
// heads notarised, so a stored hand altered later (even by someone holding the key) fails
// verification against the notarised head; server seeds sealed in the log before their commitment
// is published; fee orders in the seed's format, kept 180 days, visible to the player; friends and
// their open rooms; reports.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { bytesToHex } from '@fairground/rules';
import type { HandRecord } from '../../src/rooms/history.ts';
import { roomLogSource } from '../../src/rooms/index.ts';
import { handSummary } from '../../src/rooms/risk-summary.ts';
import { assertEveryFrameChecked, botRng, checkFairness, checkNoHiddenCards, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, TestDatabase, TestServer } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`room records on ${backend}`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let ps: Player[];
    let clients: Client[];
    let roomId: string;
    let code: string;
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 7, 1, 12)));
      ps = [];
      for (let i = 0; i < 3; i++) ps.push(await server.player(`${backend.slice(0, 2)}rec${i}`, `10.90.0.${i + 1}`));
      for (const p of ps) await server.fund(p.id, 'CNY', 10_000);
      const owner = ps[0] as Player;
      const room = await owner.createRoom({ params: { friendsVisible: true }, fee: { mode: 'cash', payer: 'aa' } });
      roomId = room.roomId;
      code = room.code;
      assert.equal((await (ps[1] as Player).join(code)).status, 200);
      assert.equal((await (ps[2] as Player).join(code, { invite: room.invite.token })).status, 200);
      clients = [];
      for (const p of ps) clients.push(await p.connect(roomId));
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    it('seals each server seed into the log before publishing its commitment', async () => {
      await caughtUp(server, clients, roomId);
      const published = (clients[1] as Client).room?.next;
      assert.ok(published, 'the first hand’s commitment is published before it starts');
      const rows = await server.store.reader.query<{ data: string }>(
        `SELECT data FROM ${roomLogSource(server.store.dialect)} WHERE room_id = ? AND kind = 'hand_committed'`,
        [roomId],
      );
      const committed = rows.map((r) => JSON.parse(r.data) as { handNumber: number; commitment: string; sealedSeed: string });
      const row = committed.find((c) => c.handNumber === published.handNumber);
      assert.ok(row, 'stored before anyone saw the commitment');
      assert.equal(row.commitment, published.commitment);
      const seed = server.rooms.sealer.openSeed(row.sealedSeed, roomId, row.handNumber);
      assert.equal(createHash('sha256').update(seed).digest('hex'), published.commitment, 'the sealed seed is the committed one');
      assert.ok(!JSON.stringify(rows).includes(bytesToHex(seed)), 'only sealed while the hand is to come');
    });

    it('plays, then stores every hand sealed, chained and notarised', async () => {
      await playRoom(server, clients, roomId, botRng(`${backend}-records`));
      assert.equal(server.rooms.actor(roomId)?.state.status, 'finished');
      await checkFairness(server, roomId, (ps[0] as Player).id);
      await checkNoHiddenCards(server, roomId, (ps[0] as Player).id);
      const hands = await server.store.reader.query<{ sealed: string }>('SELECT sealed FROM room_hands WHERE room_id = ?', [roomId]);
      assert.equal(hands.length, 8);
      for (const h of hands) {
        assert.doesNotMatch(h.sealed, /"[2-9TJQKA][shdc]"|serverSeed|playerId/, 'hand histories are encrypted at rest');
      }
      const events = await server.store.reader.query<{ data: string }>(
        `SELECT data FROM ${roomLogSource(server.store.dialect)} WHERE room_id = ? AND kind <> 'hand_action'`,
        [roomId],
      );
      assert.doesNotMatch(JSON.stringify(events), /"cards"/, 'the event log holds no cards');
      assert.equal(await server.attestHands(), 8, 'one root time-stamps every hand of the room');
      const report = await server.rooms.verifyChain(roomId);
      assert.deepEqual(report, { ok: true, hands: 8, notarised: 8, problems: [] });
    });

    it('gives the risk domain the summary of each hand’s sealed record, and each player’s points', async () => {
      // Persistence makes the summary of the hand that ends, not of its record read back: the two agree.
      const hands = await server.store.reader.query<{ hand_number: unknown; sealed: string }>(
        'SELECT hand_number, sealed FROM room_hands WHERE room_id = ? ORDER BY hand_number',
        [roomId],
      );
      const stored = await server.store.reader.query<{ hand_id: string; summary: string }>(
        'SELECT hand_id, summary FROM risk_hands WHERE room_id = ?',
        [roomId],
      );
      assert.equal(stored.length, hands.length);
      const won = new Map<string, number>();
      const lost = new Map<string, number>();
      let compares = 0;
      for (const h of hands) {
        const n = Number(h.hand_number);
        const record = JSON.parse(server.rooms.sealer.openRecord(h.sealed, roomId, n)) as HandRecord;
        const row = stored.find((r) => r.hand_id === `${roomId}:${n}`);
        assert.ok(row, `hand ${n} reached risk`);
        assert.deepEqual(JSON.parse(row.summary), handSummary(record), `hand ${n}: the stored summary is its record's`);
        compares += handSummary(record).compares.length;
        for (const d of record.deltas) {
          won.set(d.playerId, (won.get(d.playerId) ?? 0) + Math.max(d.points, 0));
          lost.set(d.playerId, (lost.get(d.playerId) ?? 0) + Math.max(-d.points, 0));
        }
      }
      assert.ok(compares > 0, 'the hands hold 比牌 decisions to compare');
      const players = await server.store.reader.query<{ hand_id: string }>(
        `SELECT p.hand_id FROM risk_hand_players p JOIN risk_hands h ON h.hand_id = p.hand_id WHERE h.room_id = ?`,
        [roomId],
      );
      assert.equal(players.length, hands.length * 3, 'each hand’s three players');
      const points = await server.store.reader.query<{ player_id: string; won: unknown; lost: unknown }>(
        `SELECT player_id, won, lost FROM room_points_daily WHERE player_id IN (?, ?, ?)`,
        ps.map((p) => p.id),
      );
      for (const p of ps) {
        const rows = points.filter((r) => r.player_id === p.id);
        const sum = (f: (r: { won: unknown; lost: unknown }) => unknown) => rows.reduce((a, r) => a + Number(f(r)), 0);
        assert.deepEqual([sum((r) => r.won), sum((r) => r.lost)], [won.get(p.id) ?? 0, lost.get(p.id) ?? 0], `${p.id}'s points by day`);
      }
    });

    it('keeps fee orders in the seed’s format for 180 days, visible in the player’s history', async () => {
      for (const p of ps) {
        const r = await p.http('GET', '/api/rooms/orders');
        assert.equal(r.status, 200);
        const o = (
          r.json.orders as {
            roomId: string;
            roomCode: string;
            orderId: string;
            createdAtMs: number;
            retainUntilMs: number;
            status: string;
            cashFen: number;
          }[]
        ).find((x) => x.roomId === roomId);
        assert.ok(o, `${p.handle} sees their order`);
        assert.match(o.orderId, /^rf2026080120[0-9]{4}[0-9]{6}$/, 'prefix + yyyyMMddHHmmss (China time) + sequence');
        assert.equal(o.roomCode, code);
        assert.equal(o.status, 'charged');
        assert.equal(o.cashFen, 200);
        assert.ok(o.retainUntilMs - o.createdAtMs >= 180 * 24 * 3_600_000);
      }
      const rooms = await server.store.reader.query<{ retain_until_ms: unknown; created_at_ms: unknown }>(
        'SELECT retain_until_ms, created_at_ms FROM rooms WHERE id = ?',
        [roomId],
      );
      assert.ok(Number(rooms[0]?.retain_until_ms) - Number(rooms[0]?.created_at_ms) >= 180 * 24 * 3_600_000);
      const wallet = await (ps[1] as Player).http('GET', '/api/wallet/history?asset=CNY');
      assert.ok(
        wallet.json.items.some((i: { code: string }) => i.code === 'commission'),
        'the fee transfers are in the wallet history too',
      );
    });

    it('shows hand histories to the room’s members only', async () => {
      const r = await (ps[2] as Player).http('GET', `/api/rooms/${roomId}/hands`);
      assert.equal(r.status, 200);
      assert.equal(r.json.hands.length, 8);
      assert.ok(r.json.hands[0].serverSeed && r.json.hands[0].serverCommitment && r.json.hands[0].players[0].cards.length === 3);
      const outsider = await server.player(`${backend.slice(0, 2)}recout`, '10.90.9.9');
      assert.equal((await outsider.http('GET', `/api/rooms/${roomId}/hands`)).json.code, 'ROOM_NOT_MEMBER');
      assert.equal((await outsider.http('GET', `/api/rooms/${roomId}`)).json.code, 'ROOM_NOT_MEMBER');
      const summary = await (ps[0] as Player).http('GET', `/api/rooms/${roomId}`);
      assert.equal(summary.json.status, 'finished');
      assert.equal(
        summary.json.scores.reduce((a: number, l: { points: number }) => a + l.points, 0),
        0,
      );
      const mine = await (ps[1] as Player).http('GET', '/api/rooms/mine');
      assert.ok(mine.json.rooms.some((x: { roomId: string; status: string }) => x.roomId === roomId && x.status === 'finished'));
    });

    it('lists friends (shared a room, joined by invitation) and their open rooms friends may see', async () => {
      const [a, b, c] = ps as [Player, Player, Player];
      const fa = await a.http('GET', '/api/rooms/friends');
      const byId = new Map((fa.json.friends as { playerId: string; source: string }[]).map((f) => [f.playerId, f.source]));
      assert.equal(byId.get(b.id), 'shared_room');
      assert.equal(byId.get(c.id), 'invitation');
      const visible = await b.createRoom({ params: { friendsVisible: true }, fee: { mode: 'cash' } });
      const hidden = await c.createRoom({ fee: { mode: 'cash' } });
      const again = await a.http('GET', '/api/rooms/friends');
      const rooms = (again.json.friends as { rooms: { roomId: string }[] }[]).flatMap((f) => f.rooms.map((r) => r.roomId));
      assert.ok(rooms.includes(visible.roomId), 'a friend’s friends-visible room is listed');
      assert.ok(!rooms.includes(hidden.roomId), 'other rooms are not');
      const stranger = await server.player(`${backend.slice(0, 2)}recst`, '10.90.8.8');
      assert.deepEqual((await stranger.http('GET', '/api/rooms/friends')).json.friends, []);
    });

    it('takes reports of a room or a player, once each, from members only', async () => {
      const [a, b, c] = ps as [Player, Player, Player];
      const r1 = await a.http('POST', `/api/rooms/${roomId}/reports`, {
        targetPlayerId: b.id,
        reason: 'collusion',
        text: '两人一直互相弃牌',
      });
      assert.equal(r1.status, 201);
      assert.equal(
        (await a.http('POST', `/api/rooms/${roomId}/reports`, { targetPlayerId: b.id, reason: 'abuse' })).json.code,
        'ROOM_REPORT_DUPLICATE',
      );
      assert.equal(
        (await c.http('POST', `/api/rooms/${roomId}/reports`, { reason: 'gambling' })).status,
        201,
        'a whole room can be reported',
      );
      assert.equal((await c.http('POST', `/api/rooms/${roomId}/reports`, { reason: 'boredom' })).json.code, 'ROOM_REPORT_INVALID');
      assert.equal(
        (await c.http('POST', `/api/rooms/${roomId}/reports`, { targetPlayerId: c.id, reason: 'other' })).json.code,
        'ROOM_TARGET_NOT_MEMBER',
      );
      const outsider = await server.player(`${backend.slice(0, 2)}recrp`, '10.90.7.7');
      assert.equal((await outsider.http('POST', `/api/rooms/${roomId}/reports`, { reason: 'other' })).json.code, 'ROOM_NOT_MEMBER');
      const reported = await server.platform.analytics.list({ kind: 'room_reported' });
      assert.equal(reported.filter((e) => e.data.roomId === roomId).length, 2);
      const signals = await server.platform.analytics.list({ kind: 'room_risk_report_filed' });
      assert.ok(signals.some((e) => e.data.targetPlayerId === b.id));
    });
    it('fails verification against the notarised head when a stored hand is altered, even re-sealed with the key', async () => {
      const row = (
        await server.store.reader.query<{ sealed: string; prev_hash: string }>(
          'SELECT sealed, prev_hash FROM room_hands WHERE room_id = ? AND hand_number = 3',
          [roomId],
        )
      )[0];
      assert.ok(row);
      const record = JSON.parse(server.rooms.sealer.openRecord(row.sealed, roomId, 3)) as { deltas: { points: number }[] };
      // An insider with the data key rewrites hand 3's result and recomputes every stored hash after it.
      const d0 = record.deltas[0] as { points: number };
      const d1 = record.deltas[1] as { points: number };
      d0.points += 5;
      d1.points -= 5;
      const json = JSON.stringify(record);
      const sha = (t: string) => createHash('sha256').update(t).digest('hex');
      let head = row.prev_hash;
      const rows = await server.store.reader.query<{ hand_number: unknown; sealed: string; record_hash: string }>(
        'SELECT hand_number, sealed, record_hash FROM room_hands WHERE room_id = ? AND hand_number >= 3 ORDER BY hand_number',
        [roomId],
      );
      await server.store.unitOfWork(async (tx) => {
        for (const r of rows) {
          const n = Number(r.hand_number);
          const recordHash = n === 3 ? sha(json) : r.record_hash;
          head = sha(`${head}:${recordHash}`);
          const sealed = n === 3 ? server.rooms.sealer.sealRecord(json, roomId, 3) : r.sealed;
          await tx.run('UPDATE room_hands SET sealed = ?, record_hash = ?, chain_hash = ? WHERE room_id = ? AND hand_number = ?', [
            sealed,
            recordHash,
            head,
            roomId,
            n,
          ]);
        }
      });
      const report = await server.rooms.verifyChain(roomId);
      assert.equal(report.ok, false);
      assert.ok(
        report.problems.some((p) => /hand 3: chain head differs from the notarised head/.test(p)),
        report.problems.join('; '),
      );
      // A clumsier edit (bytes changed in the sealed value) does not even open.
      await server.store.unitOfWork((tx) =>
        tx.run("UPDATE room_hands SET sealed = replace(sealed, substr(sealed, 20, 4), 'AAAA') WHERE room_id = ? AND hand_number = 5", [
          roomId,
        ]),
      );
      const again = await server.rooms.verifyChain(roomId);
      assert.ok(
        again.problems.some((p) => /hand 5: the sealed record does not open/.test(p)),
        again.problems.join('; '),
      );
      assert.equal((await (ps[1] as Player).http('GET', `/api/rooms/${roomId}/hands`)).json.code, 'ROOM_RECORD_INTEGRITY');
    });
  });
}

after(() => assertEveryFrameChecked());

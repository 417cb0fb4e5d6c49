// Every event is durable before any frame about it is sent, also when the shared event writes are
// spaced out (a gap between commits and one write in flight, see rooms/batcher.ts): whenever a
// client receives a frame of room version v, the log already holds the room's events up to v.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { botRng, playRoom } from './bots.ts';
import { roomLogSource } from '../../src/rooms/index.ts';
import { BACKENDS, type Client, type Player, TestDatabase, TestServer } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`room frames and the event log on ${backend}, with paced event writes`, () => {
    const db = new TestDatabase(backend);
    let server: TestServer;
    let clients: Client[];
    let roomId: string;
    /** Per frame received: its room version and, read at once, the newest event the log holds. */
    const seen: Promise<{ v: number; loggedSeq: number }>[] = [];
    before(async () => {
      server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 7, 1, 12)), {
        extra: { eventWrites: { gapMs: 20, inFlightMax: 1 } },
      });
      const ps: Player[] = [];
      for (let i = 0; i < 3; i++) ps.push(await server.player(`${backend.slice(0, 2)}dur${i}`, `10.91.0.${i + 1}`));
      for (const p of ps) await server.fund(p.id, 'CNY', 10_000);
      const room = await (ps[0] as Player).createRoom({ fee: { mode: 'cash', payer: 'aa' } });
      roomId = room.roomId;
      assert.equal((await (ps[1] as Player).join(room.code)).status, 200);
      assert.equal((await (ps[2] as Player).join(room.code, { invite: room.invite.token })).status, 200);
      clients = [];
      for (const p of ps) {
        const c = await p.connect(roomId);
        c.ws.on('message', (data) => {
          const f = JSON.parse(data.toString()) as { v?: unknown };
          if (typeof f.v !== 'number') return;
          const v = f.v;
          seen.push(
            server.store.reader
              .query<{ s: number | null }>(`SELECT MAX(seq) AS s FROM ${roomLogSource(server.store.dialect)} WHERE room_id = ?`, [roomId])
              .then((rows) => ({ v, loggedSeq: Number(rows[0]?.s ?? 0) })),
          );
        });
        clients.push(c);
      }
    });
    after(async () => {
      await server.stop();
      await db.destroy();
    });

    it('sends no frame of a room version before the log holds its events', async () => {
      await playRoom(server, clients, roomId, botRng(`${backend}-durable`));
      assert.equal(server.rooms.actor(roomId)?.state.status, 'finished');
      const checked = await Promise.all(seen);
      assert.ok(checked.length > 50, `frames checked: ${checked.length}`);
      const early = checked.filter((c) => c.v > c.loggedSeq);
      assert.deepEqual(early, [], 'every frame’s version is in the log when the frame arrives');
    });
  });
}

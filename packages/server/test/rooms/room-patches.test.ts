// The `room` frame is a patch of the parts of the room view that changed. A client that applies
// every patch holds the same room view as a welcome made now gives (the room's version aside:
// hand actions change it without a room frame), through ready clicks, seed commitments, hand
// starts and ends, and players dropping and coming back.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { assertEveryFrameChecked, botRng, checkNoHiddenCards, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Frame, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

const dbs: TestDatabase[] = [];
after(async () => {
  for (const db of dbs) await db.destroy();
});

/** Every open client's patched room view equals the one a welcome gives now. */
async function sameAsWelcome(server: TestServer, roomId: string, clients: readonly Client[], viewer: Player, label: string): Promise<void> {
  await caughtUp(server, clients, roomId);
  const fresh = await viewer.connect(roomId);
  try {
    const { version: _v, ...whole } = fresh.room as Frame;
    for (const c of clients) {
      if (c.closeCode !== null) continue;
      const { version: _cv, ...held } = c.room as Frame;
      assert.deepEqual(held, whole, `${label}: ${c.player.handle} holds the room as a welcome shows it`);
    }
  } finally {
    fresh.close();
    await fresh.closed();
    await server.settle();
  }
}

for (const backend of BACKENDS) {
  describe(`room frames on ${backend}`, () => {
    it('bring every client to the room view a welcome gives, through hands, seeds and presence', async () => {
      const db = new TestDatabase(backend);
      dbs.push(db);
      const server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 5, 4, 12)));
      try {
        const { players, room, clients } = await seatCashRoom(server, `${backend.slice(0, 2)}rp`, '10.73.1');
        const [owner] = players as [Player];
        const rng = botRng(`${backend}-room-patches`);
        await sameAsWelcome(server, room.roomId, clients, owner, 'seated');
        await playRoom(server, clients, room.roomId, rng, { handsMax: 1, seedSeats: [0, 2] });
        await sameAsWelcome(server, room.roomId, clients, owner, 'after a hand with seeds');
        // A player drops: the others see them away; they come back: the others see them again.
        const away = clients[2] as Client;
        away.close();
        await away.closed();
        await server.settle();
        const others = clients.slice(0, 2);
        const watcher = others[0] as Client;
        const seen = (connected: boolean) =>
          ((watcher.room?.members ?? []) as Frame[]).some((m) => m.playerId === away.player.id && m.connected === connected);
        await watcher.waitFor(() => seen(false), 'the others see the player away');
        await sameAsWelcome(server, room.roomId, others, owner, 'a player away');
        const back = await (players[2] as Player).connect(room.roomId);
        const all = [...others, back];
        await watcher.waitFor(() => seen(true), 'the others see the player back');
        await sameAsWelcome(server, room.roomId, all, owner, 'the player back');
        await playRoom(server, all, room.roomId, rng, { handsMax: 1, seedSeats: [1] });
        await sameAsWelcome(server, room.roomId, all, owner, 'after another hand');
        await checkNoHiddenCards(server, room.roomId, owner.id);
      } finally {
        await server.stop();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

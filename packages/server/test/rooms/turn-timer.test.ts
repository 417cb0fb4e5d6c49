// The turn's timer is kept across the actions of a hand and moved, not remade: when it runs out it
// must act for the seat in turn now, at the hand's step now, not for the turn it was first set for.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { botRng, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`the turn timer on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });

    it('acts for the seat in turn when its time runs out after several actions in the same instant', async () => {
      const d = new TestDatabase(backend);
      dbs.push(d);
      const server = await TestServer.start(d, new ManualClock(Date.UTC(2026, 5, 1, 12)));
      try {
        const { room, clients } = await seatCashRoom(server, `${backend.slice(0, 2)}tt`, '10.71.3');
        // Everyone calls while the clock stands still: each action moves the turn deadline to the
        // same instant, so the timer set at the first turn is the one kept.
        await playRoom(server, clients, room.roomId, botRng(`${backend}-turn-timer`), {
          choose: (_c: Client, legal) => (legal.call ? { type: 'call' } : { type: 'fold' }),
          stopAt: (s) => s.hand !== null && s.hand.state.step >= 4,
        });
        await caughtUp(server, clients, room.roomId);
        const before = server.rooms.actor(room.roomId)?.state;
        const hand = before?.hand;
        assert.ok(before && hand && hand.state.phase === 'betting', 'a hand in play');
        const seat = hand.state.turnSeat;
        const step = hand.state.step;
        assert.ok(
          hand.actions.toArray().every((a) => !a.auto),
          'nobody timed out yet',
        );

        await server.advance(before.params.turnTimeS * 1000);

        const now = server.rooms.actor(room.roomId)?.state.hand;
        assert.ok(now && now.handNumber === hand.handNumber, 'the same hand');
        const autos = now.actions.toArray().filter((a) => a.auto);
        assert.equal(autos.length, 1, 'the room acted once for the timed-out seat');
        assert.equal(autos[0]?.action.seat, seat, 'for the seat in turn');
        assert.equal(now.state.step, step + 1, 'at the step the hand was at');
      } finally {
        await server.stop();
      }
    });

    it('keeps one timer per thing the room waits for: set when wanted, kept while wanted, cancelled when not', async () => {
      const d = new TestDatabase(backend);
      dbs.push(d);
      const server = await TestServer.start(d, new ManualClock(Date.UTC(2026, 5, 1, 12)));
      try {
        const { players, room, clients } = await seatCashRoom(server, `${backend.slice(0, 2)}tk`, '10.71.4');
        const rng = botRng(`${backend}-timer-kept`);
        await playRoom(server, clients, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 2 });
        await caughtUp(server, clients, room.roomId);
        const windows = () => (server.rooms.actor(room.roomId)?.state.hand?.players ?? []).filter((p) => p.windowEndsAtMs !== null).length;
        // Each open connection holds its hello deadline's timer (the gateway's) until it closes.
        let sockets = 3;
        // In a hand with everyone here: the turn's timer and each open play window's.
        const inHand = server.timers.pending;
        assert.equal(inHand, sockets + 1 + windows(), 'the turn and the play windows');
        // A seated player drops: their reconnection grace is added; back: it is cancelled.
        const away = clients[2] as Client;
        away.close();
        await away.closed();
        await server.settle();
        sockets -= 1;
        assert.equal(server.timers.pending, sockets + 1 + windows() + 1, 'the grace of the player away');
        const back = await (players[2] as Player).connect(room.roomId);
        await server.settle();
        sockets += 1;
        assert.equal(server.timers.pending, sockets + 1 + windows(), 'the grace is cancelled when the player is back');
        // Actions keep the same timers (the windows' stay as they were set).
        const all = [clients[0] as Client, clients[1] as Client, back];
        await playRoom(server, all, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 4 });
        await caughtUp(server, all, room.roomId);
        if (server.rooms.actor(room.roomId)?.state.hand !== null)
          assert.equal(server.timers.pending, sockets + 1 + windows(), 'still one each');
        // Between hands: the pause's timer, no turn, no window.
        await playRoom(server, all, room.roomId, rng, { handsMax: 1 });
        await caughtUp(server, all, room.roomId);
        const s = server.rooms.actor(room.roomId)?.state;
        assert.ok(s && s.hand === null && s.status === 'playing', 'between hands');
        assert.equal(server.timers.pending, sockets + 1, 'the pause between hands');
      } finally {
        await server.stop();
      }
    });
  });
}

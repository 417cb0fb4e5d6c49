// One frame per recipient per action: the room folds the acting player's answer into the
// broadcast it receives anyway. The sender's `hand` frame carries the request's id (and no separate
// `ok` follows), every other seat gets the same change without an id, and a refused command is
// still answered by an `error` with its id. Nothing hidden leaks through the folded frame.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { assertEveryFrameChecked, botRng, checkNoHiddenCards, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Frame, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

for (const backend of BACKENDS) {
  describe(`folded replies on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });

    it('answers an action once, in the hand frame the actor receives, with its request id', async () => {
      const db = new TestDatabase(backend);
      dbs.push(db);
      const server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 5, 3, 12)));
      try {
        const tag = `${backend.slice(0, 2)}fr`;
        const { players, room, clients } = await seatCashRoom(server, tag, `10.71.${tag.length}`);
        const [owner] = players as [Player];
        const rng = botRng(`${backend}-folded`);
        await playRoom(server, clients, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.phase === 'betting' });

        for (let n = 0; n < 3; n++) {
          const s = server.rooms.actor(room.roomId)?.state;
          if (s?.hand?.state.phase !== 'betting') break;
          const actor = clients.find((c) => c.seat === s.hand?.state.turnSeat) as Client;
          await caughtUp(server, clients, room.roomId);
          const marks = clients.map((c) => c.frames.length);
          const id = `fold-${backend}-${n}`;
          const legal = actor.hand?.legal as Frame;
          const action = legal.call ? { type: 'call' } : { type: 'fold' };
          actor.raw({ t: 'act', id, v: actor.v, action });
          await server.settle();
          await caughtUp(server, clients, room.roomId);
          const version = server.rooms.actor(room.roomId)?.state.version;

          const mine = actor.frames.slice(marks[clients.indexOf(actor)]);
          const withId = mine.filter((f) => f.id === id);
          assert.equal(withId.length, 1, `exactly one frame answers ${id}: ${JSON.stringify(mine).slice(0, 400)}`);
          const isHand = (f: Frame) => f.t === 'hand' || f.t === 'hand_patch';
          assert.ok(isHand(withId[0] as Frame), 'the answer is the hand frame (or patch) that carries the action');
          assert.equal(withId[0]?.v, version, 'at the version the action made');
          assert.ok(!mine.some((f) => f.t === 'ok'), 'no separate ok');
          assert.equal(mine.filter(isHand).length, 1, 'one hand frame for the action');
          for (const [i, c] of clients.entries()) {
            if (c === actor) continue;
            const theirs = c.frames.slice(marks[i]);
            assert.equal(theirs.filter(isHand).length, 1, `${c.player.handle} gets the change once`);
            assert.ok(!theirs.some((f) => f.id !== undefined), `${c.player.handle} sees no one else's request id`);
          }
        }

        // A refused command is still answered by an error with its id.
        const s = server.rooms.actor(room.roomId)?.state;
        const waiting = clients.find((c) => c.seat !== null && c.seat !== s?.hand?.state.turnSeat) as Client;
        const r = await waiting.send({ t: 'act', action: { type: 'call' } });
        assert.equal(r.t, 'error', JSON.stringify(r));
        await playRoom(server, clients, room.roomId, rng, { handsMax: 1 });
        await checkNoHiddenCards(server, room.roomId, owner.id);
      } finally {
        await server.stop();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

// The two room kinds of subscription message, through a real room on both backends. "Your turn
// while away": the turn passing to a seated player with no socket to the room queues one message
// per hand (spending one consent), however many turns they miss; none without a consent, none for
// a connected player. "A friend's room is starting": when the first hand starts, the players
// personally invited to the room or holding a place in it without a seat (observers) get one
// message each where they consented; seated players and later hands queue nothing.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { botRng, chooseAction, playRoom } from '../rooms/bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, TestDatabase, TestServer } from '../rooms/harness.ts';

const TEMPLATES = { turn_away: 'TPL_turn_away', friend_room: 'TPL_friend_room' };

/** Everyone who is still in calls, so every seat gets a turn in every betting round. */
const calling = (_c: Client, legal: Record<string, unknown>, rng: ReturnType<typeof botRng>) =>
  legal.call ? { type: 'call' } : chooseAction(legal, rng);

async function consent(p: Player, templateIds: string[], times = 1): Promise<void> {
  for (let i = 0; i < times; i++) {
    const r = await p.http('POST', '/api/subscriptions/consents', { templateIds });
    assert.equal(r.status, 200, JSON.stringify(r.json));
  }
}

async function sends(server: TestServer, playerId: string) {
  return server.store.reader.query<{ kind: string; dedupe_key: string; page: string }>(
    'SELECT kind, dedupe_key, page FROM subscribe_sends WHERE player_id = ? ORDER BY dedupe_key',
    [playerId],
  );
}

async function remaining(p: Player): Promise<Record<string, number>> {
  const r = await p.http('GET', '/api/subscriptions');
  assert.equal(r.status, 200, JSON.stringify(r.json));
  return Object.fromEntries((r.json.items as { kind: string; remaining: number }[]).map((x) => [x.kind, x.remaining]));
}

for (const backend of BACKENDS) {
  describe(`room subscription messages on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });

    it('queues one "your turn" per hand for an away player with a consent, none without one, none for a connected player; the room start reaches invited players who are not seated', async () => {
      const db = new TestDatabase(backend);
      dbs.push(db);
      const server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 5, 1, 12)), { config: { subscribeTemplates: TEMPLATES } });
      try {
        const tag = `${backend.slice(0, 2)}sb`;
        const [owner, away, noConsent, invited, watcher, invitedNoConsent] = [
          await server.player(`${tag}o`, '10.81.0.1'),
          await server.player(`${tag}a`, '10.81.0.2'),
          await server.player(`${tag}n`, '10.81.0.3'),
          await server.player(`${tag}i`, '10.81.0.4'),
          await server.player(`${tag}w`, '10.81.0.5'),
          await server.player(`${tag}x`, '10.81.0.6'),
        ] as [Player, Player, Player, Player, Player, Player];
        await consent(owner, [TEMPLATES.turn_away, TEMPLATES.friend_room], 3);
        await consent(away, [TEMPLATES.turn_away, TEMPLATES.friend_room], 3);
        await consent(invited, [TEMPLATES.friend_room], 2);
        await consent(watcher, [TEMPLATES.friend_room, TEMPLATES.turn_away]);
        await server.fund(owner.id, 'CNY', 10_000);
        const room = await owner.createRoom({ params: { trusteeship: 'call' }, fee: { mode: 'cash' } });
        for (const p of [away, noConsent]) assert.equal((await p.join(room.code)).status, 200);
        assert.equal((await watcher.join(room.code, { role: 'observer' })).status, 200);
        for (const p of [invited, invitedNoConsent, away]) {
          const r = await owner.http('POST', `/api/rooms/${room.roomId}/invites`, { playerId: p.id });
          assert.equal(r.status, 201, JSON.stringify(r.json));
        }
        const ownerC = await owner.connect(room.roomId);
        const rng = botRng(`${backend}-subscriptions`);
        const awaySeat = () => server.rooms.actor(room.roomId)?.state.members.find((m) => m.playerId === away.id)?.seat;

        // Each hand: starts with everyone connected; two seated players drop and miss two turns or
        // more (played for them), then come back (within the grace) and the hand is played out.
        const missTurns = async (handNumber: number) => {
          let clients = [ownerC, await away.connect(room.roomId), await noConsent.connect(room.roomId)];
          await caughtUp(server, clients, room.roomId);
          await playRoom(server, clients, room.roomId, rng, { stopAt: (s) => s.hand?.handNumber === handNumber, choose: calling });
          for (const c of clients.slice(1)) {
            c.close();
            await c.closed();
          }
          await server.settle();
          await playRoom(server, [ownerC], room.roomId, rng, {
            choose: calling,
            stopAt: (s) => s.hand === null || s.hand.actions.toArray().filter((a) => a.auto && a.action.seat === awaySeat()).length >= 2,
          });
          assert.ok(server.rooms.actor(room.roomId)?.state.hand?.handNumber === handNumber, 'the hand goes on');
          clients = [ownerC, await away.connect(room.roomId), await noConsent.connect(room.roomId)];
          await caughtUp(server, clients, room.roomId);
          await playRoom(server, clients, room.roomId, rng, { handsMax: 1, choose: calling });
          for (const c of clients.slice(1)) {
            c.close();
            await c.closed();
          }
          await server.settle();
        };
        await missTurns(1);
        assert.deepEqual(
          (await sends(server, away.id)).filter((r) => r.kind === 'turn_away').map((r) => r.dedupe_key),
          [`turn_away:${room.roomId}:1:${away.id}`],
          'one message for the hand, however many turns passed while away',
        );
        await missTurns(2);

        const awayRows = await sends(server, away.id);
        assert.deepEqual(
          awayRows.map((r) => [r.kind, r.dedupe_key]),
          [
            ['turn_away', `turn_away:${room.roomId}:1:${away.id}`],
            ['turn_away', `turn_away:${room.roomId}:2:${away.id}`],
          ],
          'seated (and personally invited): no room-start message; one "your turn" per hand',
        );
        assert.equal(awayRows[0]?.page, `room?room=${room.code}`);
        assert.deepEqual(await remaining(away), { turn_away: 1, friend_room: 3 }, 'a consent spent per message, no more');
        assert.deepEqual(await sends(server, noConsent.id), [], 'away without a consent: nothing queued');
        assert.deepEqual(await sends(server, owner.id), [], 'the connected owner: nothing queued');

        // The room start: the invited player and the observer, once; not the seated, not without a consent.
        for (const p of [invited, watcher])
          assert.deepEqual(
            (await sends(server, p.id)).map((r) => r.dedupe_key),
            [`friend_room:${room.roomId}:${p.id}`],
            `${p.handle}: one room-start message`,
          );
        assert.deepEqual(await remaining(invited), { friend_room: 1, turn_away: 0 });
        assert.deepEqual(await remaining(watcher), { turn_away: 1, friend_room: 0 }, 'an observer has no turn');
        assert.deepEqual(await sends(server, invitedNoConsent.id), []);
      } finally {
        await server.stop();
      }
    });
  });
}

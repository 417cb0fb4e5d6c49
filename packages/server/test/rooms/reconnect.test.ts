// Dropped connections and server restarts. A player who drops keeps the seat for the grace period
// while the room's auto-play rule acts on their timeouts, and gets the same seat and view back on
// reconnecting; after the grace the seat is given up. A crashed server's replacement rebuilds the
// room from its event log and the hand goes on with the same deck; a graceful stop (SIGTERM)
// refuses new rooms, lets rooms finish what they are doing, and tells clients to come back.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CloseCodes, roomLogSource } from '../../src/rooms/index.ts';
import { assertEveryFrameChecked, botRng, checkFairness, checkNoHiddenCards, handRecords, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

function threeSeats(server: TestServer, tag: string, params: Record<string, unknown> = {}) {
  return seatCashRoom(server, tag, `10.70.${tag.length}`, params);
}

for (const backend of BACKENDS) {
  describe(`reconnection and restarts on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });
    const database = () => {
      const d = new TestDatabase(backend);
      dbs.push(d);
      return d;
    };

    it('holds the seat while a player is away, plays for them on timeouts, and gives back the same seat and view', async () => {
      const server = await TestServer.start(database(), new ManualClock(Date.UTC(2026, 5, 1, 12)));
      try {
        const { players, room, clients } = await threeSeats(server, `${backend.slice(0, 2)}rc`, { trusteeship: 'call' });
        const rng = botRng(`${backend}-reconnect`);
        await playRoom(server, clients, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 1 });
        const away = clients[1] as Client;
        const seat = away.seat;
        const look = await away.send({ t: 'act', action: { type: 'look' } });
        if (look.t !== 'ok')
          assert.ok(['ZJH_ALREADY_LOOKED', 'ZJH_PLAYER_FOLDED', 'ZJH_PLAYER_OUT'].includes(look.code), JSON.stringify(look));
        await caughtUp(server, clients, room.roomId);
        const myCards = ((away.hand?.view.players ?? []) as { seat: number; cards: string[] | null }[]).find((p) => p.seat === seat)?.cards;
        away.close();
        await away.closed();
        await server.settle();
        const others = clients.filter((c) => c !== away);
        await caughtUp(server, others, room.roomId);
        await (others[0] as Client).waitFor(
          () =>
            (others[0] as Client).room?.members.some(
              (m: { playerId: string; connected: boolean }) => m.playerId === away.player.id && !m.connected,
            ),
          'the others see the player is away',
        );
        // The others play on; when the away player's turn comes, the room calls for them at the timeout.
        const handNumber = server.rooms.actor(room.roomId)?.state.hand?.handNumber;
        await playRoom(server, others, room.roomId, rng, {
          stopAt: (s) => s.hand === null || s.hand.actions.toArray().some((a) => a.auto),
        });
        const s = server.rooms.actor(room.roomId)?.state;
        const autoTypes =
          s?.hand && s.hand.handNumber === handNumber
            ? s.hand.actions
                .toArray()
                .filter((a) => a.auto)
                .map((a) => a.action.type)
            : ((await handRecords(server, room.roomId, players[0]?.id as string)).get(handNumber as number)?.actions ?? [])
                .filter((a) => a.auto)
                .map((a) => a.type);
        assert.ok(autoTypes.length > 0, 'the room acted for the away player');
        assert.equal(autoTypes[0], 'call', 'with the room’s auto-play rule');
        assert.equal(
          server.rooms.actor(room.roomId)?.state.members.find((m) => m.playerId === away.player.id)?.seat,
          seat,
          'the seat is held',
        );

        const back = await away.player.connect(room.roomId);
        assert.equal(back.you?.seat, seat, 'the same seat');
        const again = await away.player.connect(room.roomId);
        assert.deepEqual(
          { ...back.hand, turnDeadlineMs: 0 },
          { ...again.hand, turnDeadlineMs: 0 },
          'the view is the room’s current one, every time',
        );
        if (back.hand !== null && back.hand.handNumber === handNumber && myCards) {
          const mine = (back.hand.view.players as { seat: number; cards: string[] | null }[]).find((p) => p.seat === seat);
          assert.deepEqual(mine?.cards, myCards, 'the same cards in the same hand');
        }
        again.close();
        const all = [...others, back];
        await playRoom(server, all, room.roomId, rng, { handsMax: 1 });
        await checkFairness(server, room.roomId, players[0]?.id as string);
        await checkNoHiddenCards(server, room.roomId, players[0]?.id as string);
      } finally {
        await server.stop();
      }
    });

    it('gives up the seat of a player who stays away past the grace period', async () => {
      const server = await TestServer.start(database(), new ManualClock(Date.UTC(2026, 5, 1, 12)));
      try {
        const { players, room, clients } = await threeSeats(server, `${backend.slice(0, 2)}gr`);
        const rng = botRng(`${backend}-grace`);
        await playRoom(server, clients, room.roomId, rng, { handsMax: 1 });
        const gone = clients[2] as Client;
        gone.close();
        await gone.closed();
        await server.settle();
        await server.advance(119_000);
        assert.ok(
          server.rooms.actor(room.roomId)?.state.members.some((m) => m.playerId === gone.player.id),
          'still seated within the grace period',
        );
        const rest = clients.slice(0, 2);
        // Between hands the pause may already have started the next hand; either way, past the grace the seat goes.
        await server.advance(2_000);
        await playRoom(server, rest, room.roomId, rng, { stopAt: (s) => !s.members.some((m) => m.playerId === gone.player.id) });
        assert.ok(!server.rooms.actor(room.roomId)?.state.members.some((m) => m.playerId === gone.player.id));
        const exits = await server.platform.analytics.list({ kind: 'room_risk_early_exit', limit: 50 });
        assert.ok(
          exits.some((e) => e.actorId === gone.player.id),
          'an early exit is recorded for the credit score',
        );
        const rejoin = await (players[2] as Player).join(room.code);
        assert.equal(rejoin.status, 200, 'a player who dropped (not kicked) may come back while a seat is free');
        await checkNoHiddenCards(server, room.roomId, (players[0] as Player).id);
      } finally {
        await server.stop();
      }
    });

    it('rebuilds a room mid-hand after a crash: same seats, same hand, same deck', async () => {
      const db = database();
      const clock = new ManualClock(Date.UTC(2026, 5, 2, 12));
      const keys = { dataKey: randomBytes(32), sessionSecret: randomBytes(32).toString('base64url') };
      const first = await TestServer.start(db, clock, keys);
      const { players, room, clients } = await threeSeats(first, `${backend.slice(0, 2)}cr`, { mode: 'custom', seats: 3, rounds: 8 });
      const rng = botRng(`${backend}-crash`);
      await playRoom(first, clients, room.roomId, rng, { handsMax: 1 });
      await playRoom(first, clients, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 2 });
      for (const c of clients) {
        const r = await c.send({ t: 'act', action: { type: 'look' } });
        assert.ok(r.t === 'ok' || ['ZJH_ALREADY_LOOKED', 'ZJH_PLAYER_FOLDED', 'ZJH_PLAYER_OUT'].includes(r.code), JSON.stringify(r));
        await caughtUp(first, clients, room.roomId);
      }
      await caughtUp(first, clients, room.roomId);
      const before = first.rooms.actor(room.roomId)?.state;
      assert.ok(before?.hand);
      const cardsBefore = before.hand.state.players.map((p) => ({ seat: p.seat, cards: p.cards }));
      if (backend === 'sqlite') {
        // The log's latest rows are still in its hot table, not yet folded into the keyed one.
        const hot = await first.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM room_events_hot WHERE room_id = ?', [
          room.roomId,
        ]);
        assert.ok(Number(hot[0]?.n) > 0, 'the crash leaves rows unfolded');
      }
      await first.crash();
      for (const c of clients) c.ws.terminate();

      const second = await TestServer.start(db, clock, keys);
      try {
        const rebuilt = second.rooms.actor(room.roomId)?.state;
        assert.ok(rebuilt, 'the room is live again');
        assert.equal(rebuilt.version, before.version);
        assert.equal(rebuilt.hand?.handNumber, before.hand.handNumber);
        assert.equal(rebuilt.hand?.state.step, before.hand.state.step);
        assert.deepEqual(
          rebuilt.hand?.state.players.map((p) => ({ seat: p.seat, cards: p.cards })),
          cardsBefore,
          'the hand is not re-dealt: the same cards from the same sealed seed',
        );
        assert.deepEqual(rebuilt.scores, before.scores);
        const back: Client[] = [];
        for (const [i, p] of players.entries()) {
          const c = await p.connect(room.roomId, second);
          assert.equal(c.you?.seat, clients[i]?.seat, `${p.handle} is back in the same seat`);
          back.push(c);
        }
        await playRoom(second, back, room.roomId, rng);
        const done = second.rooms.actor(room.roomId)?.state;
        assert.equal(done?.status, 'finished');
        assert.equal(
          done?.scores.reduce((a, l) => a + l.points, 0),
          0,
        );
        assert.equal(await checkFairness(second, room.roomId, players[0]?.id as string), 8);
        await checkNoHiddenCards(second, room.roomId, players[0]?.id as string);
        await second.attestHands();
        const chain = await second.rooms.verifyChain(room.roomId);
        assert.ok(chain.ok, chain.problems.join('; '));
        const inv = await second.platform.ledger.checkInvariants();
        assert.ok(inv.ok, inv.problems.join('; '));
      } finally {
        await second.stop();
      }
    });

    it('on SIGTERM stops taking rooms, lets rooms finish, tells clients to come back, and the next server resumes them', async () => {
      const db = database();
      const clock = new ManualClock(Date.UTC(2026, 5, 3, 12));
      const keys = { dataKey: randomBytes(32), sessionSecret: randomBytes(32).toString('base64url') };
      const first = await TestServer.start(db, clock, keys);
      const { players, room, clients } = await threeSeats(first, `${backend.slice(0, 2)}st`);
      const rng = botRng(`${backend}-sigterm`);
      await playRoom(first, clients, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.step >= 1 });
      const version = first.rooms.actor(room.roomId)?.state.version;
      await first.rooms.shutdown();
      const refused = await (players[0] as Player).http('POST', '/api/rooms', { fee: { mode: 'cash' } });
      assert.equal(refused.status, 503);
      assert.equal(refused.json.code, 'ROOM_SERVER_DRAINING');
      assert.equal((await (players[1] as Player).join(room.code)).json.code, 'ROOM_SERVER_DRAINING');
      for (const c of clients) {
        assert.equal(await c.closed(), CloseCodes.RESTART);
        assert.equal(c.frames.at(-1)?.code, 'ROOM_SERVER_RESTARTING');
      }
      await first.stop();

      const second = await TestServer.start(db, clock, keys);
      try {
        assert.equal(second.rooms.actor(room.roomId)?.state.version, version, 'nothing was lost or added');
        const back: Client[] = [];
        for (const p of players) back.push(await p.connect(room.roomId, second));
        await playRoom(second, back, room.roomId, rng, { handsMax: 1 });
        await checkFairness(second, room.roomId, players[0]?.id as string);
        await checkNoHiddenCards(second, room.roomId, players[0]?.id as string);
      } finally {
        await second.stop();
      }
    });

    it('answers every command it applied before a SIGTERM closes the connections', async () => {
      const db = database();
      const clock = new ManualClock(Date.UTC(2026, 5, 4, 12));
      const server = await TestServer.start(db, clock);
      try {
        const { room, clients } = await threeSeats(server, `${backend.slice(0, 2)}ak`);
        await playRoom(server, clients, room.roomId, botRng(`${backend}-ack`), {
          stopAt: (s) => s.hand !== null && s.hand.state.step >= 1,
        });
        const before = server.rooms.actor(room.roomId)?.state.version ?? 0;
        // The stop arrives the moment the first look has been applied, before its answer is on its way.
        const actor = server.rooms.actor(room.roomId) as NonNullable<ReturnType<typeof server.rooms.actor>>;
        const command = actor.command.bind(actor);
        let stopping: Promise<void> | null = null;
        actor.command = async (playerId, frame, from) => {
          const result = await command(playerId, frame, from);
          stopping ??= server.rooms.shutdown();
          return result;
        };
        for (const [i, c] of clients.entries()) c.raw({ t: 'act', action: { type: 'look' }, id: `look-${i}`, v: before });
        for (const c of clients) await c.closed();
        await stopping;
        const rows = await server.store.reader.query<{ data: string }>(
          `SELECT data FROM ${roomLogSource(server.store.dialect)} WHERE room_id = ? AND kind = 'hand_action' AND seq > ?`,
          [room.roomId, before],
        );
        const looked = rows
          .map((r) => JSON.parse(r.data) as { action: { type: string; seat: number } })
          .filter((e) => e.action.type === 'look');
        assert.ok(looked.length > 0, 'at least the first look was applied');
        for (const e of looked) {
          const i = clients.findIndex((c) => c.seat === e.action.seat);
          // The answer is the hand frame that carries the look (folded) or, failing that, an `ok`.
          const answered = clients[i]?.frames.some((f) => f.id === `look-${i}` && (f.t === 'ok' || f.t === 'hand' || f.t === 'hand_patch'));
          assert.ok(answered, `seat ${e.action.seat} looked, and its player was told so before the connection closed`);
        }
        await checkNoHiddenCards(server, room.roomId, clients[0]?.player.id as string);
      } finally {
        await server.stop();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

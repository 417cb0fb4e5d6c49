// After a hand's first frame, each action reaches every seat and spectator as a patch of the hand
// view: the fields that changed, the players whose entry changed as that recipient may see them,
// and a seat's own legal actions only when they changed. The view a client builds from patches is
// the one a welcome gives; a client that missed a frame asks for the whole view and follows again.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { assertEveryFrameChecked, botRng, checkNoHiddenCards, playRoom } from './bots.ts';
import { BACKENDS, type Client, caughtUp, type Frame, type Player, seatCashRoom, TestDatabase, TestServer } from './harness.ts';

/** The hand frames (whole or patch) a client received since `mark`. */
function handFramesSince(c: Client, mark: number): Frame[] {
  return c.frames.slice(mark).filter((f) => f.t === 'hand' || f.t === 'hand_patch');
}

/** Waits for the welcome a resync asks for, and answers the hand it carries. */
async function resync(c: Client): Promise<Frame> {
  const mark = c.frames.length;
  c.raw({ t: 'resync' });
  await c.waitFor(() => c.frames.slice(mark).some((f) => f.t === 'welcome'), 'welcome after resync');
  return c.frames.slice(mark).find((f) => f.t === 'welcome') as Frame;
}

for (const backend of BACKENDS) {
  describe(`hand patches on ${backend}`, () => {
    const dbs: TestDatabase[] = [];
    after(async () => {
      for (const d of dbs) await d.destroy();
    });

    it('sends each seat and spectator only what changed, as it may see it, and the patched view is the whole one', async () => {
      const db = new TestDatabase(backend);
      dbs.push(db);
      const server = await TestServer.start(db, new ManualClock(Date.UTC(2026, 5, 4, 12)));
      try {
        const tag = `${backend.slice(0, 2)}hp`;
        const { players, room, clients } = await seatCashRoom(server, tag, `10.72.${tag.length}`);
        const [owner] = players as [Player];
        const watcher = await server.player(`${tag}obs`, `10.72.${tag.length}.9`);
        assert.equal((await watcher.join(room.code, { role: 'observer' })).status, 200);
        const spectator = await watcher.connect(room.roomId);
        const everyone = [...clients, spectator];
        const rng = botRng(`${backend}-patches`);
        await playRoom(server, everyone, room.roomId, rng, { stopAt: (s) => s.hand !== null && s.hand.state.phase === 'betting' });

        const looked = new Set<number>();
        let patched = 0;
        for (let n = 0; n < 6; n++) {
          const s = server.rooms.actor(room.roomId)?.state;
          if (s?.hand?.state.phase !== 'betting') break;
          await caughtUp(server, everyone, room.roomId);
          const actor = clients.find((c) => c.seat === s.hand?.state.turnSeat) as Client;
          const marks = everyone.map((c) => c.frames.length);
          const bases = everyone.map((c) => c.handV);
          const legalBefore = everyone.map((c) => JSON.stringify(c.hand?.legal ?? null));
          const legal = actor.hand?.legal as Frame;
          const look = legal.look === true && !looked.has(actor.seat as number);
          const action = look ? { type: 'look' } : legal.call ? { type: 'call' } : { type: 'fold' };
          if (look) looked.add(actor.seat as number);
          assert.equal((await actor.send({ t: 'act', action })).t, 'ok');
          await caughtUp(server, everyone, room.roomId);
          const version = server.rooms.actor(room.roomId)?.state.version;
          // The action ended the hand: that frame is whole (no hand), and there is nothing left to patch.
          if (server.rooms.actor(room.roomId)?.state.hand === null) break;

          const patches: Frame[] = [];
          for (const [i, c] of everyone.entries()) {
            const got = handFramesSince(c, marks[i] as number);
            assert.equal(got.length, 1, `${c.player.handle}: one hand frame for the action`);
            const p = got[0] as Frame;
            patches.push(p);
            assert.equal(p.t, 'hand_patch', 'after the first frame of a hand, a patch');
            assert.equal(p.v, version);
            assert.equal(p.base, bases[i], 'made on the hand frame the client holds');
            assert.equal(p.info, undefined, "a hand's fixed facts are not sent again");
            assert.ok((p.players ?? []).length < ((c.hand as Frame).view.players as Frame[]).length, 'not every player again');
            if (c === spectator) assert.equal(p.legal, undefined, 'a spectator gets no legal actions');
            const changed = JSON.stringify(c.hand?.legal ?? null) !== legalBefore[i];
            assert.equal(p.legal !== undefined, changed, `${c.player.handle}: legal actions sent exactly when they changed`);
            for (const q of (p.players ?? []) as Frame[]) {
              if (q.cards === null) continue;
              assert.ok(
                q.seat === c.seat || q.shownToAll === true || ((q.visibleTo ?? []) as number[]).includes(c.seat as number),
                `${c.player.handle} got seat ${q.seat}'s cards`,
              );
            }
          }
          if (look) {
            // The seat that looked gets its own cards; everyone else only learns that it looked.
            for (const [i, c] of everyone.entries()) {
              const entry = ((patches[i]?.players ?? []) as Frame[]).find((q) => q.seat === actor.seat);
              assert.ok(entry, `${c.player.handle} hears of the look`);
              assert.equal(entry.seen, true);
              if (c === actor) assert.equal((entry.cards as string[]).length, 3, 'the looker sees its cards');
              else assert.equal(entry.cards, null, `${c.player.handle} does not`);
            }
          }
          patched += 1;
          // The public part is the same for every recipient of one visibility: whoever got no
          // private part got exactly the spectator's patch.
          const spectatorPatch = JSON.stringify({ ...patches.at(-1), id: undefined });
          for (const [i, p] of patches.entries()) {
            const own = ((p.players ?? []) as Frame[]).some((q) => q.cards !== null);
            if (p.legal === undefined && !own)
              assert.equal(
                JSON.stringify({ ...p, id: undefined }),
                spectatorPatch,
                `${everyone[i]?.player.handle} shares the public patch`,
              );
          }
        }

        assert.ok(patched >= 3 && looked.size >= 1, `several actions patched (${patched}), a look among them`);
        // What each client built from patches is what a welcome gives it.
        for (const c of everyone) {
          const held = c.hand;
          const welcome = await resync(c);
          assert.deepEqual(welcome.hand, held, `${c.player.handle}: the patched view is the whole view`);
          assert.equal(welcome.handV, c.handV);
        }
        await caughtUp(server, everyone, room.roomId);

        // A client that missed a frame asks for the whole view once and then follows the patches again.
        const s = server.rooms.actor(room.roomId)?.state;
        assert.equal(s?.hand?.state.phase, 'betting', 'the hand is still in play');
        {
          const lost = spectator;
          lost.handV -= 1;
          const mark = lost.frames.length;
          const turn = clients.find((c) => c.seat === s.hand?.state.turnSeat) as Client;
          const legal = turn.hand?.legal as Frame;
          assert.equal((await turn.send({ t: 'act', action: legal.call ? { type: 'call' } : { type: 'fold' } })).t, 'ok');
          await lost.waitFor(() => lost.gaps === 1 && lost.frames.slice(mark).some((f) => f.t === 'welcome'), 'resync after a gap');
          await caughtUp(server, everyone, room.roomId);
          const patch = lost.frames.slice(mark).find((f) => f.t === 'hand_patch') as Frame;
          assert.equal(lost.handV, patch.v, 'the welcome names the hand frame it equals');
        }
        await playRoom(server, everyone, room.roomId, rng, { handsMax: 1 });
        assert.equal(
          clients.reduce((n, c) => n + c.gaps, 0),
          0,
          'seats never missed a frame',
        );
        assert.equal(spectator.gaps, 1, 'the spectator asked for the whole view once, for the one frame it missed');
        assert.ok(
          clients.every((c) => c.frames.some((f) => f.t === 'hand_patch')),
          'the hands were played on patches',
        );
        await checkNoHiddenCards(server, room.roomId, owner.id);
      } finally {
        await server.stop();
      }
    });
  });
}

after(() => assertEveryFrameChecked());

// A room node killed with SIGKILL in the middle of a hand: when its lease expires, the other node
// claims the room, rebuilds it from the event log, and the same hand (same deal, same actions so
// far) is finished there, with the players' clients reconnecting by themselves.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ClusterEnv, until } from './harness.ts';
import { checkRoomAfter, holdWhen, playToEnd, seatRoom } from './scenario.ts';

const env = new ClusterEnv();
after(() => env.destroy());

it('finishes a hand on another node after the owning node is killed mid-hand', async () => {
  await env.open();
  const [a, b] = await Promise.all([env.start('A'), env.start('B')]);
  const room = await seatRoom(env, 'fo', [a, b, b], [a, b, a]);
  assert.equal(await env.ownerOf(room.roomId), 'A');

  const held = await holdWhen(
    room.bots,
    (h) => h.handNumber === 2 && h.view.phase === 'betting' && h.view.round === 1 && h.view.step >= 1,
    'hand 2 under way',
  );
  const stepAtCrash = held.view.step as number;
  await a.kill9();
  for (const bot of room.bots) bot.resume();

  await until(async () => (await env.ownerOf(room.roomId)) === 'B', 'B to claim the room');
  await until(() => room.bots.every((x) => x.connected), 'every client to reconnect');
  for (const bot of room.bots) {
    assert.equal(bot.hand?.handNumber, 2, `${bot.player.handle} is back in the same hand`);
    assert.ok((bot.hand?.view.step as number) >= stepAtCrash, 'with the actions taken before the crash');
  }
  await playToEnd(room.bots);
  const records = await checkRoomAfter(env, b, room, 8);
  const hand2 = records.get(2);
  assert.ok(hand2 && hand2.actions.length > stepAtCrash, 'hand 2 went on after the crash');
  assert.ok((await b.metric('fg_cluster_claims')) >= 1);
  assert.ok(
    room.bots.some((x) => x.closes.length > 0),
    'clients were cut off and came back',
  );
});

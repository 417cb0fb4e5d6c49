// SIGTERM on a room node: it reports not ready at once, sends new rooms elsewhere, lets its rooms
// finish what they are doing, hands them over (the other node claims them at once, without
// waiting for a lease to expire), and exits with status 0; play goes on on the other node.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ClusterEnv, QUICK_ROOM, until } from './harness.ts';
import { checkRoomAfter, holdWhen, playToEnd, seatRoom } from './scenario.ts';

const env = new ClusterEnv();
after(() => env.destroy());

it('drains a node on SIGTERM: no new rooms, rooms handed over, exit 0, play goes on', async () => {
  await env.open();
  const [a, b] = await Promise.all([env.start('A', { env: { FAIRGROUND_DRAIN_DELAY_MS: '1500' } }), env.start('B')]);
  const room = await seatRoom(env, 'dr', [a, b, a], [a, b, a]);
  assert.equal(await env.ownerOf(room.roomId), 'A');
  const host = await env.player(a, 'drhost');
  await env.fund(host.id, 10_000);

  await holdWhen(room.bots, (h) => h.handNumber === 1 && h.view.phase === 'betting' && h.view.step >= 1, 'hand 1 under way');
  // Commands keep coming while the node drains (slowly, so the room is still playing when it is handed over).
  for (const bot of room.bots) {
    bot.thinkMs = 100;
    bot.resume();
  }
  const exit = a.sigterm();
  await until(async () => (await a.http('GET', '/readyz')).status === 503, 'A to report not ready');
  const created = await a.http('POST', '/api/rooms', { token: host.token, body: QUICK_ROOM, from: host.ip });
  assert.equal(created.status, 201, JSON.stringify(created.json));
  assert.equal(await env.ownerOf(created.json.roomId), 'B', 'a draining node opens no new room');

  assert.equal(await exit, 0, 'the node exits cleanly');
  assert.match(a.logs, /rooms handed over/);
  await until(async () => (await env.ownerOf(room.roomId)) === 'B', 'B to take the room over');
  for (const bot of room.bots) bot.thinkMs = 0;
  await playToEnd(room.bots);
  await checkRoomAfter(env, b, room, 8);
  assert.ok((await b.metric('fg_cluster_claims')) >= 1);
});

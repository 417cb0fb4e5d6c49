// Three processes on one PostgreSQL and one Redis: a rooms node with the worker role, a second
// rooms node, and an API-only node. A room created through the first is joined through the
// other two and played to its end by players connected to all three (two of them one hop away
// from the room), and a room created through the API-only node opens on the least loaded rooms node.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ClusterEnv, type Frame, QUICK_ROOM, until } from './harness.ts';
import { checkRoomAfter, playToEnd, seatRoom } from './scenario.ts';

const env = new ClusterEnv();
after(() => env.destroy());

it('plays a room to its end with players on three nodes, and places new rooms by role and load', async () => {
  await env.open();
  const [a, b, c] = await Promise.all([env.start('A'), env.start('B', { roles: 'api,rooms' }), env.start('C', { roles: 'api' })]);
  const room = await seatRoom(env, 'tn', [a, b, c], [a, b, c]);
  assert.equal(await env.ownerOf(room.roomId), 'A', 'a room created through a rooms node opens there');

  const preview = await c.http('GET', `/api/rooms/code/${room.code}`, { token: (room.players[2] as { token: string }).token });
  assert.equal(preview.status, 200, JSON.stringify(preview.json));
  assert.equal(preview.json.seated, 3, 'the API-only node previews a room another node holds');

  // The friends list, read through the API-only node from the friends-visible index, shows the table.
  const [owner, , third] = room.players as unknown as [Frame, Frame, Frame];
  await until(async () => {
    const f = await c.http('GET', '/api/rooms/friends', { token: third.token });
    const mine = (f.json.friends as Frame[] | undefined)?.find((x) => x.playerId === owner.id);
    return mine?.rooms.some((r: Frame) => r.roomId === room.roomId && r.seated === 3) === true;
  }, 'the friends list to show the open room');

  await playToEnd(room.bots);
  for (const bot of room.bots) assert.equal(bot.room?.handsPlayed, 8, `${bot.player.handle} saw every hand`);
  await checkRoomAfter(env, c, room, 8);
  // Sessions are counted as their hellos arrive over the bus: wait for the gauges, boundedly.
  await until(async () => (await a.metric('fg_cluster_hosted_sessions')) === 2, 'two players to play on A from other nodes');
  await until(async () => (await c.metric('fg_cluster_edge_sessions')) === 1, 'the API-only node to relay its player');
  assert.equal(await c.metric('fg_cluster_rooms_owned'), 0, 'an API-only node owns no room');

  // A new room through the API-only node goes to the rooms node with fewer rooms.
  const host = await env.player(c, 'tnhost');
  await env.fund(host.id, 10_000);
  const second = await c.http('POST', '/api/rooms', { token: host.token, body: QUICK_ROOM, from: host.ip });
  assert.equal(second.status, 201, JSON.stringify(second.json));
  assert.equal(await env.ownerOf(second.json.roomId), 'B');
  const joined = await c.http('POST', '/api/rooms/join', { token: third.token, body: { code: second.json.code }, from: third.ip });
  assert.equal(joined.status, 200, JSON.stringify(joined.json));
});

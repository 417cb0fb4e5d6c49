// Redis restarted in the middle of play (a redis-server of this test's own, without persistence,
// so it comes back empty): players connected across nodes are cut off, the room pauses once its
// owner can no longer renew the lease, and when Redis is back the owner takes the room back,
// rebuilds the directory, and the hand goes on where it stopped.
import assert from 'node:assert/strict';
import { after, it } from 'node:test';
import { ClusterEnv, freePort, LEASE_MS, OwnRedis, until } from './harness.ts';
import { checkRoomAfter, holdWhen, playToEnd, seatRoom } from './scenario.ts';

const redis = new OwnRedis(await freePort());
const env = new ClusterEnv(redis.url);
after(async () => {
  await env.destroy();
  await redis.stop();
});

it('pauses rooms while Redis is down and resumes the same hand when it is back', async () => {
  await redis.start();
  await env.open();
  const [a, b] = await Promise.all([env.start('A'), env.start('B')]);
  const room = await seatRoom(env, 'rr', [a, b, a], [a, b, a]);
  const held = await holdWhen(
    room.bots,
    (h) => h.handNumber === 2 && h.view.phase === 'betting' && h.view.round === 1 && h.view.step >= 1,
    'hand 2 under way',
  );

  await redis.stop();
  await until(async () => (await a.metric('fg_cluster_rooms_paused')) === 1, 'the room to pause on A');
  await until(() => room.bots.every((x) => !x.connected), 'every client to be told to come back later');
  await redis.start();

  await until(async () => (await env.ownerOf(room.roomId)) !== null, 'the room to be leased again');
  await until(() => room.bots.every((x) => x.connected), 'every client to reconnect');
  for (const bot of room.bots) {
    assert.equal(bot.hand?.handNumber, 2, 'the same hand');
    assert.ok((bot.hand?.view.step as number) >= (held.view.step as number));
  }
  await playToEnd(room.bots);
  await checkRoomAfter(env, a, room, 8);
  assert.ok((await a.metric('fg_cluster_pauses')) >= 1);
});

it('takes paused rooms back within one lease of Redis returning, with no worker node', async () => {
  await redis.start();
  const env = new ClusterEnv(redis.url);
  await env.open();
  try {
    // Neither node runs the jobs (so no orphan sweep): only the owner's own claim brings the room back.
    const [a, b] = await Promise.all([env.start('C', { roles: 'api,rooms' }), env.start('D', { roles: 'api,rooms' })]);
    const room = await seatRoom(env, 'rn', [a, b, a], [a, b, a]);
    await holdWhen(room.bots, (h) => h.handNumber === 1 && h.view.phase === 'betting' && h.view.step >= 1, 'hand 1 under way');
    const owner = (await env.ownerOf(room.roomId)) === b.name ? b : a;

    await redis.stop();
    await until(async () => (await owner.metric('fg_cluster_rooms_paused')) === 1, 'the room to pause on its owner');
    // Long enough for the nodes' reconnection attempts to back off fully.
    await new Promise((r) => setTimeout(r, 2 * LEASE_MS));
    // Measured from the moment the test starts Redis again, not from when the test's own probe first
    // got an answer: on a busy machine the node may reconnect and take the room back before the
    // probe is answered. So the figure is an upper bound on the time since Redis answered.
    const backAtMs = Date.now();
    await redis.start();
    // The node's own log says when it took the room back (its /metrics may answer slowly while its
    // collectors wait on the reconnecting Redis, so polling them would measure the scrape).
    const claimedAtMs = (): number | null => {
      for (const line of owner.logs.split('\n')) {
        if (!line.includes('room claimed and rebuilt')) continue;
        const entry = JSON.parse(line) as { time: number; roomId: string };
        if (entry.roomId === room.roomId && entry.time >= backAtMs) return entry.time;
      }
      return null;
    };
    await until(() => claimedAtMs() !== null, 'the room to be taken back', 20_000).catch((e: unknown) => {
      // What the owner said about Redis, leases and claims, to tell why.
      const said = owner.logs.split('\n').filter((l) => /redis|lease|claim|paus|rebuil/i.test(l));
      throw new Error(`${(e as Error).message}; the owner's log since the restart:\n${said.slice(-40).join('\n')}`);
    });
    const resumedMs = (claimedAtMs() as number) - backAtMs;
    console.log(`room taken back ${resumedMs} ms after Redis was started again (lease ${LEASE_MS} ms)`);
    assert.ok(resumedMs < LEASE_MS, `taken back within one lease: ${resumedMs} ms`);
    await until(() => room.bots.every((x) => x.connected), 'every client to reconnect');
    await playToEnd(room.bots);
    await checkRoomAfter(env, a, room, 8);
  } finally {
    await env.destroy();
  }
});

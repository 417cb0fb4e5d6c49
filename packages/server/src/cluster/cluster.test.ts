// The cluster's Redis parts against a real Redis (a unique key prefix per test): leases and their
// renewal after Redis lost its data, hand-overs and due rooms, the code index and friends-visible
// index, the bus between two nodes (replies, remote errors, order, timeouts), and rate limits.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, describe, it } from 'node:test';
import { AppError, ManualClock } from '@fairground/core';
import { AccountsErrors } from '../accounts/index.ts';
import { OpsErrors } from '../ops/breaker.ts';
import { RoomErrors } from '../rooms/index.ts';
import type { RoomState } from '../rooms/index.ts';
import { createDependencyBreakers, guardIdentityProvider } from './breakers.ts';
import { Cluster } from './cluster.ts';
import { Bus } from './bus.ts';
import { Directory } from './directory.ts';
import Fastify from 'fastify';
import { memoryRateLimiter, redisRateLimiter, registerRateLimit } from './rate-limit.ts';
import { ClusterRedis, Keys } from './redis.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const quiet = { warn() {}, error() {}, info() {} };

const opened: ClusterRedis[] = [];
async function connect(): Promise<ClusterRedis> {
  const r = new ClusterRedis({ url: REDIS_URL });
  await r.connect();
  opened.push(r);
  return r;
}

const prefixes: string[] = [];
function freshKeys(): Keys {
  const prefix = `t_cluster_${randomBytes(5).toString('hex')}:`;
  prefixes.push(prefix);
  return new Keys(prefix);
}

after(async () => {
  const r = opened[0];
  if (r) {
    for (const p of prefixes) {
      // Test cleanup only: the product never scans the keyspace.
      const keys = await r.client.keys(`${p}*`);
      if (keys.length > 0) await r.client.del(...keys);
    }
  }
  for (const c of opened) await c.close();
});

describe('room leases', () => {
  it('gives a room to one node at a time, renews it, and hands it over to be claimed at once', async () => {
    const redis = await connect();
    const keys = freshKeys();
    const a = new Directory(redis, keys, { owner: 'A~1', nodeId: 'A', leaseMs: 5_000 });
    const b = new Directory(redis, keys, { owner: 'B~1', nodeId: 'B', leaseMs: 5_000 });
    assert.equal(await a.claim('room_1'), 1);
    assert.equal(await b.claim('room_1'), 0, 'a held lease cannot be claimed');
    assert.equal(await a.claim('room_1'), 2, 'claiming again is harmless');
    assert.equal(await a.ownerOf('room_1'), 'A~1');
    assert.deepEqual(await b.due(10), [], 'a held lease is not due');
    assert.deepEqual([...(await a.renew(['room_1']))], [['room_1', 1]]);
    assert.deepEqual([...(await b.renew(['room_1']))], [['room_1', 0]], 'another node learns it lost the room');
    assert.equal(await a.release('room_1'), true);
    assert.deepEqual(await b.due(10), ['room_1'], 'a handed-over room is due at once');
    assert.equal(await b.claim('room_1'), 1);
    assert.equal(await redis.client.hget(keys.room('room_1'), 'epoch'), '2', 'every claim moves the epoch');
    assert.equal(await a.release('room_1'), false, 'the old owner can no longer free it');
  });

  it('takes a lease back after Redis lost it, and offers rooms nobody holds only after a grace', async () => {
    const redis = await connect();
    const keys = freshKeys();
    const a = new Directory(redis, keys, { owner: 'A~1', nodeId: 'A', leaseMs: 5_000 });
    const b = new Directory(redis, keys, { owner: 'B~1', nodeId: 'B', leaseMs: 5_000 });
    await a.claim('room_2');
    await redis.client.del(keys.lease('room_2'), keys.leases);
    assert.deepEqual([...(await a.renew(['room_2']))], [['room_2', 2]], 'the lease is taken again');
    assert.equal(await a.ownerOf('room_2'), 'A~1');
    assert.equal(await b.offerOrphans(['room_2', 'room_3'], 60_000), 1, 'only the room without a lease is offered');
    assert.deepEqual(await b.due(10), [], 'not before the grace');
    assert.equal(await b.offerOrphans(['room_4'], 0), 1);
    assert.deepEqual(await b.due(10), ['room_4']);
  });

  it('finds a live room by code with its owner, and forgets an ended room everywhere', async () => {
    const redis = await connect();
    const keys = freshKeys();
    const a = new Directory(redis, keys, { owner: 'A~1', nodeId: 'A', leaseMs: 5_000 });
    await a.claim('room_5');
    const presence = {
      roomId: 'room_5',
      code: '123456',
      status: 'playing',
      mode: 'classic',
      seats: 3,
      seated: 2,
      observers: 0,
      friendsVisible: true,
      fvMembers: ['p1', 'p2'],
    };
    await a.publish([{ presence, before: [] }]);
    assert.deepEqual(await a.lookupCode('123456'), { roomId: 'room_5', owner: 'A~1' });
    assert.equal(await a.lookupCode('654321'), null);
    const friends = await a.friendRooms(['p1', 'p9']);
    assert.deepEqual(friends.get('p1'), [{ roomId: 'room_5', code: '123456', status: 'playing', mode: 'classic', seats: 3, seated: 2 }]);
    assert.deepEqual(friends.get('p9'), []);
    await a.publish([{ presence: { ...presence, seated: 1, fvMembers: ['p1'] }, before: ['p1', 'p2'] }]);
    assert.deepEqual(await redis.client.smembers(keys.friendsVisible('p2')), [], 'a member who left is out of the index');
    assert.deepEqual(await a.publishedMembers('room_5'), ['p1']);
    await a.forget('room_5', ['p1']);
    assert.equal(await a.lookupCode('123456'), null);
    assert.equal(await redis.client.exists(keys.room('room_5'), keys.lease('room_5'), keys.friendsVisible('p1')), 0);
  });
});

describe('ownership on one node', () => {
  it('stops writing for a room a fifth of the lease before the lease could expire, counted from the last renewal sent', async () => {
    let monoMs = 1_000;
    const keys = freshKeys();
    const cluster = new Cluster(
      { redisUrl: REDIS_URL, prefix: keys.prefix, nodeId: 'A', roles: ['api', 'rooms'], leaseMs: 10_000, monotonicMs: () => monoMs },
      { rooms: { liveAfter: async () => [], isLive: async () => false }, log: quiet },
    );
    const released: string[] = [];
    cluster.attach({
      actor: () => undefined,
      adopt: async () => 'ended',
      release: async (id) => {
        released.push(id);
      },
      create: async () => {
        throw new Error('not used');
      },
      dissolveForFairPlay: async () => {
        throw new Error('not used');
      },
      join: async () => {
        throw new Error('not used');
      },
      preview: async () => {
        throw new Error('not used');
      },
      invite: async () => {
        throw new Error('not used');
      },
    });
    await cluster.redis.connect();
    opened.push(cluster.redis);
    const state = {
      id: 'room_own',
      code: '246810',
      status: 'waiting',
      headerVersion: 1,
      params: { mode: 'classic', seats: 3, friendsVisible: false },
      members: [],
    } as unknown as RoomState;
    cluster.port.opened(state);
    await cluster.announced('room_own');
    assert.equal(await cluster.directory.ownerOf('room_own'), cluster.owner, 'a room created here is leased at once');
    cluster.port.assertOwner('room_own');
    monoMs += 7_999;
    cluster.port.assertOwner('room_own');
    monoMs += 1;
    assert.throws(
      () => cluster.port.assertOwner('room_own'),
      { code: 'CLUSTER_ROOM_MOVING' },
      'no write once the safety share of the lease is reached',
    );
    assert.throws(() => cluster.port.assertOwner('room_other'), { code: 'CLUSTER_ROOM_MOVING' }, 'nor for a room this node does not hold');
    assert.deepEqual(released, []);
  });
});

describe('the node bus', () => {
  it('carries requests, replies, remote errors and session frames in order', async () => {
    const keys = freshKeys();
    const [ra, rb] = [await connect(), await connect()];
    const a = new Bus(ra, keys, 'A~1', quiet);
    const b = new Bus(rb, keys, 'B~1', quiet);
    const framesAtA: string[] = [];
    const closedAtA: string[] = [];
    await a.start({
      request: async () => null,
      notice() {},
      frame: (sid, text) => framesAtA.push(`${sid}:${text}`),
      closed: (sid, code, reason) => closedAtA.push(`${sid}:${code}:${reason}`),
    });
    await b.start({
      request: async (from, op, args) => {
        if (op === 'refuse') throw new AppError(RoomErrors.ROOM_FULL, { seats: 3 });
        // Frames sent while serving a request reach the caller before the reply.
        b.frame(from, 'ses_1', '{"t":"welcome"}');
        b.frame(from, 'ses_1', '{"t":"hand","v":2}');
        return { echoed: args };
      },
      notice() {},
      frame() {},
      closed() {},
    });
    const reply = await a.request('B~1', 'echo', { x: 1 });
    assert.deepEqual(reply, { echoed: { x: 1 } });
    assert.deepEqual(framesAtA, ['ses_1:{"t":"welcome"}', 'ses_1:{"t":"hand","v":2}']);
    await assert.rejects(a.request('B~1', 'refuse', {}), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, 'ROOM_FULL');
      assert.equal(e.status, 409);
      assert.deepEqual(e.details, { seats: 3 });
      return true;
    });
    b.close('A~1', 'ses_1', 1012, 'server\nrestarting');
    await b.flush();
    for (let i = 0; i < 500 && closedAtA.length === 0; i++) await new Promise((r) => setTimeout(r, 10));
    assert.deepEqual(closedAtA, ['ses_1:1012:server restarting']);
    await assert.rejects(
      a.request('C~gone', 'echo', {}, 100),
      (e: unknown) => e instanceof AppError && e.code === 'CLUSTER_NODE_UNREACHABLE',
    );
    await a.stop();
    await b.stop();
  });
});

describe('rate limits', () => {
  it('counts a client across nodes in one window and lets it go again in the next', async () => {
    const clock = new ManualClock(1_000_000);
    const keys = freshKeys();
    const [r1, r2] = [await connect(), await connect()];
    const node1 = redisRateLimiter(r1, keys, { limit: 3, windowMs: 10_000, nowMs: () => clock.nowMs() });
    const node2 = redisRateLimiter(r2, keys, { limit: 3, windowMs: 10_000, nowMs: () => clock.nowMs() });
    assert.equal((await node1.take('t:abc')).allowed, true);
    assert.equal((await node2.take('t:abc')).allowed, true);
    assert.equal((await node1.take('t:abc')).allowed, true);
    const refused = await node2.take('t:abc');
    assert.equal(refused.allowed, false, 'the fourth request on any node is refused');
    assert.ok(refused.retryAfterMs > 0 && refused.retryAfterMs <= 10_000);
    assert.equal((await node1.take('t:other')).allowed, true, 'other clients are not affected');
    clock.advanceMs(10_000);
    assert.equal((await node2.take('t:abc')).allowed, true, 'a new window starts afresh');
  });

  it('limits in memory with a retry time, and bounds the keys it tracks', async () => {
    const clock = new ManualClock(5_000);
    const m = memoryRateLimiter({ limit: 2, windowMs: 1_000, nowMs: () => clock.nowMs() });
    await m.take('ip:1');
    await m.take('ip:1');
    assert.deepEqual(await m.take('ip:1'), { allowed: false, retryAfterMs: 1_000 });
    clock.advanceMs(1_000);
    assert.equal((await m.take('ip:1')).allowed, true);
  });

  it('answers 429 RATE_LIMITED with Retry-After on API routes only, per verified session, else per address', async () => {
    const clock = new ManualClock(0);
    const app = Fastify();
    // Tokens "a" and "b" verify as sessions; anything else is junk and counts against the address.
    const sessionOf = async (h: string) => (h === 'Bearer a' || h === 'Bearer b' ? h.slice(7) : null);
    app.setErrorHandler((e, _req, reply) => {
      const err = e as unknown as AppError;
      reply.code(err.status).send(err.toJSON());
    });
    registerRateLimit(app, memoryRateLimiter({ limit: 2, windowMs: 10_000, nowMs: () => clock.nowMs() }), sessionOf, ['/api/notify']);
    app.get('/api/x', async () => ({ ok: true }));
    app.get('/api/notify', async () => ({ ok: true }));
    app.get('/metrics', async () => 'm');
    const get = (url: string, token?: string) =>
      app.inject({ method: 'GET', url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) });
    assert.equal((await get('/api/x', 'a')).statusCode, 200);
    assert.equal((await get('/api/x', 'a')).statusCode, 200);
    const refused = await get('/api/x', 'a');
    assert.equal(refused.statusCode, 429);
    assert.equal(refused.json().code, 'RATE_LIMITED');
    assert.equal(refused.headers['retry-after'], '10');
    assert.equal((await get('/api/x', 'b')).statusCode, 200, 'another session has its own count');
    assert.equal((await get('/api/x', 'junk-1')).statusCode, 200);
    assert.equal((await get('/api/x', 'junk-2')).statusCode, 200);
    assert.equal((await get('/api/x', 'junk-3')).statusCode, 429, 'a new junk token per request still counts against the address');
    assert.equal((await get('/api/x')).statusCode, 429, 'and so does no token at all');
    for (let i = 0; i < 5; i++) assert.equal((await get('/metrics')).statusCode, 200, 'operational endpoints are not limited');
    for (let i = 0; i < 5; i++) assert.equal((await get('/api/notify')).statusCode, 200, 'exempt routes are not limited');
    await app.close();
  });
});

describe('breakers on outside services', () => {
  it('answers WeChat sign-in as unavailable, in words, while the identity provider is down', async () => {
    const clock = new ManualClock(0);
    const breakers = createDependencyBreakers({ clock });
    let calls = 0;
    const provider = guardIdentityProvider(
      {
        async exchangeCode() {
          calls += 1;
          throw new Error('connect ECONNREFUSED');
        },
      },
      breakers.identity,
    );
    for (let i = 0; i < 5; i++) await assert.rejects(provider.exchangeCode('h5', 'code'), /ECONNREFUSED/);
    await assert.rejects(provider.exchangeCode('h5', 'code'), (e: unknown) => {
      assert.ok(e instanceof AppError);
      assert.equal(e.code, AccountsErrors.IDENTITY_PROVIDER_UNAVAILABLE.code);
      assert.match(e.message, /WeChat sign-in is not answering/);
      assert.equal(e.details?.reason, OpsErrors.BREAKER_OPEN.code);
      return true;
    });
    assert.equal(calls, 5, 'no call reaches the provider while the breaker is open');
    const good = guardIdentityProvider(
      {
        async exchangeCode() {
          throw new AppError(AccountsErrors.LOGIN_CODE_INVALID);
        },
      },
      createDependencyBreakers({ clock }).identity,
    );
    for (let i = 0; i < 10; i++) await assert.rejects(good.exchangeCode('h5', 'x'), { code: 'LOGIN_CODE_INVALID' });
  });
});

// One contract for every leaderboard backend: memory, SQL on SQLite and on PostgreSQL, and Redis
// (127.0.0.1:6379, under a key prefix of its own that is deleted afterwards).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { Redis } from 'ioredis';
import {
  createMemoryLeaderboards,
  createRedisLeaderboards,
  createSqlLeaderboards,
  type LeaderboardBackend,
  type LeaderboardEntry,
  Leaderboards,
  leaderboardsMigrations,
} from '../../src/leaderboards/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { backends } from '../../src/adapters/testing.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `test:lb:${randomBytes(6).toString('hex')}:`;

interface Subject {
  readonly name: string;
  open(): Promise<{ backend: LeaderboardBackend; close(): Promise<void> }>;
}

const subjects: Subject[] = [
  { name: 'memory', open: async () => ({ backend: createMemoryLeaderboards(), close: async () => {} }) },
  ...backends().map(
    (b): Subject => ({
      name: `sql on ${b.name}`,
      async open() {
        const store: Store = await b.open();
        await store.migrate(leaderboardsMigrations);
        return { backend: createSqlLeaderboards(store), close: () => store.close() };
      },
    }),
  ),
  {
    name: 'redis',
    async open() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      const backend = createRedisLeaderboards({ redis, keyPrefix: PREFIX });
      return {
        backend,
        async close() {
          let cursor = '0';
          do {
            const [next, keys] = await redis.scan(cursor, 'MATCH', `${PREFIX}*`, 'COUNT', 500);
            if (keys.length > 0) await redis.del(...keys);
            cursor = next;
          } while (cursor !== '0');
          await redis.quit();
        },
      };
    },
  },
];

let boardSeq = 0;
const fresh = () => `g${++boardSeq}:score:daily:d20261101`;
const set = (board: string, playerId: string, value: number, mode: 'best' | 'set' = 'set') => ({
  board,
  playerId,
  value,
  mode,
  expireAtMs: null,
});

function model(values: Map<string, number>): LeaderboardEntry[] {
  return [...values.entries()]
    .map(([playerId, value]) => ({ playerId, value }))
    .sort((a, b) => (a.value !== b.value ? b.value - a.value : a.playerId < b.playerId ? 1 : a.playerId > b.playerId ? -1 : 0))
    .map((e, i) => ({ ...e, rank: i + 1 }));
}

for (const subject of subjects) {
  describe(`leaderboard contract: ${subject.name}`, () => {
    let lb: LeaderboardBackend;
    let close: () => Promise<void>;
    before(async () => {
      ({ backend: lb, close } = await subject.open());
    });
    after(async () => {
      await lb.close();
      await close();
    });

    it('ranks by value, highest first, and orders ties by player id descending', async () => {
      const b = fresh();
      await lb.submit([set(b, 'p_a', 50), set(b, 'p_b', 70), set(b, 'p_c', 50), set(b, 'p_d', 10)]);
      assert.deepEqual(await lb.top(b, 0, 10), [
        { playerId: 'p_b', value: 70, rank: 1 },
        { playerId: 'p_c', value: 50, rank: 2 },
        { playerId: 'p_a', value: 50, rank: 3 },
        { playerId: 'p_d', value: 10, rank: 4 },
      ]);
      assert.deepEqual(await lb.top(b, 1, 2), [
        { playerId: 'p_c', value: 50, rank: 2 },
        { playerId: 'p_a', value: 50, rank: 3 },
      ]);
      assert.deepEqual(await lb.top(b, 10, 5), []);
      assert.equal(await lb.size(b), 4);
      assert.deepEqual(await lb.entry(b, 'p_a'), { playerId: 'p_a', value: 50, rank: 3 });
      assert.equal(await lb.entry(b, 'p_nobody'), null);
      assert.equal(await lb.size(fresh()), 0);
      assert.deepEqual(await lb.top(fresh(), 0, 10), []);
    });

    it('keeps the best value on best boards and the latest on set boards', async () => {
      const b = fresh();
      await lb.submit([set(b, 'p_a', 100, 'best')]);
      await lb.submit([set(b, 'p_a', 40, 'best')]);
      assert.equal((await lb.entry(b, 'p_a'))?.value, 100);
      await lb.submit([set(b, 'p_a', 130, 'best')]);
      assert.equal((await lb.entry(b, 'p_a'))?.value, 130);
      await lb.submit([set(b, 'p_a', 20, 'set')]);
      assert.equal((await lb.entry(b, 'p_a'))?.value, 20);
      await lb.submit([set(b, 'p_b', -5, 'best')]);
      assert.deepEqual(await lb.entry(b, 'p_b'), { playerId: 'p_b', value: -5, rank: 2 });
    });

    it('shows the players around a player, clipped at both ends', async () => {
      const b = fresh();
      await lb.submit(Array.from({ length: 10 }, (_, i) => set(b, `p_${i}`, i * 10)));
      const ids = (es: LeaderboardEntry[]) => es.map((e) => `${e.rank}:${e.playerId}`);
      assert.deepEqual(ids(await lb.around(b, 'p_5', 2)), ['3:p_7', '4:p_6', '5:p_5', '6:p_4', '7:p_3']);
      assert.deepEqual(ids(await lb.around(b, 'p_9', 2)), ['1:p_9', '2:p_8', '3:p_7']);
      assert.deepEqual(ids(await lb.around(b, 'p_0', 1)), ['9:p_1', '10:p_0']);
      assert.deepEqual(await lb.around(b, 'p_x', 3), []);
    });

    it('agrees with a sorted model after many random updates', async () => {
      const b = fresh();
      const values = new Map<string, number>();
      let x = 12345;
      const next = (n: number) => {
        x = (Math.imul(x, 1103515245) + 12345) >>> 0;
        return x % n;
      };
      for (let round = 0; round < 10; round++) {
        const batch = [];
        for (let i = 0; i < 20; i++) {
          const playerId = `p_${next(40)}`;
          const value = next(200);
          const mode = next(2) === 0 ? 'best' : 'set';
          batch.push(set(b, playerId, value, mode));
          const old = values.get(playerId);
          values.set(playerId, mode === 'best' && old !== undefined ? Math.max(old, value) : value);
        }
        // Same player twice in one call applies in order, like separate calls.
        await lb.submit(batch);
        const want = model(values);
        assert.deepEqual(await lb.top(b, 0, 100), want);
        const probe = want[next(want.length)]!;
        assert.deepEqual(await lb.entry(b, probe.playerId), probe);
        assert.deepEqual(await lb.around(b, probe.playerId, 3), want.slice(Math.max(0, probe.rank - 4), probe.rank + 3));
      }
    });

    it('drops a board once its expiry has passed', async () => {
      const b = fresh();
      const keep = fresh();
      const now = Date.now();
      await lb.submit([{ ...set(keep, 'p_a', 1), expireAtMs: now + 3_600_000 }]);
      await lb.submit([{ ...set(b, 'p_a', 1), expireAtMs: now - 1000 }]);
      await lb.prune(now);
      assert.equal(await lb.size(b), 0);
      assert.equal(await lb.size(keep), 1);
    });

    it('runs daily, weekly and all-time boards, starting a new period empty and keeping the previous one', async () => {
      // A Sunday, 23:00 in China (UTC+8) = 15:00 UTC, in the future: Redis expires keys by its
      // own clock, so the injected clock must not lie in the real past.
      const DAY = 86_400_000;
      let sunday = Math.floor(Date.now() / DAY) * DAY + 7 * DAY;
      while (new Date(sunday).getUTCDay() !== 0) sunday += DAY;
      const ymd = (ms: number) => new Date(ms).toISOString().slice(0, 10).replaceAll('-', '');
      const clock = new ManualClock(sunday + 15 * 3_600_000);
      const boards = new Leaderboards({ backend: lb, clock });
      const game = `m${++boardSeq}`;
      assert.equal(boards.period('daily').id, `d${ymd(sunday)}`);
      assert.equal(boards.period('weekly').id, `w${ymd(sunday - 6 * DAY)}`);
      assert.equal(boards.period('weekly', 'previous').id, `w${ymd(sunday - 13 * DAY)}`);
      await boards.recordScore(game, 'p_a', 300);
      await boards.recordScore(game, 'p_b', 500);
      await boards.recordScore(game, 'p_a', 200);
      await boards.recordRating(game, 'p_a', 1612.4);
      assert.deepEqual(
        (await boards.top(game, 'score', 'daily', 'current', 10)).entries.map((e) => [e.playerId, e.value]),
        [
          ['p_b', 500],
          ['p_a', 300],
        ],
      );
      assert.equal((await boards.top(game, 'rating', 'all', 'current', 10)).entries[0]?.value, 1612);

      clock.advanceMs(2 * 3_600_000); // 01:00 on Monday in China: a new day and a new week
      assert.equal(boards.period('daily').id, `d${ymd(sunday + DAY)}`);
      assert.equal(boards.period('weekly').id, `w${ymd(sunday + DAY)}`);
      await boards.recordScore(game, 'p_c', 100);
      const today = await boards.top(game, 'score', 'daily', 'current', 10);
      assert.deepEqual(
        today.entries.map((e) => e.playerId),
        ['p_c'],
      );
      const yesterday = await boards.top(game, 'score', 'daily', 'previous', 10);
      assert.deepEqual(
        yesterday.entries.map((e) => e.playerId),
        ['p_b', 'p_a'],
      );
      assert.equal(yesterday.period.id, `d${ymd(sunday)}`);
      assert.deepEqual(
        (await boards.top(game, 'score', 'weekly', 'previous', 10)).entries.map((e) => e.playerId),
        ['p_b', 'p_a'],
      );
      assert.deepEqual(
        (await boards.top(game, 'score', 'all', 'current', 10)).entries.map((e) => e.playerId),
        ['p_b', 'p_a', 'p_c'],
      );
      const me = await boards.standing(game, 'score', 'all', 'current', 'p_a', 1);
      assert.deepEqual(me.me, { playerId: 'p_a', value: 300, rank: 2 });
      assert.deepEqual(
        me.around.map((e) => e.playerId),
        ['p_b', 'p_a', 'p_c'],
      );
      assert.equal(me.size, 3);
    });
  });
}

// The score boards rank play for money only: a practice score never enters them, a paid
// head-to-head's scores do. On the memory backend and on Redis (127.0.0.1:6379, under a key
// prefix of its own that is deleted afterwards); the sessions themselves on SQLite.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { Redis } from 'ioredis';
import { createMemoryLeaderboards, createRedisLeaderboards, type LeaderboardBackend, Leaderboards } from '../../src/leaderboards/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TEST_GAME, TestClient, type World } from './helpers.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';
const PREFIX = `test:lbpractice:${randomBytes(6).toString('hex')}:`;
const FEE = 500;
/** Rounds of the event loop the board update (after commit) may take; no real waiting. */
const SETTLE_TURNS_MAX = 50;

const sqlite = backends().find((b) => b.name === 'sqlite');
assert(sqlite !== undefined, 'the SQLite test backend exists');

const subjects: { name: string; open(): Promise<{ backend: LeaderboardBackend; close(): Promise<void> }> }[] = [
  { name: 'memory', open: async () => ({ backend: createMemoryLeaderboards(), close: async () => {} }) },
  {
    name: 'redis',
    async open() {
      const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: 1 });
      return {
        backend: createRedisLeaderboards({ redis, keyPrefix: PREFIX }),
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

for (const subject of subjects) {
  describe(`score boards take paid play only: ${subject.name}`, () => {
    // Redis expires a period's board by the real clock, so the test's clock starts at the real time.
    const clock = new ManualClock(Date.now());
    let w: World;
    let boards: Leaderboards;
    let close: () => Promise<void>;
    before(async () => {
      const opened = await subject.open();
      close = opened.close;
      boards = new Leaderboards({ backend: opened.backend, clock });
      w = await openWorld(sqlite, clock, [TEST_GAME], { leaderboards: boards });
    });
    after(async () => {
      await w.assertInvariants();
      await w.close();
      await close();
    });

    /** The player's value on the daily score board once the after-commit update has run (null: not on it). */
    async function onBoard(playerId: string, expectOn: boolean): Promise<number | null> {
      let value: number | null = null;
      for (let i = 0; i < SETTLE_TURNS_MAX; i++) {
        await new Promise((r) => setImmediate(r));
        value = (await boards.standing('match3', 'score', 'daily', 'current', playerId, 0)).me?.value ?? null;
        if ((value !== null) === expectOn) break;
      }
      return value;
    }

    it('keeps a finished practice score off the board', async () => {
      const p = await w.player(0);
      const start = await w.skill.startPractice(p, 'match3');
      const client = new TestClient(w, p, start);
      await client.play(20);
      const result = await w.skill.finish(p, start.sessionId, client.game.score);
      assert.equal(result.status, 'finished');
      assert.ok(result.score > 0, 'a real score that would rank');
      assert.equal(await onBoard(p, false), null);
      assert.equal((await boards.top('match3', 'score', 'all', 'current', 10)).entries.length, 0);
    });

    it('puts both scores of a paid head-to-head on the board', async () => {
      const host = await w.player(10_000);
      const challenger = await w.player(10_000);
      const h = await w.skill.startMatch(host, { game: 'match3', entryFeeFen: FEE, requestKey: `pb-h-${subject.name}` });
      const c = await w.skill.startMatch(challenger, { game: 'match3', entryFeeFen: FEE, requestKey: `pb-c-${subject.name}` });
      const hc = new TestClient(w, host, h.session);
      await hc.play(12);
      await w.skill.finish(host, h.session.sessionId, hc.game.score);
      const cc = new TestClient(w, challenger, c.session);
      await cc.copy(hc.log.slice(0, 4));
      await w.skill.finish(challenger, c.session.sessionId, cc.game.score);
      assert.equal(await onBoard(host, true), hc.game.score);
      assert.equal(await onBoard(challenger, true), cc.game.score);
    });
  });
}

// Leaderboards on Redis sorted sets: ZADD (GT for best-score boards), ZREVRANGE, ZREVRANK. One
// player's updates to several boards travel as one pipeline; an expiring board carries its
// deletion time (PEXPIREAT) so Redis drops old periods by itself.
import { createRequire } from 'node:module';
import type { Redis } from 'ioredis';
import { type LeaderboardBackend, type LeaderboardEntry, type LeaderboardUpdate, checkUpdate } from './ports.ts';

// Loaded when the first connection is made, not at start: a node configured without Redis never
// loads the client (about 2 MB of V8 heap; bench/README.md, "The idle process and memory per player").
const require = createRequire(import.meta.url);

export interface RedisLeaderboardOptions {
  /** A connection string (`redis://127.0.0.1:6379/0`) or a client to share. */
  readonly redis: string | Redis;
  /** Prepended to every key (tests use a unique one; production `fairground:`). */
  readonly keyPrefix?: string;
  /** Connection errors of a client made here (it reconnects by itself; the caller logs them). */
  readonly onError?: (e: Error) => void;
}

/** Boards whose expiry this process remembers having set (cleared when full: it only saves commands). */
const EXPIRY_CACHE_MAX = 10_000;

function entries(flat: string[], firstRank: number): LeaderboardEntry[] {
  const out: LeaderboardEntry[] = [];
  for (let i = 0; i + 1 < flat.length; i += 2) out.push({ playerId: flat[i]!, value: Number(flat[i + 1]), rank: firstRank + i / 2 });
  return out;
}

export function createRedisLeaderboards(o: RedisLeaderboardOptions): LeaderboardBackend {
  const owned = typeof o.redis === 'string';
  const redis =
    typeof o.redis === 'string'
      ? new (require('ioredis') as typeof import('ioredis')).Redis(o.redis, { maxRetriesPerRequest: 3, enableAutoPipelining: true })
      : o.redis;
  // Without a listener, a connection error while Redis is away would be thrown as an unhandled event.
  if (owned) redis.on('error', o.onError ?? (() => {}));
  const prefix = `${o.keyPrefix ?? 'fairground:'}lb:`;
  const key = (board: string) => prefix + board;
  const expirySent = new Map<string, number>();
  return {
    kind: 'redis',
    async submit(updates: readonly LeaderboardUpdate[]) {
      if (updates.length === 0) return;
      for (const u of updates) checkUpdate(u);
      // Commands sent together travel as one pipeline on the connection (auto-pipelining), and
      // concurrent callers share it; an expiry already set from this process is not sent again.
      const pending: Promise<unknown>[] = [];
      for (const u of updates) {
        const k = key(u.board);
        pending.push(u.mode === 'best' ? redis.zadd(k, 'GT', u.value, u.playerId) : redis.zadd(k, u.value, u.playerId));
        if (u.expireAtMs !== null && expirySent.get(k) !== u.expireAtMs) {
          if (expirySent.size >= EXPIRY_CACHE_MAX) expirySent.clear();
          expirySent.set(k, u.expireAtMs);
          pending.push(redis.pexpireat(k, u.expireAtMs));
        }
      }
      await Promise.all(pending);
    },
    async top(board, offset, limit) {
      if (limit <= 0) return [];
      return entries(await redis.zrevrange(key(board), offset, offset + limit - 1, 'WITHSCORES'), offset + 1);
    },
    async entry(board, playerId) {
      const [rank, score] = await Promise.all([redis.zrevrank(key(board), playerId), redis.zscore(key(board), playerId)]);
      if (rank === null || score === null) return null;
      return { playerId, value: Number(score), rank: rank + 1 };
    },
    async around(board, playerId, radius) {
      const rank = await redis.zrevrank(key(board), playerId);
      if (rank === null) return [];
      const start = Math.max(0, rank - radius);
      return entries(await redis.zrevrange(key(board), start, rank + radius, 'WITHSCORES'), start + 1);
    },
    async size(board) {
      return redis.zcard(key(board));
    },
    async prune() {
      return 0;
    },
    async close() {
      if (owned) await redis.quit().catch(() => undefined);
    },
  };
}

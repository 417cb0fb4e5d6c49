// Leaderboards: daily, weekly and all-time boards per game, by best score and by rating.
// A period's board is named after the period (`match3:score:daily:d20261101`), so a new period
// starts empty on schedule and the previous one stays readable; a board is deleted once the
// period after it is over too (Redis by key expiry, the others by the periodic sweep).
import type { Clock } from '@fairground/core';
import { LEADERBOARD_PAGE_MAX, LEADERBOARD_RADIUS_MAX } from './limits.ts';
import type { LeaderboardBackend, LeaderboardEntry, LeaderboardUpdate } from './ports.ts';

export { LEADERBOARD_PAGE_MAX, LEADERBOARD_RADIUS_MAX } from './limits.ts';
export { createMemoryLeaderboards } from './memory.ts';
export { leaderboardsMigrations } from './migrations.ts';
export type { LeaderboardBackend, LeaderboardEntry, LeaderboardUpdate } from './ports.ts';
export { createRedisLeaderboards, type RedisLeaderboardOptions } from './redis.ts';
export { createSqlLeaderboards } from './sql.ts';

export const LEADERBOARD_METRICS = ['score', 'rating'] as const;
export type LeaderboardMetric = (typeof LEADERBOARD_METRICS)[number];
export const LEADERBOARD_PERIODS = ['daily', 'weekly', 'all'] as const;
export type LeaderboardPeriod = (typeof LEADERBOARD_PERIODS)[number];
export type PeriodWhich = 'current' | 'previous';

const DAY_MS = 86_400_000;
/** Expired boards linger this long after the period that follows them, for late readers. */
const LINGER_MS = DAY_MS;

export interface PeriodInfo {
  readonly period: LeaderboardPeriod;
  /** `d20261101`, `w20261102` (the Monday the week starts), or `all`. */
  readonly id: string;
  readonly startsAtMs: number | null;
  readonly endsAtMs: number | null;
}

export interface LeaderboardsOptions {
  readonly backend: LeaderboardBackend;
  readonly clock: Clock;
  /** Where a day starts: minutes east of UTC (China Standard Time, +480, by default). */
  readonly utcOffsetMinutes?: number;
}

function ymd(dayIndex: number): string {
  const d = new Date(dayIndex * DAY_MS);
  return `${d.getUTCFullYear()}${String(d.getUTCMonth() + 1).padStart(2, '0')}${String(d.getUTCDate()).padStart(2, '0')}`;
}

export class Leaderboards {
  readonly backend: LeaderboardBackend;
  readonly #clock: Clock;
  readonly #offsetMs: number;

  constructor(o: LeaderboardsOptions) {
    this.backend = o.backend;
    this.#clock = o.clock;
    const minutes = o.utcOffsetMinutes ?? 480;
    if (!Number.isInteger(minutes) || Math.abs(minutes) > 14 * 60) throw new Error('utcOffsetMinutes must be an integer within ±14 h');
    this.#offsetMs = minutes * 60_000;
  }

  /** The period containing `atMs` (default now), or the one before it. */
  period(period: LeaderboardPeriod, which: PeriodWhich = 'current', atMs: number = this.#clock.nowMs()): PeriodInfo {
    if (period === 'all') return { period, id: 'all', startsAtMs: null, endsAtMs: null };
    const day = Math.floor((atMs + this.#offsetMs) / DAY_MS);
    // Day 0 (1970-01-01) was a Thursday: Monday-based weeks start on days ≡ 4 (mod 7).
    const len = period === 'daily' ? 1 : 7;
    let first = period === 'daily' ? day : day - ((((day - 4) % 7) + 7) % 7);
    if (which === 'previous') first -= len;
    return {
      period,
      id: `${period === 'daily' ? 'd' : 'w'}${ymd(first)}`,
      startsAtMs: first * DAY_MS - this.#offsetMs,
      endsAtMs: (first + len) * DAY_MS - this.#offsetMs,
    };
  }

  #updates(game: string, metric: LeaderboardMetric, playerId: string, value: number, mode: 'best' | 'set'): LeaderboardUpdate[] {
    const nowMs = this.#clock.nowMs();
    return LEADERBOARD_PERIODS.map((period) => {
      const p = this.period(period, 'current', nowMs);
      // Kept through the next period (as "previous"), then deleted.
      const expireAtMs = p.endsAtMs === null || p.startsAtMs === null ? null : p.endsAtMs + (p.endsAtMs - p.startsAtMs) + LINGER_MS;
      return { board: `${game}:${metric}:${period}:${p.id}`, playerId, value, mode, expireAtMs };
    });
  }

  /** A finished session's score: kept on each board if it is the player's best there. */
  recordScore(game: string, playerId: string, score: number): Promise<void> {
    return this.backend.submit(this.#updates(game, 'score', playerId, score, 'best'));
  }

  /** A player's rating after a rated match (rounded to a whole point). */
  recordRating(game: string, playerId: string, rating: number): Promise<void> {
    return this.backend.submit(this.#updates(game, 'rating', playerId, Math.round(rating), 'set'));
  }

  async top(
    game: string,
    metric: LeaderboardMetric,
    period: LeaderboardPeriod,
    which: PeriodWhich,
    limit: number,
    offset = 0,
  ): Promise<{ period: PeriodInfo; size: number; entries: LeaderboardEntry[] }> {
    const p = this.period(period, which);
    const board = `${game}:${metric}:${period}:${p.id}`;
    const n = Math.min(Math.max(1, limit), LEADERBOARD_PAGE_MAX);
    const [entries, size] = await Promise.all([this.backend.top(board, Math.max(0, offset), n), this.backend.size(board)]);
    return { period: p, size, entries };
  }

  async standing(
    game: string,
    metric: LeaderboardMetric,
    period: LeaderboardPeriod,
    which: PeriodWhich,
    playerId: string,
    radius: number,
  ): Promise<{ period: PeriodInfo; size: number; me: LeaderboardEntry | null; around: LeaderboardEntry[] }> {
    const p = this.period(period, which);
    const board = `${game}:${metric}:${period}:${p.id}`;
    const r = Math.min(Math.max(0, radius), LEADERBOARD_RADIUS_MAX);
    const [around, size] = await Promise.all([this.backend.around(board, playerId, r), this.backend.size(board)]);
    return { period: p, size, me: around.find((e) => e.playerId === playerId) ?? null, around };
  }

  /** Deletes boards of periods that are over and no longer "previous". Run by the sweep. */
  prune(): Promise<number> {
    return this.backend.prune(this.#clock.nowMs());
  }
}
export { LeaderboardEntryBody, leaderboardsContract } from './contract.ts';
export { type LeaderboardRouteDeps, leaderboardRoutes } from './routes.ts';

// What leaderboards need from a sorted-set store. Redis sorted sets in production; SQL tables on
// the platform's store for the embedded setup; memory for tests and benchmarks. One contract
// suite (test/skill/leaderboards.test.ts) holds all of them to the same behaviour.
//
// Order: higher value first; equal values order by player id, descending by code unit (Redis's
// own order for equal scores in ZREVRANGE), so every backend ranks ties identically.
import { assert } from '@fairground/core';

export interface LeaderboardEntry {
  readonly playerId: string;
  /** An integer: a score, or a rating rounded to a whole point. */
  readonly value: number;
  /** 1 for the top. */
  readonly rank: number;
}

export interface LeaderboardUpdate {
  readonly board: string;
  readonly playerId: string;
  readonly value: number;
  /** `best` keeps the higher of the stored and the new value; `set` replaces it. */
  readonly mode: 'best' | 'set';
  /** When the whole board may be deleted (its period and the one after it are over), or null to keep it. */
  readonly expireAtMs: number | null;
}

export interface LeaderboardBackend {
  readonly kind: 'memory' | 'sql' | 'redis';
  /** Applies the updates (a score lands on its daily, weekly and all-time boards in one call). */
  submit(updates: readonly LeaderboardUpdate[]): Promise<void>;
  /** Entries ranked offset+1 … offset+limit. */
  top(board: string, offset: number, limit: number): Promise<LeaderboardEntry[]>;
  /** The player's entry, or null when the player is not on the board. */
  entry(board: string, playerId: string): Promise<LeaderboardEntry | null>;
  /** The player's entry with up to `radius` entries above and below it; empty when the player is not on the board. */
  around(board: string, playerId: string, radius: number): Promise<LeaderboardEntry[]>;
  size(board: string): Promise<number>;
  /** Deletes boards whose expiry has passed; returns how many (Redis expires keys itself and returns 0). */
  prune(nowMs: number): Promise<number>;
  close(): Promise<void>;
}

/** Board names are `game:metric:period:periodId`, safe as Redis keys and SQL values. */
export const BOARD_PATTERN = /^[a-z0-9_]{1,32}:[a-z_]{1,16}:[a-z]{1,16}:[a-z0-9]{1,16}$/;
export const PLAYER_ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

/** The same order in every backend: value descending, then player id descending by code unit. */
export function compareEntries(a: { playerId: string; value: number }, b: { playerId: string; value: number }): number {
  if (a.value !== b.value) return b.value - a.value;
  return a.playerId < b.playerId ? 1 : a.playerId > b.playerId ? -1 : 0;
}

export function checkUpdate(u: LeaderboardUpdate): void {
  assert(BOARD_PATTERN.test(u.board), `board name ${JSON.stringify(u.board)}`);
  assert(PLAYER_ID_PATTERN.test(u.playerId), 'leaderboard player id');
  assert(Number.isSafeInteger(u.value) && Math.abs(u.value) <= 2 ** 52, 'leaderboard value must be an integer');
}

// Glicko-2 ratings per game, updated after each rated match inside the settlement's unit of work
// (so a rating never moves for a match whose money did not). Each match is one rating period for
// its two players; a player idle for whole periods of `idlePeriodMs` has their deviation grown
// (Glickman's step for players who do not compete) when the rating is next read or updated.
import { type GameResult, inactivePeriods, NEW_PLAYER_RATING, type Rating, updateRating } from '@fairground/rules';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';

export type RatingPool = 'paid' | 'practice';

export interface PlayerRating extends Rating {
  readonly playerId: string;
  readonly games: number;
  readonly updatedAtMs: number | null;
}

export interface RatingsOptions {
  /** Deviation grows by one inactive period per this many ms without a rated match. */
  readonly idlePeriodMs?: number;
}

interface Row {
  player_id: string;
  rating: string;
  deviation: string;
  volatility: string;
  games: unknown;
  updated_at_ms: unknown;
}

/** Idle periods counted at most (beyond this the deviation is at its maximum anyway). */
const IDLE_PERIODS_MAX = 1000;

export class Ratings {
  readonly #idlePeriodMs: number;

  constructor(o: RatingsOptions = {}) {
    this.#idlePeriodMs = o.idlePeriodMs ?? 7 * 86_400_000;
  }

  #fromRow(row: Row | undefined, playerId: string, nowMs: number): PlayerRating {
    if (!row) return { playerId, ...NEW_PLAYER_RATING, games: 0, updatedAtMs: null };
    const stored: Rating = { rating: Number(row.rating), deviation: Number(row.deviation), volatility: Number(row.volatility) };
    const updatedAtMs = intFromDb(row.updated_at_ms);
    const idle = Math.min(IDLE_PERIODS_MAX, Math.floor((nowMs - updatedAtMs) / this.#idlePeriodMs));
    const r = idle > 0 ? inactivePeriods(stored, idle) : stored;
    return { playerId, ...r, games: intFromDb(row.games), updatedAtMs };
  }

  /** Current ratings of several players (new players get the Glicko starting rating). */
  async current(
    reader: Reader,
    game: string,
    pool: RatingPool,
    playerIds: readonly string[],
    nowMs: number,
  ): Promise<Map<string, PlayerRating>> {
    const out = new Map<string, PlayerRating>();
    if (playerIds.length === 0) return out;
    const rows = await reader.query<Row>(
      `SELECT player_id, rating, deviation, volatility, games, updated_at_ms FROM skill_ratings
        WHERE game = ? AND pool = ? AND player_id IN (${playerIds.map(() => '?').join(', ')})`,
      [game, pool, ...playerIds],
    );
    const byId = new Map(rows.map((r) => [r.player_id, r]));
    for (const id of playerIds) out.set(id, this.#fromRow(byId.get(id), id, nowMs));
    return out;
  }

  /**
   * Rates one match between `a` and `b` (scoreA: 1 a won, 0.5 tie, 0 b won) inside `tx` and
   * returns both new ratings.
   */
  async rateMatch(
    tx: Tx,
    game: string,
    pool: RatingPool,
    a: string,
    b: string,
    scoreA: 0 | 0.5 | 1,
  ): Promise<[PlayerRating, PlayerRating]> {
    const now = await this.current(tx, game, pool, [a, b], tx.nowMs);
    const ra = now.get(a)!;
    const rb = now.get(b)!;
    const resultA: GameResult = { opponent: { rating: rb.rating, deviation: rb.deviation }, score: scoreA };
    const resultB: GameResult = { opponent: { rating: ra.rating, deviation: ra.deviation }, score: (1 - scoreA) as 0 | 0.5 | 1 };
    const na: PlayerRating = { playerId: a, ...updateRating(ra, [resultA]), games: ra.games + 1, updatedAtMs: tx.nowMs };
    const nb: PlayerRating = { playerId: b, ...updateRating(rb, [resultB]), games: rb.games + 1, updatedAtMs: tx.nowMs };
    for (const r of [na, nb]) {
      await tx.run(
        `INSERT INTO skill_ratings (player_id, game, pool, rating, deviation, volatility, games, updated_at_ms) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
         ON CONFLICT (player_id, game, pool) DO UPDATE SET rating = excluded.rating, deviation = excluded.deviation,
           volatility = excluded.volatility, games = excluded.games, updated_at_ms = excluded.updated_at_ms`,
        [r.playerId, game, pool, String(r.rating), String(r.deviation), String(r.volatility), r.games, tx.nowMs],
      );
    }
    return [na, nb];
  }
}

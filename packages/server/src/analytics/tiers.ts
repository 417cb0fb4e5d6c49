// Player tiers (用户层级) for the metrics' breakdown and the VIP room skins: `new` until a first
// credited deposit, `paying` after it, `vip` once credited deposits reach the VIP line. The row is
// written in the unit of work that appends the deposit event, so it always agrees with the log.
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { Tier } from './metrics.ts';

export interface PlayerTierRow {
  readonly playerId: string;
  readonly depositsFen: number;
  readonly firstDepositAtMs: number;
  readonly vipSinceMs: number | null;
}

export async function recordDeposit(tx: Tx, playerId: string, amountFen: number, vipFromFen: number): Promise<void> {
  await tx.run(
    `INSERT INTO analytics_players (player_id, deposits_fen, deposits, first_deposit_at_ms, vip_since_ms) VALUES (?, ?, 1, ?, ?)
      ON CONFLICT (player_id) DO UPDATE SET
        deposits_fen = analytics_players.deposits_fen + excluded.deposits_fen,
        deposits = analytics_players.deposits + 1,
        vip_since_ms = COALESCE(analytics_players.vip_since_ms,
          CASE WHEN analytics_players.deposits_fen + excluded.deposits_fen >= CAST(? AS BIGINT) THEN CAST(? AS BIGINT) ELSE NULL END)`,
    [playerId, amountFen, tx.nowMs, amountFen >= vipFromFen ? tx.nowMs : null, vipFromFen, tx.nowMs],
  );
}

interface Row {
  player_id: string;
  deposits_fen: unknown;
  first_deposit_at_ms: unknown;
  vip_since_ms: unknown;
}

const fromRow = (r: Row): PlayerTierRow => ({
  playerId: r.player_id,
  depositsFen: intFromDb(r.deposits_fen),
  firstDepositAtMs: intFromDb(r.first_deposit_at_ms),
  vipSinceMs: intOrNullFromDb(r.vip_since_ms),
});

export async function readPlayerTierRow(reader: Reader, playerId: string): Promise<PlayerTierRow | null> {
  const rows = await reader.query<Row>(
    'SELECT player_id, deposits_fen, first_deposit_at_ms, vip_since_ms FROM analytics_players WHERE player_id = ?',
    [playerId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Rows of many players, read in chunks (placeholders per statement stay bounded). */
export async function readPlayerTierRows(reader: Reader, playerIds: readonly string[]): Promise<Map<string, PlayerTierRow>> {
  const CHUNK = 500;
  const out = new Map<string, PlayerTierRow>();
  for (let i = 0; i < playerIds.length; i += CHUNK) {
    const chunk = playerIds.slice(i, i + CHUNK);
    const rows = await reader.query<Row>(
      `SELECT player_id, deposits_fen, first_deposit_at_ms, vip_since_ms FROM analytics_players WHERE player_id IN (${chunk.map(() => '?').join(', ')})`,
      chunk,
    );
    for (const r of rows) out.set(r.player_id, fromRow(r));
  }
  return out;
}

/** The tier a player had at an instant. */
export function tierAt(row: PlayerTierRow | null | undefined, atMs: number): Tier {
  if (!row) return 'new';
  if (row.vipSinceMs !== null && row.vipSinceMs <= atMs) return 'vip';
  return row.firstDepositAtMs <= atMs ? 'paying' : 'new';
}

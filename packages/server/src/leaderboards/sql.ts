// Leaderboards on the platform's own database (SQLite or PostgreSQL): the default when no Redis
// is configured. A rank is one indexed count of the entries ahead of the player.
import type { Reader, Store, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { PRUNE_BOARDS_MAX } from './limits.ts';
import { type LeaderboardBackend, type LeaderboardEntry, type LeaderboardUpdate, checkUpdate } from './ports.ts';

interface Row {
  player_id: string;
  value: unknown;
}

/** The reads of the SQL leaderboards: a page of ranked entries, and one player's entry with its rank. */
function sqlReads(r: Reader) {
  const rankOf = async (board: string, playerId: string, value: number): Promise<number> => {
    const rows = await r.query<{ n: unknown }>(
      'SELECT COUNT(*) AS n FROM leaderboard_entries WHERE board = ? AND (value > ? OR (value = ? AND player_id > ?))',
      [board, value, value, playerId],
    );
    return intFromDb(rows[0]?.n ?? 0) + 1;
  };
  const page = async (board: string, offset: number, limit: number): Promise<LeaderboardEntry[]> => {
    if (limit <= 0) return [];
    const rows = await r.query<Row>(
      'SELECT player_id, value FROM leaderboard_entries WHERE board = ? ORDER BY value DESC, player_id DESC LIMIT ? OFFSET ?',
      [board, limit, offset],
    );
    return rows.map((row, i) => ({ playerId: row.player_id, value: intFromDb(row.value), rank: offset + i + 1 }));
  };
  const entry = async (board: string, playerId: string): Promise<LeaderboardEntry | null> => {
    const rows = await r.query<Row>('SELECT player_id, value FROM leaderboard_entries WHERE board = ? AND player_id = ?', [
      board,
      playerId,
    ]);
    const row = rows[0];
    if (!row) return null;
    const value = intFromDb(row.value);
    return { playerId, value, rank: await rankOf(board, playerId, value) };
  };
  return { page, entry };
}

/** One update in the unit: the player's value (kept or replaced by its mode) and the board's expiry. */
async function upsertEntry(tx: Tx, u: LeaderboardUpdate): Promise<void> {
  const keep =
    u.mode === 'best'
      ? 'CASE WHEN excluded.value > leaderboard_entries.value THEN excluded.value ELSE leaderboard_entries.value END'
      : 'excluded.value';
  await tx.run(
    `INSERT INTO leaderboard_entries (board, player_id, value, updated_at_ms) VALUES (?, ?, ?, ?)
     ON CONFLICT (board, player_id) DO UPDATE SET value = ${keep}, updated_at_ms = excluded.updated_at_ms`,
    [u.board, u.playerId, u.value, tx.nowMs],
  );
  await tx.run(
    `INSERT INTO leaderboard_boards (board, expire_at_ms) VALUES (?, ?)
     ON CONFLICT (board) DO UPDATE SET expire_at_ms = excluded.expire_at_ms`,
    [u.board, u.expireAtMs],
  );
}

export function createSqlLeaderboards(store: Store): LeaderboardBackend {
  const r = store.reader;
  const { page, entry } = sqlReads(store.reader);
  return {
    kind: 'sql',
    async submit(updates: readonly LeaderboardUpdate[]) {
      if (updates.length === 0) return;
      for (const u of updates) checkUpdate(u);
      await store.unitOfWork(
        async (tx) => {
          for (const u of updates) await upsertEntry(tx, u);
        },
        { label: 'leaderboards.submit' },
      );
    },
    top: page,
    entry,
    async around(board, playerId, radius) {
      const me = await entry(board, playerId);
      if (!me) return [];
      const start = Math.max(0, me.rank - 1 - radius);
      return page(board, start, me.rank - start + radius);
    },
    async size(board) {
      const rows = await r.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM leaderboard_entries WHERE board = ?', [board]);
      return intFromDb(rows[0]?.n ?? 0);
    },
    async prune(nowMs) {
      const rows = await r.query<{ board: string }>(
        'SELECT board FROM leaderboard_boards WHERE expire_at_ms IS NOT NULL AND expire_at_ms <= ? ORDER BY expire_at_ms LIMIT ?',
        [nowMs, PRUNE_BOARDS_MAX],
      );
      for (const { board } of rows) {
        await store.unitOfWork(
          async (tx) => {
            await tx.run('DELETE FROM leaderboard_entries WHERE board = ?', [board]);
            await tx.run('DELETE FROM leaderboard_boards WHERE board = ? AND expire_at_ms <= ?', [board, nowMs]);
          },
          { label: 'leaderboards.prune' },
        );
      }
      return rows.length;
    },
    async close() {},
  };
}

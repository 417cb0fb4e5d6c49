// What other domains may read of the rooms' tables (rooms, room_members, room_hands, room_orders):
// the operators' console and exports (analytics' `RoomTables` port, whose shapes these answers
// take), the service metrics, and the cluster's checks of which rooms the database calls live.
// Read-only, bound to their readers by the composition root, so the table layout stays this
// domain's business.
import type { RoomListItem, RoomTables } from '../analytics/index.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { ORDER_COLUMNS, orderFromDb } from './money.ts';

/** What the cluster reads: which rooms the database calls live. */
export interface RoomLiveness {
  /** Rooms the database calls live (waiting or playing), by id after `afterId`. */
  liveAfter(afterId: string, limit: number): Promise<{ id: string; createdAtMs: number }[]>;
  /** Whether the database calls the room with this id (or code) live. */
  isLive(by: 'id' | 'code', value: string): Promise<boolean>;
}

interface RoomRow {
  id: string;
  code: string;
  status: string;
  owner_id: string;
  owner_nickname: string | null;
  seats: unknown;
  rounds: unknown;
  fee_mode: string;
  fee_payer: string;
  hands_played: unknown;
  members: unknown;
  created_at_ms: unknown;
  ended_at_ms: unknown;
  end_reason: string | null;
}

const ROOM_SELECT = `SELECT r.id, r.code, r.status, r.owner_id, p.nickname AS owner_nickname, r.seats, r.rounds, r.fee_mode, r.fee_payer,
    r.hands_played, r.created_at_ms, r.ended_at_ms, r.end_reason,
    (SELECT COUNT(*) FROM room_members m WHERE m.room_id = r.id AND m.status = 'active') AS members
  FROM rooms r LEFT JOIN players p ON p.id = r.owner_id`;

function itemOf(r: RoomRow): RoomListItem {
  return {
    id: r.id,
    code: r.code,
    status: r.status,
    ownerId: r.owner_id,
    ownerNickname: r.owner_nickname,
    seats: intFromDb(r.seats),
    rounds: intFromDb(r.rounds),
    feeMode: r.fee_mode,
    feePayer: r.fee_payer,
    handsPlayed: intFromDb(r.hands_played),
    members: intFromDb(r.members),
    createdAtMs: intFromDb(r.created_at_ms),
    endedAtMs: intOrNullFromDb(r.ended_at_ms),
    endReason: r.end_reason,
  };
}

export type RoomReads = ReturnType<typeof roomReads>;

export function roomReads(reader: Reader): RoomTables & RoomLiveness {
  return {
    /** Rooms in any of `statuses` (and with `code`, when given), newest first. */
    async list(q) {
      const where = [`r.status IN (${q.statuses.map(() => '?').join(', ')})`];
      const params: (string | number)[] = [...q.statuses];
      if (q.code !== undefined) {
        where.push('r.code = ?');
        params.push(q.code);
      }
      params.push(q.limit);
      const rows = await reader.query<RoomRow>(`${ROOM_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.created_at_ms DESC LIMIT ?`, params);
      return rows.map(itemOf);
    },

    async room(roomId) {
      const rows = await reader.query<RoomRow>(`${ROOM_SELECT} WHERE r.id = ?`, [roomId]);
      return rows[0] ? itemOf(rows[0]) : null;
    },

    /** Everyone who joined the room, in the order they joined, with their nicknames. */
    async members(roomId) {
      const rows = await reader.query<{ player_id: string; nickname: string | null; role: string; seat: unknown; status: string }>(
        `SELECT m.player_id, p.nickname, m.role, m.seat, m.status FROM room_members m LEFT JOIN players p ON p.id = m.player_id
          WHERE m.room_id = ? ORDER BY m.joined_at_ms`,
        [roomId],
      );
      return rows.map((m) => ({
        playerId: m.player_id,
        nickname: m.nickname,
        role: m.role,
        seat: intOrNullFromDb(m.seat),
        status: m.status,
      }));
    },

    ...handReads(reader),
    ...orderReads(reader),

    /** How many rooms are in each status. */
    async countsByStatus() {
      const rows = await reader.query<{ status: string; n: unknown }>('SELECT status, COUNT(*) AS n FROM rooms GROUP BY status');
      return rows.map((r) => ({ status: r.status, rooms: intFromDb(r.n) }));
    },

    async liveAfter(afterId, limit) {
      const rows = await reader.query<{ id: string; created_at_ms: unknown }>(
        "SELECT id, created_at_ms FROM rooms WHERE status IN ('waiting', 'playing') AND id > ? ORDER BY id LIMIT ?",
        [afterId, limit],
      );
      return rows.map((r) => ({ id: r.id, createdAtMs: intFromDb(r.created_at_ms) }));
    },

    async isLive(by, value) {
      const rows = await reader.query(
        `SELECT 1 AS x FROM rooms WHERE ${by === 'id' ? 'id' : 'code'} = ? AND status IN ('waiting', 'playing')`,
        [value],
      );
      return rows.length > 0;
    },
  };
}

/** The finished hands' reads: a room's list, one sealed record, counts and pages over all rooms. */
function handReads(reader: Reader): Pick<RoomTables, 'hands' | 'sealedHand' | 'handsCount' | 'handsAfter'> {
  return {
    /** The room's finished hands, newest first. */
    async hands(roomId, limit) {
      const rows = await reader.query<{ hand_number: unknown; created_at_ms: unknown; record_hash: string; chain_hash: string }>(
        'SELECT hand_number, created_at_ms, record_hash, chain_hash FROM room_hands WHERE room_id = ? ORDER BY hand_number DESC LIMIT ?',
        [roomId, limit],
      );
      return rows.map((x) => ({
        handNumber: intFromDb(x.hand_number),
        endedAtMs: intFromDb(x.created_at_ms),
        recordHash: x.record_hash,
        chainHash: x.chain_hash,
      }));
    },

    /** One finished hand's sealed record, or null. */
    async sealedHand(roomId, handNumber) {
      const rows = await reader.query<{ sealed: string; record_hash: string }>(
        'SELECT sealed, record_hash FROM room_hands WHERE room_id = ? AND hand_number = ?',
        [roomId, handNumber],
      );
      return rows[0] ? { sealed: rows[0].sealed, recordHash: rows[0].record_hash } : null;
    },

    async handsCount(fromMs, toMs) {
      const rows = await reader.query<{ n: unknown }>(
        'SELECT COUNT(*) AS n FROM room_hands WHERE created_at_ms >= ? AND created_at_ms < ?',
        [fromMs, toMs],
      );
      return intFromDb(rows[0]?.n ?? 0);
    },

    /** Finished hands before `toMs`, after the position `after` in (time, room, hand) order. */
    async handsAfter(toMs, after, limit) {
      const rows = await reader.query<{
        room_id: string;
        code: string | null;
        hand_number: unknown;
        sealed: string;
        record_hash: string;
        chain_hash: string;
        created_at_ms: unknown;
      }>(
        `SELECT h.room_id, r.code, h.hand_number, h.sealed, h.record_hash, h.chain_hash, h.created_at_ms
           FROM room_hands h LEFT JOIN rooms r ON r.id = h.room_id
          WHERE h.created_at_ms < ? AND (h.created_at_ms > ? OR (h.created_at_ms = ? AND (h.room_id > ? OR (h.room_id = ? AND h.hand_number > ?))))
          ORDER BY h.created_at_ms, h.room_id, h.hand_number LIMIT ?`,
        [toMs, after.at, after.at, after.room, after.room, after.hand, limit],
      );
      return rows.map((r) => ({
        roomId: r.room_id,
        roomCode: r.code,
        handNumber: intFromDb(r.hand_number),
        sealed: r.sealed,
        recordHash: r.record_hash,
        chainHash: r.chain_hash,
        createdAtMs: intFromDb(r.created_at_ms),
      }));
    },
  };
}

/** The room fee and room-card orders' reads, by creation time. */
function orderReads(reader: Reader): Pick<RoomTables, 'ordersCount' | 'orders'> {
  return {
    async ordersCount(fromMs, toMs) {
      const rows = await reader.query<{ n: unknown }>(
        'SELECT COUNT(*) AS n FROM room_orders WHERE created_at_ms >= ? AND created_at_ms < ?',
        [fromMs, toMs],
      );
      return intFromDb(rows[0]?.n ?? 0);
    },

    /** Room fee and room-card orders created in [fromMs, toMs), as the rooms domain reads them. */
    async orders(fromMs, toMs) {
      const rows = await reader.query<Parameters<typeof orderFromDb>[0]>(
        `SELECT ${ORDER_COLUMNS} FROM room_orders WHERE created_at_ms >= ? AND created_at_ms < ?`,
        [fromMs, toMs],
      );
      return rows.map(orderFromDb);
    },
  };
}

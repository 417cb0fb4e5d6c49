// What operators see of 拼三张 rooms in the console: rooms by state, a live room as a spectator
// sees it (seats, scores, pot, whose turn — never a card that is not shown to all), and finished
// hands in full (every card and action) for replay. A live hand's hidden cards are not reachable
// here at all: full records exist only once the hand has ended and been sealed, and every view
// of one writes an audit entry. Reads the rooms' tables read-only, like the exports.
import { AppError } from '@fairground/core';
import { type HandView, playerView } from '@fairground/rules';
import type { AuditLog } from '../admin/index.ts';
import type { OperatorActor } from '../accounts/index.ts';
import type { RoomState } from '../rooms/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import { AnalyticsErrors } from './errors.ts';
import { ROOM_HANDS_PAGE_MAX, ROOMS_PAGE_MAX } from './limits.ts';

export interface RoomRecordsOptions {
  readonly store: Store;
  readonly audit: AuditLog;
  /** The room's state if a node of this process holds it live. */
  readonly liveState: (roomId: string) => RoomState | null;
  readonly openHand: (sealed: string, roomId: string, handNumber: number) => string;
}

export interface RoomListItem {
  readonly id: string;
  readonly code: string;
  readonly status: string;
  readonly ownerId: string;
  readonly ownerNickname: string | null;
  readonly seats: number;
  readonly rounds: number;
  readonly feeMode: string;
  readonly feePayer: string;
  readonly handsPlayed: number;
  readonly members: number;
  readonly createdAtMs: number;
  readonly endedAtMs: number | null;
  readonly endReason: string | null;
}

export interface PublicRoomView {
  readonly room: RoomListItem;
  /** Whether this process holds the room live (else the header comes from the stored rows). */
  readonly live: boolean;
  readonly members: { playerId: string; nickname: string; role: string; seat: number | null; status: string }[];
  readonly scores: { playerId: string; points: number; hands: number }[];
  /** The hand in progress as a spectator sees it. */
  readonly hand: { handNumber: number; commitment: string; startedAtMs: number; view: HandView } | null;
  readonly hands: { handNumber: number; endedAtMs: number; recordHash: string; chainHash: string }[];
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

export class RoomRecords {
  readonly #o: RoomRecordsOptions;

  constructor(o: RoomRecordsOptions) {
    this.#o = o;
  }

  /** Live (waiting or playing) or past (finished or dissolved) rooms, newest first; `code` finds one room. */
  async list(q: { state: 'live' | 'past'; code?: string; limit?: number }): Promise<RoomListItem[]> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), ROOMS_PAGE_MAX);
    const statuses = q.state === 'live' ? ['waiting', 'playing'] : ['finished', 'dissolved'];
    const where = ['r.status IN (?, ?)'];
    const params: (string | number)[] = [...statuses];
    if (q.code !== undefined) {
      where.push('r.code = ?');
      params.push(q.code);
    }
    params.push(limit);
    const rows = await this.#o.store.reader.query<RoomRow>(
      `${ROOM_SELECT} WHERE ${where.join(' AND ')} ORDER BY r.created_at_ms DESC LIMIT ?`,
      params,
    );
    return rows.map(itemOf);
  }

  /** The room as a spectator sees it, with the list of its finished hands. */
  async view(roomId: string): Promise<PublicRoomView> {
    const reader = this.#o.store.reader;
    const rows = await reader.query<RoomRow>(`${ROOM_SELECT} WHERE r.id = ?`, [roomId]);
    if (!rows[0]) throw new AppError(AnalyticsErrors.ANALYTICS_ROOM_NOT_FOUND, { roomId });
    const members = await reader.query<{ player_id: string; nickname: string | null; role: string; seat: unknown; status: string }>(
      `SELECT m.player_id, p.nickname, m.role, m.seat, m.status FROM room_members m LEFT JOIN players p ON p.id = m.player_id
        WHERE m.room_id = ? ORDER BY m.joined_at_ms`,
      [roomId],
    );
    const hands = await reader.query<{ hand_number: unknown; created_at_ms: unknown; record_hash: string; chain_hash: string }>(
      'SELECT hand_number, created_at_ms, record_hash, chain_hash FROM room_hands WHERE room_id = ? ORDER BY hand_number DESC LIMIT ?',
      [roomId, ROOM_HANDS_PAGE_MAX],
    );
    const state = this.#o.liveState(roomId);
    const h = state?.hand ?? null;
    return {
      room: itemOf(rows[0]),
      live: state !== null,
      members: members.map((m) => ({
        playerId: m.player_id,
        nickname: m.nickname ?? m.player_id,
        role: m.role,
        seat: intOrNullFromDb(m.seat),
        status: m.status,
      })),
      scores: (state?.scores ?? []).map((s) => ({ playerId: s.playerId, points: s.points, hands: s.hands })),
      hand:
        h === null
          ? null
          : { handNumber: h.handNumber, commitment: h.commitment, startedAtMs: h.startedAtMs, view: playerView(h.state, null) },
      hands: hands.map((x) => ({
        handNumber: intFromDb(x.hand_number),
        endedAtMs: intFromDb(x.created_at_ms),
        recordHash: x.record_hash,
        chainHash: x.chain_hash,
      })),
    };
  }

  /** A finished hand in full (cards, seeds, actions, result) for replay; audited. */
  async hand(op: OperatorActor, roomId: string, handNumber: number, meta: { requestId: string; ip: string }): Promise<unknown> {
    const rows = await this.#o.store.reader.query<{ sealed: string; record_hash: string }>(
      'SELECT sealed, record_hash FROM room_hands WHERE room_id = ? AND hand_number = ?',
      [roomId, handNumber],
    );
    if (!rows[0]) throw new AppError(AnalyticsErrors.ANALYTICS_HAND_NOT_FOUND, { roomId, handNumber });
    const record = JSON.parse(this.#o.openHand(rows[0].sealed, roomId, handNumber)) as unknown;
    await this.#o.store.unitOfWork(
      (tx) =>
        this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'rooms.view_hand',
          target: { kind: 'room', id: roomId },
          after: { handNumber, recordHash: rows[0]!.record_hash },
          requestId: meta.requestId,
          ip: meta.ip,
        }),
      { label: 'analytics.roomHandViewed' },
    );
    return record;
  }
}

// What operators see of 拼三张 rooms in the console: rooms by state, a live room as a spectator
// sees it (seats, scores, pot, whose turn — never a card that is not shown to all), and finished
// hands in full (every card and action) for replay. A live hand's hidden cards are not reachable
// here at all: full records exist only once the hand has ended and been sealed, and every view
// of one writes an audit entry. Reads the rooms' tables through the rooms domain's reads.
import { AppError } from '@fairground/core';
import { type HandView, playerView } from '@fairground/rules';
import type { AuditLog } from '../audit/index.ts';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { AnalyticsErrors } from './errors.ts';
import type { LiveRoomState, RoomListItem, RoomTables, OperatorRef } from './ports.ts';
import { ROOM_HANDS_PAGE_MAX, ROOMS_PAGE_MAX } from './limits.ts';

export interface RoomRecordsOptions {
  readonly store: Store;
  readonly audit: AuditLog;
  /** The rooms domain's reads over its tables. */
  readonly rooms: RoomTables;
  /** The room's state if a node of this process holds it live. */
  readonly liveState: (roomId: string) => LiveRoomState | null;
  readonly openHand: (sealed: string, roomId: string, handNumber: number) => string;
  /** A room's hand records read back from the retention archive (null: never archived); absent, nothing is archived. */
  readonly archivedHands?: (roomId: string) => Promise<{ archivedAtMs: number; rows: Record<string, unknown>[] } | null>;
}

export type { RoomListItem } from './ports.ts';

export interface PublicRoomView {
  readonly room: RoomListItem;
  /** Whether this process holds the room live (else the header comes from the stored rows). */
  readonly live: boolean;
  readonly members: { playerId: string; nickname: string; role: string; seat: number | null; status: string }[];
  readonly scores: { playerId: string; points: number; hands: number }[];
  /** The hand in progress as a spectator sees it. */
  readonly hand: { handNumber: number; commitment: string; startedAtMs: number; view: HandView } | null;
  readonly hands: { handNumber: number; endedAtMs: number; recordHash: string; chainHash: string }[];
  /** Set when the hands were read back from the retention archive: when they left the database. */
  readonly archivedAtMs?: number;
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
    return this.#o.rooms.list({ statuses, ...(q.code !== undefined ? { code: q.code } : {}), limit });
  }

  /** The room as a spectator sees it, with the list of its finished hands. */
  async view(roomId: string): Promise<PublicRoomView> {
    const room = await this.#o.rooms.room(roomId);
    if (room === null) throw new AppError(AnalyticsErrors.ANALYTICS_ROOM_NOT_FOUND, { roomId });
    const members = await this.#o.rooms.members(roomId);
    const hands = [...(await this.#o.rooms.hands(roomId, ROOM_HANDS_PAGE_MAX))];
    const state = this.#o.liveState(roomId);
    const h = state?.hand ?? null;
    const archived = hands.length === 0 ? ((await this.#o.archivedHands?.(roomId)) ?? null) : null;
    if (archived !== null)
      hands.push(
        ...archived.rows
          .map((r) => ({
            handNumber: intFromDb(r.hand_number),
            endedAtMs: intFromDb(r.created_at_ms),
            recordHash: String(r.record_hash),
            chainHash: String(r.chain_hash),
          }))
          .sort((a, b) => b.handNumber - a.handNumber)
          .slice(0, ROOM_HANDS_PAGE_MAX),
      );
    return {
      ...(archived === null ? {} : { archivedAtMs: archived.archivedAtMs }),
      room,
      live: state !== null,
      members: members.map((m) => ({
        playerId: m.playerId,
        nickname: m.nickname ?? m.playerId,
        role: m.role,
        seat: m.seat,
        status: m.status,
      })),
      scores: (state?.scores ?? []).map((s) => ({ playerId: s.playerId, points: s.points, hands: s.hands })),
      hand:
        h === null
          ? null
          : { handNumber: h.handNumber, commitment: h.commitment, startedAtMs: h.startedAtMs, view: playerView(h.state, null) },
      hands: hands.map((x) => ({ handNumber: x.handNumber, endedAtMs: x.endedAtMs, recordHash: x.recordHash, chainHash: x.chainHash })),
    };
  }

  /** A finished hand in full (cards, seeds, actions, result) for replay; audited. */
  async hand(op: OperatorRef, roomId: string, handNumber: number, meta: { requestId: string; ip: string }): Promise<unknown> {
    let stored = await this.#o.rooms.sealedHand(roomId, handNumber);
    let archivedAtMs: number | null = null;
    if (stored === null) {
      // Past its window the hand may be in the retention archive: read back, its file checked first.
      const archived = (await this.#o.archivedHands?.(roomId)) ?? null;
      const row = archived?.rows.find((r) => Number(r.hand_number) === handNumber);
      if (archived === null || row === undefined) throw new AppError(AnalyticsErrors.ANALYTICS_HAND_NOT_FOUND, { roomId, handNumber });
      stored = { sealed: String(row.sealed), recordHash: String(row.record_hash) };
      archivedAtMs = archived.archivedAtMs;
    }
    const record = JSON.parse(this.#o.openHand(stored.sealed, roomId, handNumber)) as unknown;
    await this.#o.store.unitOfWork(
      (tx) =>
        this.#o.audit.record(tx, {
          operator: { id: op.operatorId, username: op.username },
          action: 'rooms.view_hand',
          target: { kind: 'room', id: roomId },
          after: { handNumber, recordHash: stored.recordHash, ...(archivedAtMs === null ? {} : { readFromArchiveOfMs: archivedAtMs }) },
          requestId: meta.requestId,
          ip: meta.ip,
        }),
      { label: 'analytics.roomHandViewed' },
    );
    return record;
  }
}

// The rows a new room starts with, written in the unit of work that creates it: the room, its first events, the owner's seat and its share invite.
import type { Tx } from '../storage/ports.ts';
import { ORDER_RETENTION_MS } from './limits.ts';
import type { RoomParams } from './params.ts';
import { insertEvents } from './persist.ts';
import type { FeePlan, RoomEvent } from './state.ts';

export interface NewRoomRows {
  readonly roomId: string;
  readonly code: string;
  readonly ownerId: string;
  readonly inviteToken: string;
  readonly params: RoomParams;
  readonly fee: FeePlan;
  readonly events: readonly RoomEvent[];
  readonly nowMs: number;
}

export async function insertNewRoom(tx: Tx, r: NewRoomRows): Promise<void> {
  const { roomId, code, ownerId, params, fee, nowMs: now } = r;
  await tx.run(
    `INSERT INTO rooms (id, code, owner_id, status, mode, seats, rounds, base_score, fee_mode, fee_payer, friends_visible, params, hands_played,
      created_at_ms, started_at_ms, ended_at_ms, end_reason, retain_until_ms) VALUES (?, ?, ?, 'waiting', ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, NULL, NULL, NULL, ?)`,
    [
      roomId,
      code,
      ownerId,
      params.mode,
      params.seats,
      params.rounds,
      params.baseScore,
      fee.mode,
      fee.payer,
      params.friendsVisible ? 1 : 0,
      JSON.stringify(params),
      now,
      now + ORDER_RETENTION_MS,
    ],
  );
  await insertEvents(tx, roomId, r.events);
  await tx.run(
    "INSERT INTO room_members (room_id, player_id, role, seat, status, invited_by, joined_at_ms, left_at_ms) VALUES (?, ?, 'owner', 0, 'active', NULL, ?, NULL)",
    [roomId, ownerId, now],
  );
  await tx.run(
    'INSERT INTO room_invites (token, room_id, inviter_id, invitee_id, created_at_ms, expires_at_ms) VALUES (?, ?, ?, NULL, ?, ?)',
    [r.inviteToken, roomId, ownerId, now, now + ORDER_RETENTION_MS],
  );
}

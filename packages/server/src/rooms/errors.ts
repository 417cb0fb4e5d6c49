// Every way a room request can be refused, with a stable code. Codes are never renamed or reused;
// `src/errors.catalogue.json` pins them with every other code the server sends.
import { defineErrors } from '@fairground/core';

export const RoomErrors = defineErrors('rooms', {
  // Parameters: one code per parameter, so a client can point at the field.
  ROOM_MODE_INVALID: { status: 400, message: "mode must be 'classic' or 'custom'" },
  ROOM_SEATS_INVALID: { status: 400, message: 'seats must be an integer from 2 to 6' },
  ROOM_CLASSIC_SEATS_LOCKED: { status: 400, message: 'classic mode is played with exactly 3 seats' },
  ROOM_ROUNDS_INVALID: { status: 400, message: 'rounds must be an integer from 8 to 16' },
  ROOM_BASE_SCORE_INVALID: { status: 400, message: 'the base score must be an integer from 1 to 10' },
  ROOM_TURN_TIME_INVALID: { status: 400, message: 'the turn time limit must be 15, 30, 60, 90 or 120 seconds' },
  ROOM_TRUSTEESHIP_INVALID: { status: 400, message: "the auto-play rule must be 'off' or 'call'" },
  ROOM_STAKE_CAP_INVALID: { status: 400, message: 'the betting cap must be an integer from 2 to 20 times the base score' },
  ROOM_BETTING_ROUNDS_INVALID: { status: 400, message: 'the maximum number of betting rounds must be an integer from 2 to 30' },
  ROOM_COMPARE_ROUND_INVALID: { status: 400, message: 'comparing may start in betting round 1, 2 or 3' },
  ROOM_BLIND_ROUNDS_INVALID: { status: 400, message: 'blind rounds must be an integer from 0 to 3' },
  ROOM_MULTIPLIER_INVALID: { status: 400, message: 'a special-hand multiplier must be an integer from 0 to 10' },
  ROOM_MULTIPLIERS_CUSTOM_ONLY: { status: 400, message: 'special-hand multipliers are a custom-mode rule' },
  ROOM_FLAG_INVALID: { status: 400, message: 'this option is on or off (true or false)' },
  ROOM_FEE_MODE_INVALID: { status: 400, message: "the fee mode must be 'room_card' or 'cash'" },
  ROOM_FEE_PAYER_INVALID: { status: 400, message: "the fee payer must be 'owner' or 'aa'" },
  ROOM_POINTS_INVALID: { status: 400, message: 'points must be a non-negative integer within the share points may cover' },
  ROOM_POINTS_CASH_ONLY: { status: 400, message: 'points can only cover part of a cash fee' },
  ROOM_CASH_MODE_DISABLED: { status: 403, message: 'the platform policy does not offer cash rooms' },
  ROOM_RULE_LOCKED: { status: 409, message: 'this rule is fixed once the room exists (mode, seats, rounds and fees)' },
  ROOM_FEE_CHANGED: { status: 409, message: 'the fee differs from the one confirmed; confirm the new fee' },

  // Finding and joining rooms.
  ROOM_CODE_INVALID: { status: 400, message: 'a room code is six digits' },
  ROOM_NOT_FOUND: { status: 404, message: 'no such room' },
  ROOM_FULL: { status: 409, message: 'every seat in this room is taken' },
  ROOM_OBSERVERS_FULL: { status: 409, message: 'this room has as many spectators as it allows' },
  ROOM_SPECTATORS_OFF: { status: 403, message: 'this room does not allow spectators' },
  ROOM_DISSOLVED: { status: 410, message: 'this room was dissolved' },
  ROOM_FINISHED: { status: 410, message: 'this room has played all its rounds' },
  ROOM_KICKED: { status: 403, message: 'you were removed from this room and need a new invitation to return' },
  ROOM_INVITE_INVALID: { status: 404, message: 'this invitation is unknown, expired or for someone else' },
  ROOM_SAME_IP: { status: 403, message: 'a player from the same network address is already seated in this room' },
  ROOM_SECURITY_RISK: { status: 410, message: 'security risk: the room was dissolved because several players share one network address' },
  ROOM_RISK_DENIED: { status: 403, message: 'your account cannot create or join rooms at the moment' },
  ROOM_PLAY_WINDOW_CLOSED: { status: 403, message: 'your play time window is closed' },
  ROOM_SERVER_DRAINING: { status: 503, message: 'the server is restarting; try again in a moment', retryable: true },
  ROOM_BUSY: { status: 503, message: 'the room is busy; try again', retryable: true },
  ROOMS_TOO_MANY: { status: 409, message: 'you already own as many open rooms as allowed' },

  // Membership and roles.
  ROOM_NOT_MEMBER: { status: 403, message: 'you are not in this room' },
  ROOM_ROLE_FORBIDDEN: { status: 403, message: 'your role in this room does not allow this' },
  ROOM_OBSERVER_CANNOT_ACT: { status: 403, message: 'spectators watch only' },
  ROOM_TARGET_NOT_MEMBER: { status: 404, message: 'that player is not in this room' },
  ROOM_TARGET_INVALID: { status: 400, message: 'that player cannot be the target of this action' },
  ROOM_OWNER_MUST_TRANSFER: { status: 409, message: 'the owner cannot leave; transfer ownership or dissolve the room' },

  // Play.
  ROOM_STALE_VERSION: { status: 409, message: 'the room changed since you saw it; act on the latest state' },
  ROOM_NO_HAND: { status: 409, message: 'no hand is being played' },
  ROOM_HAND_IN_PROGRESS: { status: 409, message: 'not while a hand is being played' },
  ROOM_NOT_STARTABLE: { status: 409, message: 'the room needs at least two seated players, all ready' },
  ROOM_ALREADY_STARTED: { status: 409, message: 'the room has already started' },
  ROOM_NOT_IN_HAND: { status: 409, message: 'you are not dealt into this hand' },
  ROOM_TRUSTEESHIP_OFF: { status: 409, message: 'this room does not offer auto-play' },
  ROOM_CEREMONY_CLOSED: { status: 409, message: 'client seeds for this hand are no longer accepted' },
  ROOM_IDENTITY_NOT_REQUIRED: { status: 409, message: 'this room does not ask for identity checks' },
  ROOM_IDENTITY_REQUIRED: { status: 403, message: 'pass the identity check for this hand first' },
  ROOM_IDENTITY_FAILED: { status: 403, message: 'the identity check did not pass' },
  ROOM_FACE_CHECK_UNAVAILABLE: { status: 409, message: 'face checks are not available here; create the room without one' },

  // The WebSocket frames themselves.
  ROOM_FRAME_MALFORMED: { status: 400, message: 'the message is not a JSON object' },
  ROOM_FRAME_INVALID: { status: 400, message: 'the message does not match its schema' },
  ROOM_FRAME_TOO_LARGE: { status: 413, message: 'the message is larger than a room accepts' },
  ROOM_RATE_LIMITED: { status: 429, message: 'too many messages; the connection is closed', retryable: true },
  ROOM_SEAT_FORGED: { status: 400, message: 'the seat in the message is not yours' },
  ROOM_HELLO_REQUIRED: { status: 401, message: 'send hello with your token and room first' },

  // Room cards, orders, reports.
  ROOM_CARD_QUANTITY_INVALID: { status: 400, message: 'buy between 1 and 100 room cards at a time' },
  ROOM_CARDS_INSUFFICIENT: { status: 409, message: 'not enough room cards; buy more first' },
  ROOM_FUNDS_INSUFFICIENT: { status: 409, message: 'not enough balance for the room fee' },
  ROOM_POINTS_INSUFFICIENT: { status: 409, message: 'not enough points' },
  ROOM_REPORT_INVALID: { status: 400, message: 'a report names a known reason and at most 500 characters of text' },
  ROOM_REPORT_DUPLICATE: { status: 409, message: 'you already reported this in this room' },
  ROOM_RECORD_INTEGRITY: { status: 500, message: 'a stored hand history failed its integrity check; it has been reported' },
  ROOM_HANDS_ARCHIVED: {
    status: 410,
    message: "this room's hand histories were moved to the archive; ask customer service for them",
  },
});

export type RoomErrorCode = keyof typeof RoomErrors;

// Every bound the rooms domain keeps, named once. Times are milliseconds unless the name says
// otherwise; counts are maxima.

// Parameters (seed §二): seats 2–6, rounds 8–16, base score 1–10; defaults 3 seats, 8 rounds, base 1.
export const SEATS_MIN = 2;
export const SEATS_MAX = 6;
export const CLASSIC_SEATS = 3;
export const ROUNDS_MIN = 8;
export const ROUNDS_MAX = 16;
export const BASE_SCORE_MIN = 1;
export const BASE_SCORE_MAX = 10;
export const TURN_TIME_CHOICES_S = [15, 30, 60, 90, 120] as const;
export const STAKE_CAP_MULTIPLE_MIN = 2;
export const STAKE_CAP_MULTIPLE_MAX = 20;
export const BETTING_ROUNDS_MIN = 2;
export const BETTING_ROUNDS_MAX = 30;
export const COMPARE_FROM_ROUND_MAX = 3;
export const BLIND_ROUNDS_MAX = 3;
export const SPECIAL_MULTIPLIER_MAX = 10;

/** Spectators one room admits. */
export const OBSERVERS_MAX = 20;
/** Open (waiting or playing) rooms one player may own at once (the public room-card code refuses the 30th). */
export const OWNED_OPEN_ROOMS_MAX = 10;
/** Six-digit codes; a fresh random code is tried this many times before giving up. */
export const ROOM_CODE_ATTEMPTS_MAX = 20;
/** Events in one room's log: 16 hands of at most a few hundred actions each fit with room to spare. */
export const ROOM_EVENTS_MAX = 20_000;
/** Actions in one hand (a hand with 6 players and 30 betting rounds stays far below). */
export const HAND_ACTIONS_MAX = 2_000;

// Real time.
/**
 * How long a seated player's open play window, read for the next hand's start, is trusted before
 * it is read again: the ready clicks of one pause share a read, a pause that drags on does not.
 */
export const PLAY_WINDOW_READ_MAX_AGE_MS = 2_000;
/** Commands waiting for one room's event loop; beyond it a command is refused with ROOM_BUSY. */
export const ROOM_QUEUE_MAX = 256;
/** Rooms whose log-only events share one write (see batcher.ts). */
export const EVENT_BATCH_ROOMS_MAX = 1000;
/** Hosted event writes (SQLite's writer thread) on their way at once; later rows wait for one to return. */
export const HOSTED_EVENT_WRITES_IN_FLIGHT_MAX = 2;
/**
 * Least time between the starts of two hosted event writes: rows arriving sooner share the next
 * commit (see batcher.ts). It binds only where a commit (its fsync) takes less than this, as on an
 * idle machine. Measured with `bench/rooms/event-writes.ts` at 1,800 rows/s over 800 rooms on a
 * quick disk: 10 ms makes commits of 20–25 rows instead of 3–4 and cuts the writer thread's CPU per
 * row by ≈ 45 %, for ≈ 6–9 ms more write latency at p50 (bench/README.md, "The event log's pacing").
 */
export const HOSTED_EVENT_WRITE_GAP_MS = 10;
/** Largest frame a client may send; a frame above it closes the connection. */
export const ROOM_FRAME_BYTES_MAX = 2048;
/** Token bucket per connection: this many frames at once, refilled at FRAMES_PER_S. */
export const FRAMES_BURST_MAX = 30;
export const FRAMES_PER_S = 10;
/** A connection must say hello this soon or is closed. */
export const HELLO_TIMEOUT_MS = 10_000;
/** Outgoing bytes queued on one socket before the slow client is dropped. */
export const SEND_BUFFER_BYTES_MAX = 1024 * 1024;
/** Room connections one process holds. */
export const ROOM_CONNECTIONS_MAX = 50_000;
/** Connections one player may hold to one room (a phone and a few tabs). */
export const CONNECTIONS_PER_MEMBER_MAX = 4;

// Timers.
/** A disconnected seated player keeps the seat this long, with auto-play acting on their timeouts. */
export const RECONNECT_GRACE_MS = 120_000;
/** Pause between hands; the next hand starts earlier when everyone seated is ready. */
export const BETWEEN_HANDS_MS = 10_000;
/** Players who committed a client seed have this long to reveal it once commitments close. */
export const SEED_REVEAL_MS = 5_000;
/** A player on auto-play (托管) acts after this pause, so the table can follow. */
export const TRUSTEESHIP_DELAY_MS = 1_000;
/** A room that never starts a hand is dissolved (and refunded) after this long (research §1.7: ready_time). */
export const START_DEADLINE_MS = 30 * 60_000;
/** A finished or dissolved room stays in memory this long so its members can read the scoreboard. */
export const LINGER_MS = 5 * 60_000;
/** Graceful shutdown waits at most this long for rooms to finish their queued events. */
export const SHUTDOWN_WAIT_MS = 10_000;

// Money and records.
/** Room-fee orders and the room's records are kept at least this long (seed §四: 180 days). */
export const ORDER_RETENTION_MS = 180 * 24 * 3_600_000;
export const ROOM_CARDS_PER_PURCHASE_MAX = 100;
export const ORDERS_PAGE_MAX = 100;
export const REPORT_TEXT_LENGTH_MAX = 500;
export const FRIENDS_LIST_MAX = 200;
export const HAND_HISTORY_PAGE_MAX = 50;
/** Invitations a room keeps; personal invitations expire after INVITE_TTL_MS. */
export const INVITES_PER_ROOM_MAX = 200;
export const INVITE_TTL_MS = 24 * 3_600_000;

// The table voice's signalling frames (relayed by the room socket; the voice domain decides who may talk).
/**
 * A session description in a `voice_signal` frame, in characters. An audio-only offer from
 * Chromium is 3–6 KB; the frame that carries it may be up to VOICE_FRAME_BYTES_MAX (the room
 * socket's ordinary frames stay at ROOM_FRAME_BYTES_MAX).
 */
export const VOICE_SDP_CHARS_MAX = 10_000;
export const VOICE_FRAME_BYTES_MAX = 12 * 1024;
/** One ICE candidate line, in characters. */
export const VOICE_CANDIDATE_CHARS_MAX = 512;
/**
 * SQLite: the hot rows of the log are folded into the keyed `room_events` once this many have
 * been appended since the last fold, or once `ROOM_LOG_FOLD_INTERVAL_MS` has passed with any
 * (`events-host.ts`). The larger the fold, the more rows of each room share a leaf of the key;
 * the hot table is scanned only for a room's first row after a start, so it may be large.
 */
export const ROOM_LOG_FOLD_ROWS = 20_000;
export const ROOM_LOG_FOLD_INTERVAL_MS = 10_000;

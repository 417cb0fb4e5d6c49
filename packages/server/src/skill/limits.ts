// Every limit of the sessions domain, named once.

/** Commands in one HTTP batch or one WebSocket message. */
export const COMMAND_BATCH_MAX = 32;
/** Live games kept in memory per process; the least recently used is dropped (and rebuilt from its log if needed). */
export const LIVE_SESSIONS_MAX = 10_000;
/** A command's `atMs` may run ahead of the server's elapsed time for the session by at most this (clock skew, start latency). */
export const CLOCK_TOLERANCE_MS = 3_000;
/** After a session's time limit, commands and the finish are still accepted this long (network); then the sweep times it out. */
export const SUBMIT_GRACE_MS = 15_000;
/** Refill gems sent ahead of the client's position in the stream. */
export const REFILL_LOOKAHEAD = 24;
/** Unfinished sessions one player may hold at once (practice and paid together). */
export const ACTIVE_SESSIONS_MAX = 5;
/** Open matches considered when looking for an opponent. */
export const OPEN_MATCH_CANDIDATES_MAX = 200;
/** Past pairings read to enforce the rematch limit. */
export const RECENT_PAIRINGS_MAX = 500;
/** Attempts to claim an open match when another challenger takes the chosen one first. */
export const CLAIM_ATTEMPTS_MAX = 3;
/** Rows handled per kind by one sweep pass. */
export const SWEEP_BATCH_MAX = 100;
/** Entrants in one tournament (its settlement is one unit of work). */
export const TOURNAMENT_ENTRANTS_MAX = 200;
/** Paid positions in a prize table. */
export const PRIZE_POSITIONS_MAX = 20;
/** Transfers per ledger batch when paying out. */
export const PAYOUT_BATCH_MAX = 60;
/** Page sizes. */
export const LIST_PAGE_MAX = 100;
/** Tournament title length. */
export const TOURNAMENT_TITLE_MAX = 80;
/** WebSocket: messages a client may send per second before it is disconnected. */
export const SOCKET_MESSAGES_PER_SECOND_MAX = 20;
/** WebSocket: a client must authenticate this soon after connecting. */
export const SOCKET_AUTH_TIMEOUT_MS = 10_000;
/** WebSocket: open skill sockets per process. */
export const SOCKETS_MAX = 10_000;

// Anti-cheat thresholds (to be calibrated on real play; see research §6.3).
/** Intervals between moves shorter than this are faster than a person reading a board. */
export const HUMAN_FLOOR_MS = 150;
/** Flag as too fast when at least this share (per mille) of intervals is under the floor… */
export const FAST_SHARE_FLAG_PERMILLE = 250;
/** …over at least this many intervals. */
export const TIMING_SAMPLES_MIN = 8;
/** Flag as too regular when the coefficient of variation (per mille) is under this… */
export const REGULAR_CV_FLAG_PERMILLE = 80;
/** …or the entropy of 100 ms interval bins (milli-bits) is under this, over at least this many intervals. */
export const REGULAR_ENTROPY_FLAG_MILLIBITS = 1000;
export const REGULAR_SAMPLES_MIN = 12;
/** Commands arriving this long after their own timestamp suggest a slowed-down client. */
export const LATE_LAG_FLAG_MS = 30_000;
/** Commands received within this of the first of them are one arrival (a batch, a stalled network's backlog). */
export const ARRIVAL_GROUP_MS = 20;
/** Compression: consecutive moves per window comparing the server's time with the client's stamps… */
export const COMPRESSION_WINDOW = 8;
/** …judged only when the window's stamps span at least this (a quick flurry is not evidence)… */
export const COMPRESSION_CLIENT_SPAN_MIN_MS = 3_000;
/** …and flagged when the moves arrived in less than this share (per mille) of the stamped time. */
export const COMPRESSION_FLAG_PERMILLE = 250;
/** Drift: sessions of at least this many moves are judged… */
export const DRIFT_SAMPLES_MIN = 16;
/** …and flagged when the lag of arrivals behind stamps changed by more than this from the first quarter to the last. */
export const DRIFT_FLAG_MS = 5_000;
/** Moves compared per session when looking for copied play. */
export const COPY_SEQUENCE_MAX = 2000;
/** Sessions shorter than this many moves are not judged for copying (too little to tell). */
export const COPY_MOVES_MIN = 8;
/** Copy evidence (copies.ts: a log-likelihood ratio in thousandths of a nat) at or above which a session copies another… */
export const COPY_LLR_MIN_MILLI = 3_000;
/** …and below which the comparison stops early (an independent player; nothing later can tip it). */
export const COPY_LLR_FLOOR_MILLI = -8_000;
/** Other finished sessions of the same seed compared with a closing one. */
export const COPY_COMPARE_SESSIONS_MAX = 64;

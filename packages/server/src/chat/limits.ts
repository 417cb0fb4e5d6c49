// Every bound of the chat domain, named.

/** Messages one player may send at a table in one window, and the window (the room's clock). */
export const CHAT_MESSAGES_PER_WINDOW_MAX = 5;
export const CHAT_WINDOW_MS = 10_000;
/** Typed text, in characters after trimming (a table line, not a letter). */
export const CHAT_TEXT_CHARS_MAX = 60;
/** Refused typed messages within the window that restrict the sender's chat and open a review case. */
export const CHAT_REFUSALS_MAX = 3;
export const CHAT_REFUSALS_WINDOW_MS = 24 * 3_600_000;
/** How long that restriction lasts. */
export const CHAT_RESTRICTION_MS = 24 * 3_600_000;
/**
 * msgSecCheck needs the openid of a user who opened the mini-program or mini-game within two hours
 * (61010 otherwise): a player whose last mini-game sign-in is older is not offered free text.
 */
export const CONTENT_CHECK_ACTIVE_WINDOW_MS = 2 * 3_600_000;
/** Messages on each side of a reported one kept with the report. */
export const REPORT_CONTEXT_MESSAGES = 6;
/** The reason a player gives with a report, in characters. */
export const REPORT_REASON_CHARS_MAX = 200;
/** Messages a reopened table shows again. */
export const RECENT_MESSAGES_MAX = 40;
/** Rows in one page of the console's queue or a room's chat. */
export const CHAT_PAGE_MAX = 200;
/** Players one player may mute in one room, and the mute lists (room, listener) kept in memory. */
export const MUTED_PER_PLAYER_MAX = 16;
export const MUTE_LISTS_MAX = 100_000;
/** Players whose recent sends the rate limit remembers (the oldest are forgotten first). */
export const RATE_WINDOWS_MAX = 100_000;
/**
 * Chat is kept as long as the room's other records (orders and hand histories, 180 days) for
 * disputes, then deleted by the `chat.retention` job; an open report keeps its message.
 */
export const CHAT_RETENTION_MS = 180 * 24 * 3_600_000;
/** Rows the retention job deletes per pass. */
export const RETENTION_BATCH_MAX = 5_000;

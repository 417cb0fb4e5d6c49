/** Most entries one query returns (top N, or a page of it). */
export const LEADERBOARD_PAGE_MAX = 100;
/** Most entries shown above and below a player. */
export const LEADERBOARD_RADIUS_MAX = 10;
/** Players on one board in the memory backend (tests and small setups); the others have no such limit. */
export const MEMORY_BOARD_ENTRIES_MAX = 1_000_000;
/** Boards held by the memory backend. */
export const MEMORY_BOARDS_MAX = 10_000;
/** Boards removed by one prune pass of the SQL backend. */
export const PRUNE_BOARDS_MAX = 100;

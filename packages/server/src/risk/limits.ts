// Named bounds for the risk domain.

/** Risk configuration files larger than this are refused. */
export const RISK_CONFIG_BYTES_MAX = 64 * 1024;
/** Intervals read from one skill session for the timing features. */
export const TIMING_SAMPLES_MAX = 10_000;
/** Hands analysed in one collusion batch. */
export const HANDS_PER_BATCH_MAX = 100_000;
/** Players in one hand. */
export const HAND_PLAYERS_MAX = 8;
/** Pairs tracked in one collusion batch (the rest are dropped, least seen first). */
export const PAIRS_MAX = 200_000;
/** Signals read for one player's score. */
export const SIGNALS_PER_SCORE_MAX = 500;
/** Rows in one list page of the console. */
export const PAGE_MAX = 200;
/** Length of operators' notes and players' complaint texts. */
export const NOTE_LENGTH_MAX = 1000;
/** Evidence JSON stored with one signal or case. */
export const EVIDENCE_BYTES_MAX = 16 * 1024;
/** Analytics events read per poll of the event log. */
export const EVENTS_PER_POLL_MAX = 200;
/** Ledger history entries read for a withdrawal's evidence. */
export const EVIDENCE_TRANSFERS_MAX = 50;
/** Open complaints one player may have filed at once (beyond that, support is being flooded). */
export const OPEN_COMPLAINTS_PER_PLAYER_MAX = 20;
/** Unjudged hands read per pass of the rooms' collusion job. */
export const HANDS_PER_POLL_MAX = 500;
/** Players whose look-back is judged in one pass (the rest wait for the next). */
export const PLAYERS_PER_POLL_MAX = 200;
/** Times a room dissolution the policy asked for is tried before it waits for an operator. */
export const ROOM_ACTION_ATTEMPTS_MAX = 10;
/** Server-clock reaction times read per player for bot timing in rooms. */
export const ROOM_DECISIONS_PER_PLAYER_MAX = 2000;
/** Accounts followed when collecting one linked group (a farm larger than this is still kept apart from every one of them). */
export const LINK_GROUP_MAX = 100;
/** Identifiers of one player read when looking for links (the most recently seen first). */
export const LINK_VALUES_PER_PLAYER_MAX = 200;
/** Other accounts read per shared identifier. */
export const LINK_PLAYERS_PER_VALUE_MAX = 100;
/** Hands, signals and withdrawals read for one case's fraud-model features. */
export const FEATURE_ROWS_MAX = 2000;
/** Cases scored per pass of the `risk.score` job. */
export const SCORE_PER_PASS_MAX = 200;
/** Reviewed cases read for one training pass of the fraud model. */
export const TRAIN_CASES_MAX = 20_000;

// Every bound of the analytics domain, named once.

/** Operating metrics are reported in China Standard Time (UTC+8, no daylight saving): days, hours of day. */
export const REPORTING_UTC_OFFSET_MS = 8 * 3600_000;
export const HOUR_MS = 3600_000;
export const DAY_MS = 24 * HOUR_MS;

/** The longest window one metrics request may cover. */
export const METRICS_WINDOW_MS_MAX = 31 * DAY_MS;
/** Windows up to this long are charted per hour; longer ones per day. */
export const HOURLY_SERIES_WINDOW_MS_MAX = 2 * DAY_MS;
/** Events read for one metrics computation; beyond it the answer says `truncated`. */
export const EVENTS_SCAN_MAX = 200_000;
/** How far before a window the room and player events are read, so a room created earlier is still attributed. */
export const ATTRIBUTION_LOOKBACK_MS = 2 * DAY_MS;
/** A room still waiting for its first hand counts against the completion rate only once it is this old. */
export const COMPLETION_GRACE_MS = 30 * 60_000;
/** Distinct regions kept in a breakdown; the rest are summed under `other`. */
export const BREAKDOWN_KEYS_MAX = 32;

/** Cumulative deposits from which a player is a VIP (room skins, the `vip` tier), unless configured. */
export const VIP_DEPOSITS_FEN_DEFAULT = 100_000;

/** The window the alert job evaluates, and the fewest observations before a rate may raise an alert. */
export const ALERT_WINDOW_MS_DEFAULT = DAY_MS;
export const ALERT_SAMPLE_MIN_DEFAULT = 20;
export const ALERT_JOB_INTERVAL_MS_DEFAULT = 60_000;
/** Alerts listed for the console. */
export const ALERTS_PAGE_MAX = 100;
/** Webhook deliveries: per-call timeout, attempts before giving up, backoff between attempts, deliveries per pass. */
export const WEBHOOK_TIMEOUT_MS = 5_000;
export const WEBHOOK_ATTEMPTS_MAX = 8;
export const WEBHOOK_BACKOFF_MS_BASE = 30_000;
export const WEBHOOK_BACKOFF_MS_MAX = 30 * 60_000;
export const WEBHOOK_DELIVERIES_PER_PASS_MAX = 20;
export const WEBHOOK_ERROR_LENGTH_MAX = 200;

/** Records can be exported for periods inside the last 180 days (the seed keeps records at least that long). */
export const EXPORT_RETENTION_MS = 180 * DAY_MS;
/** Rows in one CSV export; a longer period is exported in parts. */
export const EXPORT_ROWS_MAX = 100_000;
/** Rows read per database page while exporting. */
export const EXPORT_PAGE_ROWS = 1_000;

/** Revenue transfers read per metrics computation (pages of the ledger's history). */
export const REVENUE_TRANSFERS_MAX = 50_000;

/** Transfers counted per scrape by the ledger-rate collector (the rest are counted at the next scrape). */
export const TRANSFER_COUNT_STEP_MAX = 100_000;
/** Provider errors are reported over this trailing window. */
export const PROVIDER_ERROR_WINDOW_MS = HOUR_MS;

/** Rooms listed per console page, and finished hands listed per room. */
export const ROOMS_PAGE_MAX = 100;
export const ROOM_HANDS_PAGE_MAX = 200;
/** Newest ledger transfers shown beside the invariant check. */
export const LEDGER_RECENT_TRANSFERS_MAX = 200;
/** Feedback text kept with the event (the log's string values stay under 512 characters). */
export const FEEDBACK_TEXT_LENGTH_MAX = 500;

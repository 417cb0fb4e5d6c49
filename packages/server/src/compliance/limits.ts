// Named bounds for the compliance domain.

/** A policy file larger than this is refused at load (the shipped ones are a few kilobytes). */
export const POLICY_BYTES_MAX = 256 * 1024;
/** Entries in a list inside a policy (countries, excluded regions). */
export const POLICY_LIST_MAX = 256;
/** Dates in one year's holiday or working-day list. */
export const POLICY_CALENDAR_DATES_MAX = 366;
/** Jurisdiction policies loaded at once (the default one and one file per jurisdiction). */
export const POLICIES_MAX = 64;
/** Ledger history pages read to sum one player's deposits or withdrawals in a month (200 entries a page). */
export const SPENDING_PAGES_MAX = 50;
/** Players whose last address is kept in memory for policy selection (least recently seen dropped first). */
export const ADDRESS_CACHE_MAX = 50_000;
/** Operator IP-range overrides (CIDR → region). */
export const GEO_OVERRIDES_MAX = 256;
/** Sessions whose last write this node remembers (it writes a session's request time at most every quarter of the idle time). */
export const REALNAME_SESSIONS_MAX = 100_000;
/** Report events kept waiting in the outbox before new ones are refused. */
export const REALNAME_OUTBOX_MAX = 1_000_000;
/** A session with no request for this long is reported offline. */
export const REALNAME_IDLE_MS = 10 * 60 * 1000;
/** Attempts to deliver one event before it is parked for an operator. */
export const REALNAME_ATTEMPTS_MAX = 20;
/** Report calls one pass of the `realname.report` job makes at most (NPPA takes 10 a second and blocks a caller over it for a minute). */
export const REALNAME_CALLS_PER_PASS_MAX = 8;
/**
 * NPPA refuses a batch whose earliest `ot` is 180 s or more before the request (spec, quoted in
 * packages/nppa/README.md). Events older than this — the spec's limit less a margin for the
 * request's travel and clock skew — are no longer sent and are kept as expired.
 */
export const REALNAME_OT_AGE_MS_MAX = 170_000;
/** Waits before sending an event again: doubling from the first to the last. */
export const REALNAME_RETRY_DELAY_MS_MIN = 2_000;
export const REALNAME_RETRY_DELAY_MS_MAX = 30_000;
/** Sent reports are kept this long (the record of what the authority was told), then forgotten. */
export const REALNAME_SENT_KEPT_MS = 180 * 24 * 3600 * 1000;
/** How long a node trusts "this player has no pi" before asking again (bounds reads for unverified players). */
export const REALNAME_UNREPORTABLE_CACHE_MS = 5_000;
/** Reports one console page lists at most. */
export const REALNAME_LISTED_MAX = 100;
/** Reports an operator retries at once. */
export const REALNAME_REQUEUE_MAX = 128;
/** Length of operator reasons and notes. */
export const REASON_LENGTH_MAX = 500;
/**
 * The console warns and an alert opens when a minors' calendar has fewer days than this left
 * (today included): time to add next year's table, which the State Council publishes in November.
 */
export const CALENDAR_RUNWAY_DAYS_MIN = 60;
/** Length of an operator's note on a calendar confirmation (which notice, where it was read). */
export const CALENDAR_NOTE_LENGTH_MAX = 500;

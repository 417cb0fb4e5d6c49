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
/** Behaviour events per report call (the NPPA interface takes at most 128 per batch). */
export const REALNAME_BATCH_MAX = 128;
/** Report events kept waiting in the outbox before new ones are refused. */
export const REALNAME_OUTBOX_MAX = 1_000_000;
/** A session with no request for this long is reported offline. */
export const REALNAME_IDLE_MS = 10 * 60 * 1000;
/** Attempts to deliver one batch before it is parked for an operator. */
export const REALNAME_ATTEMPTS_MAX = 20;
/** Length of operator reasons and notes. */
export const REASON_LENGTH_MAX = 500;

// Every bound of the accounts domain, named, in one place.
export const NICKNAME_LENGTH_MAX = 32;
export const AVATAR_URL_LENGTH_MAX = 512;
/** A session (refresh-token family) lives at most this long, however often it is refreshed. */
export const SESSION_LIFETIME_MS_MAX = 90 * 24 * 3600 * 1000;
/** Operator sessions are shorter: a stolen console token is worth more. */
export const OPERATOR_SESSION_LIFETIME_MS_MAX = 12 * 3600 * 1000;
/** Failed sign-ins in a row from one address before that address is locked out of the operator account for `OPERATOR_LOCK_MS`. */
export const OPERATOR_FAILED_LOGINS_MAX = 5;
export const OPERATOR_LOCK_MS = 15 * 60 * 1000;
/** TOTP codes from this many 30-second steps either side of now are accepted (clock drift). */
export const TOTP_DRIFT_STEPS = 1;
export const PASSWORD_LENGTH_MIN = 12;
export const PASSWORD_LENGTH_MAX = 256;
export const REAL_NAME_LENGTH_MAX = 40;
/** Player search answers at most this many rows. */
export const PLAYER_SEARCH_RESULTS_MAX = 50;
/** Real-name submissions one player may make in 24 hours (each costs a call to the authority). */
export const KYC_ATTEMPTS_PER_DAY_MAX = 5;
/** A new attempt's first query waits this long: longer than the check's own deadline, so the job never queries an attempt whose check is still on the wire. */
export const KYC_FIRST_QUERY_DELAY_MS = 30_000;
/** Waits between queries of an attempt the authority has not settled (the last one repeats). */
export const KYC_QUERY_DELAYS_MS: readonly number[] = [15_000, 30_000, 60_000, 120_000, 300_000, 600_000];
/** An attempt still waiting this long after it was submitted is given up (NPPA keeps results 48 hours). */
export const KYC_ATTEMPT_LIFETIME_MS = 49 * 3600 * 1000;
/** Waiting attempts one pass of the `realname.verify` job queries. */
export const KYC_SETTLE_BATCH_MAX = 100;
/** Attempts the console lists at once. */
export const KYC_ATTEMPTS_LISTED_MAX = 50;

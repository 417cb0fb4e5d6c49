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

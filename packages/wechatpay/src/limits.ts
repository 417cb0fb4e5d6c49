// Named limits of the WeChat Pay client. Every size, window and count the client enforces lives here.

/** Default deadline of one HTTP call (WeChat Pay's Java SDK uses 10 s per phase; we bound the whole call). */
export const DEFAULT_TIMEOUT_MS = 10_000;
/** No call may ask for a longer deadline than this: the notification handler answers within 5 s, API calls are short. */
export const TIMEOUT_MS_MAX = 120_000;
/** Responses and notifications signed more than this far from our clock are refused (section 1.2 of the research note). */
export const CLOCK_SKEW_SECONDS_MAX = 300;
/** A JSON API response larger than this is refused; the largest documented answers are a few kilobytes. */
export const RESPONSE_BYTES_MAX = 1024 * 1024;
/** A bill file larger than this is refused (a busy merchant's daily trade bill stays far below). */
export const BILL_BYTES_MAX = 64 * 1024 * 1024;
/** A notification body larger than this is refused before any crypto runs. */
export const NOTIFICATION_BYTES_MAX = 64 * 1024;
/** Lines in one bill file (detail rows plus header and summary). */
export const BILL_LINES_MAX = 2_000_000;
/** Length of the random nonce in request signatures and paySign, as every official SDK uses. */
export const NONCE_LENGTH = 32;
/** Receivers in one profit-sharing order (documented maximum 50). */
export const PROFIT_SHARING_RECEIVERS_MAX = 50;
/** Length of AES-GCM authentication tags WeChat Pay appends to ciphertext. */
export const GCM_TAG_BYTES = 16;
/** Error bodies quoted in error details are cut to this many characters. */
export const ERROR_BODY_CHARS_MAX = 2_000;

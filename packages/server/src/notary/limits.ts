// Bounds of the notary. The queue itself has no count limit on purpose: a TSA outage delays
// attestation and never play, so hands keep queueing in the database; the lag alert is what
// bounds it in practice (an operator is told long before the disk minds).

/** Leaves in one Merkle root: an inclusion proof then has at most 14 hashes. */
export const LEAVES_PER_ROOT_MAX = 16_384;
/** Roots one job pass builds and time-stamps (a backlog after an outage drains at this pace). */
export const ROOTS_PER_PASS_MAX = 8;
/** Rows per multi-row INSERT when a root's leaves are stored. */
export const INSERT_ROWS_MAX = 200;
/** Roots listed in the console. */
export const ROOTS_LISTED_MAX = 50;
/** Characters of a TSA error kept with a root waiting for its token. */
export const ERROR_TEXT_MAX = 300;
/** Default lag past which an alert opens (FAIRGROUND_NOTARY_LAG_ALERT_MS). */
export const LAG_ALERT_MS_DEFAULT = 10 * 60_000;
/** Default deadline of one time-stamp request (FAIRGROUND_TSA_TIMEOUT_MS). */
export const TSA_TIMEOUT_MS_DEFAULT = 10_000;

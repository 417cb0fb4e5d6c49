// Named bounds of the privacy domain (account closure, personal-data export, erasure).

/**
 * How long a closed account's sealed real-name record (name, identity number, birth date, the
 * NPPA's pi) is kept before the `privacy.kyc-purge` job deletes it. The operator's choice: the
 * anti-money-laundering law keeps customer identity records five years after the relationship
 * ends (反洗钱法 Art. 19 binds financial institutions; a platform taking payments keeps the same as a
 * precaution). Change it with counsel (createPlatform's `privacy.kycRetentionMs`).
 */
export const KYC_RETENTION_MS_DEFAULT = 5 * 365 * 24 * 3600 * 1000;
/** Closed accounts whose real-name record one pass of the purge job deletes at most. */
export const KYC_PURGE_PER_PASS_MAX = 500;
/** Ledger entries an export carries at most (newest first); the ledger keeps every one. */
export const EXPORT_LEDGER_ENTRIES_MAX = 5_000;
/** Ledger history pages read for one export (200 entries a page). */
export const EXPORT_LEDGER_PAGE = 200;
/** Deposits, withdrawals and room orders an export lists at most (each). */
export const EXPORT_RECORDS_MAX = 500;
/** What a closed account is called wherever its old name was shown (rooms' histories keep the player id). */
export const CLOSED_NICKNAME = '已注销用户';

// Every limit of the payments domain, named with its unit. Operator-tunable amounts come from
// configuration (see `PaymentsSettings`); the rest are fixed bounds on queues, retries and sizes.

/** How long a deposit order can be paid (WeChat Pay's time_expire). */
export const DEPOSIT_ORDER_TTL_MS = 15 * 60_000;
/** After expiry we wait this long before closing, so a payment made at the last second is not raced. */
export const DEPOSIT_CLOSE_GRACE_MS = 60_000;
/** A closed order is queried once more this long after closing, in case it was paid after expiry and the notification was lost. */
export const DEPOSIT_VERIFY_AFTER_CLOSE_MS = 10 * 60_000;
/** Query schedule of an open order whose notification has not come: the gap before each query. */
export const DEPOSIT_QUERY_BACKOFF_MS = [60_000, 60_000, 120_000, 300_000, 600_000] as const;

/** Query schedule of a withdrawal waiting for the payee or the provider. */
export const WITHDRAWAL_QUERY_BACKOFF_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const;
/** How long a transfer bill may stay unconfirmed at the provider (its own window, for display). */
export const WITHDRAWAL_CONFIRM_WINDOW_MS = 24 * 3600_000;
/** Submission of a withdrawal the provider keeps refusing to accept for now (NOT_ENOUGH, 429) is given up after this, and only after a query says the bill does not exist. */
export const WITHDRAWAL_SUBMIT_DEADLINE_MS = 24 * 3600_000;

export const REFUND_QUERY_BACKOFF_MS = [60_000, 120_000, 300_000, 600_000, 1_800_000] as const;

/** Outbox: retry gaps of a provider call that failed unclearly or was asked to come back later. */
export const OUTBOX_BACKOFF_MS = [1_000, 5_000, 15_000, 60_000, 300_000, 900_000] as const;
/** A claimed outbox entry whose process died is taken over after this (longer than any provider call). */
export const OUTBOX_LEASE_MS = 60_000;
/** Entries dispatched per sweep, and rows of each kind checked per sweep. */
export const SWEEP_BATCH_MAX = 50;
/** Sweeps that may run one after another in one `runDue` call before it yields. */
export const SWEEP_ROUNDS_MAX = 20;

/** The notify route answers within this, whatever the database is doing (WeChat Pay waits 5 s). */
export const NOTIFY_ANSWER_DEADLINE_MS = 4_000;
/** Largest notification body we read (WeChat's are a few KB). */
export const NOTIFY_BODY_BYTES_MAX = 64 * 1024;

/** Circuit breaker: this many provider failures in a row open it … */
export const BREAKER_FAILURES_TO_OPEN = 5;
/** … for this long, after which one trial call is let through. */
export const BREAKER_OPEN_MS = 60_000;

/** Free text sizes. */
export const REASON_LENGTH_MIN = 4;
export const REASON_LENGTH_MAX = 200;
export const DESCRIPTION_LENGTH_MAX = 127;
export const TRANSFER_REMARK_LENGTH_MAX = 32;
export const LIST_PAGE_MAX = 100;
/** Detail text kept per payment event row. */
export const EVENT_DETAIL_BYTES_MAX = 4096;
/** Mismatch lines kept per reconciliation report. */
export const RECONCILIATION_ITEMS_MAX = 2000;

/** Beijing time: WeChat Pay's days (bills, daily caps) start at 00:00 UTC+8. */
export const BEIJING_OFFSET_MS = 8 * 3600_000;
export const DAY_MS = 86_400_000;
/** Bills of day D are published from 10:00 Beijing time on D+1. */
export const BILL_READY_AFTER_MS = DAY_MS + 10 * 3600_000;
/**
 * How many days back bills can be asked for. WeChat Pay keeps bills for three months
 * ("对账单接口只能下载三个月以内的账单"), which is never fewer than 89 days: an older day would only be
 * refused by the provider, so it is refused here first with its own code.
 */
export const BILL_HISTORY_DAYS = 89;
/** How many days back the reconciler catches up on its own. */
export const RECONCILE_CATCH_UP_DAYS = 3;

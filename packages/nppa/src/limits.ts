// Named limits of the NPPA client and sandbox. Every size, count, window and deadline lives here,
// with where its value comes from. "Spec" means the interface specification as quoted by the
// open-source clients listed in README.md; "ours" means a Fairground choice.

/** Deadline of one call. Spec: "客户端接口超时时间（建议）：5s". */
export const DEFAULT_TIMEOUT_MS = 5_000;
/** No call may ask for a longer deadline (ours). */
export const TIMEOUT_MS_MAX = 60_000;
/** Spec: a request whose `timestamps` is more than 5 s from the server's clock is expired (errcode 1007). */
export const REQUEST_TIMESTAMP_SKEW_MS_MAX = 5_000;

/** Spec: at most 128 behaviour records per report call. */
export const COLLECTIONS_MAX = 128;
/** Spec: `no` identifies a record within one batch, from 1 to 128. */
export const COLLECTION_NO_MIN = 1;
export const COLLECTION_NO_MAX = 128;
/** Spec: the earliest `ot` in a batch must be less than 180 s before the request's `timestamps`. */
export const OT_AGE_SECONDS_MAX = 180;

/** Spec: `ai` is 32 characters (longer ids hashed, shorter ones padded by the operator's own rule). */
export const AI_CHARS = 32;
/** The official test presets use 18-character `ai` values, so calls with a test code accept 1..32. */
export const TEST_AI_CHARS_MAX = 32;
/** Spec: `si` (session id) is at most 32 bytes. */
export const SI_CHARS_MAX = 32;
/** Spec: `di` (guest device id) is 32 characters; we accept 1..32. */
export const DI_CHARS_MAX = 32;
/** Spec: `pi` (the verified person's id issued by NPPA) is 38 characters. */
export const PI_CHARS = 38;
/** Spec: only 18-character second-generation mainland identity card numbers are supported. */
export const ID_NUMBER_CHARS = 18;
/** Names longer than this are refused before sending (ours; ethnic-minority names with `·` stay far below). */
export const NAME_CHARS_MAX = 64;
/** Test codes are 6 characters in every published example; we accept up to this many (ours). */
export const TEST_CODE_CHARS_MAX = 32;

/** The secret key is 32 hex characters: the 16 bytes of an AES-128 key. */
export const SECRET_KEY_HEX_CHARS = 32;
/** appId is 32 hex characters in every published example; we accept up to this many (ours). */
export const APP_ID_CHARS_MAX = 64;
/** bizId is a 10-digit filing code in every published example; we accept up to this many (ours). */
export const BIZ_ID_CHARS_MAX = 32;
/** AES-GCM nonce length the protocol uses (Java's default GCM IV): 12 bytes. */
export const GCM_IV_BYTES = 12;
/** AES-GCM tag length the protocol uses: 128 bits. */
export const GCM_TAG_BYTES = 16;

/** Largest answer the client reads (ours; a full 3001 answer for 128 records is about 10 KB). */
export const RESPONSE_BYTES_MAX = 64 * 1024;
/** Largest request body the sandbox reads (ours; 128 records encrypt to about 30 KB). */
export const REQUEST_BODY_BYTES_MAX = 64 * 1024;
/** Error messages quoted in errors are cut to this many characters (ours). */
export const ERRMSG_CHARS_MAX = 500;

/** How many times `reportLoginout` re-sends records that failed with a retryable per-record code (ours). */
export const REPORT_PARTIAL_RETRIES_DEFAULT = 1;
export const REPORT_PARTIAL_RETRIES_MAX = 5;

/** Spec rate limits per second, and the one-minute block after exceeding them. */
export const RATE_LIMIT_CHECK_PER_SECOND = 100;
export const RATE_LIMIT_QUERY_PER_SECOND = 300;
export const RATE_LIMIT_LOGINOUT_PER_SECOND = 10;
export const RATE_LIMIT_BLOCK_MS = 60_000;

/** Spec: a result that cannot be given at once may be queried for 48 hours. */
export const RESULT_QUERYABLE_MS = 48 * 3_600_000;
/** Spec: a result is deleted 300 s after it was queried successfully. */
export const RESULT_DELETED_AFTER_QUERY_MS = 300_000;
/** Test codes stay valid for one hour after the operator starts a test (cocos demo README). */
export const TEST_CODE_VALID_MS = 3_600_000;

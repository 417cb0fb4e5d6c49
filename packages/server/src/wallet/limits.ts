/** One operator adjustment moves at most 1,000,000 yuan; larger corrections are several audited steps. */
export const ADJUSTMENT_FEN_MAX = 100_000_000;
export const REASON_LENGTH_MIN = 4;
/** The ledger keeps metadata values up to 256 characters; the reason is stored there too. */
export const REASON_LENGTH_MAX = 200;
export const HISTORY_PAGE_MAX = 200;

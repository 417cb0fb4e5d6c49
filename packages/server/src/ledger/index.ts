// The ledger's public surface. Other domains move money only through `Ledger` inside their own
// unit of work, so their state change and its transfer commit together.
export { LedgerErrors } from './errors.ts';
export type {
  Balance,
  BatchInput,
  BatchTransferInput,
  CloseInput,
  HistoryItem,
  HistoryQuery,
  InvariantReport,
  LedgerOptions,
  RequestResult,
  TransferInput,
  TransferResult,
} from './ledger.ts';
export { LEDGER_DEFAULTS, Ledger } from './ledger.ts';
export { ledgerMigrations } from './migrations.ts';
export {
  AccountFlags,
  type AccountId,
  ASSETS,
  type Asset,
  accountId,
  isAsset,
  isTransferCode,
  type OwnerKind,
  parseAccountId,
  playerAccount,
  SYSTEM_ACCOUNTS,
  type SystemAccountName,
  systemAccount,
  TRANSFER_CODES,
  type TransferCode,
  TransferFlags,
} from './model.ts';
export { type TransferKind, type TransferReads, type TransferRecord, transferKind, transferReads } from './transfer-reads.ts';

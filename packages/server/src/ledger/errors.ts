import { defineErrors } from '@fairground/core';

// Codes mirror TigerBeetle's result codes where one exists (research/ledgers.md §2.5).
export const LedgerErrors = defineErrors('ledger', {
  LEDGER_AMOUNT_INVALID: { status: 400, message: 'amount must be a JSON integer number of fen from 1 to the configured maximum' },
  LEDGER_KEY_INVALID: { status: 400, message: 'idempotency scope and key are required: 1–64 and 1–128 characters of [A-Za-z0-9_.:-]' },
  LEDGER_ACCOUNT_INVALID: { status: 400, message: 'account id is malformed' },
  LEDGER_ACCOUNT_UNKNOWN: { status: 404, message: 'no such ledger account' },
  LEDGER_ACCOUNTS_SAME: { status: 400, message: 'debit and credit accounts must differ' },
  LEDGER_ASSET_UNKNOWN: { status: 400, message: 'unknown asset' },
  LEDGER_ASSET_MISMATCH: { status: 400, message: 'both accounts must hold the asset of the transfer' },
  LEDGER_CODE_UNKNOWN: { status: 400, message: 'unknown transfer code' },
  LEDGER_METADATA_INVALID: { status: 400, message: 'metadata must be a flat object of at most 16 short string, integer or boolean values' },
  LEDGER_TIMEOUT_INVALID: { status: 400, message: 'a pending timeout must be a future time in ms' },
  LEDGER_INSUFFICIENT_FUNDS: { status: 409, message: 'the account balance does not cover this transfer' },
  LEDGER_CREDITS_EXCEEDED: { status: 409, message: 'the transfer would exceed the credit limit of the account' },
  LEDGER_IDEMPOTENCY_CONFLICT: { status: 409, message: 'this idempotency key was already used with different content' },
  LEDGER_IN_PROGRESS: { status: 409, message: 'a request with this idempotency key is still running', retryable: true },
  LEDGER_PENDING_NOT_FOUND: { status: 404, message: 'no pending transfer with this id' },
  LEDGER_PENDING_CLOSED: { status: 409, message: 'the pending transfer was already posted, voided or expired' },
  LEDGER_PENDING_EXPIRED: { status: 409, message: 'the pending transfer has timed out' },
  LEDGER_POST_AMOUNT_EXCEEDS: { status: 400, message: 'a post may not exceed the pending amount' },
  LEDGER_BATCH_INVALID: { status: 400, message: 'a batch needs 1 to the configured maximum of transfers' },
  LEDGER_BUSY: { status: 503, message: 'the ledger has too many requests waiting; try again', retryable: true },
  LEDGER_OVERFLOW: { status: 409, message: 'the account balance would leave the safe integer range' },
});

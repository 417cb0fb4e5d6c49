// The double-entry ledger: TigerBeetle's contract (research/ledgers.md §2, §7) on SQL.
//
// `Ledger` is the one object other domains hold; it hands each call to the part that does it:
// the writer (transfers, holds, idempotency, the chain, group-committed direct requests), the
// reader (balances and history from committed data) and the auditor (the invariant check).
import { systemClock } from '@fairground/core';
import type { Migration, Store, Tx } from '../storage/ports.ts';
import { LedgerAuditor } from './auditor.ts';
import { ledgerMigrations } from './migrations.ts';
import { HostedLedgerClient } from './hosted-client.ts';
import type { DirectRequestInput, DirectStats } from './hosted-wire.ts';
import type { AccountId, OwnerKind } from './model.ts';
import { LedgerReader } from './reader.ts';
import {
  type Balance,
  type BatchInput,
  type CloseInput,
  type HistoryItem,
  type HistoryQuery,
  type InvariantReport,
  LEDGER_DEFAULTS,
  type LedgerOptions,
  type RequestResult,
  type TransferInput,
  type TransferResult,
} from './types.ts';
import { LedgerWriter } from './writer.ts';

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
} from './types.ts';
export { LEDGER_DEFAULTS } from './types.ts';

export class Ledger {
  static readonly migrations: readonly Migration[] = ledgerMigrations;
  readonly store: Store;
  readonly #writer: LedgerWriter;
  readonly #reader: LedgerReader;
  readonly #auditor: LedgerAuditor;
  /** Where the store can host the writer next to its connection, direct requests go there. */
  readonly #hosted: HostedLedgerClient | null;

  constructor(store: Store, options: LedgerOptions = {}) {
    this.store = store;
    this.#writer = new LedgerWriter(store, options);
    this.#reader = new LedgerReader(store);
    this.#auditor = new LedgerAuditor(store);
    const hosted = store.host?.(new URL('./hosted.ts', import.meta.url).href, {
      transferAmountMax: options.transferAmountMax ?? LEDGER_DEFAULTS.transferAmountMax,
      batchTransfersMax: options.batchTransfersMax ?? LEDGER_DEFAULTS.batchTransfersMax,
      chainShards: options.chainShards ?? 1,
    });
    this.#hosted = hosted ? new HostedLedgerClient(hosted, options.clock ?? systemClock, options.directSplitMin ?? null) : null;
  }

  #call(request: DirectRequestInput, hosted: HostedLedgerClient): Promise<RequestResult> {
    return hosted.submit(request);
  }

  // ---------------------------------------------------------------- accounts

  /** Opens an account if it does not exist (idempotent). Flags default by owner kind. */
  openAccount(tx: Tx, id: AccountId, flags?: number): Promise<void> {
    return this.#writer.openAccount(tx, id, flags);
  }

  /** Opens every system account for every asset. Run once at start. */
  openSystemAccounts(): Promise<void> {
    return this.#writer.openSystemAccounts();
  }

  // ---------------------------------------------------------------- writes inside a unit of work

  /** See `LedgerWriter.serialize`: takes the ledger's write lock now, before counting what was done. */
  serialize(tx: Tx): Promise<void> {
    return this.#writer.serialize(tx);
  }

  transfer(tx: Tx, input: TransferInput): Promise<RequestResult> {
    return this.#writer.transfer(tx, input);
  }

  /** A linked batch: every transfer succeeds or none does. */
  batch(tx: Tx, input: BatchInput): Promise<RequestResult> {
    return this.#writer.batch(tx, input);
  }

  /** Posts a hold, in full or in part (the rest is released). */
  post(tx: Tx, input: CloseInput): Promise<RequestResult> {
    return this.#writer.post(tx, input);
  }

  /** Voids a hold: the reserved amount returns to the debit account. */
  void(tx: Tx, input: CloseInput): Promise<RequestResult> {
    return this.#writer.void(tx, input);
  }

  // ---------------------------------------------------------------- one unit each, coalesced

  submit(input: TransferInput): Promise<RequestResult> {
    return this.#hosted ? this.#call({ kind: 'transfer', input }, this.#hosted) : this.#writer.submit(input);
  }

  submitBatch(input: BatchInput): Promise<RequestResult> {
    return this.#hosted ? this.#call({ kind: 'batch', input }, this.#hosted) : this.#writer.submitBatch(input);
  }

  submitPost(input: CloseInput): Promise<RequestResult> {
    return this.#hosted ? this.#call({ kind: 'post', input }, this.#hosted) : this.#writer.submitPost(input);
  }

  submitVoid(input: CloseInput): Promise<RequestResult> {
    return this.#hosted ? this.#call({ kind: 'void', input }, this.#hosted) : this.#writer.submitVoid(input);
  }

  /**
   * How direct requests (`submit…`) have been grouped so far: groups run (each one unit of work,
   * one commit unless other units shared it), the requests in them and the transfers they made.
   */
  directStats(): Promise<DirectStats> {
    return this.#hosted ? this.#hosted.stats() : Promise.resolve(this.#writer.directStats());
  }

  /** Voids holds whose timeout has passed; returns how many. */
  expirePending(limit = 100): Promise<number> {
    return this.#writer.expirePending(limit);
  }

  /** Seals a root over every chain shard's head (periodic job); null when nothing moved since the last. */
  sealRoot(): Promise<{ seq: number; hash: string } | null> {
    return this.#writer.sealRoot();
  }

  // ---------------------------------------------------------------- reads (committed data)

  balances(ownerKind: OwnerKind, ownerId: string): Promise<Balance[]> {
    return this.#reader.balances(ownerKind, ownerId);
  }

  balance(id: AccountId): Promise<Balance | null> {
    return this.#reader.balance(id);
  }

  history(q: HistoryQuery): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
    return this.#reader.history(q);
  }

  getTransfer(id: string): Promise<TransferResult | null> {
    return this.#reader.getTransfer(id);
  }

  // ---------------------------------------------------------------- audit

  /** The auditor's full check; see `LedgerAuditor.checkInvariants`. */
  checkInvariants(): Promise<InvariantReport> {
    return this.#auditor.checkInvariants();
  }
}

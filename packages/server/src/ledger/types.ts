// The ledger's public types and limits, shared by its writer, reader and auditor.
import type { Clock } from '@fairground/core';
import type { AccountId, Asset, OwnerKind, TransferCode } from './model.ts';

export interface TransferInput {
  readonly scope: string;
  readonly key: string;
  readonly debit: AccountId;
  readonly credit: AccountId;
  readonly asset: Asset;
  /** Fen for CNY/BONUS, units for ROOM_CARD/POINTS: a JSON integer ≥ 1. */
  readonly amount: number;
  readonly code: TransferCode;
  /** Makes this a hold (pending transfer): reserved now, later posted or voided by the domain that made it. */
  readonly pending?: { readonly timeoutAtMs?: number };
  readonly metadata?: Readonly<Record<string, string | number | boolean>>;
}

export type BatchTransferInput = Omit<TransferInput, 'scope' | 'key'>;

export interface BatchInput {
  readonly scope: string;
  readonly key: string;
  readonly transfers: readonly BatchTransferInput[];
}

export interface CloseInput {
  readonly scope: string;
  readonly key: string;
  readonly pendingId: string;
  /** Post only: how much of the hold to post (default all of it); the rest is released. */
  readonly amount?: number;
}

export interface TransferResult {
  readonly id: string;
  readonly seq: number;
  readonly debit: AccountId;
  readonly credit: AccountId;
  readonly asset: Asset;
  readonly amount: number;
  readonly code: TransferCode;
  readonly flags: number;
  readonly pendingId: string | null;
  readonly timeoutAtMs: number | null;
  readonly createdAtMs: number;
  readonly metadata: Readonly<Record<string, string | number | boolean>> | null;
}

export interface RequestResult {
  readonly transfers: readonly TransferResult[];
  /** True when this answer is the stored result of an earlier request with the same key. */
  readonly replayed: boolean;
}

export interface Balance {
  readonly accountId: AccountId;
  readonly asset: Asset;
  readonly flags: number;
  /** credits_posted − debits_posted. */
  readonly postedFen: number;
  readonly pendingDebitsFen: number;
  readonly pendingCreditsFen: number;
  /** What can be spent now: posted minus pending debits. */
  readonly availableFen: number;
}

export interface HistoryQuery {
  readonly ownerKind: OwnerKind;
  readonly ownerId: string;
  readonly asset?: Asset;
  readonly code?: TransferCode;
  readonly fromMs?: number;
  readonly toMs?: number;
  readonly cursor?: string;
  readonly limit?: number;
}

export interface HistoryItem {
  readonly id: string;
  readonly seq: number;
  readonly accountId: AccountId;
  readonly counterparty: AccountId;
  readonly direction: 'in' | 'out';
  readonly asset: Asset;
  readonly amount: number;
  readonly code: TransferCode;
  readonly kind: 'posted' | 'pending' | 'post' | 'void' | 'expired';
  /** For a hold: whether it is still open, posted or voided. */
  readonly pendingState: 'open' | 'posted' | 'voided' | 'expired' | null;
  readonly pendingId: string | null;
  readonly createdAtMs: number;
  readonly metadata: Readonly<Record<string, string | number | boolean>> | null;
}

export interface InvariantReport {
  readonly ok: boolean;
  readonly problems: readonly string[];
  readonly accounts: number;
  readonly transfers: number;
  readonly assets: readonly { asset: Asset; postedSum: string; pendingDebits: string; pendingCredits: string }[];
  /** One shard: its head's position and hash. Several shards: the highest transfer seq and the newest root's hash. */
  readonly chainSeq: number;
  readonly chainHash: string;
  /** Every chain shard's verified head. */
  readonly shards: readonly { shard: number; seq: number; hash: string }[];
  /** Roots verified. */
  readonly roots: number;
}

export interface LedgerOptions {
  readonly clock?: Clock;
  /** Largest single transfer, in minor units. */
  readonly transferAmountMax?: number;
  /** Most transfers in one linked batch. */
  readonly batchTransfersMax?: number;
  /**
   * Hash-chain shards (1 = one global chain, the default). A transfer joins the chain of its debit
   * account's shard, so writers of different shards do not wait for each other's chain head. Fixed
   * once the ledger holds transfers.
   */
  readonly chainShards?: number;
  /**
   * Where the writer is hosted in a thread (SQLite): when nothing is in flight and at least this
   * many direct requests wait, they cross as two groups instead of one, so the thread commits one
   * half while the event loop answers the other and gathers its next requests. Off by default:
   * each half pays a commit of its own, which costs more than the wait it hides on a busy disk
   * (see `bench/README.md` § Ledger); on an idle one a commit's fixed cost is small.
   */
  readonly directSplitMin?: number;
}

export const LEDGER_DEFAULTS = {
  transferAmountMax: 100_000_000_000, // 1 billion yuan in fen
  batchTransfersMax: 64,
  historyLimitMax: 200,
  metadataEntriesMax: 16,
  metadataValueLengthMax: 256,
  insertRowsMax: 200,
  directBatchMax: 256,
  directQueueMax: 100_000,
  chainShardsMax: 64,
  /** Most account rows the SQLite writer thread keeps between direct groups. */
  rowCacheAccountsMax: 100_000,
} as const;

// What reporting may read of the transfer log besides a player's history: the newest transfers,
// transfers by sequence and commit time (exports), and counts by code (metrics). Read-only, bound to
// a reader by the composition root, so the transfer table's layout stays this domain's business.
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import type { TransferRow } from './codec.ts';
import { TransferFlags } from './model.ts';

export type TransferKind = 'posted' | 'pending' | 'post' | 'void' | 'expired';

/** A transfer as reports and exports show it. */
export interface TransferRecord {
  readonly seq: number;
  readonly id: string;
  readonly createdAtMs: number;
  readonly debitAccount: string;
  readonly creditAccount: string;
  readonly asset: string;
  readonly amount: number;
  readonly code: string;
  readonly kind: TransferKind;
  readonly pendingId: string | null;
  readonly metadata: string | null;
  readonly hash: string;
}

/** What a transfer did, from its flags. */
export function transferKind(flags: number): TransferKind {
  return flags & TransferFlags.pending
    ? 'pending'
    : flags & TransferFlags.post
      ? 'post'
      : flags & TransferFlags.expired
        ? 'expired'
        : flags & TransferFlags.void
          ? 'void'
          : 'posted';
}

const RECORD_COLUMNS = 'seq, id, created_at_ms, debit_account, credit_account, asset, amount, code, flags, pending_id, metadata, hash';
type RecordRow = Pick<
  TransferRow,
  | 'seq'
  | 'id'
  | 'created_at_ms'
  | 'debit_account'
  | 'credit_account'
  | 'asset'
  | 'amount'
  | 'code'
  | 'flags'
  | 'pending_id'
  | 'metadata'
  | 'hash'
>;

function recordOf(r: RecordRow): TransferRecord {
  return {
    seq: intFromDb(r.seq),
    id: r.id,
    createdAtMs: intFromDb(r.created_at_ms),
    debitAccount: r.debit_account,
    creditAccount: r.credit_account,
    asset: r.asset,
    amount: intFromDb(r.amount),
    code: r.code,
    kind: transferKind(intFromDb(r.flags)),
    pendingId: r.pending_id,
    metadata: r.metadata,
    hash: r.hash,
  };
}

export type TransferReads = ReturnType<typeof transferReads>;

export function transferReads(reader: Reader) {
  return {
    /** The highest seq, 0 for an empty ledger (with several chain shards there is no single head row). */
    async maxSeq(): Promise<number> {
      return intFromDb((await reader.query<Pick<TransferRow, 'seq'>>('SELECT MAX(seq) AS seq FROM ledger_transfers'))[0]?.seq ?? 0);
    },

    /** When the first transfer at or after `seq` committed, or null when there is none. */
    async createdAtFrom(seq: number): Promise<number | null> {
      const rows = await reader.query<Pick<TransferRow, 'created_at_ms'>>(
        'SELECT created_at_ms FROM ledger_transfers WHERE seq >= ? ORDER BY seq LIMIT 1',
        [seq],
      );
      return rows[0] ? intFromDb(rows[0].created_at_ms) : null;
    },

    /** Transfers with `firstSeq <= seq < endSeq` committed in [fromMs, toMs). */
    async countIn(firstSeq: number, endSeq: number, fromMs: number, toMs: number): Promise<number> {
      const rows = await reader.query<{ n: unknown }>(
        'SELECT COUNT(*) AS n FROM ledger_transfers WHERE seq >= ? AND seq < ? AND created_at_ms >= ? AND created_at_ms < ?',
        [firstSeq, endSeq, fromMs, toMs],
      );
      return intFromDb(rows[0]?.n ?? 0);
    },

    /** Transfers with `afterSeq < seq < endSeq` committed in [fromMs, toMs), in seq order. */
    async pageIn(afterSeq: number, endSeq: number, fromMs: number, toMs: number, limit: number): Promise<TransferRecord[]> {
      const rows = await reader.query<RecordRow>(
        `SELECT ${RECORD_COLUMNS}
           FROM ledger_transfers WHERE seq > ? AND seq < ? AND created_at_ms >= ? AND created_at_ms < ? ORDER BY seq LIMIT ?`,
        [afterSeq, endSeq, fromMs, toMs, limit],
      );
      return rows.map(recordOf);
    },

    /** The newest transfers of the whole ledger, newest first. */
    async newest(limit: number): Promise<TransferRecord[]> {
      const rows = await reader.query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM ledger_transfers ORDER BY seq DESC LIMIT ?`, [limit]);
      return rows.map(recordOf);
    },

    /** How many transfers of each code and asset have `fromSeq < seq <= toSeq`. */
    async countsByCode(fromSeq: number, toSeq: number): Promise<{ code: string; asset: string; transfers: number }[]> {
      const rows = await reader.query<{ code: string; asset: string; n: unknown }>(
        'SELECT code, asset, COUNT(*) AS n FROM ledger_transfers WHERE seq > ? AND seq <= ? GROUP BY code, asset',
        [fromSeq, toSeq],
      );
      return rows.map((r) => ({ code: r.code, asset: r.asset, transfers: intFromDb(r.n) }));
    },
  };
}

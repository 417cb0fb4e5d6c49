// The ledger's reads of committed data: balances, a player's history, one transfer.
import { AppError } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb, placeholders } from '../storage/sql.ts';
import { type AccountRow, rowToResult, type TransferRow, toBalance } from './codec.ts';
import { LedgerErrors } from './errors.ts';
import { type AccountId, type Asset, type OwnerKind, parseAccountId, type TransferCode, TransferFlags } from './model.ts';
import type { Balance, HistoryItem, HistoryQuery, TransferResult } from './types.ts';
import { LEDGER_DEFAULTS } from './types.ts';

export class LedgerReader {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  async balances(ownerKind: OwnerKind, ownerId: string): Promise<Balance[]> {
    const rows = await this.#store.reader.query<AccountRow>(
      'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE owner_kind = ? AND owner_id = ? ORDER BY id',
      [ownerKind, ownerId],
    );
    return rows.map(toBalance);
  }

  async balance(id: AccountId): Promise<Balance | null> {
    parseAccountId(id);
    const rows = await this.#store.reader.query<AccountRow>(
      'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id = ?',
      [id],
    );
    return rows[0] ? toBalance(rows[0]) : null;
  }

  async history(q: HistoryQuery): Promise<{ items: HistoryItem[]; nextCursor: string | null }> {
    const limit = Math.min(Math.max(Math.trunc(q.limit ?? 50), 1), LEDGER_DEFAULTS.historyLimitMax);
    const accounts = await this.#store.reader.query<{ id: string }>(
      'SELECT id FROM ledger_accounts WHERE owner_kind = ? AND owner_id = ?',
      [q.ownerKind, q.ownerId],
    );
    const ids = accounts.map((a) => a.id).filter((id) => q.asset === undefined || id.endsWith(`:${q.asset}`));
    if (ids.length === 0) return { items: [], nextCursor: null };
    const { where, params } = historyFilter(q, ids);
    params.push(limit + 1);
    const rows = await this.#store.reader.query<TransferRow & { closed_flags: unknown }>(
      `SELECT t.*, c.flags AS closed_flags FROM ledger_transfers t
         LEFT JOIN ledger_transfers c ON c.pending_id = t.id
        WHERE ${where.join(' AND ')} ORDER BY t.seq DESC LIMIT ?`,
      params,
    );
    const owned = new Set(ids);
    const items = rows.slice(0, limit).map((r) => toHistoryItem(r, owned));
    const last = items[items.length - 1];
    return { items, nextCursor: rows.length > limit && last ? String(last.seq) : null };
  }

  async getTransfer(id: string): Promise<TransferResult | null> {
    const rows = await this.#store.reader.query<TransferRow>('SELECT * FROM ledger_transfers WHERE id = ?', [id]);
    return rows[0] ? rowToResult(rows[0]) : null;
  }
}

/** The WHERE clauses and parameters of a history page: the owner's accounts, then the cursor, code and time filters. */
function historyFilter(q: HistoryQuery, ids: readonly string[]): { where: string[]; params: (string | number)[] } {
  const where: string[] = [`(t.debit_account IN (${placeholders(ids.length)}) OR t.credit_account IN (${placeholders(ids.length)}))`];
  const params: (string | number)[] = [...ids, ...ids];
  if (q.cursor !== undefined) {
    if (!/^[1-9][0-9]{0,15}$/.test(q.cursor)) throw new AppError(LedgerErrors.LEDGER_KEY_INVALID, { cursor: q.cursor.slice(0, 20) });
    where.push('t.seq < ?');
    params.push(Number(q.cursor));
  }
  if (q.code !== undefined) {
    where.push('t.code = ?');
    params.push(q.code);
  }
  if (q.fromMs !== undefined) {
    where.push('t.created_at_ms >= ?');
    params.push(q.fromMs);
  }
  if (q.toMs !== undefined) {
    where.push('t.created_at_ms < ?');
    params.push(q.toMs);
  }
  return { where, params };
}

/** One transfer row as a line of the owner's history, seen from the owner's side. */
function toHistoryItem(r: TransferRow & { closed_flags: unknown }, owned: ReadonlySet<string>): HistoryItem {
  const flags = intFromDb(r.flags);
  const out = owned.has(r.debit_account);
  const closed = intOrNullFromDb(r.closed_flags);
  return {
    id: r.id,
    seq: intFromDb(r.seq),
    accountId: out ? r.debit_account : r.credit_account,
    counterparty: out ? r.credit_account : r.debit_account,
    direction: out ? 'out' : 'in',
    asset: r.asset as Asset,
    amount: intFromDb(r.amount),
    code: r.code as TransferCode,
    kind:
      flags & TransferFlags.pending
        ? 'pending'
        : flags & TransferFlags.post
          ? 'post'
          : flags & TransferFlags.expired
            ? 'expired'
            : flags & TransferFlags.void
              ? 'void'
              : 'posted',
    pendingState:
      flags & TransferFlags.pending
        ? closed === null
          ? 'open'
          : closed & TransferFlags.post
            ? 'posted'
            : closed & TransferFlags.expired
              ? 'expired'
              : 'voided'
        : null,
    pendingId: r.pending_id,
    createdAtMs: intFromDb(r.created_at_ms),
    metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, string | number | boolean>) : null,
  };
}

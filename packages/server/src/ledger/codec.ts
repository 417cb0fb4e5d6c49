// Row shapes, their conversions, and the two hashes (request content, chain link): one definition
// shared by the writer that produces them and the auditor that verifies them.
import { createHash } from 'node:crypto';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { AccountId, Asset, TransferCode } from './model.ts';
import type { Balance, TransferResult } from './types.ts';

export const ZERO_HASH = '0'.repeat(64);

export const ACCOUNT_ID_SHAPE = /^(player|system|operator|room|match|tournament):[A-Za-z0-9_-]{1,64}:(CNY|ROOM_CARD|POINTS|BONUS)$/;

export interface AccountState {
  readonly id: AccountId;
  readonly flags: number;
  readonly dp: number;
  readonly dpo: number;
  readonly cp: number;
  readonly cpo: number;
}

export function accountFromRow(row: AccountRow): AccountState {
  return {
    id: row.id,
    flags: intFromDb(row.flags),
    dp: intFromDb(row.debits_pending),
    dpo: intFromDb(row.debits_posted),
    cp: intFromDb(row.credits_pending),
    cpo: intFromDb(row.credits_posted),
  };
}

export interface AccountRow {
  id: string;
  asset: string;
  flags: unknown;
  debits_pending: unknown;
  debits_posted: unknown;
  credits_pending: unknown;
  credits_posted: unknown;
}

export interface TransferRow {
  seq: unknown;
  id: string;
  scope: string;
  idem_key: string;
  batch_index: unknown;
  debit_account: string;
  credit_account: string;
  asset: string;
  amount: unknown;
  code: string;
  flags: unknown;
  pending_id: string | null;
  timeout_at_ms: unknown;
  metadata: string | null;
  created_at_ms: unknown;
  prev_hash: string;
  hash: string;
}

export function toBalance(a: AccountRow): Balance {
  const dp = intFromDb(a.debits_pending);
  const dpo = intFromDb(a.debits_posted);
  const cp = intFromDb(a.credits_pending);
  const cpo = intFromDb(a.credits_posted);
  return {
    accountId: a.id,
    asset: a.asset as Asset,
    flags: intFromDb(a.flags),
    postedFen: cpo - dpo,
    pendingDebitsFen: dp,
    pendingCreditsFen: cp,
    availableFen: cpo - dpo - dp,
  };
}

export function rowToResult(r: TransferRow): TransferResult {
  return {
    id: r.id,
    seq: intFromDb(r.seq),
    debit: r.debit_account,
    credit: r.credit_account,
    asset: r.asset as Asset,
    amount: intFromDb(r.amount),
    code: r.code as TransferCode,
    flags: intFromDb(r.flags),
    pendingId: r.pending_id,
    timeoutAtMs: intOrNullFromDb(r.timeout_at_ms),
    createdAtMs: intFromDb(r.created_at_ms),
    metadata: r.metadata ? (JSON.parse(r.metadata) as Record<string, string | number | boolean>) : null,
  };
}

/** A stable hash of a request's content, for idempotency comparisons. */
export function contentHash(value: unknown): string {
  return createHash('sha256').update(canonicalJson(value)).digest('hex');
}

export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const keys = Object.keys(value as object)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** SHA-256 over the previous hash and every stored field of the transfer, in a fixed order. */
export function chainHash(
  prevHash: string,
  t: Omit<TransferResult, never> & { readonly scope: string; readonly key: string; readonly batchIndex: number },
): string {
  const fields = [
    t.seq,
    t.id,
    t.scope,
    t.key,
    t.batchIndex,
    t.debit,
    t.credit,
    t.asset,
    t.amount,
    t.code,
    t.flags,
    t.pendingId ?? '',
    t.timeoutAtMs ?? '',
    t.metadata ? canonicalJson(t.metadata) : '',
    t.createdAtMs,
  ];
  return createHash('sha256')
    .update(`${prevHash}\n${fields.join('\u001f')}`)
    .digest('hex');
}

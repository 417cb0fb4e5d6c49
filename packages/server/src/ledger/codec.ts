// Row shapes, their conversions, and the two hashes (request content, chain link): one definition
// shared by the writer that produces them and the auditor that verifies them.
import { hash } from 'node:crypto';
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
  return sha256Hex(canonicalJson(value));
}

/** One-shot SHA-256 (no Hash object per call: this runs twice per transfer). */
export function sha256Hex(text: string): string {
  return hash('sha256', text, 'hex');
}

/** A validated transfer as the content hash sees it. */
export interface CanonicalTransfer {
  readonly debit: string;
  readonly credit: string;
  readonly asset: string;
  readonly amount: number;
  readonly code: string;
  readonly pending: boolean;
  readonly timeoutAtMs: number | null;
  readonly metadata: Readonly<Record<string, string | number | boolean>> | null;
}

/**
 * `canonicalJson` of a validated transfer (with `op` when given), written field by field in the
 * sorted key order instead of sorting keys per call: the idempotency hash of every transfer goes
 * through here, and stored hashes must not change, so a test holds it to `canonicalJson`.
 */
export function canonicalTransfer(t: CanonicalTransfer, op?: string): string {
  return `{"amount":${t.amount},"asset":${JSON.stringify(t.asset)},"code":${JSON.stringify(t.code)},"credit":${JSON.stringify(t.credit)},"debit":${JSON.stringify(t.debit)},"metadata":${
    t.metadata === null ? 'null' : canonicalJson(t.metadata)
  }${op === undefined ? '' : `,"op":${JSON.stringify(op)}`},"pending":${t.pending},"timeoutAtMs":${t.timeoutAtMs === null ? 'null' : t.timeoutAtMs}}`;
}

/** The content hash of one transfer request: equal to `contentHash({ op: 'transfer', ...t })`. */
export function transferContentHash(t: CanonicalTransfer): string {
  return sha256Hex(canonicalTransfer(t, 'transfer'));
}

/** The content hash of a linked batch: equal to `contentHash({ op: 'batch', transfers })`. */
export function batchContentHash(ts: readonly CanonicalTransfer[]): string {
  let body = '';
  for (const [i, t] of ts.entries()) body += (i === 0 ? '' : ',') + canonicalTransfer(t);
  return sha256Hex(`{"op":"batch","transfers":[${body}]}`);
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
  return sha256Hex(`${prevHash}\n${fields.join('\u001f')}`);
}

/**
 * The chain shard of a transfer: FNV-1a (32-bit) of its debit account id, modulo the shard count.
 * Stable across processes and releases: the auditor recomputes it for every stored transfer.
 */
export function shardOf(accountId: string, shards: number): number {
  if (shards === 1) return 0;
  let h = 0x811c9dc5;
  for (let i = 0; i < accountId.length; i += 1) {
    h ^= accountId.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) % shards;
}

/**
 * A transfer's global sequence number from its place in its shard's chain: shards interleave, so
 * numbers are unique without a counter shared by every writer; with one shard it is the chain
 * position itself (dense, as before shards existed).
 */
export function globalSeq(shard: number, shardSeq: number, shards: number): number {
  return (shardSeq - 1) * shards + shard + 1;
}

/** The periodic root over the shard heads: each root links to the previous one. */
export function rootHash(prevHash: string, seq: number, createdAtMs: number, heads: readonly ShardHead[]): string {
  return sha256Hex(`${prevHash}\n${seq}\u001f${createdAtMs}\u001f${heads.map((h) => `${h.shard}:${h.seq}:${h.hash}`).join(',')}`);
}

export interface ShardHead {
  readonly shard: number;
  readonly seq: number;
  readonly hash: string;
}

export interface RootRow {
  seq: unknown;
  heads: string;
  created_at_ms: unknown;
  prev_hash: string;
  hash: string;
}

/** The stored heads of a root (`[[shard, seq, hash], …]`), or null when the text is not that shape. */
export function parseHeads(text: string): ShardHead[] | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (!Array.isArray(value)) return null;
  const out: ShardHead[] = [];
  for (const h of value) {
    if (!Array.isArray(h) || h.length !== 3) return null;
    const [shard, seq, hash] = h as unknown[];
    if (!Number.isSafeInteger(shard) || !Number.isSafeInteger(seq) || typeof hash !== 'string') return null;
    out.push({ shard: shard as number, seq: seq as number, hash });
  }
  return out;
}

export function headsText(heads: readonly ShardHead[]): string {
  return JSON.stringify(heads.map((h) => [h.shard, h.seq, h.hash]));
}

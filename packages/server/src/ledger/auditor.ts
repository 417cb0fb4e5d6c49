// The auditor: recomputes every balance from the transfers and verifies the hash chain.
import { present } from '@fairground/core';
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import {
  type AccountRow,
  chainHash,
  globalSeq,
  parseHeads,
  type RootRow,
  rootHash,
  rowToResult,
  shardOf,
  type TransferRow,
  ZERO_HASH,
} from './codec.ts';

import { AccountFlags, type Asset, TransferFlags } from './model.ts';
import type { InvariantReport, TransferResult } from './types.ts';

const ROOT_PAGE_ROWS = 1000;
const PAGE_ROWS = 5000;

type HeadRow = { id: unknown; seq: unknown; hash: string };
/** A shard's last verified transfer: its place in the shard and its hash. */
type ShardTail = { seq: number; hash: string };
/** A shard head a root names, waiting to be found among the transfers. */
type SealedHead = { root: number; shardSeq: number; hash: string };
/** Debits pending/posted and credits pending/posted, recomputed from the transfers. */
type Balance = { dp: bigint; dpo: bigint; cp: bigint; cpo: bigint };
type Hold = { debit: string; credit: string; amount: bigint; closed: boolean };
type AssetSum = { posted: bigint; dp: bigint; cp: bigint };

export class LedgerAuditor {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * The auditor's check: per asset the posted balances sum to zero and pending debits equal
   * pending credits; every account respects its flag; every stored balance equals the balance
   * recomputed from the transfers; every post/void closes a hold of the same accounts; every
   * chain shard verifies from its first transfer to its stored head (each transfer in the shard
   * of its debit account, at the place its seq says); and every root links to the one before,
   * verifies, and names shard heads that are transfers of those shards.
   */
  async checkInvariants(): Promise<InvariantReport> {
    const problems: string[] = [];
    const headRows = await this.#store.reader.query<HeadRow>('SELECT id, seq, hash FROM ledger_chain ORDER BY id');
    const shards = Math.max(1, headRows.length);
    headRows.forEach((h, i) => {
      if (intFromDb(h.id) !== i + 1) problems.push(`chain shard head rows are not numbered 1 to ${headRows.length}`);
    });
    // Roots are few (one per sealing interval): read them first, then check each named head
    // against the transfers as they stream past.
    const roots = await this.#checkRoots(shards, problems);
    const chain = await this.#checkTransfers(shards, roots.wanted, problems);
    checkHeads(headRows, chain.last, roots.wanted, problems);
    const balances = await this.#checkAccounts(chain.recomputed, problems);
    const firstTail = present(chain.last[0], 'at least one chain shard');
    return {
      ok: problems.length === 0,
      problems,
      accounts: balances.accounts,
      transfers: chain.transfers,
      assets: [...balances.sums].map(([asset, s]) => ({
        asset: asset as Asset,
        postedSum: String(s.posted),
        pendingDebits: String(s.dp),
        pendingCredits: String(s.cp),
      })),
      chainSeq: shards === 1 ? firstTail.seq : chain.expectSeq - 1,
      chainHash: shards === 1 ? firstTail.hash : roots.lastHash,
      shards: chain.last.map((h, shard) => ({ shard, seq: h.seq, hash: h.hash })),
      roots: roots.count,
    };
  }

  /**
   * Streams every transfer in seq order: verifies each against its chain shard and the roots'
   * named heads, and recomputes every account's balance from the transfers.
   */
  async #checkTransfers(
    shards: number,
    wanted: Map<number, SealedHead>,
    problems: string[],
  ): Promise<{ last: ShardTail[]; recomputed: Map<string, Balance>; transfers: number; expectSeq: number }> {
    const last: ShardTail[] = Array.from({ length: shards }, () => ({ seq: 0, hash: ZERO_HASH }));
    const recomputed = new Map<string, Balance>();
    const pendings = new Map<string, Hold>();
    let expectSeq = 1;
    let transfers = 0;
    for (let afterSeq = 0; ; ) {
      const rows = await this.#store.reader.query<TransferRow>('SELECT * FROM ledger_transfers WHERE seq > ? ORDER BY seq LIMIT ?', [
        afterSeq,
        PAGE_ROWS,
      ]);
      for (const r of rows) {
        const t = rowToResult(r);
        transfers += 1;
        if (shards === 1 && t.seq !== expectSeq) problems.push(`transfer seq ${t.seq} where ${expectSeq} was expected`);
        expectSeq = t.seq + 1;
        checkChainLink(r, t, shards, last, wanted, problems);
        recomputeBalances(t, recomputed, pendings, problems);
      }
      if (rows.length < PAGE_ROWS) break;
      afterSeq = intFromDb(present(rows.at(-1), 'a full page has a last row').seq);
    }
    return { last, recomputed, transfers, expectSeq };
  }

  /**
   * Pages through every account: its stored balance equals the one recomputed from the transfers
   * and respects its flags; sums per asset. Transfers naming an account without a row are reported.
   */
  async #checkAccounts(recomputed: Map<string, Balance>, problems: string[]): Promise<{ sums: Map<string, AssetSum>; accounts: number }> {
    const sums = new Map<string, AssetSum>();
    let accounts = 0;
    for (let afterId = ''; ; ) {
      const rows = await this.#store.reader.query<AccountRow>(
        'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id > ? ORDER BY id LIMIT ?',
        [afterId, PAGE_ROWS],
      );
      for (const a of rows) {
        accounts += 1;
        checkAccount(a, recomputed, sums, problems);
      }
      if (rows.length < PAGE_ROWS) break;
      afterId = present(rows.at(-1), 'a full page has a last row').id;
    }
    for (const id of recomputed.keys()) problems.push(`transfers reference account ${id} that has no row`);
    for (const [asset, s] of sums) {
      if (s.posted !== 0n) problems.push(`asset ${asset} posted balances sum to ${s.posted}, not 0`);
      if (s.dp !== s.cp) problems.push(`asset ${asset} pending debits ${s.dp} differ from pending credits ${s.cp}`);
    }
    return { sums, accounts };
  }

  /** Verifies the chain of roots; returns the shard heads they name, by global seq, to find among the transfers. */
  async #checkRoots(shards: number, problems: string[]): Promise<{ wanted: Map<number, SealedHead>; count: number; lastHash: string }> {
    const wanted = new Map<number, SealedHead>();
    let prevHash = ZERO_HASH;
    let count = 0;
    const highest = new Array<number>(shards).fill(0);
    for (let afterSeq = 0; ; ) {
      const rows = await this.#store.reader.query<RootRow>(
        'SELECT seq, heads, created_at_ms, prev_hash, hash FROM ledger_roots WHERE seq > ? ORDER BY seq LIMIT ?',
        [afterSeq, ROOT_PAGE_ROWS],
      );
      for (const row of rows) {
        count += 1;
        const seq = intFromDb(row.seq);
        if (seq !== count) problems.push(`root seq ${seq} where ${count} was expected`);
        if (row.prev_hash !== prevHash) problems.push(`root ${seq} prev_hash does not match the previous root's hash`);
        const heads = parseHeads(row.heads);
        if (heads === null || heads.length !== shards || heads.some((h, i) => h.shard !== i)) {
          problems.push(`root ${seq} does not name one head per chain shard`);
        } else {
          if (rootHash(row.prev_hash, seq, intFromDb(row.created_at_ms), heads) !== row.hash)
            problems.push(`root ${seq} hash does not verify (row altered)`);
          for (const h of heads) {
            if (h.seq < present(highest[h.shard], 'a head of a known shard'))
              problems.push(`root ${seq} names an older head of shard ${h.shard} than the root before`);
            highest[h.shard] = h.seq;
            if (h.seq > 0) wanted.set(globalSeq(h.shard, h.seq, shards), { root: seq, shardSeq: h.seq, hash: h.hash });
            else if (h.hash !== ZERO_HASH) problems.push(`root ${seq} names a non-empty head at position 0 of shard ${h.shard}`);
          }
        }
        prevHash = row.hash;
      }
      if (rows.length < ROOT_PAGE_ROWS) break;
      afterSeq = intFromDb(present(rows.at(-1), 'a full page has a last row').seq);
    }
    return { wanted, count, lastHash: prevHash };
  }
}

/** One transfer against its chain shard: its place, its link to the one before, its hash, and any root naming it. */
function checkChainLink(
  r: TransferRow,
  t: TransferResult,
  shards: number,
  last: ShardTail[],
  wanted: Map<number, SealedHead>,
  problems: string[],
): void {
  const shard = shardOf(t.debit, shards);
  const tail = present(last[shard], 'a tail for every shard');
  if ((t.seq - 1) % shards !== shard) problems.push(`transfer ${t.seq} is not in the chain shard of its debit account`);
  else if (globalSeq(shard, tail.seq + 1, shards) !== t.seq)
    problems.push(`transfer seq ${t.seq} where ${globalSeq(shard, tail.seq + 1, shards)} was expected in shard ${shard}`);
  if (r.prev_hash !== tail.hash) problems.push(`transfer ${t.seq} prev_hash does not match the previous transfer's hash`);
  const h = chainHash(r.prev_hash, { ...t, scope: r.scope, key: r.idem_key, batchIndex: intFromDb(r.batch_index) });
  if (h !== r.hash) problems.push(`transfer ${t.seq} hash does not verify (row altered)`);
  tail.seq += 1;
  tail.hash = r.hash;
  const sealed = wanted.get(t.seq);
  if (sealed !== undefined) {
    wanted.delete(t.seq);
    if (sealed.hash !== r.hash) problems.push(`root ${sealed.root} names a head of shard ${shard} that is not transfer ${t.seq}`);
  }
}

/** One transfer's effect on the recomputed balances: a hold, the post or void closing one, or a plain transfer. */
function recomputeBalances(t: TransferResult, recomputed: Map<string, Balance>, pendings: Map<string, Hold>, problems: string[]): void {
  const get = (id: string) => {
    let b = recomputed.get(id);
    if (!b) {
      b = { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
      recomputed.set(id, b);
    }
    return b;
  };
  const amt = BigInt(t.amount);
  const d = get(t.debit);
  const c = get(t.credit);
  if (t.flags & TransferFlags.pending) {
    d.dp += amt;
    c.cp += amt;
    pendings.set(t.id, { debit: t.debit, credit: t.credit, amount: amt, closed: false });
  } else if (t.flags & (TransferFlags.post | TransferFlags.void)) {
    const p = t.pendingId ? pendings.get(t.pendingId) : undefined;
    if (!p) {
      problems.push(`transfer ${t.seq} closes unknown hold ${t.pendingId}`);
      return;
    }
    if (p.closed) problems.push(`hold ${t.pendingId} closed twice`);
    if (p.debit !== t.debit || p.credit !== t.credit) problems.push(`transfer ${t.seq} closes hold ${t.pendingId} with other accounts`);
    p.closed = true;
    const pd = get(p.debit);
    const pc = get(p.credit);
    pd.dp -= p.amount;
    pc.cp -= p.amount;
    if (t.flags & TransferFlags.post) {
      if (amt > p.amount) problems.push(`transfer ${t.seq} posts more than its hold`);
      pd.dpo += amt;
      pc.cpo += amt;
    }
  } else {
    d.dpo += amt;
    c.cpo += amt;
  }
}

/** The stored shard heads against the last transfer of each shard, and the roots' heads no transfer matched. */
function checkHeads(headRows: readonly HeadRow[], last: readonly ShardTail[], wanted: Map<number, SealedHead>, problems: string[]): void {
  if (headRows.length === 0) problems.push('chain head row missing');
  headRows.forEach((row, shard) => {
    const tail = last[shard];
    if (tail === undefined) {
      problems.push(`chain shard ${shard} head row has no shard to check against`);
      return;
    }
    if (intFromDb(row.seq) !== tail.seq)
      problems.push(`chain shard ${shard} head seq ${String(row.seq)} but its last transfer is ${tail.seq}`);
    if (row.hash !== tail.hash) problems.push(`chain shard ${shard} head hash does not match its last transfer`);
  });
  for (const [seq, sealed] of wanted) {
    // A head at position 0 is the empty chain; anything else must be a stored transfer.
    if (!(sealed.shardSeq === 0 && sealed.hash === ZERO_HASH)) problems.push(`root ${sealed.root} names transfer ${seq}, which is missing`);
  }
}

/** One account row: its stored balance against the recomputed one, its flags, and its asset's sums. */
function checkAccount(a: AccountRow, recomputed: Map<string, Balance>, sums: Map<string, AssetSum>, problems: string[]): void {
  const dp = BigInt(intFromDb(a.debits_pending));
  const dpo = BigInt(intFromDb(a.debits_posted));
  const cp = BigInt(intFromDb(a.credits_pending));
  const cpo = BigInt(intFromDb(a.credits_posted));
  const flags = intFromDb(a.flags);
  const r = recomputed.get(a.id) ?? { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
  recomputed.delete(a.id);
  if (r.dp !== dp || r.dpo !== dpo || r.cp !== cp || r.cpo !== cpo) problems.push(`account ${a.id} balance differs from its transfers`);
  if (flags & AccountFlags.debitsMustNotExceedCredits && dp + dpo > cpo) problems.push(`account ${a.id} is overdrawn`);
  if (flags & AccountFlags.creditsMustNotExceedDebits && cp + cpo > dpo) problems.push(`account ${a.id} exceeds its credit limit`);
  const s = sums.get(a.asset) ?? { posted: 0n, dp: 0n, cp: 0n };
  s.posted += cpo - dpo;
  s.dp += dp;
  s.cp += cp;
  sums.set(a.asset, s);
}

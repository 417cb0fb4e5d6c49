// The auditor: recomputes every balance from the transfers and verifies the hash chain.
import type { Store } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { type AccountRow, chainHash, rowToResult, type TransferRow, ZERO_HASH } from './codec.ts';
import { AccountFlags, type Asset, TransferFlags } from './model.ts';
import type { InvariantReport } from './types.ts';

export class LedgerAuditor {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * The auditor's check: per asset the posted balances sum to zero and pending debits equal
   * pending credits; every account respects its flag; every stored balance equals the balance
   * recomputed from the transfers; every post/void closes a hold of the same accounts; and the
   * hash chain verifies from the first transfer to the stored head.
   */
  async checkInvariants(): Promise<InvariantReport> {
    const problems: string[] = [];
    const recomputed = new Map<string, { dp: bigint; dpo: bigint; cp: bigint; cpo: bigint }>();
    const get = (id: string) => {
      let b = recomputed.get(id);
      if (!b) {
        b = { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
        recomputed.set(id, b);
      }
      return b;
    };
    const pendings = new Map<string, { debit: string; credit: string; amount: bigint; closed: boolean }>();
    let prevHash = ZERO_HASH;
    let expectSeq = 1;
    let transfers = 0;
    const pageRows = 5000;
    for (let afterSeq = 0; ; ) {
      const rows = await this.#store.reader.query<TransferRow>('SELECT * FROM ledger_transfers WHERE seq > ? ORDER BY seq LIMIT ?', [
        afterSeq,
        pageRows,
      ]);
      for (const r of rows) {
        const t = rowToResult(r);
        transfers += 1;
        if (t.seq !== expectSeq) problems.push(`transfer seq ${t.seq} where ${expectSeq} was expected`);
        expectSeq = t.seq + 1;
        if (r.prev_hash !== prevHash) problems.push(`transfer ${t.seq} prev_hash does not match the previous transfer's hash`);
        const h = chainHash(r.prev_hash, { ...t, scope: r.scope, key: r.idem_key, batchIndex: intFromDb(r.batch_index) });
        if (h !== r.hash) problems.push(`transfer ${t.seq} hash does not verify (row altered)`);
        prevHash = r.hash;
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
            continue;
          }
          if (p.closed) problems.push(`hold ${t.pendingId} closed twice`);
          if (p.debit !== t.debit || p.credit !== t.credit)
            problems.push(`transfer ${t.seq} closes hold ${t.pendingId} with other accounts`);
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
      if (rows.length < pageRows) break;
      afterSeq = intFromDb(rows[rows.length - 1]!.seq);
    }
    const chain = (await this.#store.reader.query<{ seq: unknown; hash: string }>('SELECT seq, hash FROM ledger_chain WHERE id = 1'))[0];
    if (!chain) problems.push('chain head row missing');
    else {
      if (intFromDb(chain.seq) !== expectSeq - 1)
        problems.push(`chain head seq ${String(chain.seq)} but last transfer is ${expectSeq - 1}`);
      if (chain.hash !== prevHash) problems.push('chain head hash does not match the last transfer');
    }
    const sums = new Map<string, { posted: bigint; dp: bigint; cp: bigint }>();
    let accounts = 0;
    for (let afterId = ''; ; ) {
      const rows = await this.#store.reader.query<AccountRow>(
        'SELECT id, asset, flags, debits_pending, debits_posted, credits_pending, credits_posted FROM ledger_accounts WHERE id > ? ORDER BY id LIMIT ?',
        [afterId, pageRows],
      );
      for (const a of rows) {
        accounts += 1;
        const dp = BigInt(intFromDb(a.debits_pending));
        const dpo = BigInt(intFromDb(a.debits_posted));
        const cp = BigInt(intFromDb(a.credits_pending));
        const cpo = BigInt(intFromDb(a.credits_posted));
        const flags = intFromDb(a.flags);
        const r = recomputed.get(a.id) ?? { dp: 0n, dpo: 0n, cp: 0n, cpo: 0n };
        recomputed.delete(a.id);
        if (r.dp !== dp || r.dpo !== dpo || r.cp !== cp || r.cpo !== cpo)
          problems.push(`account ${a.id} balance differs from its transfers`);
        if (flags & AccountFlags.debitsMustNotExceedCredits && dp + dpo > cpo) problems.push(`account ${a.id} is overdrawn`);
        if (flags & AccountFlags.creditsMustNotExceedDebits && cp + cpo > dpo) problems.push(`account ${a.id} exceeds its credit limit`);
        const s = sums.get(a.asset) ?? { posted: 0n, dp: 0n, cp: 0n };
        s.posted += cpo - dpo;
        s.dp += dp;
        s.cp += cp;
        sums.set(a.asset, s);
      }
      if (rows.length < pageRows) break;
      afterId = rows[rows.length - 1]!.id;
    }
    for (const id of recomputed.keys()) problems.push(`transfers reference account ${id} that has no row`);
    for (const [asset, s] of sums) {
      if (s.posted !== 0n) problems.push(`asset ${asset} posted balances sum to ${s.posted}, not 0`);
      if (s.dp !== s.cp) problems.push(`asset ${asset} pending debits ${s.dp} differ from pending credits ${s.cp}`);
    }
    return {
      ok: problems.length === 0,
      problems,
      accounts,
      transfers,
      assets: [...sums].map(([asset, s]) => ({
        asset: asset as Asset,
        postedSum: String(s.posted),
        pendingDebits: String(s.dp),
        pendingCredits: String(s.cp),
      })),
      chainSeq: chain ? intFromDb(chain.seq) : 0,
      chainHash: chain?.hash ?? '',
    };
  }
}

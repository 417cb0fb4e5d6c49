// The console's view of the ledger beside the invariant check: the platform's own accounts (what
// is held in clearing, in flight, as revenue, …) and the newest transfers of the whole ledger.
import { type Ledger, SYSTEM_ACCOUNTS } from '../ledger/index.ts';
import { LEDGER_RECENT_TRANSFERS_MAX } from './limits.ts';
import type { TransferTables } from './ports.ts';

export interface LedgerOverview {
  readonly system: {
    accountId: string;
    owner: string;
    asset: string;
    postedFen: number;
    pendingDebitsFen: number;
    pendingCreditsFen: number;
  }[];
  readonly recent: {
    seq: number;
    id: string;
    debitAccount: string;
    creditAccount: string;
    asset: string;
    amount: number;
    code: string;
    kind: string;
    createdAtMs: number;
  }[];
}

export async function ledgerOverview(ledger: Ledger, transfers: TransferTables, limit: number): Promise<LedgerOverview> {
  const system: LedgerOverview['system'] = [];
  for (const name of SYSTEM_ACCOUNTS) {
    for (const b of await ledger.balances('system', name)) {
      system.push({
        accountId: b.accountId,
        owner: name,
        asset: b.asset,
        postedFen: b.postedFen,
        pendingDebitsFen: b.pendingDebitsFen,
        pendingCreditsFen: b.pendingCreditsFen,
      });
    }
  }
  const n = Math.min(Math.max(Math.trunc(limit), 1), LEDGER_RECENT_TRANSFERS_MAX);
  const recent = (await transfers.newest(n)).map((r) => ({
    seq: r.seq,
    id: r.id,
    debitAccount: r.debitAccount,
    creditAccount: r.creditAccount,
    asset: r.asset,
    amount: r.amount,
    code: r.code,
    kind: r.kind,
    createdAtMs: r.createdAtMs,
  }));
  return { system, recent };
}

// The console's view of the ledger beside the invariant check: the platform's own accounts (what
// is held in clearing, in flight, as revenue, …) and the newest transfers of the whole ledger.
import { type Ledger, SYSTEM_ACCOUNTS } from '../ledger/index.ts';
import type { Reader } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { LEDGER_RECENT_TRANSFERS_MAX } from './limits.ts';

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

export async function ledgerOverview(ledger: Ledger, reader: Reader, limit: number): Promise<LedgerOverview> {
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
  const rows = await reader.query<{
    seq: unknown;
    id: string;
    debit_account: string;
    credit_account: string;
    asset: string;
    amount: unknown;
    code: string;
    flags: unknown;
    created_at_ms: unknown;
  }>(
    'SELECT seq, id, debit_account, credit_account, asset, amount, code, flags, created_at_ms FROM ledger_transfers ORDER BY seq DESC LIMIT ?',
    [n],
  );
  const recent = rows.map((r) => {
    const flags = intFromDb(r.flags);
    return {
      seq: intFromDb(r.seq),
      id: r.id,
      debitAccount: r.debit_account,
      creditAccount: r.credit_account,
      asset: r.asset,
      amount: intFromDb(r.amount),
      code: r.code,
      kind: flags & 1 ? 'pending' : flags & 2 ? 'post' : flags & 8 ? 'expired' : flags & 4 ? 'void' : 'posted',
      createdAtMs: intFromDb(r.created_at_ms),
    };
  });
  return { system, recent };
}

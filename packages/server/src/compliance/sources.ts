// Compliance's fact sources over the other domains' public surfaces: the accounts domain's
// real-name records (age, issuing country) and the ledger's history (deposits and withdrawals).
import type { Kyc } from '../accounts/index.ts';
import type { Ledger } from '../ledger/index.ts';
import { SPENDING_PAGES_MAX } from './limits.ts';
import type { IdentitySource, SpendingSource } from './ports.ts';
import type { Totals } from './rules.ts';

/**
 * Every identity the accounts domain verifies is a PRC resident identity card. A real name only a
 * platform verified (WeChat mini-games) comes without a birth date or an issuing country.
 */
export function kycIdentity(kyc: Pick<Kyc, 'facts'>): IdentitySource {
  return {
    async identityOf(playerId) {
      const f = await kyc.facts(playerId);
      return { verified: f.verified, birthDate: f.birthDate, country: f.birthDate === null ? null : 'CN', pending: f.pending };
    },
  };
}

const PAGE = 200;

/**
 * Sums a player's CNY deposits (posted credits) and withdrawals (holds that are open or posted,
 * and direct debits) since the local month start, and the part since the local day start.
 * Reads at most SPENDING_PAGES_MAX pages; a player beyond that is treated as over every limit.
 */
export function ledgerSpending(ledger: Pick<Ledger, 'history'>): SpendingSource {
  const sum = async (playerId: string, code: 'deposit' | 'withdrawal', since: { dayStartMs: number; monthStartMs: number }) => {
    let dayFen = 0;
    let monthFen = 0;
    let cursor: string | undefined;
    for (let page = 0; page < SPENDING_PAGES_MAX; page++) {
      const r = await ledger.history({
        ownerKind: 'player',
        ownerId: playerId,
        asset: 'CNY',
        code,
        fromMs: since.monthStartMs,
        limit: PAGE,
        ...(cursor !== undefined ? { cursor } : {}),
      });
      for (const item of r.items) {
        const counts =
          code === 'deposit'
            ? // A deposit that arrived over a limit was sent back at once: it does not count.
              item.direction === 'in' && item.kind === 'posted' && item.metadata?.overLimit !== true
            : item.direction === 'out' &&
              (item.kind === 'posted' || (item.kind === 'pending' && (item.pendingState === 'open' || item.pendingState === 'posted')));
        if (!counts || item.createdAtMs < since.monthStartMs) continue;
        monthFen += item.amount;
        if (item.createdAtMs >= since.dayStartMs) dayFen += item.amount;
      }
      if (r.nextCursor === null) return { dayFen, monthFen };
      cursor = r.nextCursor;
    }
    return { dayFen: Number.MAX_SAFE_INTEGER, monthFen: Number.MAX_SAFE_INTEGER };
  };
  return {
    async totals(playerId, since): Promise<Totals> {
      const [d, w] = await Promise.all([sum(playerId, 'deposit', since), sum(playerId, 'withdrawal', since)]);
      return { depositsDayFen: d.dayFen, depositsMonthFen: d.monthFen, withdrawalsDayFen: w.dayFen, withdrawalsMonthFen: w.monthFen };
    },
  };
}

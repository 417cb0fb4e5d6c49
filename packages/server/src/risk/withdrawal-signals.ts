// The money signals of a withdrawal request: deposits never played, withdrawals just under the
// per-transaction limit, withdrawal velocity and payout addresses shared between players; gathered
// from the ledger and the past requests, and recorded as signals before the request is scored.
import type { HistoryItem } from '../ledger/index.ts';
import { intFromDb } from '../storage/sql.ts';
import { PLAY_CODES, type RiskOptions, type RiskParts } from './model.ts';

export interface WithdrawalRequest {
  readonly playerId: string;
  readonly amountFen: number;
  readonly nowMs: number;
}

export interface WithdrawalSignals {
  readonly depositsFen: number;
  readonly playedFen: number;
  readonly address: string | null;
  /** Withdrawals (this one included) in the structuring window at or just under the per-transaction limit, and that line. */
  readonly near: number;
  readonly nearFen: number;
  /** Withdrawals (this one included) in the velocity window. */
  readonly lastDay: number;
  /** Other players who withdrew to the same payout address in its window. */
  readonly sharers: readonly { player_id: string }[];
  readonly notPlayedPermille: number;
}

export async function gatherWithdrawalSignals(o: RiskOptions, input: WithdrawalRequest): Promise<WithdrawalSignals> {
  const cfg = o.config;
  const w = cfg.withdrawal;
  const history = await ledgerHistory(o, input.playerId, input.nowMs - w.lookbackMs);
  const deposits = history
    .filter((i) => i.code === 'deposit' && i.direction === 'in' && i.kind === 'posted')
    .reduce((t, i) => t + i.amount, 0);
  const played = history
    .filter((i) => PLAY_CODES.has(i.code) && i.direction === 'out' && (i.kind === 'posted' || i.kind === 'pending'))
    .reduce((t, i) => t + i.amount, 0);
  const address = o.addressOf(input.playerId);
  const recent = await o.store.reader.query<{ amount_fen: unknown; at_ms: unknown }>(
    "SELECT amount_fen, at_ms FROM risk_withdrawals WHERE player_id = ? AND at_ms >= ? AND decision <> 'deny'",
    [input.playerId, input.nowMs - cfg.signals.structuring.windowMs],
  );
  const nearFen = Math.floor((w.perTransactionFenMax * w.nearLimitPermille) / 1000);
  const near =
    recent.filter((r) => intFromDb(r.amount_fen) >= nearFen && intFromDb(r.amount_fen) <= w.perTransactionFenMax).length +
    (input.amountFen >= nearFen && input.amountFen <= w.perTransactionFenMax ? 1 : 0);
  const lastDay = recent.filter((r) => intFromDb(r.at_ms) >= input.nowMs - cfg.signals.withdrawal_velocity.windowMs).length + 1;
  const sharers =
    address === null
      ? []
      : await o.store.reader.query<{ player_id: string }>(
          'SELECT DISTINCT player_id FROM risk_withdrawals WHERE address = ? AND at_ms >= ? AND player_id <> ?',
          [address, input.nowMs - cfg.signals.shared_payout_address.windowMs, input.playerId],
        );
  const notPlayedPermille = deposits > 0 ? Math.max(0, Math.round(((deposits - played) * 1000) / deposits)) : 0;
  return { depositsFen: deposits, playedFen: played, address, near, nearFen, lastDay, sharers, notPlayedPermille };
}

/** The four signals of one request, in one unit, under the subject `withdrawal_request`. */
export async function recordWithdrawalSignals(o: RiskOptions, p: RiskParts, input: WithdrawalRequest, s: WithdrawalSignals): Promise<void> {
  const { depositsFen: deposits, playedFen: played, address, near, nearFen, lastDay, sharers, notPlayedPermille } = s;
  await o.store.unitOfWork(
    async (tx) => {
      const subject = { kind: 'withdrawal_request', id: `${input.playerId}:${input.nowMs}` };
      await p.signals.recordSignal(tx, {
        playerId: input.playerId,
        kind: 'deposit_withdraw_no_play',
        value: notPlayedPermille,
        subject,
        evidence: { depositsFen: deposits, playedFen: played },
      });
      await p.signals.recordSignal(tx, {
        playerId: input.playerId,
        kind: 'structuring',
        value: near,
        subject,
        evidence: { nearLimitFen: nearFen, count: near },
      });
      await p.signals.recordSignal(tx, {
        playerId: input.playerId,
        kind: 'withdrawal_velocity',
        value: lastDay,
        subject,
        evidence: { lastDay },
      });
      await p.signals.recordSignal(tx, {
        playerId: input.playerId,
        kind: 'shared_payout_address',
        value: sharers.length + 1,
        subject,
        evidence: { address, players: sharers.map((s) => s.player_id).slice(0, 20) },
      });
    },
    { label: 'risk.withdrawalSignals' },
  );
}

async function ledgerHistory(o: RiskOptions, playerId: string, fromMs: number): Promise<HistoryItem[]> {
  const out: HistoryItem[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < 20; page++) {
    const r = await o.ledger.history({
      ownerKind: 'player',
      ownerId: playerId,
      asset: 'CNY',
      fromMs,
      limit: 200,
      ...(cursor ? { cursor } : {}),
    });
    out.push(...r.items);
    if (r.nextCursor === null) break;
    cursor = r.nextCursor;
  }
  return out;
}

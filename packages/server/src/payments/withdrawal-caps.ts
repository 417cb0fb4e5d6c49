// What a player has withdrawn since a moment — the figure every withdrawal cap is checked against —
// and the caps checked again inside the creating transaction, where no other withdrawal can slip in.
import { AppError } from '@fairground/core';
import type { Reader, Tx } from '../storage/ports.ts';
import { intFromDb } from '../storage/sql.ts';
import { beijingDayStartMs, type PaymentsSettings } from './context.ts';
import { PaymentsErrors } from './errors.ts';
import { complianceRefusal, firstBroken } from './player-limits.ts';
import type { PlayerLimits } from './ports.ts';

/** Sum and count of the player's withdrawals created since `sinceMs`, leaving out refused, failed and cancelled ones. */
export async function withdrawnSince(reader: Reader, playerId: string, sinceMs: number): Promise<{ sumFen: number; count: number }> {
  const rows = await reader.query<{ s: unknown; n: unknown }>(
    `SELECT COALESCE(SUM(amount_fen), 0) AS s, COUNT(*) AS n FROM payment_withdrawals WHERE player_id = ? AND created_at_ms >= ? AND state NOT IN ('rejected', 'failed', 'cancelled')`,
    [playerId, sinceMs],
  );
  return { sumFen: intFromDb(rows[0]?.s ?? 0), count: intFromDb(rows[0]?.n ?? 0) };
}

/**
 * The daily caps and the policy's own limits (its day and month), inside the transaction that
 * creates the withdrawal, after its hold: the hold took the ledger's chain-head lock, which every
 * ledger writer in every process takes first, so the withdrawals counted here include every one
 * committed before ours and none can slip in beside it. (The check before the transaction gives
 * the early, friendly answer.)
 */
export async function checkCapsInTx(
  tx: Tx,
  s: PaymentsSettings,
  policyLimits: PlayerLimits,
  input: { readonly playerId: string; readonly amountFen: number },
): Promise<void> {
  const today = await withdrawnSince(tx, input.playerId, beijingDayStartMs(tx.nowMs));
  if (today.count >= s.withdrawalDailyCountMax) {
    throw new AppError(PaymentsErrors.PAYMENT_DAILY_COUNT_REACHED, { dailyCountMax: s.withdrawalDailyCountMax });
  }
  if (today.sumFen + input.amountFen > s.withdrawalDailyMaxFen) {
    throw new AppError(PaymentsErrors.PAYMENT_DAILY_LIMIT_REACHED, {
      dailyMaxFen: s.withdrawalDailyMaxFen,
      usedTodayFen: today.sumFen,
    });
  }
  const broken = await firstBroken(
    policyLimits.limits,
    input.amountFen,
    async (sinceMs) => (await withdrawnSince(tx, input.playerId, sinceMs)).sumFen,
  );
  if (broken !== null) throw complianceRefusal('withdraw', broken, policyLimits.policy);
}

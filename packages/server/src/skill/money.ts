// Escrow for paid skill games. Each match and each tournament has its own ledger account
// (`match:<id>:CNY`, `tournament:<id>:CNY`, no overdraft), so the money of one game can never pay
// another's prizes and every closed game's account returns to zero. An entry fee is a hold
// (pending transfer) from the player's wallet to that account when the player starts; settling
// posts the holds and pays prizes and the rake out of the account, all in the unit of work that
// closes the game; a refund voids the holds.
import { applyBps, FEN_BOUNDS_NON_NEGATIVE, present, toBps, toFen } from '@fairground/core';
import { accountId, type Ledger, playerAccount, systemAccount } from '../ledger/index.ts';
import type { Tx } from '../storage/ports.ts';
import { PAYOUT_BATCH_MAX } from './limits.ts';

export type EscrowKind = 'match' | 'tournament';

export function escrowAccount(kind: EscrowKind, id: string): string {
  return accountId(kind, id, 'CNY');
}

function scopeOf(kind: EscrowKind): string {
  return `skill.${kind}`;
}

export async function openEscrow(ledger: Ledger, tx: Tx, kind: EscrowKind, id: string): Promise<void> {
  await ledger.openAccount(tx, escrowAccount(kind, id));
}

/** Holds a player's entry fee; returns the hold's transfer id. Fails with LEDGER_INSUFFICIENT_FUNDS. */
export async function holdEntryFee(
  ledger: Ledger,
  tx: Tx,
  kind: EscrowKind,
  id: string,
  playerId: string,
  amountFen: number,
): Promise<string> {
  const r = await ledger.transfer(tx, {
    scope: scopeOf(kind),
    key: `${id}:hold:${playerId}`,
    debit: playerAccount(playerId, 'CNY'),
    credit: escrowAccount(kind, id),
    asset: 'CNY',
    amount: amountFen,
    code: 'entry_fee',
    pending: {},
    metadata: { [`${kind}Id`]: id },
  });
  return present(r.transfers[0], 'a one-transfer batch returns its transfer').id;
}

export async function postEntryFee(ledger: Ledger, tx: Tx, kind: EscrowKind, id: string, playerId: string, holdId: string): Promise<void> {
  await ledger.post(tx, { scope: scopeOf(kind), key: `${id}:post:${playerId}`, pendingId: holdId });
}

export async function refundEntryFee(
  ledger: Ledger,
  tx: Tx,
  kind: EscrowKind,
  id: string,
  playerId: string,
  holdId: string,
): Promise<void> {
  await ledger.void(tx, { scope: scopeOf(kind), key: `${id}:void:${playerId}`, pendingId: holdId });
}

/** The platform's rake on a pool (the core rounding rule: floor; the remainder stays in the prizes). */
export function rakeOf(poolFen: number, rakeBps: number): number {
  return applyBps(toFen(poolFen, FEN_BOUNDS_NON_NEGATIVE), toBps(rakeBps));
}

/**
 * Pays prizes and the rake out of a game's escrow as linked batches (all in the caller's unit).
 * The amounts must add up to what the escrow holds after the fees are posted.
 */
export async function payOut(
  ledger: Ledger,
  tx: Tx,
  kind: EscrowKind,
  id: string,
  prizes: readonly { playerId: string; amountFen: number }[],
  rakeFen: number,
): Promise<void> {
  const from = escrowAccount(kind, id);
  const transfers = [
    ...prizes
      .filter((p) => p.amountFen > 0)
      .map((p) => ({
        debit: from,
        credit: playerAccount(p.playerId, 'CNY'),
        asset: 'CNY' as const,
        amount: p.amountFen,
        code: 'prize' as const,
        metadata: { [`${kind}Id`]: id },
      })),
    ...(rakeFen > 0
      ? [
          {
            debit: from,
            credit: systemAccount('revenue', 'CNY'),
            asset: 'CNY' as const,
            amount: rakeFen,
            code: 'rake' as const,
            metadata: { [`${kind}Id`]: id },
          },
        ]
      : []),
  ];
  for (let i = 0; i < transfers.length; i += PAYOUT_BATCH_MAX) {
    await ledger.batch(tx, {
      scope: scopeOf(kind),
      key: `${id}:payout:${i / PAYOUT_BATCH_MAX}`,
      transfers: transfers.slice(i, i + PAYOUT_BATCH_MAX),
    });
  }
}

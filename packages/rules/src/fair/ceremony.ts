// The client-seed ceremony of one deal, as a pure reducer over plain JSON data:
//   1. 'committing': the server's commitment is already fixed (it opens the ceremony); seated
//      players may submit SHA-256 commitments to their client seeds.
//   2. 'revealing': commitments are closed; players reveal seeds, each checked against its
//      commitment. Nobody can pick a seed after seeing another, because all were committed first.
//   3. 'locked': before the deal; the room's client seed is fixed from the closed commitments
//      (`combineCommitments`), never from the reveals: a reveal that never arrives — withheld by
//      the player, or dropped by whoever controls delivery — changes nothing, so nobody can choose
//      between decks by deciding which reveals count. Reveals prove each seat's commitment.
import { AppError } from '@fairground/core';
import { fail, ok, type RulesResult } from '../result.ts';
import { FairErrors } from './errors.ts';
import { CEREMONY_SEATS_MAX, clientSeedCommitment, combineCommitments, isCommitment, isPlayerClientSeed, type SeatSeed } from './seeds.ts';

export type CeremonyPhase = 'committing' | 'revealing' | 'locked';

export interface SeedCeremony {
  readonly serverCommitment: string;
  readonly phase: CeremonyPhase;
  readonly commitments: readonly { readonly seat: number; readonly commitment: string }[];
  readonly reveals: readonly SeatSeed[];
  // Set when locked: the client seed the hand's byte stream uses (from the commitments).
  readonly clientSeed: string | null;
}

export function openSeedCeremony(serverCommitment: string): RulesResult<SeedCeremony> {
  if (!isCommitment(serverCommitment)) return fail(new AppError(FairErrors.FAIR_COMMITMENT_INVALID));
  return ok({ serverCommitment, phase: 'committing', commitments: [], reveals: [], clientSeed: null });
}

function phaseError(c: SeedCeremony, needed: CeremonyPhase): AppError {
  return new AppError(FairErrors.FAIR_CEREMONY_PHASE, { phase: c.phase, needed });
}

export function commitClientSeed(c: SeedCeremony, seat: number, commitment: string): RulesResult<SeedCeremony> {
  if (c.phase !== 'committing') return fail(phaseError(c, 'committing'));
  if (!Number.isSafeInteger(seat) || seat < 0)
    return fail(new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'seat must be a non-negative integer' }));
  if (!isCommitment(commitment)) return fail(new AppError(FairErrors.FAIR_COMMITMENT_INVALID, { seat }));
  if (c.commitments.some((x) => x.seat === seat)) return fail(new AppError(FairErrors.FAIR_SEAT_ALREADY_COMMITTED, { seat }));
  if (c.commitments.length >= CEREMONY_SEATS_MAX)
    return fail(new AppError(FairErrors.FAIR_TOO_MANY_SEATS, { seatsMax: CEREMONY_SEATS_MAX }));
  return ok({ ...c, commitments: [...c.commitments, { seat, commitment }] });
}

export function closeCommitments(c: SeedCeremony): RulesResult<SeedCeremony> {
  if (c.phase !== 'committing') return fail(phaseError(c, 'committing'));
  return ok({ ...c, phase: 'revealing' });
}

export function revealClientSeed(c: SeedCeremony, seat: number, seed: string): RulesResult<SeedCeremony> {
  if (c.phase !== 'revealing') return fail(phaseError(c, 'revealing'));
  const committed = c.commitments.find((x) => x.seat === seat);
  if (committed === undefined) return fail(new AppError(FairErrors.FAIR_SEAT_NOT_COMMITTED, { seat }));
  if (c.reveals.some((x) => x.seat === seat)) return fail(new AppError(FairErrors.FAIR_SEAT_ALREADY_REVEALED, { seat }));
  if (!isPlayerClientSeed(seed))
    return fail(new AppError(FairErrors.FAIR_SEED_INVALID, { seat, reason: 'client seed must be 1..64 of [A-Za-z0-9_-]' }));
  if (clientSeedCommitment(seed) !== committed.commitment) return fail(new AppError(FairErrors.FAIR_REVEAL_MISMATCH, { seat }));
  return ok({ ...c, reveals: [...c.reveals, { seat, seed }] });
}

// Locks the ceremony (from 'committing' with no commitments, or from 'revealing') and fixes the
// client seed from the commitments, whichever reveals came.
export function lockSeedCeremony(c: SeedCeremony): RulesResult<SeedCeremony> {
  if (c.phase === 'locked' || (c.phase === 'committing' && c.commitments.length > 0)) return fail(phaseError(c, 'revealing'));
  return ok({ ...c, phase: 'locked', clientSeed: combineCommitments(c.commitments) });
}

// The fairness page's checks of a hand's client seed and of what this device kept before the deal.
//
// The deal is made from the server seed and the client seed; the client seed is SHA-256 of the
// closed client commitments in seat order (records of version 2; version 1 hands were made from
// the revealed seeds). Each revealed seed must match its seat's commitment. What the server
// stores can be rewritten by whoever runs it, so the page also compares the record with what this
// client received before the deal and kept (rooms/kept-commitments.ts): the server seed's
// commitment, the closed commitments, and its own commitment among them.
import {
  clientSeedCommitment,
  combineClientSeeds,
  combineCommitments,
  type SeatCommitment,
  type SeatSeed,
  verifyServerSeed,
} from '@fairground/rules';
import { type KeptHand, keptHand } from './rooms/kept-commitments.ts';

export interface HandSeeds {
  readonly v?: number;
  readonly handNumber: number;
  readonly serverCommitment: string;
  readonly serverSeed: string;
  readonly clientSeed: string;
  readonly clientSeeds: readonly SeatSeed[];
  readonly clientCommitments?: readonly SeatCommitment[];
}

/** The client seed is the one the closed commitments (or, for version 1, the reveals) give, and every reveal matches its commitment. */
export function clientSeedOk(r: HandSeeds): boolean {
  try {
    if (r.v !== 2) return combineClientSeeds(r.clientSeeds) === r.clientSeed;
    const commitments = r.clientCommitments ?? [];
    if (combineCommitments(commitments) !== r.clientSeed) return false;
    return r.clientSeeds.every((s) => commitments.some((c) => c.seat === s.seat && c.commitment === clientSeedCommitment(s.seed)));
  } catch {
    return false;
  }
}

const sameCommitments = (a: readonly SeatCommitment[], b: readonly SeatCommitment[]) =>
  JSON.stringify([...a].sort((x, y) => x.seat - y.seat).map((c) => [c.seat, c.commitment])) ===
  JSON.stringify([...b].sort((x, y) => x.seat - y.seat).map((c) => [c.seat, c.commitment]));

/**
 * Against what this device kept: null when it kept nothing for the hand (another device, or the
 * player was not at the table); else whether the revealed seed matches the commitment this client
 * received, and the record's commitments are the ones it saw close (its own among them).
 */
export function keptOk(roomId: string, r: HandSeeds, kept: KeptHand | null = keptHand(roomId, r.handNumber)): boolean | null {
  if (kept === null) return null;
  if (kept.serverCommitment !== r.serverCommitment || !verifyServerSeed(r.serverSeed, kept.serverCommitment)) return false;
  const recorded = r.clientCommitments ?? [];
  if (kept.commitments !== null && r.v === 2 && !sameCommitments(kept.commitments, recorded)) return false;
  if (kept.mine !== null && r.v === 2 && !recorded.some((c) => c.seat === kept.mine?.seat && c.commitment === kept.mine.commitment))
    return false;
  return true;
}

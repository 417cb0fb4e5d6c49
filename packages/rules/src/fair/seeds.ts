// Seeds and commitments. The server commits to its seed by publishing SHA-256 of the seed's
// bytes; each seated player may commit to a client seed (SHA-256 of its UTF-8 bytes) and later
// reveal it. The room's client seed is the SHA-256 (lowercase hex) of the closed set of
// commitments joined by ":" in ascending seat order (`combineCommitments`): the deal depends only
// on what was committed before the commitments closed, so withholding a reveal — by a player, or
// by whoever carries the reveal to the server — cannot choose between decks. Client seeds are
// 1..64 characters of [A-Za-z0-9_-] and commitments 64 hex digits, so ":" cannot occur inside one
// and the joined string is unambiguous.
import { AppError } from '@fairground/core';
import { bytesToHex, hexToBytes, utf8Bytes } from './bytes.ts';
import { FairErrors } from './errors.ts';
import { sha256 } from './sha256.ts';
import { checkServerSeed } from './stream.ts';

const PLAYER_SEED_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;
const COMMITMENT_PATTERN = /^[0-9a-f]{64}$/;
// Seats in one ceremony: far above any table (8) and bounds the work of combining.
export const CEREMONY_SEATS_MAX = 64;

export function isCommitment(value: unknown): value is string {
  return typeof value === 'string' && COMMITMENT_PATTERN.test(value);
}

export function isPlayerClientSeed(value: unknown): value is string {
  return typeof value === 'string' && PLAYER_SEED_PATTERN.test(value);
}

// The public commitment to a server seed: lowercase hex SHA-256 of its bytes.
export function serverSeedCommitment(serverSeed: Uint8Array): string {
  checkServerSeed(serverSeed);
  return bytesToHex(sha256(serverSeed));
}

// True when the revealed server seed (bytes, or hex as published) matches the commitment.
export function verifyServerSeed(serverSeed: Uint8Array | string, commitment: string): boolean {
  const bytes = typeof serverSeed === 'string' ? hexToBytes(serverSeed) : serverSeed;
  if (bytes === null || bytes.length === 0 || !isCommitment(commitment)) return false;
  return bytesToHex(sha256(bytes)) === commitment;
}

// A player's commitment to a client seed: lowercase hex SHA-256 of its UTF-8 bytes.
export function clientSeedCommitment(seed: string): string {
  if (!isPlayerClientSeed(seed)) throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'client seed must be 1..64 of [A-Za-z0-9_-]' });
  return bytesToHex(sha256(utf8Bytes(seed)));
}

export interface SeatSeed {
  readonly seat: number;
  readonly seed: string;
}

// The room's client seed from the revealed seeds: SHA-256 hex of the seeds in ascending seat
// order joined by ":". No seeds gives SHA-256 of the empty string.
export function combineClientSeeds(reveals: readonly SeatSeed[]): string {
  if (reveals.length > CEREMONY_SEATS_MAX) throw new AppError(FairErrors.FAIR_TOO_MANY_SEATS, { seatsMax: CEREMONY_SEATS_MAX });
  const sorted = [...reveals].sort((a, b) => a.seat - b.seat);
  for (let i = 0; i < sorted.length; i++) {
    const r = sorted[i]!;
    if (!Number.isSafeInteger(r.seat) || r.seat < 0)
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'seat must be a non-negative integer' });
    if (i > 0 && sorted[i - 1]!.seat === r.seat)
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: `seat ${r.seat} appears twice` });
    if (!isPlayerClientSeed(r.seed)) throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: `seed of seat ${r.seat} is malformed` });
  }
  return bytesToHex(sha256(utf8Bytes(sorted.map((r) => r.seed).join(':'))));
}

export interface SeatCommitment {
  readonly seat: number;
  readonly commitment: string;
}

// The room's client seed from the closed commitments: SHA-256 hex of the commitments in ascending
// seat order joined by ":". No commitment gives SHA-256 of the empty string (a seat that did not
// commit contributes nothing, and that is fixed when the commitments close, before the deal).
export function combineCommitments(commitments: readonly SeatCommitment[]): string {
  if (commitments.length > CEREMONY_SEATS_MAX) throw new AppError(FairErrors.FAIR_TOO_MANY_SEATS, { seatsMax: CEREMONY_SEATS_MAX });
  const sorted = [...commitments].sort((a, b) => a.seat - b.seat);
  for (let i = 0; i < sorted.length; i++) {
    const c = sorted[i]!;
    if (!Number.isSafeInteger(c.seat) || c.seat < 0)
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'seat must be a non-negative integer' });
    if (i > 0 && sorted[i - 1]!.seat === c.seat)
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: `seat ${c.seat} appears twice` });
    if (!isCommitment(c.commitment)) throw new AppError(FairErrors.FAIR_COMMITMENT_INVALID, { seat: c.seat });
  }
  return bytesToHex(sha256(utf8Bytes(sorted.map((c) => c.commitment).join(':'))));
}

// Seeds and the command-log digest. The seed is 32 bytes from the CSPRNG; players see only its
// SHA-256 commitment until the game it belongs to is over. The log digest is a SHA-256 chain over
// the accepted commands in order, stored with the session: an edit to the stored log (a changed
// move or timestamp, an inserted or deleted command) no longer matches it.
import { createHash, randomBytes } from 'node:crypto';
import type { PuzzleCommand } from '@fairground/rules';
import { SERVER_SEED_BYTES, serverSeedCommitment } from '@fairground/rules';

export const LOG_DIGEST_START = '0'.repeat(64);

export function newSeed(): { seedHex: string; commitment: string } {
  const seed = randomBytes(SERVER_SEED_BYTES);
  return { seedHex: seed.toString('hex'), commitment: serverSeedCommitment(new Uint8Array(seed)) };
}

export function seedBytes(seedHex: string): Uint8Array {
  return new Uint8Array(Buffer.from(seedHex, 'hex'));
}

export function chainDigest(previous: string, c: PuzzleCommand): string {
  return createHash('sha256').update(`${previous}|${c.seq}:${c.atMs}:${c.move.from}:${c.move.to}`).digest('hex');
}

export function logDigest(commands: readonly PuzzleCommand[]): string {
  let d = LOG_DIGEST_START;
  for (const c of commands) d = chainDigest(d, c);
  return d;
}

// Seeds and the command-log digest. The seed is 32 bytes from the CSPRNG; players see only its
// SHA-256 commitment until the game it belongs to is over. The log digest is SHA-256 over a
// version line and one line `seq:atMs:from:to` per accepted command, in order, stored with the
// session as the commands are accepted: an edit to the stored log (a changed move or timestamp,
// an inserted or deleted command) no longer matches it. The server keeps the hash running, so
// each batch costs only its own lines.
import { createHash, type Hash, randomBytes } from 'node:crypto';
import type { SkillCommand } from '@fairground/rules';
import { SERVER_SEED_BYTES, serverSeedCommitment } from '@fairground/rules';

const LOG_VERSION_LINE = 'fairground-skill-log:v1\n';

export function newSeed(): { seedHex: string; commitment: string } {
  const seed = randomBytes(SERVER_SEED_BYTES);
  return { seedHex: seed.toString('hex'), commitment: serverSeedCommitment(new Uint8Array(seed)) };
}

export function seedBytes(seedHex: string): Uint8Array {
  return new Uint8Array(Buffer.from(seedHex, 'hex'));
}

function lines(commands: readonly SkillCommand[]): string {
  let text = '';
  for (const c of commands) text += `${c.seq}:${c.atMs}:${c.move.from}:${c.move.to}\n`;
  return text;
}

/** A running digest of a log (feed it accepted commands with `update(lines)`; read it with `copy().digest('hex')`). */
export function logHasher(commands: readonly SkillCommand[] = []): Hash {
  return createHash('sha256').update(LOG_VERSION_LINE + lines(commands));
}

export function extendLog(hasher: Hash, commands: readonly SkillCommand[]): string {
  hasher.update(lines(commands));
  return hasher.copy().digest('hex');
}

export function logDigest(commands: readonly SkillCommand[]): string {
  return logHasher(commands).digest('hex');
}

export const LOG_DIGEST_START = logDigest([]);

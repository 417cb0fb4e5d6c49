// Operator passwords: scrypt (RFC 7914) from node:crypto, parameters stored with each hash so they
// can be raised later without invalidating existing ones.
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';
import { assert } from '@fairground/core';

/** N = 2^15, r = 8, p = 1: about 32 MiB and tens of milliseconds per check (OWASP's scrypt baseline). */
const LOG2_N = 15;
const BLOCK_SIZE_R = 8;
const PARALLELISM_P = 1;
const KEY_BYTES = 32;
const SALT_BYTES = 16;
const SCRYPT_MEMORY_BYTES_MAX = 64 * 1024 * 1024;

function derive(password: string, salt: Buffer, log2N: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, KEY_BYTES, { N: 2 ** log2N, r, p, maxmem: SCRYPT_MEMORY_BYTES_MAX }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** `scrypt$<log2 N>$<r>$<p>$<salt b64url>$<key b64url>` */
export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, LOG2_N, BLOCK_SIZE_R, PARALLELISM_P);
  return ['scrypt', LOG2_N, BLOCK_SIZE_R, PARALLELISM_P, salt.toString('base64url'), key.toString('base64url')].join('$');
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  assert(parts.length === 6 && parts[0] === 'scrypt', 'stored password hash has an unknown format');
  const [, log2N, r, p, salt, key] = parts as [string, string, string, string, string, string];
  const expected = Buffer.from(key, 'base64url');
  const actual = await derive(password, Buffer.from(salt, 'base64url'), Number(log2N), Number(r), Number(p));
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}

/** A hash to compare against when the username is unknown, so both failures take the same time. */
let decoyHash: Promise<string> | undefined;
export function decoyPasswordHash(): Promise<string> {
  decoyHash ??= hashPassword(randomBytes(16).toString('hex'));
  return decoyHash;
}

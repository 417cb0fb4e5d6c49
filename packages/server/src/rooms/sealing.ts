// Encryption at rest for what a room must keep secret: each hand's server seed until the hand
// ends (so an operator reading the database cannot see the cards), and the hand histories.
// AES-256-GCM with a sub-key per purpose, derived by HKDF-SHA256 from the configured data key;
// the room and hand number are the associated data, so a sealed value moved to another hand fails.
import { createCipheriv, createDecipheriv, createSecretKey, hkdfSync, type KeyObject, randomBytes } from 'node:crypto';
import { assert } from '@fairground/core';

const IV_BYTES = 12;
const TAG_BYTES = 16;
const VERSION = 'r1';

export interface RoomSealer {
  sealSeed(seed: Uint8Array, roomId: string, handNumber: number): string;
  openSeed(sealed: string, roomId: string, handNumber: number): Uint8Array;
  sealRecord(json: string, roomId: string, handNumber: number): string;
  openRecord(sealed: string, roomId: string, handNumber: number): string;
}

/** A purpose's sub-key as a key object, made once: a cipher given raw key bytes makes a key object of them at every call. */
function subKey(dataKey: Uint8Array, purpose: string): KeyObject {
  return createSecretKey(Buffer.from(hkdfSync('sha256', dataKey, Buffer.alloc(0), `fairground/rooms/${purpose}/aes-256-gcm`, 32)));
}

function seal(key: KeyObject, aad: string, plaintext: Uint8Array): string {
  const iv = randomBytes(IV_BYTES);
  const cipher = createCipheriv('aes-256-gcm', key, iv, { authTagLength: TAG_BYTES });
  cipher.setAAD(Buffer.from(aad));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return [VERSION, iv.toString('base64url'), body.toString('base64url'), cipher.getAuthTag().toString('base64url')].join('.');
}

/** Throws when the value was altered, moved to another hand, or sealed with another key. */
function open(key: KeyObject, aad: string, sealed: string): Buffer {
  const [version, iv, body, tag] = sealed.split('.');
  if (version !== VERSION || iv === undefined || body === undefined || tag === undefined) {
    throw new Error('sealed room value has an unknown format');
  }
  const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'), { authTagLength: TAG_BYTES });
  decipher.setAAD(Buffer.from(aad));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  return Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]);
}

/** Seeds this process sealed, kept to open them again without decrypting (see `createRoomSealer`). */
const SEALED_SEEDS_KEPT_MAX = 4096;

/**
 * A hand's seed is sealed when the hand is committed and opened twice in this process: to deal at
 * the start and to reveal it at the end. The sealer keeps the seeds it sealed (at most
 * `SEALED_SEEDS_KEPT_MAX`, oldest dropped first), by associated data and sealed text, so those opens
 * read them back instead of decrypting: a sealed text this process made for that room and hand
 * opens to exactly that seed. Anything else (a rebuilt room's log, a value moved to another hand, a
 * dropped entry) is decrypted and checked as before. The database never holds the seed in the clear.
 */
export function createRoomSealer(dataKey: Uint8Array): RoomSealer {
  assert(dataKey.length === 32, 'the data key must be 32 bytes');
  const seedKey = subKey(dataKey, 'server-seed');
  const recordKey = subKey(dataKey, 'hand-history');
  const seeds = new Map<string, Uint8Array>();
  return {
    sealSeed: (seed, roomId, handNumber) => {
      const aad = `seed:${roomId}:${handNumber}`;
      const sealed = seal(seedKey, aad, seed);
      if (seeds.size >= SEALED_SEEDS_KEPT_MAX) seeds.delete(seeds.keys().next().value as string);
      seeds.set(`${aad}|${sealed}`, seed.slice());
      return sealed;
    },
    openSeed: (sealed, roomId, handNumber) => {
      const aad = `seed:${roomId}:${handNumber}`;
      return seeds.get(`${aad}|${sealed}`)?.slice() ?? new Uint8Array(open(seedKey, aad, sealed));
    },
    sealRecord: (json, roomId, handNumber) => seal(recordKey, `hand:${roomId}:${handNumber}`, Buffer.from(json, 'utf8')),
    openRecord: (sealed, roomId, handNumber) => open(recordKey, `hand:${roomId}:${handNumber}`, sealed).toString('utf8'),
  };
}

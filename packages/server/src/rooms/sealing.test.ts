// The room sealer: what it seals opens to the same bytes, in this process (from the seeds it keeps)
// and in another (decrypted from the sealed text alone); a sealed value moved to another room or
// hand, or altered, does not open in either.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { createRoomSealer } from './sealing.ts';

describe('room sealer', () => {
  const key = randomBytes(32);

  it('opens a seed it sealed to the same bytes, here and in a sealer started afresh with the same key', () => {
    const here = createRoomSealer(key);
    const seed = new Uint8Array(randomBytes(32));
    const sealed = here.sealSeed(seed, 'room-1', 3);
    assert.doesNotMatch(sealed, new RegExp(Buffer.from(seed).toString('base64url')));
    assert.deepEqual(here.openSeed(sealed, 'room-1', 3), seed);
    assert.deepEqual(here.openSeed(sealed, 'room-1', 3), seed, 'opened twice (deal, then reveal)');
    assert.deepEqual(createRoomSealer(key).openSeed(sealed, 'room-1', 3), seed, 'restart: decrypted from the log');
  });

  it('gives a copy each time, so a caller changing the bytes changes nothing kept', () => {
    const here = createRoomSealer(key);
    const seed = new Uint8Array(randomBytes(32));
    const sealed = here.sealSeed(seed, 'room-1', 1);
    seed.fill(0);
    const opened = here.openSeed(sealed, 'room-1', 1);
    assert.notDeepEqual(opened, seed);
    opened.fill(7);
    assert.notDeepEqual(here.openSeed(sealed, 'room-1', 1), opened);
  });

  it('refuses a sealed seed moved to another hand or room, or altered, in the sealing process too', () => {
    const here = createRoomSealer(key);
    const sealed = here.sealSeed(new Uint8Array(randomBytes(32)), 'room-1', 2);
    assert.throws(() => here.openSeed(sealed, 'room-1', 3));
    assert.throws(() => here.openSeed(sealed, 'room-2', 2));
    const [v, iv, body, tag] = sealed.split('.') as [string, string, string, string];
    const flipped = Buffer.from(body, 'base64url');
    flipped[0] = (flipped[0] as number) ^ 1;
    assert.throws(() => here.openSeed([v, iv, flipped.toString('base64url'), tag].join('.'), 'room-1', 2));
    assert.throws(() => createRoomSealer(randomBytes(32)).openSeed(sealed, 'room-1', 2), 'another key');
  });

  it('still opens the oldest seeds once more than it keeps were sealed', () => {
    const here = createRoomSealer(key);
    const first = new Uint8Array(randomBytes(32));
    const sealed = here.sealSeed(first, 'room-0', 1);
    for (let i = 1; i <= 5000; i++) here.sealSeed(new Uint8Array(randomBytes(32)), `room-${i}`, 1);
    assert.deepEqual(here.openSeed(sealed, 'room-0', 1), first);
  });

  it('seals and opens hand records', () => {
    const here = createRoomSealer(key);
    const sealed = here.sealRecord('{"hand":1}', 'room-1', 1);
    assert.equal(createRoomSealer(key).openRecord(sealed, 'room-1', 1), '{"hand":1}');
    assert.throws(() => here.openRecord(sealed, 'room-1', 2));
  });
});

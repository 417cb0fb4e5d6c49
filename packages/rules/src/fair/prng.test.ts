import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Prng, type PrngState, utf8Bytes } from '../index.ts';

// An independent xoshiro128** written with BigInt, straight from the reference C code.
function referenceOutputs(state: PrngState, count: number): number[] {
  const M = 0xffffffffn;
  const rotl = (x: bigint, k: bigint) => ((x << k) | (x >> (32n - k))) & M;
  let [s0, s1, s2, s3] = state.map(BigInt) as [bigint, bigint, bigint, bigint];
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    out.push(Number((rotl((s1 * 5n) & M, 7n) * 9n) & M));
    const t = (s1 << 9n) & M;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11n);
  }
  return out;
}

describe('Prng (xoshiro128**)', () => {
  it('matches the reference C implementation’s published test data', () => {
    // Seed bytes 0C 4A 4D 96 … read as little-endian words, with the outputs and the state after
    // four steps as produced by the reference C code (test data of edorfaus/xoshiro-6502).
    const p = Prng.fromState([0x964d4a0c, 0xd40ab895, 0xad7fdecb, 0x3006f0f0]);
    assert.deepEqual([p.nextUint32(), p.nextUint32(), p.nextUint32(), p.nextUint32()], [0xf1391922, 0x6fe53806, 0xa5be2840, 0xf510ee70]);
    assert.deepEqual(p.state(), [0xfc65379c, 0x52006d70, 0x87487639, 0xf1908343]);
  });

  it('matches an independent BigInt implementation from random states', () => {
    const word = fc.integer({ min: 0, max: 0xffffffff });
    fc.assert(
      fc.property(fc.tuple(word, word, word, word), (s) => {
        fc.pre((s[0] | s[1] | s[2] | s[3]) !== 0);
        const p = Prng.fromState(s);
        assert.deepEqual(
          Array.from({ length: 50 }, () => p.nextUint32()),
          referenceOutputs(s, 50),
        );
      }),
      { seed: 99, numRuns: 300 },
    );
  });

  it('is pinned for a seed and label, so every engine reproduces the same game', () => {
    const p = Prng.fromSeed(utf8Bytes('puzzle-seed'), 'board');
    const first = Array.from({ length: 4 }, () => p.nextUint32());
    assert.deepEqual(first, PINNED_FIRST_OUTPUTS);
    // The state is the first 16 bytes of HMAC-SHA256(seed, "prng:" + label), big-endian words.
    const h = createHmac('sha256', 'puzzle-seed').update('prng:board').digest();
    const state: PrngState = [h.readUInt32BE(0), h.readUInt32BE(4), h.readUInt32BE(8), h.readUInt32BE(12)];
    assert.deepEqual(referenceOutputs(state, 4), first);
    assert.notDeepEqual(
      Array.from({ length: 4 }, () => Prng.fromSeed(utf8Bytes('puzzle-seed'), 'bots').nextUint32()),
      first,
      'the label separates streams',
    );
  });

  it('resumes from a saved JSON state exactly', () => {
    const p = Prng.fromSeed(utf8Bytes('resume'));
    for (let i = 0; i < 10; i++) p.nextUint32();
    const saved = JSON.parse(JSON.stringify(p.state())) as PrngState;
    const q = Prng.fromState(saved);
    for (let i = 0; i < 100; i++) assert.equal(q.nextUint32(), p.nextUint32());
  });

  it('draws unbiased integers below a bound (chi-square on 6 faces, 60,000 rolls)', () => {
    const p = Prng.fromSeed(utf8Bytes('dice'));
    const counts = new Array<number>(6).fill(0);
    for (let i = 0; i < 60_000; i++) counts[p.nextInt(6)]!++;
    const chi = counts.reduce((sum, c) => sum + ((c - 10_000) * (c - 10_000)) / 10_000, 0);
    assert.ok(chi < 20.5, `chi-square ${chi} (5 degrees of freedom; 20.5 is the 0.1 % tail)`);
    for (const n of [1, 2, 3, 2 ** 31 + 1, 2 ** 32]) {
      for (let i = 0; i < 100; i++) {
        const x = p.nextInt(n);
        assert.ok(Number.isInteger(x) && x >= 0 && x < n);
      }
    }
    assert.throws(() => p.nextInt(0), RangeError);
    assert.throws(() => p.nextInt(2 ** 32 + 1), RangeError);
  });

  it('refuses a malformed or all-zero state', () => {
    assert.throws(() => Prng.fromState([0, 0, 0, 0]));
    assert.throws(() => Prng.fromState([1, 2, 3, 2 ** 32] as PrngState));
    assert.throws(() => Prng.fromState([1, 2, 3] as unknown as PrngState));
  });
});

const PINNED_FIRST_OUTPUTS = [3509412460, 2526633640, 1679738147, 1581903941];

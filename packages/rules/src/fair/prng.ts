// A seeded PRNG for game state (puzzle boards, bots): xoshiro128** by Blackman and Vigna, which
// uses only 32-bit integer operations (Math.imul, shifts, xor) and so gives identical outputs in
// every JavaScript engine. Its whole state is four uint32s, kept as plain data so a game can
// store and resume it. Not for secrets: seed it from a committed server seed.
import { AppError } from '@fairground/core';
import { utf8Bytes } from './bytes.ts';
import { FairErrors } from './errors.ts';
import { hmacSha256 } from './sha256.ts';
import { checkServerSeed } from './stream.ts';

export type PrngState = readonly [number, number, number, number];

const TWO_POW_32 = 4294967296;
// For n just above 2³¹ a draw is rejected with probability just under 1/2; 128 rejections in a
// row (probability below 2⁻¹²⁸) means the generator is broken.
const REJECTIONS_MAX = 128;

export class Prng {
  #s0: number;
  #s1: number;
  #s2: number;
  #s3: number;

  private constructor(s: PrngState) {
    this.#s0 = s[0] >>> 0;
    this.#s1 = s[1] >>> 0;
    this.#s2 = s[2] >>> 0;
    this.#s3 = s[3] >>> 0;
  }

  // A generator seeded from `seed` bytes and a `label` naming the use ("puzzle-board", …):
  // state words are the first 16 bytes of HMAC-SHA256(seed, "prng:" + label), big-endian.
  static fromSeed(seed: Uint8Array, label = ''): Prng {
    checkServerSeed(seed);
    const h = hmacSha256(seed, utf8Bytes(`prng:${label}`));
    const word = (i: number) => ((h[i]! << 24) | (h[i + 1]! << 16) | (h[i + 2]! << 8) | h[i + 3]!) >>> 0;
    const s: [number, number, number, number] = [word(0), word(4), word(8), word(12)];
    // The all-zero state is the one state xoshiro cannot leave; a digest gives it with probability 2⁻¹²⁸.
    if ((s[0] | s[1] | s[2] | s[3]) === 0) s[0] = 0x9e3779b9;
    return new Prng(s);
  }

  // Resumes from a saved state; throws FAIR_SEED_INVALID on anything but four uint32s, not all zero.
  static fromState(state: PrngState): Prng {
    if (!Array.isArray(state) || state.length !== 4 || !state.every((x) => Number.isInteger(x) && x >= 0 && x < TWO_POW_32)) {
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'PRNG state must be four uint32 numbers' });
    }
    if ((state[0] | state[1] | state[2] | state[3]) === 0)
      throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'PRNG state must not be all zero' });
    return new Prng(state);
  }

  // The current state as plain data (JSON-serialisable).
  state(): PrngState {
    return [this.#s0, this.#s1, this.#s2, this.#s3];
  }

  // The next uint32 in [0, 2³²).
  nextUint32(): number {
    const s1 = this.#s1;
    const x = Math.imul(s1, 5);
    const result = Math.imul((x << 7) | (x >>> 25), 9) >>> 0;
    const t = s1 << 9;
    this.#s2 ^= this.#s0;
    this.#s3 ^= this.#s1;
    this.#s1 ^= this.#s2;
    this.#s0 ^= this.#s3;
    this.#s2 ^= t;
    this.#s3 = (this.#s3 << 11) | (this.#s3 >>> 21);
    this.#s0 >>>= 0;
    this.#s1 >>>= 0;
    this.#s2 >>>= 0;
    this.#s3 >>>= 0;
    return result;
  }

  // An unbiased integer in [0, maxExclusive) for 1 ≤ maxExclusive ≤ 2³², by rejection.
  nextInt(maxExclusive: number): number {
    if (!Number.isInteger(maxExclusive) || maxExclusive < 1 || maxExclusive > TWO_POW_32) {
      throw new RangeError(`nextInt: maxExclusive must be an integer in 1..2^32, got ${maxExclusive}`);
    }
    const limit = TWO_POW_32 - (TWO_POW_32 % maxExclusive);
    for (let attempt = 0; attempt < REJECTIONS_MAX; attempt++) {
      const x = this.nextUint32();
      if (x < limit) return x % maxExclusive;
    }
    throw new Error(`nextInt: ${REJECTIONS_MAX} rejections in a row`);
  }
}

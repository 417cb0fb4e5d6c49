// The byte stream of one hand, Stake's public scheme: block r is
// HMAC-SHA256(key = server seed bytes, message = UTF-8 "${clientSeed}:${handNumber}:${r}") for
// r = 0, 1, 2, …; bytes are read from block 0 onwards, 32 per block, in order.
import { AppError } from '@fairground/core';
import { utf8Bytes } from './bytes.ts';
import { FairErrors } from './errors.ts';
import { HmacSha256, SHA256_DIGEST_BYTES } from './sha256.ts';

// The production server seed is 32 bytes; verifiers of other schemes may pass other lengths.
export const SERVER_SEED_BYTES = 32;
export const SERVER_SEED_BYTES_MAX = 1024;
// Printable ASCII except ":" (which separates the message's fields), at most 128 characters.
const CLIENT_SEED_PATTERN = /^[\x21-\x39\x3b-\x7e]{1,128}$/;
// A shuffle reads 204 bytes (7 blocks) unless a draw is rejected, which for n ≤ 52 happens with
// probability below 1.3e-8 per draw; the cap only stops a runaway caller.
export const STREAM_ROUNDS_MAX = 4096;

export function checkServerSeed(serverSeed: Uint8Array): void {
  if (!(serverSeed instanceof Uint8Array) || serverSeed.length < 1 || serverSeed.length > SERVER_SEED_BYTES_MAX) {
    throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: `server seed must be 1..${SERVER_SEED_BYTES_MAX} bytes` });
  }
}

export function checkStreamClientSeed(clientSeed: string): void {
  if (typeof clientSeed !== 'string' || !CLIENT_SEED_PATTERN.test(clientSeed)) {
    throw new AppError(FairErrors.FAIR_SEED_INVALID, { reason: 'client seed must be 1..128 printable ASCII characters without ":"' });
  }
}

export function checkHandNumber(handNumber: number): void {
  if (!Number.isSafeInteger(handNumber) || handNumber < 0) {
    throw new AppError(FairErrors.FAIR_HAND_NUMBER_INVALID, { handNumber: String(handNumber).slice(0, 32) });
  }
}

export class FairByteStream {
  readonly #hmac: HmacSha256;
  readonly #prefix: string;
  readonly #block = new Uint8Array(SHA256_DIGEST_BYTES);
  #round = 0;
  #position = SHA256_DIGEST_BYTES;

  // Throws FAIR_SEED_INVALID or FAIR_HAND_NUMBER_INVALID on malformed input.
  constructor(serverSeed: Uint8Array, clientSeed: string, handNumber: number) {
    checkServerSeed(serverSeed);
    checkStreamClientSeed(clientSeed);
    checkHandNumber(handNumber);
    this.#hmac = new HmacSha256(serverSeed);
    this.#prefix = `${clientSeed}:${handNumber}:`;
  }

  // The HMAC block of round `round` (does not move the stream).
  block(round: number): Uint8Array {
    return this.#hmac.digest(utf8Bytes(`${this.#prefix}${round}`));
  }

  nextByte(): number {
    if (this.#position === SHA256_DIGEST_BYTES) {
      if (this.#round >= STREAM_ROUNDS_MAX) throw new Error(`fair byte stream: more than ${STREAM_ROUNDS_MAX} blocks read`);
      this.#hmac.digest(utf8Bytes(`${this.#prefix}${this.#round}`), this.#block);
      this.#round++;
      this.#position = 0;
    }
    return this.#block[this.#position++]!;
  }

  // The next four bytes as a big-endian unsigned 32-bit integer.
  nextUint32(): number {
    const b0 = this.nextByte();
    const b1 = this.nextByte();
    const b2 = this.nextByte();
    const b3 = this.nextByte();
    return ((b0 << 24) | (b1 << 16) | (b2 << 8) | b3) >>> 0;
  }

  // Stake's float: b0/256 + b1/256² + b2/256³ + b3/256⁴ in [0, 1), exact in a double. Only for
  // verifiers of Stake-style games; dealing uses `nextUint32` with rejection, which has no bias.
  nextFloat(): number {
    return this.nextUint32() / 4294967296;
  }
}

// The deck of one hand: an unbiased Fisher–Yates shuffle of the card indices 0..51 driven by the
// hand's byte stream. For i = 51 down to 1: draw a big-endian uint32 x, reject it while
// x ≥ 2³² − (2³² mod (i + 1)), then swap a[i] with a[x mod (i + 1)]. Card index k is the card
// CARD_NAMES[k] (4 × rank + suit, see zjh/cards.ts); dealing reads the deck from a[0] up.
import { CARD_NAMES, DECK_SIZE } from '../zjh/cards.ts';
import { FairByteStream } from './stream.ts';

const TWO_POW_32 = 4294967296;
// Rejection for n ≤ 52 has probability below 1.3e-8 per draw; 16 in a row never happens with an
// honest HMAC, so reaching the cap means the stream is broken.
const REJECTIONS_MAX = 16;

// An unbiased integer in [0, n) from the stream, 1 ≤ n ≤ 2³².
export function uniformFromStream(stream: { nextUint32(): number }, n: number): number {
  const limit = TWO_POW_32 - (TWO_POW_32 % n);
  for (let attempt = 0; attempt < REJECTIONS_MAX; attempt++) {
    const x = stream.nextUint32();
    if (x < limit) return x % n;
  }
  throw new Error(`uniformFromStream: ${REJECTIONS_MAX} rejections in a row for n = ${n}`);
}

// Shuffles `deck` in place with the stream (i = length − 1 down to 1) and returns it.
export function fisherYates<T>(deck: T[], stream: { nextUint32(): number }): T[] {
  for (let i = deck.length - 1; i >= 1; i--) {
    const j = uniformFromStream(stream, i + 1);
    const t = deck[i] as T;
    deck[i] = deck[j] as T;
    deck[j] = t;
  }
  return deck;
}

// The shuffled card indices a[0..51] of a hand. Throws FAIR_* on malformed seeds.
export function fairDeckIndices(serverSeed: Uint8Array, clientSeed: string, handNumber: number): number[] {
  const deck = Array.from({ length: DECK_SIZE }, (_, i) => i);
  return fisherYates(deck, new FairByteStream(serverSeed, clientSeed, handNumber));
}

// The shuffled deck of a hand as card strings, a[0] first: what `createHand` deals from.
export function fairDeck(serverSeed: Uint8Array, clientSeed: string, handNumber: number): string[] {
  return fairDeckIndices(serverSeed, clientSeed, handNumber).map((i) => CARD_NAMES[i] as string);
}

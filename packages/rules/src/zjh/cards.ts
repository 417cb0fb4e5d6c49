// Cards travel as two-character strings, rank then suit ("As", "Td", "2c"), because that is what a
// person reads in a hand history. Inside the hot paths a card is its index 0..51, pinned here and in
// the README because the provably fair deck (fair/) produces indices and every verifier must map
// them to the same cards: index = 4 × rank + suit, rank 0..12 for 2..A, suit 0..3 for s, h, d, c.
// So 0 = "2s", 1 = "2h", 2 = "2d", 3 = "2c", 4 = "3s", …, 51 = "Ac".

export const RANKS = '23456789TJQKA';
export const SUITS = 'shdc';
export const DECK_SIZE = 52;
export const HAND_SIZE = 3;

// The card of each index, in index order: the pinned mapping.
export const CARD_NAMES: readonly string[] = Array.from({ length: DECK_SIZE }, (_, i) => `${RANKS[i >> 2]}${SUITS[i & 3]}`);

const rankOfCode = new Int8Array(128).fill(-1);
const suitOfCode = new Int8Array(128).fill(-1);
for (let r = 0; r < RANKS.length; r++) rankOfCode[RANKS.charCodeAt(r)] = r;
for (let s = 0; s < SUITS.length; s++) suitOfCode[SUITS.charCodeAt(s)] = s;

// The index 0..51 of a card string, or -1 when the string is not a card.
export function cardIndex(card: string): number {
  if (typeof card !== 'string' || card.length !== 2) return -1;
  const rc = card.charCodeAt(0);
  const sc = card.charCodeAt(1);
  if (rc > 127 || sc > 127) return -1;
  const r = rankOfCode[rc] ?? -1;
  const s = suitOfCode[sc] ?? -1;
  return r < 0 || s < 0 ? -1 : (r << 2) | s;
}

// The card string of an index 0..51; throws on anything else (a programmer error).
export function cardName(index: number): string {
  const name = CARD_NAMES[index];
  if (name === undefined || !Number.isInteger(index)) throw new RangeError(`card index ${index} is not 0..51`);
  return name;
}

// Rank 0..12 (2..A) of a card index.
export function rankOf(index: number): number {
  return index >> 2;
}

// Suit 0..3 (s, h, d, c) of a card index.
export function suitOf(index: number): number {
  return index & 3;
}

// True when `deck` holds each of the 52 cards exactly once.
export function isFullDeck(deck: readonly string[]): boolean {
  if (!Array.isArray(deck) || deck.length !== DECK_SIZE) return false;
  const seen = new Uint8Array(DECK_SIZE);
  for (const card of deck) {
    const i = cardIndex(card);
    if (i < 0 || seen[i] === 1) return false;
    seen[i] = 1;
  }
  return true;
}

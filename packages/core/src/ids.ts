// Branded identifiers. Ids cross trust boundaries as strings; the brand stops a room id from being
// passed where a player id is expected. `parseId` is the checked constructor for input from outside.
import { AppError, CoreErrors } from './errors.ts';

declare const idBrand: unique symbol;
export type Id<Kind extends string> = string & { readonly [idBrand]: Kind };

export type PlayerId = Id<'player'>;
export type OperatorId = Id<'operator'>;
export type AccountId = Id<'account'>;
export type TransferId = Id<'transfer'>;
export type RoomId = Id<'room'>;
export type SessionId = Id<'session'>;
export type MatchId = Id<'match'>;
export type OrderId = Id<'order'>;
export type WithdrawalId = Id<'withdrawal'>;

/** Ids are 1–64 characters of [A-Za-z0-9_-]: safe in URLs, logs, SQL and provider fields. */
export const ID_LENGTH_MAX = 64;
const ID_PATTERN = /^[A-Za-z0-9_-]{1,64}$/;

export function parseId<Kind extends string>(value: unknown, kind: Kind): Id<Kind> {
  if (typeof value !== 'string' || !ID_PATTERN.test(value)) {
    throw new AppError(CoreErrors.ID_INVALID, { kind });
  }
  return value as Id<Kind>;
}

export function isId(value: unknown): value is string {
  return typeof value === 'string' && ID_PATTERN.test(value);
}

/**
 * A new random id: a prefix plus 128 bits from the platform CSPRNG (`crypto.getRandomValues`,
 * available in Node and browsers), base32 lower-case so it sorts and reads well.
 */
export function newId<Kind extends string>(prefix: string): Id<Kind> {
  const bytes = new Uint8Array(16);
  globalThis.crypto.getRandomValues(bytes);
  return `${prefix}_${base32(bytes)}` as Id<Kind>;
}

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
function base32(bytes: Uint8Array): string {
  let out = '';
  let bits = 0;
  let value = 0;
  for (const b of bytes) {
    value = (value << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
    value &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(value << (5 - bits)) & 31];
  return out;
}

// A small, strict ASN.1 DER codec: exactly what RFC 3161 requests, responses, CMS SignedData and
// X.509 certificates need, on plain Uint8Array so it also runs in browsers.
//
// The reader never recurses over input: callers walk the schema they expect one level at a time
// (`Der.parse`, `children()`, `reader()`), so the depth of any walk is fixed by our code, not by
// the bytes. It accepts only DER: definite, minimal lengths, low tag numbers, no trailing bytes,
// minimal INTEGERs, BOOLEAN as 0x00/0xff. Every violation throws `DerError`, which callers turn
// into their own error codes.
import { DER_CHILDREN_MAX, OID_ARCS_MAX } from '../limits.ts';

export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DerError';
  }
}

export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  SEQUENCE: 0x30,
  SET: 0x31,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
} as const;

/** Tag of context-specific [n]: constructed (EXPLICIT, or IMPLICIT of a constructed type) or primitive. */
export function contextTag(n: number, constructed: boolean): number {
  if (!Number.isInteger(n) || n < 0 || n > 30) throw new Error(`context tag number out of range: ${n}`);
  return (constructed ? 0xa0 : 0x80) | n;
}

// Input lengths beyond this are not DER we will ever need, and keep every offset an exact integer.
const LENGTH_MAX = 0x7fffffff;

/** One TLV inside `input`, which it does not copy. */
export class Der {
  readonly input: Uint8Array;
  readonly tag: number;
  /** Offset of the identifier octet. */
  readonly start: number;
  /** Offset of the first content octet. */
  readonly contentStart: number;
  /** Offset just past the last content octet. */
  readonly end: number;

  private constructor(input: Uint8Array, tag: number, start: number, contentStart: number, end: number) {
    this.input = input;
    this.tag = tag;
    this.start = start;
    this.contentStart = contentStart;
    this.end = end;
  }

  /** Reads the TLV at `offset`, which must end at or before `limit`. */
  static at(input: Uint8Array, offset: number, limit: number): Der {
    if (offset + 2 > limit) throw new DerError('truncated element');
    const tag = input[offset]!;
    if ((tag & 0x1f) === 0x1f) throw new DerError('high tag numbers are not supported');
    const first = input[offset + 1]!;
    let length: number;
    let contentStart: number;
    if (first < 0x80) {
      length = first;
      contentStart = offset + 2;
    } else {
      const count = first & 0x7f;
      if (count === 0) throw new DerError('indefinite length is not DER');
      if (count > 4) throw new DerError('length too large');
      if (offset + 2 + count > limit) throw new DerError('truncated length');
      length = 0;
      for (let i = 0; i < count; i++) length = length * 256 + input[offset + 2 + i]!;
      if (input[offset + 2] === 0) throw new DerError('non-minimal length');
      if (length < 0x80) throw new DerError('non-minimal length');
      if (length > LENGTH_MAX) throw new DerError('length too large');
      contentStart = offset + 2 + count;
    }
    const end = contentStart + length;
    if (end > limit) throw new DerError('element runs past its container');
    return new Der(input, tag, offset, contentStart, end);
  }

  /** Parses `input` as exactly one TLV, with no bytes after it. */
  static parse(input: Uint8Array): Der {
    const der = Der.at(input, 0, input.length);
    if (der.end !== input.length) throw new DerError('trailing bytes after element');
    return der;
  }

  get constructed(): boolean {
    return (this.tag & 0x20) !== 0;
  }

  /** The whole encoding, identifier to last content octet (a view, not a copy). */
  get encoded(): Uint8Array {
    return this.input.subarray(this.start, this.end);
  }

  /** The content octets (a view, not a copy). */
  get content(): Uint8Array {
    return this.input.subarray(this.contentStart, this.end);
  }

  expect(tag: number, what: string): this {
    if (this.tag !== tag) throw new DerError(`${what}: expected tag 0x${tag.toString(16)}, found 0x${this.tag.toString(16)}`);
    return this;
  }

  /** The elements inside a constructed value, at most DER_CHILDREN_MAX of them. */
  children(): Der[] {
    if (!this.constructed) throw new DerError('primitive value has no elements');
    const out: Der[] = [];
    let offset = this.contentStart;
    while (offset < this.end) {
      if (out.length >= DER_CHILDREN_MAX) throw new DerError(`more than ${DER_CHILDREN_MAX} elements`);
      const child = Der.at(this.input, offset, this.end);
      out.push(child);
      offset = child.end;
    }
    return out;
  }

  /** A cursor over the elements, for walking a SEQUENCE field by field. */
  reader(what: string): DerReader {
    return new DerReader(this.children(), what);
  }

  /** The single element inside an EXPLICIT tag or an OCTET STRING-wrapped value. */
  only(what: string): Der {
    const inner = this.children();
    if (inner.length !== 1) throw new DerError(`${what}: expected exactly one element`);
    return inner[0]!;
  }

  /** A non-negative INTEGER as its minimal big-endian magnitude (a single 0x00 for zero). */
  unsignedBytes(what: string, tag: number = TAG.INTEGER): Uint8Array {
    this.expectPrimitiveInteger(what, tag);
    const c = this.content;
    if (c[0]! & 0x80) throw new DerError(`${what}: negative integer`);
    return c[0] === 0 && c.length > 1 ? c.subarray(1) : c;
  }

  /** A non-negative INTEGER that fits a safe JavaScript integer. */
  smallUnsigned(what: string, tag: number = TAG.INTEGER): number {
    const bytes = this.unsignedBytes(what, tag);
    if (bytes.length > 6) throw new DerError(`${what}: integer too large`);
    let value = 0;
    for (const b of bytes) value = value * 256 + b;
    return value;
  }

  /** The raw two's-complement content of an INTEGER (checked minimal), for values that may be negative. */
  integerContent(what: string): Uint8Array {
    this.expectPrimitiveInteger(what, TAG.INTEGER);
    return this.content;
  }

  // `tag` differs from INTEGER for an [n] IMPLICIT INTEGER, whose content follows the same rules.
  private expectPrimitiveInteger(what: string, tag: number): void {
    this.expect(tag, what);
    const c = this.content;
    if (c.length === 0) throw new DerError(`${what}: empty integer`);
    if (c.length > 1 && ((c[0] === 0 && (c[1]! & 0x80) === 0) || (c[0] === 0xff && (c[1]! & 0x80) !== 0))) {
      throw new DerError(`${what}: non-minimal integer`);
    }
  }

  boolean(what: string): boolean {
    this.expect(TAG.BOOLEAN, what);
    const c = this.content;
    if (c.length !== 1 || (c[0] !== 0 && c[0] !== 0xff)) throw new DerError(`${what}: BOOLEAN is not DER`);
    return c[0] === 0xff;
  }

  octets(what: string): Uint8Array {
    return this.expect(TAG.OCTET_STRING, what).content;
  }

  /** A BIT STRING's bytes and the count of unused bits in its last byte. */
  bitString(what: string): { bytes: Uint8Array; unusedBits: number } {
    this.expect(TAG.BIT_STRING, what);
    const c = this.content;
    if (c.length === 0) throw new DerError(`${what}: empty BIT STRING`);
    const unusedBits = c[0]!;
    if (unusedBits > 7 || (c.length === 1 && unusedBits !== 0)) throw new DerError(`${what}: bad unused-bit count`);
    const bytes = c.subarray(1);
    if (unusedBits > 0 && (bytes[bytes.length - 1]! & ((1 << unusedBits) - 1)) !== 0) throw new DerError(`${what}: unused bits set`);
    return { bytes, unusedBits };
  }

  /** A UTF8String's text; invalid UTF-8 is a DerError like any other malformed value. */
  utf8(what: string): string {
    this.expect(TAG.UTF8_STRING, what);
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(this.content);
    } catch {
      throw new DerError(`${what}: invalid UTF-8`);
    }
  }

  oid(what: string): string {
    this.expect(TAG.OID, what);
    return decodeOid(this.content, what);
  }
}

/** Walks the elements of one SEQUENCE in order; `end()` checks nothing was left over. */
export class DerReader {
  readonly #items: Der[];
  readonly #what: string;
  #index = 0;

  constructor(items: Der[], what: string) {
    this.#items = items;
    this.#what = what;
  }

  /** The next element, which must have `tag` when given. */
  next(field: string, tag?: number): Der {
    const item = this.#items[this.#index];
    if (item === undefined) throw new DerError(`${this.#what}: missing ${field}`);
    if (tag !== undefined) item.expect(tag, `${this.#what}.${field}`);
    this.#index++;
    return item;
  }

  /** The next element if it has `tag`, else undefined (nothing consumed). */
  optional(tag: number): Der | undefined {
    const item = this.#items[this.#index];
    if (item === undefined || item.tag !== tag) return undefined;
    this.#index++;
    return item;
  }

  get remaining(): number {
    return this.#items.length - this.#index;
  }

  end(): void {
    if (this.#index !== this.#items.length) throw new DerError(`${this.#what}: unexpected extra element`);
  }
}

function decodeOid(c: Uint8Array, what: string): string {
  if (c.length === 0) throw new DerError(`${what}: empty OBJECT IDENTIFIER`);
  if ((c[c.length - 1]! & 0x80) !== 0) throw new DerError(`${what}: truncated OBJECT IDENTIFIER`);
  const arcs: bigint[] = [];
  let value = 0n;
  let fresh = true;
  for (const b of c) {
    if (fresh && b === 0x80) throw new DerError(`${what}: non-minimal OBJECT IDENTIFIER arc`);
    value = (value << 7n) | BigInt(b & 0x7f);
    fresh = false;
    if ((b & 0x80) === 0) {
      arcs.push(value);
      if (arcs.length > OID_ARCS_MAX) throw new DerError(`${what}: too many arcs`);
      value = 0n;
      fresh = true;
    }
  }
  const first = arcs[0]!;
  const head = first < 40n ? [0n, first] : first < 80n ? [1n, first - 40n] : [2n, first - 80n];
  return [...head, ...arcs.slice(1)].join('.');
}

// --- Writer ---------------------------------------------------------------------------------

/** Bytes we made ourselves: always backed by a plain ArrayBuffer, so fetch and node:fs take them as they are. */
export type Bytes = Uint8Array<ArrayBuffer>;

export function concat(parts: readonly Uint8Array[]): Bytes {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

function encodeLength(length: number): Bytes {
  if (!Number.isSafeInteger(length) || length < 0 || length > LENGTH_MAX) throw new Error(`DER length out of range: ${length}`);
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
  return Uint8Array.of(0x80 | bytes.length, ...bytes);
}

export function tlv(tag: number, ...content: Uint8Array[]): Bytes {
  const body = concat(content);
  return concat([Uint8Array.of(tag), encodeLength(body.length), body]);
}

export function sequence(...items: Uint8Array[]): Bytes {
  return tlv(TAG.SEQUENCE, ...items);
}

/** A DER SET OF: elements sorted by their encodings, as X.690 section 11.6 requires. */
export function setOf(...items: Uint8Array[]): Bytes {
  return tlv(TAG.SET, ...[...items].sort(compareBytes));
}

export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/** A non-negative INTEGER from big-endian magnitude bytes. */
export function unsignedInteger(magnitude: Uint8Array): Bytes {
  let start = 0;
  while (start < magnitude.length - 1 && magnitude[start] === 0) start++;
  const body = magnitude.length === 0 ? Uint8Array.of(0) : magnitude.subarray(start);
  return (body[0]! & 0x80) !== 0 ? tlv(TAG.INTEGER, Uint8Array.of(0), body) : tlv(TAG.INTEGER, body);
}

export function smallInteger(value: number): Bytes {
  if (!Number.isSafeInteger(value) || value < 0) throw new Error(`smallInteger needs a non-negative safe integer, got ${value}`);
  return unsignedInteger(bigintBytes(BigInt(value)));
}

/** Minimal big-endian bytes of a non-negative bigint (one 0x00 for zero). */
export function bigintBytes(value: bigint): Bytes {
  if (value < 0n) throw new Error('bigintBytes needs a non-negative value');
  const bytes: number[] = [];
  for (let rest = value; rest > 0n; rest >>= 8n) bytes.unshift(Number(rest & 0xffn));
  return Uint8Array.from(bytes.length === 0 ? [0] : bytes);
}

export function oid(dotted: string): Bytes {
  if (!/^[0-2](\.(0|[1-9][0-9]*))+$/.test(dotted)) throw new Error(`not a dotted OBJECT IDENTIFIER: ${dotted}`);
  const arcs = dotted.split('.').map((p) => BigInt(p));
  if (arcs.length > OID_ARCS_MAX) throw new Error(`OBJECT IDENTIFIER has more than ${OID_ARCS_MAX} arcs`);
  const [first = 0n, second = 0n, ...rest] = arcs;
  if (first < 2n && second >= 40n) throw new Error(`second arc of ${dotted} must be below 40`);
  const bytes: number[] = [];
  for (const arc of [first * 40n + second, ...rest]) {
    const chunk: number[] = [Number(arc & 0x7fn)];
    for (let v = arc >> 7n; v > 0n; v >>= 7n) chunk.unshift(Number(v & 0x7fn) | 0x80);
    bytes.push(...chunk);
  }
  return tlv(TAG.OID, Uint8Array.from(bytes));
}

export const NULL_VALUE: Bytes = Uint8Array.of(TAG.NULL, 0);

export function boolean(value: boolean): Bytes {
  return tlv(TAG.BOOLEAN, Uint8Array.of(value ? 0xff : 0));
}

export function octetString(content: Uint8Array): Bytes {
  return tlv(TAG.OCTET_STRING, content);
}

/** A BIT STRING of whole bytes. */
export function bitString(content: Uint8Array): Bytes {
  return tlv(TAG.BIT_STRING, Uint8Array.of(0), content);
}

/** A named-bit BIT STRING (KeyUsage, PKIFailureInfo) with the given bit numbers set, trailing zero bits removed. */
export function namedBits(bits: readonly number[]): Bytes {
  if (bits.length === 0) return tlv(TAG.BIT_STRING, Uint8Array.of(0));
  const highest = Math.max(...bits);
  const bytes = new Uint8Array((highest >> 3) + 1);
  for (const bit of bits) bytes[bit >> 3]! |= 0x80 >> (bit & 7);
  const unused = 7 - (highest & 7);
  return tlv(TAG.BIT_STRING, Uint8Array.of(unused), bytes);
}

export function utf8String(value: string): Bytes {
  return tlv(TAG.UTF8_STRING, new TextEncoder().encode(value));
}

export function printableString(value: string): Bytes {
  if (!/^[A-Za-z0-9 '()+,\-./:=?]*$/.test(value)) throw new Error(`not a PrintableString: ${value}`);
  return tlv(TAG.PRINTABLE_STRING, new TextEncoder().encode(value));
}

/** [n] EXPLICIT around one encoded value. */
export function explicit(n: number, content: Uint8Array): Bytes {
  return tlv(contextTag(n, true), content);
}

/** Re-tags an encoded value as [n] IMPLICIT, keeping its length and content. */
export function implicit(n: number, encoded: Uint8Array): Bytes {
  const out = encoded.slice();
  out[0] = contextTag(n, (encoded[0]! & 0x20) !== 0);
  return out;
}

// Reads a verified JSON answer field by field, so a missing or mistyped field is reported as a
// malformed answer at the boundary instead of surfacing later as `undefined` in money code.
import { FEN_BOUNDS_NON_NEGATIVE, type Fen, isFen } from '@fairground/core';
import { badResponse } from './errors.ts';

export type JsonObject = Readonly<Record<string, unknown>>;

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export class Fields {
  readonly raw: JsonObject;
  readonly #where: string;

  constructor(value: unknown, where: string) {
    if (!isJsonObject(value)) throw badResponse(`${where} is not a JSON object`);
    this.raw = value;
    this.#where = where;
  }

  #fail(name: string, expected: string): never {
    throw badResponse(`${this.#where}.${name} is not ${expected}`, { field: `${this.#where}.${name}` });
  }

  str(name: string): string {
    const v = this.raw[name];
    if (typeof v !== 'string') this.#fail(name, 'a string');
    return v;
  }

  optStr(name: string): string | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') this.#fail(name, 'a string');
    return v;
  }

  /** A string from a documented set; an unknown value is accepted (WeChat adds states) but typed as the set. */
  oneOf<T extends string>(name: string, _values: readonly T[]): T {
    return this.str(name) as T;
  }

  optOneOf<T extends string>(name: string, _values: readonly T[]): T | undefined {
    return this.optStr(name) as T | undefined;
  }

  /** An amount in fen: a non-negative JSON integer. */
  fen(name: string): Fen {
    const v = this.raw[name];
    if (!isFen(v, FEN_BOUNDS_NON_NEGATIVE)) this.#fail(name, 'a non-negative integer number of fen');
    return v;
  }

  optFen(name: string): Fen | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    return this.fen(name);
  }

  int(name: string): number {
    const v = this.raw[name];
    if (typeof v !== 'number' || !Number.isSafeInteger(v)) this.#fail(name, 'an integer');
    return v;
  }

  obj(name: string): Fields {
    return new Fields(this.raw[name], `${this.#where}.${name}`);
  }

  optObj(name: string): Fields | undefined {
    const v = this.raw[name];
    if (v === undefined || v === null) return undefined;
    return new Fields(v, `${this.#where}.${name}`);
  }

  /** A list of objects; `maxItems` bounds what we accept from the wire. */
  list(name: string, maxItems: number): Fields[] {
    const v = this.raw[name];
    if (v === undefined || v === null) return [];
    if (!Array.isArray(v)) this.#fail(name, 'an array');
    if (v.length > maxItems) this.#fail(name, `an array of at most ${maxItems} items`);
    return v.map((item, i) => new Fields(item, `${this.#where}.${name}[${i}]`));
  }
}

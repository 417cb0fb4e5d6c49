// Schemas shared by every domain's endpoints.
import { type TProperties, type TSchema, Type } from '@sinclair/typebox';

/** The one error shape of the API. `code` is stable forever; `message` is for people. */
export const ErrorBody = Type.Object({
  code: Type.String({ description: 'stable SCREAMING_SNAKE code' }),
  message: Type.String(),
  retryable: Type.Boolean({ description: 'true when the same request may succeed later' }),
  details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
});

/** Money in fen, as a JSON integer (never a string, never a float). */
export const Fen = (options: { minimum?: number; maximum?: number; description?: string } = {}) =>
  Type.Integer({
    minimum: options.minimum ?? -Number.MAX_SAFE_INTEGER,
    maximum: options.maximum ?? Number.MAX_SAFE_INTEGER,
    description: options.description ?? 'amount in fen (1/100 yuan), a JSON integer',
  });

/** Ids are 1–64 characters of [A-Za-z0-9_-] (see @fairground/core parseId). */
export const IdString = (description?: string) =>
  Type.String({ pattern: '^[A-Za-z0-9_-]{1,64}$', ...(description ? { description } : {}) });

/** Milliseconds since the Unix epoch. */
export const TimeMs = (description?: string) =>
  Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, ...(description ? { description } : {}) });

/** Opaque paging cursor returned by a previous page. */
export const Cursor = Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9_.:=-]+$' });

export const Ok = Type.Object({ ok: Type.Literal(true) });

/** A key that makes a retried request a replay of the first, never a second effect. */
export const IdempotencyKey = Type.String({
  pattern: '^[A-Za-z0-9_.:-]{8,64}$',
  description: '8–64 characters, unique per intended effect',
});

/** A list answer: `{ items: [...] }`. */
export const itemList = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item) });

/** One page of a list: `{ items, nextCursor }`, the cursor null on the last page; `extra` adds fields after them. */
export const pagedList = <T extends TSchema, X extends TProperties = Record<never, TSchema>>(item: T, extra?: X) =>
  Type.Object({ items: Type.Array(item), nextCursor: Type.Union([Type.String(), Type.Null()]), ...(extra as X) });

/** A list's query: an optional `limit` from 1 to `max`, nothing else. */
export const limitQuery = (max: number) =>
  Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: max })) }, { additionalProperties: false });

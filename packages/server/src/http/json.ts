// The one JSON body parser of the API. `JSON.parse` alone cannot tell `100` from `100.0` or `1e2`,
// and turns `-0` into a negative zero: for money that difference matters (a client sending
// `1.0` has a float somewhere and will one day send `0.30000000000000004`). Node 24's reviver
// receives each primitive's source text, so every number token is checked as written.
//
// The API has no fractional numbers at all, so the rule is simple: every number in a request body
// is a plain decimal integer (`0`, `-12`, `345`), within the safe integer range, and not `-0`.
// A field whose name ends in `Fen` (house naming for money) fails with MONEY_NOT_INTEGER; any other
// number with BODY_NUMBER_NOT_INTEGER.
import { AppError, MoneyErrors } from '@fairground/core';
import { HttpErrors } from './errors.ts';

const INTEGER_TOKEN = /^-?(0|[1-9][0-9]*)$/;
/** Keys that would reach a prototype if the body were ever merged into another object. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);
/** Objects nested deeper than this are refused before a handler can recurse over them. */
export const BODY_DEPTH_MAX = 32;

type ReviverWithSource = (this: unknown, key: string, value: unknown, context?: { source?: string }) => unknown;

function reviver(this: unknown, key: string, value: unknown, context?: { source?: string }): unknown {
  if (FORBIDDEN_KEYS.has(key)) throw new AppError(HttpErrors.BODY_MALFORMED, { reason: `key ${key} is not allowed` });
  if (typeof value === 'number') {
    const source = context?.source ?? '';
    if (!INTEGER_TOKEN.test(source) || source === '-0' || !Number.isSafeInteger(value)) {
      const def = /Fen$/.test(key) ? MoneyErrors.MONEY_NOT_INTEGER : HttpErrors.BODY_NUMBER_NOT_INTEGER;
      throw new AppError(def, { field: key, token: source.slice(0, 40) });
    }
  }
  return value;
}

/** Parses a request body. Empty text means "no body" (`undefined`); the route's schema decides whether that is allowed. */
export function parseJsonBody(text: string): unknown {
  if (text.trim() === '') return undefined;
  if (nestingDepth(text) > BODY_DEPTH_MAX)
    throw new AppError(HttpErrors.BODY_MALFORMED, { reason: `nested deeper than ${BODY_DEPTH_MAX}` });
  try {
    return JSON.parse(text, reviver as ReviverWithSource as (this: unknown, key: string, value: unknown) => unknown);
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError(HttpErrors.BODY_MALFORMED, { reason: (e as Error).message.slice(0, 200) });
  }
}

/** Deepest bracket nesting outside strings; a linear scan, so a hostile body costs one pass. */
function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92 /* \ */) i++;
      else if (c === 34 /* " */) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 /* { */ || c === 91 /* [ */) {
      depth++;
      if (depth > deepest) deepest = depth;
    } else if (c === 125 || c === 93) depth--;
  }
  return deepest;
}

// Hostile requests generated from the OpenAPI document: for every operation, inputs that its
// declaration says are invalid (a NUL in a string, a wrong type, a number past its bounds or past
// the safe range, a fraction, a string past its length, an unknown or missing property, a bad
// percent-encoding, an over-long path parameter, a broken or oversized body) and callers it says
// may not call it (no token, a forged one, the other kind of account, an operator without the
// role). Every request built here must be refused; a seeded PRNG picks which and in what order.
import { Prng, utf8Bytes } from '@fairground/rules';

export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly required?: readonly string[];
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly minItems?: number;
  readonly maxItems?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly exclusiveMinimum?: number;
  readonly exclusiveMaximum?: number;
  readonly minLength?: number;
  readonly maxLength?: number;
  readonly pattern?: string;
  readonly enum?: readonly unknown[];
  readonly const?: unknown;
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
}

export interface Operation {
  readonly method: string;
  /** The OpenAPI path (`/api/rooms/{roomId}`). */
  readonly path: string;
  readonly auth: 'none' | 'player' | 'operator';
  readonly roles: readonly string[];
  readonly pathParams: readonly { name: string; schema: JsonSchema }[];
  readonly queryParams: readonly { name: string; schema: JsonSchema; required: boolean }[];
  readonly body: JsonSchema | null;
}

/** A request to send: `as` names the caller; `rawBody` is sent verbatim. */
export interface HostileRequest {
  readonly label: string;
  readonly method: string;
  readonly url: string;
  readonly as: 'player' | 'operator' | 'operator-without-role' | 'none' | 'forged' | 'basic';
  readonly rawBody?: string;
  readonly contentType?: string;
}

export function operationsOf(doc: { paths: Record<string, Record<string, Record<string, unknown>>> }): Operation[] {
  const out: Operation[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const params = (op.parameters ?? []) as { in: string; name: string; schema: JsonSchema; required?: boolean }[];
      const body = (op.requestBody as { content?: Record<string, { schema?: JsonSchema }> } | undefined)?.content?.['application/json']
        ?.schema;
      out.push({
        method: method.toUpperCase(),
        path,
        auth: (op['x-fairground-auth'] as Operation['auth'] | undefined) ?? 'none',
        roles: (op['x-fairground-roles'] as string[] | undefined) ?? [],
        pathParams: params.filter((p) => p.in === 'path').map((p) => ({ name: p.name, schema: p.schema })),
        queryParams: params.filter((p) => p.in === 'query').map((p) => ({ name: p.name, schema: p.schema, required: p.required === true })),
        body: body ?? null,
      });
    }
  }
  return out;
}

const CANDIDATE_TEXT = ['x1', 'abc', '123456', 'p_0000000000000000000000000', 'example-key-0001', '2026-01-01', 'CN', 'a', 'xyz-1'];

function typeOf(s: JsonSchema): string | undefined {
  return Array.isArray(s.type) ? s.type.find((t) => t !== 'null') : (s.type as string | undefined);
}

/** A value the schema accepts (best effort: the mutation, not this, is what makes a request invalid). */
export function sample(s: JsonSchema, depth = 0): unknown {
  if (s.const !== undefined) return s.const;
  if (s.enum !== undefined && s.enum.length > 0) return s.enum[0];
  const alt = s.anyOf ?? s.oneOf;
  if (alt !== undefined && alt.length > 0) return sample(alt.find((a) => typeOf(a) !== 'null') ?? (alt[0] as JsonSchema), depth + 1);
  if (s.allOf !== undefined && s.allOf.length > 0) return sample(s.allOf[0] as JsonSchema, depth + 1);
  switch (typeOf(s)) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > 8) return out;
      for (const key of s.required ?? []) {
        const p = s.properties?.[key];
        if (p) out[key] = sample(p, depth + 1);
      }
      return out;
    }
    case 'array':
      return depth > 8 || (s.minItems ?? 0) === 0 || s.items === undefined
        ? []
        : Array.from({ length: s.minItems ?? 1 }, () => sample(s.items as JsonSchema, depth + 1));
    case 'integer':
    case 'number': {
      const lo = s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      return s.maximum !== undefined ? Math.min(lo, s.maximum) : lo;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      const re = s.pattern ? new RegExp(s.pattern) : null;
      const fits = (t: string) => (re === null || re.test(t)) && t.length >= (s.minLength ?? 0) && t.length <= (s.maxLength ?? 10_000);
      return CANDIDATE_TEXT.find(fits) ?? 'x'.repeat(Math.max(1, s.minLength ?? 1));
    }
  }
}

type Path = readonly (string | number)[];

function setAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const copy = structuredClone(root) as Record<string | number, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string | number, unknown>;
  node[path[path.length - 1] as string | number] = value;
  return copy;
}

function deleteAt(root: unknown, path: Path): unknown {
  const copy = structuredClone(root) as Record<string, unknown>;
  let node = copy;
  for (const key of path.slice(0, -1)) node = node[key] as Record<string, unknown>;
  delete node[path[path.length - 1] as string];
  return copy;
}

/** A marker replaced in the serialised JSON by raw number text JSON.stringify cannot produce. */
const RAW = (text: string) => `@@RAW:${text}@@`;
const serialize = (v: unknown) => JSON.stringify(v).replace(/"@@RAW:([^@]*)@@"/g, '$1');

/** Bodies that differ from a valid one in exactly one way the schema forbids. */
function bodyMutations(schema: JsonSchema): { label: string; body: string }[] {
  const base = sample(schema);
  const out: { label: string; body: string }[] = [];
  const walk = (s: JsonSchema, path: Path, depth: number) => {
    if (depth > 6) return;
    const at = path.length === 0 ? 'body' : path.join('.');
    const put = (label: string, value: unknown) => out.push({ label: `${at}: ${label}`, body: serialize(setAt(base, path, value)) });
    const union = (s.anyOf ?? s.oneOf) !== undefined || Array.isArray(s.type);
    const t = typeOf(s);
    if (!union && s.const === undefined && s.enum === undefined) {
      if (t === 'string') {
        put('NUL in text', `${String(sample(s))}\u0000`);
        put('a number for text', 12345);
        if (s.maxLength !== undefined) put('longer than allowed', 'x'.repeat(s.maxLength + 1));
      } else if (t === 'integer' || t === 'number') {
        put('text for a number', '1');
        put('past the safe integer range', RAW('99999999999999999999'));
        put('a fraction', RAW('1.5'));
        put('an exponent', RAW('1e3'));
        if (s.minimum !== undefined) put('below the minimum', s.minimum - 1);
        if (s.maximum !== undefined) put('above the maximum', s.maximum + 1);
      } else if (t === 'boolean') {
        put('text for a boolean', 'true');
      } else if (t === 'array') {
        put('an object for an array', {});
        if (s.maxItems !== undefined && s.items !== undefined && s.maxItems < 200)
          put(
            'more items than allowed',
            Array.from({ length: s.maxItems + 1 }, () => sample(s.items as JsonSchema)),
          );
      } else if (t === 'object') {
        put('text for an object', 'x');
        if (s.additionalProperties === false) put('an unknown property', { ...(sample(s) as object), unknownProperty: 1 });
        for (const key of s.required ?? []) out.push({ label: `${at}: without ${key}`, body: serialize(deleteAt(base, [...path, key])) });
      }
    } else if (s.enum !== undefined || s.const !== undefined) {
      put('a value outside the allowed set', 'not-an-allowed-value');
    }
    if (t === 'object' && !union) {
      for (const [key, p] of Object.entries(s.properties ?? {})) {
        // Only properties present in the base (the required ones) lead deeper; optional ones are added whole.
        if ((s.required ?? []).includes(key)) walk(p, [...path, key], depth + 1);
        else if (typeOf(p) === 'string' && p.enum === undefined && p.const === undefined)
          out.push({ label: `${at}.${key}: NUL in optional text`, body: serialize(setAt(base, [...path, key], 'x\u0000y')) });
      }
    }
  };
  walk(schema, [], 0);
  out.push({ label: 'body: not JSON', body: '{"unterminated' });
  out.push({ label: 'body: nested too deep', body: `${'['.repeat(100)}${']'.repeat(100)}` });
  out.push({ label: 'body: a prototype key', body: '{"__proto__":{"x":1}}' });
  return out;
}

function fill(path: string, params: readonly { name: string; schema: JsonSchema }[], override?: { name: string; raw: string }): string {
  let url = path;
  for (const p of params) {
    const value = override?.name === p.name ? override.raw : encodeURIComponent(String(sample(p.schema)));
    url = url.replace(`{${p.name}}`, value);
  }
  return url;
}

/** Every hostile request for one operation. */
export function hostileRequests(op: Operation): HostileRequest[] {
  const out: HostileRequest[] = [];
  const as = op.auth === 'none' ? 'none' : op.auth;
  const url = fill(op.path, op.pathParams);
  const validBody = op.body === null ? undefined : serialize(sample(op.body));
  const req = (label: string, o: Partial<HostileRequest>): HostileRequest => ({
    label: `${op.method} ${op.path} — ${label}`,
    method: op.method,
    url,
    as,
    ...(validBody !== undefined ? { rawBody: validBody } : {}),
    ...o,
  });
  if (op.auth !== 'none') {
    out.push(req('no token', { as: 'none' }));
    out.push(req('a forged token', { as: 'forged' }));
    out.push(req('a Basic header', { as: 'basic' }));
    out.push(req('the other kind of account', { as: op.auth === 'player' ? 'operator' : 'player' }));
    if (op.auth === 'operator' && op.roles.length < 4) out.push(req('an operator without the role', { as: 'operator-without-role' }));
  }
  for (const p of op.pathParams) {
    const bad = (label: string, raw: string) =>
      out.push(req(`path ${p.name}: ${label}`, { url: fill(op.path, op.pathParams, { name: p.name, raw }) }));
    bad('a NUL', 'x%00y');
    bad('a bad percent-encoding', '%ZZ');
    bad('longer than the router takes', 'a'.repeat(200));
    bad('a control character', 'x%01');
    bad('an overlong UTF-8 encoding', '%C0%80');
    bad('a lone UTF-8 continuation byte', '%80x');
    if (typeOf(p.schema) === 'integer') {
      bad('past the safe integer range', '99999999999999999999');
      bad('not a number', 'abc');
      bad('a fraction', '1.5');
    }
  }
  for (const q of op.queryParams) {
    const bad = (label: string, raw: string) => out.push(req(`query ${q.name}: ${label}`, { url: `${url}?${q.name}=${raw}` }));
    bad('a NUL', 'x%00y');
    bad('a bad percent-encoding', '%ZZ');
    bad('a control character', 'x%1Fy');
    bad('given twice', `${encodeURIComponent(String(sample(q.schema)))}&${q.name}=${encodeURIComponent(String(sample(q.schema)))}`);
    const t = typeOf(q.schema);
    if (t === 'integer' || t === 'number') {
      bad('past the safe integer range', '99999999999999999999');
      bad('not a number', 'abc');
      bad('a fraction', '1.5');
      if (q.schema.minimum !== undefined) bad('below the minimum', String(q.schema.minimum - 1));
      if (q.schema.maximum !== undefined) bad('above the maximum', String(q.schema.maximum + 1));
    } else if (t === 'string' && q.schema.maxLength !== undefined) {
      bad('longer than allowed', 'x'.repeat(q.schema.maxLength + 1));
    }
  }
  if (op.body !== null) {
    for (const m of bodyMutations(op.body)) out.push(req(m.label, { rawBody: m.body }));
    out.push(req('body: not JSON content', { rawBody: 'a=1', contentType: 'application/x-www-form-urlencoded' }));
    out.push(req('body: larger than the limit', { rawBody: JSON.stringify({ pad: 'x'.repeat(70_000) }) }));
  }
  return out;
}

/** Up to `max` requests over all operations, in a seeded order that keeps every operation represented. */
export function pick(all: readonly HostileRequest[][], seed: string, max: number): HostileRequest[] {
  const rng = Prng.fromSeed(utf8Bytes(`api-fuzz:${seed}:0123456789abcdef`), 'fuzz');
  const shuffled = all.map((list) => {
    const copy = [...list];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = rng.nextInt(i + 1);
      [copy[i], copy[j]] = [copy[j] as HostileRequest, copy[i] as HostileRequest];
    }
    return copy;
  });
  const out: HostileRequest[] = [];
  // Round-robin over operations: every operation gets its first few before any gets many.
  for (let round = 0; out.length < max; round++) {
    let added = false;
    for (const list of shuffled) {
      const r = list[round];
      if (r !== undefined && out.length < max) {
        out.push(r);
        added = true;
      }
    }
    if (!added) break;
  }
  return out;
}

// The error catalogue. Each domain declares its errors once with `defineErrors`; a code is stable
// forever (never renamed, never reused) and carries its HTTP status, a message, and whether the
// same request may succeed if retried unchanged. `errors.catalogue.json` pins every code; a test
// fails when a code disappears or changes.

export interface ErrorSpec {
  readonly status: number;
  readonly message: string;
  /** True when retrying the very same request later can succeed (a timeout, a busy resource). */
  readonly retryable?: boolean;
}

export interface ErrorDef extends Required<ErrorSpec> {
  readonly code: string;
  readonly domain: string;
}

const registry = new Map<string, ErrorDef>();

/**
 * Declares the errors of one domain. Throws (a programmer error) if a code is declared twice
 * anywhere, or is not SCREAMING_SNAKE_CASE.
 */
export function defineErrors<const T extends Record<string, ErrorSpec>>(domain: string, specs: T): { readonly [K in keyof T]: ErrorDef } {
  const out: Record<string, ErrorDef> = {};
  for (const [code, spec] of Object.entries(specs)) {
    if (!/^[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/.test(code)) throw new Error(`error code ${code} is not SCREAMING_SNAKE_CASE`);
    if (spec.status < 400 || spec.status > 599) throw new Error(`error ${code} has status ${spec.status}`);
    const def: ErrorDef = { code, domain, status: spec.status, message: spec.message, retryable: spec.retryable ?? false };
    const existing = registry.get(code);
    if (existing && (existing.domain !== domain || existing.status !== def.status || existing.message !== def.message)) {
      throw new Error(`error code ${code} declared twice (${existing.domain}, ${domain})`);
    }
    registry.set(code, def);
    out[code] = def;
  }
  return out as { readonly [K in keyof T]: ErrorDef };
}

/** Every code declared so far, sorted. */
export function errorCatalogue(): ErrorDef[] {
  return [...registry.values()].sort((a, b) => a.code.localeCompare(b.code));
}

/**
 * An expected failure with a stable code. Programmer errors are plain `Error`s (assertions);
 * everything a user, a client or an outside system can cause is an `AppError`.
 */
export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly retryable: boolean;
  readonly details: Readonly<Record<string, unknown>> | undefined;

  constructor(def: ErrorDef, details?: Record<string, unknown>, message?: string) {
    super(message ?? def.message);
    this.name = 'AppError';
    this.code = def.code;
    this.status = def.status;
    this.retryable = def.retryable;
    this.details = details;
  }

  toJSON(): { code: string; message: string; retryable: boolean; details?: Readonly<Record<string, unknown>> } {
    return this.details === undefined
      ? { code: this.code, message: this.message, retryable: this.retryable }
      : { code: this.code, message: this.message, retryable: this.retryable, details: this.details };
  }
}

export function isAppError(e: unknown, def?: ErrorDef): e is AppError {
  return e instanceof AppError && (def === undefined || e.code === def.code);
}

export const CoreErrors = defineErrors('core', {
  VALIDATION_FAILED: { status: 400, message: 'the request does not match its schema' },
  ID_INVALID: { status: 400, message: 'the identifier is malformed' },
  NOT_FOUND: { status: 404, message: 'no such resource' },
  INTERNAL: { status: 500, message: 'internal error', retryable: true },
});

/** Asserts a programmer invariant; failure is a bug, so it throws a plain Error and is never caught as a user error. */
export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) assertionFailed(message);
}

/**
 * An assertion that has already failed: for an invariant checked by a branch whose message needs
 * values only that branch has (`if (!r.ok) assertionFailed(\`… ${r.error.code}\`)`), or for code that cannot be
 * reached.
 */
export function assertionFailed(message: string): never {
  throw new Error(`assertion failed: ${message}`);
}

/**
 * Returns `value`, asserting that it is present: for a row or a batch result the code itself just
 * wrote, where `null` or `undefined` is a bug rather than an answer.
 */
export function present<T>(value: T | null | undefined, message: string): T {
  assert(value !== null && value !== undefined, message);
  return value;
}

// Expected failures in the pure rules are returned, not thrown: a room server replays untrusted
// actions and must get a value it can send back to the player with its stable code.
import type { AppError } from '@fairground/core';

export type RulesResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: AppError };

export function ok<T>(value: T): RulesResult<T> {
  return { ok: true, value };
}

export function fail<T>(error: AppError): RulesResult<T> {
  return { ok: false, error };
}

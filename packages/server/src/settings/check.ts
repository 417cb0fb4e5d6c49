// Checking a proposed value: its shape against a TypeBox schema first (every problem listed with
// its JSON path), then what a schema cannot say.
import { AppError } from '@fairground/core';
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { SettingsErrors } from './errors.ts';

const PROBLEMS_MAX = 10;

export function checkShape<T>(schema: TSchema, value: unknown): T {
  const problems: string[] = [];
  for (const e of Value.Errors(schema, value)) {
    problems.push(`${e.path || '/'}: ${e.message}`);
    if (problems.length >= PROBLEMS_MAX) break;
  }
  if (problems.length > 0) throw new AppError(SettingsErrors.SETTINGS_INVALID, { problems });
  return value as T;
}

export function invalid(problems: readonly string[]): never {
  throw new AppError(SettingsErrors.SETTINGS_INVALID, { problems: [...problems] });
}

export function outsidePolicy(field: string, value: number, min: number, max: number, policies: readonly string[]): never {
  throw new AppError(
    SettingsErrors.SETTINGS_OUTSIDE_POLICY,
    { field, value, min, max, policies: [...policies] },
    `${field} ${value} is outside ${min}..${max} allowed by the jurisdiction policy${policies.length ? ` (${policies.join(', ')})` : ' (default bounds)'}`,
  );
}

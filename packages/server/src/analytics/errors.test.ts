import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { AnalyticsErrors } from './errors.ts';

it('keeps every pinned analytics code with its status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('./errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { status: number; retryable: boolean }
  >;
  const now = new Map(Object.values(AnalyticsErrors).map((e) => [e.code, e]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
  for (const code of now.keys()) assert.ok(code in pinned, `new code ${code}: pin it in errors.catalogue.json`);
});

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { AppError, CoreErrors, defineErrors, errorCatalogue } from './index.ts';

it('keeps every pinned core code with its status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('./errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { status: number; retryable: boolean }
  >;
  const now = new Map(errorCatalogue().map((e) => [e.code, e]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
});

it('refuses to declare one code twice with different meaning', () => {
  assert.throws(() => defineErrors('other', { NOT_FOUND: { status: 410, message: 'gone' } }), /declared twice/);
});

it('serialises to the wire shape clients rely on', () => {
  const e = new AppError(CoreErrors.NOT_FOUND, { id: 'x' });
  assert.deepEqual(JSON.parse(JSON.stringify(e)), {
    code: 'NOT_FOUND',
    message: 'no such resource',
    retryable: false,
    details: { id: 'x' },
  });
});

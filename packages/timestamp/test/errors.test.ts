// The error catalogue is an API: the server will branch on these codes and their retry flags.
// `src/errors.catalogue.json` pins them; a code may be added, never renamed, removed or changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { TimestampErrors } from '../src/index.ts';

it('keeps every pinned timestamp code with its status and retry flag, and pins every new one', () => {
  const pinned = JSON.parse(readFileSync(new URL('../src/errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { status: number; retryable: boolean }
  >;
  const now = new Map(Object.values(TimestampErrors).map((d) => [d.code, d]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
  assert.deepEqual(
    [...now.keys()].filter((c) => !(c in pinned)),
    [],
    'new codes must be pinned in errors.catalogue.json',
  );
});

it('marks only an unreachable TSA and a garbled answer as worth retrying', () => {
  const retryable = Object.values(TimestampErrors)
    .filter((d) => d.retryable)
    .map((d) => d.code)
    .sort();
  assert.deepEqual(retryable, ['TSA_BAD_RESPONSE', 'TSA_UNAVAILABLE']);
});

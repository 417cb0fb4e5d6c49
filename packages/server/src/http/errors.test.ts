import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { errorCatalogue } from '@fairground/core';
import '../accounts/errors.ts';
import '../compliance/errors.ts';
import '../wallet/errors.ts';
import './errors.ts';

// Clients branch on these codes; a code is never renamed, reused or given another status.
it('keeps every pinned platform error code with its domain, status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('./errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { domain: string; status: number; retryable: boolean }
  >;
  const now = new Map(errorCatalogue().map((e) => [e.code, e]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.domain, spec.domain, `${code} moved domain`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
  const unpinned = [...now.values()].filter((e) => ['accounts', 'compliance', 'http', 'wallet'].includes(e.domain) && !(e.code in pinned));
  assert.deepEqual(
    unpinned.map((e) => e.code),
    [],
    'new codes are added to errors.catalogue.json',
  );
});

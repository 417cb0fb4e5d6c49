import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { errorCatalogue } from '@fairground/core';
import './errors.ts';

// Clients branch on these codes; a code is never renamed, reused or given another status.
it('keeps every pinned payments error code with its status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('./errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { domain: string; status: number; retryable: boolean }
  >;
  const now = new Map(errorCatalogue().map((e) => [e.code, e]));
  for (const [code, spec] of Object.entries(pinned)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.deepEqual({ domain: def.domain, status: def.status, retryable: def.retryable }, spec, code);
  }
  const unpinned = [...now.values()].filter((e) => e.domain === 'payments' && !(e.code in pinned)).map((e) => e.code);
  assert.deepEqual(unpinned, [], 'new codes are added to errors.catalogue.json');
});

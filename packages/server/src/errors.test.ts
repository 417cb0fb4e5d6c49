// Every error code the server can send, pinned in one place: clients branch on these codes, so a
// code is never renamed, reused, moved to another domain, or given another status or retry flag.
// The catalogue is read from the registry after the whole platform is loaded (app.ts imports every
// domain) and the storage adapters, so a code declared anywhere in the server is covered.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { errorCatalogue } from '@fairground/core';
import './app.ts';
import './adapters/open.ts';

const PINNED_ERRORS = JSON.parse(readFileSync(new URL('./errors.catalogue.json', import.meta.url), 'utf8')) as Record<
  string,
  { domain: string; status: number; retryable: boolean }
>;

it('keeps every error code the server can send with its domain, status and retry flag, and pins every new one', () => {
  const now = new Map(errorCatalogue().map((e) => [e.code, e]));
  for (const [code, spec] of Object.entries(PINNED_ERRORS)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.deepEqual({ domain: def.domain, status: def.status, retryable: def.retryable }, spec, `${code} changed`);
  }
  const unpinned = [...now.keys()].filter((code) => !(code in PINNED_ERRORS));
  assert.deepEqual(unpinned, [], 'new codes are added to src/errors.catalogue.json');
});

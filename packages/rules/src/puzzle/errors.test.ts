import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { errorCatalogue } from '@fairground/core';
import './index.ts';

it('keeps every pinned puzzle error code with its status and retry flag, and pins every new one', () => {
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
  for (const def of errorCatalogue()) {
    if (def.domain === 'puzzle') assert.ok(def.code in pinned, `new code ${def.code}: pin it in errors.catalogue.json`);
  }
});

// The error catalogues are an API: the server branches on these codes and their retry flags.
// `src/errors.catalogue.json` and `src/sandbox/errors.catalogue.json` pin them; a code may be added,
// never renamed, removed or changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import type { ErrorDef } from '@fairground/core';
import { describeErrcode, errcodeTable, errmsgOf, NPPA_ERRCODES, NppaErrors } from '../src/index.ts';
import { SandboxErrors } from '../src/sandbox/index.ts';

function pinned(file: string): Record<string, { status: number; retryable: boolean }> {
  return JSON.parse(readFileSync(new URL(file, import.meta.url), 'utf8'));
}

function assertPinned(defs: Record<string, ErrorDef>, file: string): void {
  const pins = pinned(file);
  const now = new Map(Object.values(defs).map((d) => [d.code, d]));
  for (const [code, spec] of Object.entries(pins)) {
    const def = now.get(code);
    assert.ok(def, `pinned error code ${code} disappeared`);
    assert.equal(def.status, spec.status, `${code} status changed`);
    assert.equal(def.retryable, spec.retryable, `${code} retryable changed`);
  }
  assert.deepEqual(
    [...now.keys()].filter((c) => !(c in pins)),
    [],
    `new codes must be pinned in ${file}`,
  );
}

it('keeps every pinned client code with its status and retry flag', () => {
  assertPinned(NppaErrors, '../src/errors.catalogue.json');
});

it('keeps every pinned sandbox code with its status and retry flag', () => {
  assertPinned(SandboxErrors, '../src/sandbox/errors.catalogue.json');
});

it('gives every documented errcode its own catalogue code, and undocumented ones NPPA_UNKNOWN_ERRCODE', () => {
  const documented = NPPA_ERRCODES.map((s) => s.errcode);
  assert.deepEqual(
    errcodeTable().map(([errcode]) => errcode),
    documented,
  );
  const codes = documented.map((e) => describeErrcode(e).code);
  assert.equal(new Set(codes).size, codes.length, 'two errcodes share a catalogue code');
  assert.ok(!codes.includes('NPPA_UNKNOWN_ERRCODE'));
  assert.equal(describeErrcode(9999).code, 'NPPA_UNKNOWN_ERRCODE');
  assert.equal(describeErrcode(1006), NppaErrors.NPPA_RATE_LIMITED);
  assert.equal(describeErrcode(1011), NppaErrors.NPPA_SIGNATURE_INVALID);
  assert.equal(describeErrcode(2004), NppaErrors.NPPA_AI_IN_USE);
});

it('marks as retryable exactly the errcodes a retry of the same request can get past', () => {
  const retryable = NPPA_ERRCODES.filter((s) => describeErrcode(s.errcode).retryable).map((s) => s.errcode);
  assert.deepEqual(retryable, [1001, 1006, 1007, 3001, 4001]);
});

it('names errcodes on the wire as NPPA does (TEST TASK NOT EXIST)', () => {
  assert.equal(errmsgOf(4002), 'TEST TASK NOT EXIST');
  assert.equal(errmsgOf(0), 'OK');
  assert.throws(() => errmsgOf(1234));
});

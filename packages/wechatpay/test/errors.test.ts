// The error catalogue is an API: payment code branches on these codes and their retry advice.
// `src/errors.catalogue.json` pins them; a code may be added, never renamed, removed or changed.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { it } from 'node:test';
import { canonicalWechatCode, describeWechatCode, WechatPayErrors } from '../src/index.ts';

it('keeps every pinned wechatpay code with its status and retry flag', () => {
  const pinned = JSON.parse(readFileSync(new URL('../src/errors.catalogue.json', import.meta.url), 'utf8')) as Record<
    string,
    { status: number; retryable: boolean }
  >;
  const now = new Map(Object.values(WechatPayErrors).map((d) => [d.code, d]));
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

it('maps each documented WeChat code to its own catalogue entry, and legacy spellings to the same one', () => {
  for (const code of [
    'SIGN_ERROR',
    'PARAM_ERROR',
    'ORDERPAID',
    'ORDER_CLOSED',
    'NOT_ENOUGH',
    'FREQUENCY_LIMITED',
    'SYSTEM_ERROR',
    'INVALID_REQUEST',
  ]) {
    assert.equal(describeWechatCode(code, 400).def.code, `WECHATPAY_${code}`);
  }
  assert.equal(canonicalWechatCode('SYSTEMERROR'), 'SYSTEM_ERROR');
  assert.equal(describeWechatCode('ORDERNOTEXIST', 404).def, WechatPayErrors.WECHATPAY_ORDER_NOT_EXIST);
  assert.equal(describeWechatCode('NOAUTH', 403).def, WechatPayErrors.WECHATPAY_NO_AUTH);
});

it('keeps retrySameRequest of each documented code equal to the catalogue retry flag', () => {
  for (const code of ['PARAM_ERROR', 'NOT_ENOUGH', 'FREQUENCY_LIMITED', 'SYSTEM_ERROR', 'ORDER_CLOSED', 'SIGN_ERROR']) {
    const d = describeWechatCode(code, 400);
    assert.equal(d.retrySameRequest, d.def.retryable, code);
  }
});

import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { createSealer } from './sealing.ts';

it('opens what it sealed, and nothing sealed for another record, purpose or key', () => {
  const key = randomBytes(32);
  const kyc = createSealer(key, 'kyc');
  const sealed = kyc.seal('张三|110101199003077777', 'p_1');
  assert.ok(!sealed.includes('张三'));
  assert.equal(kyc.open(sealed, 'p_1'), '张三|110101199003077777');
  assert.throws(() => kyc.open(sealed, 'p_2'));
  assert.throws(() => createSealer(key, 'totp').open(sealed, 'p_1'));
  assert.throws(() => createSealer(randomBytes(32), 'kyc').open(sealed, 'p_1'));
  assert.notEqual(kyc.seal('x', 'p_1'), kyc.seal('x', 'p_1'), 'a fresh IV each time');
  assert.equal(kyc.fingerprint('x'), kyc.fingerprint('x'));
});

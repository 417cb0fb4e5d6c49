// What the deposit and withdrawal pages say about a typed amount before anything is sent.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { formatAmount } from '../src/shared/money.ts';
import { amountProblem, depositRefusal, limitReason, paymentsText } from '../src/pages/payments-i18n.ts';

const cny = (f: number) => formatAmount('CNY', f);

it('refuses a malformed amount and one outside the range, in the player’s language', () => {
  const zh = paymentsText('zh');
  const en = paymentsText('en');
  const range = { minFen: 100, maxFen: 5000 };
  assert.equal(amountProblem(zh, '12.345', range, cny), zh('amountInvalid'));
  assert.equal(amountProblem(zh, 'abc', range, cny), zh('amountInvalid'));
  assert.equal(amountProblem(zh, '0', range, cny), zh('amountInvalid'));
  assert.equal(amountProblem(en, '-5', range, cny), en('amountInvalid'));
  assert.equal(amountProblem(zh, '0.99', range, cny), '金额须在 ¥1.00 到 ¥50.00 之间');
  assert.equal(amountProblem(en, '50.01', range, cny), 'The amount must be between ¥1.00 and ¥50.00');
  assert.equal(amountProblem(zh, '50', range, cny), null);
  assert.equal(amountProblem(zh, ' 1.5 ', range, cny), null);
});

it('names a deposit limit in words and never shows its code', () => {
  const zh = paymentsText('zh');
  assert.match(limitReason(zh, 'SELF_DEPOSIT_LIMIT') ?? '', /你自己设置的充值限额/);
  assert.equal(limitReason(zh, 'SOMETHING_NEW'), null);
  const refused = depositRefusal(zh, 'COMPLIANCE_DENIED', { reason: 'DEPOSIT_MONTHLY_LIMIT' }) ?? '';
  assert.match(refused, /每月充值上限/);
  assert.doesNotMatch(refused, /[A-Z]+_[A-Z_]+/);
});

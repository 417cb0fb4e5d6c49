import assert from 'node:assert/strict';
import { it } from 'node:test';
import fc from 'fast-check';
import { fenToYuan, formatAmount, formatMilliFen, yuanToFen } from '../src/shared/money.ts';

it('shows fen as yuan without floats', () => {
  assert.equal(fenToYuan(0), '0.00');
  assert.equal(fenToYuan(5), '0.05');
  assert.equal(fenToYuan(-5), '-0.05');
  assert.equal(fenToYuan(12345678), '123,456.78');
  assert.equal(formatAmount('CNY', 8888), '¥88.88');
  assert.equal(formatAmount('ROOM_CARD', 3), '3');
});

it('reads typed yuan back to exact fen, and refuses anything else', () => {
  assert.equal(yuanToFen('88.88'), 8888);
  assert.equal(yuanToFen('0.1'), 10);
  assert.equal(yuanToFen('-3'), -300);
  for (const bad of ['', '1.234', '1e3', 'abc', '1,000', '.5', '--1']) assert.equal(yuanToFen(bad), null, bad);
  fc.assert(
    fc.property(fc.integer({ min: -99_999_999_999, max: 99_999_999_999 }), (fen) => {
      assert.equal(yuanToFen(fenToYuan(fen).replaceAll(',', '')), fen);
    }),
  );
});

it('shows a bill fee in thousandths of a fen as exact yuan', () => {
  assert.equal(formatMilliFen(5940), '¥0.0594');
  assert.equal(formatMilliFen(600_000), '¥6.00');
  assert.equal(formatMilliFen(1), '¥0.00001');
  assert.equal(formatMilliFen(0), '¥0.00');
  assert.equal(formatMilliFen(-123_456_780), '-¥1,234.5678');
  assert.throws(() => formatMilliFen(0.5), RangeError);
});

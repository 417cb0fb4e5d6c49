import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import {
  applyBps,
  type Fen,
  FEN_BOUNDS_POSITIVE,
  fenFromDb,
  formatYuan,
  parseYuan,
  splitByWeights,
  splitEvenly,
  toBps,
  toFen,
} from './money.ts';
import { isAppError } from './errors.ts';

function code(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isAppError(e) ? e.code : `non-app:${String(e)}`;
  }
  return undefined;
}

describe('Fen', () => {
  it('accepts safe integers inside the bounds', () => {
    assert.equal(toFen(1, FEN_BOUNDS_POSITIVE), 1);
    assert.equal(toFen(Number.MAX_SAFE_INTEGER), Number.MAX_SAFE_INTEGER);
  });

  it('refuses everything that is not an exact safe integer', () => {
    for (const bad of ['1', 1.5, Number.NaN, Infinity, -0, 2 ** 53, null, undefined, 10n, {}]) {
      assert.equal(
        code(() => toFen(bad)),
        'MONEY_NOT_INTEGER',
        `value ${String(bad)}`,
      );
    }
  });

  it('refuses amounts outside the configured bounds', () => {
    assert.equal(
      code(() => toFen(0, FEN_BOUNDS_POSITIVE)),
      'MONEY_OUT_OF_RANGE',
    );
    assert.equal(
      code(() => toFen(-1, FEN_BOUNDS_POSITIVE)),
      'MONEY_OUT_OF_RANGE',
    );
    assert.equal(
      code(() => toFen(1001, { minFen: 1, maxFen: 1000 })),
      'MONEY_OUT_OF_RANGE',
    );
  });

  it('parses database values exactly and refuses anything inexact', () => {
    assert.equal(fenFromDb('9007199254740991'), Number.MAX_SAFE_INTEGER);
    assert.equal(fenFromDb('-42'), -42);
    assert.equal(fenFromDb(42n), 42);
    assert.equal(
      code(() => fenFromDb('9007199254740992')),
      'MONEY_OVERFLOW',
    );
    assert.equal(
      code(() => fenFromDb('1.0')),
      'MONEY_NOT_INTEGER',
    );
    assert.equal(
      code(() => fenFromDb('1e3')),
      'MONEY_NOT_INTEGER',
    );
    assert.equal(
      code(() => fenFromDb(2n ** 60n)),
      'MONEY_OVERFLOW',
    );
  });

  it('formats and parses yuan without floating point', () => {
    assert.equal(formatYuan(toFen(5000)), '50.00');
    assert.equal(formatYuan(toFen(7)), '0.07');
    assert.equal(formatYuan(toFen(-1234)), '-12.34');
    assert.equal(parseYuan('0.1'), 10);
    assert.equal(parseYuan('12.34'), 1234);
    assert.equal(
      code(() => parseYuan('1.234')),
      'MONEY_NOT_INTEGER',
    );
    assert.equal(
      code(() => parseYuan('0')),
      'MONEY_OUT_OF_RANGE',
    );
  });
});

describe('basis points', () => {
  it('floors amount × bps / 10000 exactly, even near 2^53', () => {
    assert.equal(applyBps(toFen(999), toBps(500)), 49);
    assert.equal(applyBps(toFen(Number.MAX_SAFE_INTEGER), toBps(10_000)), Number.MAX_SAFE_INTEGER);
    assert.equal(applyBps(toFen(Number.MAX_SAFE_INTEGER), toBps(1)), Math.floor(Number.MAX_SAFE_INTEGER / 10_000));
    assert.equal(
      code(() => toBps(10_001)),
      'RATE_INVALID',
    );
    assert.equal(
      code(() => toBps(1.5)),
      'RATE_INVALID',
    );
  });
});

describe('splitting', () => {
  it('gives the remainder one fen at a time to the first parts', () => {
    assert.deepEqual(splitEvenly(toFen(10), 3), [4, 3, 3]);
    assert.deepEqual(splitEvenly(toFen(11), 3), [4, 4, 3]);
    assert.deepEqual(splitByWeights(toFen(7), [0, 1, 1]), [0, 4, 3]);
  });

  it('always sums exactly to the whole (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 1, maxLength: 12 }).filter((w) => w.some((x) => x > 0)),
        (total, weights) => {
          const parts = splitByWeights(total as Fen, weights);
          assert.equal(parts.length, weights.length);
          assert.equal(
            parts.reduce((a, b) => a + BigInt(b), 0n),
            BigInt(total),
          );
          parts.forEach((p, i) => {
            assert.ok(Number.isSafeInteger(p) && p >= 0);
            if (weights[i] === 0) assert.equal(p, 0);
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('rake plus prize always equals the pool (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }), fc.integer({ min: 0, max: 10_000 }), (pool, bps) => {
        const rake = applyBps(pool as Fen, toBps(bps));
        assert.ok(rake >= 0 && rake <= pool);
        assert.equal(BigInt(rake) * 10_000n <= BigInt(pool) * BigInt(bps), true);
      }),
    );
  });
});

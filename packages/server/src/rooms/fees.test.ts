import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AppError } from '@fairground/core';
import fc from 'fast-check';
import { chinaDay, checkFeeSchedule, DEFAULT_FEE_SCHEDULE, feeBlocks, formatOrderId, paymentFor, quoteFee } from './fees.ts';

describe('room fees', () => {
  it('prices by started block of eight hands, per seat, owner for all or each seat (AA)', () => {
    assert.deepEqual([8, 9, 16].map(feeBlocks), [1, 2, 2]);
    const owner = quoteFee({ mode: 'room_card', payer: 'owner' }, 5, 12, DEFAULT_FEE_SCHEDULE);
    assert.deepEqual(owner.owner, { cards: 10, cashFen: 0 });
    assert.deepEqual(owner.joiner, { cards: 0, cashFen: 0 });
    const aa = quoteFee({ mode: 'cash', payer: 'aa' }, 5, 8, DEFAULT_FEE_SCHEDULE);
    assert.deepEqual(aa.owner, { cards: 0, cashFen: 200 });
    assert.deepEqual(aa.joiner, { cards: 0, cashFen: 200 });
  });

  it('takes the commission on the cash part only, after points', () => {
    const q = quoteFee({ mode: 'cash', payer: 'owner' }, 3, 8, DEFAULT_FEE_SCHEDULE);
    assert.deepEqual(paymentFor(q.owner, 0, q), { cards: 0, points: 0, cashFen: 600, commissionFen: 60, remainderFen: 540 });
    assert.deepEqual(paymentFor(q.owner, 300, q), { cards: 0, points: 300, cashFen: 300, commissionFen: 30, remainderFen: 270 });
    assert.throws(
      () => paymentFor(q.owner, 301, q),
      (e) => e instanceof AppError && e.code === 'ROOM_POINTS_INVALID',
    );
    const rc = quoteFee({ mode: 'room_card', payer: 'owner' }, 3, 8, DEFAULT_FEE_SCHEDULE);
    assert.throws(
      () => paymentFor(rc.owner, 1, rc),
      (e) => e instanceof AppError && e.code === 'ROOM_POINTS_CASH_ONLY',
    );
  });

  it('never loses or invents a fen: points + commission + remainder = fee, for any fee and rate', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000_000 }),
        fc.integer({ min: 500, max: 1500 }),
        fc.integer({ min: 0, max: 10_000 }),
        (fee, bps, cover) => {
          const q = { mode: 'cash' as const, commissionBps: bps, pointsCoverBpsMax: cover };
          const points = Math.floor((fee * cover) / 10_000);
          const p = paymentFor({ cards: 0, cashFen: fee }, points, q);
          return p.points + p.commissionFen + p.remainderFen === fee && p.commissionFen >= 0 && p.remainderFen >= 0;
        },
      ),
    );
  });

  it('keeps the commission between 5 and 15 per cent', () => {
    assert.throws(() => checkFeeSchedule({ ...DEFAULT_FEE_SCHEDULE, commissionBps: 499 }), /commissionBps/);
    assert.throws(() => checkFeeSchedule({ ...DEFAULT_FEE_SCHEDULE, commissionBps: 1501 }), /commissionBps/);
    assert.equal(checkFeeSchedule({ ...DEFAULT_FEE_SCHEDULE, commissionBps: 1500 }).commissionBps, 1500);
  });

  it('writes order ids as prefix + China time yyyyMMddHHmmss + six-digit sequence, like wx20231101123456', () => {
    assert.equal(formatOrderId('rf', Date.UTC(2023, 10, 1, 4, 34, 56), 7), 'rf20231101123456000007');
    assert.equal(formatOrderId('rc', Date.UTC(2023, 11, 31, 16, 0, 0), 1_000_001), 'rc20240101000000000001');
    assert.equal(chinaDay(Date.UTC(2026, 0, 1, 16)), '2026-01-02');
  });
});

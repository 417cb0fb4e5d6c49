// Identity numbers: the check character, birth dates, and age on the Beijing calendar — the
// platform's only source for minor or adult, since NPPA answers with a pi and no age.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import {
  ageYearsAt,
  birthDateOf,
  idNumberFor,
  idNumberProblem,
  isMinorAt,
  newAi,
  PRESET_CHECK_FAILED,
  PRESET_CHECK_IN_PROGRESS,
  PRESET_CHECK_OK,
} from '../src/index.ts';

it('accepts every official preset number, and the spec example with a wrong check character is refused', () => {
  for (const p of [...PRESET_CHECK_OK, ...PRESET_CHECK_IN_PROGRESS, ...PRESET_CHECK_FAILED])
    assert.equal(idNumberProblem(p.idNum), null, p.idNum);
  // The spec's encryption example uses 371321199012310912, whose check character should be 6.
  assert.equal(idNumberProblem('371321199012310912'), 'check-character');
  assert.equal(idNumberProblem('371321199012310916'), null);
});

it('names what is wrong with a malformed number', () => {
  assert.equal(idNumberProblem('11000019010101000'), 'length');
  assert.equal(idNumberProblem('11000019010101001x'), 'shape', 'lower-case x is refused');
  assert.equal(idNumberProblem('010000190101010001'), 'shape', 'regions do not start with 0');
  assert.equal(idNumberProblem('110000190102300001'), 'birth-date', '30 February');
  assert.equal(idNumberProblem('110000189912310001'), 'birth-date', 'born before 1900');
  assert.equal(idNumberProblem('110000190101010002'), 'check-character');
});

it('reads the birth date and counts age on the Beijing calendar', () => {
  const idNum = idNumberFor('2008-01-05');
  assert.equal(birthDateOf(idNum), '2008-01-05');
  // 2026-01-04 16:00 UTC is already 2026-01-05 00:00 in Beijing: the 18th birthday has begun.
  assert.equal(ageYearsAt(idNum, Date.UTC(2026, 0, 4, 15, 59, 59)), 17);
  assert.equal(ageYearsAt(idNum, Date.UTC(2026, 0, 4, 16, 0, 0)), 18);
  assert.equal(isMinorAt(idNum, Date.UTC(2026, 0, 4, 15, 59, 59)), true);
  assert.equal(isMinorAt(idNum, Date.UTC(2026, 0, 4, 16, 0, 0)), false);
  assert.equal(ageYearsAt('not a number', 0), null);
});

it('counts a 29 February birthday from 1 March in other years', () => {
  const idNum = idNumberFor('2008-02-29');
  assert.equal(ageYearsAt(idNum, Date.UTC(2026, 1, 28, 4)), 17);
  assert.equal(ageYearsAt(idNum, Date.UTC(2026, 2, 1, 4)), 18);
});

it('makes valid numbers for a birth date and refuses impossible dates', () => {
  assert.equal(idNumberFor('1901-01-01', '110000', '000'), '110000190101010001');
  assert.throws(() => idNumberFor('2023-02-29'), RangeError);
  assert.throws(() => idNumberFor('2000-01-01', '010000'), RangeError);
});

it('makes a fresh 32-character ai every time', () => {
  const a = newAi();
  assert.match(a, /^[0-9a-f]{32}$/);
  assert.notEqual(newAi(), a);
});

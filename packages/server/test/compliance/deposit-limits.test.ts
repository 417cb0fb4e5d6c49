// The deposit limits compliance hands payments (which counts open orders against them, and again
// when money arrives) are exactly the ones its own rules refuse deposits by: for every age band,
// own limit and total in a grid, the first limit the list says a deposit breaks is the code
// evaluatePlayer answers, and a deposit the list lets through is allowed.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { depositLimitsOf, evaluatePlayer, loadPolicyFile, type PlayerFacts, type Totals } from '../../src/compliance/index.ts';

const POLICIES = fileURLToPath(new URL('../../src/compliance/policies/', import.meta.url));
const NOW_MS = Date.UTC(2026, 0, 13, 2, 0, 0);
const LIMIT_CODES = new Set([
  'MINOR_PAYMENT_DENIED',
  'MINOR_PAYMENT_CAP',
  'MINOR_DAILY_CAP',
  'MINOR_MONTHLY_CAP',
  'DEPOSIT_TRANSACTION_LIMIT',
  'DEPOSIT_DAILY_LIMIT',
  'DEPOSIT_MONTHLY_LIMIT',
  'SELF_DEPOSIT_LIMIT',
]);

function firstBroken(limits: ReturnType<typeof depositLimitsOf>, totals: Totals, amountFen: number): string | null {
  for (const l of limits) {
    const used = l.period === 'day' ? totals.depositsDayFen : l.period === 'month' ? totals.depositsMonthFen : 0;
    if (used + amountFen > l.maxFen) return l.code;
  }
  return null;
}

for (const name of ['cn-mainland', 'sample-paid-skill', 'development']) {
  describe(`deposit limits of the ${name} policy`, () => {
    const policy = loadPolicyFile(`${POLICIES}${name}.json`);
    it('match what evaluatePlayer refuses deposits by, over a grid of ages, own limits, totals and amounts', () => {
      let checked = 0;
      for (const birthDate of ['1990-05-01', '2010-06-01', '2014-03-01', '2020-01-01']) {
        for (const own of [
          { dayFen: null, monthFen: null },
          { dayFen: 3000, monthFen: null },
          { dayFen: 1000, monthFen: 20_000 },
        ]) {
          for (const [dayFen, monthFen] of [
            [0, 0],
            [2000, 2000],
            [4000, 19_000],
            [10_000, 39_000],
            [1_999_000, 9_999_000],
          ] as const) {
            for (const amountFen of [1, 1000, 5000, 10_001, 500_000, 600_000]) {
              const totals: Totals = { depositsDayFen: dayFen, depositsMonthFen: monthFen, withdrawalsDayFen: 0, withdrawalsMonthFen: 0 };
              const facts: PlayerFacts = {
                nowMs: NOW_MS,
                verified: true,
                birthDate,
                region: { country: 'CN', subdivision: 'CN-BJ' },
                totals,
                selfExclusionUntilMs: null,
                depositLimits: own,
                play: { continuousSinceMs: null, breakUntilMs: null },
                restriction: null,
              };
              const decision = evaluatePlayer(policy, 'deposit', { amountFen }, facts);
              const expected = firstBroken(depositLimitsOf(policy, { nowMs: NOW_MS, birthDate, own }), totals, amountFen);
              const label = JSON.stringify({ birthDate, own, totals: [dayFen, monthFen], amountFen });
              // Refusals that are not limits (an action denied to minors outright) are the request-time check's alone.
              if (!decision.allow && !LIMIT_CODES.has(decision.code)) continue;
              if (expected === null) assert.equal(decision.allow ? 'ALLOW' : decision.code, 'ALLOW', label);
              else if (!decision.allow) assert.equal(decision.code, expected, label);
              else assert.fail(`the list refuses ${label} by ${expected}, the rules allow it`);
              checked++;
            }
          }
        }
      }
      assert.ok(checked >= 90, `only ${checked} cases compared`);
    });
  });
}

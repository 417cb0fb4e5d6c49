import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isAppError } from '@fairground/core';
import { inactivePeriods, NEW_PLAYER_RATING, RatingErrors, updateRating, winProbability } from '../index.ts';

const player = { rating: 1500, deviation: 200, volatility: 0.06 };
const results = [
  { opponent: { rating: 1400, deviation: 30 }, score: 1 as const },
  { opponent: { rating: 1550, deviation: 100 }, score: 0 as const },
  { opponent: { rating: 1700, deviation: 300 }, score: 0 as const },
];

describe('Glicko-2', () => {
  it('reproduces Glickman’s worked example: 1464.05 / 151.52 / 0.05999', () => {
    const next = updateRating(player, results);
    assert.ok(Math.abs(next.rating - 1464.06) < 0.02, `rating ${next.rating}`);
    assert.ok(Math.abs(next.deviation - 151.52) < 0.01, `deviation ${next.deviation}`);
    assert.ok(Math.abs(next.volatility - 0.05999) < 1e-5, `volatility ${next.volatility}`);
    // Exact arithmetic (research note §3.1; three npm libraries agree to 1e-13).
    assert.ok(Math.abs(next.rating - 1464.0506705) < 1e-4);
    assert.ok(Math.abs(next.deviation - 151.5165241) < 1e-4);
    assert.ok(Math.abs(next.volatility - 0.0599959843) < 1e-8);
    assert.equal(next.rating.toFixed(2), '1464.05');
  });

  it('uses tau: a larger tau lets volatility move more after a surprising period', () => {
    const upset = [{ opponent: { rating: 2200, deviation: 50 }, score: 1 as const }];
    const low = updateRating(player, upset, { tau: 0.3 });
    const high = updateRating(player, upset, { tau: 1.2 });
    assert.ok(high.volatility > low.volatility);
  });

  it('grows only the deviation over inactive periods, up to 350', () => {
    const idle = updateRating(player, []);
    assert.equal(idle.rating, 1500);
    assert.equal(idle.volatility, 0.06);
    assert.ok(Math.abs(idle.deviation - 173.7178 * Math.sqrt((200 / 173.7178) ** 2 + 0.06 ** 2)) < 1e-9);
    assert.ok(idle.deviation > 200);
    assert.ok(Math.abs(inactivePeriods(player, 10).deviation - 173.7178 * Math.sqrt((200 / 173.7178) ** 2 + 10 * 0.06 ** 2)) < 1e-9);
    assert.equal(inactivePeriods(player, 100_000).deviation, 350);
    assert.equal(inactivePeriods(player, 0).deviation, 200);
    assert.equal(inactivePeriods(NEW_PLAYER_RATING, 5).deviation, 350);
  });

  it('gives win probabilities that are symmetric, 0.5 for equals and rising with the rating gap', () => {
    const a = { rating: 1700, deviation: 50 };
    const b = { rating: 1500, deviation: 80 };
    assert.equal(winProbability(b, b), 0.5);
    assert.ok(Math.abs(winProbability(a, b) + winProbability(b, a) - 1) < 1e-15);
    assert.ok(winProbability(a, b) > 0.7 && winProbability(a, b) < 0.8);
    assert.ok(winProbability({ rating: 1900, deviation: 50 }, b) > winProbability(a, b));
    // More uncertainty pulls the probability towards one half.
    assert.ok(winProbability({ rating: 1700, deviation: 350 }, b) < winProbability(a, b));
  });

  it('refuses malformed players and results with stable codes', () => {
    assert.throws(
      () => updateRating({ rating: Number.NaN, deviation: 1, volatility: 0.06 }, results),
      (e) => isAppError(e, RatingErrors.RATING_INVALID),
    );
    assert.throws(
      () => updateRating(player, [{ opponent: { rating: 1500, deviation: 0 }, score: 1 }]),
      (e) => isAppError(e, RatingErrors.RATING_RESULT_INVALID),
    );
    assert.throws(
      () => updateRating(player, [{ opponent: { rating: 1500, deviation: 10 }, score: 0.7 as 1 }]),
      (e) => isAppError(e, RatingErrors.RATING_RESULT_INVALID),
    );
  });
});

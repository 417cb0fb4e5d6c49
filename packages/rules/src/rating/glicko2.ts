// Glicko-2, following Mark E. Glickman, "Example of the Glicko-2 system" (2013-11-30 and
// 2022-03-22 versions). Ratings are on the Glicko scale (1500 / 350 for a new player); the
// algorithm works on the Glicko-2 scale μ = (r − 1500) / 173.7178, φ = RD / 173.7178.
// This folder alone in packages/rules may use floating-point library maths (exp, log, sqrt):
// ratings are computed on the server only and never replayed by clients.
import { AppError, defineErrors } from '@fairground/core';

export const RatingErrors = defineErrors('rating', {
  RATING_INVALID: { status: 400, message: 'a rating needs a finite rating, a positive deviation and a positive volatility' },
  RATING_RESULT_INVALID: {
    status: 400,
    message: 'a result needs an opponent with a finite rating and positive deviation, and a score of 0, 0.5 or 1',
  },
  RATING_TOO_MANY_RESULTS: { status: 400, message: 'too many results in one rating period' },
});

export interface Rating {
  readonly rating: number;
  readonly deviation: number;
  readonly volatility: number;
}

export interface Opponent {
  readonly rating: number;
  readonly deviation: number;
}

export interface GameResult {
  readonly opponent: Opponent;
  // 1 win, 0.5 draw, 0 loss, from the rated player's side.
  readonly score: 0 | 0.5 | 1;
}

export interface Glicko2Options {
  // System constant constraining volatility change; Glickman suggests 0.3 to 1.2. Default 0.5.
  readonly tau?: number;
  // Convergence tolerance of the volatility iteration. Default 1e-6, as in the paper.
  readonly epsilon?: number;
  // Deviation never grows beyond this through inactivity (a new player's). Default 350.
  readonly deviationMax?: number;
}

export const GLICKO2_SCALE = 173.7178;
export const NEW_PLAYER_RATING: Rating = Object.freeze({ rating: 1500, deviation: 350, volatility: 0.06 });
export const DEFAULT_TAU = 0.5;
// Glickman recommends 10–15 games per period; this bounds the work of one update.
export const RESULTS_PER_PERIOD_MAX = 10_000;
// Both root-finding loops converge in well under 100 steps for any sane input.
const ITERATIONS_MAX = 100;
const INACTIVE_PERIODS_MAX = 100_000;

function checkRating(p: Rating): void {
  if (
    p === null ||
    typeof p !== 'object' ||
    !Number.isFinite(p.rating) ||
    !Number.isFinite(p.deviation) ||
    p.deviation <= 0 ||
    !Number.isFinite(p.volatility) ||
    p.volatility <= 0
  ) {
    throw new AppError(RatingErrors.RATING_INVALID);
  }
}

function g(phi: number): number {
  return 1 / Math.sqrt(1 + (3 * phi * phi) / (Math.PI * Math.PI));
}

function expected(mu: number, muJ: number, phiJ: number): number {
  return 1 / (1 + Math.exp(-g(phiJ) * (mu - muJ)));
}

// New volatility σ′ by the Illinois algorithm (step 5 of the paper).
function newVolatility(sigma: number, phi: number, v: number, delta: number, tau: number, epsilon: number): number {
  const a = Math.log(sigma * sigma);
  const d2 = delta * delta;
  const p2 = phi * phi;
  const f = (x: number) => {
    const ex = Math.exp(x);
    const denom = p2 + v + ex;
    return (ex * (d2 - p2 - v - ex)) / (2 * denom * denom) - (x - a) / (tau * tau);
  };
  let A = a;
  let B: number;
  if (d2 > p2 + v) {
    B = Math.log(d2 - p2 - v);
  } else {
    let k = 1;
    while (f(a - k * tau) < 0) {
      k++;
      if (k > ITERATIONS_MAX) throw new Error('glicko2: volatility bracket did not converge');
    }
    B = a - k * tau;
  }
  let fA = f(A);
  let fB = f(B);
  for (let i = 0; Math.abs(B - A) > epsilon; i++) {
    if (i >= ITERATIONS_MAX) throw new Error('glicko2: volatility iteration did not converge');
    const C = A + ((A - B) * fA) / (fB - fA);
    const fC = f(C);
    if (fC * fB <= 0) {
      A = B;
      fA = fB;
    } else {
      fA /= 2;
    }
    B = C;
    fB = fC;
  }
  return Math.exp(A / 2);
}

// The rating after one rating period with `results` (Glickman's steps 1–8). No results means the
// player sat the period out: rating and volatility stay, the deviation grows (see `inactivePeriods`).
export function updateRating(player: Rating, results: readonly GameResult[], options: Glicko2Options = {}): Rating {
  checkRating(player);
  const tau = options.tau ?? DEFAULT_TAU;
  const epsilon = options.epsilon ?? 1e-6;
  if (!(tau > 0) || !(epsilon > 0)) throw new RangeError('tau and epsilon must be positive');
  if (results.length === 0) return inactivePeriods(player, 1, options);
  if (results.length > RESULTS_PER_PERIOD_MAX) throw new AppError(RatingErrors.RATING_TOO_MANY_RESULTS, { max: RESULTS_PER_PERIOD_MAX });

  const mu = (player.rating - 1500) / GLICKO2_SCALE;
  const phi = player.deviation / GLICKO2_SCALE;
  let vInverse = 0;
  let sum = 0;
  for (const r of results) {
    const o = r?.opponent;
    if (
      o === null ||
      typeof o !== 'object' ||
      !Number.isFinite(o.rating) ||
      !Number.isFinite(o.deviation) ||
      o.deviation <= 0 ||
      (r.score !== 0 && r.score !== 0.5 && r.score !== 1)
    ) {
      throw new AppError(RatingErrors.RATING_RESULT_INVALID);
    }
    const muJ = (o.rating - 1500) / GLICKO2_SCALE;
    const phiJ = o.deviation / GLICKO2_SCALE;
    const gJ = g(phiJ);
    const e = expected(mu, muJ, phiJ);
    vInverse += gJ * gJ * e * (1 - e);
    sum += gJ * (r.score - e);
  }
  const v = 1 / vInverse;
  const delta = v * sum;
  const sigmaNew = newVolatility(player.volatility, phi, v, delta, tau, epsilon);
  const phiStar = Math.sqrt(phi * phi + sigmaNew * sigmaNew);
  const phiNew = 1 / Math.sqrt(1 / (phiStar * phiStar) + 1 / v);
  const muNew = mu + phiNew * phiNew * sum;
  return { rating: GLICKO2_SCALE * muNew + 1500, deviation: GLICKO2_SCALE * phiNew, volatility: sigmaNew };
}

// The rating after `periods` rating periods without games: φ′ = √(φ² + periods·σ²), capped at
// `deviationMax` (350 by default); rating and volatility are unchanged.
export function inactivePeriods(player: Rating, periods: number, options: Glicko2Options = {}): Rating {
  checkRating(player);
  if (!Number.isSafeInteger(periods) || periods < 0 || periods > INACTIVE_PERIODS_MAX) {
    throw new RangeError(`periods must be an integer in 0..${INACTIVE_PERIODS_MAX}`);
  }
  const deviationMax = options.deviationMax ?? NEW_PLAYER_RATING.deviation;
  const phi = player.deviation / GLICKO2_SCALE;
  const grown = GLICKO2_SCALE * Math.sqrt(phi * phi + periods * player.volatility * player.volatility);
  return { rating: player.rating, deviation: Math.max(player.deviation, Math.min(grown, deviationMax)), volatility: player.volatility };
}

// The probability that `a` beats `b`, counting both players' uncertainty:
// 1 / (1 + exp(−g(√(φa² + φb²)) · (μa − μb))). winProbability(a, b) + winProbability(b, a) = 1.
export function winProbability(a: Opponent, b: Opponent): number {
  for (const p of [a, b]) {
    if (p === null || typeof p !== 'object' || !Number.isFinite(p.rating) || !Number.isFinite(p.deviation) || p.deviation <= 0) {
      throw new AppError(RatingErrors.RATING_INVALID);
    }
  }
  const phiA = a.deviation / GLICKO2_SCALE;
  const phiB = b.deviation / GLICKO2_SCALE;
  const combined = Math.sqrt(phiA * phiA + phiB * phiB);
  return 1 / (1 + Math.exp(-g(combined) * ((a.rating - b.rating) / GLICKO2_SCALE)));
}

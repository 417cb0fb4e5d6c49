// Bots by input timing (research §6.3). Human inter-command intervals are irregular and skewed
// to the right: a reaction time is a floor plus a long tail of thinking (the ex-Gaussian shape of
// the reaction-time literature), with pauses. A machine is regular (a low coefficient of
// variation), and one that adds jitter to look human adds it symmetrically (low skew), or it
// reacts faster than a person can. Statistics are integers per mille so decisions compare exactly.
import type { RiskConfig } from './config.ts';
import { TIMING_SAMPLES_MAX } from './limits.ts';

export interface TimingFeatures {
  readonly samples: number;
  readonly meanMs: number;
  /** Standard deviation over mean, per mille. */
  readonly cvPermille: number;
  /** Third standardized moment, per mille (human reaction times: well above 1000). */
  readonly skewPermille: number;
  /** Share of intervals under the human floor, per mille. */
  readonly fastPermille: number;
  /** Lag-1 autocorrelation, per mille (humans drift; fixed-rate machines do not). */
  readonly lag1Permille: number;
  /** Interquartile range over median, per mille: the spread of the core, blind to pauses. */
  readonly iqrPermille: number;
  /** Bowley's quartile skewness, per mille: the core's asymmetry (an exponential tail: about 260). */
  readonly bowleyPermille: number;
}

function quantile(sorted: readonly number[], q: number): number {
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

export function timingFeatures(intervalsMs: readonly number[], humanFloorMs: number): TimingFeatures {
  const xs = intervalsMs.slice(0, TIMING_SAMPLES_MAX).filter((v) => Number.isFinite(v) && v >= 0);
  const n = xs.length;
  if (n === 0)
    return { samples: 0, meanMs: 0, cvPermille: 0, skewPermille: 0, fastPermille: 0, lag1Permille: 0, iqrPermille: 0, bowleyPermille: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  let m2 = 0;
  let m3 = 0;
  for (const x of xs) {
    const d = x - mean;
    m2 += d * d;
    m3 += d * d * d;
  }
  m2 /= n;
  m3 /= n;
  const sd = Math.sqrt(m2);
  let lag = 0;
  for (let i = 1; i < n; i++) lag += (xs[i]! - mean) * (xs[i - 1]! - mean);
  const sorted = [...xs].sort((a, b) => a - b);
  const q1 = quantile(sorted, 0.25);
  const q2 = quantile(sorted, 0.5);
  const q3 = quantile(sorted, 0.75);
  return {
    samples: n,
    meanMs: Math.round(mean),
    cvPermille: mean > 0 ? Math.round((sd / mean) * 1000) : 0,
    skewPermille: sd > 0 ? Math.round((m3 / (sd * sd * sd)) * 1000) : 0,
    fastPermille: Math.round((xs.filter((v) => v < humanFloorMs).length / n) * 1000),
    lag1Permille: m2 > 0 && n > 1 ? Math.round((lag / (n - 1) / m2) * 1000) : 0,
    iqrPermille: q2 > 0 ? Math.round(((q3 - q1) / q2) * 1000) : 0,
    bowleyPermille: q3 > q1 ? Math.round(((q3 + q1 - 2 * q2) / (q3 - q1)) * 1000) : 0,
  };
}

export type TimingVerdict =
  | { readonly kind: 'insufficient' }
  | { readonly kind: 'human' }
  | { readonly kind: 'bot'; readonly reasons: readonly string[] };

/** Judges one session's timing with the configured thresholds. */
export function judgeTiming(f: TimingFeatures, cfg: RiskConfig['timing']): TimingVerdict {
  if (f.samples < cfg.samplesMin) return { kind: 'insufficient' };
  const reasons: string[] = [];
  if (f.cvPermille <= cfg.cvBotMaxPermille) reasons.push(`too regular: CV ${f.cvPermille}‰ ≤ ${cfg.cvBotMaxPermille}‰`);
  if (f.skewPermille <= cfg.skewBotMaxPermille && f.cvPermille <= cfg.cvSuspectMaxPermille)
    reasons.push(`symmetric jitter: skew ${f.skewPermille}‰ ≤ ${cfg.skewBotMaxPermille}‰ with CV ${f.cvPermille}‰`);
  if (f.fastPermille >= cfg.fastShareBotPermille) reasons.push(`too fast: ${f.fastPermille}‰ of moves under ${cfg.humanFloorMs} ms`);
  // Pauses added to look human inflate the mean and the tail, not the core between them.
  if (f.iqrPermille <= cfg.coreIqrBotMaxPermille && f.bowleyPermille <= cfg.coreBowleyBotMaxPermille)
    reasons.push(`regular core: quartile spread ${f.iqrPermille}‰ and quartile skew ${f.bowleyPermille}‰`);
  return reasons.length > 0 ? { kind: 'bot', reasons } : { kind: 'human' };
}

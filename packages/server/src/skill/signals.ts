// Anti-cheat signals of one session, for the risk domain's review (research §6.3). Timing
// features come from the accepted commands: the client's own timestamps (intervals between moves)
// and the server's receive times (how late commands arrive against their timestamps). Events are
// counted as they happen (an illegal move, a timestamp ahead of the server's clock, a conflicting
// replay of a sequence number, a claimed score that differs from the server's).
// Statistics are integers (per mille, milli-bits) so they compare exactly in tests and queries.
import {
  FAST_SHARE_FLAG_PERMILLE,
  HUMAN_FLOOR_MS,
  LATE_LAG_FLAG_MS,
  REGULAR_CV_FLAG_PERMILLE,
  REGULAR_ENTROPY_FLAG_MILLIBITS,
  REGULAR_SAMPLES_MIN,
  TIMING_SAMPLES_MIN,
} from './limits.ts';

/** Events that show a modified client or a cheat rather than a network hiccup: each flags the session. */
export const EVENT_SIGNALS = ['illegal_move', 'time_ahead', 'time_backwards', 'seq_conflict', 'score_mismatch', 'copied_log'] as const;
export type EventSignal = (typeof EVENT_SIGNALS)[number];
export type TimingFlag = 'too_fast' | 'too_regular' | 'late_commands';
export type SignalFlag = EventSignal | TimingFlag;

export interface TimingStats {
  /** Intervals between consecutive moves (the first move counts from the start). */
  readonly intervals: number;
  readonly meanMs: number;
  readonly sdMs: number;
  readonly minMs: number;
  /** Standard deviation over mean, per mille. */
  readonly cvPermille: number;
  /** Share of intervals under the human floor, per mille. */
  readonly fastPermille: number;
  /** Shannon entropy of the intervals binned by 100 ms, in milli-bits. */
  readonly entropyMillibits: number;
  /** Largest delay between a command's own timestamp and its arrival, in ms. */
  readonly maxLagMs: number;
}

export interface SignalSummary {
  readonly timing: TimingStats;
  readonly events: Readonly<Partial<Record<EventSignal, number>>>;
  readonly flags: readonly SignalFlag[];
}

const BIN_MS = 100;
const BINS_MAX = 50;

export function timingStats(commands: readonly { atMs: number; receivedAtMs: number }[], startedAtMs: number): TimingStats {
  const intervals: number[] = [];
  let prev = 0;
  let maxLagMs = 0;
  for (const c of commands) {
    intervals.push(c.atMs - prev);
    prev = c.atMs;
    maxLagMs = Math.max(maxLagMs, c.receivedAtMs - startedAtMs - c.atMs);
  }
  const n = intervals.length;
  if (n === 0) return { intervals: 0, meanMs: 0, sdMs: 0, minMs: 0, cvPermille: 0, fastPermille: 0, entropyMillibits: 0, maxLagMs: 0 };
  const mean = intervals.reduce((a, b) => a + b, 0) / n;
  const variance = intervals.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n;
  const sd = Math.sqrt(variance);
  const bins = new Map<number, number>();
  for (const v of intervals) {
    const bin = Math.min(BINS_MAX, Math.floor(v / BIN_MS));
    bins.set(bin, (bins.get(bin) ?? 0) + 1);
  }
  let entropy = 0;
  for (const count of bins.values()) {
    const p = count / n;
    entropy -= p * Math.log2(p);
  }
  return {
    intervals: n,
    meanMs: Math.round(mean),
    sdMs: Math.round(sd),
    minMs: Math.min(...intervals),
    cvPermille: mean > 0 ? Math.round((sd / mean) * 1000) : 0,
    fastPermille: Math.round((intervals.filter((v) => v < HUMAN_FLOOR_MS).length / n) * 1000),
    entropyMillibits: Math.round(entropy * 1000),
    maxLagMs: Math.max(0, maxLagMs),
  };
}

export function summarize(timing: TimingStats, events: Readonly<Partial<Record<EventSignal, number>>>): SignalSummary {
  const flags: SignalFlag[] = [];
  for (const e of EVENT_SIGNALS) if ((events[e] ?? 0) > 0) flags.push(e);
  if (timing.intervals >= TIMING_SAMPLES_MIN && timing.fastPermille >= FAST_SHARE_FLAG_PERMILLE) flags.push('too_fast');
  if (
    timing.intervals >= REGULAR_SAMPLES_MIN &&
    (timing.cvPermille < REGULAR_CV_FLAG_PERMILLE || timing.entropyMillibits < REGULAR_ENTROPY_FLAG_MILLIBITS)
  ) {
    flags.push('too_regular');
  }
  if (timing.maxLagMs > LATE_LAG_FLAG_MS) flags.push('late_commands');
  return { timing, events, flags };
}

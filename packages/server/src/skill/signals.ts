// Anti-cheat signals of one session, for the risk domain's review (research §6.3). Speed and
// regularity are judged on the server's receive times — which a client cannot fake — as well as on
// the client's own timestamps, and the two clocks are compared: stamps that claim a human pace for
// moves that arrived in a burst (compression), and stamps that slide against the arrivals over the
// session (drift), are flagged. Events are counted as they happen (an illegal move, a timestamp
// ahead of the server's clock, a conflicting replay of a sequence number, a claimed score that
// differs from the server's).
//
// Commands that arrive together (an HTTP batch, a resend after a reconnect, messages a stalled
// network lets through at once: within ARRIVAL_GROUP_MS of each other) are one arrival: its gap
// since the previous arrival is spread evenly over its moves, so a batch reads as the pace it was
// played at, not as moves 0 ms apart.
// Statistics are integers (per mille, milli-bits) so they compare exactly in tests and queries.
import {
  ARRIVAL_GROUP_MS,
  COMPRESSION_CLIENT_SPAN_MIN_MS,
  COMPRESSION_FLAG_PERMILLE,
  COMPRESSION_WINDOW,
  DRIFT_FLAG_MS,
  DRIFT_SAMPLES_MIN,
  FAST_SHARE_FLAG_PERMILLE,
  HUMAN_FLOOR_MS,
  LATE_LAG_FLAG_MS,
  REGULAR_CV_FLAG_PERMILLE,
  REGULAR_ENTROPY_FLAG_MILLIBITS,
  REGULAR_SAMPLES_MIN,
  TIMING_SAMPLES_MIN,
} from './limits.ts';

/** Events that show a modified client or a cheat rather than a network hiccup: each flags the session. */
export const EVENT_SIGNALS = [
  'illegal_move',
  'time_ahead',
  'time_backwards',
  'seq_conflict',
  'score_mismatch',
  'copied_log',
  'linked_entrant',
  'linked_opponent',
] as const;
export type EventSignal = (typeof EVENT_SIGNALS)[number];
export type TimingFlag = 'too_fast' | 'too_regular' | 'late_commands' | 'stamps_compressed' | 'clock_drift';
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
  /** On the server's receive times (arrivals spread over their moves): mean interval and share under the human floor per mille. */
  readonly serverMeanMs: number;
  readonly serverFastPermille: number;
  /** Moves that arrived alone, and the CV (per mille) of their intervals: regularity on the server's clock (a batch has no inner timing to judge). */
  readonly serverSingles: number;
  readonly serverCvPermille: number;
  /**
   * The smallest ratio, per mille, of the server's time to the client's stamped time over any
   * COMPRESSION_WINDOW consecutive moves stamped at least COMPRESSION_CLIENT_SPAN_MIN_MS apart
   * (1000 when no window qualifies). An honest client's moves arrive about as far apart as it
   * stamped them; a bot that plays in a burst and stamps a human pace scores near 0.
   */
  readonly compressionPermille: number;
  /** How far the stamps slid against the arrivals: median lag of the last quarter minus that of the first, in ms (0 under DRIFT_SAMPLES_MIN moves). */
  readonly driftMs: number;
}

export interface SignalSummary {
  readonly timing: TimingStats;
  readonly events: Readonly<Partial<Record<EventSignal, number>>>;
  readonly flags: readonly SignalFlag[];
}

const BIN_MS = 100;
const BINS_MAX = 50;

interface Spread {
  readonly mean: number;
  readonly sd: number;
  readonly cvPermille: number;
  readonly fastPermille: number;
}

function spread(xs: readonly number[]): Spread {
  const n = xs.length;
  if (n === 0) return { mean: 0, sd: 0, cvPermille: 0, fastPermille: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / n;
  const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) * (b - mean), 0) / n);
  return {
    mean,
    sd,
    cvPermille: mean > 0 ? Math.round((sd / mean) * 1000) : 0,
    fastPermille: Math.round((xs.filter((v) => v < HUMAN_FLOOR_MS).length / n) * 1000),
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * Per-move intervals on the server's clock: each arrival's gap since the previous arrival (the
 * session's start for the first) spread evenly over the moves that arrived together, in whole
 * milliseconds that add up to the gap (the first moves of a batch take the remainder).
 */
export function serverIntervals(commands: readonly { receivedAtMs: number }[], startedAtMs: number): number[] {
  return arrivals(commands, startedAtMs).flatMap(splitGap);
}

function splitGap(a: { moves: number; gapMs: number }): number[] {
  const base = Math.floor(a.gapMs / a.moves);
  const extra = a.gapMs - base * a.moves;
  return Array.from({ length: a.moves }, (_, i) => base + (i < extra ? 1 : 0));
}

function arrivals(
  commands: readonly { receivedAtMs: number }[],
  startedAtMs: number,
): { moves: number; gapMs: number; perMoveMs: number }[] {
  const out: { moves: number; gapMs: number; perMoveMs: number }[] = [];
  let prevAt = startedAtMs;
  for (let i = 0; i < commands.length; ) {
    let j = i + 1;
    while (j < commands.length && commands[j]!.receivedAtMs - commands[i]!.receivedAtMs <= ARRIVAL_GROUP_MS) j++;
    const gapMs = Math.max(0, commands[i]!.receivedAtMs - prevAt);
    out.push({ moves: j - i, gapMs, perMoveMs: Math.round(gapMs / (j - i)) });
    prevAt = commands[i]!.receivedAtMs;
    i = j;
  }
  return out;
}

export function timingStats(commands: readonly { atMs: number; receivedAtMs: number }[], startedAtMs: number): TimingStats {
  const intervals: number[] = [];
  const lags: number[] = [];
  let prev = 0;
  let maxLagMs = 0;
  for (const c of commands) {
    intervals.push(c.atMs - prev);
    prev = c.atMs;
    const lag = c.receivedAtMs - startedAtMs - c.atMs;
    lags.push(lag);
    maxLagMs = Math.max(maxLagMs, lag);
  }
  const n = intervals.length;
  if (n === 0)
    return {
      intervals: 0,
      meanMs: 0,
      sdMs: 0,
      minMs: 0,
      cvPermille: 0,
      fastPermille: 0,
      entropyMillibits: 0,
      maxLagMs: 0,
      serverMeanMs: 0,
      serverFastPermille: 0,
      serverSingles: 0,
      serverCvPermille: 0,
      compressionPermille: 1000,
      driftMs: 0,
    };
  const client = spread(intervals);
  const entropy = intervalEntropyBits(intervals);
  const arrived = arrivals(commands, startedAtMs);
  const server = spread(arrived.flatMap(splitGap));
  const singles = spread(arrived.filter((a) => a.moves === 1).map((a) => a.perMoveMs));
  const serverSingles = arrived.filter((a) => a.moves === 1).length;
  const compressionPermille = compressionOf(commands, startedAtMs);
  const quarter = Math.floor(n / 4);
  const driftMs = n >= DRIFT_SAMPLES_MIN ? Math.round(median(lags.slice(n - quarter)) - median(lags.slice(0, quarter))) : 0;
  return {
    intervals: n,
    meanMs: Math.round(client.mean),
    sdMs: Math.round(client.sd),
    minMs: Math.min(...intervals),
    cvPermille: client.cvPermille,
    fastPermille: client.fastPermille,
    entropyMillibits: Math.round(entropy * 1000),
    maxLagMs: Math.max(0, maxLagMs),
    serverMeanMs: Math.round(server.mean),
    serverFastPermille: server.fastPermille,
    serverSingles,
    serverCvPermille: singles.cvPermille,
    compressionPermille,
    driftMs,
  };
}

/** The Shannon entropy, in bits, of the intervals binned by BIN_MS (a bot's steady rhythm has little). */
function intervalEntropyBits(intervals: readonly number[]): number {
  const n = intervals.length;
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
  return entropy;
}

/**
 * Compression: windows of moves, each measured from the move before it (its stamp, its arrival);
 * the smallest ratio of server span to client span, in permille (1000 when no window qualifies).
 */
function compressionOf(commands: readonly { atMs: number; receivedAtMs: number }[], startedAtMs: number): number {
  const n = commands.length;
  let compressionPermille = 1000;
  for (let i = 0; i + COMPRESSION_WINDOW <= n; i++) {
    const last = commands[i + COMPRESSION_WINDOW - 1]!;
    const clientSpan = last.atMs - (i === 0 ? 0 : commands[i - 1]!.atMs);
    if (clientSpan < COMPRESSION_CLIENT_SPAN_MIN_MS) continue;
    const serverSpan = last.receivedAtMs - (i === 0 ? startedAtMs : commands[i - 1]!.receivedAtMs);
    compressionPermille = Math.min(compressionPermille, Math.max(0, Math.round((serverSpan * 1000) / clientSpan)));
  }
  return compressionPermille;
}

export function summarize(timing: TimingStats, events: Readonly<Partial<Record<EventSignal, number>>>): SignalSummary {
  const flags: SignalFlag[] = [];
  for (const e of EVENT_SIGNALS) if ((events[e] ?? 0) > 0) flags.push(e);
  // Too fast by either clock: the stamps a client chose, or the arrivals it cannot choose.
  if (
    timing.intervals >= TIMING_SAMPLES_MIN &&
    (timing.fastPermille >= FAST_SHARE_FLAG_PERMILLE || timing.serverFastPermille >= FAST_SHARE_FLAG_PERMILLE)
  )
    flags.push('too_fast');
  if (
    timing.intervals >= REGULAR_SAMPLES_MIN &&
    (timing.cvPermille < REGULAR_CV_FLAG_PERMILLE ||
      timing.entropyMillibits < REGULAR_ENTROPY_FLAG_MILLIBITS ||
      (timing.serverSingles >= REGULAR_SAMPLES_MIN && timing.serverCvPermille < REGULAR_CV_FLAG_PERMILLE))
  ) {
    flags.push('too_regular');
  }
  if (timing.maxLagMs > LATE_LAG_FLAG_MS) flags.push('late_commands');
  if (timing.compressionPermille < COMPRESSION_FLAG_PERMILLE) flags.push('stamps_compressed');
  if (Math.abs(timing.driftMs) > DRIFT_FLAG_MS) flags.push('clock_drift');
  return { timing, events, flags };
}

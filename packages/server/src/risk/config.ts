// Risk configuration: every signal's weight, threshold, severity and window, the withdrawal
// thresholds, the timing and collusion detectors' parameters, and the credit-score rules. Tunable
// in a JSON file (FAIRGROUND_RISK_CONFIG_FILE) and validated at load like a policy: a bad file
// names its path and reason and the server does not start. Legal limits are not here (they are
// the compliance policy's): a risk edit can tighten review, never lift a law.
import { readFileSync } from 'node:fs';
import { type Static, type TSchema, Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import { RISK_CONFIG_BYTES_MAX } from './limits.ts';

const strict = <T extends Record<string, TSchema>>(props: T) => Type.Object(props, { additionalProperties: false });
const Int = (minimum = 0, maximum = 1_000_000_000) => Type.Integer({ minimum, maximum });
const DayMs = 24 * 3600 * 1000;

/** Every signal the risk domain computes. New kinds are appended; names are stable (stored in rows). */
export const SIGNAL_KINDS = [
  'bot_timing',
  'replay_mismatch',
  'skill_flagged',
  'shared_address',
  'frequent_pair',
  'soft_play',
  'chip_dumping',
  'deposit_withdraw_no_play',
  'shared_payout_address',
  'structuring',
  'withdrawal_velocity',
  'identity_check_failed',
  'complaints_upheld',
  'copied_play',
  'linked_accounts',
] as const;
export type SignalKind = (typeof SIGNAL_KINDS)[number];

const SignalRule = strict({
  /** Points added to the player's score while the signal counts. */
  weight: Int(0, 1000),
  /** The value at or above which the signal fires (its unit depends on the kind, see the default file). */
  threshold: Int(0, 1_000_000_000),
  /** `severe`: firing restricts the player at once and opens a case. */
  severity: Type.Union([Type.Literal('normal'), Type.Literal('severe')]),
  /** How long a fired signal counts towards the score. */
  windowMs: Int(60_000, 3650 * DayMs),
});

export const RiskConfigSchema = strict({
  version: Int(1, 1_000_000),
  signals: strict(Object.fromEntries(SIGNAL_KINDS.map((k) => [k, SignalRule])) as Record<SignalKind, typeof SignalRule>),
  withdrawal: strict({
    /** Score at or above which a withdrawal waits for an operator. */
    reviewAtScore: Int(1, 10_000),
    /** Score at or above which it is refused. */
    blockAtScore: Int(1, 10_000),
    /** Withdrawals at or above this amount wait for review whatever the score. */
    reviewFromFen: Int(1, 100_000_000_000),
    /** "Just under the limit": at or above this share of the per-transaction limit, per mille. */
    nearLimitPermille: Int(1, 1000),
    /** The per-transaction limit the structuring signal measures against. */
    perTransactionFenMax: Int(1, 100_000_000_000),
    /** Look-back for money signals. */
    lookbackMs: Int(60_000, 365 * DayMs),
  }),
  timing: strict({
    /** Intervals needed before timing says anything. */
    samplesMin: Int(5, 100_000),
    /** Intervals below this are faster than a human can react. */
    humanFloorMs: Int(1, 10_000),
    /** Coefficient of variation (per mille) at or below which timing is machine-regular. */
    cvBotMaxPermille: Int(0, 10_000),
    /** Skewness (per mille) at or below which, together with a CV under `cvSuspectMaxPermille`, timing is a jittered machine. */
    skewBotMaxPermille: Int(-10_000, 10_000),
    cvSuspectMaxPermille: Int(0, 10_000),
    /** Share of intervals under the human floor (per mille) at or above which timing is a machine. */
    fastShareBotPermille: Int(0, 1000),
    /** Interquartile range over median (per mille) at or below which, with a symmetric core, the timing is a machine with pauses. */
    coreIqrBotMaxPermille: Int(0, 10_000),
    /** Bowley quartile skewness (per mille) at or below which the core counts as symmetric. */
    coreBowleyBotMaxPermille: Int(-1000, 1000),
  }),
  collusion: strict({
    /** Hands two players must share before their pair is judged. */
    pairHandsMin: Int(1, 1_000_000),
    /** Compare decisions in which the partner was a possible target, needed before avoidance counts. */
    compareChancesMin: Int(1, 1_000_000),
    /** Observed over expected rate of choosing the partner as compare target, per mille, at or below which the pair soft-plays. */
    avoidanceMaxPermille: Int(0, 10_000),
    /** And at least this many standard deviations below chance, per mille (a binomial z score). */
    avoidanceZMinPermille: Int(0, 100_000),
    /** Hands two players shared, per mille of the hands the rarer of them played, at or above which they sit together suspiciously often. */
    overlapPermille: Int(0, 1000),
    /** One-way share of the points that flowed between a pair, per mille, at or above which it looks like chip dumping. */
    oneWayFlowPermille: Int(500, 1000),
    /** Points that must have flowed between a pair before the flow direction counts. */
    flowPointsMin: Int(1, 1_000_000_000),
    /** How far back a player's hands are read when new hands of theirs are judged. */
    lookbackMs: Int(60_000, 365 * DayMs),
    /** Policy: a live room where a soft-playing or chip-dumping pair sits is dissolved. */
    dissolveRooms: Type.Boolean(),
  }),
  credit: strict({
    initial: Int(0, 1000),
    max: Int(0, 1000),
    earlyExit: Int(-1000, 0),
    upheldReport: Int(-1000, 0),
    identityCheckFailed: Int(-1000, 0),
    /** Points regained per room played to its end without incident, up to `max`. */
    completedRoom: Int(0, 1000),
    /** Points a reporter loses once their reports have been dismissed `complaints.dismissedForPenalty` times in the window. */
    dismissedReports: Int(-1000, 0),
    createRoomMin: Int(0, 1000),
    joinRoomMin: Int(0, 1000),
  }),
  complaints: strict({
    /** Complaint rate (rooms complained about per thousand rooms) at or above which the console raises an alert (seed: > 5 %). */
    roomRateAlertPermille: Int(0, 1000),
    /** Upheld complaints against a player within the signal window that fire `complaints_upheld`. */
    upheldForSignal: Int(1, 1000),
    /** Reports by one player dismissed within the `complaints_upheld` window from which each further dismissal costs the reporter credit. */
    dismissedForPenalty: Int(1, 1000),
  }),
});
export type RiskConfig = Static<typeof RiskConfigSchema>;

export class RiskConfigError extends Error {
  readonly file: string;
  readonly path: string;
  readonly reason: string;
  constructor(file: string, path: string, reason: string) {
    super(`risk config ${file}: ${path || '/'} ${reason}`);
    this.name = 'RiskConfigError';
    this.file = file;
    this.path = path || '/';
    this.reason = reason;
  }
}

export function parseRiskConfig(value: unknown, source: string): RiskConfig {
  const first = Value.Errors(RiskConfigSchema, value).First();
  if (first) throw new RiskConfigError(source, first.path, first.message);
  const c = value as RiskConfig;
  if (c.withdrawal.blockAtScore <= c.withdrawal.reviewAtScore)
    throw new RiskConfigError(source, '/withdrawal/blockAtScore', 'must be above reviewAtScore');
  if (c.credit.initial > c.credit.max) throw new RiskConfigError(source, '/credit/initial', 'must be at most credit.max');
  return c;
}

export function loadRiskConfig(file: string): RiskConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new RiskConfigError(file, '/', `cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (Buffer.byteLength(text) > RISK_CONFIG_BYTES_MAX)
    throw new RiskConfigError(file, '/', `is larger than ${RISK_CONFIG_BYTES_MAX} bytes`);
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new RiskConfigError(file, '/', `is not JSON (${(e as Error).message})`);
  }
  return parseRiskConfig(raw, file);
}

export const DEFAULT_RISK_CONFIG_FILE = new URL('./risk-config.default.json', import.meta.url).pathname;

let defaults: RiskConfig | null = null;
/** The shipped defaults (risk-config.default.json beside this file). */
export function defaultRiskConfig(): RiskConfig {
  defaults ??= loadRiskConfig(DEFAULT_RISK_CONFIG_FILE);
  return defaults;
}

// The rules, as one pure function of (policy, action, request context, facts about the player).
// The service gathers the facts (identity, region, totals, settings, restrictions) and the clock;
// this file decides. Hard legal limits live here as typed code with tests, never as tunable rules,
// so a configuration edit cannot lift them (research §6.4).
import type { ComplianceAction } from './actions.ts';
import { ageOn, localTime, minorsWindowEndMs, playDay } from './calendar.ts';
import type { Policy } from './policy.ts';
import type { ComplianceContext } from './ports.ts';

/** Actions that start or continue play (breaks, self-exclusion). */
export const PLAY_ACTIONS: readonly ComplianceAction[] = [
  'create_room',
  'join_room',
  'start_paid_session',
  'start_free_session',
  'enter_tournament',
];
/** Actions that take a player's money into play: refused to minors' bands, counted by limits. */
export const PAID_SKILL_ACTIONS: readonly ComplianceAction[] = ['start_paid_session', 'enter_tournament'];

export interface Totals {
  readonly depositsDayFen: number;
  readonly depositsMonthFen: number;
  readonly withdrawalsDayFen: number;
  readonly withdrawalsMonthFen: number;
}

export const ZERO_TOTALS: Totals = { depositsDayFen: 0, depositsMonthFen: 0, withdrawalsDayFen: 0, withdrawalsMonthFen: 0 };

export interface PlayerFacts {
  readonly nowMs: number;
  /** The real name is verified (by the real-name authority, or by a platform such as WeChat mini-games). */
  readonly verified: boolean;
  /** From the identity number the authority verified (YYYY-MM-DD); null without one, even when a platform verified the real name. */
  readonly birthDate: string | null;
  /** A real-name submission is waiting for the authority. */
  readonly pending?: boolean;
  /** Where the player connects from: country, and subdivision when known. Null when unknown. */
  readonly region: { readonly country: string; readonly subdivision: string | null } | null;
  /** Sums in the policy's local day and month. */
  readonly totals: Totals;
  readonly selfExclusionUntilMs: number | null;
  /** The self-set deposit limits in force now (a raise waiting out its cooling-off is not yet in force). */
  readonly depositLimits: { readonly dayFen: number | null; readonly monthFen: number | null };
  /** Continuous play: since when, and until when a mandatory break lasts. */
  readonly play: { readonly continuousSinceMs: number | null; readonly breakUntilMs: number | null };
  /** A restriction the risk domain placed on this action, if any. */
  readonly restriction: { readonly code: string; readonly message: string } | null;
}

export type Decision =
  | { readonly allow: true; readonly windowEndMs?: number }
  | { readonly allow: false; readonly code: string; readonly message: string; readonly retryAtMs?: number };

const deny = (code: string, message: string, retryAtMs?: number): Decision =>
  retryAtMs === undefined ? { allow: false, code, message } : { allow: false, code, message, retryAtMs };

function amountOf(context: ComplianceContext): number {
  const v = context.amountFen;
  return typeof v === 'number' && Number.isSafeInteger(v) && v > 0 ? v : 0;
}

const yuan = (fen: number) => `¥${(fen / 100).toFixed(2)}`;

/** Actions refused by the policy frame (per-action rules and the default effect). */
function frameDecision(policy: Policy, action: ComplianceAction): Decision | null {
  const rule = policy.actions[action];
  const effect = rule?.effect ?? policy.defaultEffect;
  if (effect === 'allow') return null;
  return deny(
    rule?.code ?? policy.defaultCode ?? 'POLICY_DENIED',
    rule?.message ?? policy.defaultMessage ?? `the policy ${policy.name} does not allow ${action}`,
  );
}

/** Decides for an operator: the policy frame only (operators are not players: no age, region or limits). */
export function evaluateOperator(policy: Policy, action: ComplianceAction): Decision {
  if (action === 'redeem_points') return deny('POINTS_NOT_REDEEMABLE', 'platform points can never be redeemed for money');
  return frameDecision(policy, action) ?? { allow: true };
}

export function evaluatePlayer(policy: Policy, action: ComplianceAction, context: ComplianceContext, f: PlayerFacts): Decision {
  // Points are never redeemable, whatever a policy says (2007 notice: no exchange of points for cash).
  if (action === 'redeem_points') return deny('POINTS_NOT_REDEEMABLE', 'platform points can never be redeemed for money');
  const frame = frameDecision(policy, action);
  if (frame) return frame;
  const amountFen = amountOf(context);
  // The rules in the order a player is told: the first that refuses decides.
  const refused =
    gameModeRule(policy, action, context) ??
    (f.restriction ? deny(f.restriction.code, f.restriction.message) : null) ??
    selfExclusionRule(policy, action, f) ??
    regionRule(policy, action, f) ??
    identityRule(policy, action, amountFen, f);
  if (refused) return refused;
  const minors = minorsRule(policy, action, amountFen, f);
  if (minors.denial) return minors.denial;
  const limited =
    amountLimitRule(policy, action, amountFen, f) ?? ownDepositLimitRule(action, amountFen, f) ?? breakRule(policy, action, f);
  if (limited) return limited;
  return minors.windowEndMs === undefined ? { allow: true } : { allow: true, windowEndMs: minors.windowEndMs };
}

/** Game modes the jurisdiction does not offer at all. */
function gameModeRule(policy: Policy, action: ComplianceAction, context: ComplianceContext): Decision | null {
  const games = policy.games;
  if (games) {
    if (PAID_SKILL_ACTIONS.includes(action) && !games.paidSkillMatches)
      return deny('GAME_MODE_NOT_ALLOWED', 'paid skill matches are not offered in your jurisdiction');
    if (action === 'withdraw' && !games.withdrawals)
      return deny('GAME_MODE_NOT_ALLOWED', 'withdrawals are not offered in your jurisdiction');
    if (action === 'create_room' && context.feeMode === 'cash' && !games.cashRoomFees)
      return deny('GAME_MODE_NOT_ALLOWED', 'rooms with a cash fee are not offered in your jurisdiction');
  }

  return null;
}

/** The player's own break from play. */
function selfExclusionRule(policy: Policy, action: ComplianceAction, f: PlayerFacts): Decision | null {
  const rp = policy.responsiblePlay;
  if (f.selfExclusionUntilMs !== null && f.selfExclusionUntilMs > f.nowMs) {
    const blocks = rp?.selfExclusionBlocks ?? [...PLAY_ACTIONS, 'deposit', 'buy_room_cards'];
    if (blocks.includes(action))
      return deny('SELF_EXCLUDED', 'you chose a break from play; it ends at the time shown', f.selfExclusionUntilMs);
  }

  return null;
}

/** Regions the jurisdiction excludes, and an unknown region where it must be known. */
function regionRule(policy: Policy, action: ComplianceAction, f: PlayerFacts): Decision | null {
  const j = policy.jurisdiction;
  if (j) {
    const region = f.region;
    if (region) {
      const sub = region.subdivision;
      const hit = (j.excludedRegions ?? []).find(
        (r) => r.actions.includes(action) && (r.region === region.country || (sub !== null && r.region === sub)),
      );
      if (hit) return deny('REGION_EXCLUDED', `not offered in your region (${hit.region}): ${hit.reason}`);
    }
    if (j.unknownRegion?.actions.includes(action) && (f.region === null || f.region.subdivision === null))
      return deny('REGION_UNKNOWN', j.unknownRegion.message);
  }

  return null;
}

/** Real name, age and identity before the actions that need them. */
function identityRule(policy: Policy, action: ComplianceAction, amountFen: number, f: PlayerFacts): Decision | null {
  const id = policy.identity;
  if (id) {
    // Real name means a verified age too: the minors' rules need the birth date, so a real name a
    // platform verified without telling us the age (WeChat mini-games) does not yet open the action.
    if (id.realNameRequiredFor.includes(action)) {
      if (!f.verified && f.pending === true)
        return deny(
          'REAL_NAME_PENDING',
          'your real-name check is still in progress with the state system; play and payments open once it is verified',
        );
      if (!f.verified) return deny('REAL_NAME_REQUIRED', 'complete real-name verification first (guest play is not offered)');
      if (f.birthDate === null)
        return deny(
          'AGE_UNVERIFIED',
          'your real name is verified, but your age is not: submit your identity once so the rules for minors can apply',
        );
    }
    if (action === 'withdraw' && id.withdrawalVerifiedAboveFen !== undefined && amountFen > id.withdrawalVerifiedAboveFen && !f.verified)
      return deny('IDENTITY_REQUIRED_FOR_WITHDRAWAL', `withdrawals above ${yuan(id.withdrawalVerifiedAboveFen)} need a verified identity`);
  }

  return null;
}

/**
 * The rules for minors: actions denied them, the play windows (whose end is returned when play is
 * allowed) and the spending bands by age.
 */
function minorsRule(
  policy: Policy,
  action: ComplianceAction,
  amountFen: number,
  f: PlayerFacts,
): { readonly denial: Decision | null; readonly windowEndMs?: number } {
  const tz = policy.timezone ?? 'UTC';
  let windowEndMs: number | undefined;
  const m = policy.minors;
  if (m) {
    // Without a verified birth date the age is unknown: where real name is required the identity
    // rule already refused; elsewhere an unknown age is treated as an adult's.
    const today = localTime(f.nowMs, tz);
    const age = f.birthDate === null ? null : ageOn(f.birthDate, today.date);
    if (age !== null && age < m.adultAge) {
      if (m.deniedActions.includes(action)) return { denial: deny('MINOR_ACTION_DENIED', 'this is not offered to players under 18') };
      if (m.playActions.includes(action)) {
        const day = playDay(m, today);
        if (!day.known)
          return { denial: deny('MINOR_CALENDAR_MISSING', `the play calendar for ${today.year} is not published yet; minors cannot play`) };
        const end = minorsWindowEndMs(m, f.nowMs, tz);
        if (end === null) {
          const windows = m.playWindows.map((w) => `${w.from}–${w.to}`).join(', ');
          return {
            denial: deny('MINOR_OUTSIDE_PLAY_WINDOW', `players under 18 may play only ${windows} on Fridays, weekends and public holidays`),
          };
        }
        windowEndMs = end;
      }
      if (m.spendingActions.includes(action)) {
        const band = m.spendingBands.find((b) => age >= b.fromAge && age < b.toAge);
        if (band) {
          if (band.perPaymentFenMax === 0) return { denial: deny('MINOR_PAYMENT_DENIED', 'players of your age cannot pay') };
          if (amountFen > band.perPaymentFenMax)
            return { denial: deny('MINOR_PAYMENT_CAP', `each payment is limited to ${yuan(band.perPaymentFenMax)} at your age`) };
          if (f.totals.depositsDayFen + amountFen > band.perDayFenMax)
            return { denial: deny('MINOR_DAILY_CAP', `payments are limited to ${yuan(band.perDayFenMax)} a day at your age`) };
          if (f.totals.depositsMonthFen + amountFen > band.perMonthFenMax)
            return { denial: deny('MINOR_MONTHLY_CAP', `payments are limited to ${yuan(band.perMonthFenMax)} a month at your age`) };
        }
      }
    }
  }
  return windowEndMs === undefined ? { denial: null } : { denial: null, windowEndMs };
}

/** The jurisdiction's limits on one deposit or withdrawal, a day's and a month's. */
function amountLimitRule(policy: Policy, action: ComplianceAction, amountFen: number, f: PlayerFacts): Decision | null {
  const limits = action === 'deposit' ? policy.limits?.deposit : action === 'withdraw' ? policy.limits?.withdrawal : undefined;
  if (limits) {
    const prefix = action === 'deposit' ? 'DEPOSIT' : 'WITHDRAWAL';
    const day = action === 'deposit' ? f.totals.depositsDayFen : f.totals.withdrawalsDayFen;
    const month = action === 'deposit' ? f.totals.depositsMonthFen : f.totals.withdrawalsMonthFen;
    if (limits.perTransactionFenMax !== undefined && amountFen > limits.perTransactionFenMax)
      return deny(`${prefix}_TRANSACTION_LIMIT`, `at most ${yuan(limits.perTransactionFenMax)} at a time`);
    if (limits.perDayFenMax !== undefined && day + amountFen > limits.perDayFenMax)
      return deny(`${prefix}_DAILY_LIMIT`, `at most ${yuan(limits.perDayFenMax)} a day`);
    if (limits.perMonthFenMax !== undefined && month + amountFen > limits.perMonthFenMax)
      return deny(`${prefix}_MONTHLY_LIMIT`, `at most ${yuan(limits.perMonthFenMax)} a month`);
  }

  return null;
}

/** The deposit limits the player set themself. */
function ownDepositLimitRule(action: ComplianceAction, amountFen: number, f: PlayerFacts): Decision | null {
  if (action === 'deposit') {
    const own = f.depositLimits;
    if (own.dayFen !== null && f.totals.depositsDayFen + amountFen > own.dayFen)
      return deny('SELF_DEPOSIT_LIMIT', `your own deposit limit is ${yuan(own.dayFen)} a day`);
    if (own.monthFen !== null && f.totals.depositsMonthFen + amountFen > own.monthFen)
      return deny('SELF_DEPOSIT_LIMIT', `your own deposit limit is ${yuan(own.monthFen)} a month`);
  }

  return null;
}

/** Continuous play without a break. */
function breakRule(policy: Policy, action: ComplianceAction, f: PlayerFacts): Decision | null {
  const rp = policy.responsiblePlay;
  if (PLAY_ACTIONS.includes(action) && rp && rp.continuousPlayMsMax > 0) {
    if (f.play.breakUntilMs !== null && f.play.breakUntilMs > f.nowMs)
      return deny('BREAK_REQUIRED', 'take a break: play resumes at the time shown', f.play.breakUntilMs);
    if (f.play.continuousSinceMs !== null && f.nowMs - f.play.continuousSinceMs >= rp.continuousPlayMsMax)
      return deny('BREAK_REQUIRED', 'you have played for a long time without a break; rest first', f.nowMs + rp.breakMs);
  }

  return null;
}

/** One limit on a player's deposits, over a period: one deposit alone, the local day or the local month. */
export interface DepositLimitRule {
  readonly code: string;
  readonly message: string;
  readonly period: 'transaction' | 'day' | 'month';
  readonly maxFen: number;
}

/**
 * Every limit on a player's deposits that `evaluatePlayer` weighs, in the order it weighs them: a
 * minor's spending band, the policy's deposit limits, the player's own limits. The payments domain
 * counts deposits against these itself — open orders included, and again when money arrives —
 * because totals read before a request cannot see the requests running beside it.
 */
export function depositLimitsOf(
  policy: Policy,
  f: {
    readonly nowMs: number;
    readonly birthDate: string | null;
    readonly own: { readonly dayFen: number | null; readonly monthFen: number | null };
  },
): DepositLimitRule[] {
  const out: DepositLimitRule[] = minorDepositLimits(policy, f);
  const l = policy.limits?.deposit;
  if (l?.perTransactionFenMax !== undefined)
    out.push({
      code: 'DEPOSIT_TRANSACTION_LIMIT',
      message: `at most ${yuan(l.perTransactionFenMax)} at a time`,
      period: 'transaction',
      maxFen: l.perTransactionFenMax,
    });
  if (l?.perDayFenMax !== undefined)
    out.push({ code: 'DEPOSIT_DAILY_LIMIT', message: `at most ${yuan(l.perDayFenMax)} a day`, period: 'day', maxFen: l.perDayFenMax });
  if (l?.perMonthFenMax !== undefined)
    out.push({
      code: 'DEPOSIT_MONTHLY_LIMIT',
      message: `at most ${yuan(l.perMonthFenMax)} a month`,
      period: 'month',
      maxFen: l.perMonthFenMax,
    });
  if (f.own.dayFen !== null)
    out.push({
      code: 'SELF_DEPOSIT_LIMIT',
      message: `your own deposit limit is ${yuan(f.own.dayFen)} a day`,
      period: 'day',
      maxFen: f.own.dayFen,
    });
  if (f.own.monthFen !== null)
    out.push({
      code: 'SELF_DEPOSIT_LIMIT',
      message: `your own deposit limit is ${yuan(f.own.monthFen)} a month`,
      period: 'month',
      maxFen: f.own.monthFen,
    });
  return out;
}

/** A minor's spending band as deposit limits (none for an adult, an unknown age, or a policy without bands). */
function minorDepositLimits(policy: Policy, f: { readonly nowMs: number; readonly birthDate: string | null }): DepositLimitRule[] {
  const out: DepositLimitRule[] = [];
  const m = policy.minors;
  if (m && f.birthDate !== null && m.spendingActions.includes('deposit')) {
    const age = ageOn(f.birthDate, localTime(f.nowMs, policy.timezone ?? 'UTC').date);
    const band = age < m.adultAge ? m.spendingBands.find((b) => age >= b.fromAge && age < b.toAge) : undefined;
    if (band) {
      if (band.perPaymentFenMax === 0) {
        out.push({ code: 'MINOR_PAYMENT_DENIED', message: 'players of your age cannot pay', period: 'transaction', maxFen: 0 });
      } else {
        out.push({
          code: 'MINOR_PAYMENT_CAP',
          message: `each payment is limited to ${yuan(band.perPaymentFenMax)} at your age`,
          period: 'transaction',
          maxFen: band.perPaymentFenMax,
        });
      }
      out.push({
        code: 'MINOR_DAILY_CAP',
        message: `payments are limited to ${yuan(band.perDayFenMax)} a day at your age`,
        period: 'day',
        maxFen: band.perDayFenMax,
      });
      out.push({
        code: 'MINOR_MONTHLY_CAP',
        message: `payments are limited to ${yuan(band.perMonthFenMax)} a month at your age`,
        period: 'month',
        maxFen: band.perMonthFenMax,
      });
    }
  }
  return out;
}

/**
 * The policy's limits on a player's withdrawals, as `evaluatePlayer` weighs them (the same codes
 * and words); payments counts withdrawals against them inside the unit that holds the money.
 */
export function withdrawalLimitsOf(policy: Policy): DepositLimitRule[] {
  const l = policy.limits?.withdrawal;
  const out: DepositLimitRule[] = [];
  if (l?.perTransactionFenMax !== undefined)
    out.push({
      code: 'WITHDRAWAL_TRANSACTION_LIMIT',
      message: `at most ${yuan(l.perTransactionFenMax)} at a time`,
      period: 'transaction',
      maxFen: l.perTransactionFenMax,
    });
  if (l?.perDayFenMax !== undefined)
    out.push({ code: 'WITHDRAWAL_DAILY_LIMIT', message: `at most ${yuan(l.perDayFenMax)} a day`, period: 'day', maxFen: l.perDayFenMax });
  if (l?.perMonthFenMax !== undefined)
    out.push({
      code: 'WITHDRAWAL_MONTHLY_LIMIT',
      message: `at most ${yuan(l.perMonthFenMax)} a month`,
      period: 'month',
      maxFen: l.perMonthFenMax,
    });
  return out;
}

// The compliance service: picks the policy that applies to a player, gathers the facts the rules
// need (verified identity and age, region, deposits and withdrawals in the local day and month,
// the player's own limits and self-exclusion, continuous play, risk restrictions) and asks the
// pure rules. It also keeps the player's responsible-play settings and operators' overrides.
import { AppError, assert, type Clock } from '@fairground/core';
import type { Store, Tx } from '../storage/ports.ts';
import { intFromDb, intOrNullFromDb } from '../storage/sql.ts';
import type { ComplianceAction } from './actions.ts';
import { dayStartMs, minorsWindowEndMs, monthStartMs, ageOn, localTime } from './calendar.ts';
import { JurisdictionErrors, ResponsiblePlayErrors } from './errors.ts';
import type { PlayerAddresses } from './addresses.ts';
import type { Region } from './geo.ts';
import { jurisdictionCode, type PolicySet, type SelectionBasis } from './jurisdictions.ts';
import type { Policy } from './policy.ts';
import type {
  Compliance,
  ComplianceActor,
  ComplianceContext,
  ComplianceDecision,
  IdentityFacts,
  IdentitySource,
  RestrictionSource,
  SpendingSource,
} from './ports.ts';
import {
  type DepositLimitRule,
  depositLimitsOf,
  evaluateOperator,
  evaluatePlayer,
  PLAY_ACTIONS,
  type PlayerFacts,
  type Totals,
  withdrawalLimitsOf,
  ZERO_TOTALS,
} from './rules.ts';

/** Without a responsible-play section, a gap this long still ends a stretch of continuous play. */
const DEFAULT_BREAK_MS = 15 * 60 * 1000;

export interface ComplianceServiceOptions {
  readonly store: Store;
  readonly clock: Clock;
  readonly policies: PolicySet;
  readonly identity: IdentitySource;
  readonly spending: SpendingSource;
  /** Restrictions and bans the risk domain placed on players. */
  readonly restrictions: RestrictionSource;
  /** Where players connect from (their region decides which rules apply). */
  readonly addresses: PlayerAddresses;
}

export interface PlayerPolicy {
  readonly policy: Policy;
  readonly basis: SelectionBasis;
  readonly region: Region | null;
  readonly override: {
    readonly jurisdiction: string;
    readonly reason: string;
    readonly operatorId: string;
    readonly setAtMs: number;
  } | null;
  readonly identity: IdentityFacts;
}

export interface DepositLimits {
  readonly dayFen: number | null;
  readonly monthFen: number | null;
}

export interface ResponsiblePlayView {
  readonly policy: { readonly name: string; readonly version: number; readonly jurisdiction: string };
  readonly offered: boolean;
  readonly depositLimits: DepositLimits;
  readonly pendingDepositLimits: (DepositLimits & { readonly effectiveAtMs: number }) | null;
  readonly selfExclusionUntilMs: number | null;
  readonly selfExclusionDays: readonly number[];
  readonly raiseDelayMs: number;
  readonly play: {
    readonly continuousMs: number;
    readonly reminderEveryMs: number;
    readonly nextReminderAtMs: number | null;
    readonly continuousPlayMsMax: number;
    readonly breakUntilMs: number | null;
  };
  readonly minor: { readonly age: number; readonly windowEndMs: number | null } | null;
}

interface SettingsRow {
  deposit_day_fen: unknown;
  deposit_month_fen: unknown;
  pending_set: unknown;
  pending_day_fen: unknown;
  pending_month_fen: unknown;
  pending_at_ms: unknown;
  self_excluded_until_ms: unknown;
}

interface Settings {
  readonly limits: DepositLimits;
  readonly pending: (DepositLimits & { readonly effectiveAtMs: number }) | null;
  readonly selfExcludedUntilMs: number | null;
}

function settingsFromRow(row: SettingsRow | undefined, nowMs: number): Settings {
  if (row === undefined) return { limits: { dayFen: null, monthFen: null }, pending: null, selfExcludedUntilMs: null };
  const pending =
    intFromDb(row.pending_set) === 1
      ? {
          dayFen: intOrNullFromDb(row.pending_day_fen),
          monthFen: intOrNullFromDb(row.pending_month_fen),
          effectiveAtMs: intFromDb(row.pending_at_ms),
        }
      : null;
  const current = { dayFen: intOrNullFromDb(row.deposit_day_fen), monthFen: intOrNullFromDb(row.deposit_month_fen) };
  // A raise takes effect once its cooling-off has passed; until then the old limit binds.
  if (pending !== null && pending.effectiveAtMs <= nowMs) {
    return {
      limits: { dayFen: pending.dayFen, monthFen: pending.monthFen },
      pending: null,
      selfExcludedUntilMs: intOrNullFromDb(row.self_excluded_until_ms),
    };
  }
  return { limits: current, pending, selfExcludedUntilMs: intOrNullFromDb(row.self_excluded_until_ms) };
}

/** Limits with the instants their periods start, in the policy's time zone (null: one request alone). */
function limitsSince(
  p: Policy,
  nowMs: number,
  rules: readonly DepositLimitRule[],
): { policy: string; limits: { code: string; message: string; sinceMs: number | null; maxFen: number }[] } {
  const tz = p.timezone ?? 'UTC';
  const since = { transaction: null, day: dayStartMs(nowMs, tz), month: monthStartMs(nowMs, tz) } as const;
  return {
    policy: `${p.name}@${p.version}`,
    limits: rules.map((l) => ({ code: l.code, message: l.message, sinceMs: since[l.period], maxFen: l.maxFen })),
  };
}

/** Whether `next` is no looser than `current` on both limits (null is no limit). */
function tighterOrEqual(next: number | null, current: number | null): boolean {
  if (next === null) return current === null;
  return current === null || next <= current;
}

export class ComplianceService implements Compliance {
  readonly #o: ComplianceServiceOptions;

  constructor(options: ComplianceServiceOptions) {
    this.#o = options;
  }

  get policyName(): string {
    const p = this.#o.policies.default;
    return `${p.name}@${p.version}`;
  }

  get policies(): PolicySet {
    return this.#o.policies;
  }

  /**
   * The limits on a player's deposits at `nowMs` — a minor's band, the policy's limits, their own —
   * each with the instant its period starts in the policy's time zone (null: one deposit alone).
   * Payments counts deposits against them inside the units that open and credit orders.
   */
  async depositLimits(
    playerId: string,
    nowMs: number,
  ): Promise<{ policy: string; limits: { code: string; message: string; sinceMs: number | null; maxFen: number }[] }> {
    const selected = await this.policyFor(playerId);
    const p = selected.policy;
    const rows = await this.#o.store.reader.query<SettingsRow>('SELECT * FROM compliance_settings WHERE player_id = ?', [playerId]);
    const own = settingsFromRow(rows[0], nowMs).limits;
    return limitsSince(p, nowMs, depositLimitsOf(p, { nowMs, birthDate: selected.identity.birthDate, own }));
  }

  /** The policy's limits on a player's withdrawals at `nowMs`, each with the instant its period starts. */
  async withdrawalLimits(
    playerId: string,
    nowMs: number,
  ): Promise<{ policy: string; limits: { code: string; message: string; sinceMs: number | null; maxFen: number }[] }> {
    const p = (await this.policyFor(playerId)).policy;
    return limitsSince(p, nowMs, withdrawalLimitsOf(p));
  }

  /** Remembers the address a player's latest request came from (for the region rules). */
  noteAddress(playerId: string, ip: string): void {
    this.#o.addresses.note(playerId, ip);
  }

  async policyFor(playerId: string): Promise<PlayerPolicy> {
    const [identity, overrideRows] = await Promise.all([
      this.#o.identity.identityOf(playerId),
      this.#o.store.reader.query<{ jurisdiction: string; reason: string; operator_id: string; set_at_ms: unknown }>(
        'SELECT jurisdiction, reason, operator_id, set_at_ms FROM compliance_overrides WHERE player_id = ?',
        [playerId],
      ),
    ]);
    const o = overrideRows[0];
    const override = o
      ? { jurisdiction: o.jurisdiction, reason: o.reason, operatorId: o.operator_id, setAtMs: intFromDb(o.set_at_ms) }
      : null;
    const region = this.#o.addresses.regionOf(playerId);
    const selection = this.#o.policies.select({
      override: override?.jurisdiction ?? null,
      identityCountry: identity.verified ? identity.country : null,
      region,
    });
    return { policy: selection.policy, basis: selection.basis, region, override, identity };
  }

  async check(action: ComplianceAction, actor: ComplianceActor, context: ComplianceContext): Promise<ComplianceDecision> {
    if (actor.kind === 'operator') return evaluateOperator(this.#o.policies.default, action);
    const nowMs = this.#o.clock.nowMs();
    const selected = await this.policyFor(actor.playerId);
    const facts = await this.#facts(actor.playerId, selected, action, nowMs);
    const decision = evaluatePlayer(selected.policy, action, context, facts);
    if (!decision.allow) return { ...decision, policy: `${selected.policy.name}@${selected.policy.version}` };
    if (PLAY_ACTIONS.includes(action)) await this.recordPlay(actor.playerId, selected.policy);
    return decision;
  }

  async #facts(playerId: string, selected: PlayerPolicy, action: ComplianceAction, nowMs: number): Promise<PlayerFacts> {
    const policy = selected.policy;
    const tz = policy.timezone ?? 'UTC';
    const needsTotals = action === 'deposit' || action === 'withdraw' || (policy.minors?.spendingActions.includes(action) ?? false);
    const [totals, settingsRows, playRows, restriction] = await Promise.all([
      needsTotals
        ? this.#o.spending.totals(playerId, { dayStartMs: dayStartMs(nowMs, tz), monthStartMs: monthStartMs(nowMs, tz) })
        : Promise.resolve<Totals>(ZERO_TOTALS),
      this.#o.store.reader.query<SettingsRow>('SELECT * FROM compliance_settings WHERE player_id = ?', [playerId]),
      this.#o.store.reader.query<{ continuous_since_ms: unknown; last_activity_ms: unknown }>(
        'SELECT continuous_since_ms, last_activity_ms FROM compliance_play WHERE player_id = ?',
        [playerId],
      ),
      this.#o.restrictions.restrictionFor(playerId, action),
    ]);
    const settings = settingsFromRow(settingsRows[0], nowMs);
    return {
      nowMs,
      verified: selected.identity.verified,
      birthDate: selected.identity.birthDate,
      pending: selected.identity.pending,
      region: selected.region ? { country: selected.region.country, subdivision: selected.region.subdivision } : null,
      totals,
      selfExclusionUntilMs: settings.selfExcludedUntilMs,
      depositLimits: settings.limits,
      play: this.#playState(policy, playRows[0], nowMs),
      restriction,
    };
  }

  #playState(
    policy: Policy,
    row: { continuous_since_ms: unknown; last_activity_ms: unknown } | undefined,
    nowMs: number,
  ): PlayerFacts['play'] {
    if (row === undefined) return { continuousSinceMs: null, breakUntilMs: null };
    const rp = policy.responsiblePlay;
    const breakMs = rp && rp.breakMs > 0 ? rp.breakMs : DEFAULT_BREAK_MS;
    const since = intFromDb(row.continuous_since_ms);
    const last = intFromDb(row.last_activity_ms);
    if (nowMs - last >= breakMs) return { continuousSinceMs: null, breakUntilMs: null };
    // Past the limit, the break counts from the last activity: a quiet gap of `breakMs` ends it.
    const over = rp !== undefined && rp.continuousPlayMsMax > 0 && nowMs - since >= rp.continuousPlayMsMax;
    return { continuousSinceMs: since, breakUntilMs: over ? last + breakMs : null };
  }

  /**
   * Records play activity now (an allowed play action, or a hand or command batch reported by the
   * game domains). A gap of at least the break length starts a new stretch of continuous play.
   */
  async recordPlay(playerId: string, policy?: Policy): Promise<void> {
    const p = policy ?? (await this.policyFor(playerId)).policy;
    const breakMs = p.responsiblePlay && p.responsiblePlay.breakMs > 0 ? p.responsiblePlay.breakMs : DEFAULT_BREAK_MS;
    await this.#o.store.unitOfWork(
      async (tx) => {
        // The first activity inserts the row; a parallel first request finds it there (ON CONFLICT)
        // instead of racing it into the primary key, and goes on as a later activity.
        const inserted = await tx.run(
          'INSERT INTO compliance_play (player_id, continuous_since_ms, last_activity_ms) VALUES (?, ?, ?) ON CONFLICT (player_id) DO NOTHING',
          [playerId, tx.nowMs, tx.nowMs],
        );
        if (inserted === 1) return;
        const rows = await tx.query<{ last_activity_ms: unknown }>('SELECT last_activity_ms FROM compliance_play WHERE player_id = ?', [
          playerId,
        ]);
        const row = rows[0];
        assert(row !== undefined, `compliance_play row of ${playerId} vanished`);
        if (tx.nowMs - intFromDb(row.last_activity_ms) >= breakMs) {
          await tx.run('UPDATE compliance_play SET continuous_since_ms = ?, last_activity_ms = ? WHERE player_id = ?', [
            tx.nowMs,
            tx.nowMs,
            playerId,
          ]);
        } else {
          await tx.run('UPDATE compliance_play SET last_activity_ms = ? WHERE player_id = ? AND last_activity_ms < ?', [
            tx.nowMs,
            playerId,
            tx.nowMs,
          ]);
        }
      },
      { label: 'compliance.recordPlay' },
    );
  }

  /** When a player's permitted play window ends (minors' hours), `nowMs` or earlier when closed, null when no window applies. */
  async playWindowEndMs(playerId: string, nowMs: number): Promise<number | null> {
    const selected = await this.policyFor(playerId);
    const m = selected.policy.minors;
    const birth = selected.identity.birthDate;
    if (m === undefined || birth === null || !m.playActions.includes('join_room')) return null;
    const tz = selected.policy.timezone ?? 'UTC';
    if (ageOn(birth, localTime(nowMs, tz).date) >= m.adultAge) return null;
    return minorsWindowEndMs(m, nowMs, tz) ?? nowMs;
  }

  // ------------------------------------------------------------------ responsible play

  async responsiblePlay(playerId: string): Promise<ResponsiblePlayView> {
    const nowMs = this.#o.clock.nowMs();
    const selected = await this.policyFor(playerId);
    const p = selected.policy;
    const rp = p.responsiblePlay;
    const [settingsRows, playRows] = await Promise.all([
      this.#o.store.reader.query<SettingsRow>('SELECT * FROM compliance_settings WHERE player_id = ?', [playerId]),
      this.#o.store.reader.query<{ continuous_since_ms: unknown; last_activity_ms: unknown }>(
        'SELECT continuous_since_ms, last_activity_ms FROM compliance_play WHERE player_id = ?',
        [playerId],
      ),
    ]);
    const s = settingsFromRow(settingsRows[0], nowMs);
    const play = this.#playState(p, playRows[0], nowMs);
    const continuousMs = play.continuousSinceMs === null ? 0 : nowMs - play.continuousSinceMs;
    const every = rp?.reminderEveryMs ?? 0;
    const tz = p.timezone ?? 'UTC';
    const birth = selected.identity.birthDate;
    const age = birth === null ? null : ageOn(birth, localTime(nowMs, tz).date);
    const minor = p.minors && age !== null && age < p.minors.adultAge ? { age, windowEndMs: minorsWindowEndMs(p.minors, nowMs, tz) } : null;
    return {
      policy: { name: p.name, version: p.version, jurisdiction: jurisdictionCode(p) },
      offered: rp !== undefined,
      depositLimits: s.limits,
      pendingDepositLimits: s.pending,
      selfExclusionUntilMs: s.selfExcludedUntilMs !== null && s.selfExcludedUntilMs > nowMs ? s.selfExcludedUntilMs : null,
      selfExclusionDays: rp?.selfExclusionDays ?? [],
      raiseDelayMs: rp?.depositLimitRaiseDelayMs ?? 0,
      play: {
        continuousMs,
        reminderEveryMs: every,
        nextReminderAtMs:
          play.continuousSinceMs === null || every === 0 ? null : play.continuousSinceMs + (Math.floor(continuousMs / every) + 1) * every,
        continuousPlayMsMax: rp?.continuousPlayMsMax ?? 0,
        breakUntilMs: play.breakUntilMs,
      },
      minor,
    };
  }

  /**
   * Sets the player's own deposit limits (fen; null for none). Tightening takes effect at once;
   * loosening waits out the policy's cooling-off delay, while the current limits keep binding.
   */
  async setDepositLimits(playerId: string, next: DepositLimits): Promise<ResponsiblePlayView> {
    for (const v of [next.dayFen, next.monthFen])
      if (v !== null && (!Number.isSafeInteger(v) || v < 0)) throw new AppError(ResponsiblePlayErrors.DEPOSIT_LIMIT_INVALID);
    if (next.dayFen !== null && next.monthFen !== null && next.monthFen < next.dayFen)
      throw new AppError(ResponsiblePlayErrors.DEPOSIT_LIMIT_INVALID);
    const rp = (await this.policyFor(playerId)).policy.responsiblePlay;
    if (rp === undefined) throw new AppError(ResponsiblePlayErrors.RESPONSIBLE_PLAY_NOT_OFFERED);
    await this.#o.store.unitOfWork(
      async (tx) => {
        const row = (await tx.query<SettingsRow>('SELECT * FROM compliance_settings WHERE player_id = ?', [playerId]))[0];
        const s = settingsFromRow(row, tx.nowMs);
        await this.#ensureSettings(tx, playerId);
        const dayNow = tighterOrEqual(next.dayFen, s.limits.dayFen);
        const monthNow = tighterOrEqual(next.monthFen, s.limits.monthFen);
        if (dayNow && monthNow) {
          await tx.run(
            'UPDATE compliance_settings SET deposit_day_fen = ?, deposit_month_fen = ?, pending_set = 0, pending_day_fen = NULL, pending_month_fen = NULL, pending_at_ms = NULL, updated_at_ms = ? WHERE player_id = ?',
            [next.dayFen, next.monthFen, tx.nowMs, playerId],
          );
        } else {
          // The tighter of each pair binds now; the requested values wait for the cooling-off.
          const bindDay = dayNow ? next.dayFen : s.limits.dayFen;
          const bindMonth = monthNow ? next.monthFen : s.limits.monthFen;
          await tx.run(
            'UPDATE compliance_settings SET deposit_day_fen = ?, deposit_month_fen = ?, pending_set = 1, pending_day_fen = ?, pending_month_fen = ?, pending_at_ms = ?, updated_at_ms = ? WHERE player_id = ?',
            [bindDay, bindMonth, next.dayFen, next.monthFen, tx.nowMs + rp.depositLimitRaiseDelayMs, tx.nowMs, playerId],
          );
        }
      },
      { label: 'compliance.setDepositLimits' },
    );
    return this.responsiblePlay(playerId);
  }

  /** Blocks play and deposits for `days` (one of the policy's periods); it can be extended, never shortened. */
  async selfExclude(playerId: string, days: number): Promise<ResponsiblePlayView> {
    const rp = (await this.policyFor(playerId)).policy.responsiblePlay;
    if (rp === undefined) throw new AppError(ResponsiblePlayErrors.RESPONSIBLE_PLAY_NOT_OFFERED);
    if (!rp.selfExclusionDays.includes(days))
      throw new AppError(ResponsiblePlayErrors.SELF_EXCLUSION_PERIOD_INVALID, { offered: [...rp.selfExclusionDays] });
    const outcome = await this.#o.store.unitOfWork(
      async (tx) => {
        await this.#ensureSettings(tx, playerId);
        const until = tx.nowMs + days * 24 * 3600 * 1000;
        const rows = await tx.query<{ self_excluded_until_ms: unknown }>(
          'SELECT self_excluded_until_ms FROM compliance_settings WHERE player_id = ?',
          [playerId],
        );
        const current = intOrNullFromDb(rows[0]?.self_excluded_until_ms);
        if (current !== null && current > until) return 'shorter' as const;
        await tx.run('UPDATE compliance_settings SET self_excluded_until_ms = ?, updated_at_ms = ? WHERE player_id = ?', [
          until,
          tx.nowMs,
          playerId,
        ]);
        return 'ok' as const;
      },
      { label: 'compliance.selfExclude' },
    );
    if (outcome === 'shorter') throw new AppError(ResponsiblePlayErrors.SELF_EXCLUSION_CANNOT_SHORTEN);
    return this.responsiblePlay(playerId);
  }

  async #ensureSettings(tx: Tx, playerId: string): Promise<void> {
    await tx.run('INSERT INTO compliance_settings (player_id, updated_at_ms) VALUES (?, ?) ON CONFLICT (player_id) DO NOTHING', [
      playerId,
      tx.nowMs,
    ]);
  }

  // ------------------------------------------------------------------ operators

  /** Pins a player to a jurisdiction (or clears the pin with null), in the caller's unit (with its audit entry). */
  async setOverride(tx: Tx, playerId: string, jurisdiction: string | null, reason: string, operatorId: string): Promise<void> {
    if (jurisdiction === null) {
      await tx.run('DELETE FROM compliance_overrides WHERE player_id = ?', [playerId]);
      return;
    }
    const p = this.#o.policies.byCode(jurisdiction);
    if (p === undefined) throw new AppError(JurisdictionErrors.JURISDICTION_UNKNOWN, { jurisdiction });
    await tx.run(
      `INSERT INTO compliance_overrides (player_id, jurisdiction, reason, operator_id, set_at_ms) VALUES (?, ?, ?, ?, ?)
       ON CONFLICT (player_id) DO UPDATE SET jurisdiction = excluded.jurisdiction, reason = excluded.reason, operator_id = excluded.operator_id, set_at_ms = excluded.set_at_ms`,
      [playerId, jurisdictionCode(p), reason, operatorId, tx.nowMs],
    );
  }

  /** What friend rooms may do under the default policy (the rooms port asks for one set of limits). */
  /** Whether players at a friend-room table may type free text (checked by content security); false when the policy says nothing. */
  roomChatFreeText(): boolean {
    return this.#o.policies.default.games?.roomChatFreeText === true;
  }

  roomLimits(): {
    handPointsMax: number | null;
    dayPointsMax: number | null;
    cashRemainder: 'service_fee' | 'prize_by_scoreboard';
    cashModeAllowed: boolean;
    faceCheck: 'off' | 'optional' | 'required';
  } {
    const g = this.#o.policies.default.games;
    return {
      handPointsMax: g?.roomPoints.handPointsMax ?? null,
      dayPointsMax: g?.roomPoints.dayPointsMax ?? null,
      // A room's cash split by results needs both the explicit choice and prizes by results allowed.
      cashRemainder: g?.prizeByResults && g.roomCashRemainder === 'prize_by_scoreboard' ? 'prize_by_scoreboard' : 'service_fee',
      cashModeAllowed: g?.cashRoomFees ?? true,
      faceCheck: g?.roomFaceCheck ?? 'optional',
    };
  }
}

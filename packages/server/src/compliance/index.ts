// Compliance: one `check(action, actor, context)` in front of every money or play action.
import { AppError } from '@fairground/core';
import type { ComplianceAction } from './actions.ts';
import { ComplianceErrors } from './errors.ts';
import type { Policy } from './policy.ts';
import type { Compliance, ComplianceActor, ComplianceContext, ComplianceDecision } from './ports.ts';
import { evaluateOperator } from './rules.ts';

export { COMPLIANCE_ACTIONS, type ComplianceAction, isComplianceAction, PLAYER_ACTIONS } from './actions.ts';
export {
  CalendarStatus,
  type CalendarWarning,
  type CalendarYearStatus,
  calendarYearSha256,
  type JurisdictionCalendar,
  warningLine as calendarWarningLine,
} from './calendar-status.ts';
export { ageOn, dayStartMs, type LocalTime, localTime, localToMs, minorsWindowEndMs, monthStartMs, playDay } from './calendar.ts';
export { CalendarErrors, ComplianceErrors, JurisdictionErrors, RealNameReportErrors, ResponsiblePlayErrors } from './errors.ts';
export { PlayerAddresses } from './addresses.ts';
export { CALENDAR_RUNWAY_DAYS_MIN } from './limits.ts';
export { Geo, type GeoOverride, parseGeoOverrides, type Region } from './geo.ts';
export { jurisdictionCode, loadPolicyDir, loadPolicySet, PolicySet, type Selection, type SelectionBasis } from './jurisdictions.ts';
export { complianceContract } from './contract.ts';
export { complianceMigrations } from './migrations.ts';
export { registerComplianceHooks } from './hooks.ts';
export { RealNamePresence, REPORT_STATES, type ReportState, type ReportView } from './realname.ts';
export { type ComplianceRouteDeps, complianceRoutes } from './routes.ts';
export { type CalendarFile, loadCalendarFile, loadPolicyFile, type Policy, PolicyError, PolicySchema, parsePolicy } from './policy.ts';
export type {
  BehaviourEvent,
  Compliance,
  ComplianceActor,
  ComplianceContext,
  ComplianceDecision,
  IdentityFacts,
  IdentitySource,
  RealNameReporter,
  ReportOutcome,
  RestrictionSource,
  SpendingSource,
} from './ports.ts';
export {
  type Decision,
  type DepositLimitRule,
  depositLimitsOf,
  evaluateOperator,
  evaluatePlayer,
  PAID_SKILL_ACTIONS,
  PLAY_ACTIONS,
  type PlayerFacts,
  type Totals,
  withdrawalLimitsOf,
  ZERO_TOTALS,
} from './rules.ts';
export {
  ComplianceService,
  type ComplianceServiceOptions,
  type DepositLimits,
  type PlayerPolicy,
  type ResponsiblePlayView,
} from './service.ts';
export { kycIdentity, ledgerSpending } from './sources.ts';

/** Compliance decided by a policy document alone, for every actor (tests and tools; the platform uses ComplianceService). */
export function createPolicyCompliance(policy: Policy): Compliance {
  return {
    policyName: `${policy.name}@${policy.version}`,
    async check(action: ComplianceAction, _actor: ComplianceActor, _context: ComplianceContext): Promise<ComplianceDecision> {
      return evaluateOperator(policy, action);
    },
  };
}

/** Asks compliance and throws COMPLIANCE_DENIED (with the policy's reason code in details) on deny. */
export async function enforce(
  compliance: Compliance,
  action: ComplianceAction,
  actor: ComplianceActor,
  context: ComplianceContext,
): Promise<void> {
  const decision = await compliance.check(action, actor, context);
  if (!decision.allow) {
    throw new AppError(
      ComplianceErrors.COMPLIANCE_DENIED,
      {
        action,
        reason: decision.code,
        policy: decision.policy ?? compliance.policyName,
        ...(decision.retryAtMs !== undefined ? { retryAtMs: decision.retryAtMs } : {}),
      },
      decision.message,
    );
  }
}

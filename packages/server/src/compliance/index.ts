// Compliance: one `check(action, actor, context)` in front of every money or play action.
import { AppError } from '@fairground/core';
import type { ComplianceAction } from './actions.ts';
import { ComplianceErrors } from './errors.ts';
import type { Policy } from './policy.ts';
import type { Compliance, ComplianceActor, ComplianceContext, ComplianceDecision } from './ports.ts';

export { COMPLIANCE_ACTIONS, type ComplianceAction, isComplianceAction } from './actions.ts';
export { ComplianceErrors } from './errors.ts';
export { loadPolicyFile, type Policy, PolicyError, PolicySchema, parsePolicy } from './policy.ts';
export type { Compliance, ComplianceActor, ComplianceContext, ComplianceDecision } from './ports.ts';

/** Compliance decided by a policy document alone (later issues add KYC, limits and hours from the database). */
export function createPolicyCompliance(policy: Policy): Compliance {
  return {
    policyName: `${policy.name}@${policy.version}`,
    async check(action: ComplianceAction, _actor: ComplianceActor, _context: ComplianceContext): Promise<ComplianceDecision> {
      const rule = policy.actions[action];
      const effect = rule?.effect ?? policy.defaultEffect;
      if (effect === 'allow') return { allow: true };
      return {
        allow: false,
        code: rule?.code ?? policy.defaultCode ?? 'POLICY_DENIED',
        message: rule?.message ?? policy.defaultMessage ?? `the policy ${policy.name} does not allow ${action}`,
      };
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
      { action, reason: decision.code, policy: compliance.policyName },
      decision.message,
    );
  }
}

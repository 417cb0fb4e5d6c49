// What the rest of the platform asks of compliance. The answer is data (allow, or deny with a
// reason code a client can show), never an exception: the caller decides how to refuse.
import type { ComplianceAction } from './actions.ts';

export type ComplianceActor =
  | { readonly kind: 'player'; readonly playerId: string }
  | { readonly kind: 'operator'; readonly operatorId: string; readonly roles: readonly string[] };

/** Facts about the request the policy may weigh (amounts in fen, the target player, the game). */
export type ComplianceContext = Readonly<Record<string, string | number | boolean>>;

export type ComplianceDecision = { readonly allow: true } | { readonly allow: false; readonly code: string; readonly message: string };

export interface Compliance {
  /** The policy in force (its name and version appear in denials and in the audit trail). */
  readonly policyName: string;
  check(action: ComplianceAction, actor: ComplianceActor, context: ComplianceContext): Promise<ComplianceDecision>;
}

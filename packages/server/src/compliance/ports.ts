// What the rest of the platform asks of compliance, and what compliance needs from outside. The
// answer is data (allow, or deny with a reason code a client can show), never an exception: the
// caller decides how to refuse.
import type { ComplianceAction } from './actions.ts';
import type { Totals } from './rules.ts';

export type ComplianceActor =
  | { readonly kind: 'player'; readonly playerId: string }
  | { readonly kind: 'operator'; readonly operatorId: string; readonly roles: readonly string[] };

/** Facts about the request the policy may weigh (amounts in fen, the target player, the game). */
export type ComplianceContext = Readonly<Record<string, string | number | boolean>>;

export type ComplianceDecision =
  | { readonly allow: true /** For a minor's play: when the play window closes. */; readonly windowEndMs?: number }
  | {
      readonly allow: false;
      readonly code: string;
      readonly message: string;
      /** When asking again may succeed (breaks, self-exclusion). */
      readonly retryAtMs?: number;
      /** The policy that refused (`name@version`), when it is not the default one. */
      readonly policy?: string;
    };

export interface Compliance {
  /** The policy in force (its name and version appear in denials and in the audit trail). */
  readonly policyName: string;
  check(action: ComplianceAction, actor: ComplianceActor, context: ComplianceContext): Promise<ComplianceDecision>;
}

/** A player's verified real-name identity, as compliance needs it. */
export interface IdentityFacts {
  /** The real name is verified: by the real-name authority, or by a platform (WeChat mini-games). */
  readonly verified: boolean;
  /** YYYY-MM-DD from the verified identity number; null when no authority verified one (the age is unknown). */
  readonly birthDate: string | null;
  /** The country that issued the identity document (a PRC resident identity card → CN). */
  readonly country: string | null;
  /** A real-name submission is waiting for the authority. */
  readonly pending: boolean;
}

export interface IdentitySource {
  identityOf(playerId: string): Promise<IdentityFacts>;
}

/** Deposits and withdrawals of a player since a local day and month start (fen; withdrawals count open and posted holds). */
export interface SpendingSource {
  totals(playerId: string, since: { readonly dayStartMs: number; readonly monthStartMs: number }): Promise<Totals>;
}

/** The risk domain's restrictions (an operator's restriction or ban, an automatic one from a severe signal). */
export interface RestrictionSource {
  restrictionFor(playerId: string, action: ComplianceAction): Promise<{ readonly code: string; readonly message: string } | null>;
}

/**
 * A user behaviour event for the real-name authority (NPPA 网络游戏防沉迷实名验证系统, "loginout"):
 * `bt` 1 online / 0 offline, `ot` seconds since the epoch, `si` our session id (≤ 32 characters),
 * `pi` the authority's id for the verified person. Only verified players are reported (`ct` 0):
 * guest play is banned (2021 notice), so the platform never sends `ct` 2.
 */
export interface BehaviourEvent {
  readonly no: number;
  readonly si: string;
  readonly bt: 0 | 1;
  readonly ot: number;
  readonly pi: string;
}

/**
 * What the authority did with one batch. `delivered`: it answered; `accepted` lists the `no`s it
 * took and `refused` the ones it refused, each with our code and whether sending it again may
 * succeed. `undelivered`: no usable answer; `mayHaveArrived` says whether the authority may have
 * recorded the batch anyway (sending it again may then duplicate it).
 */
export type ReportOutcome =
  | {
      readonly delivered: true;
      readonly accepted: readonly number[];
      readonly refused: readonly { readonly no: number; readonly code: string; readonly retryable: boolean }[];
    }
  | {
      readonly delivered: false;
      readonly code: string;
      readonly message: string;
      readonly retryable: boolean;
      readonly mayHaveArrived: boolean;
      /** When the authority asked us to wait (rate limit), the earliest time to send again. */
      readonly retryAfterMs?: number;
    };

/** The authority's behaviour-reporting interface (NPPA's loginout in production; in-memory stand-in in unit tests). */
export interface RealNameReporter {
  /** Events per call the authority takes (128 for NPPA). */
  readonly batchMax: number;
  report(events: readonly BehaviourEvent[]): Promise<ReportOutcome>;
}

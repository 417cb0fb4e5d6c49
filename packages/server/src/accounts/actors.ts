// Who is calling. The authenticator turns a bearer token into one of these; routes receive the
// kind they declared (`auth: 'player'` → PlayerActor) and never see a token.
import { AppError } from '@fairground/core';
import type { EndpointSpec } from '../http/endpoint.ts';
import { AccountsErrors } from './errors.ts';
import type { OperatorRole } from './roles.ts';

export interface PlayerActor {
  readonly kind: 'player';
  readonly playerId: string;
  readonly sessionId: string;
  /** The user-agreement version this player accepted, or null: play and payment need the current one. */
  readonly termsVersion: string | null;
}

export interface OperatorActor {
  readonly kind: 'operator';
  readonly operatorId: string;
  readonly sessionId: string;
  readonly username: string;
  readonly roles: readonly OperatorRole[];
}

export type Actor = PlayerActor | OperatorActor;

export interface Authenticator {
  /** Resolves the request's bearer token; throws AppError (AUTH_REQUIRED, AUTH_TOKEN_INVALID, AUTH_TOKEN_EXPIRED, AUTH_SESSION_REVOKED). */
  authenticate(authorization: string | undefined): Promise<Actor>;
}

// Handlers receive the actor their route's `auth` names; this tells the HTTP kernel which is which.
declare module '../http/routes.ts' {
  interface Callers {
    readonly player: PlayerActor;
    readonly operator: OperatorActor;
  }
}

/**
 * The caller of an authenticated route, checked against its declaration: the right kind, and for
 * operator routes one of the roles it names. An anonymous or wrong-kind caller learns nothing else.
 */
export async function authenticateFor(authenticator: Authenticator, authorization: string | undefined, spec: EndpointSpec): Promise<Actor> {
  const actor = await authenticator.authenticate(authorization);
  if (spec.auth === 'player' && actor.kind !== 'player') throw new AppError(AccountsErrors.AUTH_PLAYER_REQUIRED);
  if (spec.auth === 'operator') {
    if (actor.kind !== 'operator') throw new AppError(AccountsErrors.AUTH_OPERATOR_REQUIRED);
    const roles = spec.roles ?? [];
    if (!actor.roles.some((r) => roles.includes(r))) throw new AppError(AccountsErrors.AUTH_ROLE_MISSING, { needs: [...roles] });
  }
  return actor;
}

/** Money and play need the user agreement in force; operators accept none. */
export function requireCurrentTerms(actor: Actor, termsVersion: string): void {
  if (actor.kind === 'player' && actor.termsVersion !== termsVersion) {
    throw new AppError(AccountsErrors.TERMS_NOT_ACCEPTED, { current: termsVersion });
  }
}

// Who is calling. The authenticator turns a bearer token into one of these; routes receive the
// kind they declared (`auth: 'player'` → PlayerActor) and never see a token.
import type { OperatorRole } from '../accounts/roles.ts';

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

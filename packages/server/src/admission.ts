// The checks every declared endpoint passes before its handler, bound here in the composition
// root: accounts says who is calling (and whether their kind and roles fit the route), then money
// and play routes need the current user agreement and the compliance policy's consent. The HTTP
// kernel runs them in that order (http/routes.ts) without knowing either domain.
import { type Authenticator, authenticateFor, requireCurrentTerms } from './accounts/index.ts';
import { type Compliance, enforce } from './compliance/index.ts';
import type { RouteDeps } from './http/routes.ts';

export function routeDeps(o: {
  readonly authenticator: Authenticator;
  readonly compliance: Compliance;
  /** Read on every money or play request, so a newly published agreement asks everyone at once. */
  readonly termsVersion: () => string;
}): RouteDeps {
  return {
    authenticate: (authorization, spec) => authenticateFor(o.authenticator, authorization, spec),
    async admit(actor, action, context) {
      requireCurrentTerms(actor, o.termsVersion());
      await enforce(
        o.compliance,
        action,
        actor.kind === 'player'
          ? { kind: 'player', playerId: actor.playerId }
          : { kind: 'operator', operatorId: actor.operatorId, roles: actor.roles },
        context,
      );
    },
  };
}

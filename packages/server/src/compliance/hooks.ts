// What compliance learns from every authenticated player request: the address it came from (for
// the region rules) and that the session is online (for real-name behaviour reporting). Sign-out
// reports the session offline once the route has answered.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { actorOf } from '../http/routes.ts';
import type { RealNamePresence } from './realname.ts';
import type { ComplianceService } from './service.ts';

const SIGN_OUT_URL = '/api/auth/logout';

export function registerComplianceHooks(
  app: FastifyInstance,
  d: {
    readonly compliance: ComplianceService;
    /** Null when no play reporting is configured. */
    readonly presence: RealNamePresence | null;
    readonly addressOf?: (request: FastifyRequest) => string;
  },
): void {
  const addressOf = d.addressOf ?? ((request: FastifyRequest) => request.ip);
  // Runs after each route's authentication (onRequest) and before its compliance check (route preHandler).
  app.addHook('preHandler', async (request) => {
    const actor = actorOf(request);
    if (actor?.kind !== 'player') return;
    d.compliance.noteAddress(actor.playerId, addressOf(request));
    await d.presence?.touch(actor.sessionId, actor.playerId);
  });
  // onSend, not onResponse: the offline event is queued before the client sees the answer.
  app.addHook('onSend', async (request, reply, payload) => {
    if (request.routeOptions.url !== SIGN_OUT_URL || reply.statusCode >= 300) return payload;
    const actor = actorOf(request);
    if (actor?.kind === 'player') await d.presence?.offline(actor.sessionId);
    return payload;
  });
}

// Handlers for the real-name endpoints.
import type { Static } from '@sinclair/typebox';
import type { AuditLog } from '../audit/index.ts';
import { type Implementation, implement } from '../http/routes.ts';
import type { Store } from '../storage/ports.ts';
import { kycContract as c, type KycStatusBody } from './kyc-contract.ts';
import type { Kyc, KycStatus } from './kyc.ts';
import type { Players } from './players.ts';

export interface KycRouteDeps {
  readonly store: Store;
  readonly kyc: Kyc;
  readonly players: Players;
  readonly audit: AuditLog;
}

export function kycRoutes(d: KycRouteDeps): Record<keyof typeof c, Implementation> {
  const body = (s: KycStatus): Static<typeof KycStatusBody> => ({ ...s, available: d.kyc.available });
  const detail = async (playerId: string) => {
    const [kyc, attempts] = await Promise.all([d.kyc.status(playerId), d.kyc.attempts(playerId)]);
    return { kyc: body(kyc), attempts };
  };
  return {
    kycStatus: implement(c.kycStatus, async ({ actor }) => body(await d.kyc.status(actor.playerId))),
    submitKyc: implement(c.submitKyc, async ({ actor, body: input }) => body(await d.kyc.submit(actor.playerId, input))),
    playerRealName: implement(c.playerRealName, async ({ params }) => {
      await d.players.require(params.playerId);
      return detail(params.playerId);
    }),
    queryPlayerRealName: implement(c.queryPlayerRealName, async ({ actor, params, body: input, request }) => {
      await d.players.require(params.playerId);
      const before = await d.kyc.status(params.playerId);
      const queried = await d.kyc.settleNow(params.playerId);
      const after = await d.kyc.status(params.playerId);
      await d.store.unitOfWork(
        (tx) =>
          d.audit.record(tx, {
            operator: { id: actor.operatorId, username: actor.username },
            action: 'realname.query',
            target: { kind: 'player', id: params.playerId },
            reason: input.reason,
            before: { status: before.status },
            after: { status: after.status, queried },
            requestId: request.id,
            ip: request.ip,
          }),
        { label: 'accounts.kycQueryAudit' },
      );
      return detail(params.playerId);
    }),
    waitingRealName: implement(c.waitingRealName, async ({ query }) => d.kyc.waiting(query.limit)),
  };
}

// Handlers of the subscription-message endpoints.
import { implement, type Implementation } from '../http/routes.ts';
import { subscriptionsContract as c } from './contract.ts';
import type { Subscriptions } from './service.ts';

export function subscriptionsRoutes(s: Subscriptions): Record<keyof typeof c, Implementation> {
  return {
    subscriptionsMine: implement(c.subscriptionsMine, async ({ actor }) => ({ items: await s.mine(actor.playerId) })),
    subscriptionsAccept: implement(c.subscriptionsAccept, async ({ actor, body }) => ({
      items: await s.accept(actor.playerId, body.templateIds),
    })),
    subscriptionsWithdraw: implement(c.subscriptionsWithdraw, async ({ actor }) => ({ items: await s.withdraw(actor.playerId) })),
  };
}

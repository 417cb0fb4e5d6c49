// Subscription messages: the templates a player may opt in to, with the consents not yet spent;
// the mini-game posts the template ids the player accepted in wx.requestSubscribeMessage, H5's
// toggle posts them all (on) or withdraws the unspent consents (off).
import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { SUBSCRIBE_KINDS } from './kinds.ts';

const Subscriptions = Type.Object({
  items: Type.Array(
    Type.Object({
      kind: Type.Union(SUBSCRIBE_KINDS.map((k) => Type.Literal(k))),
      templateId: Type.String(),
      remaining: Type.Integer({ minimum: 0, description: 'consents not yet spent: each allows one message' }),
    }),
  ),
});

export const subscriptionsContract = contract({
  subscriptionsMine: {
    method: 'GET',
    url: '/api/subscriptions',
    summary: 'The subscription-message templates, with the consents the player has not spent',
    tags: ['subscriptions'],
    auth: 'player',
    response: Subscriptions,
  },
  subscriptionsAccept: {
    method: 'POST',
    url: '/api/subscriptions/consents',
    summary: 'Record the templates the player accepted (one consent each, one message per consent)',
    tags: ['subscriptions'],
    auth: 'player',
    body: Type.Object(
      {
        templateIds: Type.Array(Type.String({ pattern: '^[0-9A-Za-z_-]{1,128}$' }), {
          minItems: 1,
          maxItems: SUBSCRIBE_KINDS.length,
          uniqueItems: true,
        }),
      },
      { additionalProperties: false },
    ),
    response: Subscriptions,
  },
  subscriptionsWithdraw: {
    method: 'POST',
    url: '/api/subscriptions/withdraw',
    summary: 'Give back every consent not yet spent (no more subscription messages until the player opts in again)',
    tags: ['subscriptions'],
    auth: 'player',
    body: Type.Object({}, { additionalProperties: false }),
    response: Subscriptions,
  },
});

import { Type } from '@sinclair/typebox';
import { contract } from '../http/endpoint.ts';
import { IdString, Ok, pagedList, TimeMs } from '../http/schemas.ts';
import { INBOX_PAGE_MAX } from './limits.ts';

export const NotificationBody = Type.Object({
  id: Type.String(),
  kind: Type.String({ description: 'what happened (balance_adjusted, deposit_completed, withdrawal_completed, …); clients render it' }),
  data: Type.Record(Type.String(), Type.Union([Type.String(), Type.Integer(), Type.Boolean(), Type.Null()])),
  createdAtMs: TimeMs(),
  readAtMs: Type.Union([TimeMs(), Type.Null()]),
});

export const notificationsContract = contract({
  inbox: {
    method: 'GET',
    url: '/api/notifications',
    summary: 'The player’s in-app inbox, newest first (live updates: WebSocket /api/notifications/ws)',
    tags: ['notifications'],
    auth: 'player',
    query: Type.Object(
      {
        cursor: Type.Optional(Type.String({ pattern: '^[0-9]{1,16}\\.[A-Za-z0-9_-]{1,64}$' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: INBOX_PAGE_MAX })),
      },
      { additionalProperties: false },
    ),
    response: pagedList(NotificationBody, { unread: Type.Integer() }),
  },
  markRead: {
    method: 'POST',
    url: '/api/notifications/:notificationId/read',
    summary: 'Mark a notification read',
    tags: ['notifications'],
    auth: 'player',
    params: Type.Object({ notificationId: IdString() }),
    response: Ok,
  },
});

// The notification endpoints (the inbox) and the live socket that pushes new notifications.
import { AppError } from '@fairground/core';
import type { FastifyInstance } from 'fastify';
import type { WebSocket } from 'ws';
import type { Authenticator } from '../accounts/index.ts';
import { implement, type Implementation } from '../http/routes.ts';
import { notificationsContract as c } from './contract.ts';
import type { Hub } from './hub.ts';
import type { Notifications } from './index.ts';
import { AUTH_TIMEOUT_MS, CLIENT_MESSAGE_BYTES_MAX } from './limits.ts';

export function notificationsRoutes(n: Notifications): Record<keyof typeof c, Implementation> {
  return {
    inbox: implement(c.inbox, async ({ actor, query }) => n.inbox(actor.playerId, query.cursor, query.limit ?? 20)),
    markRead: implement(c.markRead, async ({ actor, params }) => {
      await n.markRead(actor.playerId, params.notificationId);
      return { ok: true as const };
    }),
  };
}

/**
 * `GET /api/notifications/ws`: a browser cannot set headers on a WebSocket, so the first message
 * carries the access token: `{"type":"auth","token":"…"}` → `{"type":"ready"}`, then
 * `{"type":"notification","notification":{…}}` for each new notification.
 */
export function registerNotificationsSocket(app: FastifyInstance, hub: Hub, authenticator: Authenticator): void {
  app.get('/api/notifications/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket) => {
    let authed = false;
    const timer = setTimeout(() => {
      if (!authed) socket.close(4001, 'authenticate first');
    }, AUTH_TIMEOUT_MS);
    socket.on('close', () => clearTimeout(timer));
    socket.on('message', (raw, isBinary) => {
      const size = Array.isArray(raw) ? raw.reduce((n, b) => n + b.length, 0) : (raw as Buffer | ArrayBuffer).byteLength;
      if (isBinary || size > CLIENT_MESSAGE_BYTES_MAX || authed) {
        socket.close(4002, 'unexpected message');
        return;
      }
      let msg: { type?: unknown; token?: unknown };
      try {
        msg = JSON.parse(raw.toString()) as typeof msg;
      } catch {
        socket.close(4002, 'unexpected message');
        return;
      }
      if (msg.type !== 'auth' || typeof msg.token !== 'string') {
        socket.close(4002, 'unexpected message');
        return;
      }
      authed = true;
      authenticator.authenticate(`Bearer ${msg.token}`).then(
        (actor) => {
          clearTimeout(timer);
          if (actor.kind !== 'player') return socket.close(4003, 'players only');
          if (!hub.add(actor.playerId, socket)) return socket.close(1013, 'try again later');
          socket.send(JSON.stringify({ type: 'ready' }));
        },
        (e: unknown) => socket.close(4001, e instanceof AppError ? e.code : 'AUTH_TOKEN_INVALID'),
      );
    });
  });
}

// `GET /api/skill/ws`: commands over a WebSocket, the low-latency path (the batch route is its
// fallback). A browser cannot set headers on a WebSocket, so the first message authenticates:
//
//   → {"type":"auth","token":"…"}                                   ← {"type":"ready"}
//   → {"type":"commands","id":1,"sessionId":"ss_…","commands":[…]}   ← {"type":"ack","id":1,"ack":{…}}
//   → {"type":"finish","id":2,"sessionId":"ss_…","claimedScore":420} ← {"type":"result","id":2,"result":{…}}
//   → {"type":"session","id":3,"sessionId":"ss_…"}                   ← {"type":"session","id":3,"session":{…}}
//   any refusal                                                      ← {"type":"error","id":n,"error":{code,message,retryable,details}}
//
// Messages are validated before they reach the service, handled in the order they arrive, and
// rate-limited per connection; a client that floods or sends garbage is disconnected.
import { AppError, CoreErrors } from '@fairground/core';
import { type Static, Type } from '@sinclair/typebox';
import { TypeCompiler } from '@sinclair/typebox/compiler';
import type { FastifyInstance } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Authenticator } from '../accounts/index.ts';
import { IdString } from '../http/schemas.ts';
import { SOCKET_AUTH_TIMEOUT_MS, SOCKET_MESSAGES_PER_SECOND_MAX, SOCKETS_MAX } from './limits.ts';
import { CommandBatchBody } from './schemas.ts';
import type { SkillGames } from './service.ts';
import { BODY_CONTROL, controlCharacterAt } from '../http/text.ts';

const RequestId = Type.Integer({ minimum: 0, maximum: 2 ** 31 });
const ClientMessage = Type.Union([
  Type.Object({ type: Type.Literal('auth'), token: Type.String({ minLength: 1, maxLength: 2048 }) }, { additionalProperties: false }),
  Type.Composite([Type.Object({ type: Type.Literal('commands'), id: RequestId, sessionId: IdString() }), CommandBatchBody], {
    additionalProperties: false,
  }),
  Type.Object(
    { type: Type.Literal('finish'), id: RequestId, sessionId: IdString(), claimedScore: Type.Optional(Type.Integer({ minimum: 0 })) },
    { additionalProperties: false },
  ),
  Type.Object({ type: Type.Literal('session'), id: RequestId, sessionId: IdString() }, { additionalProperties: false }),
]);
type ClientMessage = Static<typeof ClientMessage>;
const checkMessage = TypeCompiler.Compile(ClientMessage);

/** A token bucket: SOCKET_MESSAGES_PER_SECOND_MAX per second, bursts up to the same; `take()` is false when it is empty. */
function messageBucket(): () => boolean {
  let tokens = SOCKET_MESSAGES_PER_SECOND_MAX;
  let refilledAt = performance.now();
  return () => {
    const now = performance.now();
    tokens = Math.min(SOCKET_MESSAGES_PER_SECOND_MAX, tokens + ((now - refilledAt) / 1000) * SOCKET_MESSAGES_PER_SECOND_MAX);
    refilledAt = now;
    if (tokens < 1) return false;
    tokens -= 1;
    return true;
  };
}

/** One text message as the client sent it, schema-checked and free of control characters; anything else is null. */
function readMessage(raw: RawData, isBinary: boolean): ClientMessage | null {
  try {
    if (isBinary) return null;
    const parsed: unknown = JSON.parse(raw.toString());
    if (!checkMessage.Check(parsed) || controlCharacterAt(parsed, BODY_CONTROL, '', 0) !== null) return null;
    return parsed;
  } catch {
    return null;
  }
}

/** Runs an authenticated player's request against the skill games and sends the answer, or the refusal, with its id. */
async function answer(
  app: FastifyInstance,
  skill: SkillGames,
  player: string,
  m: Exclude<ClientMessage, { type: 'auth' }>,
  send: (message: object) => void,
): Promise<void> {
  try {
    if (m.type === 'commands') send({ type: 'ack', id: m.id, ack: await skill.submit(player, m.sessionId, m.commands) });
    else if (m.type === 'finish')
      send({ type: 'result', id: m.id, result: await skill.finish(player, m.sessionId, m.claimedScore ?? null) });
    else send({ type: 'session', id: m.id, session: await skill.session(player, m.sessionId) });
  } catch (e) {
    const err = e instanceof AppError ? e : new AppError(CoreErrors.INTERNAL);
    if (!(e instanceof AppError)) app.log.error({ err: e }, 'skill socket message failed');
    send({ type: 'error', id: m.id, error: err.toJSON() });
  }
}

export function registerSkillSocket(app: FastifyInstance, authenticator: Authenticator, skill: SkillGames): { close(): void } {
  const sockets = new Set<WebSocket>();
  app.get('/api/skill/ws', { websocket: true, schema: { hide: true } }, (socket: WebSocket) => {
    if (sockets.size >= SOCKETS_MAX) {
      socket.close(1013, 'try again later');
      return;
    }
    sockets.add(socket);
    let playerId: string | null = null;
    let authing = false;
    let queue: Promise<void> = Promise.resolve();
    const take = messageBucket();
    const timer = setTimeout(() => {
      if (playerId === null) socket.close(4001, 'authenticate first');
    }, SOCKET_AUTH_TIMEOUT_MS);
    socket.on('close', () => {
      clearTimeout(timer);
      sockets.delete(socket);
    });
    const send = (message: object) => {
      if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message));
    };

    socket.on('message', (raw, isBinary) => {
      if (!take()) {
        socket.close(4008, 'too many messages');
        return;
      }
      const msg = readMessage(raw, isBinary);
      if (msg === null) {
        socket.close(4002, 'unexpected message');
        return;
      }
      if (msg.type === 'auth') {
        if (playerId !== null || authing) {
          socket.close(4002, 'unexpected message');
          return;
        }
        authing = true;
        authenticator.authenticate(`Bearer ${msg.token}`).then(
          (actor) => {
            clearTimeout(timer);
            if (actor.kind !== 'player') return socket.close(4003, 'players only');
            playerId = actor.playerId;
            send({ type: 'ready' });
          },
          () => socket.close(4001, 'authentication failed'),
        );
        return;
      }
      if (playerId === null) {
        socket.close(4001, 'authenticate first');
        return;
      }
      const player = playerId;
      const m = msg;
      queue = queue.then(() => answer(app, skill, player, m, send));
    });
  });
  return {
    close() {
      for (const s of sockets) s.close(1001, 'server stopping');
      sockets.clear();
    },
  };
}

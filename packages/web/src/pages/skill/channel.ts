// The command channel of a game: the skill WebSocket when it is up (low latency, one message per
// move), the HTTP batch route otherwise. Requests left unanswered when the socket drops are sent
// again over HTTP: the server ignores a command it already accepted (same seq, same content) and
// finishing twice changes nothing, so a retry is always safe.
import type { PuzzleCommand } from '@fairground/rules';
import { ApiError, type ApiClient, type Response } from '../../shared/api.ts';

export type Ack = Response<'POST /api/skill/sessions/:sessionId/commands'>;
export type SessionResult = Response<'POST /api/skill/sessions/:sessionId/finish'>;

/** How long the socket may take to authenticate before the game uses HTTP. */
const CONNECT_TIMEOUT_MS = 3000;
/** Requests waiting for an answer on the socket at most. */
const PENDING_MAX = 64;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly retry: () => Promise<unknown>;
}

export interface SkillChannel {
  commands(sessionId: string, commands: readonly PuzzleCommand[]): Promise<Ack>;
  finish(sessionId: string, claimedScore: number | undefined): Promise<SessionResult>;
  close(): void;
}

/** The socket's side of the channel: whether it is up, and the requests it still owes an answer. */
interface SocketState {
  socket: WebSocket | null;
  ready: boolean;
  nextId: number;
  readonly pending: Map<number, Pending>;
}

interface SocketMessage {
  type: string;
  id?: number;
  ack?: unknown;
  result?: unknown;
  error?: { code: string; message: string; retryable?: boolean; details?: Record<string, unknown> };
}

export function openSkillChannel(api: ApiClient, onMode: (mode: 'ws' | 'http') => void): SkillChannel {
  const state: SocketState = { socket: null, ready: false, nextId: 1, pending: new Map() };
  const viaHttp = httpRoutes(api);

  const fallBack = () => {
    state.ready = false;
    state.socket = null;
    onMode('http');
    for (const [id, p] of state.pending) {
      state.pending.delete(id);
      p.retry().then(p.resolve, p.reject);
    }
  };

  const token = api.accessToken;
  if (token !== null && typeof WebSocket !== 'undefined') connectSocket(state, token, onMode, fallBack);
  else onMode('http');

  function send<T>(message: Record<string, unknown>, retry: () => Promise<T>): Promise<T> {
    if (!state.ready || state.socket === null || state.pending.size >= PENDING_MAX) return retry();
    const id = state.nextId++;
    const ws = state.socket;
    return new Promise<T>((resolve, reject) => {
      state.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, retry });
      ws.send(JSON.stringify({ ...message, id }));
    });
  }

  return {
    commands(sessionId, commands) {
      return send({ type: 'commands', sessionId, commands }, () => viaHttp.commands(sessionId, commands));
    },
    finish(sessionId, claimedScore) {
      return send({ type: 'finish', sessionId, ...(claimedScore === undefined ? {} : { claimedScore }) }, () =>
        viaHttp.finish(sessionId, claimedScore),
      );
    },
    close() {
      const ws = state.socket;
      state.socket = null;
      state.ready = false;
      ws?.close();
    },
  };
}

/** The HTTP routes the channel uses when the socket is down. */
function httpRoutes(api: ApiClient) {
  return {
    commands: (sessionId: string, commands: readonly PuzzleCommand[]) =>
      api.call('POST /api/skill/sessions/:sessionId/commands', { params: { sessionId }, body: { commands: [...commands] } }),
    finish: (sessionId: string, claimedScore: number | undefined) =>
      api.call('POST /api/skill/sessions/:sessionId/finish', {
        params: { sessionId },
        body: claimedScore === undefined ? {} : { claimedScore },
      }),
  };
}

/** Opens the skill socket and authenticates; a socket that closes (or never gets ready) falls back to HTTP. */
function connectSocket(state: SocketState, token: string, onMode: (mode: 'ws' | 'http') => void, fallBack: () => void): void {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  const ws = new WebSocket(`${scheme}://${location.host}/api/skill/ws`);
  state.socket = ws;
  const timer = setTimeout(() => {
    if (!state.ready) ws.close();
  }, CONNECT_TIMEOUT_MS);
  ws.onopen = () => ws.send(JSON.stringify({ type: 'auth', token }));
  ws.onmessage = (event) => {
    const msg = JSON.parse(String(event.data)) as SocketMessage;
    if (msg.type === 'ready') {
      clearTimeout(timer);
      state.ready = true;
      onMode('ws');
      return;
    }
    const p = msg.id === undefined ? undefined : state.pending.get(msg.id);
    if (!p || msg.id === undefined) return;
    state.pending.delete(msg.id);
    if (msg.type === 'error' && msg.error) p.reject(new ApiError(409, msg.error));
    else p.resolve(msg.ack ?? msg.result);
  };
  ws.onclose = () => {
    clearTimeout(timer);
    if (state.socket === ws) fallBack();
  };
}

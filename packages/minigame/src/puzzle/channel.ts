// The puzzle's command channel: the skill socket through `wx.connectSocket` when it is up (one
// message per move), the HTTP batch route otherwise. Requests left unanswered when the socket
// drops go again over HTTP: the server ignores a command it already accepted (same seq and
// content) and finishing twice changes nothing, so a retry is always safe.
import type { PuzzleCommand } from '@fairground/rules';
import { type Api, ApiError } from '../api.ts';
import type { SkillAck, SkillResult } from '../wire.ts';

/** Requests waiting for an answer on the socket at most. */
const PENDING_MAX = 64;

interface Pending {
  readonly resolve: (value: unknown) => void;
  readonly reject: (error: unknown) => void;
  readonly retry: () => Promise<unknown>;
}

export interface SkillChannel {
  readonly mode: () => 'ws' | 'http';
  commands(sessionId: string, commands: readonly PuzzleCommand[]): Promise<SkillAck>;
  finish(sessionId: string, claimedScore: number): Promise<SkillResult>;
  close(): void;
}

/** The socket, whether it is authenticated, and the requests it owes an answer. */
interface ChannelState {
  readonly api: Api;
  task: WechatMinigame.SocketTask | null;
  ready: boolean;
  nextId: number;
  readonly pending: Map<number, Pending>;
}

/** A message from the skill socket: `ready` after the auth, else the answer to request `id`. */
interface SocketMessage {
  type: string;
  id?: number;
  ack?: unknown;
  result?: unknown;
  error?: { code: string; message: string; details?: Record<string, unknown> };
}

export function openSkillChannel(api: Api): SkillChannel {
  const c: ChannelState = { api, task: null, ready: false, nextId: 1, pending: new Map() };
  const viaHttp = {
    commands: (sessionId: string, commands: readonly PuzzleCommand[]) =>
      api.call<SkillAck>('POST', `/api/skill/sessions/${sessionId}/commands`, { commands: [...commands] }),
    finish: (sessionId: string, claimedScore: number) =>
      api.call<SkillResult>('POST', `/api/skill/sessions/${sessionId}/finish`, { claimedScore }),
  };
  const token = api.tokens?.accessToken;
  if (token !== undefined) openSocket(c, token);
  return {
    mode: () => (c.ready ? 'ws' : 'http'),
    commands: (sessionId, commands) => send(c, { type: 'commands', sessionId, commands }, () => viaHttp.commands(sessionId, commands)),
    finish: (sessionId, claimedScore) =>
      send(c, { type: 'finish', sessionId, claimedScore }, () => viaHttp.finish(sessionId, claimedScore)),
    close() {
      const t = c.task;
      c.task = null;
      c.ready = false;
      t?.close({ code: 1000, reason: 'done' });
    },
  };
}

/** The socket dropped: every request it owed goes again over HTTP. */
function fallBack(c: ChannelState): void {
  c.ready = false;
  c.task = null;
  for (const [id, p] of c.pending) {
    c.pending.delete(id);
    p.retry().then(p.resolve, p.reject);
  }
}

/** Opens the skill socket, authenticates it with the access token, and answers requests from its messages. */
function openSocket(c: ChannelState, token: string): void {
  const t = wx.connectSocket({ url: `${c.api.origin.replace(/^http/, 'ws')}/api/skill/ws` });
  c.task = t;
  t.onOpen(() => t.send({ data: JSON.stringify({ type: 'auth', token }) }));
  t.onMessage((res) => {
    if (typeof res.data !== 'string') return;
    receive(c, JSON.parse(res.data) as SocketMessage);
  });
  t.onClose(() => {
    if (c.task === t) fallBack(c);
  });
  t.onError(() => {
    if (c.task === t) fallBack(c);
  });
}

function receive(c: ChannelState, msg: SocketMessage): void {
  if (msg.type === 'ready') {
    c.ready = true;
    return;
  }
  const p = msg.id === undefined ? undefined : c.pending.get(msg.id);
  if (p === undefined || msg.id === undefined) return;
  c.pending.delete(msg.id);
  if (msg.type === 'error' && msg.error) p.reject(new ApiError(409, msg.error.code, msg.error.message, msg.error.details));
  else p.resolve(msg.ack ?? msg.result);
}

/** Over the socket when it is ready and not full, else over HTTP. */
function send<T>(c: ChannelState, message: Record<string, unknown>, retry: () => Promise<T>): Promise<T> {
  const t = c.task;
  if (!c.ready || t === null || c.pending.size >= PENDING_MAX) return retry();
  const id = c.nextId++;
  return new Promise<T>((resolve, reject) => {
    c.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, retry });
    t.send({ data: JSON.stringify({ ...message, id }) });
  });
}

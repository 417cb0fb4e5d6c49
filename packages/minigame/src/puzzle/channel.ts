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

export function openSkillChannel(api: Api): SkillChannel {
  let task: WechatMinigame.SocketTask | null = null;
  let ready = false;
  let nextId = 1;
  const pending = new Map<number, Pending>();

  const viaHttp = {
    commands: (sessionId: string, commands: readonly PuzzleCommand[]) =>
      api.call<SkillAck>('POST', `/api/skill/sessions/${sessionId}/commands`, { commands: [...commands] }),
    finish: (sessionId: string, claimedScore: number) =>
      api.call<SkillResult>('POST', `/api/skill/sessions/${sessionId}/finish`, { claimedScore }),
  };

  const fallBack = () => {
    ready = false;
    task = null;
    for (const [id, p] of pending) {
      pending.delete(id);
      p.retry().then(p.resolve, p.reject);
    }
  };

  const token = api.tokens?.accessToken;
  if (token !== undefined) {
    const t = wx.connectSocket({ url: `${api.origin.replace(/^http/, 'ws')}/api/skill/ws` });
    task = t;
    t.onOpen(() => t.send({ data: JSON.stringify({ type: 'auth', token }) }));
    t.onMessage((res) => {
      if (typeof res.data !== 'string') return;
      const msg = JSON.parse(res.data) as {
        type: string;
        id?: number;
        ack?: unknown;
        result?: unknown;
        error?: { code: string; message: string; details?: Record<string, unknown> };
      };
      if (msg.type === 'ready') {
        ready = true;
        return;
      }
      const p = msg.id === undefined ? undefined : pending.get(msg.id);
      if (p === undefined || msg.id === undefined) return;
      pending.delete(msg.id);
      if (msg.type === 'error' && msg.error) p.reject(new ApiError(409, msg.error.code, msg.error.message, msg.error.details));
      else p.resolve(msg.ack ?? msg.result);
    });
    t.onClose(() => {
      if (task === t) fallBack();
    });
    t.onError(() => {
      if (task === t) fallBack();
    });
  }

  function send<T>(message: Record<string, unknown>, retry: () => Promise<T>): Promise<T> {
    const t = task;
    if (!ready || t === null || pending.size >= PENDING_MAX) return retry();
    const id = nextId++;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject, retry });
      t.send({ data: JSON.stringify({ ...message, id }) });
    });
  }

  return {
    mode: () => (ready ? 'ws' : 'http'),
    commands: (sessionId, commands) => send({ type: 'commands', sessionId, commands }, () => viaHttp.commands(sessionId, commands)),
    finish: (sessionId, claimedScore) => send({ type: 'finish', sessionId, claimedScore }, () => viaHttp.finish(sessionId, claimedScore)),
    close() {
      const t = task;
      task = null;
      ready = false;
      t?.close({ code: 1000, reason: 'done' });
    },
  };
}

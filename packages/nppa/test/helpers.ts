// Shared test rig: a sandbox and our client on one ManualClock, so timestamps, rate-limit windows,
// settling and expiry move only when a test moves them. Plus a raw signed request for the error
// paths the client would refuse to produce.
import { ManualClock } from '@fairground/core';
import { isNppaError, NppaClient, type NppaClientOptions, type NppaError } from '../src/index.ts';
import { type NppaSandbox, type NppaSandboxOptions, startNppaSandbox } from '../src/sandbox/index.ts';
import { sealBody, signedHeaders } from '../src/wire.ts';

/** 2026-01-05 10:00:00 Beijing time. */
export const START_MS = Date.UTC(2026, 0, 5, 2, 0, 0);
export const APP_ID = 'a0298befcc6340dcac218d5016669df3';
export const BIZ_ID = '1101999999';
export const SECRET_KEY = 'bbd3322487be9f3b2af1e7d1d3734f41';
export const TEST_CODES = ['tc01AA', 'tc02BB', 'tc03CC', 'tc04DD', 'tc05EE', 'tc06FF', 'tc07GG', 'tc08HH'];

export interface Rig {
  readonly sandbox: NppaSandbox;
  readonly clock: ManualClock;
  readonly client: NppaClient;
  clientWith(overrides: Partial<NppaClientOptions>): NppaClient;
  close(): Promise<void>;
}

export async function rig(options: NppaSandboxOptions = {}): Promise<Rig> {
  const clock = new ManualClock(START_MS);
  const sandbox = await startNppaSandbox({ clock, appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, testCodes: TEST_CODES, ...options });
  const base: NppaClientOptions = {
    appId: APP_ID,
    bizId: BIZ_ID,
    secretKey: SECRET_KEY,
    baseUrl: sandbox.baseUrl,
    clock,
    timeoutMs: 5_000,
  };
  return {
    sandbox,
    clock,
    client: new NppaClient(base),
    clientWith: (overrides) => new NppaClient({ ...base, ...overrides }),
    close: () => sandbox.close(),
  };
}

/** Awaits a promise that must reject with an NppaError, and returns the error. */
export async function rejects(p: Promise<unknown>): Promise<NppaError> {
  try {
    await p;
  } catch (e) {
    if (isNppaError(e)) return e;
    throw e;
  }
  throw new Error('expected an NppaError, but the call succeeded');
}

let aiCounter = 0;
/** A distinct 32-character ai per call. */
export function ai(): string {
  aiCounter += 1;
  return `t${String(aiCounter).padStart(31, '0')}`;
}

export interface RawRequest {
  readonly method?: 'GET' | 'POST' | 'PUT';
  readonly path: string;
  readonly query?: Record<string, string>;
  /** Business payload, sealed with `secretKey` unless `body` is given. */
  readonly payload?: unknown;
  /** Exact body text, instead of a sealed payload. */
  readonly body?: string;
  readonly appId?: string;
  readonly bizId?: string;
  readonly secretKey?: string;
  /** Key used to encrypt the payload (defaults to `secretKey`). */
  readonly encryptKey?: string;
  readonly timestampsMs?: number;
  /** Replaces or removes (undefined value) headers after signing. */
  readonly headers?: Record<string, string | undefined>;
}

export interface RawAnswer {
  readonly status: number;
  readonly text: string;
  // biome-ignore lint/suspicious/noExplicitAny: answers from the wire are read loosely in tests and checked by assertions.
  readonly json: any;
}

/** A signed request built outside the client, for paths the client refuses to produce. */
export async function raw(r: Rig, req: RawRequest): Promise<RawAnswer> {
  const method = req.method ?? 'POST';
  const secretKey = req.secretKey ?? SECRET_KEY;
  const body = req.body ?? (method === 'GET' || req.payload === undefined ? '' : sealBody(req.payload, req.encryptKey ?? secretKey));
  const headers: Record<string, string> = {
    'Content-Type': 'application/json; charset=utf-8',
    ...signedHeaders({
      appId: req.appId ?? APP_ID,
      bizId: req.bizId ?? BIZ_ID,
      secretKey,
      timestampsMs: req.timestampsMs ?? r.clock.nowMs(),
      query: req.query ?? {},
      body,
    }),
  };
  for (const [k, v] of Object.entries(req.headers ?? {})) {
    if (v === undefined) delete headers[k];
    else headers[k] = v;
  }
  const qs = req.query === undefined ? '' : `${req.path.includes('?') ? '&' : '?'}${new URLSearchParams(req.query).toString()}`;
  const init: RequestInit = { method, headers };
  if (method !== 'GET') init.body = body;
  const res = await fetch(`${r.sandbox.baseUrl}${req.path}${qs}`, init);
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** JSON call to the sandbox admin API. */
// biome-ignore lint/suspicious/noExplicitAny: admin answers are read loosely in tests and checked by assertions.
export async function admin(r: Rig, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const init: RequestInit = { method };
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers = { 'Content-Type': 'application/json' };
  }
  const res = await fetch(`${r.sandbox.baseUrl}${path}`, init);
  const text = await res.text();
  return { status: res.status, json: text === '' ? undefined : JSON.parse(text) };
}

/**
 * Runs a call the sandbox will hold with a 'hang' fault, and abandons it once the sandbox has
 * logged the hang — so the test never races a short deadline against a busy machine. Returns the
 * call's rejection.
 */
export async function abandonOnHang(r: Rig, call: (signal: AbortSignal) => Promise<unknown>): Promise<NppaError> {
  const hangsBefore = r.sandbox.requestLog().filter((e) => e.fault === 'hang').length;
  const controller = new AbortController();
  const pending = rejects(call(controller.signal));
  // Polls for I/O to arrive, not for time to pass; bounded so a broken sandbox fails the test.
  for (let i = 0; i < 2_000; i++) {
    if (r.sandbox.requestLog().filter((e) => e.fault === 'hang').length > hangsBefore) {
      controller.abort();
      return pending;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  controller.abort();
  throw new Error('the sandbox never held the call');
}

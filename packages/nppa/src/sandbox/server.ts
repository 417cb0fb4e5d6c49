// The HTTP server: NPPA's three production interfaces and three interface-test endpoints on one
// host, the admin API under /sandbox/ and the admin page at /. Plain node:http, so the raw body
// bytes are exactly what the signature covers.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAppError } from '@fairground/core';
import { REQUEST_BODY_BYTES_MAX } from '../limits.ts';
import { ERRCODE_OK, errmsgOf } from '../protocol.ts';
import { adminError, handleAdmin } from './admin.ts';
import { type IncomingCall, verifyCall } from './auth.ts';
import type { SandboxCore } from './core.ts';
import { WireFailure } from './errors.ts';
import type { ActiveFault, Endpoint, FaultKind } from './faults.ts';
import { type Answer, handleCheck, handleLoginout, handleQuery, handleTest } from './handlers.ts';
import { renderError, renderPage } from './page.ts';

interface Route {
  readonly pattern: RegExp;
  readonly endpoint: Endpoint;
  readonly method: 'GET' | 'POST';
}

const ROUTES: readonly Route[] = [
  { pattern: /^\/idcard\/authentication\/check$/, endpoint: 'check', method: 'POST' },
  { pattern: /^\/idcard\/authentication\/query$/, endpoint: 'query', method: 'GET' },
  { pattern: /^\/behavior\/collection\/loginout$/, endpoint: 'loginout', method: 'POST' },
  { pattern: /^\/test\/authentication\/check\/([^/]+)$/, endpoint: 'test-check', method: 'POST' },
  { pattern: /^\/test\/authentication\/query\/([^/]+)$/, endpoint: 'test-query', method: 'GET' },
  { pattern: /^\/test\/collection\/loginout\/([^/]+)$/, endpoint: 'test-loginout', method: 'POST' },
];

/** Answers held by 'hang' faults at once; past this the oldest is dropped (ours). */
export const HANGING_MAX = 100;

const ANSWER_FAULTS: readonly FaultKind[] = ['hang', 'http', 'errcode', 'bad-signature', 'rate-limit', 'malformed'];
const JSON_TYPE = 'application/json;charset=UTF-8';

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_BODY_BYTES_MAX) {
        reject(new BodyTooLarge());
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: string | undefined): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

function wireBody(answer: Answer): string {
  const body: Record<string, unknown> = { errcode: answer.errcode, errmsg: errmsgOf(answer.errcode) };
  if (answer.data !== undefined) body.data = answer.data;
  return JSON.stringify(body);
}

export interface SandboxServer {
  readonly server: Server;
  /** Answers held back by 'hang' faults; closing the sandbox drops them. */
  readonly hanging: Set<ServerResponse>;
}

export function createSandboxServer(core: SandboxCore): SandboxServer {
  const hanging = new Set<ServerResponse>();
  const server = createServer((req, res) => {
    handle(core, hanging, req, res).catch((e: unknown) => {
      console.error('nppa-sandbox: unhandled error', e);
      send(res, 200, { 'Content-Type': JSON_TYPE }, wireBody({ errcode: 1001 }));
    });
  });
  return { server, hanging };
}

async function handle(core: SandboxCore, hanging: Set<ServerResponse>, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const path = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const rawQuery = q < 0 ? '' : rawUrl.slice(q + 1);
  let rawBody: Buffer;
  try {
    rawBody = await readBody(req);
  } catch (e) {
    if (!(e instanceof BodyTooLarge)) throw e;
    send(res, 200, { 'Content-Type': JSON_TYPE, Connection: 'close' }, wireBody({ errcode: 1012 }));
    return;
  }

  if (method === 'GET' && (path === '/' || path === '/sandbox' || path === '/sandbox/')) {
    send(res, 200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' }, renderPage(core));
    return;
  }
  if (path.startsWith('/sandbox/')) {
    const contentType = req.headers['content-type'];
    const isForm = (contentType ?? '').startsWith('application/x-www-form-urlencoded');
    try {
      const result = await handleAdmin(core, method, path, rawBody, contentType);
      if (result.redirect !== undefined) send(res, 303, { Location: result.redirect }, undefined);
      else
        send(
          res,
          result.status,
          { 'Content-Type': 'application/json; charset=utf-8' },
          result.status === 204 ? undefined : JSON.stringify(result.body),
        );
    } catch (e) {
      const err = adminError(e);
      if (isForm && isAppError(e))
        send(
          res,
          err.status,
          { 'Content-Type': 'text/html; charset=utf-8' },
          renderError(err.status, `${e.code}: ${JSON.stringify(e.details ?? {})}`),
        );
      else send(res, err.status, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(err.body));
    }
    return;
  }
  await handleProtocol(core, hanging, { method, path, rawQuery, rawBody, req, res });
}

interface ProtocolCall {
  readonly method: string;
  readonly path: string;
  readonly rawQuery: string;
  readonly rawBody: Buffer;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
}

/** The route a protocol path names, and the test-case code in it (the test endpoints carry one). */
function findRoute(path: string): { route: Route | undefined; code: string | undefined } {
  for (const r of ROUTES) {
    const m = r.pattern.exec(path);
    if (m !== null) return { route: r, code: m[1] === undefined ? undefined : decodeURIComponent(m[1]) };
  }
  return { route: undefined, code: undefined };
}

/** Answers as an injected fault says: hang (keeping at most HANGING_MAX open), an HTTP error page, a cut-off body, or an error code. */
function answerFault(
  f: ActiveFault,
  res: ServerResponse,
  hanging: Set<ServerResponse>,
  log: (httpStatus: number, errcode: number | null, fault: ActiveFault | null) => void,
  reply: (answer: Answer, fault?: ActiveFault | null) => void,
): void {
  switch (f.kind) {
    case 'hang':
      log(0, null, f);
      if (hanging.size >= HANGING_MAX) {
        const oldest = hanging.values().next().value;
        oldest?.destroy();
        if (oldest !== undefined) hanging.delete(oldest);
      }
      hanging.add(res);
      res.on('close', () => hanging.delete(res));
      return;
    case 'http':
      log(f.status, null, f);
      send(
        res,
        f.status,
        { 'Content-Type': 'text/html' },
        `<html><head><title>${f.status} Error</title></head><body><center><h1>${f.status} Error</h1></center><hr><center>nginx</center></body></html>`,
      );
      return;
    case 'malformed':
      log(200, null, f);
      send(res, 200, { 'Content-Type': JSON_TYPE }, '{"errcode":0,"errmsg":"OK","data":');
      return;
    default:
      reply({ errcode: f.errcode }, f);
  }
}

async function handleProtocol(core: SandboxCore, hanging: Set<ServerResponse>, call: ProtocolCall): Promise<void> {
  const { method, path, res } = call;
  const { route, code } = findRoute(path);
  const log = (httpStatus: number, errcode: number | null, fault: ActiveFault | null) =>
    core.log({ atMs: core.nowMs(), method, path, endpoint: route?.endpoint ?? 'unknown', httpStatus, errcode, fault: fault?.kind ?? null });
  const reply = (answer: Answer, fault: ActiveFault | null = null) => {
    log(200, answer.errcode, fault);
    send(res, 200, { 'Content-Type': JSON_TYPE }, wireBody(answer));
  };
  if (route === undefined) return reply({ errcode: 1002 });
  if (route.method !== method) return reply({ errcode: 1003 });
  const endpoint = route.endpoint;

  const faultAnswer = (f: ActiveFault): void => answerFault(f, res, hanging, log, reply);

  const before = core.faults.take(endpoint, 'before', ANSWER_FAULTS);
  if (before !== null) return faultAnswer(before);

  const incoming: IncomingCall = {
    method,
    endpoint,
    headers: call.req.headers,
    rawQuery: call.rawQuery,
    rawBody: call.rawBody,
    remoteAddress: call.req.socket.remoteAddress,
  };
  let answer: Answer;
  let scenario: ReturnType<SandboxCore['scenarios']['byCode']>;
  try {
    const verified = verifyCall(core, incoming);
    const partial =
      endpoint === 'loginout' || endpoint === 'test-loginout' ? core.faults.take(endpoint, 'before', ['partial-failure']) : null;
    if (code !== undefined) {
      scenario = core.scenarios.byCode(code, core.nowMs());
      const operation = endpoint.slice('test-'.length);
      if (scenario === undefined || scenario.operation !== operation) throw new WireFailure(4002);
      scenario.requests += 1;
      answer = handleTest(core, verified, scenario, partial);
    } else if (endpoint === 'check') answer = handleCheck(core, verified);
    else if (endpoint === 'query') answer = handleQuery(core, verified);
    else answer = handleLoginout(core, verified, 'loginout', partial, (pi) => core.identities.hasPi(pi));
  } catch (e) {
    if (!(e instanceof WireFailure)) throw e;
    answer = { errcode: e.errcode };
  }
  if (scenario !== undefined) {
    if (answer.errcode === ERRCODE_OK) scenario.passedMs ??= core.nowMs();
    else scenario.lastRefusal = answer.errcode;
  }
  const after = core.faults.take(endpoint, 'after', ANSWER_FAULTS);
  if (after !== null) return faultAnswer(after);
  reply(answer);
}

// The local TSA over HTTP (RFC 3161 section 3.4): POST a DER TimeStampReq as
// application/timestamp-query, get a DER TimeStampResp as application/timestamp-reply. It also
// serves its certificates as PEM and takes faults on an admin endpoint. Plain node:http with
// every size and time bounded.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { type Clock, isAppError } from '@fairground/core';
import { TimestampErrors } from '../errors.ts';
import { REQUEST_BYTES_MAX } from '../limits.ts';
import { buildResponse, PKI_FAILURE, PKI_STATUS } from '../protocol.ts';
import { TSA_FAULT_MS_MAX, type TsaFault, type TsaFaults } from './faults.ts';
import type { SerialCounter, TsaIdentity } from './identity.ts';
import { checkRequest, issueResponse, type TokenTamper } from './signer.ts';

export const TSA_PATHS = {
  query: '/',
  caCert: '/certs/ca.pem',
  tsaCert: '/certs/tsa.pem',
  chain: '/certs/chain.pem',
  health: '/healthz',
  faults: '/admin/faults',
  outage: '/admin/outage',
} as const;

/** Admin bodies are a fault or a short list of them. */
const ADMIN_BODY_BYTES_MAX = 16 * 1024;
const GARBAGE_BYTES = 64;
/** Concurrent connections; a test that needs more is broken. */
export const CONNECTIONS_MAX = 256;

export interface TsaServerDeps {
  readonly identity: TsaIdentity;
  readonly serials: SerialCounter;
  readonly clock: Clock;
  readonly policyOid: string;
  readonly faults: TsaFaults;
  readonly pem: { readonly caCertPem: string; readonly tsaCertPem: string; readonly chainPem: string };
  /** Pending 'slow' waits, so closing the server ends them at once. */
  readonly sleeps: Set<() => void>;
  /** Stops listening for `ms` (see TsaSandbox.outage). */
  readonly outage: (ms: number) => Promise<void>;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, maxBytes: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBytes) {
        reject(new BodyTooLarge());
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks))));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, contentType: string, body: Uint8Array | string | undefined): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, { 'Content-Type': contentType, 'Cache-Control': 'no-store' });
  res.end(body);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function sleep(deps: TsaServerDeps, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      clearTimeout(timer);
      deps.sleeps.delete(finish);
      resolve();
    };
    const timer = setTimeout(finish, ms);
    deps.sleeps.add(finish);
  });
}

export function createTsaServer(deps: TsaServerDeps): Server {
  const server = createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      console.error('tsa-sandbox: unhandled error', e);
      send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
    });
  });
  server.maxConnections = CONNECTIONS_MAX;
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.maxHeadersCount = 64;
  return server;
}

async function handle(deps: TsaServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? 'GET';
  const path = (req.url ?? '/').split('?')[0]!;
  if (method === 'POST' && (path === TSA_PATHS.query || path === '/tsa')) return query(deps, req, res);
  if (method === 'GET') {
    if (path === TSA_PATHS.caCert) return send(res, 200, 'application/x-pem-file', deps.pem.caCertPem);
    if (path === TSA_PATHS.tsaCert) return send(res, 200, 'application/x-pem-file', deps.pem.tsaCertPem);
    if (path === TSA_PATHS.chain) return send(res, 200, 'application/x-pem-file', deps.pem.chainPem);
    if (path === TSA_PATHS.health) return json(res, 200, { ok: true, policyOid: deps.policyOid });
  }
  if (path === TSA_PATHS.faults) return admin(deps, method, req, res);
  if (path === TSA_PATHS.outage && method === 'POST') return outage(deps, req, res);
  json(res, 404, { code: 'NOT_FOUND', message: `no ${method} ${path}` });
}

async function query(deps: TsaServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let body: Uint8Array;
  try {
    body = await readBody(req, REQUEST_BYTES_MAX);
  } catch (e) {
    if (e instanceof BodyTooLarge)
      return send(res, 413, 'text/plain; charset=utf-8', `a TimeStampReq has at most ${REQUEST_BYTES_MAX} bytes\n`);
    throw e;
  }
  const { faults } = deps;
  if (faults.take(['down']) !== null) {
    req.socket.destroy();
    return;
  }
  const slow = faults.take(['slow']);
  if (slow !== null) await sleep(deps, slow.ms);
  if (faults.take(['unavailable']) !== null) return send(res, 503, 'text/plain; charset=utf-8', 'time-stamping temporarily unavailable\n');
  if (faults.take(['garbage']) !== null) return send(res, 200, 'application/timestamp-reply', new Uint8Array(randomBytes(GARBAGE_BYTES)));
  const checked = checkRequest(body, deps.policyOid);
  if (!checked.ok) return send(res, 200, 'application/timestamp-reply', checked.response);
  if (faults.take(['reject']) !== null) {
    const response = buildResponse({
      status: PKI_STATUS.rejection,
      statusString: 'rejected by fault injection',
      failureBits: [PKI_FAILURE.badRequest],
    });
    return send(res, 200, 'application/timestamp-reply', response);
  }
  const tamper = faults.take(['wrong-nonce', 'wrong-imprint', 'bad-signature'])?.kind as TokenTamper | undefined;
  // The serial is durable before the token exists, so no two tokens can ever share one.
  const serial = await deps.serials.take();
  const response = issueResponse({
    request: checked.request,
    identity: deps.identity,
    policyOid: deps.policyOid,
    serial,
    genTimeMs: deps.clock.nowMs(),
    tamper,
  });
  send(res, 200, 'application/timestamp-reply', response);
}

async function admin(deps: TsaServerDeps, method: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    if (method === 'GET') return json(res, 200, { faults: deps.faults.list() });
    if (method === 'DELETE') {
      deps.faults.clear();
      return json(res, 200, { faults: [] });
    }
    if (method !== 'POST') return json(res, 405, { code: 'METHOD_NOT_ALLOWED', message: `${method} ${TSA_PATHS.faults}` });
    let parsed: unknown;
    try {
      parsed = JSON.parse(new TextDecoder().decode(await readBody(req, ADMIN_BODY_BYTES_MAX)));
    } catch (e) {
      const why = e instanceof BodyTooLarge ? `body larger than ${ADMIN_BODY_BYTES_MAX} bytes` : 'body must be JSON';
      return json(res, 400, { code: TimestampErrors.TSA_SANDBOX_REQUEST_INVALID.code, message: why });
    }
    const list = Array.isArray(parsed) ? parsed : [parsed];
    const ids = list.map((f) => deps.faults.inject(f as TsaFault));
    return json(res, 200, { ids });
  } catch (e) {
    if (isAppError(e)) return json(res, e.status, e.toJSON());
    throw e;
  }
}

// The answer goes out first; the listener closes once it is sent.
async function outage(deps: TsaServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let ms: unknown;
  try {
    ms = (JSON.parse(new TextDecoder().decode(await readBody(req, ADMIN_BODY_BYTES_MAX))) as { ms?: unknown }).ms;
  } catch {
    return json(res, 400, { code: TimestampErrors.TSA_SANDBOX_REQUEST_INVALID.code, message: 'body must be JSON: {"ms": <milliseconds>}' });
  }
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 1 || ms > TSA_FAULT_MS_MAX) {
    return json(res, 400, { code: TimestampErrors.TSA_SANDBOX_REQUEST_INVALID.code, message: `ms must be 1..${TSA_FAULT_MS_MAX}` });
  }
  res.once('finish', () => {
    deps.outage(ms).catch((e: unknown) => console.error('tsa-sandbox: outage failed', e));
  });
  json(res, 200, { outageMs: ms });
}

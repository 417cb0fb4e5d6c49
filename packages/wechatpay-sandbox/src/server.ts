// The HTTP server: WeChat Pay APIv3 (signed requests, signed responses), api.weixin.qq.com
// (login, tokens, tickets), the pages a person uses, and the sandbox's admin endpoints. Plain
// node:http, so the raw request line and raw body bytes are exactly what the signature covers.
import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isAppError } from '@fairground/core';
import type { ApiRequest, ApiResult } from './api.ts';
import { verifyRequest } from './auth.ts';
import { SIGNATURE_FAULTS, type SandboxCore } from './core.ts';
import { WeixinError, WxError, wx } from './errors.ts';
import { REQUEST_BODY_MAX_BYTES } from './model.ts';
import { type AdminDeps, handleAdmin } from './admin.ts';
import { handlePage } from './pages.ts';
import { type Route, routes } from './routes.ts';
import { weixinErrmsg } from './weixin.ts';

export interface ServerDeps extends AdminDeps {
  core: SandboxCore;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > REQUEST_BODY_MAX_BYTES) {
        reject(new BodyTooLarge());
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function matchRoute(method: string, rawPath: string): { route: Route; params: string[] } | 'method' | null {
  let pathMatched = false;
  for (const route of routes) {
    const m = route.pattern.exec(rawPath);
    if (!m) continue;
    pathMatched = true;
    if (route.method !== method) continue;
    const params = m.slice(1).map((p) => decodeURIComponent(p ?? ''));
    return { route, params };
  }
  return pathMatched ? 'method' : null;
}

function requestId(): string {
  return randomBytes(16).toString('hex').toUpperCase();
}

function send(res: ServerResponse, status: number, headers: Record<string, string>, body: Buffer | string | undefined): void {
  if (res.writableEnded || res.destroyed) return;
  res.writeHead(status, headers);
  res.end(body);
}

function wxResult(e: WxError): ApiResult {
  return { status: e.status, body: e.body() };
}

function faultResult(kind: string, weixin: boolean): ApiResult {
  const is500 = kind.startsWith('http500');
  if (weixin) {
    return is500
      ? { status: 500, body: { errcode: -1, errmsg: 'system error' } }
      : { status: 429, body: { errcode: 45011, errmsg: 'api minute-quota reach limit' } };
  }
  return is500 ? wxResult(wx.system()) : wxResult(wx.frequency());
}

export function createSandboxServer(deps: ServerDeps): Server {
  return createServer((req, res) => {
    handle(deps, req, res).catch((e: unknown) => {
      console.error('wechatpay-sandbox: unhandled error', e);
      send(res, 500, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify({ code: 'SYSTEM_ERROR', message: '系统错误' }));
    });
  });
}

async function handle(deps: ServerDeps, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const { core } = deps;
  const method = (req.method ?? 'GET').toUpperCase();
  const rawUrl = req.url ?? '/';
  const q = rawUrl.indexOf('?');
  const rawPath = q < 0 ? rawUrl : rawUrl.slice(0, q);
  const query = new URLSearchParams(q < 0 ? '' : rawUrl.slice(q + 1));
  let rawBody: Buffer;
  try {
    rawBody = await readBody(req);
  } catch (e) {
    if (e instanceof BodyTooLarge) {
      send(res, 413, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify({ code: 'PARAM_ERROR', message: '请求体过大' }));
      return;
    }
    throw e;
  }
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    send(res, 400, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify({ code: 'PARAM_ERROR', message: 'URL编码有误' }));
    return;
  }

  if (rawPath.startsWith('/sandbox/')) {
    const result = await handleAdmin(deps, method, rawPath, query, rawBody).catch((e: unknown) => adminError(e));
    send(
      res,
      result.status,
      { 'Content-Type': 'application/json; charset=utf-8' },
      result.status === 204 ? undefined : JSON.stringify(result.body),
    );
    return;
  }
  if (rawPath.startsWith('/v3/')) {
    await handleV3(deps, { req, res, method, rawUrl, rawPath, path, query, rawBody });
    return;
  }
  if (rawPath.startsWith('/sns/') || rawPath.startsWith('/cgi-bin/') || rawPath.startsWith('/wxa/') || rawPath.startsWith('/xpay/')) {
    await handleWeixin(deps, { req, res, method, rawUrl, rawPath, path, query, rawBody });
    return;
  }
  const page = await handlePage(core, { method, path, query, rawBody, headers: req.headers });
  send(res, page.status, page.headers, page.body);
}

function adminError(e: unknown): { status: number; body: unknown } {
  if (isAppError(e)) return { status: e.status, body: e.toJSON() };
  if (e instanceof WxError) return { status: e.status, body: e.body() };
  throw e;
}

interface Call {
  req: IncomingMessage;
  res: ServerResponse;
  method: string;
  rawUrl: string;
  rawPath: string;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

async function handleV3(deps: ServerDeps, call: Call): Promise<void> {
  const { core } = deps;
  const { req, res, method, rawUrl, rawPath, path } = call;
  core.runDueTimers();
  const serial = header(req, 'wechatpay-serial');
  let result: ApiResult;
  let signed = true;
  try {
    const auth = verifyRequest(
      {
        method,
        rawUrl,
        rawBody: call.rawBody,
        authorization: header(req, 'authorization'),
        nowMs: core.nowMs(),
        mchid: core.keys.mchid,
        merchantSerial: core.keys.merchant.id,
        merchantPublicKey: core.keys.merchant.publicKey,
      },
      core.nonces,
    );
    const matched = matchRoute(method, rawPath);
    if (matched === null) throw new WxError(404, 'NOT_FOUND', '请求的资源不存在');
    if (matched === 'method') throw new WxError(405, 'METHOD_NOT_ALLOWED', '请求方法不被允许');
    signed = matched.route.signed !== false;
    const before = core.faults.take(['http500-before', 'http429-before'], method, path);
    if (before !== null) {
      result = faultResult(before.kind, false);
    } else {
      const apiReq: ApiRequest = {
        method,
        rawUrl,
        path,
        query: call.query,
        rawBody: call.rawBody,
        headers: req.headers,
        params: matched.params,
        mchid: auth.mchid,
        serial,
      };
      result = await matched.route.handler(core, apiReq);
      const after = core.faults.take(['http500-after', 'http429-after'], method, path);
      if (after !== null) result = faultResult(after.kind, false);
    }
  } catch (e) {
    if (e instanceof WxError) result = wxResult(e);
    else if (isAppError(e)) result = { status: e.status, body: { code: e.code, message: e.message } };
    else {
      console.error('wechatpay-sandbox: handler failed', e);
      result = wxResult(wx.system());
    }
  }
  const slow = core.faults.take(['slow'], method, path);
  if (slow !== null) await sleep(slow.ms);

  const { headers, body } = v3Response(core, result, signed, serial, method, path);
  send(res, result.status, headers, body);
}

/** The answer's headers and body, signed as WeChat Pay signs them (but for a success of an unsigned route, such as a bill download). */
function v3Response(
  core: SandboxCore,
  result: ApiResult,
  signed: boolean,
  serial: string | undefined,
  method: string,
  path: string,
): { headers: Record<string, string>; body: Buffer | string | undefined } {
  const headers: Record<string, string> = { 'Request-ID': requestId(), Server: 'nginx' };
  let body: Buffer | string | undefined;
  if (result.raw !== undefined) {
    body = result.raw;
    headers['Content-Type'] = result.contentType ?? 'application/octet-stream';
  } else if (result.status !== 204 && result.body !== undefined) {
    body = JSON.stringify(result.body);
    headers['Content-Type'] = 'application/json; charset=utf-8';
  }
  Object.assign(headers, result.headers ?? {});
  const successUnsigned = !signed && result.status < 300;
  if (!successUnsigned) {
    const identity = core.identityById(serial) ?? core.defaultIdentity();
    const text = body === undefined ? '' : body.toString();
    Object.assign(headers, core.signHeaders(text, identity, core.faults.take(SIGNATURE_FAULTS, method, path)));
  }
  return { headers, body };
}

async function handleWeixin(deps: ServerDeps, call: Call): Promise<void> {
  const { core } = deps;
  const { res, method, rawPath, path } = call;
  core.runDueTimers();
  let status = 200;
  let body: unknown;
  const matched = matchRoute(method, rawPath);
  if (matched === null || matched === 'method') {
    body = { errcode: 40066, errmsg: 'invalid url' };
  } else {
    core.weixin.countCall(`${method} ${path}`);
    const before = core.faults.take(['weixin-errcode', 'http500-before', 'http429-before'], method, path);
    if (before?.kind === 'weixin-errcode') {
      const errcode = before.errcode ?? -1;
      body = { errcode, errmsg: before.errmsg ?? weixinErrmsg(errcode) };
    } else if (before !== null) {
      const f = faultResult(before.kind, true);
      status = f.status;
      body = f.body;
    } else {
      try {
        const apiReq: ApiRequest = {
          method,
          rawUrl: call.rawUrl,
          path,
          query: call.query,
          rawBody: call.rawBody,
          headers: call.req.headers,
          params: matched.params,
          mchid: '',
          serial: undefined,
        };
        const result = await matched.route.handler(core, apiReq);
        // A file (the virtual-payment bill) goes out as it is.
        if (result.raw !== undefined) {
          send(res, result.status, { 'Content-Type': result.contentType ?? 'application/octet-stream' }, result.raw);
          return;
        }
        body = result.body;
        const after = core.faults.take(['http500-after', 'http429-after'], method, path);
        if (after !== null) {
          const f = faultResult(after.kind, true);
          status = f.status;
          body = f.body;
        }
      } catch (e) {
        if (e instanceof WeixinError) {
          status = e.httpStatus;
          body = { errcode: e.errcode, errmsg: e.message };
        } else throw e;
      }
    }
  }
  const slow = core.faults.take(['slow'], method, path);
  if (slow !== null) await sleep(slow.ms);
  send(res, status, { 'Content-Type': 'application/json; charset=utf-8' }, JSON.stringify(body));
}

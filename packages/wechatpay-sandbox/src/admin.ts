// Test and admin endpoints under /sandbox/ (no WeChat Pay signature: a local development tool).
// They reach everything the in-process API reaches, so a standalone sandbox can be driven by an
// end-to-end test in another process.
import { AppError } from '@fairground/core';
import type { SandboxCore } from './core.ts';
import { SandboxErrors } from './errors.ts';
import type { Fault } from './faults.ts';
import { requestMerchantTransfer, requestPayment } from './jsbridge.ts';
import type { SandboxUser } from './types.ts';
import { parseJsonBody } from './validate.ts';
import { handleWeixinAdmin } from './weixin-admin.ts';

export interface AdminDeps {
  core: SandboxCore;
  runDue(): Promise<void>;
  user: SandboxUser;
}

interface AdminResult {
  status: number;
  body?: unknown;
}

function bad(why: string): AppError {
  return new AppError(SandboxErrors.SANDBOX_REQUEST_INVALID, { why });
}

function field(body: Record<string, unknown>, ...names: string[]): string {
  for (const name of names) {
    const v = body[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  throw bad(`${names[0]} is required`);
}

function optField(body: Record<string, unknown>, ...names: string[]): string | undefined {
  for (const name of names) {
    const v = body[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

interface AdvanceableClock {
  advanceMs(deltaMs: number): void;
  nowMs(): number;
}

function isAdvanceable(clock: unknown): clock is AdvanceableClock {
  return typeof (clock as { advanceMs?: unknown }).advanceMs === 'function';
}

export async function handleAdmin(
  deps: AdminDeps,
  method: string,
  path: string,
  _query: URLSearchParams,
  rawBody: Buffer,
): Promise<AdminResult> {
  const { core } = deps;
  const route = `${method} ${path}`;
  const body = (): Record<string, unknown> => {
    try {
      return parseJsonBody(rawBody);
    } catch {
      throw bad('body must be a JSON object');
    }
  };
  if (path.startsWith('/sandbox/weixin/')) {
    const weixin = handleWeixinAdmin(core, method, path, body);
    if (weixin !== null) return weixin;
  }
  switch (route) {
    case 'POST /sandbox/faults':
      return { status: 200, body: { ids: injectFaults(core, rawBody) } };
    case 'GET /sandbox/faults':
      return { status: 200, body: { faults: core.faults.list() } };
    case 'DELETE /sandbox/faults':
      core.faults.clear();
      return { status: 204 };
    case 'GET /sandbox/clock':
      return { status: 200, body: { nowMs: core.nowMs() } };
    case 'POST /sandbox/clock/advance':
      advanceClock(core, body().ms);
      return { status: 200, body: { nowMs: core.nowMs() } };
    case 'POST /sandbox/run-due':
      await deps.runDue();
      return { status: 200, body: { nowMs: core.nowMs() } };
    case 'GET /sandbox/notifications':
      return { status: 200, body: { notifications: core.notifier.history() } };
    case 'GET /sandbox/merchant':
      return { status: 200, body: merchantConfig(core) };
    case 'GET /sandbox/balances':
      return { status: 200, body: { basicFen: core.ledger.balanceFen('BASIC'), operationFen: core.ledger.balanceFen('OPERATION') } };
    case 'POST /sandbox/user/pay': {
      const b = body();
      await deps.user.pay(field(b, 'out_trade_no', 'outTradeNo'), optField(b, 'openid'));
      return { status: 204 };
    }
    case 'POST /sandbox/user/cancel-payment':
      await deps.user.cancelPayment(field(body(), 'out_trade_no', 'outTradeNo'));
      return { status: 204 };
    case 'POST /sandbox/user/confirm-transfer':
      await deps.user.confirmTransfer(field(body(), 'out_bill_no', 'outBillNo'));
      return { status: 204 };
    case 'POST /sandbox/user/decline-transfer':
      await deps.user.declineTransfer(field(body(), 'out_bill_no', 'outBillNo'));
      return { status: 204 };
    case 'POST /sandbox/user/login-code':
      return { status: 200, body: { code: loginCode(deps, body()) } };
    case 'POST /sandbox/request-payment':
      return { status: 200, body: requestPayment(core, body()) };
    case 'POST /sandbox/request-merchant-transfer':
      return { status: 200, body: requestMerchantTransfer(core, body()) };
    default:
      return { status: 404, body: { code: 'NOT_FOUND', message: `no sandbox endpoint ${route}` } };
  }
}

/** Injects one fault or a list of them (a JSON body); their ids. */
function injectFaults(core: SandboxCore, rawBody: Buffer): ReturnType<SandboxCore['faults']['inject']>[] {
  let parsed: unknown;
  try {
    parsed = rawBody.length === 0 ? undefined : JSON.parse(rawBody.toString('utf8'));
  } catch {
    throw bad('body must be JSON');
  }
  const list = Array.isArray(parsed) ? parsed : [parsed];
  return list.map((f) => core.faults.inject(f as Fault));
}

/** Moves a manual clock forward by `ms` and runs the timers that came due. */
function advanceClock(core: SandboxCore, ms: unknown): void {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0) throw bad('ms must be a non-negative integer');
  if (!isAdvanceable(core.clock)) throw new AppError(SandboxErrors.SANDBOX_CLOCK_NOT_MANUAL);
  core.clock.advanceMs(ms);
  core.runDueTimers();
}

/** A login code for an openid, as wx.login (`jscode`) or the OAuth page (`oauth`) would give one. */
function loginCode(deps: AdminDeps, b: Record<string, unknown>): string {
  const kind = field(b, 'kind');
  if (kind !== 'jscode' && kind !== 'oauth') throw bad("kind must be 'jscode' or 'oauth'");
  return deps.user.loginCode(field(b, 'openid'), kind);
}

/** What a client needs to talk to this sandbox; also written to the data folder in standalone mode. */
export function merchantConfig(core: SandboxCore): Record<string, unknown> {
  const k = core.keys;
  return {
    baseUrl: core.baseUrl,
    weixinBaseUrl: core.baseUrl,
    pagesUrl: core.pagesUrl,
    keyMode: core.options.keyMode,
    mchid: k.mchid,
    appid: k.appid,
    serialNo: k.merchant.id,
    privateKeyPem: k.merchant.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    certificatePem: k.merchant.certificatePem,
    apiV3Key: k.apiV3Key,
    appSecret: k.appSecret,
    /** api.weixin.qq.com apps (mini-game, mini-program, official account, website) with their secrets. */
    weixinApps: [...core.weixin.apps.values()].map((a) => core.weixin.appView(a)),
    platform: {
      publicKeyId: k.publicKey.id,
      publicKeyPem: k.publicKey.publicKeyPem,
      certificates: k.platformCertificates.map((c) => ({ serialNo: c.id, certificatePem: c.certificatePem, publicKeyPem: c.publicKeyPem })),
    },
    /** The `verifier` map a client wants: key id -> public key PEM. */
    verifier: Object.fromEntries([
      [k.publicKey.id, k.publicKey.publicKeyPem],
      ...k.platformCertificates.map((c) => [c.id, c.publicKeyPem]),
    ]),
  };
}

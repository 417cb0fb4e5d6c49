// Admin endpoints of the WeChat sign-in side, under /sandbox/weixin/ (unsigned, JSON):
//   GET  /sandbox/weixin/apps                          every app, with its secret
//   POST /sandbox/weixin/apps                          add or change an app {appid, kind, secret?, name?, openPlatformId?, redirectDomains?}
//   POST /sandbox/weixin/apps/{appid}/tokens/expire    end its access tokens now {revoke?: boolean}: 42001, or 40001 when revoked
//   GET  /sandbox/weixin/players                       every test player
//   POST /sandbox/weixin/players                       create or update {handle, nickname?, avatarUrl?, phone?, apps?, highRisk?}
//   GET  /sandbox/weixin/players/{handle}
//   POST /sandbox/weixin/players/{handle}/codes        a one-time code {appid, kind: jscode|oauth|phone, scope?}
//   GET  /sandbox/weixin/calls, DELETE /sandbox/weixin/calls   calls per endpoint, and a reset
//   POST /sandbox/weixin/vpay/apps                     virtual payment for an app {appid, offerId?, appKey?, pushUrl?, feePermille?}
//   POST /sandbox/weixin/vpay/pay                      the payment sheet {appid, openid, signData, paySig, signature, outcome: paid|cancelled|failed, pushCopies?, dropPush?, forgedPush?}
//   GET  /sandbox/weixin/vpay/orders/{outTradeNo}/pushes   the delivery pushes sent for an order
import { AppError } from '@fairground/core';
import type { SandboxCore } from './core.ts';
import { SandboxErrors } from './errors.ts';
import type { OAuthScopeName, TestPlayerInput, WeixinAppInput, WeixinCodeKind } from './weixin-model.ts';

export interface WeixinAdminResult {
  status: number;
  body?: unknown;
}

function bad(why: string): AppError {
  return new AppError(SandboxErrors.SANDBOX_REQUEST_INVALID, { why });
}

function decode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw bad('bad percent-encoding in the path');
  }
}

/** Handles `method path` under /sandbox/weixin/, or returns null for an unknown route. */
export function handleWeixinAdmin(
  core: SandboxCore,
  method: string,
  path: string,
  body: () => Record<string, unknown>,
): WeixinAdminResult | null {
  const w = core.weixin;
  const route = `${method} ${path}`;
  if (route === 'GET /sandbox/weixin/apps') return { status: 200, body: { apps: [...w.apps.values()].map((a) => w.appView(a)) } };
  if (route === 'POST /sandbox/weixin/apps') return { status: 200, body: w.appView(w.upsertApp(body() as unknown as WeixinAppInput)) };
  if (route === 'GET /sandbox/weixin/players')
    return { status: 200, body: { players: [...w.players.values()].map((p) => w.playerView(p)) } };
  if (route === 'POST /sandbox/weixin/players')
    return { status: 200, body: w.playerView(w.upsertPlayer(body() as unknown as TestPlayerInput)) };
  if (route === 'GET /sandbox/weixin/calls') return { status: 200, body: { calls: w.calls() } };
  if (route === 'DELETE /sandbox/weixin/calls') {
    w.resetCalls();
    return { status: 204 };
  }
  const expire = /^POST \/sandbox\/weixin\/apps\/([^/]+)\/tokens\/expire$/.exec(route);
  if (expire) {
    const revoke = body().revoke ?? false;
    if (typeof revoke !== 'boolean') throw bad('revoke must be a boolean');
    return { status: 200, body: { ended: w.endAppTokens(decode(expire[1] ?? ''), revoke ? 'revoke' : 'expire') } };
  }
  if (route === 'POST /sandbox/weixin/vpay/apps') return { status: 200, body: configureVpay(core, body()) };
  if (route === 'POST /sandbox/weixin/vpay/pay') return { status: 200, body: payVpay(core, body()) };
  const vpayPushes = /^GET \/sandbox\/weixin\/vpay\/orders\/([^/]+)\/pushes$/.exec(route);
  if (vpayPushes) return { status: 200, body: { pushes: core.vpay.pushes(decode(vpayPushes[1] ?? '')) } };
  const player = /^GET \/sandbox\/weixin\/players\/([^/]+)$/.exec(route);
  if (player) return { status: 200, body: w.playerView(w.player(decode(player[1] ?? ''))) };
  const codes = /^POST \/sandbox\/weixin\/players\/([^/]+)\/codes$/.exec(route);
  if (codes) {
    const b = body();
    if (typeof b.appid !== 'string' || typeof b.kind !== 'string') throw bad('appid and kind are required');
    if (b.scope !== undefined && typeof b.scope !== 'string') throw bad('scope must be a string');
    const issued = w.issueCode({
      handle: decode(codes[1] ?? ''),
      appid: b.appid,
      kind: b.kind as WeixinCodeKind,
      ...(b.scope === undefined ? {} : { scope: b.scope as OAuthScopeName }),
    });
    return { status: 200, body: issued };
  }
  return null;
}

/** Configures a mini-game's virtual payment (offer id, app key, push address, fee), checked. */
function configureVpay(core: SandboxCore, b: Record<string, unknown>): ReturnType<SandboxCore['vpay']['configure']> {
  if (typeof b.appid !== 'string') throw bad('appid is required');
  for (const k of ['offerId', 'appKey'] as const)
    if (b[k] !== undefined && (typeof b[k] !== 'string' || !/^[\x21-\x7e]{1,128}$/.test(b[k] as string)))
      throw bad(`${k} must be 1-128 printable characters`);
  if (b.pushUrl !== undefined && b.pushUrl !== null && (typeof b.pushUrl !== 'string' || !/^https?:\/\/\S{1,500}$/.test(b.pushUrl)))
    throw bad('pushUrl must be an http(s) address or null');
  if (
    b.feePermille !== undefined &&
    (typeof b.feePermille !== 'number' || !Number.isSafeInteger(b.feePermille) || b.feePermille < 0 || b.feePermille > 1000)
  )
    throw bad('feePermille must be an integer 0..1000');
  return core.vpay.configure({
    appid: b.appid,
    ...(typeof b.offerId === 'string' ? { offerId: b.offerId } : {}),
    ...(typeof b.appKey === 'string' ? { appKey: b.appKey } : {}),
    ...(b.pushUrl !== undefined ? { pushUrl: b.pushUrl as string | null } : {}),
    ...(typeof b.feePermille === 'number' ? { feePermille: b.feePermille } : {}),
  });
}

/** Plays the player's side of a virtual payment (paid, cancelled or failed), with the pushes it makes. */
function payVpay(core: SandboxCore, b: Record<string, unknown>): ReturnType<SandboxCore['vpay']['pay']> {
  for (const k of ['appid', 'openid', 'signData', 'paySig', 'signature'] as const)
    if (typeof b[k] !== 'string') throw bad(`${k} is required`);
  if (b.outcome !== 'paid' && b.outcome !== 'cancelled' && b.outcome !== 'failed') throw bad("outcome is 'paid', 'cancelled' or 'failed'");
  const copies = b.pushCopies ?? 1;
  if (typeof copies !== 'number' || !Number.isInteger(copies) || copies < 1 || copies > 20) throw bad('pushCopies is 1 to 20');
  const answer = core.vpay.pay({
    appid: b.appid as string,
    openid: b.openid as string,
    signData: b.signData as string,
    paySig: b.paySig as string,
    signature: b.signature as string,
    outcome: b.outcome,
    pushCopies: copies,
    dropPush: b.dropPush === true,
    forgedPush: b.forgedPush === true,
  });
  return answer;
}

// The pages a person uses, server-rendered and phone-sized, in Chinese with English: the cashier
// (pay or cancel an order), the transfer confirmation (accept or decline a bill, opened from its
// package_info) and the OAuth consent page that stands in for open.weixin.qq.com. They call the
// same functions as the in-process `sandbox.user` API.
import type { IncomingHttpHeaders } from 'node:http';
import { isAppError } from '@fairground/core';
import { yuan } from './bills.ts';
import type { SandboxCore } from './core.ts';
import { randomAlphanumeric } from './crypto.ts';
import { checkPaymentParams } from './jsbridge.ts';
import type { Order, TransferBill } from './model.ts';
import { userCancelPayment, userPay } from './payments.ts';
import { rfc3339 } from './time.ts';
import { userConfirmTransfer, userDeclineTransfer } from './transfers.ts';
import { issueLoginCode, nicknameOf } from './weixin.ts';

export interface PageRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  rawBody: Buffer;
  headers: IncomingHttpHeaders;
}

export interface PageResult {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer | undefined;
}

const OPENID_COOKIE = 'fg_wx_openid';

function esc(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const STYLE = `
body{margin:0;font-family:-apple-system,"PingFang SC","Microsoft YaHei",sans-serif;background:#ededed;color:#111}
main{max-width:420px;margin:0 auto;padding:24px 16px}
.card{background:#fff;border-radius:12px;padding:24px 20px;text-align:center}
.tag{display:inline-block;background:#fa9d3b;color:#fff;border-radius:4px;padding:2px 8px;font-size:12px;margin-bottom:12px}
h1{font-size:17px;font-weight:500;margin:4px 0 16px}
.amount{font-size:40px;font-weight:600;margin:8px 0 4px}
.muted{color:#888;font-size:13px;line-height:1.6}
dl{text-align:left;font-size:14px;margin:20px 0 0;border-top:1px solid #eee;padding-top:12px}
dt{color:#888;float:left;clear:left;width:96px}dd{margin:0 0 8px 104px;word-break:break-all}
form{margin:16px 0 0}
button{display:block;width:100%;border:0;border-radius:8px;padding:14px;font-size:17px;margin-top:12px;cursor:pointer}
.primary{background:#07c160;color:#fff}.secondary{background:#f2f2f2;color:#07c160}.danger{background:#f2f2f2;color:#fa5151}
input{width:100%;box-sizing:border-box;padding:10px;border:1px solid #ddd;border-radius:6px;font-size:15px}
label{display:block;text-align:left;font-size:13px;color:#888;margin:16px 0 6px}
.ok{color:#07c160;font-size:48px}.bad{color:#fa5151;font-size:48px}
`;

function page(title: string, body: string, status = 200, extraHeaders: Record<string, string> = {}): PageResult {
  const html = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover"><title>${esc(title)}</title><style>${STYLE}</style></head><body><main>${body}<p class="muted" style="text-align:center;margin-top:24px">微信支付沙盒 · WeChat Pay sandbox — 仅供开发测试 / for development only</p></main></body></html>`;
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store', ...extraHeaders }, body: html };
}

function message(title: string, text: string, ok: boolean, status = 200): PageResult {
  return page(
    title,
    `<div class="card"><div class="${ok ? 'ok' : 'bad'}">${ok ? '✓' : '!'}</div><h1>${esc(title)}</h1><p class="muted">${esc(text)}</p></div>`,
    status,
  );
}

function redirect(location: string, headers: Record<string, string> = {}): PageResult {
  return { status: 302, headers: { Location: location, 'Cache-Control': 'no-store', ...headers }, body: undefined };
}

function cookie(req: PageRequest, name: string): string | undefined {
  const raw = req.headers.cookie;
  if (raw === undefined) return undefined;
  for (const part of raw.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

function openidCookie(openid: string): Record<string, string> {
  return { 'Set-Cookie': `${OPENID_COOKIE}=${encodeURIComponent(openid)}; Path=/; SameSite=Lax; Max-Age=31536000` };
}

function newOpenid(): string {
  return `oSandbox${randomAlphanumeric(20)}`;
}

const OPENID = /^[0-9A-Za-z_-]{1,64}$/;

function safeRedirectTarget(value: string | null): string | null {
  if (value === null || value === '') return null;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null;
  } catch {
    return null;
  }
}

function withParams(target: string, params: Record<string, string>): string {
  const url = new URL(target);
  for (const [k, v] of Object.entries(params)) url.searchParams.set(k, v);
  return url.toString();
}

function form(req: PageRequest): URLSearchParams {
  return new URLSearchParams(req.rawBody.toString('utf8'));
}

export async function handlePage(core: SandboxCore, req: PageRequest): Promise<PageResult> {
  core.runDueTimers();
  const route = `${req.method} ${req.path}`;
  switch (route) {
    case 'GET /':
      return indexPage(core);
    case 'GET /cashier':
      return cashierPage(core, req);
    case 'POST /cashier':
      return cashierAction(core, req);
    case 'GET /transfer/confirm':
      return transferPage(core, req);
    case 'POST /transfer/confirm':
      return transferAction(core, req);
    case 'GET /connect/oauth2/authorize':
      return consentPage(core, req);
    case 'POST /connect/oauth2/authorize':
      return consentAction(core, req);
    default: {
      const avatar = /^\/avatar\/([^/]+)\.svg$/.exec(req.path);
      if (req.method === 'GET' && avatar) return avatarSvg(avatar[1] ?? '');
      return message('页面不存在 / Not found', req.path, false, 404);
    }
  }
}

function indexPage(core: SandboxCore): PageResult {
  const orders = [...core.orders.values()].slice(-20).reverse();
  const bills = [...core.transfers.values()].slice(-20).reverse();
  const orderRows = orders
    .map(
      (o) =>
        `<dt>${esc(o.state)}</dt><dd><a href="/cashier?out_trade_no=${encodeURIComponent(o.outTradeNo)}">${esc(o.outTradeNo)}</a> ¥${yuan(o.totalFen)}</dd>`,
    )
    .join('');
  const billRows = bills
    .map(
      (b) =>
        `<dt>${esc(b.state)}</dt><dd><a href="/transfer/confirm?mchId=${encodeURIComponent(core.keys.mchid)}&appId=${encodeURIComponent(b.appid)}&package=${encodeURIComponent(b.packageInfo)}">${esc(b.outBillNo)}</a> ¥${yuan(b.amountFen)}</dd>`,
    )
    .join('');
  return page(
    '微信支付沙盒',
    `<div class="card"><h1>微信支付沙盒 / WeChat Pay sandbox</h1><dl><dt>商户号 mchid</dt><dd>${esc(core.keys.mchid)}</dd><dt>AppID</dt><dd>${esc(core.keys.appid)}</dd><dt>密钥模式</dt><dd>${esc(core.options.keyMode)}</dd><dt>时间 Time</dt><dd>${esc(rfc3339(core.nowMs()))}</dd></dl>
<dl><dt>订单 Orders</dt><dd>&nbsp;</dd>${orderRows || '<dd>—</dd>'}</dl><dl><dt>转账 Transfers</dt><dd>&nbsp;</dd>${billRows || '<dd>—</dd>'}</dl></div>`,
  );
}

/** Finds the order a cashier URL names: wx.requestPayment parameters, prepay_id, Native pr, or out_trade_no. */
function cashierOrder(core: SandboxCore, q: URLSearchParams): { order: Order } | { error: string } {
  if (q.get('paySign') !== null) {
    const checked = checkPaymentParams(core, Object.fromEntries(q.entries()));
    if ('errMsg' in checked) return { error: checked.errMsg };
    const order = core.orders.get(checked.outTradeNo);
    return order === undefined ? { error: '订单不存在' } : { order };
  }
  const prepay = q.get('prepay_id');
  const pr = q.get('pr') ?? /[?&]pr=([^&]+)/.exec(q.get('code_url') ?? '')?.[1] ?? null;
  const outTradeNo = q.get('out_trade_no');
  const order =
    prepay !== null
      ? core.ordersByPrepay.get(prepay)
      : pr !== null
        ? core.ordersByCodeToken.get(pr)
        : outTradeNo !== null
          ? core.orders.get(outTradeNo)
          : undefined;
  return order === undefined ? { error: '订单不存在或支付链接已失效 / Unknown order' } : { order };
}

function orderDetails(core: SandboxCore, o: Order): string {
  return `<dl><dt>商户 Merchant</dt><dd>${esc(core.keys.mchid)}</dd><dt>商户单号</dt><dd>${esc(o.outTradeNo)}</dd><dt>支付方式</dt><dd>${esc(o.tradeType)}</dd><dt>状态 State</dt><dd>${esc(o.state)}${o.userCancelled ? ' (用户已取消 / cancelled by payer)' : ''}</dd><dt>有效期至</dt><dd>${esc(rfc3339(o.expireMs))}</dd></dl>`;
}

function cashierPage(core: SandboxCore, req: PageRequest): PageResult {
  const found = cashierOrder(core, req.query);
  if ('error' in found) return message('无法支付 / Cannot pay', found.error, false, 400);
  const o = found.order;
  const redirectTo = safeRedirectTarget(req.query.get('redirect_url') ?? req.query.get('return_url'));
  const payable = o.state === 'NOTPAY' && core.nowMs() <= o.expireMs;
  const openid = o.payerOpenid ?? cookie(req, OPENID_COOKIE) ?? newOpenid();
  const buttons = payable
    ? `<form method="post" action="/cashier"><input type="hidden" name="out_trade_no" value="${esc(o.outTradeNo)}"><input type="hidden" name="redirect_url" value="${esc(redirectTo ?? '')}">
${o.payerOpenid === undefined ? `<label for="openid">付款人 openid / Payer</label><input id="openid" name="openid" value="${esc(openid)}">` : `<input type="hidden" name="openid" value="${esc(openid)}">`}
<button class="primary" name="action" value="pay">支付 / Pay</button><button class="secondary" name="action" value="cancel">取消 / Cancel</button></form>`
    : `<p class="muted">${o.state === 'NOTPAY' ? '订单已过期 / Order expired' : `订单状态 / State: ${esc(o.state)}`}</p>`;
  return page(
    '微信支付',
    `<div class="card"><span class="tag">沙盒 Sandbox</span><h1>${esc(o.description)}</h1><div class="amount">¥${yuan(o.totalFen)}</div>${buttons}${orderDetails(core, o)}</div>`,
  );
}

function cashierAction(core: SandboxCore, req: PageRequest): PageResult {
  const f = form(req);
  const outTradeNo = f.get('out_trade_no') ?? '';
  const action = f.get('action') ?? 'pay';
  const redirectTo = safeRedirectTarget(f.get('redirect_url'));
  const openidRaw = f.get('openid') ?? '';
  const openid = OPENID.test(openidRaw) ? openidRaw : undefined;
  try {
    if (action === 'cancel') userCancelPayment(core, outTradeNo);
    else userPay(core, outTradeNo, openid);
  } catch (e) {
    if (isAppError(e)) return message('支付失败 / Payment failed', `${e.code}: ${e.message}`, false, e.status);
    throw e;
  }
  const headers = openid === undefined ? {} : openidCookie(openid);
  if (redirectTo !== null) return redirect(redirectTo, headers);
  const result =
    action === 'cancel'
      ? message('已取消支付 / Payment cancelled', '订单仍未支付 / The order stays unpaid.', false)
      : message('支付成功 / Paid', `商户单号 ${outTradeNo}`, true);
  return { ...result, headers: { ...result.headers, ...headers } };
}

function transferDetails(core: SandboxCore, b: TransferBill): string {
  return `<dl><dt>商户 Merchant</dt><dd>${esc(core.keys.mchid)}</dd><dt>收款人 Payee</dt><dd>${esc(b.openid)}</dd><dt>场景 Scene</dt><dd>${esc(b.sceneId)} ${esc(b.perception ?? '')}</dd><dt>状态 State</dt><dd>${esc(b.state)}</dd><dt>确认截止</dt><dd>${esc(rfc3339(b.createMs + 24 * 3600_000))}</dd></dl>`;
}

function findBill(core: SandboxCore, q: URLSearchParams): { bill: TransferBill } | { error: string } {
  const pkg = q.get('package') ?? '';
  const bill = core.transfersByPackage.get(pkg);
  if (bill === undefined) return { error: '转账单不存在或链接已失效 / Unknown transfer' };
  const mchId = q.get('mchId');
  const appId = q.get('appId');
  if ((mchId !== null && mchId !== core.keys.mchid) || (appId !== null && appId !== bill.appid))
    return { error: '商户号或AppID不匹配 / mchId or appId mismatch' };
  const openId = q.get('openId');
  if (openId !== null && openId !== '' && openId !== bill.openid) return { error: '你的微信号与商家指定的微信号不一致' };
  return { bill };
}

function transferPage(core: SandboxCore, req: PageRequest): PageResult {
  const found = findBill(core, req.query);
  if ('error' in found) return message('无法收款 / Cannot receive', found.error, false, 400);
  const b = found.bill;
  const redirectTo = safeRedirectTarget(req.query.get('redirect_url'));
  const buttons =
    b.state === 'WAIT_USER_CONFIRM'
      ? `<form method="post" action="/transfer/confirm"><input type="hidden" name="package" value="${esc(b.packageInfo)}"><input type="hidden" name="redirect_url" value="${esc(redirectTo ?? '')}">
<button class="primary" name="action" value="confirm">确认收款 / Accept</button><button class="danger" name="action" value="decline">拒绝收款 / Decline</button></form>`
      : `<p class="muted">转账状态 / State: ${esc(b.state)}</p>`;
  return page(
    '确认收款',
    `<div class="card"><span class="tag">沙盒 Sandbox</span><h1>${esc(b.remark)}</h1><div class="amount">¥${yuan(b.amountFen)}</div><p class="muted">商家向你转账,确认后存入零钱 / The merchant is paying you; accept to receive it in your balance.</p>${buttons}${transferDetails(core, b)}</div>`,
  );
}

function transferAction(core: SandboxCore, req: PageRequest): PageResult {
  const f = form(req);
  const found = findBill(core, f);
  if ('error' in found) return message('无法收款 / Cannot receive', found.error, false, 400);
  const action = f.get('action') ?? 'confirm';
  try {
    if (action === 'decline') userDeclineTransfer(core, found.bill.outBillNo);
    else userConfirmTransfer(core, found.bill.outBillNo);
  } catch (e) {
    if (isAppError(e)) return message('操作失败 / Failed', `${e.code}: ${e.message}`, false, e.status);
    throw e;
  }
  const redirectTo = safeRedirectTarget(f.get('redirect_url'));
  if (redirectTo !== null) return redirect(redirectTo);
  return action === 'decline'
    ? message('已拒绝收款 / Declined', '资金将退回商户 / The money goes back to the merchant.', false)
    : message('已确认收款 / Accepted', '到账以微信支付通知为准 / Arrival is confirmed by WeChat Pay.', true);
}

function consentParams(q: URLSearchParams): { appid: string; redirectUri: string; scope: string; state: string } | { error: string } {
  const appid = q.get('appid') ?? '';
  const redirectUri = safeRedirectTarget(q.get('redirect_uri'));
  const scope = q.get('scope') ?? '';
  if (q.get('response_type') !== null && q.get('response_type') !== 'code') return { error: 'response_type必须为code' };
  if (redirectUri === null) return { error: 'redirect_uri参数错误 / bad redirect_uri' };
  if (scope !== 'snsapi_base' && scope !== 'snsapi_userinfo')
    return { error: 'scope参数错误 / scope must be snsapi_base or snsapi_userinfo' };
  return { appid, redirectUri, scope, state: q.get('state') ?? '' };
}

function consentPage(core: SandboxCore, req: PageRequest): PageResult {
  const p = consentParams(req.query);
  if ('error' in p) return message('授权失败 / Authorization failed', p.error, false, 400);
  if (p.appid !== core.keys.appid) return message('授权失败 / Authorization failed', 'appid参数错误 / unknown appid', false, 400);
  const remembered = cookie(req, OPENID_COOKIE);
  // snsapi_base is silent in WeChat: a returning person is sent straight back with a code.
  if (p.scope === 'snsapi_base' && remembered !== undefined && OPENID.test(remembered)) {
    const code = issueLoginCode(core, remembered, 'oauth', p.scope);
    return redirect(withParams(p.redirectUri, { code, state: p.state }));
  }
  const openid = remembered !== undefined && OPENID.test(remembered) ? remembered : newOpenid();
  const hidden = ['appid', 'redirect_uri', 'scope', 'state', 'response_type']
    .map((k) => `<input type="hidden" name="${k}" value="${esc(req.query.get(k) ?? '')}">`)
    .join('');
  return page(
    '微信授权',
    `<div class="card"><span class="tag">沙盒 Sandbox</span><h1>网页由 ${esc(core.keys.appid)} 提供<br>申请获得以下权限 / requests:</h1><p class="muted">${p.scope === 'snsapi_userinfo' ? '获得你的公开信息(昵称、头像等) / your public profile' : '获取你的身份标识 / your openid'}</p>
<form method="post" action="/connect/oauth2/authorize">${hidden}<label for="openid">以此身份登录 / Sign in as (openid)</label><input id="openid" name="openid" value="${esc(openid)}"><p class="muted">昵称 / nickname: ${esc(nicknameOf(openid))}</p>
<button class="primary" name="action" value="allow">允许 / Allow</button><button class="secondary" name="action" value="deny">拒绝 / Deny</button></form></div>`,
  );
}

function consentAction(core: SandboxCore, req: PageRequest): PageResult {
  const f = form(req);
  const p = consentParams(f);
  if ('error' in p) return message('授权失败 / Authorization failed', p.error, false, 400);
  if (p.appid !== core.keys.appid) return message('授权失败 / Authorization failed', 'appid参数错误 / unknown appid', false, 400);
  if (f.get('action') === 'deny') return redirect(withParams(p.redirectUri, { state: p.state }));
  const openid = f.get('openid') ?? '';
  if (!OPENID.test(openid))
    return message('授权失败 / Authorization failed', 'openid只能包含字母、数字、_和- / openid must be [0-9A-Za-z_-]', false, 400);
  const code = issueLoginCode(core, openid, 'oauth', p.scope);
  return redirect(withParams(p.redirectUri, { code, state: p.state }), openidCookie(openid));
}

function avatarSvg(openidRaw: string): PageResult {
  let openid = openidRaw;
  try {
    openid = decodeURIComponent(openidRaw);
  } catch {
    // Keep the raw text; it is only drawn.
  }
  let hue = 0;
  for (const ch of openid) hue = (hue * 31 + (ch.codePointAt(0) ?? 0)) % 360;
  const letter = esc(openid.slice(-2));
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="132" height="132" viewBox="0 0 132 132"><rect width="132" height="132" fill="hsl(${hue},55%,55%)"/><text x="66" y="80" font-size="44" text-anchor="middle" fill="#fff" font-family="sans-serif">${letter}</text></svg>`;
  return { status: 200, headers: { 'Content-Type': 'image/svg+xml', 'Cache-Control': 'max-age=86400' }, body: svg };
}

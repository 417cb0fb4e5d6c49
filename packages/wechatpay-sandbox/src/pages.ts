// The pages a person uses, server-rendered and phone-sized, in Chinese with English: the cashier
// (pay or cancel an order), the transfer confirmation (accept or decline a bill, opened from its
// package_info). The open.weixin.qq.com pages and the test-player page are in weixin-pages.ts.
// They call the same functions as the in-process `sandbox.user` API.
import { isAppError } from '@fairground/core';
import { yuan } from './bills.ts';
import type { SandboxCore } from './core.ts';
import { randomAlphanumeric } from './crypto.ts';
import { checkPaymentParams } from './jsbridge.ts';
import type { Order, TransferBill } from './model.ts';
import { userCancelPayment, userPay } from './payments.ts';
import { rfc3339 } from './time.ts';
import { userConfirmTransfer, userDeclineTransfer } from './transfers.ts';
import { cookie, esc, form, message, page, type PageRequest, type PageResult, redirect, safeRedirectTarget } from './page-kit.ts';
import { handleWeixinPage } from './weixin-pages.ts';

export type { PageRequest, PageResult } from './page-kit.ts';

const OPENID_COOKIE = 'fg_wx_openid';

function openidCookie(openid: string): Record<string, string> {
  return { 'Set-Cookie': `${OPENID_COOKIE}=${encodeURIComponent(openid)}; Path=/; SameSite=Lax; Max-Age=31536000` };
}

function newOpenid(): string {
  return `oSandbox${randomAlphanumeric(20)}`;
}

const OPENID = /^[0-9A-Za-z_-]{1,64}$/;

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
    default: {
      const weixinPage = handleWeixinPage(core, req);
      if (weixinPage !== null) return weixinPage;
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
<p class="muted"><a href="/players">测试玩家与微信登录 / Test players and WeChat sign-in</a></p><dl><dt>订单 Orders</dt><dd>&nbsp;</dd>${orderRows || '<dd>—</dd>'}</dl><dl><dt>转账 Transfers</dt><dd>&nbsp;</dd>${billRows || '<dd>—</dd>'}</dl></div>`,
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

export function avatarSvg(openidRaw: string): PageResult {
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

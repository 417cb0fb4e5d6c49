// Buying room cards in the mini-game in headless Chromium through the browser host, against the
// real platform process signing in through code2session at the weixin sandbox (a test player's
// jscode) with virtual payment configured: the game checks support and the WeChat session, the
// server signs, the sandbox's payment sheet checks both signatures, and its delivery push reaches
// the platform over HTTP. Buying 5 cards with the push delivered three times credits them once; a
// cancelled payment changes nothing; a forged PayEventSig is refused; a payment whose push never
// comes is settled by the order query; the console's reconciliation counts each once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../server/src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from '../../server/test/browser/harness.ts';
import { Driver } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const ADMIN = {
  username: 'vpadmin',
  password: 'virtual payment journey password',
  totpSecret: base32Encode(Buffer.from('vpay-journey-totp')),
};
const APP_KEY = 'journeyVpayAppKey0123456789abcdef';
const OFFER_ID = '1450000002';
const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

describe('buying room cards in the mini-game through WeChat virtual payment', () => {
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let host: Host;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let d: Driver;

  before(async () => {
    buildClients();
    sandbox = await startSandbox({});
    sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, offerId: OFFER_ID, appKey: APP_KEY });
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
      FAIRGROUND_WECHAT_MP_SECRET: secret,
      FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
      FAIRGROUND_WECHAT_VPAY_OFFER_ID: OFFER_ID,
      FAIRGROUND_WECHAT_VPAY_APP_KEY: APP_KEY,
      FAIRGROUND_WECHAT_VPAY_ENV: '1',
    });
    sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, pushUrl: `${platform.url}/api/vpay/wechat/push` });
    host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await platform?.stop();
    await sandbox?.close();
  });

  async function openAs(user: string, device: typeof SMALL | typeof NARROW, extra = ''): Promise<void> {
    await context?.close();
    context = await browser.newContext({ ...device });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${host.url}/host/?user=${user}&nick=${user}&appid=${SANDBOX_MINIGAME_APPID}${extra}`);
    await page.locator('body[data-game="loaded"]').waitFor();
    d = await Driver.attach(page);
    await d.tap('agree');
    await d.tap('login');
    await d.scene('lobby');
  }
  const lobbyCards = () =>
    d.waitFor('the room cards', (s) => (s.scene === 'lobby' && typeof s.state.cards === 'number' ? (s.state.cards as number) : null));
  const buy = async (payment: Record<string, unknown>) => {
    await d.read(`(__wxHost.payment = ${JSON.stringify(payment)}, 0)`);
    const ended = (await d.snapshot()).state.purchasesEnded as number;
    await d.tap('buy-cards');
    return d.waitFor('the purchase to end', (s) => ((s.state.purchasesEnded as number) > ended ? (s.state.lastPurchase as string) : null));
  };
  it('buys 5 room cards: the push comes three times, the cards arrive once', async () => {
    await openAs('vpbuyer', SMALL);
    assert.equal(await lobbyCards(), 0);
    assert.equal(await buy({ outcome: 'paid', pushCopies: 3 }), 'bought');
    await d.waitFor('5 cards in the lobby', (s) => s.state.cards === 5);
    await screenshot(page, 'minigame-375-vpay-bought');
    // Every push has been answered before the next one is sent: wait for the third, then look again.
    const outTradeNo = ((await d.read<{ outTradeNo?: string }[]>('__wxHost.payments'))[0] as { outTradeNo: string }).outTradeNo;
    for (let i = 0; i < 100 && sandbox.vpay.pushes(outTradeNo).length < 3; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(sandbox.vpay.pushes(outTradeNo).filter((p) => p.accepted).length, 3);
    assert.equal(await lobbyCards(), 5);
  });

  it('a cancelled payment changes nothing (after signing in again: WeChat had ended the session)', async () => {
    const logins = () => sandbox.weixin.calls()['GET /sns/jscode2session'] ?? 0;
    const before = logins();
    await d.read('(__wxHost.sessionFailures = 1, 0)');
    assert.equal(await buy({ outcome: 'cancelled' }), 'cancelled');
    assert.equal(logins(), before + 1, 'wx.checkSession failed: the game signed in again before paying');
    assert.equal(await lobbyCards(), 5);
    await d.region('toast');
    await screenshot(page, 'minigame-375-vpay-cancelled');
  });

  it('refuses a forged PayEventSig and credits the genuine push', async () => {
    assert.equal(await buy({ outcome: 'paid', forgedPush: true }), 'bought');
    const last = (await d.read<{ outTradeNo: string }[]>('__wxHost.payments')).at(-1) as { outTradeNo: string };
    // The sandbox sends pushes on its own timer: wait for the forged one's answer.
    for (let i = 0; i < 100 && !sandbox.vpay.pushes(last.outTradeNo).some((p) => p.forged); i++)
      await new Promise((r) => setTimeout(r, 100));
    const pushes = sandbox.vpay.pushes(last.outTradeNo);
    assert.ok(
      pushes.some((p) => p.forged && p.httpStatus === 401 && !p.accepted),
      JSON.stringify(pushes),
    );
    await d.waitFor('10 cards', (s) => s.state.cards === 10);
  });

  it('settles a payment whose push never comes by the order query, at 320 px in English', async () => {
    await openAs('vpnopush', NARROW);
    assert.equal(await buy({ outcome: 'paid', dropPush: true }), 'bought');
    const last = (await d.read<{ outTradeNo: string }[]>('__wxHost.payments')).at(-1) as { outTradeNo: string };
    assert.equal(sandbox.vpay.pushes(last.outTradeNo).length, 0);
    await d.waitFor('5 cards', (s) => s.state.cards === 5);
    await screenshot(page, 'minigame-320-vpay-by-query');
  });

  it('tells a player whose WeChat cannot pay in games what to do', async () => {
    await openAs('vpold', SMALL, '&midas=0');
    assert.equal(await buy({ outcome: 'paid' }), 'unsupported');
    await d.waitFor('the dialog', (s) => s.regions.some((r) => r.id === 'dialog-ok'));
    await screenshot(page, 'minigame-375-vpay-unsupported');
  });

  it('finance sees the virtual-payment orders beside WeChat Pay’s reconciliation in the console', async () => {
    await context?.close();
    context = await browser.newContext({ ...SMALL });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('reconciliation-page').waitFor();
    // 5 + 5 + 5 cards delivered, each order once; the cancelled one never reached WeChat.
    await page
      .getByTestId('vpay-delivered')
      .getByText(/3 笔 · 15 张房卡/)
      .waitFor();
    assert.equal(await page.locator('tr[data-testid="vpay-order"][data-status="delivered"]').count(), 3);
    await screenshot(page, 'console-375-vpay-reconciliation');
  });
});

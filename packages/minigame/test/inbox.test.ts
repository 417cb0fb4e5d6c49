// Customer service's answers in the mini-game, through the browser host against the real platform
// process and the weixin sandbox: a player's feedback is answered by a support operator; the
// lobby's inbox button counts the unread answer, the inbox scene shows it with the service hours,
// and once read the count goes. The player turns on WeChat reminders (wx.requestSubscribeMessage
// through the host, the accepted ids posted to the server); the next answer also goes out as one
// subscription message that the weixin sandbox records. At 375×667 in Chinese and 320×568 in English; scenes saved in
// test-results/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../server/src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from '../../server/test/browser/harness.ts';
import { Driver } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const ADMIN = {
  username: 'mginboxadmin',
  password: 'minigame inbox admin password',
  totpSecret: base32Encode(Buffer.from('minigame-inbox-totp!')),
};
const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

async function call(url: string, token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json()) as Record<string, unknown>;
  assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

describe('customer service answers in the mini-game', () => {
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let host: Host;
  let browser: Browser;
  let opToken = '';

  before(async () => {
    buildClients();
    sandbox = await startSandbox({});
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
      FAIRGROUND_WECHAT_MP_SECRET: secret,
      FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
      FAIRGROUND_SUBSCRIBE_TEMPLATES:
        'friend_room=TPL_friend_room,turn_away=TPL_turn_away,withdrawal_arrived=TPL_withdrawal_arrived,report_handled=TPL_report_handled',
      FAIRGROUND_JOB_INTERVALS_MS: 'notify.subscribe=200',
    });
    host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
    browser = await launchBrowser();
    const r = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    opToken = ((await r.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await platform?.stop();
    await sandbox?.close();
  });

  for (const [lang, device, name] of [
    ['zh', SMALL, 'mginboxzh'],
    ['en', NARROW, 'mginboxen'],
  ] as const) {
    it(`shows an answer from the console with its unread count (${lang}, ${device.viewport.width} px)`, async () => {
      const context = await browser.newContext({ ...device });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      await page.goto(`${host.url}/host/?user=${name}&nick=${name}&appid=${SANDBOX_MINIGAME_APPID}`);
      await page.locator('body[data-game="loaded"]').waitFor();
      const d = await Driver.attach(page);
      await d.scene('start');
      await d.tap('agree');
      await d.tap('login');
      await d.scene('lobby');
      if (lang === 'en') {
        await d.tap('lang');
        await d.waitFor('English', (s) => s.regions.some((r) => r.id === 'open-inbox' && r.label.startsWith('Customer service')));
      }
      const tokens = await d.read<{ accessToken: string }>("wx.getStorageSync('fg.tokens')");
      const question = lang === 'zh' ? '房卡怎么用？' : 'How do room cards work?';
      const filed = await call(platform.url, tokens.accessToken, 'POST', '/api/feedback', { topic: 'rooms', text: question });
      const answer = lang === 'zh' ? '创建房间时按座位扣房卡。' : 'Creating a room spends one card per seat.';
      await call(platform.url, opToken, 'POST', `/api/admin/support/threads/feedback/${String(filed.feedbackId)}/answers`, {
        text: answer,
      });

      // Back to the lobby afresh: the inbox button counts the answer.
      await d.tap('open-rules');
      await d.scene('rules');
      await d.tap('back');
      const lobby = await d.waitFor('the unread count', (s) => s.scene === 'lobby' && s.state.unread === 1 && s);
      assert.match(lobby.regions.find((r) => r.id === 'open-inbox')?.label ?? '', /\(1\)$/);
      await screenshot(page, `minigame-${device.viewport.width}-inbox-lobby`);
      await d.tap('open-inbox');
      const inbox = await d.waitFor('the answer', (s) => s.scene === 'inbox' && s.state.answers !== null && s.state.hours !== null && s);
      assert.deepEqual(inbox.state.answers, [answer]);
      const region = inbox.regions.find((r) => r.id.startsWith('answer-'));
      assert.ok(region && region.x >= 0 && region.x + region.w <= device.viewport.width, 'the answer fits the screen');
      assert.match(inbox.regions.find((r) => r.id === 'support-hours')?.label ?? '', lang === 'zh' ? /7×24/ : /24\/7/);
      await screenshot(page, `minigame-${device.viewport.width}-inbox`);
      await d.waitFor('read on the server', (s) => s.state.read === true);

      await d.tap('back');
      await d.waitFor('nothing unread', (s) => s.scene === 'lobby' && s.state.unread === 0 && s);
      await d.tap('open-inbox');
      await d.scene('inbox');
      // WeChat reminders: the inbox's own answer first, then the room ones (three a call); never the
      // withdrawal one, as the mini-game shows no cash. The host's wx.requestSubscribeMessage accepts them all.
      // The answers drawn above the button move it down when they arrive: tap it once they are in.
      await d.waitFor('the reminders button', (s) => s.state.reminders === 0 && s.state.answers !== null && s);
      await d.tap('subscribe');
      await d.waitFor('three consents', (s) => s.state.reminders === 3 && s);
      assert.deepEqual(await d.read<string[][]>('__wxHost.subscribeAsked'), [['TPL_report_handled', 'TPL_turn_away', 'TPL_friend_room']]);
      await screenshot(page, `minigame-${device.viewport.width}-inbox-reminders`);
      const sentBefore = sandbox.weixin.subscribeSends().length;
      const again = lang === 'zh' ? '另外，房卡不退。' : 'Also, cards are not refunded.';
      await call(platform.url, opToken, 'POST', `/api/admin/support/threads/feedback/${String(filed.feedbackId)}/answers`, { text: again });
      const openid = sandbox.weixin.player(name)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid;
      for (let i = 0; i < 100 && sandbox.weixin.subscribeSends().length === sentBefore; i += 1)
        await new Promise((r) => setTimeout(r, 100));
      const sent = sandbox.weixin.subscribeSends().slice(sentBefore);
      assert.equal(sent.length, 1, 'one subscription message, sent by the notify.subscribe job');
      assert.equal(sent[0]?.touser, openid);
      assert.equal(sent[0]?.templateId, 'TPL_report_handled');
      await context.close();
    });
  }
});

// WeChat sign-in journeys in headless Chromium against the platform in production mode (main.ts,
// NODE_ENV=production), signing in through the weixin sandbox running as a process of its own:
// - inside WeChat (its user agent, a 375 px phone): the page sends the player to the official
//   account's consent page, WeChat sends them back with a code and the state, and they
//   land on the user agreement; a code pushed in with a forged state is refused in words;
// - a 320 px browser outside WeChat: the page says to continue in WeChat (a QR code of the site)
//   and offers the website QR login; declining there is said in words, and the player then signs in;
// - production serves neither the sandbox's code route nor development login.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { type StagingTsa, startStagingTsa } from '../../src/notary/staging.ts';
import { STAGING_APPS, type StagingWeixin, startStagingWeixin } from '../../src/wechat/staging.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const STEP_TIMEOUT_MS = 15_000;
const WECHAT_UA =
  'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Mobile/15E148 MicroMessenger/8.0.47(0x18002f2f) NetType/WIFI Language/zh_CN';
/**
 * WeChat's JS-SDK exists only inside WeChat: this stands in for the script WeChat serves, recording
 * the wx.config it is given and what the page sets for the ··· menu.
 */
const FAKE_JSSDK = `window.__wx = { configs: [], shares: [] };
window.wx = {
  ready(fn) { this.onReady = fn; },
  error(fn) { this.onError = fn; },
  config(c) { window.__wx.configs.push(c); setTimeout(() => this.onReady && this.onReady(), 0); },
  updateAppMessageShareData(o) { window.__wx.shares.push(['chat', o]); },
  updateTimelineShareData(o) { window.__wx.shares.push(['moments', o]); },
};`;
const phone = (width: number, userAgent?: string) => ({
  viewport: { width, height: 720 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  ...(userAgent ? { userAgent } : {}),
});

describe('WeChat sign-in journeys (production mode, weixin sandbox process)', () => {
  let platform: RunningPlatform;
  let weixin: StagingWeixin;
  let tsa: StagingTsa;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'fg-wx-journey-'));

  before(async () => {
    buildClients();
    weixin = await startStagingWeixin({ dataDir: join(dir, 'weixin') });
    // Production names its time-stamping authority: the local TSA, a process of its own.
    tsa = await startStagingTsa({ dir: join(dir, 'tsa') });
    platform = await startPlatform({
      NODE_ENV: 'production',
      FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE,
      FAIRGROUND_SESSION_SECRET: 's'.repeat(40),
      FAIRGROUND_KYC_KEY: 'c'.repeat(64),
      ...tsa.env,
      ...weixin.env,
    });
    browser = await launchBrowser();
  });
  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
    await weixin?.stop();
    await tsa?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function open(width: number, userAgent?: string): Promise<Page> {
    const context = await browser.newContext(phone(width, userAgent));
    contexts.push(context);
    if (userAgent === WECHAT_UA)
      await context.route('https://res.wx.qq.com/**', (route) =>
        route.fulfill({ contentType: 'application/javascript', body: FAKE_JSSDK }),
      );
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    return page;
  }

  async function noHorizontalScroll(page: Page, label: string): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${label}: the page scrolls sideways by ${overflow} px`);
  }

  /** On the sandbox's consent (or QR) page: who the tester is, then Allow / Continue / Sign in. */
  async function consentAs(page: Page, handle: string): Promise<void> {
    await page.waitForURL((u) => u.toString().startsWith(weixin.pagesUrl));
    await page.locator('#new_handle').fill(handle);
    await page.locator('button[name="action"][value="allow"]').click();
  }

  it('signs a player in inside WeChat through the consent page, and refuses a code with a forged state', async () => {
    const page = await open(375, WECHAT_UA);
    // Inside WeChat the page goes to the consent page by itself.
    await page.goto(`${platform.url}/`);
    await consentAs(page, 'h5journey');
    // Back from WeChat with ?wxlogin=h5&code&state: signed in, the agreement comes first.
    await page.getByTestId('accept-terms').waitFor();
    assert.equal(new URL(page.url()).search, '', 'the one-time code left the address bar');
    await noHorizontalScroll(page, 'agreement after WeChat sign-in (375 px)');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    await screenshot(page, 'wechat-signin-h5-lobby-375');
    // Signed in inside WeChat: the JS-SDK is configured with the server's signature for this page,
    // and the ··· menu shares the site.
    await page.waitForFunction(() => (globalThis as { __wx?: { shares: unknown[] } }).__wx?.shares.length === 2);
    const wx = (await page.evaluate(() => (globalThis as { __wx?: unknown }).__wx)) as {
      configs: { appId: string; signature: string; nonceStr: string; timestamp: number; jsApiList: string[]; debug: boolean }[];
      shares: [string, { link: string; title: string }][];
    };
    assert.equal(wx.configs.length, 1);
    assert.equal(wx.configs[0]?.appId, STAGING_APPS.officialAccount);
    assert.match(wx.configs[0]?.signature ?? '', /^[0-9a-f]{40}$/);
    assert.equal(wx.configs[0]?.debug, false);
    assert.deepEqual(wx.configs[0]?.jsApiList, ['updateAppMessageShareData', 'updateTimelineShareData']);
    assert.deepEqual(
      wx.shares.map(([to, o]) => [to, o.link]),
      [
        ['chat', `${platform.url}/`],
        ['moments', `${platform.url}/`],
      ],
    );

    // A stranger's genuine code with a state this browser never started (login CSRF): refused, in words.
    const issued = (await (
      await fetch(`${weixin.baseUrl}/sandbox/weixin/players/h5journey/codes`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ appid: STAGING_APPS.officialAccount, kind: 'oauth', scope: 'snsapi_base' }),
      })
    ).json()) as { code: string };
    const victim = await open(375, WECHAT_UA);
    await victim.goto(`${platform.url}/?wxlogin=h5&code=${issued.code}&state=forgedState0123456789`);
    const error = victim.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'OAUTH_STATE_INVALID');
    assert.match(await error.innerText(), /不是从本浏览器发起的/);
    await victim.getByTestId('login-wechat').waitFor();
    assert.equal(await victim.getByTestId('lobby-page').count(), 0, 'not signed in');
    await screenshot(victim, 'wechat-signin-forged-state-375');
  });

  it('shows a browser outside WeChat how to continue in WeChat, and signs in through the website QR login', async () => {
    const page = await open(320);
    await page.goto(`${platform.url}/`);
    const panel = page.getByTestId('continue-in-wechat');
    await panel.waitFor();
    assert.equal(await page.getByTestId('share-qr').getAttribute('data-text'), `${platform.url}/`);
    await noHorizontalScroll(page, 'continue in WeChat (320 px)');
    await screenshot(page, 'wechat-signin-continue-320');
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Open this in WeChat').waitFor();
    // Declining on WeChat's page comes back with the state alone: the page says so and offers the way in again.
    await page.getByTestId('login-website').click();
    await page.waitForURL((u) => u.toString().startsWith(weixin.pagesUrl));
    await page.locator('button[name="action"][value="deny"]').click();
    await page.getByTestId('login-declined').waitFor();
    assert.match(await page.getByTestId('login-declined').innerText(), /cancelled the WeChat authorisation/);
    await page.getByTestId('login-website').click();
    await consentAs(page, 'webjourney');
    await page.getByTestId('accept-terms').waitFor();
  });

  it('serves no sandbox code route and no development login in production', async () => {
    for (const [path, body] of [
      ['/api/sandbox/wechat/codes', { kind: 'h5' }],
      ['/api/auth/dev/login', { handle: 'x' }],
    ] as const) {
      const r = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      assert.equal(r.status, 404, path);
    }
    assert.equal((await fetch(`${platform.url}/metrics`)).status, 404, 'no metrics token configured: no /metrics');
  });
});

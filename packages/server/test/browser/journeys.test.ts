// Journeys through the real pages in headless Chromium, against the real platform process:
// a player signs in with the sandbox WeChat provider, accepts the agreement and sees a zero
// balance; an operator signs in with a TOTP code, credits that player with a reason; the player's
// open wallet page shows the new balance; the audit log shows the action.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform, DESK_CONTEXT, PHONE_CONTEXT } from './harness.ts';

const ADMIN = { username: 'opsadmin', password: 'journey admin password', totpSecret: base32Encode(Buffer.from('journey-totp-secret!')) };
const STEP_TIMEOUT_MS = 15_000;

describe('browser journeys', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let playerContext: BrowserContext;
  let operatorContext: BrowserContext;
  let playerPage: Page;
  let operatorPage: Page;
  let playerId = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    // The player is on a phone; the operator at a desk.
    playerContext = await browser.newContext(PHONE_CONTEXT);
    operatorContext = await browser.newContext(DESK_CONTEXT);
    playerPage = await playerContext.newPage();
    operatorPage = await operatorContext.newPage();
    for (const page of [playerPage, operatorPage]) page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a player signs in with the sandbox WeChat provider, accepts the terms and sees a zero balance', async () => {
    const page = playerPage;
    await page.goto(`${platform.url}/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('sandbox-user').fill('journeyplayer');
    await screenshot(page, 'player-1-login');
    await page.getByTestId('login-sandbox').click();

    await page.getByTestId('terms-page').waitFor();
    // The agreement text arrives from the API after the page shows.
    await page
      .locator('.terms')
      .first()
      .getByText(/实名认证/)
      .waitFor();
    await screenshot(page, 'player-2-terms');
    await page.getByTestId('accept-terms').click();

    await page.getByTestId('lobby-page').waitFor();
    playerId = (await page.getByTestId('player-id').innerText()).trim();
    assert.match(playerId, /^p_[a-z0-9]+$/);
    await page.getByTestId('open-wallet').click();
    await page.getByTestId('wallet-page').waitFor();
    const cny = page.getByTestId('balance-CNY');
    await cny.waitFor();
    assert.match(await cny.innerText(), /¥0\.00/);
    assert.equal(await cny.getAttribute('data-available'), '0');
    await screenshot(page, 'player-3-wallet-zero');
  });

  it('an operator signs in with TOTP and credits that player with a reason', async () => {
    const page = operatorPage;
    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();

    await page.getByTestId('ledger-page').waitFor();
    // The development start runs on stand-ins: the console says so on every page.
    const banner = page.getByTestId('standin-banner');
    await banner.waitFor();
    assert.match(await banner.innerText(), /替身服务运行中：.*微信登录.*存证/);
    await page.getByTestId('run-check').click();
    const result = page.getByTestId('check-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-ok'), 'true');
    await screenshot(page, 'operator-1-ledger-check');

    await page.getByTestId('nav-players').click();
    await page.getByTestId('player-query').fill(playerId);
    await page.getByTestId('player-search').click();
    await page.getByTestId('player-result').first().click();
    await page.getByTestId('player-detail').waitFor();
    assert.equal((await page.getByTestId('player-id').innerText()).trim(), playerId);

    await page.getByTestId('adjust-asset').selectOption('CNY');
    await page.getByTestId('adjust-amount').fill('88.88');
    await page.getByTestId('adjust-reason').fill('活动补偿：对局中断');
    await page.getByTestId('adjust-submit').click();
    await page.getByTestId('adjust-result').waitFor();
    assert.match(await page.getByTestId('adjust-result').innerText(), /¥88\.88/);
    await page.getByTestId('admin-balance-CNY').getByText('¥88.88').waitFor();
    await screenshot(page, 'operator-2-adjusted');
  });

  it("the player's open wallet page shows the new balance", async () => {
    const page = playerPage;
    // Pushed over the WebSocket: no reload.
    await page.getByTestId('wallet-notice').waitFor();
    assert.match(await page.getByTestId('wallet-notice').innerText(), /¥88\.88/);
    await page.getByTestId('balance-CNY').getByText('¥88.88').waitFor();
    assert.equal(await page.getByTestId('balance-CNY').getAttribute('data-available'), '8888');
    assert.match(await page.getByTestId('history').innerText(), /人工调整[\s\S]*\+¥88\.88/);
    await screenshot(page, 'player-4-wallet-credited');

    // And after a reload, from the server rather than the push.
    await page.reload();
    await page.getByTestId('balance-CNY').getByText('¥88.88').waitFor();
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Balances').waitFor();
    await screenshot(page, 'player-5-wallet-english');
  });

  it('the audit log shows the adjustment with its operator and reason', async () => {
    const page = operatorPage;
    await page.getByTestId('nav-audit').click();
    await page.getByTestId('audit-page').waitFor();
    const row = page.locator('tr[data-action="wallet.adjust"]');
    await row.waitFor();
    const text = await row.innerText();
    assert.match(text, new RegExp(ADMIN.username));
    assert.match(text, new RegExp(playerId));
    assert.match(text, /活动补偿：对局中断/);
    assert.match(text, /"postedFen":8888/);
    assert.equal(await page.locator('tr[data-action="operator.login"]').count(), 1);
    await screenshot(page, 'operator-3-audit');
  });
});

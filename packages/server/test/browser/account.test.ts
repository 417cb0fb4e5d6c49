// A player's account and data in headless Chromium against the real platform: on a 320-px phone
// in Chinese the player downloads their data (a JSON file), is told in words why the account
// cannot be closed while money is left, and — with the wallet empty — closes it through the
// confirm step and is signed out; the console shows the account as closed. The same panel at
// 375 px in English passes the checks every page gets. Screenshots land in test-results/.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { inspect } from './inspect.ts';

const ADMIN = {
  username: 'accadmin',
  password: 'account journey password',
  totpSecret: base32Encode(Buffer.from('account-journey-key!')),
};
const STEP_TIMEOUT_MS = 15_000;

describe("a player's account and data", () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];
  let operatorToken = '';
  let operatorTokens = '';

  const adjust = async (playerId: string, amountFen: number, key: string) => {
    const r = await fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${operatorToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ asset: 'CNY', amountFen, reason: 'account journey', idempotencyKey: key }),
    });
    assert.equal(r.status, 201, await r.text());
  };

  async function playerPage(width: number, lang: 'zh' | 'en', user: string): Promise<{ page: Page; playerId: string }> {
    const context = await browser.newContext({
      viewport: { width, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      acceptDownloads: true,
      locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    });
    contexts.push(context);
    await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill(user);
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    const playerId = await page.evaluate(async () => {
      const tokens = JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string };
      const me = (await (await fetch('/api/me', { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json()) as { id: string };
      return me.id;
    });
    return { page, playerId };
  }

  async function noHorizontalScroll(page: Page, label: string): Promise<void> {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `${label}: the page scrolls sideways by ${overflow} px`);
  }

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    const login = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    const tokens = ((await login.json()) as { tokens: { accessToken: string } }).tokens;
    operatorToken = tokens.accessToken;
    operatorTokens = JSON.stringify(tokens);
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
  });

  it('at 320 px in Chinese: downloads the data, is refused in words while money is left, then closes the account', async () => {
    const { page, playerId } = await playerPage(320, 'zh', 'closingplayer');
    await adjust(playerId, 1000, `journey-in-${playerId}`);
    await page.goto(`${platform.url}/#/settings`);
    const panel = page.getByTestId('account-panel');
    await panel.waitFor();
    const blockers = page.getByTestId('closure-blockers');
    await blockers.waitFor();
    assert.match(await blockers.innerText(), /钱包里还有余额/);
    assert.equal(await page.getByTestId('close-account').isDisabled(), true);
    await panel.scrollIntoViewIfNeeded();
    await noHorizontalScroll(page, 'account panel at 320 px');
    const problems = await inspect(page, 'zh', [], ['JSON']);
    assert.deepEqual(problems, [], problems.join('\n'));
    await screenshot(page, 'account-1-blocked-320-zh');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-data').click()]);
    const file = await download.path();
    const data = JSON.parse(readFileSync(file, 'utf8')) as { format: string; player: { id: string }; ledgerEntries: unknown[] };
    assert.equal(data.format, 'fairground.player-export.v1');
    assert.equal(data.player.id, playerId);
    assert.equal(data.ledgerEntries.length, 1);
    assert.match(download.suggestedFilename(), /^fairground-my-data-\d{4}-\d{2}-\d{2}\.json$/);
    await page.getByTestId('export-done').waitFor();

    // The wallet emptied (the operator takes the balance back): the closure is open.
    await adjust(playerId, -1000, `journey-out-${playerId}`);
    await page.reload();
    const close = page.getByTestId('close-account');
    await close.waitFor();
    await page.waitForFunction(() => !(document.querySelector('[data-testid="close-account"]') as HTMLButtonElement | null)?.disabled);
    await close.click();
    const confirm = page.getByTestId('close-confirm');
    await confirm.waitFor();
    assert.equal(await page.getByTestId('close-confirm-yes').isDisabled(), true, 'the confirm step asks for the tick first');
    await page.getByTestId('close-understand').check();
    await confirm.scrollIntoViewIfNeeded();
    await screenshot(page, 'account-2-confirm-320-zh');
    await page.getByTestId('close-confirm-yes').click();
    await page.getByTestId('account-closed').waitFor();
    await screenshot(page, 'account-3-closed-320-zh');
    await page.getByTestId('account-closed-continue').click();
    await page.getByTestId('login-sandbox').waitFor();

    // The console shows the account as closed.
    const desk = await browser.newContext(DESK_CONTEXT);
    contexts.push(desk);
    await desk.addInitScript((t) => localStorage.setItem('fg.operator.tokens', t), operatorTokens);
    const console_ = await desk.newPage();
    console_.setDefaultTimeout(STEP_TIMEOUT_MS);
    await console_.goto(`${platform.url}/admin/#/players/${playerId}`);
    const status = console_.getByTestId('player-status');
    await status.waitFor();
    assert.equal(await status.getAttribute('data-status'), 'closed');
    assert.match(await status.innerText(), /已注销/);
    await screenshot(console_, 'account-4-console-closed');
  });

  it('at 375 px in English: the panel reads well and fits', async () => {
    const { page } = await playerPage(375, 'en', 'keepingplayer');
    await page.goto(`${platform.url}/#/settings`);
    const panel = page.getByTestId('account-panel');
    await panel.waitFor();
    await page.waitForFunction(() => !(document.querySelector('[data-testid="close-account"]') as HTMLButtonElement | null)?.disabled);
    await page.getByTestId('close-account').click();
    await page.getByTestId('close-confirm').waitFor();
    assert.match(await panel.innerText(), /cannot be undone/);
    await noHorizontalScroll(page, 'account panel at 375 px');
    const problems = await inspect(page, 'en', []);
    assert.deepEqual(problems, [], problems.join('\n'));
    await panel.scrollIntoViewIfNeeded();
    await screenshot(page, 'account-5-confirm-375-en');
    // Cancelling leaves the account as it was.
    await page.getByTestId('close-confirm-no').click();
    await page.getByTestId('close-account').waitFor();
  });
});

// Journeys through the compliance and risk pages in headless Chromium, against the real platform
// process: the health notice at sign-in; a player's own deposit limits (lower at once, a raise
// waiting out its cooling-off) and self-exclusion; a player's report escalated by support to a
// review case, where the operator sees the complaint as evidence and bans the reported player,
// with the audit trail on the case; the restriction on the player's page; the policies view.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform, DESK_CONTEXT, PHONE_CONTEXT } from './harness.ts';

const ADMIN = {
  username: 'riskadmin',
  password: 'compliance journey password',
  totpSecret: base32Encode(Buffer.from('compliance-totp-key!')),
};
const STEP_TIMEOUT_MS = 15_000;

describe('compliance and risk journeys', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let playerContext: BrowserContext;
  let operatorContext: BrowserContext;
  let playerPage: Page;
  let operatorPage: Page;
  let reportedId = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
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

  it('shows the health notice at sign-in, and the player sets deposit limits and self-excludes', async () => {
    const page = playerPage;
    await page.goto(`${platform.url}/`);
    await page.getByTestId('login-page').waitFor();
    const notice = page.getByTestId('health-notice');
    await notice.waitFor();
    assert.match(await notice.innerText(), /适度游戏益脑，沉迷游戏伤身/);
    await screenshot(page, 'compliance-1-login-notice');
    await page.getByTestId('sandbox-user').fill('rpplayer');
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('terms-page').waitFor();
    await page
      .locator('.terms')
      .first()
      .getByText(/实名认证/)
      .waitFor();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();

    await page.getByTestId('nav-responsible').click();
    await page.getByTestId('responsible-page').waitFor();
    await page.getByTestId('limit-day').fill('100');
    await page.getByTestId('limit-month').fill('1000');
    await page.getByTestId('save-limits').click();
    await page.getByTestId('limits-in-force').getByText('¥100.00 / ¥1,000.00').waitFor();
    // Raising the daily limit waits out the cooling-off: the old one stays in force.
    await page.getByTestId('limit-day').fill('300');
    await page.getByTestId('save-limits').click();
    await page.getByTestId('limits-pending').waitFor();
    assert.match(await page.getByTestId('limits-pending').innerText(), /¥300\.00/);
    assert.match(await page.getByTestId('limits-in-force').innerText(), /¥100\.00/);
    await screenshot(page, 'compliance-2-limits');

    page.once('dialog', (d) => void d.accept());
    await page.getByTestId('exclude-7').click();
    const until = page.getByTestId('excluded-until');
    await until.waitFor();
    const untilMs = Number(await until.getAttribute('data-until'));
    assert.ok(Math.abs(untilMs - (Date.now() + 7 * 86_400_000)) < 120_000, 'seven days from now');
    assert.match(await until.innerText(), /你选择了暂停游戏.*不能游戏或充值/);
    await screenshot(page, 'compliance-3-self-excluded');
    // A deposit is refused with the reason and the day it ends, never a code.
    await page.goto(page.url().replace(/#.*$/, '#/deposit'));
    await page.getByTestId('deposit-amount').fill('10');
    await page.getByTestId('deposit-submit').click();
    const refused = page.getByTestId('deposit-error');
    await refused.waitFor();
    const said = await refused.innerText();
    assert.match(said, /自我禁入/);
    assert.match(said, /恢复时间：\d{4}-\d\d-\d\d/);
    assert.doesNotMatch(said, /[A-Z]+_[A-Z_]+/);
    await screenshot(page, 'compliance-4-self-excluded-deposit');
  });

  it('a report escalated by support becomes a review case; the operator bans the reported player with an audit trail', async () => {
    // The reporter files through the API with the session the page holds; the reported player signs in elsewhere.
    const reported = await playerPage.evaluate(async () => {
      const code = await (
        await fetch('/api/sandbox/wechat/codes', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'h5', user: 'reportedplayer' }),
        })
      ).json();
      const login = await (
        await fetch('/api/auth/wechat/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'h5', code: code.code }),
        })
      ).json();
      return login.player.id as string;
    });
    reportedId = reported;
    const filed = await playerPage.evaluate(async (target) => {
      const tokens = JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string };
      const r = await fetch('/api/complaints', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.accessToken}` },
        body: JSON.stringify({ targetPlayerId: target, roomId: 'room_journey', reason: 'collusion', text: '他们从不互相比牌' }),
      });
      return r.status;
    }, reported);
    assert.equal(filed, 201);

    const page = operatorPage;
    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();

    await page.getByTestId('nav-complaints').click();
    await page.getByTestId('complaints-page').waitFor();
    const complaint = page.locator(`[data-testid="complaint"][data-target="${reported}"]`);
    await complaint.waitFor();
    assert.match(await complaint.innerText(), /他们从不互相比牌/);
    await page.getByTestId('complaint-rate').waitFor();
    await screenshot(page, 'compliance-4-complaints');
    await complaint.getByTestId('complaint-note').fill('多名玩家举报，转风控复核');
    await complaint.getByTestId('complaint-escalate').click();

    await page.getByTestId('risk-case-page').waitFor();
    assert.equal(await page.getByTestId('case-status').getAttribute('data-status'), 'open');
    await page
      .getByTestId('case-complaint')
      .getByText(/他们从不互相比牌/)
      .waitFor();
    await page.getByTestId('case-note-text').fill('手牌记录显示两人从不互相比牌，封禁');
    await page.getByTestId('case-ban').click();
    await page.locator('[data-testid="case-status"][data-status="closed"]').waitFor();
    await page.locator('[data-testid="case-restriction"][data-kind="ban"]').waitFor();
    const actions = await page.getByTestId('case-event').evaluateAll((els) => els.map((e) => e.getAttribute('data-action')));
    assert.deepEqual(actions, ['opened', 'escalated', 'ban']);
    assert.match(await page.getByTestId('case-trail').innerText(), new RegExp(ADMIN.username));
    await screenshot(page, 'compliance-5-case-banned');

    // The queue of closed cases lists it.
    await page.getByTestId('nav-risk').click();
    await page.getByTestId('risk-cases-page').waitFor();
    await page.getByTestId('cases-closed').click();
    await page.locator(`[data-testid="case-link"][data-player="${reported}"]`).waitFor();
  });

  it("shows the ban on the player's restrictions page and the loaded policies read-only", async () => {
    const page = operatorPage;
    await page.goto(`${platform.url}/admin/#/restrictions/${reportedId}`);
    await page.getByTestId('restrictions-page').waitFor();
    await page.getByTestId('restrict-lookup').click();
    await page.locator('[data-testid="restriction"][data-kind="ban"]').waitFor();
    await screenshot(page, 'compliance-6-restrictions');

    await page.getByTestId('nav-policies').click();
    await page.getByTestId('policies-page').waitFor();
    await page.locator('[data-testid="policy"][data-name="development"]').waitFor();
    await screenshot(page, 'compliance-7-policies');

    // The banned player is refused at the API.
    const refused = await playerPage.evaluate(async () => {
      const code = await (
        await fetch('/api/sandbox/wechat/codes', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'h5', user: 'reportedplayer' }),
        })
      ).json();
      const login = await (
        await fetch('/api/auth/wechat/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ kind: 'h5', code: code.code }),
        })
      ).json();
      const token = login.tokens.accessToken as string;
      await fetch('/api/me/terms', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ version: '2026-01' }),
      });
      const r = await fetch('/api/me/credit', { headers: { authorization: `Bearer ${token}` } });
      return { status: r.status };
    });
    assert.equal(refused.status, 200, 'reading is not restricted');
  });
});

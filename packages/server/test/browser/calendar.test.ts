// The minors' holiday calendar in the console, in headless Chromium against the real platform
// (`main.ts` with the China policy, its calendar file a copy holding this year's table, unchecked).
// Every console page carries a banner while the year in use is unchecked; the administrator opens
// the policies page from it, reads the year with its notice, confirms it with a note, and the
// banner's warning goes. The page is walked at 320 and 375 px in Chinese and English with the
// checks every page gets. Screenshots land in test-results/.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { inspect } from './inspect.ts';

const CN_POLICY = fileURLToPath(new URL('../../src/compliance/policies/cn-mainland.json', import.meta.url));
const ADMIN = {
  username: 'caladmin',
  password: 'calendar journey password',
  totpSecret: base32Encode(Buffer.from('calendar-journey-key')),
};
const STEP_TIMEOUT_MS = 15_000;
/** What a Chinese console page may show in Latin letters here: the jurisdiction code and the names the other console pages use. */
const ALLOWED_LATIN = ['CN', 'TOTP', 'JSON', 'NPPA', 'RFC'];

describe("the minors' holiday calendar in the console", () => {
  const dir = mkdtempSync(join(tmpdir(), 'fg-calendar-journey-'));
  // The year the platform's own clock is in: its table is the one in use, whatever the date of the run.
  const year = new Date().getUTCFullYear();
  let platform: RunningPlatform;
  let browser: Browser;
  const contexts: BrowserContext[] = [];

  /** The operator's session, from the first sign-in: a TOTP code is accepted once, so later pages reuse it. */
  let tokens = '';
  async function signedIn(context: BrowserContext): Promise<Page> {
    if (tokens !== '') await context.addInitScript((t) => localStorage.setItem('fg.operator.tokens', t), tokens);
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${platform.url}/admin/`);
    if (tokens === '') {
      await page.getByTestId('username').fill(ADMIN.username);
      await page.getByTestId('password').fill(ADMIN.password);
      await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
      await page.getByTestId('sign-in').click();
      await page.getByTestId('ledger-page').waitFor();
      tokens = await page.evaluate(() => localStorage.getItem('fg.operator.tokens') ?? '');
      assert.ok(tokens, 'signed in');
    }
    await page.getByTestId('ledger-page').waitFor();
    return page;
  }

  before(async () => {
    buildClients();
    // This year's table (New Year's Day off, no make-up working day), unchecked, beside a copy of the China policy.
    writeFileSync(
      join(dir, 'calendar.json'),
      JSON.stringify({
        jurisdiction: 'CN',
        years: {
          [year]: {
            holidays: [`${year}-01-01`],
            workdays: [],
            source: {
              title: `国务院办公厅关于${year}年部分节假日安排的通知`,
              urls: ['https://www.gov.cn/zhengce/'],
              note: 'A table written by the test: one day off.',
            },
            verified: false,
          },
        },
      }),
    );
    const policy = JSON.parse(readFileSync(CN_POLICY, 'utf8')) as { minors: { calendarFile: string } };
    policy.minors.calendarFile = './calendar.json';
    writeFileSync(join(dir, 'policy.json'), JSON.stringify(policy));
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_POLICY_FILE: join(dir, 'policy.json'),
    });
    browser = await launchBrowser();
  });

  after(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await platform?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('the start-up log warns about the unchecked year', () => {
    assert.ok(
      platform.logs.some((l) => l.includes(`minors' calendar CN ${year} is not verified`)),
      'the start-up log names the unchecked year',
    );
  });

  for (const [width, lang] of [
    [320, 'zh'],
    [375, 'en'],
  ] as const) {
    it(`the policies page shows the year with its notice at ${width} px in ${lang}, nothing wider than the screen`, async () => {
      const context = await browser.newContext({
        viewport: { width, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      contexts.push(context);
      await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
      const page = await signedIn(context);
      const banner = page.getByTestId('calendar-banner');
      await banner.waitFor();
      assert.match(
        await banner.innerText(),
        lang === 'zh' ? new RegExp(`CN ${year} 年尚未对照通知核对`) : new RegExp(`CN ${year} has not been checked`),
      );
      await screenshot(page, `calendar-banner-${width}-${lang}`);
      await page.getByTestId('calendar-banner-link').click();
      const row = page.locator(`[data-testid="calendar-year"][data-year="${year}"]`);
      await row.waitFor();
      assert.equal(await row.getAttribute('data-verified'), 'false');
      assert.match(await row.innerText(), new RegExp(`国务院办公厅关于${year}年部分节假日安排的通知`));
      assert.match(await row.getByTestId('calendar-year-state').innerText(), lang === 'zh' ? /未核对/ : /Not checked/);
      await row.locator('summary').click();
      await row.getByTestId('calendar-confirm-form').scrollIntoViewIfNeeded();
      const problems = await inspect(page, lang, [ADMIN.username], ALLOWED_LATIN);
      assert.deepEqual(problems, [], problems.join('\n'));
      await screenshot(page, `calendar-policies-${width}-${lang}`);
      // The data-retention page at the same width: the rules and the archives, nothing too wide.
      await page.getByTestId('nav-retention').click();
      await page.getByTestId('retention-archived').waitFor();
      const retention = await inspect(page, lang, [ADMIN.username], ALLOWED_LATIN);
      assert.deepEqual(retention, [], retention.join('\n'));
      await screenshot(page, `retention-${width}-${lang}`);
    });
  }

  it('the administrator confirms the year with a note, and the banner warning goes on every page', async () => {
    const desk = await browser.newContext(DESK_CONTEXT);
    contexts.push(desk);
    const page = await signedIn(desk);
    await page.locator('[data-testid="calendar-warning"][data-kind="unverified"]').waitFor();
    await page.goto(`${platform.url}/admin/#/policies`);
    const row = page.locator(`[data-testid="calendar-year"][data-year="${year}"]`);
    await row.getByTestId('calendar-note').fill('对照国务院办公厅通知原文核对');
    await row.getByTestId('calendar-confirm').click();
    await row.getByTestId('calendar-confirmed').waitFor();
    assert.equal(await row.getAttribute('data-verified'), 'true');
    assert.match(await row.getByTestId('calendar-confirmation').innerText(), /对照国务院办公厅通知原文核对/);
    await page.locator('[data-testid="calendar-warning"][data-kind="unverified"]').waitFor({ state: 'detached' });
    await screenshot(page, 'calendar-confirmed-desk');
    // The confirmation is in the audit log, with the note as its reason.
    await page.getByTestId('nav-audit').click();
    await page.locator('tr[data-action="compliance.confirm_calendar"]').first().waitFor();
    // Another page: no unchecked-year warning any more.
    await page.getByTestId('nav-ledger').click();
    await page.getByTestId('ledger-page').waitFor();
    assert.equal(await page.locator('[data-testid="calendar-warning"][data-kind="unverified"]').count(), 0);
  });
});

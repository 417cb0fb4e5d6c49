// The opt-in to WeChat reminders (subscription / template messages) on the H5 inbox, through the
// real page against the real platform process with templates configured: off at first, on after a
// tap (one consent per kind, kept after a reload), off again (consents given back). At 375 px in
// Chinese and 320 px in English; screenshots in test-results/subscriptions/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { buildClients, launchBrowser, PHONE_CONTEXT, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const STEP_TIMEOUT_MS = 20_000;

describe('WeChat reminders opt-in in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;

  before(async () => {
    buildClients();
    platform = await startPlatform({ FAIRGROUND_SUBSCRIBE_TEMPLATES: 'report_handled=TPL_report,withdrawal_arrived=TPL_withdrawal' });
    browser = await launchBrowser();
  });
  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  for (const [lang, width] of [
    ['zh', 375],
    ['en', 320],
  ] as const) {
    it(`switches reminders on and off on the inbox (${lang}, ${width} px)`, async () => {
      const context = await browser.newContext({
        ...PHONE_CONTEXT,
        viewport: { width, height: 700 },
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(`${platform.url}/`);
      await page.getByTestId('sandbox-user').fill(`reminders-${lang}`);
      await page.getByTestId('login-sandbox').click();
      await page.getByTestId('accept-terms').click();
      await page.getByTestId('lobby-page').waitFor();
      await page.getByTestId('open-inbox').click();
      await page.getByTestId('inbox-page').waitFor();
      const toggle = page.getByTestId('reminders-toggle');
      await toggle.waitFor();
      assert.equal(await toggle.isChecked(), false);
      await screenshot(page, `subscriptions/${lang}-${width}-off`);
      await toggle.click();
      await page.locator('[data-testid="reminders-toggle"]:checked:not([disabled])').waitFor();
      assert.equal(await page.getByTestId('reminders-state').innerText(), lang === 'zh' ? '已开启' : 'On');
      await page.reload();
      await page.locator('[data-testid="reminders-toggle"]:checked').waitFor();
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `nothing wider than the screen (${scroll} px)`);
      await screenshot(page, `subscriptions/${lang}-${width}-on`);
      await page.getByTestId('reminders-toggle').click();
      await page.locator('[data-testid="reminders-toggle"]:not(:checked):not([disabled])').waitFor();
      await page.reload();
      await page.getByTestId('reminders-toggle').waitFor();
      assert.equal(await page.getByTestId('reminders-toggle').isChecked(), false, 'off stays off');
      await context.close();
    });
  }
});

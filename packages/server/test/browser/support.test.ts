// Customer service both ways through the real pages, against the real platform process: a player
// sends feedback from the H5 client; a support operator answers it in the console and sets daily
// service hours with an escalation contact; the player's lobby shows the unread badge, the inbox
// shows the answer (read once opened) and the hours. The player at 375 px in Chinese and at
// 320 px in English; screenshots in test-results/support/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, PHONE_CONTEXT, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'supportadmin',
  password: 'support journey admin pw',
  totpSecret: base32Encode(Buffer.from('support-journey-totp')),
};
const STEP_TIMEOUT_MS = 20_000;

describe('customer service answers in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let operator: Page;

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    const context = await browser.newContext(DESK_CONTEXT);
    await context.addInitScript(() => localStorage.setItem('fg.lang', 'zh'));
    operator = await context.newPage();
    operator.setDefaultTimeout(STEP_TIMEOUT_MS);
    await operator.goto(`${platform.url}/admin/`);
    await operator.getByTestId('username').fill(ADMIN.username);
    await operator.getByTestId('password').fill(ADMIN.password);
    await operator.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await operator.getByTestId('sign-in').click();
    await operator.getByTestId('ledger-page').waitFor();
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  for (const [lang, width] of [
    ['zh', 375],
    ['en', 320],
  ] as const) {
    it(`answers a player's feedback into their inbox (${lang}, ${width} px)`, async () => {
      const context = await browser.newContext({
        ...PHONE_CONTEXT,
        viewport: { width, height: 700 },
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(`${platform.url}/`);
      await page.getByTestId('sandbox-user').fill(`support-${lang}`);
      await page.getByTestId('login-sandbox').click();
      await page.getByTestId('accept-terms').click();
      await page.getByTestId('lobby-page').waitFor();
      const question = lang === 'zh' ? '充值什么时候到账？' : 'When does my deposit arrive?';
      await page.getByTestId('feedback-open').click();
      await page.getByTestId('feedback-text').fill(question);
      await page.getByTestId('feedback-send').click();
      await page.getByTestId('feedback-sent').waitFor();
      assert.equal(await page.getByTestId('inbox-badge').count(), 0, 'nothing unread yet');

      // The operator answers in the console.
      const answer = lang === 'zh' ? '一般几秒内到账，请刷新钱包。' : 'Usually within seconds; refresh your wallet.';
      await operator.goto(`${platform.url}/admin/#/support`);
      await operator.reload();
      await operator.getByTestId('support-page').waitFor();
      const thread = operator.getByTestId('support-thread').filter({ hasText: question });
      await thread.waitFor();
      assert.equal(await thread.getAttribute('data-status'), 'open');
      await thread.getByTestId('support-answer-text').fill(answer);
      await thread.getByTestId('support-answer-send').click();
      await operator.getByTestId('support-notice').waitFor();
      await operator.locator('[data-testid="support-thread"][data-status="answered"]').filter({ hasText: question }).waitFor();

      if (lang === 'zh') {
        // Daily hours with an escalation contact, saved through the settings (audited there).
        await operator.getByTestId('support-always-open').uncheck();
        await operator.getByTestId('support-opens-at').fill('09:00');
        await operator.getByTestId('support-closes-at').fill('22:00');
        await operator.getByTestId('support-escalation').fill('400-800-1234');
        await operator.getByTestId('support-hours-reason').fill('日间客服');
        await operator.getByTestId('support-hours-save').click();
        await operator.getByTestId('support-hours-saved').waitFor();
        const download = operator.waitForEvent('download');
        await operator.getByTestId('support-export-csv').click();
        const file = await download;
        assert.equal(file.suggestedFilename(), 'support-conversations.csv');
        await screenshot(operator, 'support/console-zh');
      }

      // The player: the badge in the lobby, the answer in the inbox, then nothing unread.
      await page.reload();
      await page.getByTestId('inbox-badge').waitFor();
      await screenshot(page, `support/${lang}-${width}-lobby`);
      await page.getByTestId('open-inbox').click();
      await page.getByTestId('inbox-page').waitFor();
      const item = page.locator('[data-testid="inbox-item"][data-kind="support_answer"]');
      assert.equal(await item.getByTestId('inbox-answer').innerText(), answer);
      assert.match(await item.innerText(), new RegExp(question.replace(/[?？]/g, '.')));
      const hours = await page.getByTestId('support-hours').innerText();
      assert.match(hours, lang === 'zh' ? /09:00–22:00/ : /09:00–22:00/);
      assert.match(await page.getByTestId('support-escalation').innerText(), /400-800-1234/);
      const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
      assert.ok(scroll <= width, `nothing wider than the screen (${scroll} px)`);
      await screenshot(page, `support/${lang}-${width}-inbox`);
      await page.getByTestId('inbox-back').click();
      await page.getByTestId('lobby-page').waitFor();
      await page.reload();
      await page.getByTestId('lobby-page').waitFor();
      await page.waitForLoadState('networkidle');
      assert.equal(await page.getByTestId('inbox-badge').count(), 0, 'read once opened');
      await context.close();
    });
  }
});

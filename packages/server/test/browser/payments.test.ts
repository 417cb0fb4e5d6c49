// Payment journeys through the real pages in headless Chromium, against the real platform process
// with its default WeChat Pay sandbox (its own loopback port, real clock): a player deposits 50 yuan
// through the sandbox's cashier and sees the balance; withdraws 20 yuan, confirms receipt on the
// sandbox's confirmation page and sees it complete; and an operator approves a withdrawal that the
// risk rules sent to review, after which the player confirms it too.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform, DESK_CONTEXT, PHONE_CONTEXT } from './harness.ts';

const ADMIN = { username: 'payadmin', password: 'payments journey admin', totpSecret: base32Encode(Buffer.from('payments-journey-totp')) };
/** Notifications and sweeps run on the real clock here (the sandbox delivers every second). */
const STEP_TIMEOUT_MS = 20_000;

describe('payment journeys in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let player: Page;
  let operator: Page;

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      // Withdrawals from 25 yuan wait for an operator.
      FAIRGROUND_WITHDRAWAL_REVIEW_FEN: '2500',
      FAIRGROUND_PAYMENTS_SWEEP_MS: '500',
    });
    browser = await launchBrowser();
    const phone = await browser.newContext(PHONE_CONTEXT);
    const desk = await browser.newContext(DESK_CONTEXT);
    player = await phone.newPage();
    operator = await desk.newPage();
    for (const page of [player, operator]) page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function confirmReceipt(page: Page, shot: string): Promise<void> {
    await page.getByTestId('withdraw-status').and(page.locator('[data-state="awaiting_confirmation"]')).waitFor();
    await page.getByTestId('confirm-receipt').click();
    // The sandbox's stand-in for WeChat's confirmation sheet.
    await page.locator('button[value="confirm"]').waitFor();
    await screenshot(page, shot);
    await page.locator('button[value="confirm"]').click();
    await page.getByTestId('withdraw-status').and(page.locator('[data-state="succeeded"]')).waitFor();
  }

  it('deposits 50 yuan through the cashier and sees the balance', async () => {
    const page = player;
    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill('payjourney');
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('open-wallet').click();
    await page.getByTestId('open-deposit').click();
    await page.getByTestId('deposit-page').waitFor();
    assert.match(await page.getByTestId('deposit-limits').innerText(), /¥1\.00/, 'the limits are shown before typing');
    await page.getByTestId('deposit-amount').fill('50');
    await screenshot(page, 'payments-1-deposit-form');
    await page.getByTestId('deposit-submit').click();

    // The sandbox cashier (WeChat Pay's H5 page outside WeChat).
    await page.locator('button[value="pay"]').waitFor();
    assert.match(await page.locator('.amount').innerText(), /50\.00/);
    await screenshot(page, 'payments-2-cashier');
    await page.locator('button[value="pay"]').click();

    await page.getByTestId('deposit-paid').waitFor();
    const balance = page.getByTestId('deposit-balance');
    await balance.waitFor();
    assert.equal(await balance.getAttribute('data-posted'), '5000');
    assert.match(await balance.innerText(), /¥50\.00/);
    await screenshot(page, 'payments-3-deposit-paid');
    await page.goto(`${platform.url}/#/wallet`);
    await page.getByTestId('balance-CNY').getByText('¥50.00').waitFor();
  });

  it('withdraws 20 yuan, confirms receipt, and sees it complete', async () => {
    const page = player;
    await page.getByTestId('open-withdraw').click();
    const limits = page.getByTestId('withdraw-limits');
    await limits.waitFor();
    assert.equal(await limits.getAttribute('data-max-now'), '5000', 'what can be withdrawn is shown before typing');
    await page.getByTestId('withdraw-amount').fill('20');
    await page.getByTestId('withdraw-submit').click();
    await confirmReceipt(page, 'payments-4-confirm-receipt');
    await screenshot(page, 'payments-5-withdrawn');
    await page.goto(`${platform.url}/#/wallet`);
    await page.getByTestId('balance-CNY').getByText('¥30.00').waitFor();
    await page.getByTestId('open-payments').click();
    await page.getByTestId('payments-history').locator('li[data-state="succeeded"]').waitFor();
  });

  it('an operator approves a withdrawal waiting for review, and the player receives it', async () => {
    await player.goto(`${platform.url}/#/withdraw`);
    await player.getByTestId('withdraw-limits').waitFor();
    await player.getByTestId('withdraw-amount').fill('25');
    await player.getByTestId('withdraw-submit').click();
    await player.getByTestId('withdraw-status').and(player.locator('[data-state="review"]')).waitFor();
    await screenshot(player, 'payments-6-in-review');

    const page = operator;
    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();
    await page.getByTestId('nav-reviews').click();
    await page.getByTestId('reviews-page').waitFor();
    const row = page.locator('tr[data-testid^="review-W"]');
    await row.waitFor();
    assert.match(await row.innerText(), /¥25\.00/);
    await screenshot(page, 'payments-7-review-queue');
    await row.locator('button[data-testid^="approve-"]').click();
    await page.getByTestId('review-done').waitFor();
    await screenshot(page, 'payments-8-approved');

    await confirmReceipt(player, 'payments-9-confirm-approved');
    await player.goto(`${platform.url}/#/wallet`);
    await player.getByTestId('balance-CNY').getByText('¥5.00').waitFor();

    // Finance sees the day so far (reconciliation of a finished day needs the next morning's bills).
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('reconciliation-page').waitFor();
  });

  it('a player’s own ¥10 limit: open orders count, and money paid over it comes back as 超限退款 — seen by the player and by finance', async () => {
    const phone = await browser.newContext(PHONE_CONTEXT);
    const page = await phone.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill('overlimit');
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();

    // Two ¥10 orders opened (their cashier pages left unpaid) before the player sets a limit.
    const cashiers: string[] = [];
    for (let i = 0; i < 2; i++) {
      await page.goto(`${platform.url}/#/deposit`);
      await page.getByTestId('deposit-amount').fill('10');
      await page.getByTestId('deposit-submit').click();
      await page.locator('button[value="pay"]').waitFor();
      cashiers.push(page.url());
    }
    await page.goto(`${platform.url}/#/responsible`);
    await page.getByTestId('limit-day').fill('10');
    await page.getByTestId('save-limits').click();
    await page.getByTestId('limits-in-force').getByText('¥10.00').waitFor();

    // The deposit page shows the player's own limit and what it leaves (nothing: the open orders
    // count), and a third order is stopped before anything is sent, in words, without a code.
    await page.goto(`${platform.url}/#/deposit`);
    const own = page.getByTestId('deposit-own-limit');
    await own.waitFor();
    assert.match(await own.innerText(), /你自己设定的充值限额为 ¥10\.00，已用 ¥20\.00/);
    assert.equal(await own.getAttribute('data-left'), '0');
    await page.getByTestId('deposit-amount').fill('10');
    const refused = page.getByTestId('deposit-amount-problem');
    await refused.waitFor();
    assert.match(await refused.innerText(), /现在不能再充值：超出你自己设置的充值限额/);
    assert.doesNotMatch(await refused.innerText(), /[A-Z]+_[A-Z_]+/);
    assert.equal(await page.getByTestId('deposit-submit').isDisabled(), true, 'nothing is sent');
    await screenshot(page, 'payments-10-limit-refuses-order');

    // Both earlier orders are paid: the first fits, the second is over the limit and comes back.
    await page.goto(cashiers[0]!);
    await page.locator('button[value="pay"]').click();
    await page.getByTestId('deposit-paid').waitFor();
    await page.goto(cashiers[1]!);
    await page.locator('button[value="pay"]').click();
    const over = page.getByTestId('deposit-over-limit');
    await over.waitFor();
    assert.equal(await over.getAttribute('data-code'), 'SELF_DEPOSIT_LIMIT');
    assert.match(await over.innerText(), /超限退款/);
    await screenshot(page, 'payments-11-over-limit-refunded');

    await page.goto(`${platform.url}/#/wallet`);
    const refundItem = page.locator('[data-testid="history-item"][data-code="refund"][data-tag="over_limit"]').first();
    await refundItem.waitFor();
    assert.match(await refundItem.innerText(), /超限退款/);
    await page.getByTestId('balance-CNY').getByText('¥10.00').waitFor();
    await screenshot(page, 'payments-12-wallet-over-limit');
    await page.getByTestId('open-payments').click();
    const row = page.locator('li[data-state="over_limit"]');
    await row.waitFor();
    assert.match(await row.innerText(), /超限退款/);
    await page.getByTestId('lang-toggle').click();
    await row.getByText('Refunded: over your limit').waitFor();
    await page.goto(`${platform.url}/#/wallet`);
    await page.locator('[data-testid="history-item"][data-tag="over_limit"]').getByText('Refunded: over your limit').first().waitFor();
    await screenshot(page, 'payments-13-wallet-over-limit-en');
    await phone.close();

    // Finance sees the deposit and its automatic refund in the console, in both languages.
    const desk = operator;
    await desk.getByTestId('nav-refunds').click();
    await desk.getByTestId('refunds-page').waitFor();
    const overRow = desk.locator('tr[data-over-limit="SELF_DEPOSIT_LIMIT"]');
    await overRow.waitFor();
    assert.match(await overRow.innerText(), /超限退款/);
    await overRow.locator('a[data-testid^="deposit-D"]').click();
    await desk.getByTestId('over-limit').waitFor();
    assert.match(await desk.getByTestId('over-limit').innerText(), /超限退款/);
    const refundRow = desk.locator('tr[data-cause="over_limit"]');
    await refundRow.waitFor();
    assert.match(await refundRow.innerText(), /超限退款（系统自动）/);
    await screenshot(desk, 'payments-14-console-over-limit');
    await desk.getByTestId('lang-toggle').click();
    await refundRow.getByText('Over-limit refund (automatic)').waitFor();
    await desk.getByTestId('lang-toggle').click();
  });

  it('reconciling a day older than WeChat Pay keeps bills says so in the console, in both languages', async () => {
    const page = operator;
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('reconciliation-page').waitFor();
    const old = new Date(Date.now() + 8 * 3600_000 - 120 * 86_400_000).toISOString().slice(0, 10);
    await page.getByTestId('bill-date').fill(old);
    await page.getByTestId('run-reconciliation').click();
    const error = page.getByTestId('reconciliation-error');
    await error.waitFor();
    assert.match(await error.innerText(), /微信支付只保留三个月内的账单/);
    assert.doesNotMatch(await error.innerText(), /[A-Z]+_[A-Z_]+/, 'in words, without the code');
    await screenshot(page, 'payments-15-bill-too-old');
    await page.getByTestId('lang-toggle').click();
    await page.getByTestId('run-reconciliation').click();
    await error.getByText(/keeps bills for three months only/).waitFor();
    await page.getByTestId('lang-toggle').click();
  });
});

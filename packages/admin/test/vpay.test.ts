// The console's virtual-payment journey in headless Chromium, against an in-process platform on a
// manual clock with WeChat sign-in and virtual payment bound to the weixin sandbox: a finance
// operator refunds a delivered room-card order (reason required; the cards come back, WeChat
// refunds), is told in words why an order whose cards are spent cannot be refunded, and downloads
// the previous day's virtual-payment bill, whose mismatch (paid, cards not credited) is listed by
// kind beside WeChat Pay's reconciliation, with WeChat's fee booked in the ledger. 375 px in
// Chinese, 320 px in English.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildClients, launchBrowser, screenshot } from '../../server/test/browser/harness.ts';
import { playerAccount, systemAccount } from '../../server/src/ledger/index.ts';
import { sqliteBackend } from '../../server/src/adapters/testing.ts';
import type { OperatorLogin } from '../../server/test/helpers/platform.ts';
import { startVpayWorld, type VpayWorld } from '../../server/test/wechat/vpay-world.ts';

const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

describe('virtual-payment refunds and bills in the console', () => {
  let w: VpayWorld;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let op: OperatorLogin;
  let refundable: string;
  let spent: string;
  let undelivered: string;
  let day: string;
  let playerId: string;

  before(async () => {
    buildClients();
    w = await startVpayWorld(sqliteBackend, { serveClients: true });
    browser = await launchBrowser();
    op = await w.t.createOperator(['finance']);
    // Day D: two delivered orders for one player (the second's cards partly spent), and a paid
    // order of another player whose push is lost and never queried.
    const p = await w.player('vpc-buyer');
    playerId = p.playerId;
    refundable = await w.delivered(p, 3);
    spent = await w.delivered(p, 2);
    await w.t.store.unitOfWork((tx) =>
      w.t.platform.ledger.transfer(tx, {
        scope: 'test.spend',
        key: spent,
        debit: playerAccount(p.playerId, 'ROOM_CARD'),
        credit: systemAccount('room_card_issuance', 'ROOM_CARD'),
        asset: 'ROOM_CARD',
        amount: 1,
        code: 'room_card_consume',
      }),
    );
    undelivered = await w.delivered(await w.player('vpc-other'), 1, { dropPush: true });
    day = new Date(w.t.clock.nowMs() + 8 * 3600_000).toISOString().slice(0, 10);
    // The next day: the bill of day D is published.
    w.t.clock.advanceMs(24 * 3600_000);
  });

  after(async () => {
    await browser?.close();
    await w?.close();
  });

  async function signIn(device: typeof SMALL | typeof NARROW): Promise<void> {
    await context?.close();
    context = await browser.newContext({ ...device });
    await context.addInitScript((l) => localStorage.setItem('fg.lang', l), device.locale === 'zh-CN' ? 'zh' : 'en');
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    w.t.clock.advanceMs(30_000);
    await page.goto(`${w.url}/admin/`);
    await page.getByTestId('username').fill(op.username);
    await page.getByTestId('password').fill(op.password);
    await page.getByTestId('totp').fill(w.t.totpNow(op.totpSecret));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();
    await page.getByTestId('nav-reconciliation').click();
    await page.getByTestId('reconciliation-page').waitFor();
    await page.getByTestId('vpay-reconciliation').waitFor();
  }
  const row = (outTradeNo: string) => page.locator('tr[data-testid="vpay-order"]', { hasText: outTradeNo });
  const cards = async () => (await w.t.platform.ledger.balances('player', playerId)).find((b) => b.asset === 'ROOM_CARD')?.postedFen;

  it('refunds a delivered order with a reason: the cards come back, WeChat refunds it', async () => {
    await signIn(SMALL);
    await row(refundable).getByTestId('vpay-refund-open').click();
    await page.getByTestId('vpay-refund-reason').fill('买错了，玩家申请退款');
    await screenshot(page, 'console-375-vpay-refund-form');
    await page.getByTestId('vpay-refund-submit').click();
    await page.getByTestId('vpay-refund-done').waitFor();
    await page.locator(`tr[data-testid="vpay-order"][data-refund="refunded"]`, { hasText: refundable }).waitFor();
    assert.equal(await cards(), 5 - 3 - 1, 'the three cards were taken back');
    assert.equal(w.sandbox.vpay.order(refundable)?.status, 5);
    await page
      .getByTestId('vpay-refunded')
      .getByText(/1 笔 · 3 张房卡/)
      .waitFor();
    await screenshot(page, 'console-375-vpay-refunded');
  });

  it('says in words why an order whose cards are spent is not refunded, and changes nothing', async () => {
    await row(spent).getByTestId('vpay-refund-open').click();
    await page.getByTestId('vpay-refund-reason').fill('玩家要求退款');
    await page.getByTestId('vpay-refund-submit').click();
    const error = page.getByTestId('vpay-error');
    await error.waitFor();
    assert.match(await error.innerText(), /房卡/);
    assert.doesNotMatch(await error.innerText(), /VPAY_/);
    assert.equal(await cards(), 1);
    assert.equal(w.sandbox.vpay.order(spent)?.status, 4, 'WeChat was not asked');
    await screenshot(page, 'console-375-vpay-refund-spent');
  });

  it('reconciles the day’s bill: the paid order whose cards never came is listed by kind, the fee booked', async () => {
    const feesBefore = (await w.t.platform.ledger.balances('system', 'provider_fees')).find((b) => b.asset === 'CNY')?.postedFen ?? 0;
    await page.getByTestId('vpay-bill-date').fill(day);
    await page.getByTestId('vpay-bill-run').click();
    const bill = page.locator(`[data-testid="vpay-bill"][data-date="${day}"]`);
    await bill.waitFor();
    assert.equal(await bill.getAttribute('data-mismatches'), '1');
    const mismatch = bill.locator('[data-testid="vpay-mismatch"][data-kind="not_delivered"]', { hasText: undelivered });
    await mismatch.waitFor();
    assert.match(await mismatch.innerText(), /已支付但未发放房卡/);
    const fee = w.sandbox.vpay.billLines(SANDBOX_MINIGAME_APPID, day.replaceAll('-', '')).reduce((s, l) => s + l.feeFen, 0);
    assert.ok(fee > 0);
    const feesAfter = (await w.t.platform.ledger.balances('system', 'provider_fees')).find((b) => b.asset === 'CNY')?.postedFen ?? 0;
    assert.equal(feesBefore - feesAfter, fee);
    assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    await bill.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-375-vpay-bill');
  });

  it('shows the same at 320 px in English', async () => {
    await signIn(NARROW);
    const bill = page.locator(`[data-testid="vpay-bill"][data-date="${day}"]`);
    await bill.waitFor();
    assert.match(await bill.locator('[data-testid="vpay-mismatch"]').innerText(), /Paid, cards not credited/);
    await page.locator(`tr[data-testid="vpay-order"][data-refund="refunded"]`).first().waitFor();
    await bill.scrollIntoViewIfNeeded();
    await screenshot(page, 'console-320-vpay-bill');
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `the page is ${overflow} px wider than the screen`);
  });
});

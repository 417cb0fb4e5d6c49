// A payment whose delivery push never comes and whose first order check finds WeChat not
// answering, in headless Chromium through the browser host's wx adapter: the game shows the
// payment as being confirmed, and the platform's query job (on the test's manual clock, moved
// past the query window rather than waited for) settles it; the cards are there when the player
// looks again, and the ledger check passes. The platform runs in this process so its clock can be moved.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { buildClients, launchBrowser, screenshot } from '../../server/test/browser/harness.ts';
import { startVpayWorld, type VpayWorld } from '../../server/test/wechat/vpay-world.ts';
import { sqliteBackend } from '../../server/src/adapters/testing.ts';
import { VPAY_QUERY_AFTER_MS } from '../../server/src/vpay/service.ts';
import { Driver } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;

describe('a mini-game payment settled by the query job when neither push nor check confirms it', () => {
  let w: VpayWorld;
  let host: Host;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  let d: Driver;

  before(async () => {
    buildClients();
    w = await startVpayWorld(sqliteBackend);
    host = await startHost(w.url, { weixinSandboxUrl: w.sandbox.baseUrl });
    browser = await launchBrowser();
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await w?.close();
  });

  async function open(user: string): Promise<void> {
    await context?.close();
    context = await browser.newContext({ ...SMALL });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    await page.goto(`${host.url}/host/?user=${user}&nick=${user}&appid=${SANDBOX_MINIGAME_APPID}`);
    await page.locator('body[data-game="loaded"]').waitFor();
    d = await Driver.attach(page);
    await d.tap('agree');
    await d.tap('login');
    await d.scene('lobby');
  }

  it('shows the payment as being confirmed, then the query job credits the cards once', async () => {
    await open('vpjob');
    await d.waitFor('0 cards', (s) => s.scene === 'lobby' && s.state.cards === 0);
    // Paid at the sheet, the push lost, and WeChat's order query failing when the game checks.
    w.sandbox.faults.inject({ endpoint: 'POST /xpay/query_order', kind: 'weixin-errcode', errcode: -1, count: 1 });
    await d.read(`(__wxHost.payment = ${JSON.stringify({ outcome: 'paid', dropPush: true })}, 0)`);
    const ended = (await d.snapshot()).state.purchasesEnded as number;
    await d.tap('buy-cards');
    const outcome = await d.waitFor('the purchase to end', (s) =>
      (s.state.purchasesEnded as number) > ended ? (s.state.lastPurchase as string) : null,
    );
    assert.equal(outcome, 'pending');
    await d.region('toast');
    await screenshot(page, 'minigame-375-vpay-pending');
    const outTradeNo = ((await d.read<{ outTradeNo: string }[]>('__wxHost.payments')).at(-1) as { outTradeNo: string }).outTradeNo;
    assert.equal(w.sandbox.vpay.pushes(outTradeNo).length, 0, 'no push came');
    assert.equal((await d.snapshot()).state.cards, 0);

    // The query window passes on the platform's clock; its jobs run.
    w.t.clock.advanceMs(VPAY_QUERY_AFTER_MS + 1000);
    await w.t.platform.jobs.runDue();
    const rows = await w.t.store.reader.query<{ status: string; settled_by: string; pushes: unknown }>(
      'SELECT status, settled_by, pushes FROM vpay_orders WHERE out_trade_no = ?',
      [outTradeNo],
    );
    assert.deepEqual({ ...rows[0], pushes: Number(rows[0]?.pushes) }, { status: 'delivered', settled_by: 'query', pushes: 0 });

    // The player looks again: the cards are there, once.
    await open('vpjob');
    await d.waitFor('5 cards', (s) => s.scene === 'lobby' && s.state.cards === 5);
    await screenshot(page, 'minigame-375-vpay-by-query-job');
    w.t.clock.advanceMs(VPAY_QUERY_AFTER_MS + 1000);
    await w.t.platform.jobs.runDue();
    assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    const cards = await w.t.store.reader.query<{ n: unknown }>(
      "SELECT COUNT(*) AS n FROM room_orders WHERE kind = 'card_purchase' AND request_key = ?",
      [`vpay:${outTradeNo}`],
    );
    assert.equal(Number(cards[0]?.n), 1, 'credited once');
  });
});

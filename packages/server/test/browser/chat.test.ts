// Table chat in headless Chromium against the real platform: two players at one table (a 320-px
// phone in Chinese, a 375-px phone in English) send a quick phrase and an emoji, see them as
// bubbles over the sender's seat and in the log; typing is off for these H5-only players and the
// page says why; the second player reports the first one's message; in the console the report is
// in the chat review queue with the conversation around it, and upholding it restricts the
// sender's chat, which the sender's table then says in words. Screenshots at 320 and 375 px in
// both languages. Last, the second player leaves the table from its page. No page logs an error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { base32Encode } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { api, operatorTokens, type Person, signedInPerson, STEP_TIMEOUT_MS, tableOfTwo } from './table-pair.ts';

const ADMIN = {
  username: 'chatadmin',
  password: 'chat journey admin password',
  totpSecret: base32Encode(Buffer.from('chat-journey-totp!!!')),
};

describe('chat at the table', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let alice: Person;
  let bob: Person;
  let opTokens: Record<string, unknown>;
  let roomId = '';
  let reportedId = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    opTokens = await operatorTokens(platform, ADMIN);
    const make = (name: string, width: number, lang: 'zh' | 'en', ip: string): Promise<Person> =>
      signedInPerson(browser, platform, { name, width, lang, ip });
    alice = await make('chatalice', 320, 'zh', '203.0.113.51');
    bob = await make('chatbob', 375, 'en', '203.0.113.52');
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('two players send a quick phrase and an emoji; each appears over the sender’s seat and in the log, and typing is off with the reason', async () => {
    roomId = await tableOfTwo(platform, String(opTokens.accessToken), alice, bob, { journey: 'chat', params: {} });
    const seatOf = async (viewer: Person, player: Person) =>
      viewer.page.locator(`[data-testid^="seat-"][data-player="${player.id}"]`).getAttribute('data-testid');

    await alice.page.getByTestId('chat-toggle').click();
    await alice.page.getByTestId('chat-picker').waitFor();
    const off = alice.page.getByTestId('chat-typing-off');
    assert.match(await off.innerText(), /不能自由输入/);
    assert.equal(await alice.page.getByTestId('chat-text').count(), 0, 'no text box for an H5-only player');
    await screenshot(alice.page, 'chat-1-picker-320-zh');
    await alice.page.getByTestId('chat-phrase-nice').click();

    const aliceSeat = await seatOf(bob, alice);
    const bubble = bob.page.getByTestId(`chat-bubble-${String(aliceSeat).replace('seat-', '')}`);
    assert.equal((await bubble.innerText()).trim(), 'Nice hand!', 'bob reads the phrase in English over alice’s seat');
    await bob.page.getByTestId('chat-toggle').click();
    await bob.page.getByTestId('chat-picker').waitFor();
    await bob.page.getByTestId('chat-emoji-2').click();
    const bobSeat = await seatOf(alice, bob);
    await alice.page.getByTestId(`chat-bubble-${String(bobSeat).replace('seat-', '')}`).waitFor();
    assert.equal((await alice.page.getByTestId(`chat-bubble-${String(bobSeat).replace('seat-', '')}`).innerText()).trim(), '👍');
    await screenshot(bob.page, 'chat-2-bubbles-375-en');
    await screenshot(alice.page, 'chat-2-bubbles-320-zh');
    const line = bob.page.locator(`[data-testid="chat-line"][data-player="${alice.id}"]`).first();
    assert.match(await line.innerText(), /Nice hand!/);
    reportedId = String(await line.getAttribute('data-message'));
  });

  it('bob reports alice’s message and is told it was reported', async () => {
    await bob.page.getByTestId(`chat-report-${reportedId}`).click();
    await bob.page.getByTestId('chat-report-reasons').waitFor();
    await screenshot(bob.page, 'chat-3-report-375-en');
    await bob.page.getByTestId('chat-report-reason-abuse').click();
    assert.match(await bob.page.getByTestId('chat-notice').innerText(), /Reported/);
  });

  it('the console’s chat review queue shows the report with the conversation; upholding it restricts alice’s chat', async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(`${platform.url}/admin/`);
    await page.evaluate((t) => localStorage.setItem('fg.operator.tokens', t), JSON.stringify(opTokens));
    await page.goto(`${platform.url}/admin/#/chat-reports`);
    await page.reload();
    await page.getByTestId('chat-reports-page').waitFor();
    const report = page.locator(`[data-testid="chat-report"][data-sender="${alice.id}"]`);
    await report.waitFor();
    const context_ = report.getByTestId('chat-report-context');
    assert.match(await context_.innerText(), /好牌！/);
    assert.equal(await report.locator('[data-reported="true"]').count(), 1);
    assert.match(await report.innerText(), /abuse/);
    await screenshot(page, 'chat-4-console-queue-1280-zh');
    await report.getByTestId('chat-report-note').fill('提醒后仍然刷屏');
    await report.getByTestId('chat-report-uphold').click();
    await report.waitFor({ state: 'detached' });
    await page.getByTestId('chat-reports-upheld').click();
    await page.locator(`[data-testid="chat-report"][data-sender="${alice.id}"][data-status="upheld"]`).waitFor();
    // The room's chat beside its hands.
    await page.goto(`${platform.url}/admin/#/rooms/${roomId}`);
    await page.getByTestId('room-chat-line').nth(1).waitFor();
    assert.equal(await page.getByTestId('room-chat-line').count(), 2);
    await screenshot(page, 'chat-5-console-room-1280-zh');
    // The operator edits a quick phrase; the players' picker offers the new words.
    await page.goto(`${platform.url}/admin/#/settings/chat`);
    await page.getByTestId('setting-chat').waitFor();
    await page.getByTestId('chat-phrase-zh-0').fill('各位好，祝大家好运！');
    await page.getByTestId('setting-save').click();
    await page.getByTestId('settings-saved').waitFor();
    await screenshot(page, 'chat-6-console-phrases-1280-zh');
    const offer = await api(platform.url, bob.token, 'GET', '/api/chat/offer');
    assert.equal((offer.phrases as { id: string; zh: string }[]).find((p) => p.id === 'hello')?.zh, '各位好，祝大家好运！');
    assert.deepEqual(errors, []);
    await context.close();

    await alice.page.getByTestId('chat-phrase-hello').click();
    assert.match(await alice.page.getByTestId('chat-error').innerText(), /聊天功能暂时受限/);
  });

  it('fits 320 and 375 px in both languages, and no page logged an error', async () => {
    for (const [p, width] of [
      [alice, 375],
      [bob, 320],
    ] as const) {
      await p.page.setViewportSize({ width, height: 740 });
      const box = await p.page.getByTestId('table-chat').boundingBox();
      assert.ok(box && box.x >= 0 && box.x + box.width <= width + 0.5, `the chat fits ${width} px for ${p.name}`);
      const overflow = await p.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `no sideways scrolling at ${width} px for ${p.name}`);
      await screenshot(p.page, `chat-7-${width}-${p.lang}`);
    }
    // A reloaded table shows what was said before.
    await bob.page.reload();
    await bob.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    await bob.page.getByTestId('chat-toggle').click();
    await bob.page.locator('[data-testid="chat-line"]').nth(1).waitFor();
    assert.match(await bob.page.getByTestId('chat-log').innerText(), /Nice hand!/);
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });

  it('bob leaves the table as soon as it opens again: his page says so, and his seat is free on alice’s', async () => {
    await bob.page.reload();
    await bob.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    await bob.page.getByTestId('leave-room').click();
    await bob.page.locator('[data-testid="table-page"][data-closed="ROOM_LEFT"]').waitFor();
    assert.equal(await bob.page.getByTestId('table-closed').innerText(), 'You left the room');
    await alice.page.locator(`[data-testid^="seat-"][data-player="${bob.id}"]`).waitFor({ state: 'detached' });
    await screenshot(bob.page, 'chat-8-left-320-en');
    assert.deepEqual([...alice.errors, ...bob.errors], []);
  });
});

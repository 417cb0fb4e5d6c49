// The wallet history a player reads after money moved three ways, in headless Chromium against the
// real platform on a 375-px phone in Chinese: a room paid in cash and dissolved before it started
// (its fee held, then returned: one line), and a withdrawal confirmed through the WeChat Pay
// sandbox (held, then paid out: one line). Each line says its state in words, the running balance
// agrees with the lines, nothing on the page is code-shaped, and no page logs a console error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { inspect } from './inspect.ts';

const ADMIN = {
  username: 'walletadmin',
  password: 'wallet journey admin password',
  totpSecret: base32Encode(Buffer.from('wallet-journey-totp!')),
};
/** Withdrawals run on the real clock here (the sandbox delivers every second). */
const STEP_TIMEOUT_MS = 20_000;
const START_FEN = 10_000;

interface Row {
  readonly code: string;
  readonly state: string;
  readonly asset: string;
  readonly effect: number;
  readonly balance: number;
  readonly text: string;
}

async function walletRows(page: Page): Promise<Row[]> {
  const lines = page.getByTestId('history-item');
  await lines.first().waitFor();
  return lines.evaluateAll((els) =>
    els.map((e) => ({
      code: e.getAttribute('data-code') ?? '',
      state: e.getAttribute('data-state') ?? '',
      asset: e.getAttribute('data-asset') ?? '',
      effect: Number(e.getAttribute('data-effect')),
      balance: Number(e.getAttribute('data-balance')),
      text: (e as HTMLElement).innerText,
    })),
  );
}

/** Newest first: each cash line moves the balance by its own amount, and the newest ends at today's balance. */
async function assertRunningBalance(page: Page, rows: readonly Row[]): Promise<void> {
  const cash = rows.filter((r) => r.asset === 'CNY');
  assert.equal(
    cash[0]?.balance,
    Number(await page.getByTestId('balance-CNY').getAttribute('data-posted')),
    'the newest line ends at the balance',
  );
  for (let i = 0; i + 1 < cash.length; i++) {
    assert.equal(cash[i + 1]!.balance + cash[i]!.effect, cash[i]!.balance, `line ${i} moves the balance by its own amount`);
  }
}

describe('the wallet history after a dissolved room and a withdrawal', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  let token = '';
  const errors: string[] = [];

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_PAYMENTS_SWEEP_MS: '500',
    });
    browser = await launchBrowser();
    const context = await browser.newContext({
      viewport: { width: 375, height: 740 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    page.on('console', (m) => {
      // The platform's own pages only: the sandbox's cashier stands in for WeChat's page, a peer of ours.
      if (m.type() === 'error' && m.location().url.startsWith(platform.url)) errors.push(`${m.text()} ${m.location().url}`);
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => void d.accept());

    await page.goto(`${platform.url}/`);
    await page.getByTestId('sandbox-user').fill('walletreader');
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    token = await page.evaluate(
      () => (JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string }).accessToken,
    );
    const me = (await (await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string };
    const login = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    const op = ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    const adjusted = await fetch(`${platform.url}/api/admin/players/${me.id}/adjustments`, {
      method: 'POST',
      headers: { authorization: `Bearer ${op}`, 'content-type': 'application/json' },
      body: JSON.stringify({
        asset: 'CNY',
        amountFen: START_FEN,
        reason: 'wallet journey: starting balance',
        idempotencyKey: `wallet-${me.id}`,
      }),
    });
    assert.equal(adjusted.status, 201, await adjusted.text());
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a cash room fee is held at creation and returned when the owner dissolves the room before it starts: one line', async () => {
    const call = async (path: string, body: unknown) => {
      const r = await fetch(`${platform.url}${path}`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
      const json = (await r.json()) as Record<string, unknown>;
      assert.ok(r.ok, `${path}: ${JSON.stringify(json)}`);
      return json;
    };
    const body = { params: { mode: 'classic' }, fee: { mode: 'cash', payer: 'owner' } };
    const quote = (await call('/api/rooms/quote', body)) as { fee: { owner: unknown } };
    const created = await call('/api/rooms', { ...body, expectedFee: quote.fee.owner });
    const roomId = String(created.roomId);

    await page.goto(`${platform.url}/#/wallet`);
    let rows = await walletRows(page);
    const held = rows.find((r) => r.code === 'room_fee');
    assert.ok(held, 'the fee is in the history');
    assert.equal(held.state, 'held');
    assert.match(held.text, /房费/);
    assert.match(held.text, /冻结中/);
    await screenshot(page, 'wallet/1-room-fee-held-375');

    await page.goto(`${platform.url}/#/room/${roomId}`);
    await page.getByTestId('dissolve-button').click();
    await page.getByTestId('room-ended').waitFor();
    assert.match(await page.getByTestId('room-ended').innerText(), /解散/);

    await page.goto(`${platform.url}/#/wallet`);
    await page.locator('[data-testid="history-item"][data-code="room_fee"][data-state="returned"]').waitFor();
    rows = await walletRows(page);
    const fees = rows.filter((r) => r.code === 'room_fee' || r.code === 'commission');
    assert.equal(fees.length, 1, 'the hold and its return are one line');
    assert.equal(fees[0]?.effect, 0, 'nothing was taken');
    assert.match(fees[0]?.text ?? '', /已退回/);
    assert.equal(Number(await page.getByTestId('balance-CNY').getAttribute('data-available')), START_FEN, 'all of it is back');
    await assertRunningBalance(page, rows);
    await screenshot(page, 'wallet/2-room-fee-returned-375');
  });

  it('a withdrawal is held, paid out after the player confirms receipt, and reads as one paid line', async () => {
    await page.goto(`${platform.url}/#/withdraw`);
    await page.getByTestId('withdraw-limits').waitFor();
    // A typed amount over what can leave is stopped before it is sent.
    await page.getByTestId('withdraw-amount').fill('100000');
    await page.getByTestId('withdraw-amount-problem').waitFor();
    assert.equal(await page.getByTestId('withdraw-submit').isDisabled(), true);
    await page.getByTestId('withdraw-amount').fill('20');
    await page.getByTestId('withdraw-submit').click();
    await page.getByTestId('withdraw-status').and(page.locator('[data-state="awaiting_confirmation"]')).waitFor();
    await page.getByTestId('confirm-receipt').click();
    await page.locator('button[value="confirm"]').click();
    await page.getByTestId('withdraw-status').and(page.locator('[data-state="succeeded"]')).waitFor();

    await page.goto(`${platform.url}/#/wallet`);
    await page.locator('[data-testid="history-item"][data-code="withdrawal"][data-state="paid"]').waitFor();
    const rows = await walletRows(page);
    const withdrawals = rows.filter((r) => r.code === 'withdrawal');
    assert.equal(withdrawals.length, 1, 'the hold and its payout are one line');
    assert.equal(withdrawals[0]?.effect, -2000);
    assert.match(withdrawals[0]?.text ?? '', /提现/);
    assert.match(withdrawals[0]?.text ?? '', /已完成/);
    assert.equal(Number(await page.getByTestId('balance-CNY').getAttribute('data-posted')), START_FEN - 2000);
    await assertRunningBalance(page, rows);
    assert.deepEqual(await inspect(page, 'zh', []), [], 'the wallet page reads in Chinese, without codes, at 375 px');
    await screenshot(page, 'wallet/3-withdrawn-375');
  });

  it('logged no console error on any page', () => {
    // The browser logs refused API calls the pages then explain; none are expected here at all.
    assert.deepEqual(errors, []);
  });
});

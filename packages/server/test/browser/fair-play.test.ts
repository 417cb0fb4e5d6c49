// The console's fair-play page in headless Chromium at 375 px, against the real platform process:
// two accounts signed in from one phone (and a third on another phone behind the same address)
// through the sign-in API; the operator reads the linked-account rule, finds the two linked by
// their device — the third shown only as a weak address match — and reads the policy's room
// actions with their evidence, in Chinese and in English. The room action is written into the
// platform's database as the `risk.hands` job writes it (playing a colluding room to its
// dissolution is the API test's work: test/rooms/fair-play.test.ts).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DatabaseSync } from 'node:sqlite';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'fairadmin',
  password: 'fair play journey password',
  totpSecret: base32Encode(Buffer.from('fair-play-totp-key!!')),
};
const STEP_TIMEOUT_MS = 15_000;
const NARROW = { viewport: { width: 375, height: 812 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' };

describe('fair-play console journey', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let page: Page;
  const dataDir = mkdtempSync(join(tmpdir(), 'fg-fairplay-'));
  const dbPath = join(dataDir, 'fairground.db');

  before(async () => {
    buildClients();
    platform = await startPlatform({
      DATABASE_URL: `sqlite:${dbPath}`,
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    page = await (await browser.newContext(NARROW)).newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function signIn(handle: string, device: string): Promise<string> {
    const r = await fetch(`${platform.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle, device }),
    });
    assert.equal(r.status, 200, await r.clone().text());
    return ((await r.json()) as { player: { id: string } }).player.id;
  }

  it('shows the linked-account rule, a linked pair with its evidence and the room actions, at 375 px in Chinese and English', async () => {
    const main = await signIn('fpjmain', 'journey-phone-0001');
    const second = await signIn('fpjsecond', 'journey-phone-0001');
    const neighbour = await signIn('fpjneighbour', 'journey-phone-0002');
    // What the risk.hands job writes when it dissolves a room of a soft-playing pair.
    const db = new DatabaseSync(dbPath);
    db.exec('PRAGMA busy_timeout = 5000');
    db.prepare(
      `INSERT INTO risk_room_actions (room_id, action, reason, evidence, status, attempts, last_error, created_at_ms, updated_at_ms)
       VALUES (?, 'dissolve', 'soft_play', ?, 'done', 1, NULL, ?, ?)`,
    ).run(
      'room_journey_fairplay',
      JSON.stringify({ pair: [main, second], hands: 14, avoidancePermille: 0, oneWayPermille: 910 }),
      Date.now(),
      Date.now(),
    );
    db.close();

    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();

    await page.getByTestId('nav-fair-play').click();
    await page.getByTestId('fair-play-page').waitFor();
    assert.match(await page.getByTestId('linked-rule').innerText(), /仅凭地址不会关联账号/);
    const action = page.locator('[data-testid="room-action"][data-room="room_journey_fairplay"]');
    await action.waitFor();
    assert.equal(await action.getAttribute('data-status'), 'done');
    const actionText = await action.innerText();
    assert.match(actionText, /软打/);
    assert.match(actionText, /同桌 14 局/);
    assert.ok(actionText.includes(main) && actionText.includes(second), 'the pair is named');

    await page.getByTestId('links-player').fill(main);
    await page.getByTestId('links-lookup').click();
    await page.locator('[data-testid="links-result"][data-group="1"]').waitFor();
    assert.equal(await page.getByTestId('links-member').innerText(), second);
    const device = page.locator('[data-testid="links-evidence"][data-kind="device"]');
    assert.equal(await device.getAttribute('data-strong'), 'true');
    assert.match(await device.innerText(), new RegExp(second));
    const weak = page.locator('[data-testid="links-evidence"][data-kind="address"]').filter({ hasText: neighbour });
    assert.equal(await weak.getAttribute('data-strong'), 'false', 'the neighbour behind the same address is evidence, not a link');
    // Nothing sticks out of a 375 px screen.
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 1, `page overflows by ${overflow} px`);
    await screenshot(page, 'fair-play-1-console-zh-375');

    await page.getByTestId('lang-toggle').click();
    await page.getByText('The linked-account rule').waitFor();
    assert.match(await page.getByTestId('linked-rule').innerText(), /an address alone never links accounts/);
    assert.match(await action.innerText(), /Soft play/);
    await screenshot(page, 'fair-play-2-console-en-375');
  });
});

// A second skill game added through the plug-in interface, end to end in Chromium against the
// real platform: the operator adds Make Ten (plug-in `sum10`) to the catalogue in the console's
// games form; a player on a 375 px phone (Chinese) practises it by tapping pairs of numbers and
// verifies the game in the browser; then hosts a paid match which a second player on a 320 px
// phone (English) joins on the same grid; both see the verdict, the match pays the pool minus the
// rake, and the operator's review re-runs both sessions to a verified score.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, PHONE_CONTEXT, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'pluginadmin',
  password: 'plugin journey admin pw',
  totpSecret: base32Encode(Buffer.from('plugin-journey-totp!')),
};
const STEP_TIMEOUT_MS = 20_000;
const FEE_FEN = 200;
const FUNDS_FEN = 1000;

/** A pair adding up to ten on the grid the page shows (cells hold number − 1), neighbours first. */
async function pairOnGrid(page: Page): Promise<[number, number]> {
  await page.locator('[data-testid="board"][data-rules="sum10"]:not(.busy)').waitFor();
  const board = page.getByTestId('board');
  const cells = (await board.getAttribute('data-board'))!.split(',').map(Number);
  const width = Number(await board.getAttribute('data-width'));
  let any: [number, number] | null = null;
  for (let a = 0; a < cells.length; a++) {
    for (let b = a + 1; b < cells.length; b++) {
      if (cells[a]! + cells[b]! !== 8) continue;
      any ??= [a, b];
      if (b - a === width || (b - a === 1 && Math.floor(a / width) === Math.floor(b / width))) return [a, b];
    }
  }
  assert.ok(any, 'the grid always holds a pair');
  return any;
}

async function playPairs(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const left = Number(await page.getByTestId('moves-left').innerText());
    const [a, b] = await pairOnGrid(page);
    await page.getByTestId(`cell-${a}`).tap();
    await page.getByTestId(`cell-${b}`).tap();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="moves-left"]')?.textContent) < n, left);
  }
}

async function signIn(page: Page, url: string, user: string, lang: 'zh' | 'en'): Promise<string> {
  // Before the page's own scripts, at every load: set after a first load, the choice could be
  // overwritten by the page saving its own default once it has rendered.
  await page.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
  await page.goto(`${url}/`);
  await page.getByTestId('sandbox-user').fill(user);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
  await page.getByTestId('lobby-page').waitFor();
  return (await page.getByTestId('player-id').innerText()).trim();
}

async function balanceFen(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/#/wallet`);
  const cny = page.getByTestId('balance-CNY');
  await cny.waitFor();
  return Number(await cny.getAttribute('data-available'));
}

describe('a second skill game through the plug-in interface, in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let operator: Page;
  let alice: Page;
  let bob: Page;
  let adminToken = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    operator = await (await browser.newContext(DESK_CONTEXT)).newPage();
    alice = await (await browser.newContext({ ...PHONE_CONTEXT, viewport: { width: 375, height: 760 } })).newPage();
    bob = await (
      await browser.newContext({
        ...PHONE_CONTEXT,
        locale: 'en-US',
        viewport: { width: 320, height: 700 },
        extraHTTPHeaders: { 'x-forwarded-for': '203.0.113.77' },
      })
    ).newPage();
    for (const p of [operator, alice, bob]) p.setDefaultTimeout(STEP_TIMEOUT_MS);
    await operator.goto(`${platform.url}/admin/`);
    await operator.getByTestId('username').fill(ADMIN.username);
    await operator.getByTestId('password').fill(ADMIN.password);
    await operator.getByTestId('totp').fill(totp(base32Decode(ADMIN.totpSecret), Date.now()));
    await operator.getByTestId('sign-in').click();
    await operator.getByTestId('ledger-page').waitFor();
    adminToken = await operator.evaluate(
      () => (JSON.parse(localStorage.getItem('fg.operator.tokens') ?? '{}') as { accessToken: string }).accessToken,
    );
    assert.ok(adminToken);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function credit(playerId: string): Promise<void> {
    const r = await fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ asset: 'CNY', amountFen: FUNDS_FEN, reason: 'plug-in journey stake', idempotencyKey: `fund-${playerId}` }),
    });
    assert.equal(r.status, 201, await r.text());
  }

  it('the operator adds Make Ten to the catalogue in the console’s games form', async () => {
    await operator.goto(`${platform.url}/admin/#/settings/games`);
    const form = operator.getByTestId('setting-skill.catalogue');
    await form.waitFor();
    assert.equal(await operator.locator('fieldset.game-row').count(), 1, 'the built-in catalogue holds match-3 only');
    await operator.getByTestId('game-add-plugin').selectOption('sum10');
    await operator.getByTestId('game-add').click();
    await operator.getByTestId('game-1-id').fill('make_ten');
    await operator.getByTestId('game-1-titleZh').fill('凑十');
    await operator.getByTestId('game-1-titleEn').fill('Make Ten');
    await operator.getByTestId('game-1-stakesYuan').fill('2, 5');
    await operator.getByTestId('game-1-rakePercent').fill('10');
    await form.getByTestId('setting-save').click();
    await form.getByTestId('settings-saved').waitFor();
    await operator.locator('[data-testid="setting-skill.catalogue"][data-version="1"]').waitFor();
    assert.equal(await operator.locator('fieldset.game-row[data-plugin="sum10"]').getAttribute('data-game'), 'make_ten');
    await screenshot(operator, 'plugins-1-console-catalogue');
  });

  it('a player practises Make Ten by tapping pairs, and the browser verifies the server’s score', async () => {
    await signIn(alice, platform.url, 'plugin-alice', 'zh');
    await alice.goto(`${platform.url}/#/skill`);
    const card = alice.getByTestId('game-make_ten');
    await card.waitFor();
    assert.match(await card.innerText(), /凑十/);
    await screenshot(alice, 'plugins-2-hub-375-zh');
    await card.getByTestId('start-practice').tap();
    await alice.locator('[data-testid="skill-play-page"][data-mode="ws"]').waitFor();
    await playPairs(alice, 5);
    const score = Number(await alice.getByTestId('score').getAttribute('data-score'));
    assert.ok(score >= 50, `five pairs score at least 50 (got ${score})`);
    await screenshot(alice, 'plugins-3-practice-375-zh');
    await alice.getByTestId('finish').tap();
    const result = alice.getByTestId('result');
    await result.waitFor();
    assert.equal(Number(await result.getAttribute('data-score')), score, 'the server’s score is the one the player saw');
    await alice.getByTestId('verify').tap();
    await alice
      .getByTestId('verification')
      .getByText(new RegExp(`${score}`))
      .waitFor();
    assert.match(await alice.getByTestId('verification').innerText(), /已验证/);
    await screenshot(alice, 'plugins-4-practice-verified');
  });

  it('a paid Make Ten match: the second player joins on the same grid, both see the verdict, the pool minus the rake is paid', async () => {
    const aliceId = await (async () => {
      await alice.goto(`${platform.url}/#/lobby`);
      return (await alice.getByTestId('player-id').innerText()).trim();
    })();
    const bobId = await signIn(bob, platform.url, 'plugin-bob', 'en');
    await credit(aliceId);
    await credit(bobId);

    await alice.goto(`${platform.url}/#/skill`);
    await alice.getByTestId('game-make_ten').getByTestId(`start-match-${FEE_FEN}`).tap();
    await alice.getByTestId('confirm-spend').tap();
    await alice.getByTestId('skill-play-page').waitFor();
    const grid = await alice.getByTestId('board').getAttribute('data-board');
    await playPairs(alice, 6);
    await alice.getByTestId('finish').tap();
    await alice.getByTestId('match-verdict').and(alice.locator('[data-verdict="pending"]')).waitFor();

    await bob.goto(`${platform.url}/#/skill`);
    const bobCard = bob.getByTestId('game-make_ten');
    assert.match(await bobCard.innerText(), /Make Ten/);
    await screenshot(bob, 'plugins-5-hub-320-en');
    await bobCard.getByTestId(`start-match-${FEE_FEN}`).tap();
    await bob.getByTestId('confirm-spend').tap();
    await bob.getByTestId('skill-play-page').waitFor();
    assert.equal(await bob.getByTestId('board').getAttribute('data-board'), grid, 'both players get the same seed');
    await playPairs(bob, 3);
    await screenshot(bob, 'plugins-6-match-320-en');
    await bob.getByTestId('finish').tap();
    const bobVerdict = bob.getByTestId('match-verdict').and(bob.locator(':not([data-verdict="pending"])'));
    await bobVerdict.waitFor();
    await screenshot(bob, 'plugins-7-verdict-320-en');
    const aliceVerdict = alice.getByTestId('match-verdict').and(alice.locator(':not([data-verdict="pending"])'));
    await aliceVerdict.waitFor();
    // Six pairs against three: the host scores more whatever the pairs were.
    assert.equal(await aliceVerdict.getAttribute('data-verdict'), 'won');
    assert.equal(await bobVerdict.getAttribute('data-verdict'), 'lost');
    assert.equal(Number(await aliceVerdict.getAttribute('data-payout')), 360);
    assert.equal(await balanceFen(alice, platform.url), FUNDS_FEN - FEE_FEN + 360);
    assert.equal(await balanceFen(bob, platform.url), FUNDS_FEN - FEE_FEN);
    await screenshot(alice, 'plugins-8-host-wallet');
  });

  it('the operator’s review re-runs the Make Ten sessions to a verified score', async () => {
    const r = await fetch(`${platform.url}/api/admin/skill/sessions?limit=20`, { headers: { authorization: `Bearer ${adminToken}` } });
    assert.equal(r.status, 200, await r.clone().text());
    const list = (await r.json()) as { sessions: { sessionId: string; game: string }[] };
    const mine = list.sessions.filter((s) => s.game === 'make_ten');
    assert.equal(mine.length, 3, 'the practice game and both sides of the match');
    for (const s of mine) {
      const d = await fetch(`${platform.url}/api/admin/skill/sessions/${s.sessionId}`, {
        headers: { authorization: `Bearer ${adminToken}` },
      });
      assert.equal(d.status, 200);
      const detail = (await d.json()) as { verification: { ok: boolean } };
      assert.equal(detail.verification.ok, true, `session ${s.sessionId} verifies`);
    }
  });
});

// Business settings through the real pages, against the real platform process: an operator
// changes the room fee in the console and only rooms created afterwards pay it; publishing a new
// agreement in the console makes a player who is already signed in accept it at their next action
// (the privacy policy beside it, at 320 px), and the player's page lists both acceptances; a
// tournament created in the console from a template takes two players' entries and games and is
// settled, its prizes paid into their wallets; a skin bought on the settings page shows on the
// buyer's seat to another player at the table; a skin put on sale in the console's VIP form is
// offered to players.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PuzzleGame } from '@fairground/rules';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, PHONE_CONTEXT, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'settingsadmin',
  password: 'settings journey admin pw',
  totpSecret: base32Encode(Buffer.from('settings-journey-totp')),
};
const STEP_TIMEOUT_MS = 20_000;
/** Entries to the journey's tournament close this long after it is created: time for two players to enter and play. */
const ENTRY_WINDOW_MS = 75_000;
/** How long the journey waits for the tournament to close and settle after its entries close. */
const SETTLE_WAIT_MS = ENTRY_WINDOW_MS + 60_000;

interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  id: string;
}

async function signIn(p: Person, url: string): Promise<void> {
  await p.page.goto(`${url}/`);
  await p.page.getByTestId('sandbox-user').fill(p.name);
  await p.page.getByTestId('login-sandbox').click();
  await p.page.getByTestId('accept-terms').click();
  await p.page.getByTestId('lobby-page').waitFor();
  p.id = (await p.page.getByTestId('player-id').innerText()).trim();
}

async function balanceFen(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/#/wallet`);
  const cny = page.getByTestId('balance-CNY');
  await cny.waitFor();
  return Number(await cny.getAttribute('data-available'));
}

/** Plays `n` legal moves by tapping (the rules module the page runs finds them). */
async function playMoves(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const board = page.getByTestId('board');
    await page.locator('[data-testid="board"]:not(.busy)').waitFor();
    const left = Number(await page.getByTestId('moves-left').innerText());
    const game = PuzzleGame.fromView({
      config: {
        rulesVersion: 1,
        width: Number(await board.getAttribute('data-width')),
        height: Number(await board.getAttribute('data-height')),
        kinds: Number(await board.getAttribute('data-kinds')),
        movesMax: 1,
        durationMs: 60_000,
      },
      board: (await board.getAttribute('data-board'))!.split(',').map(Number),
      score: 0,
      movesMade: 0,
      nextSeq: 1,
      lastAtMs: 0,
      refillIndex: 0,
      endReason: null,
      history: 0,
    });
    const move = game.legalMoves()[0];
    assert.ok(move, 'the board always offers a move');
    await page.getByTestId(`cell-${move[0]}`).tap();
    await page.getByTestId(`cell-${move[1]}`).tap();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="moves-left"]')?.textContent) < n, left);
  }
}

describe('business settings in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let operator: Page;
  let adminToken = '';
  const people: Person[] = [];

  async function person(name: string, width: number): Promise<Person> {
    // Each player stands for a different network address (rooms refuse two seats from one).
    const context = await browser.newContext({
      ...PHONE_CONTEXT,
      viewport: { width, height: 760 },
      extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${people.length + 10}` },
    });
    const page = await context.newPage();
    page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const p = { name, context, page, id: '' };
    people.push(p);
    return p;
  }

  async function credit(playerId: string, amountFen: number): Promise<void> {
    const r = await fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ asset: 'CNY', amountFen, reason: 'settings journey funds', idempotencyKey: `fund-${playerId}` }),
    });
    assert.equal(r.status, 201, await r.text());
  }

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      // The tournament settles within a second of its last game instead of five.
      FAIRGROUND_JOB_INTERVALS_MS: 'skill.sweep=1000',
    });
    browser = await launchBrowser();
    operator = await (await browser.newContext(DESK_CONTEXT)).newPage();
    operator.setDefaultTimeout(STEP_TIMEOUT_MS);
    // The operator signs in through the console; the same TOTP code cannot sign in twice, so the
    // token for the test's own fetches is read from the console's storage.
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

  let owner: Person;
  let firstCode = '';

  async function cashQuoteFen(page: Page): Promise<number> {
    // From the rooms hub, as a player goes: a fresh creation page at step one.
    await page.goto(`${platform.url}/#/rooms`);
    await page.reload();
    await page.getByTestId('open-create-room').click();
    await page.getByTestId('room-create-page').waitFor();
    await page.getByTestId('create-next').click();
    await page.getByTestId('fee-cash').click();
    await page.getByTestId('payer-owner').click();
    const quote = page.getByTestId('fee-quote');
    await quote.waitFor();
    await page.waitForFunction(() => document.querySelector('[data-testid="fee-quote"]')?.getAttribute('data-cash-fen') !== '0');
    return Number(await quote.getAttribute('data-cash-fen'));
  }

  it('a fee changed in the console applies to rooms created afterwards only, and is audited', async () => {
    owner = await person('settings-owner', 375);
    await signIn(owner, platform.url);
    await credit(owner.id, 10_000);
    assert.equal(await cashQuoteFen(owner.page), 600, 'three seats at ¥2.00');
    await owner.page.getByTestId('create-confirm').click();
    firstCode = (await owner.page.getByTestId('room-code').innerText()).trim();
    assert.match(firstCode, /^[0-9]{6}$/);

    await operator.getByTestId('nav-settings').click();
    await operator.getByTestId('fees-form').waitFor();
    assert.match(await operator.getByTestId('fee-bounds').innerText(), /5%–15%/);
    // Out of the policy's bounds: refused, with the reason on the page.
    await operator.getByTestId('fee-commission').fill('20');
    await operator.getByTestId('fee-save').click();
    const refused = await operator.getByTestId('settings-error').innerText();
    assert.match(refused, /超出了合规政策允许的范围/);
    assert.doesNotMatch(refused, /SETTINGS_OUTSIDE_POLICY/, 'in words, without the code');
    await operator.getByTestId('fee-commission').fill('12');
    await operator.getByTestId('fee-cashPerSeat').fill('3.00');
    await operator.getByTestId('fee-reason').fill('调价');
    await operator.getByTestId('fee-save').click();
    await operator.getByTestId('settings-saved').waitFor();
    await operator.locator('[data-testid="fees-form"][data-version="1"]').waitFor();
    await screenshot(operator, 'settings-1-fees');

    assert.equal(await cashQuoteFen(owner.page), 900, 'a new room: three seats at ¥3.00');
    await screenshot(owner.page, 'settings-2-new-fee-375');
    // The room created before the change keeps its fee.
    const before = await owner.page.evaluate(async (code) => {
      const token = (JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string }).accessToken;
      const r = await fetch(`/api/rooms/code/${code}`, { headers: { authorization: `Bearer ${token}` } });
      return (await r.json()) as { fee: { owner: { cashFen: number }; commissionBps: number } };
    }, firstCode);
    assert.equal(before.fee.owner.cashFen, 600);
    assert.equal(before.fee.commissionBps, 1000);

    await operator.getByTestId('nav-audit').click();
    await operator.getByText('settings.update').first().waitFor();
  });

  it('a new agreement published in the console is put before a signed-in player at their next action', async () => {
    await operator.goto(`${platform.url}/admin/#/settings/agreement`);
    await operator.getByTestId('agreement-form').waitFor();
    await operator.getByTestId('agreement-version').fill('2026-07');
    const zh = operator.getByTestId('agreement-terms-body-zh');
    await zh.fill(`${await zh.inputValue()}\n8. 本版本新增：禁止利用平台组织赌博。`);
    await operator.getByTestId('agreement-publish').click();
    await operator.getByTestId('settings-saved').waitFor();
    await operator.locator('[data-testid="agreement-form"][data-current="2026-07"]').waitFor();
    await screenshot(operator, 'settings-3-agreement');

    // The owner is still on the creation page: confirming a room is refused, and the new text shows.
    const page = owner.page;
    await page.getByTestId('create-confirm').click();
    await page.getByTestId('terms-page').waitFor();
    await page.locator('.terms').getByText('本版本新增').waitFor();
    assert.match(await page.getByTestId('terms-page').innerText(), /2026-07/);
    await page.setViewportSize({ width: 320, height: 640 });
    await page.getByTestId('privacy-policy').locator('summary').click();
    await page.getByTestId('privacy-policy').getByText('实名认证').waitFor();
    await screenshot(page, 'settings-4-agreement-320');
    await page.getByTestId('lang-toggle').click();
    await page.getByTestId('privacy-policy').getByText('Privacy policy').waitFor();
    await screenshot(page, 'settings-5-agreement-320-en');
    await page.getByTestId('lang-toggle').click();
    await page.setViewportSize({ width: 375, height: 760 });
    await page.getByTestId('accept-terms').click();
    // Accepted: the guard lets the player back to where they were.
    await page.getByTestId('terms-page').waitFor({ state: 'detached' });

    await operator.goto(`${platform.url}/admin/#/players/${owner.id}`);
    const list = operator.getByTestId('player-agreements');
    await list.locator('[data-testid="acceptance"][data-version="2026-07"]').waitFor();
    await list.locator('[data-testid="acceptance"][data-version="2026-01"]').waitFor();
  });

  it('a tournament created in the console from a template runs to its payout', async () => {
    const alice = await person('settings-alice', 375);
    const bob = await person('settings-bob', 320);
    await signIn(alice, platform.url);
    await signIn(bob, platform.url);
    for (const p of [alice, bob]) await credit(p.id, 5_000);

    await operator.goto(`${platform.url}/admin/#/settings/tournaments`);
    await operator.getByTestId('tournament-form').waitFor();
    await operator.getByTestId('tournament-template').selectOption('daily');
    const times = await operator.evaluate((windowMs) => {
      const two = (n: number) => String(n).padStart(2, '0');
      const local = (ms: number) => {
        const d = new Date(ms);
        return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())}T${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
      };
      const closes = Date.now() + windowMs;
      return { closes: local(closes), ends: local(closes + 600_000) };
    }, ENTRY_WINDOW_MS);
    await operator.getByTestId('tournament-title').fill('设置杯');
    await operator.getByTestId('tournament-entryFee').fill('2.00');
    await operator.getByTestId('tournament-prizeWeights').fill('3,1');
    await operator.getByTestId('tournament-playersMin').fill('2');
    await operator.getByTestId('tournament-playersMax').fill('8');
    await operator.getByTestId('tournament-entryClosesAt').fill(times.closes);
    await operator.getByTestId('tournament-endsAt').fill(times.ends);
    await operator.getByTestId('tournament-create').click();
    await operator.getByTestId('tournament-note').waitFor();
    const card = operator.locator('[data-testid="tournament"]', { hasText: '设置杯' });
    await card.waitFor();
    const tournamentId = (await card.getAttribute('data-id')) ?? '';
    assert.match(tournamentId, /^tn_/);
    await screenshot(operator, 'settings-6-tournament-created');

    const before = { alice: await balanceFen(alice.page, platform.url), bob: await balanceFen(bob.page, platform.url) };
    for (const p of [alice, bob]) {
      await p.page.goto(`${platform.url}/#/skill-tournaments`);
      const mine = p.page.getByTestId(`tournament-${tournamentId}`);
      await mine.getByTestId('enter-tournament').tap();
      await p.page.getByTestId('confirm-spend').tap();
      await mine.getByTestId('play-tournament').tap();
      await p.page.getByTestId('skill-play-page').waitFor();
      await playMoves(p.page, p === alice ? 4 : 2);
      await p.page.getByTestId('finish').tap();
      await p.page.getByTestId('result').waitFor();
    }
    await screenshot(bob.page, 'settings-7-tournament-played-320');

    // Entries close, the sweep starts the tournament and, everyone having played, settles it.
    const deadline = Date.now() + SETTLE_WAIT_MS;
    const settled = operator.locator(`[data-testid="tournament"][data-id="${tournamentId}"][data-status="settled"]`);
    while (!(await settled.isVisible())) {
      assert.ok(Date.now() < deadline, 'the tournament settles once its entries close');
      await operator.waitForTimeout(2_000);
      await operator.getByTestId('settings-tab-fees').click();
      await operator.getByTestId('settings-tab-tournaments').click();
      await operator.getByTestId('tournament-list').waitFor();
    }
    const standings = settled.getByTestId('tournament-standings');
    await standings.waitFor();
    await screenshot(operator, 'settings-8-tournament-settled');

    // Pool ¥4.00, rake 10 % (the template's): ¥3.60 paid out by place (3:1), or shared on a tie.
    const afterFen = { alice: await balanceFen(alice.page, platform.url), bob: await balanceFen(bob.page, platform.url) };
    const paidFen = afterFen.alice - (before.alice - 200) + (afterFen.bob - (before.bob - 200));
    assert.equal(paidFen, 360, 'the pool minus the rake is paid to the players');
    assert.ok(afterFen.alice + afterFen.bob === before.alice + before.bob - 40);
    await screenshot(alice.page, 'settings-9-wallet-after-tournament');
  });

  it('a skin bought on the settings page shows on the player’s seat to the others at the table', async () => {
    const host = await person('skin-host', 375);
    const friend = await person('skin-friend', 320);
    await signIn(host, platform.url);
    await signIn(friend, platform.url);
    await credit(host.id, 5_000);
    await host.page.goto(`${platform.url}/#/settings`);
    await host.page.locator('[data-testid="skins"][data-worn="classic"]').waitFor();
    await host.page.getByTestId('skin-buy-gold').click();
    await host.page.locator('[data-testid="skins"][data-worn="gold"]').waitFor();
    assert.equal(await host.page.getByTestId('skin-gold').getAttribute('data-source'), 'bought');
    await screenshot(host.page, 'settings-10-skin-bought-375');
    await host.page.getByTestId('lang-toggle').click();
    await host.page.getByTestId('skins').getByText('Room skins').waitFor();
    await host.page.getByTestId('lang-toggle').click();
    assert.equal(await balanceFen(host.page, platform.url), 5_000 - 1_800);

    await cashQuoteFen(host.page);
    await host.page.getByTestId('create-confirm').click();
    const shareUrl = await host.page.getByTestId('share-link').inputValue();
    await friend.page.goto(shareUrl);
    await friend.page.getByTestId('join-preview').waitFor();
    await friend.page.getByTestId('join-seat').click();
    await friend.page.getByTestId('confirm-spend').or(friend.page.locator('[data-testid="table-page"]')).first().waitFor();
    if (await friend.page.getByTestId('confirm-spend').isVisible()) await friend.page.getByTestId('confirm-spend').click();
    await friend.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    await friend.page.locator(`[data-player="${host.id}"][data-skin="gold"]`).waitFor();
    await friend.page.locator(`[data-player="${friend.id}"][data-skin="classic"]`).waitFor();
    await screenshot(friend.page, 'settings-11-table-sees-skin-320');
  });

  it('a skin put on sale in the console’s VIP form is offered to players, and a tier grants it', async () => {
    await operator.goto(`${platform.url}/admin/#/settings/vip`);
    const form = operator.getByTestId('setting-vip');
    await form.waitFor();
    await operator.getByTestId('skin-add').click();
    const i = (await operator.locator('fieldset[data-skin]').count()) - 1;
    await operator.getByTestId(`skin-${i}-id`).fill('ruby');
    await operator.getByTestId(`skin-${i}-titleZh`).fill('红宝石');
    await operator.getByTestId(`skin-${i}-titleEn`).fill('Ruby');
    await operator.getByTestId(`skin-${i}-price`).fill('6.00');
    await operator.getByTestId('tier-1-skin-ruby').check();
    await form.getByTestId('setting-save').click();
    await form.getByTestId('settings-saved').waitFor();
    await operator.locator('[data-testid="setting-vip"][data-version="1"]').waitFor();
    await screenshot(operator, 'settings-12-vip-form');

    const buyer = await person('skin-ruby', 320);
    await signIn(buyer, platform.url);
    await buyer.page.goto(`${platform.url}/#/settings`);
    await buyer.page.getByTestId('skin-ruby').waitFor();
    await buyer.page.getByTestId('skin-buy-ruby').waitFor();
    await screenshot(buyer.page, 'settings-13-ruby-on-sale-320');
  });

  after(async () => {
    for (const p of people) await p.context.close().catch(() => undefined);
  });
});

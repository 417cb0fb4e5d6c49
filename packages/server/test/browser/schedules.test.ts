// A repeating tournament schedule set in the console, end to end against the real platform (real
// clock, SQLite, the jobs on their timers): the operator gives the daily template a start time of
// this minute (Beijing time) in the templates form; the platform's schedule job opens the
// tournament; two players (375 px Chinese, 320 px English) enter and play it; when entries close the
// sweep settles it and the prizes reach their wallets. Then the operator stops the schedule.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { skillGameFromView } from '@fairground/rules';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, PHONE_CONTEXT, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'scheduleadmin',
  password: 'schedule journey admin pw',
  totpSecret: base32Encode(Buffer.from('schedule-journey-totp')),
};
const STEP_TIMEOUT_MS = 20_000;
/** Entries stay open this long from the slot (the form's minutes): at least a minute left to enter and play. */
const ENTRY_WINDOW_MINUTES = 2;
const SETTLE_WAIT_MS = ENTRY_WINDOW_MINUTES * 60_000 + 60_000;

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

/** Plays `n` moves of the match-3 board the page shows, found by the same plug-in the page runs. */
async function playMoves(page: Page, n: number): Promise<void> {
  for (let i = 0; i < n; i++) {
    const board = page.getByTestId('board');
    await page.locator('[data-testid="board"]:not(.busy)').waitFor();
    const left = Number(await page.getByTestId('moves-left').innerText());
    const game = skillGameFromView({
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
    } as Parameters<typeof skillGameFromView>[0]);
    const move = game.legalMoves()[0];
    assert.ok(move, 'the board always offers a move');
    await page.getByTestId(`cell-${move[0]}`).tap();
    await page.getByTestId(`cell-${move[1]}`).tap();
    await page.waitForFunction((n) => Number(document.querySelector('[data-testid="moves-left"]')?.textContent) < n, left);
  }
}

describe('a repeating tournament schedule set in the console', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let operator: Page;
  let adminToken = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      // The schedule opens the tournament within a second of its slot; the sweep settles it as soon.
      FAIRGROUND_JOB_INTERVALS_MS: 'skill.sweep=1000,skill.schedule=1000',
    });
    browser = await launchBrowser();
    operator = await (await browser.newContext(DESK_CONTEXT)).newPage();
    operator.setDefaultTimeout(STEP_TIMEOUT_MS);
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

  async function credit(playerId: string, amountFen: number): Promise<void> {
    const r = await fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ asset: 'CNY', amountFen, reason: 'schedule journey funds', idempotencyKey: `fund-${playerId}` }),
    });
    assert.equal(r.status, 201, await r.text());
  }

  it('the schedule opens the tournament at its time, two players play it, and it settles to their wallets', async () => {
    const phone = async (width: number, locale: string, ip: string) => {
      const page = await (
        await browser.newContext({
          ...PHONE_CONTEXT,
          locale,
          viewport: { width, height: 760 },
          extraHTTPHeaders: { 'x-forwarded-for': ip },
        })
      ).newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      return page;
    };
    const alice = await phone(375, 'zh-CN', '203.0.113.41');
    const bob = await phone(320, 'en-US', '203.0.113.42');
    const aliceId = await signIn(alice, platform.url, 'schedule-alice', 'zh');
    const bobId = await signIn(bob, platform.url, 'schedule-bob', 'en');
    await credit(aliceId, 5_000);
    await credit(bobId, 5_000);

    // This minute on Beijing's clock: the slot has come as soon as the schedule is saved.
    const now = new Date(Date.now() + 8 * 3_600_000);
    const hhmm = `${String(now.getUTCHours()).padStart(2, '0')}:${String(now.getUTCMinutes()).padStart(2, '0')}`;
    await operator.goto(`${platform.url}/admin/#/settings/tournaments`);
    const form = operator.getByTestId('templates-form');
    await form.waitFor();
    const daily = operator.locator('fieldset[data-template="daily"]');
    assert.equal(await daily.getAttribute('data-scheduled'), 'no');
    await operator.getByTestId('template-0-title').fill('定时杯 Scheduled cup');
    await operator.getByTestId('template-0-playersMin').fill('2');
    await operator.getByTestId('template-0-prizeWeights').fill('3, 1');
    await operator.getByTestId('template-0-entryWindowMinutes').fill(String(ENTRY_WINDOW_MINUTES));
    await operator.getByTestId('template-0-playWindowMinutes').fill('10');
    await operator.getByTestId('template-0-times').fill(hhmm);
    await operator.getByTestId('template-0-utcOffsetHours').fill('8');
    await form.getByTestId('templates-save').click();
    await form.getByTestId('settings-saved').waitFor();
    assert.equal(await daily.getAttribute('data-scheduled'), 'yes');
    await screenshot(operator, 'schedule-1-template-scheduled');

    // The job opens it: the tournament list shows it, open for entries.
    const card = operator.locator('[data-testid="tournament"][data-status="open"]', { hasText: '定时杯' });
    const openedBy = Date.now() + STEP_TIMEOUT_MS;
    while (!(await card.isVisible())) {
      assert.ok(Date.now() < openedBy, 'the schedule job opens the tournament within seconds of the slot');
      await operator.waitForTimeout(1_000);
      await operator.getByTestId('settings-tab-fees').click();
      await operator.getByTestId('settings-tab-tournaments').click();
      await operator.getByTestId('tournament-list').waitFor();
    }
    assert.match(await card.innerText(), new RegExp(hhmm));
    const tournamentId = (await card.getAttribute('data-id')) ?? '';
    await screenshot(operator, 'schedule-2-tournament-opened');

    const before = { alice: await balanceFen(alice, platform.url), bob: await balanceFen(bob, platform.url) };
    for (const [page, moves] of [
      [alice, 4],
      [bob, 2],
    ] as const) {
      await page.goto(`${platform.url}/#/skill-tournaments`);
      const mine = page.getByTestId(`tournament-${tournamentId}`);
      await mine.getByTestId('enter-tournament').tap();
      await page.getByTestId('confirm-spend').tap();
      await mine.getByTestId('play-tournament').tap();
      await page.getByTestId('skill-play-page').waitFor();
      await playMoves(page, moves);
      await page.getByTestId('finish').tap();
      await page.getByTestId('result').waitFor();
    }
    await bob.goto(`${platform.url}/#/skill-tournaments`);
    await bob.getByTestId(`tournament-${tournamentId}`).waitFor();
    await screenshot(bob, 'schedule-3-tournament-320-en');

    const deadline = Date.now() + SETTLE_WAIT_MS;
    const settled = operator.locator(`[data-testid="tournament"][data-id="${tournamentId}"][data-status="settled"]`);
    while (!(await settled.isVisible())) {
      assert.ok(Date.now() < deadline, 'the tournament settles once its entries close');
      await operator.waitForTimeout(2_000);
      await operator.getByTestId('settings-tab-fees').click();
      await operator.getByTestId('settings-tab-tournaments').click();
      await operator.getByTestId('tournament-list').waitFor();
    }
    await settled.getByTestId('tournament-standings').waitFor();
    await screenshot(operator, 'schedule-4-tournament-settled');
    // Pool ¥4.00 (two fees of the template's ¥2.00), rake 10 %: ¥3.60 paid by place.
    const afterFen = { alice: await balanceFen(alice, platform.url), bob: await balanceFen(bob, platform.url) };
    assert.equal(afterFen.alice - (before.alice - 200) + (afterFen.bob - (before.bob - 200)), 360);
    await screenshot(alice, 'schedule-5-wallet-375-zh');

    // The operator stops the schedule: the template stays, used by hand only.
    await operator.getByTestId('template-0-unschedule').click();
    await form.getByTestId('templates-save').click();
    await operator.locator('[data-testid="templates-form"][data-version="2"]').waitFor();
    assert.equal(await daily.getAttribute('data-scheduled'), 'no');
  });
});

// The skill journey in headless Chromium against the real platform process (real clock, SQLite):
// a player on a phone plays a practice game by tapping gems and verifies it in the browser; then
// plays a paid head-to-head, and a second player on a desktop joins the same match and plays it by
// clicking and dragging with the mouse; both see the verdict and their balances change by what
// the match paid.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PuzzleGame } from '@fairground/rules';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from '../browser/harness.ts';

const ADMIN = { username: 'skilladmin', password: 'skill journey admin pw', totpSecret: base32Encode(Buffer.from('skill-journey-totp!')) };
const STEP_TIMEOUT_MS = 20_000;
const FUNDS_FEN = 5000;
const FEE_FEN = 1000;

/** A legal swap on the board the page shows (the same rules module the page runs). */
async function legalMove(page: Page): Promise<[number, number]> {
  const board = page.getByTestId('board');
  await page.locator('[data-testid="board"]:not(.busy)').waitFor();
  const cells = (await board.getAttribute('data-board'))!.split(',').map(Number);
  const width = Number(await board.getAttribute('data-width'));
  const height = Number(await board.getAttribute('data-height'));
  const kinds = Number(await board.getAttribute('data-kinds'));
  const game = PuzzleGame.fromView({
    config: { rulesVersion: 1, width, height, kinds, movesMax: 1, durationMs: 60_000 },
    board: cells,
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
  return move;
}

async function movesLeft(page: Page): Promise<number> {
  return Number(await page.getByTestId('moves-left').innerText());
}

/** Plays `n` moves: on a touch screen by tapping the two gems, with a mouse by dragging one onto the other. */
async function play(page: Page, n: number, how: 'tap' | 'drag'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const before = await movesLeft(page);
    const [from, to] = await legalMove(page);
    if (how === 'tap') {
      await page.getByTestId(`cell-${from}`).tap();
      await page.getByTestId(`cell-${to}`).tap();
    } else {
      const a = (await page.getByTestId(`cell-${from}`).boundingBox())!;
      const b = (await page.getByTestId(`cell-${to}`).boundingBox())!;
      await page.mouse.move(a.x + a.width / 2, a.y + a.height / 2);
      await page.mouse.down();
      await page.mouse.move(b.x + b.width / 2, b.y + b.height / 2, { steps: 6 });
      await page.mouse.up();
    }
    await page.waitForFunction((left) => Number(document.querySelector('[data-testid="moves-left"]')?.textContent) < left, before);
  }
}

async function signIn(page: Page, url: string, user: string): Promise<string> {
  await page.goto(`${url}/`);
  await page.getByTestId('sandbox-user').fill(user);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
  await page.getByTestId('lobby-page').waitFor();
  return page.getByTestId('player-id').innerText();
}

async function balanceFen(page: Page, url: string): Promise<number> {
  await page.goto(`${url}/#/wallet`);
  const cny = page.getByTestId('balance-CNY');
  await cny.waitFor();
  return Number(await cny.getAttribute('data-available'));
}

describe('skill games in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let alice: Page;
  let bob: Page;
  let adminToken: string;

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    const phone = await browser.newContext({
      viewport: { width: 390, height: 844 },
      deviceScaleFactor: 2,
      isMobile: true,
      hasTouch: true,
      locale: 'zh-CN',
    });
    const desk = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN' });
    alice = await phone.newPage();
    bob = await desk.newPage();
    for (const page of [alice, bob]) page.setDefaultTimeout(STEP_TIMEOUT_MS);
    const login = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    adminToken = ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  async function fund(playerId: string): Promise<void> {
    const r = await fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({ asset: 'CNY', amountFen: FUNDS_FEN, reason: 'skill journey stake', idempotencyKey: `fund-${playerId}` }),
    });
    assert.equal(r.status, 201, await r.text());
  }

  it('plays a practice game by touch, with the server keeping the same score, and verifies it in the browser', async () => {
    const page = alice;
    await signIn(page, platform.url, 'skill-alice');
    await page.getByTestId('open-skill').tap();
    await page.getByTestId('skill-page').waitFor();
    await screenshot(page, 'skill-1-hub');
    await page.getByTestId('start-practice').tap();
    await page.getByTestId('skill-play-page').waitFor();
    await page.locator('[data-testid="skill-play-page"][data-mode="ws"]').waitFor();
    await play(page, 5, 'tap');
    const localScore = Number(await page.getByTestId('score').getAttribute('data-score'));
    assert.ok(localScore > 0);
    await screenshot(page, 'skill-2-practice-board');
    await page.getByTestId('finish').tap();
    const result = page.getByTestId('result');
    await result.waitFor();
    assert.equal(Number(await result.getAttribute('data-score')), localScore, 'the server’s score is the one the player saw');
    await page.getByTestId('verify').tap();
    await page
      .getByTestId('verification')
      .getByText(new RegExp(`${localScore}`))
      .waitFor();
    assert.match(await page.getByTestId('verification').innerText(), /已验证/);
    await screenshot(page, 'skill-3-practice-verified');
  });

  it('plays a paid head-to-head against a second player, and both see the verdict and the balance change', async () => {
    const aliceId = await (async () => {
      await alice.goto(`${platform.url}/#/lobby`);
      return alice.getByTestId('player-id').innerText();
    })();
    const bobId = await signIn(bob, platform.url, 'skill-bob');
    await fund(aliceId);
    await fund(bobId);
    assert.equal(await balanceFen(alice, platform.url), FUNDS_FEN);

    // Alice hosts: her fee is held at once, and she plays on the match's board.
    await alice.goto(`${platform.url}/#/skill`);
    await alice.getByTestId(`start-match-${FEE_FEN}`).tap();
    await alice.getByTestId('confirm-spend').tap();
    await alice.getByTestId('skill-play-page').waitFor();
    const aliceBoard = await alice.getByTestId('board').getAttribute('data-board');
    await play(alice, 6, 'tap');
    await alice.getByTestId('finish').tap();
    await alice.getByTestId('match-verdict').and(alice.locator('[data-verdict="pending"]')).waitFor();
    await screenshot(alice, 'skill-4-host-waiting');

    // Bob joins the same match: the same starting board.
    await bob.goto(`${platform.url}/#/skill`);
    await bob.getByTestId(`start-match-${FEE_FEN}`).click();
    await bob.getByTestId('confirm-spend').click();
    await bob.getByTestId('skill-play-page').waitFor();
    assert.equal(await bob.getByTestId('board').getAttribute('data-board'), aliceBoard, 'both players get the same seed');
    await play(bob, 3, 'drag');
    await screenshot(bob, 'skill-5-challenger-board');
    await bob.getByTestId('finish').click();
    const bobVerdict = bob.getByTestId('match-verdict').and(bob.locator(':not([data-verdict="pending"])'));
    await bobVerdict.waitFor();
    await screenshot(bob, 'skill-6-challenger-verdict');
    const bobPayout = Number(await bobVerdict.getAttribute('data-payout'));
    const bobSays = await bobVerdict.getAttribute('data-verdict');

    // Alice's page learns the verdict without reloading.
    const aliceVerdict = alice.getByTestId('match-verdict').and(alice.locator(':not([data-verdict="pending"])'));
    await aliceVerdict.waitFor();
    await screenshot(alice, 'skill-7-host-verdict');
    const aliceSays = await aliceVerdict.getAttribute('data-verdict');
    const alicePayout = Number(await aliceVerdict.getAttribute('data-payout'));
    const pairs: Record<string, string> = { won: 'lost', lost: 'won', tie: 'tie' };
    assert.equal(pairs[aliceSays ?? ''], bobSays, `verdicts ${aliceSays} / ${bobSays}`);
    // Pool 2000, 10% rake: the winner receives 1800; a tie splits it.
    assert.equal(alicePayout + bobPayout, 1800);

    assert.equal(await balanceFen(alice, platform.url), FUNDS_FEN - FEE_FEN + alicePayout);
    assert.equal(await balanceFen(bob, platform.url), FUNDS_FEN - FEE_FEN + bobPayout);
    await screenshot(alice, 'skill-8-host-wallet');
    await alice.goto(`${platform.url}/#/skill`);
    await alice.getByTestId('matches').locator(`li[data-verdict="${aliceSays}"]`).waitFor();
    await screenshot(alice, 'skill-9-matches');
  });

  it('shows the leaderboards with the player’s own rank, and runs a tournament entry and game from the tournaments page', async () => {
    const page = alice;
    await page.goto(`${platform.url}/#/skill`);
    await page.getByTestId('open-leaderboards').tap();
    const standing = page.getByTestId('my-standing');
    await page.locator('[data-testid="my-standing"]:not([data-rank=""])').waitFor();
    assert.ok(Number(await standing.getAttribute('data-rank')) >= 1);
    await page.getByTestId('lb-all').tap();
    await page.getByTestId('leaderboard').locator('li').first().waitFor();
    await screenshot(page, 'skill-10-leaderboards');

    const now = Date.now();
    const created = await fetch(`${platform.url}/api/admin/skill/tournaments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        game: 'match3',
        title: '周末杯',
        entryFeeFen: 500,
        prizeWeights: [60, 40],
        playersMin: 2,
        playersMax: 8,
        entryClosesAtMs: now + 3_600_000,
        endsAtMs: now + 7_200_000,
      }),
    });
    assert.equal(created.status, 201, await created.clone().text());
    const { tournamentId } = (await created.json()) as { tournamentId: string };
    const before = await balanceFen(page, platform.url);
    await page.goto(`${platform.url}/#/skill-tournaments`);
    const card = page.getByTestId(`tournament-${tournamentId}`);
    await card.getByTestId('enter-tournament').tap();
    await page.getByTestId('confirm-spend').tap();
    await card.getByTestId('play-tournament').waitFor();
    await screenshot(page, 'skill-11-tournament-entered');
    await card.getByTestId('play-tournament').tap();
    await page.getByTestId('skill-play-page').waitFor();
    await play(page, 3, 'tap');
    await page.getByTestId('finish').tap();
    await page.getByTestId('result').waitFor();
    await page.goto(`${platform.url}/#/skill-tournaments`);
    await card.locator('[data-testid="your-entry"][data-entry-status="played"]').waitFor();
    assert.equal(await balanceFen(page, platform.url), before - 500, 'the entry fee is held until the tournament ends');
  });
});

// The finished product in headless Chromium, against the real platform process (main.ts, SQLite,
// the WeChat Pay sandbox on its own port, real clock), on a 375×667 phone and an operator's desk:
//   a new player signs in, deposits 50 yuan through the sandbox cashier and sees the balance;
//   withdraws 20 yuan, confirms receipt and sees it complete;
//   plays a practice puzzle and a paid head-to-head against a second player;
//   verifies the practice game on the fairness page (the seed, then the whole replay, in the browser);
//   turns on elder mode, looks at the room skins and files a report through the customer-service panel;
//   an operator signs in with TOTP, approves a withdrawal waiting for review, and sees the
//   dashboard's numbers reflect all of it, with the rooms, exports, ledger and complaints pages.
// Every page reached is saved under test-results/screenshots/.
import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { PuzzleGame } from '@fairground/rules';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, RESULTS_DIR, type RunningPlatform, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'finishadmin',
  password: 'finished journey admin',
  totpSecret: base32Encode(Buffer.from('finished-journey-totp')),
};
/** Notifications and sweeps run on the real clock (the sandbox delivers every second). */
const STEP_TIMEOUT_MS = 20_000;
const SHOTS_DIR = join(RESULTS_DIR, 'screenshots');
const PHONE = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
/** Each phone on its own network address (a loopback proxy's X-Forwarded-For), as the rooms' same-address rule expects of real players. */
const phoneAt = (n: number) => ({ ...PHONE, extraHTTPHeaders: { 'x-forwarded-for': `10.0.0.${n}` } });
const FEE_FEN = 1000;

/** Each TOTP code signs in once: a second sign-in within the same 30-second step waits for the next code. */
let lastTotp = '';
async function freshTotp(): Promise<string> {
  for (;;) {
    const code = totp(base32Decode(ADMIN.totpSecret), Date.now());
    if (code !== lastTotp) {
      lastTotp = code;
      return code;
    }
    await new Promise((r) => setTimeout(r, 1000));
  }
}

async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS_DIR, { recursive: true });
  await page.screenshot({ path: join(SHOTS_DIR, `${name}.png`), fullPage: true });
}

async function signIn(page: Page, url: string, user: string): Promise<string> {
  await page.goto(`${url}/`);
  await page.getByTestId('login-page').waitFor();
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

/** A legal swap on the board the page shows, found with the same rules module the page runs. */
async function legalMove(page: Page): Promise<[number, number]> {
  const board = page.getByTestId('board');
  await page.locator('[data-testid="board"]:not(.busy)').waitFor();
  const cells = (await board.getAttribute('data-board'))!.split(',').map(Number);
  const game = PuzzleGame.fromView({
    config: {
      rulesVersion: 1,
      width: Number(await board.getAttribute('data-width')),
      height: Number(await board.getAttribute('data-height')),
      kinds: Number(await board.getAttribute('data-kinds')),
      movesMax: 1,
      durationMs: 60_000,
    },
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

async function play(page: Page, n: number, how: 'tap' | 'drag'): Promise<void> {
  for (let i = 0; i < n; i++) {
    const left = Number(await page.getByTestId('moves-left').innerText());
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
    await page.waitForFunction((was) => Number(document.querySelector('[data-testid="moves-left"]')?.textContent) < was, left);
  }
}

async function confirmReceipt(page: Page, name: string): Promise<void> {
  await page.getByTestId('withdraw-status').and(page.locator('[data-state="awaiting_confirmation"]')).waitFor();
  await page.getByTestId('confirm-receipt').click();
  // The sandbox's stand-in for WeChat's confirmation sheet.
  await page.locator('button[value="confirm"]').waitFor();
  await shot(page, name);
  await page.locator('button[value="confirm"]').click();
  await page.getByTestId('withdraw-status').and(page.locator('[data-state="succeeded"]')).waitFor();
}

/** The page's document is never wider than the phone: nothing needs sideways scrolling. */
async function fitsWidth(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  assert.ok(overflow <= 1, `the page is ${overflow}px wider than the screen`);
}

describe('the finished client and console', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let phone: BrowserContext;
  let player: Page;
  let rival: Page;
  let operator: Page;
  let practiceSessionId = '';
  let playerId = '';
  let rivalId = '';
  let roomCode = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      // Withdrawals from 25 yuan wait for an operator.
      FAIRGROUND_WITHDRAWAL_REVIEW_FEN: '2500',
      FAIRGROUND_PAYMENTS_SWEEP_MS: '500',
      FAIRGROUND_ALERT_INTERVAL_MS: '1000',
    });
    browser = await launchBrowser();
    phone = await browser.newContext(phoneAt(1));
    const secondPhone = await browser.newContext(phoneAt(2));
    const desk = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    player = await phone.newPage();
    rival = await secondPhone.newPage();
    operator = await desk.newPage();
    for (const page of [player, rival, operator]) page.setDefaultTimeout(STEP_TIMEOUT_MS);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('a new player signs in, sees the health notice and the lobby, and deposits 50 yuan through the sandbox cashier', async () => {
    const page = player;
    await page.goto(`${platform.url}/`);
    await page.getByTestId('login-page').waitFor();
    await page.getByTestId('health-notice').waitFor();
    await shot(page, '01-login');
    await page.getByTestId('sandbox-user').fill('finished-player');
    await page.getByTestId('login-sandbox').click();
    await page.getByTestId('terms-page').waitFor();
    await shot(page, '02-terms');
    await page.getByTestId('accept-terms').click();
    await page.getByTestId('lobby-page').waitFor();
    playerId = (await page.getByTestId('player-id').innerText()).trim();
    await page.locator('[data-testid="lobby-balance-CNY"][data-available="0"]').waitFor();
    await page.getByTestId('lobby-friends-rooms').waitFor();
    await page.getByTestId('lobby-tournaments').waitFor();
    await fitsWidth(page);
    await shot(page, '03-lobby');

    await page.getByTestId('open-wallet').click();
    await page.getByTestId('open-deposit').click();
    await page.getByTestId('deposit-page').waitFor();
    await page.getByTestId('deposit-amount').fill('50');
    await shot(page, '04-deposit-form');
    await page.getByTestId('deposit-submit').click();
    await page.locator('button[value="pay"]').waitFor();
    assert.match(await page.locator('.amount').innerText(), /50\.00/);
    await shot(page, '05-cashier');
    await page.locator('button[value="pay"]').click();
    await page.getByTestId('deposit-paid').waitFor();
    assert.equal(await page.getByTestId('deposit-balance').getAttribute('data-posted'), '5000');
    await shot(page, '06-deposit-paid');
    await page.goto(`${platform.url}/#/wallet`);
    await page.getByTestId('balance-CNY').getByText('¥50.00').waitFor();
    await fitsWidth(page);
    await shot(page, '07-wallet-50');
  });

  it('withdraws 20 yuan, confirms receipt, and sees it complete', async () => {
    const page = player;
    await page.getByTestId('open-withdraw').click();
    const limits = page.getByTestId('withdraw-limits');
    await limits.waitFor();
    assert.equal(await limits.getAttribute('data-max-now'), '5000', 'what can be withdrawn is shown before typing');
    await page.getByTestId('withdraw-amount').fill('20');
    await shot(page, '08-withdraw-form');
    await page.getByTestId('withdraw-submit').click();
    await confirmReceipt(page, '09-confirm-receipt');
    await shot(page, '10-withdrawn');
    await page.goto(`${platform.url}/#/wallet`);
    await page.getByTestId('balance-CNY').getByText('¥30.00').waitFor();
  });

  it('plays a practice puzzle, and a paid head-to-head against a second player', async () => {
    const page = player;
    await page.goto(`${platform.url}/#/skill`);
    await page.getByTestId('skill-page').waitFor();
    await shot(page, '11-skill-hub');
    await page.getByTestId('start-practice').tap();
    await page.getByTestId('skill-play-page').waitFor();
    practiceSessionId = new URLSearchParams(page.url().split('?')[1] ?? '').get('session') ?? '';
    assert.match(practiceSessionId, /^ss_/);
    await play(page, 4, 'tap');
    await page.getByTestId('finish').tap();
    await page.getByTestId('result').waitFor();
    await shot(page, '12-practice-result');

    rivalId = await signIn(rival, platform.url, 'finished-rival');
    await rival.goto(`${platform.url}/#/wallet`);
    await rival.getByTestId('open-deposit').click();
    await rival.getByTestId('deposit-amount').fill('30');
    await rival.getByTestId('deposit-submit').click();
    await rival.locator('button[value="pay"]').click();
    await rival.getByTestId('deposit-paid').waitFor();

    const before = await balanceFen(page, platform.url);
    await page.goto(`${platform.url}/#/skill`);
    await page.getByTestId(`start-match-${FEE_FEN}`).tap();
    await page.getByTestId('confirm-spend').tap();
    await page.getByTestId('skill-play-page').waitFor();
    await play(page, 4, 'tap');
    await page.getByTestId('finish').tap();
    await page.getByTestId('match-verdict').and(page.locator('[data-verdict="pending"]')).waitFor();

    await rival.goto(`${platform.url}/#/skill`);
    await rival.getByTestId(`start-match-${FEE_FEN}`).tap();
    await rival.getByTestId('confirm-spend').tap();
    await rival.getByTestId('skill-play-page').waitFor();
    await play(rival, 3, 'tap');
    await rival.getByTestId('finish').tap();
    const rivalVerdict = rival.getByTestId('match-verdict').and(rival.locator(':not([data-verdict="pending"])'));
    await rivalVerdict.waitFor();
    const verdict = page.getByTestId('match-verdict').and(page.locator(':not([data-verdict="pending"])'));
    await verdict.waitFor();
    await shot(page, '13-match-verdict');
    const payout = Number(await verdict.getAttribute('data-payout'));
    assert.equal(payout + Number(await rivalVerdict.getAttribute('data-payout')), 1800, 'the pool less 10 % rake');
    assert.equal(await balanceFen(page, platform.url), before - FEE_FEN + payout);
  });

  it('creates a 3-seat room in three steps and shares the link; two players join, one watches; they play a hand, one reloads mid-hand, and the fairness page verifies it', async () => {
    const url = platform.url;
    // Room cards for the owner's fee, granted by an operator (the console's adjustment, through its API).
    const login = await fetch(`${url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: await freshTotp() }),
    });
    assert.equal(login.status, 200, await login.clone().text());
    const adminToken = ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    const cards = await fetch(`${url}/api/admin/players/${playerId}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${adminToken}` },
      body: JSON.stringify({
        asset: 'ROOM_CARD',
        amountFen: 10,
        reason: 'room cards for the journey',
        idempotencyKey: 'finished-room-cards',
      }),
    });
    assert.equal(cards.status, 201, await cards.text());

    const owner = player;
    await owner.goto(`${url}/#/rooms`);
    await owner.getByTestId('open-create-room').click();
    await owner.getByTestId('room-create-page').waitFor();
    await owner.getByTestId('health-notice').waitFor();
    // Step 1: parameters (three seats), step 2: the fee (room cards, the owner pays), step 3: share.
    await owner.getByTestId('mode-classic').click();
    assert.equal(await owner.getByTestId('value-seats').innerText(), '3');
    await shot(owner, '14a-room-create-params');
    await owner.getByTestId('create-next').click();
    await owner.getByTestId('fee-room_card').click();
    await owner.getByTestId('payer-owner').click();
    await owner.getByTestId('fee-quote').waitFor();
    await shot(owner, '14b-room-create-fee');
    await owner.getByTestId('create-confirm').click();
    await owner.getByTestId('share-panel').waitFor();
    const shareUrl = await owner.getByTestId('share-link').inputValue();
    assert.match(shareUrl, /#\/join\//);
    assert.equal(await owner.getByTestId('share-qr').getAttribute('data-text'), shareUrl, 'the QR code carries the link');
    await owner.getByTestId('share-copy').click();
    await owner.getByTestId('share-outcome').waitFor();
    await shot(owner, '14c-room-share');
    roomCode = (await owner.getByTestId('room-code').innerText()).replace(/\D/g, '');
    assert.match(roomCode, /^[0-9]{6}$/);
    await owner.getByTestId('enter-room').click();
    await owner.getByTestId('table-page').waitFor();

    const third = await (await browser.newContext(phoneAt(3))).newPage();
    const watcher = await (await browser.newContext(phoneAt(4))).newPage();
    for (const p of [third, watcher]) p.setDefaultTimeout(STEP_TIMEOUT_MS);
    await signIn(third, url, 'finished-third');
    await signIn(watcher, url, 'finished-watcher');
    for (const p of [rival, third]) {
      await p.goto(shareUrl);
      await p.getByTestId('room-join-page').waitFor();
      await p.getByTestId('join-seat').click();
      // A seat that costs something is confirmed on a sheet first.
      await p.getByTestId('confirm-spend').or(p.getByTestId('table-page')).first().waitFor();
      if (await p.getByTestId('confirm-spend').isVisible()) await p.getByTestId('confirm-spend').click();
      await p.getByTestId('table-page').waitFor();
    }
    await watcher.goto(shareUrl);
    await watcher.getByTestId('join-watch').click();
    await watcher.getByTestId('spectating').waitFor();

    const seated = [owner, rival, third];
    for (const p of seated) {
      if (await p.getByTestId('identity-button').isVisible()) await p.getByTestId('identity-button').click();
      await p.locator('[data-testid="ready-button"][data-ready="false"]').click();
      // Ready, or — once the last seat is ready — the hand already dealt: the seed ceremony runs by
      // itself and may finish before a busy machine renders the ready state it passed through.
      await p
        .locator('[data-testid="ready-button"][data-ready="true"]')
        .or(p.locator('[data-testid="hand-number"][data-hand="1"]'))
        .first()
        .waitFor();
    }
    // The three seats are full and ready: the hand starts by itself (the owner's start button is
    // for a room not yet full), and nobody's page shows a refused click.
    for (const p of [...seated, watcher]) await p.locator('[data-testid="hand-number"][data-hand="1"]').waitFor();
    for (const p of seated) assert.deepEqual(await p.getByTestId('table-error').allInnerTexts(), [], 'no refused click');
    await shot(owner, '14d-room-table');
    await shot(watcher, '14e-room-spectator');

    // One player reloads mid-hand and is back at the table, in the same hand.
    await third.reload();
    await third.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    await third.locator('[data-testid="hand-number"][data-hand="1"]').waitFor();
    await shot(third, '14f-room-after-reload');

    // Whoever is to act folds until one player is left.
    for (let i = 0; i < 20 && !(await owner.getByTestId('last-hand').isVisible()); i++) {
      for (const p of seated) {
        const fold = p.getByTestId('act-fold');
        if (await fold.isVisible()) {
          // Another seat's fold may have ended the hand on the server a moment before this page
          // heard of it: its button then goes away under the click, and the loop looks again.
          await fold.click({ timeout: 2_000 }).catch(() => undefined);
          await p.waitForTimeout(200);
        }
      }
    }
    await owner.locator('[data-testid="last-hand"][data-hand="1"]').waitFor();
    await shot(owner, '14g-room-hand-over');
    await owner.getByTestId('verify-last-hand').click();
    const verdict = owner.getByTestId('fairness-result');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-result'), 'match');
    // `kept`: the commitments this phone received before the deal, kept in localStorage, match the record.
    for (const check of ['commitment', 'clientSeed', 'kept', 'deal', 'replay']) {
      assert.equal(await owner.getByTestId(`check-${check}`).getAttribute('data-ok'), 'true', check);
    }
    await shot(owner, '14h-room-hand-verified');
    // A record that disagrees with what this phone kept is a mismatch, whatever the server stored.
    const keptKey = await owner.evaluate(() => {
      const key = Object.keys(localStorage).find((k) => k.startsWith('fg.kept.') && k.endsWith('.1')) as string;
      const kept = JSON.parse(localStorage.getItem(key) as string) as { serverCommitment: string };
      localStorage.setItem(`${key}.saved`, JSON.stringify(kept));
      localStorage.setItem(key, JSON.stringify({ ...kept, serverCommitment: '0'.repeat(64) }));
      return key;
    });
    await owner.getByTestId('fairness-verify').click();
    await owner.locator('[data-testid="check-kept"][data-ok="false"]').waitFor();
    assert.equal(await verdict.getAttribute('data-result'), 'mismatch');
    await owner.evaluate((key) => {
      localStorage.setItem(key, localStorage.getItem(`${key}.saved`) as string);
      localStorage.removeItem(`${key}.saved`);
    }, keptKey);
  });

  it('the fairness page re-runs the practice game in the browser and shows that it matches', async () => {
    const page = player;
    await page.goto(`${platform.url}/#/lobby`);
    await page.getByTestId('open-fairness').click();
    await page.getByTestId('fairness-page').waitFor();
    await page.getByTestId('fairness-id').fill('not-an-id');
    await page.getByTestId('fairness-verify').click();
    await page.getByRole('alert').waitFor();
    await page.getByTestId('fairness-id').fill(practiceSessionId);
    await page.getByTestId('fairness-verify').click();
    const result = page.getByTestId('fairness-result');
    await result.waitFor();
    assert.equal(await result.getAttribute('data-result'), 'match');
    for (const check of ['commitment', 'score', 'stateHash'])
      assert.equal(await page.getByTestId(`check-${check}`).getAttribute('data-ok'), 'true');
    await fitsWidth(page);
    await shot(page, '14-fairness-match');
  });

  it('elder mode enlarges the pages, skins wait for VIP, and the customer-service panel files a report', async () => {
    const page = player;
    await page.goto(`${platform.url}/#/settings`);
    await page.getByTestId('settings-page').waitFor();
    const normalPx = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    await page.getByTestId('elder-toggle').check();
    await page.waitForFunction(() => document.documentElement.classList.contains('elder'));
    const elderPx = await page.evaluate(() => Number.parseFloat(getComputedStyle(document.documentElement).fontSize));
    assert.ok(elderPx > normalPx, `elder mode type ${elderPx}px > ${normalPx}px`);
    assert.equal(await page.getByTestId('skins').getAttribute('data-vip'), 'false');
    assert.equal(await page.getByTestId('skin-gold').isDisabled(), true, 'VIP skins are for VIP players');
    await fitsWidth(page);
    await shot(page, '15-settings-elder');
    await page.goto(`${platform.url}/#/lobby`);
    await page.getByTestId('lobby-page').waitFor();
    assert.ok(await page.evaluate(() => document.documentElement.classList.contains('elder')), 'the choice stays across pages');
    await shot(page, '16-lobby-elder');

    // Feedback that names nobody goes to customer service; a report names the player it is about.
    await page.getByTestId('feedback-open').click();
    await page.getByTestId('feedback-panel').waitFor();
    await page.getByTestId('feedback-text').fill('提现到账的提示不够明显，希望加一个声音提醒');
    await page.getByTestId('feedback-send').click();
    await page.getByTestId('feedback-sent').waitFor();
    const firstSent = await page.getByTestId('feedback-sent').innerText();
    assert.match(firstSent, /已提交/);
    await shot(page, '17-feedback-sent');
    await page.getByTestId('feedback-reason').selectOption('abuse');
    await page.getByTestId('feedback-target').fill(rivalId);
    await page.getByTestId('feedback-text').fill('对局后私信辱骂');
    await page.getByTestId('feedback-send').click();
    await page.waitForFunction((was) => {
      const now = document.querySelector('[data-testid="feedback-sent"]')?.textContent ?? '';
      return now !== was && now.includes('已提交');
    }, firstSent);
    await page.getByTestId('feedback-close').click();
    await page.goto(`${platform.url}/#/settings`);
    await page.getByTestId('elder-toggle').uncheck();
  });

  it('an operator signs in with TOTP, approves a withdrawal waiting for review, and sees the dashboard reflect it all', async () => {
    // The player asks for 25 yuan: at the review line, so it waits for an operator.
    await player.goto(`${platform.url}/#/withdraw`);
    await player.getByTestId('withdraw-limits').waitFor();
    await player.getByTestId('withdraw-amount').fill('25');
    await player.getByTestId('withdraw-submit').click();
    await player.getByTestId('withdraw-status').and(player.locator('[data-state="review"]')).waitFor();
    await shot(player, '18-withdraw-in-review');

    const page = operator;
    await page.goto(`${platform.url}/admin/`);
    await page.getByTestId('username').fill(ADMIN.username);
    await page.getByTestId('password').fill(ADMIN.password);
    await page.getByTestId('totp').fill(await freshTotp());
    await shot(page, '19-console-login');
    await page.getByTestId('sign-in').click();
    await page.getByTestId('ledger-page').waitFor();
    await page.getByTestId('ledger-overview').waitFor();
    await shot(page, '20-console-ledger');
    await page.getByTestId('nav-reviews').click();
    const row = page.locator('tr[data-testid^="review-W"]');
    await row.waitFor();
    assert.match(await row.innerText(), /¥25\.00/);
    await shot(page, '21-review-queue');
    await row.locator('button[data-testid^="approve-"]').click();
    await page.getByTestId('review-done').waitFor();
    await confirmReceipt(player, '22-confirm-approved');
    await player.goto(`${platform.url}/#/wallet`);
    const left = await balanceFen(player, platform.url);

    await page.getByTestId('nav-dashboard').click();
    await page.locator('[data-testid="dashboard-page"][data-loaded="true"]').waitFor();
    // Two players deposited 50 and 30 yuan; 20 and 25 yuan were paid out; the match's rake is revenue.
    const deposits = page.getByTestId('money-deposits');
    assert.equal(await deposits.getAttribute('data-fen'), '8000');
    assert.equal(await deposits.getAttribute('data-count'), '2');
    const paidOut = page.getByTestId('money-withdrawals-completed');
    assert.equal(await paidOut.getAttribute('data-fen'), '4500');
    assert.equal(await paidOut.getAttribute('data-count'), '2');
    assert.equal(await page.getByTestId('money-net-inflow').getAttribute('data-fen'), '3500');
    await page.getByTestId('revenue-sources').locator('tr[data-source="rake"]').waitFor();
    for (const id of ['room_creation_success_rate', 'time_to_first_hand_ms', 'completion_rate', 'd1_retention', 'complaint_rate']) {
      await page.getByTestId(`metric-${id}`).waitFor();
    }
    await page.getByTestId('alerts').waitFor();
    // The room: created at the first attempt, its first hand played and finished.
    const created = page.getByTestId('metric-room_creation_success_rate');
    assert.equal(await created.getAttribute('data-sample'), '1');
    assert.equal(await created.getAttribute('data-value'), '1');
    assert.equal(await page.getByTestId('metric-time_to_first_hand_ms').getAttribute('data-sample'), '1');
    assert.equal(await page.getByTestId('metric-complaint_rate').getAttribute('data-sample'), '1');
    await shot(page, '23-dashboard');
    assert.ok(left >= 0);

    await page.getByTestId('nav-complaints').click();
    await page.getByTestId('complaints-page').waitFor();
    await page.locator(`[data-testid="complaint"][data-target="${rivalId}"]`).waitFor();
    await page.getByTestId('feedback-item').first().waitFor();
    await shot(page, '24-complaints');
    await page.getByTestId('nav-players').click();
    await page.getByTestId('player-query').fill(playerId);
    await page.getByTestId('player-search').click();
    await page.getByTestId('player-result').first().click();
    await page.getByTestId('player-risk').waitFor();
    await page.getByTestId('player-compliance').waitFor();
    await shot(page, '25-player');
    await page.getByTestId('nav-rooms').click();
    await page.getByTestId('rooms-page').waitFor();
    await page.getByTestId(`room-${roomCode}`).click();
    await page.getByTestId('room-detail').waitFor();
    await shot(page, '26-rooms');
    await page.getByTestId('view-hand-1').click();
    await page.getByTestId('hand-replay').waitFor();
    await page.getByTestId('replay-next').click();
    await page.getByTestId('replay-step').getByText(/1/).waitFor();
    await shot(page, '26b-hand-replay');
    await page.getByTestId('nav-exports').click();
    await page.getByTestId('export-kind').selectOption('orders');
    const download = page.waitForEvent('download');
    await page.getByTestId('export-submit').click();
    const file = await download;
    assert.match(file.suggestedFilename(), /^fairground-orders-.*\.csv$/);
    await page.getByTestId('export-done').waitFor();
    await shot(page, '27-exports');
    await page.getByTestId('nav-audit').click();
    await page.getByText('analytics.export').first().waitFor();
    await page.getByText('rooms.view_hand').first().waitFor();
    await shot(page, '28-audit');
  });
});

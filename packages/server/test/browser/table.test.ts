// The 拼三张 table as players see it, in headless Chromium against the real platform: a full
// 3-seat room on a 320-px phone (Chinese) and 375-px phones (English and Chinese). The third
// friend opens the invitation signed out and lands back on it after signing in. Every seat is on
// screen with the player's name; raise choices have no gaps; after the hand everyone's cards stay
// on the table with a result panel. Between hands the 准备 button works: a friend who went offline
// sits the next hand out (shown to everyone), and is dealt in again after clicking ready. The
// owner dissolves the room; the final scoreboard can be shared; the wallet reads as one line per
// event with a running balance that agrees with its lines. No page logs a console error.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'tableadmin',
  password: 'table journey admin password',
  totpSecret: base32Encode(Buffer.from('table-journey-totp!!')),
};
const STEP_TIMEOUT_MS = 20_000;
/** Actions a hand takes at most before this test calls it stuck. */
const HAND_STEPS_MAX = 60;

interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly width: number;
  id: string;
  readonly errors: string[];
}

function phone(width: number, locale: string) {
  return { viewport: { width, height: 720 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale };
}

async function signIn(p: Person, lang: 'zh' | 'en'): Promise<void> {
  const page = p.page;
  await page.getByTestId('login-page').waitFor();
  if (lang === 'en') {
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Sign in with WeChat (sandbox)').waitFor();
  }
  await page.getByTestId('sandbox-user').fill(p.name);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
}

/** The signed-in player's id and nickname, as the API knows them. */
async function whoAmI(page: Page): Promise<{ id: string; nickname: string }> {
  return page.evaluate(() =>
    fetch('/api/me', {
      headers: { authorization: `Bearer ${JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}').accessToken}` },
    }).then((r) => r.json()),
  );
}

async function operatorToken(url: string): Promise<string> {
  const login = await fetch(`${url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  return ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
}

async function creditCny(url: string, playerId: string, amountFen: number): Promise<void> {
  const r = await fetch(`${url}/api/admin/players/${playerId}/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${await operatorToken(url)}` },
    body: JSON.stringify({ asset: 'CNY', amountFen, reason: 'table journey: starting balance', idempotencyKey: `table-${playerId}` }),
  });
  assert.equal(r.status, 201, await r.text());
}

/** Every seat's box lies inside the viewport's width, and shows the player's name (never an id). */
async function assertSeatsVisible(p: Person, names: ReadonlyMap<string, string>): Promise<void> {
  for (let seat = 0; seat < 3; seat++) {
    const box = await p.page.getByTestId(`seat-${seat}`).boundingBox();
    assert.ok(box, `seat ${seat} is drawn for ${p.name}`);
    assert.ok(box.x >= 0 && box.x + box.width <= p.width + 0.5, `seat ${seat} fits ${p.width} px for ${p.name}: ${JSON.stringify(box)}`);
    const player = (await p.page.getByTestId(`seat-${seat}`).getAttribute('data-player')) ?? '';
    const shown = (await p.page.getByTestId(`seat-${seat}-name`).innerText()).trim();
    assert.equal(shown, names.get(player), `seat ${seat} shows its player's name`);
    assert.doesNotMatch(shown, /^p_/);
  }
  // The countdown never covers a name.
  const countdown = p.page.getByTestId('countdown');
  if ((await countdown.count()) > 0) {
    const c = await countdown.boundingBox();
    for (let seat = 0; seat < 3; seat++) {
      const n = await p.page.getByTestId(`seat-${seat}-name`).boundingBox();
      const apart = !c || !n || c.x + c.width <= n.x || n.x + n.width <= c.x || c.y + c.height <= n.y || n.y + n.height <= c.y;
      assert.ok(apart, `the countdown is clear of seat ${seat}'s name`);
    }
  }
}

describe('the table on a phone', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  let host: Person;
  let bob: Person;
  let carol: Person;
  let players: Person[] = [];
  let shareUrl = '';
  const names = new Map<string, string>();

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    const make = async (name: string, width: number, locale: string, ip: string): Promise<Person> => {
      const context = await browser.newContext({ ...phone(width, locale), extraHTTPHeaders: { 'x-forwarded-for': ip } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      const errors: string[] = [];
      page.on('console', (m) => {
        // A phone that lost its network (which this test does on purpose) logs its failed reconnects.
        if (m.type() === 'error' && !/ERR_INTERNET_DISCONNECTED|WebSocket connection to .* failed/.test(m.text())) errors.push(m.text());
      });
      page.on('pageerror', (e) => errors.push(String(e)));
      page.on('dialog', (d) => void d.accept());
      return { name, context, page, width, id: '', errors };
    };
    host = await make('hostess', 320, 'zh-CN', '203.0.113.31');
    bob = await make('bob', 375, 'en-US', '203.0.113.32');
    carol = await make('carol', 375, 'zh-CN', '203.0.113.33');
    players = [host, bob, carol];
    for (const p of [host, bob]) {
      await p.page.goto(`${platform.url}/`);
      await signIn(p, p === bob ? 'en' : 'zh');
      await p.page.getByTestId('lobby-page').waitFor();
      const me = await whoAmI(p.page);
      p.id = me.id;
      names.set(p.id, me.nickname);
    }
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('the host creates a 3-seat room; bob joins from the link; carol opens it signed out and is back on it after signing in', async () => {
    await creditCny(platform.url, host.id, 3000);
    const page = host.page;
    await page.getByTestId('open-rooms').click();
    await page.getByTestId('buy-cards').click();
    await page.getByTestId('confirm-spend').click();
    await page.locator('[data-testid="room-card-balance"]', { hasText: '5' }).waitFor();
    await page.getByTestId('open-create-room').click();
    await page.getByTestId('health-notice').waitFor();
    await page.getByTestId('create-next').click();
    await page.getByTestId('fee-quote').waitFor();
    assert.equal(await page.getByTestId('health-notice').count(), 0, 'the health notice is shown once per creation, not at every step');
    // The phone's back button goes one step back, not out of the creation.
    await page.goBack();
    await page.getByTestId('create-next').click();
    await page.getByTestId('fee-quote').waitFor();
    await page.getByTestId('create-confirm').click();
    shareUrl = await page.getByTestId('share-link').inputValue();
    await page.getByTestId('enter-room').click();
    await page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();

    await bob.page.goto(shareUrl);
    await bob.page.getByTestId('join-seat').click();
    await bob.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();

    await carol.page.goto(shareUrl);
    await signIn(carol, 'zh');
    await carol.page.getByTestId('join-preview').waitFor();
    assert.match(carol.page.url(), /#\/join\/\d{6}\?i=/, 'the invitation survived sign-in and the agreement');
    await carol.page.getByTestId('join-seat').click();
    await carol.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    const me = await whoAmI(carol.page);
    carol.id = me.id;
    names.set(carol.id, me.nickname);
    await host.page.locator(`[data-testid="seat-2"][data-player="${carol.id}"]`).waitFor();
  });

  it('shows every seat with its player’s name at 320 and 375 px, and raise choices without gaps', async () => {
    for (const p of players) await p.page.getByTestId('ready-button').click();
    for (const p of players) await p.page.locator('[data-testid="hand-number"][data-hand="1"]').waitFor();
    for (const p of players) {
      await assertSeatsVisible(p, names);
      await screenshot(p.page, `table-1-hand-${p.width}-${p === bob ? 'en' : 'zh'}-${p === host ? 'host' : p === bob ? 'bob' : 'carol'}`);
    }
    let sawRaise = false;
    for (let step = 0; step < HAND_STEPS_MAX; step++) {
      const turn = await host.page
        .getByTestId('turn-seat')
        .getAttribute('data-seat', { timeout: 4000 })
        .catch(() => null);
      if (turn === null) break;
      let who: Person | undefined;
      for (const p of players) if ((await p.page.getByTestId('table-page').getAttribute('data-my-seat')) === turn) who = p;
      assert.ok(who, `someone sits at seat ${turn}`);
      const page = who.page;
      await page.getByTestId('actions').waitFor();
      const raises = page.locator('[data-testid^="raise-"][aria-pressed]');
      if (!sawRaise && (await raises.count()) > 1) {
        const values = (await raises.allInnerTexts()).map(Number);
        for (let i = 1; i < values.length; i++)
          assert.equal(values[i], (values[i - 1] as number) + 1, `raise choices without gaps: ${values}`);
        await screenshot(page, `table-2-raise-${who.width}`);
        sawRaise = true;
      }
      const before = await host.page.getByTestId('table-page').getAttribute('data-version');
      const compare = page.locator('[data-testid^="act-compare-"]').first();
      if (step >= 2 && (await compare.count())) await compare.click();
      else await page.getByTestId('act-call').click();
      await host.page.waitForFunction(
        (prev) => document.querySelector('[data-testid="table-page"]')?.getAttribute('data-version') !== prev,
        before,
      );
    }
    assert.ok(sawRaise, 'a player was offered raise choices');
  });

  it('keeps everyone’s cards on the table after the hand, with a result panel', async () => {
    for (const p of players) {
      await p.page.locator('[data-testid="result-panel"][data-hand="1"]').waitFor();
      for (let seat = 0; seat < 3; seat++) {
        const cards = await p.page.getByTestId(`seat-${seat}-cards`).getAttribute('data-cards');
        assert.match(cards ?? '', /^\w\w,\w\w,\w\w$/, `seat ${seat}'s cards stay visible for ${p.name}`);
      }
      const sum = await p.page
        .locator('[data-testid="result-panel"] [data-points]')
        .evaluateAll((els) => els.reduce((a, e) => a + Number(e.getAttribute('data-points')), 0));
      assert.equal(sum, 0, 'the result panel sums to zero');
      await screenshot(p.page, `table-3-result-${p.width}-${p === bob ? 'en' : 'zh'}`);
    }
  });

  it('between hands: an offline friend sits the next hand out, shown to everyone, and is back in after clicking ready', async () => {
    const carolSeat = (await carol.page.getByTestId('table-page').getAttribute('data-my-seat')) ?? '';
    await carol.context.setOffline(true);
    await carol.page.evaluate(() => window.dispatchEvent(new Event('offline')));
    await host.page.locator(`[data-testid="seat-${carolSeat}"][data-connected="false"]`).waitFor();
    for (const p of [host, bob]) await p.page.getByTestId('ready-button').click();
    await host.page.locator('[data-testid="hand-number"][data-hand="2"]').waitFor();
    await bob.page.locator(`[data-testid="seat-${carolSeat}"][data-sitting-out="true"][data-in-hand="false"]`).waitFor();
    await screenshot(host.page, 'table-4-sitting-out-320');
    await carol.context.setOffline(false);
    await carol.page.evaluate(() => window.dispatchEvent(new Event('online')));
    await carol.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    assert.equal(await carol.page.getByTestId('actions').count(), 0, 'a player sitting out has nothing to do in the hand');
    // Host and Bob finish hand 2 between them.
    for (let step = 0; step < HAND_STEPS_MAX; step++) {
      const turn = await host.page
        .getByTestId('turn-seat')
        .getAttribute('data-seat', { timeout: 4000 })
        .catch(() => null);
      if (turn === null) break;
      const who = (await host.page.getByTestId('table-page').getAttribute('data-my-seat')) === turn ? host : bob;
      await who.page.getByTestId('act-fold').click();
      // Wait for the fold itself (the turn moves on or the hand ends), not for any new version:
      // Carol's return also changes the room, and reading the turn before the fold lands would
      // send the same player to act twice.
      await host.page.waitForFunction(
        (prev) => document.querySelector('[data-testid="turn-seat"]')?.getAttribute('data-seat') !== prev,
        turn,
      );
    }
    await host.page.locator('[data-testid="result-panel"][data-hand="2"]').waitFor();
    await carol.page.getByTestId('ready-button').click();
    await host.page.locator(`[data-testid="seat-${carolSeat}"][data-ready="true"]`).waitFor();
    for (const p of [host, bob]) await p.page.getByTestId('ready-button').click();
    await host.page.locator('[data-testid="hand-number"][data-hand="3"]').waitFor();
    await host.page.locator(`[data-testid="seat-${carolSeat}"][data-in-hand="true"]`).waitFor();
  });

  it('the owner dissolves the room: the final scoreboard can be shared, and the wallet reads line by line', async () => {
    await host.page.getByTestId('dissolve-button').click();
    await host.page.locator('[data-testid="scoreboard"][data-final="true"]').waitFor();
    await host.page.getByTestId('share-scores').click();
    await host.page.getByTestId('share-scores-outcome').waitFor();
    await screenshot(host.page, 'table-5-final-320');
    await bob.page.locator('[data-testid="scoreboard"][data-final="true"]').waitFor();
    await screenshot(bob.page, 'table-5-final-375-en');

    // The hand history names the players and paints hearts and diamonds red.
    const roomId = (await host.page.getByTestId('table-page').getAttribute('data-room-id')) ?? '';
    await host.page.goto(`${platform.url}/#/room-history/${roomId}`);
    const firstHand = host.page.getByTestId('history-hand-1');
    await firstHand.waitFor();
    await firstHand.getByText(names.get(bob.id) ?? 'bob').waitFor();
    const seatLines = await firstHand.locator('[data-testid^="history-1-seat-"]').allInnerTexts();
    for (const line of seatLines) assert.doesNotMatch(line, /\bp_[a-z0-9]+/, 'no player id in the history');
    const redOk = await firstHand
      .locator('.card-face')
      .evaluateAll((faces) => faces.every((f) => /[♥♦]/.test(f.textContent ?? '') === f.classList.contains('red')));
    assert.ok(redOk, 'hearts and diamonds, and only they, are red');
    await screenshot(host.page, 'table-7-history-320');

    await host.page.goto(`${platform.url}/#/wallet`);
    const lines = host.page.getByTestId('history-item');
    await lines.first().waitFor();
    const rows = await lines.evaluateAll((els) =>
      els.map((e) => ({
        code: e.getAttribute('data-code'),
        asset: e.getAttribute('data-asset'),
        effect: Number(e.getAttribute('data-effect')),
        balance: e.getAttribute('data-balance'),
      })),
    );
    const purchase = rows.filter((r) => r.code === 'room_card_purchase');
    assert.equal(purchase.length, 1, 'a room-card purchase is one line (its cash and its cards)');
    const cash = rows.filter((r) => r.asset === 'CNY');
    assert.equal(
      Number(cash[0]?.balance),
      Number(await host.page.getByTestId('balance-CNY').getAttribute('data-posted')),
      'the newest line ends at today’s balance',
    );
    for (let i = 0; i + 1 < cash.length; i++) {
      const line = cash[i] as (typeof cash)[number];
      const older = cash[i + 1] as (typeof cash)[number];
      assert.equal(Number(older.balance) + line.effect, Number(line.balance), 'each line moves the balance by its own amount');
    }
    await screenshot(host.page, 'table-6-wallet-320');
  });

  it('logged no console error on any page', () => {
    for (const p of players) assert.deepEqual(p.errors, [], `${p.name}'s console`);
  });
});

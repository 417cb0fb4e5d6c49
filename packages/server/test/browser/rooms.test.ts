// A 拼三张 friend room in headless Chromium against the real platform process (main.ts, SQLite,
// real clock): the host buys room cards and creates a 3-seat room in three steps and shares the
// link; two friends open the link in their own browsers and take seats, a third watches; they play
// a hand; one of them reloads mid-hand and is back at the same seat; a dropped connection shows
// the reconnection banner; the hand's fairness data is shown and verifies in the browser. Each
// browser stands for a different network address (X-Forwarded-For from loopback, as a local
// reverse proxy sends it), so the same-IP rule lets them sit together. The hand is then
// time-stamped by the platform's local TSA: the fairness and history pages show the authority's
// time and name and check the Merkle proof in the browser, the evidence bundle downloaded from the
// page verifies with verify-bundle.mjs and openssl, and the console's notary page shows the root.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, DESK_CONTEXT, launchBrowser, RESULTS_DIR, type RunningPlatform, screenshot, startPlatform } from './harness.ts';

const ADMIN = {
  username: 'roomsadmin',
  password: 'rooms journey admin password',
  totpSecret: base32Encode(Buffer.from('rooms-journey-totp!!')),
};
const STEP_TIMEOUT_MS = 20_000;
const PHONE = { viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;

interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  id: string;
}

async function signIn(p: Person, url: string): Promise<void> {
  const page = p.page;
  await page.goto(`${url}/`);
  await page.getByTestId('login-page').waitFor();
  await page.getByTestId('sandbox-user').fill(p.name);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
  await page.getByTestId('lobby-page').waitFor();
  p.id = (await page.getByTestId('player-id').innerText()).trim();
}

/** The operator's session, signed in once: a TOTP code is good for one sign-in only. */
let operatorTokens: { accessToken: string } | null = null;

async function operatorToken(url: string): Promise<string> {
  if (operatorTokens !== null) return operatorTokens.accessToken;
  const login = await fetch(`${url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
  });
  assert.equal(login.status, 200, await login.clone().text());
  operatorTokens = ((await login.json()) as { tokens: { accessToken: string } }).tokens;
  return operatorTokens.accessToken;
}

async function creditCny(url: string, playerId: string, amountFen: number): Promise<void> {
  const token = await operatorToken(url);
  const r = await fetch(`${url}/api/admin/players/${playerId}/adjustments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      asset: 'CNY',
      amountFen,
      reason: 'rooms journey: starting balance',
      idempotencyKey: `rooms-journey-${playerId}`,
    }),
  });
  assert.equal(r.status, 201, await r.text());
}

describe('a friend room in the browser', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const people: Person[] = [];
  let host: Person;
  let bob: Person;
  let carol: Person;
  let dave: Person;
  let shareUrl = '';
  let roomId = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      // The notary stamps every half second here instead of every minute, so the journey sees it.
      FAIRGROUND_JOB_INTERVALS_MS: 'notary.attest=500',
    });
    browser = await launchBrowser();
    for (const [i, name] of ['roomhost', 'roombob', 'roomcarol', 'roomdave'].entries()) {
      const context = await browser.newContext({ ...PHONE, extraHTTPHeaders: { 'x-forwarded-for': `203.0.113.${i + 10}` } });
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      if (process.env.ROOMS_DEBUG) {
        page.on('websocket', (ws) => {
          ws.on('framesent', (f) => console.log(name, '>>', String(f.payload).slice(0, 200)));
          ws.on('framereceived', (f) => console.log(name, '<<', String(f.payload).slice(0, 120)));
          ws.on('close', () => console.log(name, 'ws closed'));
        });
        page.on('console', (m) => console.log(name, 'console', m.text()));
      }
      people.push({ name, context, page, id: '' });
    }
    [host, bob, carol, dave] = people as [Person, Person, Person, Person];
    for (const p of people) await signIn(p, platform.url);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  it('the host buys room cards and creates a 3-seat room in three steps, then shares the link', async () => {
    await creditCny(platform.url, host.id, 3000);
    const page = host.page;
    await page.getByTestId('open-rooms').click();
    await page.getByTestId('rooms-hub').waitFor();
    await page.getByTestId('buy-cards').click();
    await page.getByTestId('confirm-spend').click();
    await page.locator('[data-testid="room-card-balance"]', { hasText: '5' }).waitFor();
    await page.getByTestId('open-create-room').click();
    // Step 1: the defaults (classic, 3 seats, 8 hands, base 1).
    await page.getByTestId('room-create-page').waitFor();
    assert.equal(await page.getByTestId('value-seats').innerText(), '3');
    await screenshot(page, 'rooms-1-params');
    await page.getByTestId('create-next').click();
    // Step 2: the fee, confirmed.
    const quote = page.getByTestId('fee-quote');
    await quote.waitFor();
    assert.equal(await quote.getAttribute('data-cards'), '3', 'the owner pays three room cards for three seats');
    await screenshot(page, 'rooms-2-fee');
    await page.getByTestId('create-confirm').click();
    // Step 3: the code and the share link.
    const code = (await page.getByTestId('room-code').innerText()).trim();
    assert.match(code, /^[0-9]{6}$/);
    shareUrl = await page.getByTestId('share-link').inputValue();
    assert.ok(shareUrl.startsWith(`${platform.url}/#/join/${code}?i=`), shareUrl);
    await page.getByTestId('share-qr').waitFor();
    await screenshot(page, 'rooms-3-share');
    await page.getByTestId('enter-room').click();
    await page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    roomId = (await page.getByTestId('table-page').getAttribute('data-room-id')) ?? '';
    assert.match(roomId, /^room_/);
  });

  it('two friends take seats from the link and a third watches', async () => {
    for (const p of [bob, carol]) {
      await p.page.goto(shareUrl);
      await p.page.getByTestId('join-preview').waitFor();
      await p.page.getByTestId('join-seat').click();
      await p.page.getByTestId('confirm-spend').or(p.page.locator('[data-testid="table-page"]')).first().waitFor();
      if (await p.page.getByTestId('confirm-spend').isVisible()) await p.page.getByTestId('confirm-spend').click();
      await p.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
    }
    await dave.page.goto(shareUrl);
    await dave.page.getByTestId('join-watch').click();
    await dave.page.getByTestId('spectating').waitFor();
    const seats = await Promise.all([host, bob, carol].map((p) => p.page.getByTestId('table-page').getAttribute('data-my-seat')));
    assert.deepEqual(seats.sort(), ['0', '1', '2']);
    await host.page.locator(`[data-testid="seat-2"][data-player="${carol.id}"]`).waitFor();
    await screenshot(dave.page, 'rooms-4-spectator-waiting');
  });

  it('they play a hand; a player who reloads mid-hand is back at the same seat', async () => {
    for (const p of [host, bob, carol]) await p.page.getByTestId('ready-button').click();
    for (const p of [...people]) await p.page.locator('[data-testid="hand-number"][data-hand="1"]').waitFor();
    await screenshot(host.page, 'rooms-5-hand-started');
    let reloaded = false;
    let dropped = false;
    for (let step = 0; step < 60; step++) {
      const turn = await host.page
        .getByTestId('turn-seat')
        .getAttribute('data-seat', { timeout: 3000 })
        .catch(() => null);
      if (turn === null) break;
      let actor: Person | undefined;
      for (const p of [host, bob, carol]) if ((await p.page.getByTestId('table-page').getAttribute('data-my-seat')) === turn) actor = p;
      assert.ok(actor, `someone sits at seat ${turn}`);
      const page = actor.page;
      await page.getByTestId('actions').waitFor();
      if (step === 0) {
        await page.getByTestId('act-look').click();
        await page.locator(`[data-testid="seat-${turn}-cards"]:not([data-cards=""])`).waitFor();
      }
      const before = await host.page.getByTestId('table-page').getAttribute('data-version');
      const compare = page.locator('[data-testid^="act-compare-"]').first();
      if (await compare.count()) await compare.click();
      else await page.getByTestId('act-call').click();
      // Everyone's table moves on with the action (the host's page stands for all of them).
      await host.page.waitForFunction(
        (prev) => document.querySelector('[data-testid="table-page"]')?.getAttribute('data-version') !== prev,
        before,
      );
      const stillPlaying = (await host.page.getByTestId('turn-seat').count()) > 0;
      if (!reloaded && stillPlaying) {
        // Mid-hand: Bob reloads the page and is back at his seat, with his view of the same hand.
        const seatBefore = await bob.page.getByTestId('table-page').getAttribute('data-my-seat');
        await bob.page.reload();
        await bob.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
        assert.equal(await bob.page.getByTestId('table-page').getAttribute('data-my-seat'), seatBefore, 'the same seat after a reload');
        await bob.page.locator('[data-testid="hand-number"][data-hand="1"]').waitFor();
        await screenshot(bob.page, 'rooms-6-after-reload');
        reloaded = true;
      } else if (!dropped && stillPlaying) {
        // Carol's phone loses its network mid-hand: the banner says so, and she is back when it returns.
        await carol.context.setOffline(true);
        await carol.page.evaluate(() => window.dispatchEvent(new Event('offline')));
        await carol.page.getByTestId('reconnect-banner').waitFor();
        await screenshot(carol.page, 'rooms-7-connection-lost');
        await carol.context.setOffline(false);
        await carol.page.evaluate(() => window.dispatchEvent(new Event('online')));
        await carol.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
        assert.equal(await carol.page.getByTestId('reconnect-banner').count(), 0);
        dropped = true;
      }
      // The spectator never sees a hidden card.
      const shown = await dave.page.locator('[data-testid$="-cards"]:not([data-cards=""])').count();
      if ((await dave.page.getByTestId('turn-seat').count()) > 0) assert.equal(shown, 0, 'the spectator sees no cards during the hand');
    }
    assert.ok(reloaded, 'a player reloaded mid-hand');
    await host.page.getByTestId('last-hand').waitFor();
  });

  it('shows the fairness data of that hand, and it verifies in the browser', async () => {
    const page = host.page;
    const commitment = (await page.getByTestId('last-commitment').innerText()).trim();
    const seed = (await page.getByTestId('last-server-seed').innerText()).trim();
    assert.match(commitment, /^[0-9a-f]{64}$/);
    assert.match(seed, /^[0-9a-f]{64}$/);
    await screenshot(page, 'rooms-8-fairness-data');
    await page.getByTestId('verify-last-hand').click();
    const verdict = page.getByTestId('fairness-result');
    await verdict.waitFor();
    assert.equal(await verdict.getAttribute('data-result'), 'match');
    await screenshot(page, 'rooms-9-verified');
    await dave.page.goto(`${platform.url}/#/room-history/${roomId}`);
    await dave.page.locator('[data-testid="history-hand-1"][data-verified="true"]').waitFor();
  });

  it('shows the hand’s time-stamp on the fairness page, checks its proof in the browser, and the downloaded bundle verifies', async () => {
    const page = host.page;
    const fairness = `${platform.url}/#/fairness?id=${roomId}/1`;
    // The notary.attest job stamps within a second; the page reads the attestation when it opens.
    let state = '';
    for (let i = 0; i < 40 && state !== 'attested'; i++) {
      await page.goto('about:blank');
      await page.goto(fairness);
      const a = page.getByTestId('attestation-1');
      await a.waitFor();
      await page.waitForFunction(() => document.querySelector('[data-testid="attestation-1"]')?.getAttribute('data-state') !== null);
      state = (await a.getAttribute('data-state')) ?? '';
      if (state !== 'attested') await new Promise((r) => setTimeout(r, 250));
    }
    assert.equal(state, 'attested');
    const a = page.getByTestId('attestation-1');
    assert.equal(await a.getAttribute('data-proof'), 'true', 'the Merkle proof checks out in the browser');
    assert.equal(await page.getByTestId('attestation-record').getAttribute('data-ok'), 'true', 'the attested record is the verified hand');
    assert.match(await page.getByTestId('attestation-time').innerText(), /\d{2}:\d{2}/);
    assert.match(await page.getByTestId('attestation-authority').innerText(), /TSA/);
    await screenshot(page, 'rooms-10-attested');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('attestation-download').click()]);
    const file = join(RESULTS_DIR, `${roomId}-hand-1.bundle.json`);
    await download.saveAs(file);
    const bundle = JSON.parse(readFileSync(file, 'utf8')) as { record: string; root: string };
    assert.equal(JSON.parse(bundle.record).handNumber, 1);
    // The CA comes from the time-stamping authority itself (its address from the console), never from the bundle.
    const status = await fetch(`${platform.url}/api/admin/notary`, {
      headers: { authorization: `Bearer ${await operatorToken(platform.url)}` },
    });
    const tsaUrl = ((await status.json()) as { tsaUrl: string }).tsaUrl;
    const ca = join(RESULTS_DIR, 'rooms-journey-tsa-ca.pem');
    writeFileSync(ca, await (await fetch(new URL('/certs/ca.pem', tsaUrl))).text());
    const script = new URL('../../../timestamp/verify-bundle.mjs', import.meta.url).pathname;
    const r = spawnSync(process.execPath, [script, file, '--ca', ca], { encoding: 'utf8', timeout: 60_000 });
    assert.equal(r.status, 0, `${r.stdout}${r.stderr}`);
    assert.match(r.stdout, /Verification: OK/);

    // The hand history shows the same, on the narrowest phone.
    await dave.page.setViewportSize({ width: 320, height: 640 });
    await dave.page.goto('about:blank');
    await dave.page.goto(`${platform.url}/#/room-history/${roomId}`);
    await dave.page.locator('[data-testid="attestation-1"][data-state="attested"][data-proof="true"]').waitFor();
    const overflow = await dave.page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    assert.ok(overflow <= 0, `no sideways scrolling at 320 px (${overflow} px too wide)`);
    await screenshot(dave.page, 'rooms-11-history-attested-320');
  });

  it('the console’s notary page shows the lag, the queue and the signed root', async () => {
    const context = await browser.newContext(DESK_CONTEXT);
    try {
      // The operator's session from this journey (signed in with its one-time code once, above).
      await operatorToken(platform.url);
      await context.addInitScript((tokens) => localStorage.setItem('fg.operator.tokens', tokens), JSON.stringify(operatorTokens));
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      await page.goto(`${platform.url}/admin/`);
      await page.getByTestId('nav-notary').click();
      await page.getByTestId('notary-page').waitFor();
      await page.locator('[data-testid="notary-root"][data-state="attested"]').first().waitFor();
      assert.equal(await page.getByTestId('notary-lag').getAttribute('data-over'), 'false');
      await screenshot(page, 'rooms-12-console-notary');
    } finally {
      await context.close();
    }
  });
});

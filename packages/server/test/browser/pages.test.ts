// Every player page, in Chinese on a 320-px phone and in English on a 375-px one, against the real
// platform: no code-shaped text (`ROOM_NOT_FOUND`, `room_fee`), no English words in the Chinese
// pages, no button or input left with the browser's default look, nothing wider than the screen,
// and no console error. Screenshots of each page land in test-results/pages/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { type Finding, inspect } from './inspect.ts';

const ADMIN = {
  username: 'pagesadmin',
  password: 'pages walk admin password',
  totpSecret: base32Encode(Buffer.from('pages-walk-totp-key!')),
};
const STEP_TIMEOUT_MS = 15_000;

async function signedInPage(
  browser: Browser,
  url: string,
  width: number,
  lang: 'zh' | 'en',
  ip: string,
): Promise<{ page: Page; token: string; id: string; nickname: string }> {
  const context = await browser.newContext({
    viewport: { width, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: lang === 'zh' ? 'zh-CN' : 'en-US',
    extraHTTPHeaders: { 'x-forwarded-for': ip },
  });
  await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  await page.goto(`${url}/`);
  await page.getByTestId('sandbox-user').fill(`pages${lang}`);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
  await page.getByTestId('lobby-page').waitFor();
  const tokens = await page.evaluate(() => JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string });
  const me = (await (await fetch(`${url}/api/me`, { headers: { authorization: `Bearer ${tokens.accessToken}` } })).json()) as {
    id: string;
    nickname: string;
  };
  return { page, token: tokens.accessToken, id: me.id, nickname: me.nickname };
}

async function api(url: string, token: string, method: string, path: string, body?: unknown): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json()) as Record<string, unknown>;
  assert.ok(r.ok, `${method} ${path}: ${JSON.stringify(json)}`);
  return json;
}

describe('every player page in both languages', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const findings: Finding[] = [];
  let opToken = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    // One operator sign-in for both walks: a one-time code is accepted once.
    const login = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    opToken = ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  for (const [lang, width] of [
    ['zh', 320],
    ['en', 375],
  ] as const) {
    it(`walks every page in ${lang} at ${width} px`, async () => {
      const { page, token, id, nickname } = await signedInPage(
        browser,
        platform.url,
        width,
        lang,
        lang === 'zh' ? '203.0.113.61' : '203.0.113.62',
      );
      let current = 'lobby';
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        // The browser logs every refused API request; a refusal the page then explains in words
        // (checked below for the bad room link) is the page working, not an error.
        if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && /\/api\//.test(m.location().url))
          return;
        findings.push({ route: current, lang, problem: `console: ${m.text()} ${m.location().url}` });
      });
      page.on('pageerror', (e) => findings.push({ route: current, lang, problem: `page error: ${String(e)}` }));
      // Money and a room of the player's own, so the wallet, the room lobby and the table have something to show.
      await api(platform.url, opToken, 'POST', `/api/admin/players/${id}/adjustments`, {
        asset: 'CNY',
        amountFen: 5000,
        reason: 'pages walk: starting balance',
        idempotencyKey: `pages-${id}`,
      });
      await api(platform.url, token, 'POST', '/api/rooms/cards/purchase', { quantity: 5, idempotencyKey: `pages-cards-${id}` });
      const body = { params: { mode: 'classic' }, fee: { mode: 'room_card', payer: 'owner' } };
      const quote = (await api(platform.url, token, 'POST', '/api/rooms/quote', body)) as { fee: { owner: unknown } };
      const created = await api(platform.url, token, 'POST', '/api/rooms', { ...body, expectedFee: quote.fee.owner });
      const roomId = typeof created.roomId === 'string' ? created.roomId : '';
      const code = typeof created.code === 'string' ? created.code : '000000';

      const routes = [
        'lobby',
        'wallet',
        'deposit',
        'withdraw',
        'payments',
        'responsible',
        'realname',
        'settings',
        'fairness',
        'inbox',
        'skill',
        'skill-tournaments',
        'skill-leaderboards',
        'rooms',
        'room-create',
        `join/${code}`,
        'join/999999',
        'room-rules',
        `room/${roomId}`,
        `room-history/${roomId}`,
        `room-rules/${roomId}`,
        'terms',
      ];
      for (const route of routes) {
        current = route;
        // A fresh load of each page, so "nothing left to fetch" means the page has all its data.
        await page.goto(`${platform.url}/#/${route}`);
        await page.reload({ waitUntil: 'networkidle' });
        await page.locator('main.page:not([aria-busy="true"])').first().waitFor();
        for (const problem of await inspect(page, lang, [nickname])) findings.push({ route, lang, problem });
        if (route === 'join/999999') {
          const said = await page.getByTestId('join-error').innerText();
          assert.match(said, lang === 'zh' ? /没有找到这个房间/ : /No such room/, 'a bad room link explains itself');
        }
        await screenshot(page, `pages/${lang}-${width}-${route.replace(/[/?=]/g, '_')}`);
      }
    });
  }

  it('found nothing untranslated, code-shaped, unstyled, too wide or logged as an error', () => {
    assert.deepEqual(findings, []);
  });
});

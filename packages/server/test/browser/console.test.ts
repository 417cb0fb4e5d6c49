// The operations console on an on-call operator's 375-px phone, in Chinese and in English, against
// the real platform: every page with the checks the player pages get (no code-shaped or
// untranslated text, no unstyled control, nothing wider than the screen, no console error), and
// the sign-in page's refusal in words. Screenshots land in test-results/console/.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from './harness.ts';
import { type Finding, inspect } from './inspect.ts';

const ADMIN = {
  username: 'consolewalk',
  password: 'console walk admin password',
  totpSecret: base32Encode(Buffer.from('console-walk-totp-k!')),
};
const STEP_TIMEOUT_MS = 15_000;
const WIDTH_PX = 375;
/** Latin a Chinese console page may show besides the player pages' list: the names of the things operators handle. */
const CONSOLE_LATIN = ['TOTP', 'CSV', 'JSON', 'Redis', 'PostgreSQL', 'SQLite', 'NPPA', 'RFC'];

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

describe('the console at 375 px in both languages', () => {
  let platform: RunningPlatform;
  let browser: Browser;
  const findings: Finding[] = [];
  let tokens: Record<string, unknown> = {};
  let playerId = '';
  let roomId = '';
  let nickname = '';

  before(async () => {
    buildClients();
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
    });
    browser = await launchBrowser();
    const login = async (code: string) =>
      fetch(`${platform.url}/api/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: code }),
      });
    const code = totp(base32Decode(ADMIN.totpSecret), Date.now());
    // A refused sign-in first, so the audit log has one to show.
    assert.equal((await login(code === '000000' ? '111111' : '000000')).status, 401);
    tokens = ((await (await login(code)).json()) as { tokens: Record<string, unknown> }).tokens;
    const op = String(tokens.accessToken);

    // A player with money, room cards and a room: the players, ledger and rooms pages show something.
    const dev = await fetch(`${platform.url}/api/auth/dev/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ handle: 'consoleplayer' }),
    });
    const signed = (await dev.json()) as { tokens: { accessToken: string }; player: { id: string; nickname: string } };
    const token = signed.tokens.accessToken;
    playerId = signed.player.id;
    nickname = signed.player.nickname;
    const terms = (await (await fetch(`${platform.url}/api/terms`)).json()) as { version: string };
    await api(platform.url, token, 'POST', '/api/me/terms', { version: terms.version });
    await api(platform.url, op, 'POST', `/api/admin/players/${playerId}/adjustments`, {
      asset: 'CNY',
      amountFen: 5000,
      reason: 'console walk: starting balance',
      idempotencyKey: `console-${playerId}`,
    });
    await api(platform.url, token, 'POST', '/api/rooms/cards/purchase', { quantity: 5, idempotencyKey: `console-cards-${playerId}` });
    const body = { params: { mode: 'classic' }, fee: { mode: 'room_card', payer: 'owner' } };
    const quote = (await api(platform.url, token, 'POST', '/api/rooms/quote', body)) as { fee: { owner: unknown } };
    const created = await api(platform.url, token, 'POST', '/api/rooms', { ...body, expectedFee: quote.fee.owner });
    roomId = String(created.roomId);
  });

  after(async () => {
    await browser?.close();
    await platform?.stop();
  });

  for (const lang of ['zh', 'en'] as const) {
    it(`walks every console page in ${lang} at ${WIDTH_PX} px`, async () => {
      const context = await browser.newContext({
        viewport: { width: WIDTH_PX, height: 740 },
        deviceScaleFactor: 2,
        isMobile: true,
        hasTouch: true,
        locale: lang === 'zh' ? 'zh-CN' : 'en-US',
      });
      await context.addInitScript((l) => localStorage.setItem('fg.lang', l), lang);
      const page = await context.newPage();
      page.setDefaultTimeout(STEP_TIMEOUT_MS);
      let current = 'login';
      page.on('console', (m) => {
        if (m.type() !== 'error') return;
        // A refused request the page explains in words (the wrong code below) is the page working.
        if (/^Failed to load resource: the server responded with a status of 4\d\d/.test(m.text()) && /\/api\//.test(m.location().url))
          return;
        findings.push({ route: current, lang, problem: `console: ${m.text()} ${m.location().url}` });
      });
      page.on('pageerror', (e) => findings.push({ route: current, lang, problem: `page error: ${String(e)}` }));

      // Signed out: the sign-in page, and a wrong code refused in the operator's words.
      await page.goto(`${platform.url}/admin/`);
      await page.getByTestId('login-page').waitFor();
      for (const problem of await inspect(page, lang, [], CONSOLE_LATIN)) findings.push({ route: 'login', lang, problem });
      await page.getByTestId('username').fill(ADMIN.username);
      await page.getByTestId('password').fill(ADMIN.password);
      await page.getByTestId('totp').fill('000000');
      await page.getByTestId('sign-in').click();
      const refused = await page.getByTestId('login-error').innerText();
      assert.match(refused, lang === 'zh' ? /动态验证码错误|用户名或密码错误/ : /one-time code|Wrong username or password/);
      assert.doesNotMatch(refused, /[A-Z]+_[A-Z_]+/, 'no raw code in the refusal');
      await screenshot(page, `console/${lang}-${WIDTH_PX}-login`);

      // Signed in (the session made above; a one-time code is accepted once).
      await page.evaluate((t) => localStorage.setItem('fg.operator.tokens', t), JSON.stringify(tokens));
      const cases = (await api(platform.url, String(tokens.accessToken), 'GET', '/api/admin/risk/cases?limit=1')) as {
        items: { id: string }[];
      };
      const routes = [
        'dashboard',
        'rooms',
        `rooms/${roomId}`,
        'exports',
        'ledger',
        'players',
        `players/${playerId}`,
        'audit',
        'reviews',
        'refunds',
        'reconciliation',
        'risk',
        ...(cases.items[0] ? [`risk/${cases.items[0].id}`] : []),
        'complaints',
        'support',
        'restrictions',
        'policies',
        'retention',
        'realname',
        'notary',
      ];
      for (const route of routes) {
        current = route;
        await page.goto(`${platform.url}/admin/#/${route}`);
        await page.reload({ waitUntil: 'networkidle' });
        await page.locator('main').first().waitFor();
        for (const problem of await inspect(page, lang, [nickname, ADMIN.username], CONSOLE_LATIN)) findings.push({ route, lang, problem });
        await screenshot(page, `console/${lang}-${WIDTH_PX}-${route.replace(/[/?=]/g, '_')}`);
      }
      await context.close();
    });
  }

  it('found nothing untranslated, code-shaped, unstyled, too wide or logged as an error', () => {
    assert.deepEqual(findings, []);
  });
});

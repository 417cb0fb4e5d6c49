// The set-up the table journeys share (chat, voice): an operator signed in to the console, two
// players signed in on phone-sized pages in either language, and a room the first one opens on
// room cards and the second one joins, both pages at the table.
import assert from 'node:assert/strict';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, totp } from '../../src/accounts/index.ts';
import type { RunningPlatform } from './harness.ts';

export const STEP_TIMEOUT_MS = 20_000;

export interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  readonly lang: 'zh' | 'en';
  readonly ip: string;
  id: string;
  token: string;
  readonly errors: string[];
}

/** Calls the API as `token` (from `ip` when given) and asserts a success; the JSON answer. */
export async function api(
  url: string,
  token: string,
  method: string,
  path: string,
  body?: unknown,
  ip?: string,
): Promise<Record<string, unknown>> {
  const r = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(ip === undefined ? {} : { 'x-forwarded-for': ip }),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const json = (await r.json()) as Record<string, unknown>;
  assert.ok(r.status < 300, `${method} ${path}: ${r.status} ${JSON.stringify(json)}`);
  return json;
}

/** Signs the console's first operator in (the platform was started with these credentials); its tokens. */
export async function operatorTokens(
  platform: RunningPlatform,
  admin: { readonly username: string; readonly password: string; readonly totpSecret: string },
): Promise<Record<string, unknown>> {
  const login = await fetch(`${platform.url}/api/admin/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: admin.username, password: admin.password, totp: totp(base32Decode(admin.totpSecret), Date.now()) }),
  });
  assert.equal(login.status, 200);
  return ((await login.json()) as { tokens: Record<string, unknown> }).tokens;
}

/** A player signed in through the sandbox on a phone `width` px wide, terms accepted, at the lobby; page errors collected. */
export async function signedInPerson(
  browser: Browser,
  platform: RunningPlatform,
  p: { readonly name: string; readonly width: number; readonly lang: 'zh' | 'en'; readonly ip: string; readonly permissions?: string[] },
): Promise<Person> {
  const context = await browser.newContext({
    viewport: { width: p.width, height: 740 },
    deviceScaleFactor: 2,
    isMobile: true,
    hasTouch: true,
    locale: p.lang === 'zh' ? 'zh-CN' : 'en-US',
    extraHTTPHeaders: { 'x-forwarded-for': p.ip },
    ...(p.permissions === undefined ? {} : { permissions: p.permissions }),
  });
  const page = await context.newPage();
  page.setDefaultTimeout(STEP_TIMEOUT_MS);
  const errors: string[] = [];
  page.on('console', (m) => {
    // A refusal the page then explains in words is the page working.
    if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) errors.push(m.text());
  });
  page.on('pageerror', (e) => errors.push(String(e)));
  const person: Person = { name: p.name, context, page, lang: p.lang, ip: p.ip, id: '', token: '', errors };
  await page.goto(`${platform.url}/`);
  await page.getByTestId('login-page').waitFor();
  if (p.lang === 'en') {
    await page.getByTestId('lang-toggle').click();
    await page.getByText('Sign in with WeChat (sandbox)').waitFor();
  }
  await page.getByTestId('sandbox-user').fill(p.name);
  await page.getByTestId('login-sandbox').click();
  await page.getByTestId('accept-terms').click();
  await page.getByTestId('lobby-page').waitFor();
  person.token = await page.evaluate(
    () => (JSON.parse(localStorage.getItem('fg.player.tokens') ?? '{}') as { accessToken: string }).accessToken,
  );
  person.id = String((await api(platform.url, person.token, 'GET', '/api/me')).id);
  return person;
}

/**
 * The owner, funded by the operator, buys room cards and opens a classic room with `params`; the
 * guest joins; both pages wait at the live table. The room's id.
 */
export async function tableOfTwo(
  platform: RunningPlatform,
  operatorToken: string,
  owner: Person,
  guest: Person,
  o: { readonly journey: string; readonly params: Record<string, unknown> },
): Promise<string> {
  await api(platform.url, operatorToken, 'POST', `/api/admin/players/${owner.id}/adjustments`, {
    asset: 'CNY',
    amountFen: 5000,
    reason: `${o.journey} journey: starting balance`,
    idempotencyKey: `${o.journey}-${owner.id}`,
  });
  await api(platform.url, owner.token, 'POST', '/api/rooms/cards/purchase', {
    quantity: 5,
    idempotencyKey: `${o.journey}-cards-${owner.id}`,
  });
  const body = { params: { mode: 'classic', ...o.params }, fee: { mode: 'room_card', payer: 'owner' } };
  const quote = (await api(platform.url, owner.token, 'POST', '/api/rooms/quote', body)) as { fee: { owner: unknown } };
  const created = await api(platform.url, owner.token, 'POST', '/api/rooms', { ...body, expectedFee: quote.fee.owner }, owner.ip);
  const roomId = String(created.roomId);
  await api(platform.url, guest.token, 'POST', '/api/rooms/join', { code: created.code }, guest.ip);
  for (const p of [owner, guest]) {
    await p.page.goto(`${platform.url}/#/room/${roomId}`);
    await p.page.locator('[data-testid="table-page"][data-connection="live"]').waitFor();
  }
  return roomId;
}

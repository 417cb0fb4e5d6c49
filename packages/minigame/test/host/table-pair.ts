// Two mini-game players at one table, shared by the table journeys (chat, voice): the weixin
// sandbox, the real platform signing in through its code2session with an operator from
// configuration, the browser host, and two players — the host at 375 px in Chinese, a friend at
// 320 px in English (the game's language is the player's setting, kept in storage).
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../../server/src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, startPlatform } from '../../../server/test/browser/harness.ts';
import { Driver } from './drive.ts';
import { type Host, startHost } from './serve.ts';

const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

export interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  d: Driver;
}

export interface TablePair {
  readonly sandbox: Sandbox;
  readonly platform: RunningPlatform;
  readonly host: Host;
  readonly owner: Person;
  readonly friend: Person;
  /** Opens the game for a player (with a share card's query, if any), agrees to the terms and signs in. */
  open(p: Person, query?: string): Promise<void>;
  /** The player's access token, as the game keeps it. */
  tokenOf(p: Person): Promise<string>;
  /** Signs the operator in (a one-time code is accepted once: call it once per journey). */
  operatorToken(): Promise<string>;
  /** Gives a player five room cards through the console's adjustment, so the player can open a room. */
  grantRoomCards(opToken: string, playerId: string, journey: string): Promise<Response>;
  close(): Promise<void>;
}

/** `journey` names the operator, the players and their addresses apart from other journeys'. */
export async function startTablePair(journey: string, addressBase: number): Promise<TablePair> {
  const admin = {
    username: `mg${journey}admin`,
    password: `minigame ${journey} journey password`,
    totpSecret: base32Encode(Buffer.from(`mg-${journey}-journey-totp`)),
  };
  buildClients();
  const sandbox = await startSandbox();
  const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
  const platform = await startPlatform({
    FAIRGROUND_ADMIN_USERNAME: admin.username,
    FAIRGROUND_ADMIN_PASSWORD: admin.password,
    FAIRGROUND_ADMIN_TOTP_SECRET: admin.totpSecret,
    FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
    FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
    FAIRGROUND_WECHAT_MP_SECRET: secret,
    FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
  });
  const host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
  const browser: Browser = await launchBrowser();
  const person = async (name: string, device: typeof SMALL | typeof NARROW, ip: string): Promise<Person> => {
    const context = await browser.newContext({ ...device, extraHTTPHeaders: { 'x-forwarded-for': ip } });
    const page = await context.newPage();
    page.setDefaultTimeout(20_000);
    return { name, context, page, d: undefined as unknown as Driver };
  };
  const owner = await person(`mg${journey}host`, SMALL, `203.0.113.${addressBase + 1}`);
  const friend = await person(`mg${journey}friend`, NARROW, `203.0.113.${addressBase + 2}`);
  await friend.context.addInitScript(() => localStorage.setItem('wx:fg.prefs', JSON.stringify({ lang: 'en', elder: false })));

  return {
    sandbox,
    platform,
    host,
    owner,
    friend,
    async open(p, query = '') {
      await p.page.goto(
        `${host.url}/host/?user=${p.name}&nick=${p.name}&appid=${SANDBOX_MINIGAME_APPID}${query === '' ? '' : `&q=${encodeURIComponent(query)}`}`,
      );
      await p.page.locator('body[data-game="loaded"]').waitFor();
      p.d = await Driver.attach(p.page);
      await p.d.tap('agree');
      await p.d.tap('login');
    },
    async tokenOf(p) {
      return (await p.d.read<{ accessToken: string }>("wx.getStorageSync('fg.tokens')")).accessToken;
    },
    async operatorToken() {
      const login = await fetch(`${platform.url}/api/admin/auth/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({
          username: admin.username,
          password: admin.password,
          totp: totp(base32Decode(admin.totpSecret), Date.now()),
        }),
      });
      return ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    },
    grantRoomCards(opToken, playerId, label) {
      return fetch(`${platform.url}/api/admin/players/${playerId}/adjustments`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${opToken}` },
        body: JSON.stringify({
          asset: 'ROOM_CARD',
          amountFen: 5,
          reason: `minigame ${label} journey: room cards`,
          idempotencyKey: `mg${label}-${playerId}`,
        }),
      });
    },
    async close() {
      await browser.close();
      await host.close();
      await platform.stop();
      await sandbox.close();
    },
  };
}

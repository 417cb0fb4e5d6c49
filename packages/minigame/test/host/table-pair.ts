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
  /** The player's id on the platform (`GET /api/me`). */
  playerId(p: Person): Promise<string>;
  /**
   * The host, given room cards by the operator, creates a room in three steps (`settings`, when
   * given, runs on the settings step) and shares it; the friend opens the share card and lands in
   * a seat; both tables are live. The share card's query and the room's id.
   */
  seatTogether(opToken: string, journey: string, settings?: () => Promise<void>): Promise<{ shareQuery: string; roomId: string }>;
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

  const pair: TablePair = {
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
    async playerId(p) {
      const r = await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${await pair.tokenOf(p)}` } });
      return String(((await r.json()) as { id: string }).id);
    },
    async seatTogether(opToken, label, settings) {
      await pair.open(owner);
      await owner.d.scene('lobby');
      const r = await pair.grantRoomCards(opToken, await pair.playerId(owner), label);
      if (r.status !== 201) throw new Error(`room cards for the host: ${r.status} ${await r.text()}`);
      await owner.d.tap('create-room');
      await owner.d.scene('create');
      await settings?.();
      await owner.d.tap('create-next');
      await owner.d.region('fee-quote');
      await owner.d.tap('create-confirm');
      await owner.d.region('room-code');
      await owner.d.tap('share-room');
      const shareQuery = (await owner.d.read<string | null>('__wxHost.shareQuery()')) ?? '';
      await owner.d.tap('enter-room');
      const live = (s: { scene: string; state: Record<string, unknown> }) => s.scene === 'table' && s.state.connection === 'live';
      const table = await owner.d.waitFor('the table', (s) => (live(s) ? s : null));
      await pair.open(friend, shareQuery);
      await friend.d.waitFor('a seat', (s) => live(s) && s.state.mySeat !== null);
      return { shareQuery, roomId: String(table.state.roomId) };
    },
    async close() {
      await browser.close();
      await host.close();
      await platform.stop();
      await sandbox.close();
    },
  };
  return pair;
}

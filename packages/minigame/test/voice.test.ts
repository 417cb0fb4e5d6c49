// Voice at the mini-game table, in headless Chromium through the browser host, against the real
// platform signing in through code2session at the weixin sandbox. The host (375 px, Chinese)
// creates a room with voice on; a friend (320 px, English) lands in a seat from the shared card.
// Each taps the voice button: the game calls wx.joinVoIPChat with the signature the room computed
// from that player's session_key over the room's group, and the weixin sandbox accepts it as
// WeChat would (it names the player's openid). WeChat's speaker list lights the speaker's seat;
// the microphone button mutes through wx.updateVoIPChatMuteConfig; when the host removes the
// friend from the room, the friend's game gets `voice.ended` and exits WeChat's voice room.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '@fairground/wechatpay-sandbox';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { base32Decode, base32Encode, totp } from '../../server/src/accounts/index.ts';
import { buildClients, launchBrowser, type RunningPlatform, screenshot, startPlatform } from '../../server/test/browser/harness.ts';
import { Driver, type Snapshot } from './host/drive.ts';
import { type Host, startHost } from './host/serve.ts';

const ADMIN = {
  username: 'mgvoiceadmin',
  password: 'minigame voice journey password',
  totpSecret: base32Encode(Buffer.from('mg-voice-journey-tot')),
};
const SMALL = { viewport: { width: 375, height: 667 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN' } as const;
const NARROW = { viewport: { width: 320, height: 568 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'en-US' } as const;

interface Person {
  readonly name: string;
  readonly context: BrowserContext;
  readonly page: Page;
  d: Driver;
}

interface VoiceDebug {
  status: string;
  micMuted: boolean;
  groupId: string | null;
  ended: string | null;
  speakingSeats: number[];
}
interface Join {
  groupId: string;
  nonceStr: string;
  timeStamp: number;
  signature: string;
  muteConfig: { muteMicrophone: boolean };
}
const voiceOf = (s: Snapshot) => (s.state as { voice?: VoiceDebug }).voice as VoiceDebug;
const mySeat = (s: Snapshot) => (s.state as { mySeat: number | null }).mySeat;

describe('voice at the mini-game table', () => {
  let sandbox: Sandbox;
  let platform: RunningPlatform;
  let host: Host;
  let browser: Browser;
  let owner: Person;
  let friend: Person;
  let roomId = '';
  let friendOpenid = '';

  before(async () => {
    buildClients();
    sandbox = await startSandbox();
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    platform = await startPlatform({
      FAIRGROUND_ADMIN_USERNAME: ADMIN.username,
      FAIRGROUND_ADMIN_PASSWORD: ADMIN.password,
      FAIRGROUND_ADMIN_TOTP_SECRET: ADMIN.totpSecret,
      FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
      FAIRGROUND_WECHAT_MP_APPID: SANDBOX_MINIGAME_APPID,
      FAIRGROUND_WECHAT_MP_SECRET: secret,
      FAIRGROUND_WECHAT_API_BASE_URL: sandbox.baseUrl,
    });
    host = await startHost(platform.url, { weixinSandboxUrl: sandbox.baseUrl });
    browser = await launchBrowser();
    const person = async (name: string, device: typeof SMALL | typeof NARROW, ip: string): Promise<Person> => {
      const context = await browser.newContext({ ...device, extraHTTPHeaders: { 'x-forwarded-for': ip } });
      const page = await context.newPage();
      page.setDefaultTimeout(20_000);
      return { name, context, page, d: undefined as unknown as Driver };
    };
    owner = await person('mgvoicehost', SMALL, '203.0.113.81');
    friend = await person('mgvoicefriend', NARROW, '203.0.113.82');
    await friend.context.addInitScript(() => localStorage.setItem('wx:fg.prefs', JSON.stringify({ lang: 'en', elder: false })));
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    await platform?.stop();
    await sandbox?.close();
  });

  const open = async (p: Person, query = '') => {
    await p.page.goto(
      `${host.url}/host/?user=${p.name}&nick=${p.name}&appid=${SANDBOX_MINIGAME_APPID}${query === '' ? '' : `&q=${encodeURIComponent(query)}`}`,
    );
    await p.page.locator('body[data-game="loaded"]').waitFor();
    p.d = await Driver.attach(p.page);
    await p.d.tap('agree');
    await p.d.tap('login');
  };
  const tokenOf = async (p: Person) => (await p.d.read<{ accessToken: string }>("wx.getStorageSync('fg.tokens')")).accessToken;

  it('the host creates a room with voice on and a friend lands in a seat', async () => {
    await open(owner);
    await owner.d.scene('lobby');
    const token = await tokenOf(owner);
    const me = (await (await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: string };
    const login = await fetch(`${platform.url}/api/admin/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.username, password: ADMIN.password, totp: totp(base32Decode(ADMIN.totpSecret), Date.now()) }),
    });
    const op = ((await login.json()) as { tokens: { accessToken: string } }).tokens.accessToken;
    const r = await fetch(`${platform.url}/api/admin/players/${me.id}/adjustments`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${op}` },
      body: JSON.stringify({
        asset: 'ROOM_CARD',
        amountFen: 5,
        reason: 'minigame voice journey: room cards',
        idempotencyKey: `mgvoice-${me.id}`,
      }),
    });
    assert.equal(r.status, 201, await r.text());
    await owner.d.tap('create-room');
    await owner.d.scene('create');
    assert.equal((await owner.d.region('value-voice')).label, '关');
    await owner.d.tap('voice-inc');
    await owner.d.waitFor('voice on', (s) => s.regions.find((x) => x.id === 'value-voice')?.label === '开');
    await screenshot(owner.page, 'minigame-375-voice-create');
    await owner.d.tap('create-next');
    await owner.d.region('fee-quote');
    await owner.d.tap('create-confirm');
    await owner.d.region('room-code');
    await owner.d.tap('share-room');
    const shareQuery = (await owner.d.read<string | null>('__wxHost.shareQuery()')) ?? '';
    await owner.d.tap('enter-room');
    const live = await owner.d.waitFor('the table', (s) =>
      s.scene === 'table' && (s.state as { connection: string }).connection === 'live' ? s : null,
    );
    roomId = String((live.state as { roomId: string }).roomId);
    await open(friend, shareQuery);
    await friend.d.waitFor(
      'a seat',
      (s) => s.scene === 'table' && (s.state as { connection: string }).connection === 'live' && mySeat(s) !== null,
    );
  });

  it('each joins WeChat’s voice room with the room’s signature, which the weixin sandbox accepts for that player', async () => {
    for (const p of [owner, friend]) {
      await p.d.tap('voice-join');
      await p.d.waitFor('in the call', (s) => voiceOf(s).status === 'on');
    }
    const joins = {
      owner: (await owner.d.read<Join[]>('__wxHost.voip.joins'))[0] as Join,
      friend: (await friend.d.read<Join[]>('__wxHost.voip.joins'))[0] as Join,
    };
    for (const j of Object.values(joins)) {
      assert.equal(j.groupId, `fg-room-${roomId}`);
      assert.equal(j.muteConfig.muteMicrophone, false);
    }
    const ownerOpenid = sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.owner });
    friendOpenid = sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.friend }) ?? '';
    assert.ok(ownerOpenid !== null && friendOpenid !== '' && ownerOpenid !== friendOpenid, 'each signature is the player’s own');
    // A signature for another group is refused, as WeChat would refuse it.
    assert.equal(sandbox.weixin.voipSigner({ appid: SANDBOX_MINIGAME_APPID, ...joins.owner, groupId: 'fg-room-other' }), null);
  });

  it('WeChat’s speaker list lights the speaker’s seat; the microphone button mutes and unmutes', async () => {
    const friendSeat = mySeat(await friend.d.snapshot());
    await owner.d.read(`(__wxHost.speakers(${JSON.stringify([friendOpenid])}), 0)`);
    await owner.d.waitFor('the speaker mark', (s) => voiceOf(s).speakingSeats.includes(friendSeat as number));
    await owner.d.region(`voice-speaking-${friendSeat}`);
    await screenshot(owner.page, 'minigame-375-voice-speaking');
    await friend.d.tap('voice-mic');
    await friend.d.waitFor('mic off', (s) => voiceOf(s).micMuted);
    assert.deepEqual((await friend.d.read<unknown[]>('__wxHost.voip.mutes')).at(-1), { muteMicrophone: true, muteEarphone: false });
    await screenshot(friend.page, 'minigame-320-voice-muted');
    await friend.d.tap('voice-mic');
    await friend.d.waitFor('mic on', (s) => !voiceOf(s).micMuted);
  });

  it('the host removes the friend: the friend’s game is told voice ended and leaves WeChat’s voice room at once', async () => {
    const friendId = (
      (await (await fetch(`${platform.url}/api/me`, { headers: { authorization: `Bearer ${await tokenOf(friend)}` } })).json()) as {
        id: string;
      }
    ).id;
    // The host's second device: the same account on its own socket sends the kick.
    const ws = new WebSocket(`${platform.url.replace('http', 'ws')}/api/rooms/ws`);
    const frames: Record<string, unknown>[] = [];
    ws.onmessage = (e) => frames.push(JSON.parse(String(e.data)) as Record<string, unknown>);
    await new Promise((resolve) => (ws.onopen = resolve));
    ws.send(JSON.stringify({ t: 'hello', token: await tokenOf(owner), roomId }));
    const until = Date.now() + 10_000;
    while (!frames.some((f) => f.t === 'welcome') && Date.now() < until) await new Promise((r) => setTimeout(r, 50));
    const welcome = frames.find((f) => f.t === 'welcome') as { v: number };
    ws.send(JSON.stringify({ t: 'kick', id: 'k1', v: welcome.v, playerId: friendId }));
    await friend.d.waitFor('voice ended', (s) => voiceOf(s).ended === 'kicked' && voiceOf(s).status === 'off');
    assert.equal(await friend.d.read<string | null>('__wxHost.voip.inCall'), null);
    assert.ok((await friend.d.read<number>('__wxHost.voip.exits')) >= 1);
    ws.close();
    assert.deepEqual(await owner.d.read<string[]>('__wxHost.errors'), []);
    assert.deepEqual(await friend.d.read<string[]>('__wxHost.errors'), []);
  });
});

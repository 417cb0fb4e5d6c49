// WeChat sign-in through the real adapter against the WeChat sandbox (a separate HTTP server, the
// same clock), on both storage backends: a mini-game player through code2session; an H5 player
// through the OAuth round trip whose state is bound to the browser; accounts linked by unionid and
// kept apart without one; every WeChat refusal reaching the player in words; the access token and
// jsapi_ticket refreshed once while 50 requests wait; phone numbers; the JS-SDK signature.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import {
  SANDBOX_MINIGAME_APPID,
  SANDBOX_OFFICIAL_ACCOUNT_APPID,
  SANDBOX_WEBSITE_APPID,
  type Sandbox,
  startSandbox,
} from '@fairground/wechatpay-sandbox';
import { createSealer } from '../../src/accounts/sealing.ts';
import { wechatSignInAdapter } from '../../src/adapters.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { OperatorFault } from '../../src/wechat/adapter.ts';
import type { WechatConfig } from '../../src/wechat/config.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { type Reply, TestPlatform } from '../helpers/platform.ts';

const SITE = 'https://game.example';
const APP_IDS = { miniprogram: SANDBOX_MINIGAME_APPID, h5: SANDBOX_OFFICIAL_ACCOUNT_APPID, web: SANDBOX_WEBSITE_APPID };
const STABLE_TOKEN = 'POST /cgi-bin/stable_token';
const GET_TICKET = 'GET /cgi-bin/ticket/getticket';

for (const backend of backends()) {
  describe(`WeChat sign-in on ${backend.name}`, () => {
    let t: TestPlatform;
    let sandbox: Sandbox;
    let dataKey: Buffer;
    const faults: OperatorFault[] = [];

    before(async () => {
      dataKey = Buffer.alloc(32, 7);
      // The platform reads the public address from its configuration; the adapter gets the rest below.
      const config = { provider: 'wechat', publicUrl: SITE } as WechatConfig;
      t = await TestPlatform.start(backend, {
        config: { wechatAppIds: APP_IDS, dataKey, devLoginAllowed: false, wechat: config },
        adapters: async (clock, store) => {
          sandbox = await startSandbox({ clock });
          // The website app is not bound to the Open Platform account: its players have no unionid.
          sandbox.weixin.upsertApp({ appid: SANDBOX_WEBSITE_APPID, kind: 'website', openPlatformId: null });
          const secret = (appid: string) => sandbox.weixin.apps().find((a) => a.appid === appid)?.secret as string;
          const wechat: WechatConfig = {
            provider: 'wechat',
            apps: {
              miniprogram: { appid: SANDBOX_MINIGAME_APPID, secret: secret(SANDBOX_MINIGAME_APPID) },
              h5: { appid: SANDBOX_OFFICIAL_ACCOUNT_APPID, secret: secret(SANDBOX_OFFICIAL_ACCOUNT_APPID) },
              web: { appid: SANDBOX_WEBSITE_APPID, secret: secret(SANDBOX_WEBSITE_APPID) },
            },
            h5Scope: 'snsapi_base',
            phone: true,
            apiBaseUrl: sandbox.baseUrl,
            openBaseUrl: sandbox.pagesUrl,
            timeoutMs: 5000,
            publicUrl: SITE,
          };
          return {
            ...testAdapters(clock, { appIds: APP_IDS }),
            signIn: wechatSignInAdapter({ wechat, dataKey }, clock, { store, onWechatOperatorFault: (f) => faults.push(f) }),
          };
        },
      });
    });
    after(async () => {
      await t.close();
      await sandbox.close();
    });

    const player = (handle: string, extra: { highRisk?: boolean; phone?: string } = {}) =>
      sandbox.weixin.upsertPlayer({
        handle,
        apps: [SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, SANDBOX_WEBSITE_APPID],
        ...extra,
      });
    const jscode = (handle: string) => sandbox.weixin.issueCode({ handle, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
    const login = (body: Record<string, unknown>, cookie?: string): Promise<Reply> =>
      t.request('POST', '/api/auth/wechat/login', { body, ...(cookie ? { headers: { cookie } } : {}) });

    /** What a browser does: start the round trip (keeping the cookie), then come back with WeChat's code and the state. */
    async function oauthStart(kind: 'h5' | 'web', cookie?: string): Promise<{ cookie: string; state: string; url: URL }> {
      const r = await t.platform.app.inject({
        method: 'POST',
        url: '/api/auth/wechat/oauth',
        headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
        payload: JSON.stringify({ kind }),
      });
      assert.equal(r.statusCode, 200, r.body);
      const set = String(r.headers['set-cookie']);
      assert.match(set, /HttpOnly/);
      assert.match(set, /SameSite=Lax/);
      assert.match(set, /Secure/, 'the site is https: the cookie is too');
      const url = new URL((JSON.parse(r.body) as { authorizeUrl: string }).authorizeUrl);
      return { cookie: set.split(';')[0] as string, state: url.searchParams.get('state') as string, url };
    }
    const oauthCode = (handle: string, appid: string, scope: 'snsapi_base' | 'snsapi_userinfo' | 'snsapi_login') =>
      sandbox.weixin.issueCode({ handle, appid, kind: 'oauth', scope }).code;

    it('signs a mini-game player in through code2session; the session_key stays on the server, sealed, replaced at each login', async () => {
      player('mg1');
      const first = await login({ kind: 'miniprogram', code: jscode('mg1') });
      assert.equal(first.status, 200, first.text);
      assert.equal(first.json.created, true);
      assert.doesNotMatch(first.text, /session_?key/i);
      const playerId = (first.json.player as { id: string }).id;
      const openid = sandbox.weixin.player('mg1')?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid as string;
      const keyRow = async () =>
        (
          await t.store.reader.query<{ sealed_session_key: string; player_id: string }>(
            'SELECT sealed_session_key, player_id FROM player_wechat_sessions WHERE app_id = ? AND openid = ?',
            [SANDBOX_MINIGAME_APPID, openid],
          )
        )[0];
      const sealer = createSealer(dataKey, 'wechat-session-key');
      const row1 = await keyRow();
      assert.equal(row1?.player_id, playerId);
      const key1 = sealer.open(row1?.sealed_session_key as string, `${SANDBOX_MINIGAME_APPID}:${openid}`);
      assert.equal(Buffer.from(key1, 'base64').length, 16, 'a session_key is 16 bytes');
      assert.ok(!row1?.sealed_session_key.includes(key1), 'stored sealed, not as is');

      const second = await login({ kind: 'miniprogram', code: jscode('mg1') });
      assert.equal((second.json.player as { id: string }).id, playerId);
      assert.equal(second.json.created, false);
      const key2 = sealer.open((await keyRow())?.sealed_session_key as string, `${SANDBOX_MINIGAME_APPID}:${openid}`);
      assert.notEqual(key2, key1, 'the newest session_key replaced the last');
    });

    it('signs an H5 player in through the OAuth round trip, and refuses a forged, foreign, replayed or stale state', async () => {
      player('h5a');
      const browser = await oauthStart('h5');
      assert.equal(browser.url.origin + browser.url.pathname, `${sandbox.pagesUrl}/connect/oauth2/authorize`);
      assert.equal(browser.url.searchParams.get('redirect_uri'), `${SITE}/?wxlogin=h5`);
      assert.equal(browser.url.searchParams.get('scope'), 'snsapi_base');
      const code = () => oauthCode('h5a', SANDBOX_OFFICIAL_ACCOUNT_APPID, 'snsapi_base');

      const forged = await login({ kind: 'h5', code: code(), state: 'forgedstate123' }, browser.cookie);
      assert.equal(forged.status, 403);
      assert.equal(forged.json.code, 'OAUTH_STATE_INVALID');
      assert.match(String(forged.json.message), /start the sign-in again/);
      const noState = await login({ kind: 'h5', code: code() }, browser.cookie);
      assert.equal(noState.json.code, 'OAUTH_STATE_INVALID', 'a code without a state does not count');
      // A stranger's state pushed into this browser (login CSRF): bound to the stranger's browser.
      const stranger = await oauthStart('h5');
      const foreign = await login({ kind: 'h5', code: code(), state: stranger.state }, browser.cookie);
      assert.equal(foreign.json.code, 'OAUTH_STATE_INVALID');

      const ok = await login({ kind: 'h5', code: code(), state: browser.state }, browser.cookie);
      assert.equal(ok.status, 200, ok.text);
      const replay = await login({ kind: 'h5', code: code(), state: browser.state }, browser.cookie);
      assert.equal(replay.json.code, 'OAUTH_STATE_INVALID', 'a state is spent once');

      const late = await oauthStart('h5', browser.cookie);
      assert.equal(late.cookie, browser.cookie, 'the browser keeps its nonce across sign-ins (two tabs do not undo each other)');
      t.clock.advanceMs(11 * 60_000);
      const stale = await login({ kind: 'h5', code: code(), state: late.state }, late.cookie);
      assert.equal(stale.json.code, 'OAUTH_STATE_INVALID', 'a state lives ten minutes');
    });

    it('links one person by unionid across the mini-game and H5, and keeps an app without an Open Platform account apart', async () => {
      player('link1', {});
      // H5 silently (snsapi_base): WeChat gives no unionid, so a player of its own for now…
      const base = await oauthStart('h5');
      const h5 = await login(
        { kind: 'h5', code: oauthCode('link1', SANDBOX_OFFICIAL_ACCOUNT_APPID, 'snsapi_base'), state: base.state },
        base.cookie,
      );
      const h5Id = (h5.json.player as { id: string }).id;
      // …whom a later consent (snsapi_userinfo) identifies by unionid: the same openid proves it is them.
      const info = await oauthStart('h5', base.cookie);
      const again = await login(
        { kind: 'h5', code: oauthCode('link1', SANDBOX_OFFICIAL_ACCOUNT_APPID, 'snsapi_userinfo'), state: info.state },
        info.cookie,
      );
      assert.equal((again.json.player as { id: string }).id, h5Id);
      const mg = await login({ kind: 'miniprogram', code: jscode('link1') });
      assert.equal((mg.json.player as { id: string }).id, h5Id, 'the mini-game finds the same player through the unionid');
      assert.equal(mg.json.created, false);
      const ids = await t.platform.accounts.players.identities(h5Id);
      assert.deepEqual(ids.map((i) => i.appId).sort(), [SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID].sort());

      // The website app is not bound: no unionid, so a separate account — never merged by a guess.
      const site = await oauthStart('web');
      assert.match(site.url.pathname, /\/connect\/qrconnect$/);
      const web = await login(
        { kind: 'web', code: oauthCode('link1', SANDBOX_WEBSITE_APPID, 'snsapi_login'), state: site.state },
        site.cookie,
      );
      assert.equal(web.status, 200, web.text);
      assert.notEqual((web.json.player as { id: string }).id, h5Id);
      assert.equal(web.json.created, true);
    });

    it('gives a new player the nickname and avatar WeChat shares with consent', async () => {
      sandbox.weixin.upsertPlayer({
        handle: 'named',
        nickname: '小明',
        avatarUrl: 'https://thirdwx.qlogo.cn/mmopen/x/132',
        apps: [SANDBOX_WEBSITE_APPID],
      });
      const site = await oauthStart('web');
      const r = await login(
        { kind: 'web', code: oauthCode('named', SANDBOX_WEBSITE_APPID, 'snsapi_login'), state: site.state },
        site.cookie,
      );
      assert.equal((r.json.player as { nickname: string }).nickname, '小明');
      assert.equal((r.json.player as { avatarUrl: string }).avatarUrl, 'https://thirdwx.qlogo.cn/mmopen/x/132');
    });

    it('tells the player what each WeChat refusal means and what to do', async () => {
      player('err1');
      const risky = player('risky', { highRisk: true });
      assert.ok(risky);
      const expect = (r: Reply, status: number, code: string, words: RegExp, retryable = false) => {
        assert.equal(r.status, status, r.text);
        assert.equal(r.json.code, code);
        assert.match(String(r.json.message), words);
        assert.equal(r.json.retryable, retryable, `${code} retryable`);
      };
      // 40029: a code WeChat never issued (or for another app, or expired).
      expect(await login({ kind: 'miniprogram', code: 'nosuchcode0000000000000000000000' }), 401, 'LOGIN_CODE_INVALID', /invalid, expired/);
      // 40163: a code used twice.
      const used = jscode('err1');
      assert.equal((await login({ kind: 'miniprogram', code: used })).status, 200);
      expect(await login({ kind: 'miniprogram', code: used }), 401, 'LOGIN_CODE_USED', /already used; sign in again/);
      // 45011: WeChat's per-user minute limit.
      sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'weixin-errcode', errcode: 45011 });
      expect(await login({ kind: 'miniprogram', code: jscode('err1') }), 429, 'LOGIN_RATE_LIMITED', /wait a minute/, true);
      // 40226: a high-risk account.
      expect(await login({ kind: 'miniprogram', code: jscode('risky') }), 403, 'LOGIN_BLOCKED_BY_WECHAT', /account security/i);
      // -1 once: asked again, and the player never hears of it; twice: busy, retry.
      sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'weixin-errcode', errcode: -1 });
      assert.equal((await login({ kind: 'miniprogram', code: jscode('err1') })).status, 200);
      sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'weixin-errcode', errcode: -1, count: 2 });
      expect(await login({ kind: 'miniprogram', code: jscode('err1') }), 503, 'IDENTITY_PROVIDER_BUSY', /busy/, true);
      // 40125: the operator's secret is wrong — the player is told it is not them, the operator is told what.
      sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'weixin-errcode', errcode: 40125 });
      expect(
        await login({ kind: 'miniprogram', code: jscode('err1') }),
        503,
        'IDENTITY_PROVIDER_MISCONFIGURED',
        /operator has been alerted/,
      );
      assert.equal(faults.at(-1)?.errcode, 40125);
      assert.equal(faults.at(-1)?.appid, SANDBOX_MINIGAME_APPID);
    });

    it('refreshes an expired access token and ticket once while 50 requests wait, and signs pages of this site only', async () => {
      let p = await signedIn('js1');
      const get = (url: string) => t.request('GET', `/api/wechat/jssdk-config?url=${encodeURIComponent(url)}`, { token: p });
      assert.equal((await get(`${SITE}/#/rooms/ABC123`)).status, 200);
      // Two hours on: the app's access token and ticket have expired (the player signs in afresh; code2session needs no token).
      t.clock.advanceMs(7200 * 1000 + 1000);
      p = await signedIn('js2');
      sandbox.weixin.resetCalls();
      const page = `${SITE}/?from=share`;
      const answers = await Promise.all(Array.from({ length: 50 }, () => get(`${page}#/rooms/ABC123`)));
      for (const a of answers) assert.equal(a.status, 200, a.text);
      const calls = sandbox.weixin.calls();
      assert.equal(calls[STABLE_TOKEN], 1, 'one access-token refresh for 50 waiting requests');
      assert.equal(calls[GET_TICKET], 1, 'one ticket refresh');
      // The signature WeChat will check: sha1 over the ticket, nonce, timestamp and the page without its #fragment.
      const a = answers[0]?.json as { appId: string; nonceStr: string; timestamp: number; signature: string; jsApiList: string[] };
      assert.equal(a.appId, SANDBOX_OFFICIAL_ACCOUNT_APPID);
      assert.deepEqual(a.jsApiList, ['updateAppMessageShareData', 'updateTimelineShareData']);
      const row = await t.store.reader.query<{ sealed: string }>('SELECT sealed FROM wechat_credentials WHERE cache_key = ?', [
        `weixin:v1:${SANDBOX_OFFICIAL_ACCOUNT_APPID}:jsapi_ticket`,
      ]);
      const ticket = createSealer(dataKey, 'wechat-credentials').open(
        row[0]?.sealed as string,
        `weixin:v1:${SANDBOX_OFFICIAL_ACCOUNT_APPID}:jsapi_ticket`,
      );
      const expected = createHash('sha1')
        .update(`jsapi_ticket=${ticket}&noncestr=${a.nonceStr}&timestamp=${a.timestamp}&url=${page}`)
        .digest('hex');
      assert.equal(a.signature, expected);
      const foreign = await get('https://evil.example/');
      assert.equal(foreign.status, 400);
      assert.equal(foreign.json.code, 'JSSDK_URL_INVALID');
    });

    it('replaces a token WeChat revoked (40001) once, then exchanges a phone code; a player without the mini-program is told where to share it', async () => {
      player('ph1', { phone: '+86 13800138000' });
      const login1 = await login({ kind: 'miniprogram', code: jscode('ph1') });
      const token = (login1.json.tokens as { accessToken: string }).accessToken;
      const phoneCode = () => sandbox.weixin.issueCode({ handle: 'ph1', appid: SANDBOX_MINIGAME_APPID, kind: 'phone' }).code;
      assert.equal((await t.request('POST', '/api/me/phone', { token, body: { code: phoneCode() } })).status, 200);
      sandbox.weixin.endTokens(SANDBOX_MINIGAME_APPID, 'revoke');
      sandbox.weixin.resetCalls();
      const r = await t.request('POST', '/api/me/phone', { token, body: { code: phoneCode() } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual({ masked: r.json.masked, countryCode: r.json.countryCode }, { masked: '138****8000', countryCode: '86' });
      assert.equal(sandbox.weixin.calls()[STABLE_TOKEN], 1, 'the revoked token was replaced once');
      const stored = await t.store.reader.query<{ sealed: string }>('SELECT sealed FROM player_phones');
      assert.ok(
        stored.every((s) => !s.sealed.includes('13800138000')),
        'the number is sealed at rest',
      );
      const spent = await t.request('POST', '/api/me/phone', { token, body: { code: 'nosuchphonecode00000000000000000' } });
      assert.equal(spent.json.code, 'PHONE_CODE_INVALID');

      player('ph2');
      const site = await oauthStart('web');
      const web = await login(
        { kind: 'web', code: oauthCode('ph2', SANDBOX_WEBSITE_APPID, 'snsapi_login'), state: site.state },
        site.cookie,
      );
      const webToken = (web.json.tokens as { accessToken: string }).accessToken;
      const refused = await t.request('POST', '/api/me/phone', { token: webToken, body: { code: 'whatever0000000000' } });
      assert.equal(refused.json.code, 'PHONE_MINIPROGRAM_REQUIRED');
    });

    it('says how players sign in here: WeChat, its consent pages, no sandbox and no development login', async () => {
      const r = await t.request('GET', '/api/auth/wechat/options');
      assert.deepEqual(r.json, {
        provider: 'wechat',
        redirectKinds: ['h5', 'web'],
        sandboxCodes: false,
        devLogin: false,
        jsSdk: true,
        phone: true,
      });
    });

    async function signedIn(handle: string): Promise<string> {
      player(handle);
      const r = await login({ kind: 'miniprogram', code: jscode(handle) });
      return (r.json.tokens as { accessToken: string }).accessToken;
    }
  });
}

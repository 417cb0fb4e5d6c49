// The sign-in client against the sandbox: every call, every mapped errcode, the shared token
// cache under concurrency, the refresh-once rule for rejected tokens, the OAuth and QR round trips
// through the pages, unionid only where the app is bound, the phone number, and inputs refused
// before anything is sent.
import assert from 'node:assert/strict';
import { inspect } from 'node:util';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import {
  SANDBOX_MINIGAME_APPID,
  SANDBOX_OFFICIAL_ACCOUNT_APPID,
  SANDBOX_WEBSITE_APPID,
  type Sandbox,
  startSandbox,
} from '@fairground/wechatpay-sandbox';
import {
  type FetchLike,
  InMemoryTokenCache,
  isWechatPayError,
  jsSdkSignature,
  newOAuthState,
  type TokenCache,
  type WechatPayError,
  WeixinClient,
  weixinPlayerMeaning,
} from '../src/index.ts';
import { START_MS } from './sandbox-harness.ts';

interface SentRequest {
  readonly method: string;
  readonly path: string;
  readonly body: string;
}

let sandbox: Sandbox;
let clock: ManualClock;
const sent: SentRequest[] = [];

/** fetch, recording what the client sends (to see force_refresh on the wire). */
const recordingFetch: FetchLike = async (input, init) => {
  const url = new URL(input);
  sent.push({ method: init.method ?? 'GET', path: url.pathname, body: typeof init.body === 'string' ? init.body : '' });
  return fetch(input, init);
};

function clientFor(appid: string, extra: { tokenCache?: TokenCache; appSecret?: string } = {}): WeixinClient {
  return new WeixinClient({
    appid,
    appSecret: extra.appSecret ?? sandbox.weixin.app(appid).secret,
    apiBaseUrl: sandbox.baseUrl,
    openBaseUrl: sandbox.pagesUrl,
    clock,
    fetch: recordingFetch,
    timeoutMs: 5_000,
    ...(extra.tokenCache === undefined ? {} : { tokenCache: extra.tokenCache }),
  });
}

async function failure(p: Promise<unknown>): Promise<WechatPayError> {
  try {
    await p;
  } catch (e) {
    if (isWechatPayError(e)) return e;
    throw e;
  }
  throw new Error('expected the call to fail');
}

function stableTokenCalls(): number {
  return sandbox.weixin.calls()['POST /cgi-bin/stable_token'] ?? 0;
}

function forcedFlags(): boolean[] {
  return sent
    .filter((s) => s.path === '/cgi-bin/stable_token')
    .map((s) => (JSON.parse(s.body) as { force_refresh: boolean }).force_refresh);
}

let n = 0;
function player(prefix: string, fields: { apps?: string[]; phone?: string } = {}): string {
  n += 1;
  const handle = `${prefix}${n}`;
  sandbox.weixin.upsertPlayer({ handle, ...fields });
  return handle;
}

const jscode = (handle: string, appid = SANDBOX_MINIGAME_APPID) => sandbox.weixin.issueCode({ handle, appid, kind: 'jscode' }).code;

before(async () => {
  clock = new ManualClock(START_MS);
  sandbox = await startSandbox({ clock });
});
after(() => sandbox.close());

describe('code2session', () => {
  it('proves who signed in: openid and unionid of this app, and a session_key that never serialises', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    const h = player('login');
    const s = await game.code2session(jscode(h));
    const expected = sandbox.weixin.player(h)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID);
    assert.equal(s.openid, expected?.openid);
    assert.equal(s.unionid, expected?.unionid);
    assert.match(s.sessionKey.reveal(), /^[A-Za-z0-9+/]{22}==$/);
    const shown = `${JSON.stringify(s)} ${inspect(s)} ${String(s.sessionKey)}`;
    assert.equal(shown.includes(s.sessionKey.reveal()), false, 'the session_key stays on the server');
  });

  it('tells a spent code (WEIXIN_CODE_USED) from an unknown one (WEIXIN_CODE_INVALID); both mean "sign in again"', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    const code = jscode(player('spent'));
    await game.code2session(code);
    const used = await failure(game.code2session(code));
    assert.equal(used.code, 'WEIXIN_CODE_USED');
    assert.equal(used.wechatCode, '40163');
    assert.equal(used.retrySameRequest, false);
    assert.equal(weixinPlayerMeaning(used).action, 'sign-in-again');
    const unknown = await failure(game.code2session('0123456789abcdefABCDEF0123456789'));
    assert.equal(unknown.code, 'WEIXIN_CODE_INVALID');
    assert.equal(weixinPlayerMeaning(unknown).action, 'sign-in-again');
  });

  it('reaches 40226, 40013 and 40125 the way they really happen: a risky player, a wrong appid, a wrong secret', async () => {
    const risky = player('risky');
    sandbox.weixin.upsertPlayer({ handle: risky, highRisk: true });
    const e = await failure(clientFor(SANDBOX_MINIGAME_APPID).code2session(jscode(risky)));
    assert.equal(e.code, 'WEIXIN_RISKY_USER');
    assert.equal(e.status, 403);
    assert.equal(weixinPlayerMeaning(e).action, 'blocked');
    const wrongApp = new WeixinClient({
      appid: 'wx0000000000000bad',
      appSecret: 'x',
      apiBaseUrl: sandbox.baseUrl,
      clock,
      fetch: recordingFetch,
    });
    assert.equal((await failure(wrongApp.code2session(jscode(player('a'))))).code, 'WEIXIN_APPID_INVALID');
    const wrongSecret = clientFor(SANDBOX_MINIGAME_APPID, { appSecret: 'not-the-secret' });
    const s = await failure(wrongSecret.code2session(jscode(player('b'))));
    assert.equal(s.code, 'WEIXIN_SECRET_INVALID');
    assert.equal(weixinPlayerMeaning(s).action, 'unavailable');
    assert.equal(JSON.stringify(s).includes('not-the-secret'), false, 'the secret never enters an error');
  });

  it('maps every documented errcode the sandbox injects, and an undocumented one to WEIXIN_ERROR with the errcode kept', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    const table: [number, string, boolean, string][] = [
      [-1, 'WEIXIN_SYSTEM_BUSY', true, 'retry-later'],
      [40029, 'WEIXIN_CODE_INVALID', false, 'sign-in-again'],
      [40163, 'WEIXIN_CODE_USED', false, 'sign-in-again'],
      [45011, 'WEIXIN_RATE_LIMITED', true, 'retry-later'],
      [40226, 'WEIXIN_RISKY_USER', false, 'blocked'],
      [40013, 'WEIXIN_APPID_INVALID', false, 'unavailable'],
      [40125, 'WEIXIN_SECRET_INVALID', false, 'unavailable'],
      [61234, 'WEIXIN_ERROR', false, 'unavailable'],
    ];
    const code = jscode(player('faults'));
    for (const [errcode, expected, retry, action] of table) {
      sandbox.faults.inject({ endpoint: 'GET /sns/jscode2session', kind: 'weixin-errcode', errcode });
      const e = await failure(game.code2session(code));
      assert.equal(e.code, expected, String(errcode));
      assert.equal(e.retrySameRequest, retry, String(errcode));
      assert.equal(e.retryable, retry, String(errcode));
      assert.equal(weixinPlayerMeaning(e).action, action, String(errcode));
      assert.equal(e.details?.errcode, errcode);
    }
    assert.equal(typeof (await game.code2session(code)).openid, 'string', 'injected errors spent nothing');
  });

  it('leaves unionid out where the app is not bound to an Open Platform account', async () => {
    sandbox.weixin.upsertApp({ appid: 'wx9000000000000009', kind: 'minigame', openPlatformId: null });
    const h = player('unbound', { apps: ['wx9000000000000009', SANDBOX_MINIGAME_APPID] });
    const solo = await clientFor('wx9000000000000009').code2session(jscode(h, 'wx9000000000000009'));
    assert.equal(solo.unionid, undefined);
    const bound = await clientFor(SANDBOX_MINIGAME_APPID).code2session(jscode(h));
    assert.match(bound.unionid ?? '', /^o/);
    assert.notEqual(solo.openid, bound.openid);
  });

  it('refuses inputs that cannot be a code before sending anything', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    sandbox.weixin.resetCalls();
    for (const bad of ['', 'has space', 'x'.repeat(257), 'line\nbreak', '中文code']) {
      const e = await failure(game.code2session(bad));
      assert.equal(e.code, 'WEIXIN_CODE_INVALID');
      assert.equal(e.kind, 'invalid-input');
    }
    assert.equal((await failure(game.phoneNumber(''))).kind, 'invalid-input');
    assert.equal((await failure(game.oauthAccessToken(' '))).kind, 'invalid-input');
    assert.deepEqual(sandbox.weixin.calls(), {}, 'nothing reached WeChat');
    await assert.rejects(game.phoneNumber('abc', { openid: 'bad openid' }), RangeError);
    await assert.rejects(game.oauthUserInfo('token', '../etc'), RangeError);
  });
});

describe('the access_token cache', () => {
  it('50 concurrent callers after the token expired cause exactly one stable_token call', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    const first = await game.accessToken();
    clock.advanceMs(7200_000);
    sandbox.weixin.resetCalls();
    const tokens = await Promise.all(Array.from({ length: 50 }, () => game.accessToken()));
    assert.equal(new Set(tokens).size, 1);
    assert.notEqual(tokens[0], first);
    assert.equal(stableTokenCalls(), 1);
  });

  it('five nodes sharing one cache, ten callers each, refresh once between them', async () => {
    const shared = new InMemoryTokenCache({ clock });
    const nodes = Array.from({ length: 5 }, () => clientFor(SANDBOX_MINIGAME_APPID, { tokenCache: shared }));
    clock.advanceMs(7200_000);
    sandbox.weixin.resetCalls();
    const tokens = await Promise.all(nodes.flatMap((node) => Array.from({ length: 10 }, () => node.accessToken())));
    assert.equal(new Set(tokens).size, 1);
    assert.equal(stableTokenCalls(), 1);
    // Inside the margin one refresh again, and the stable-token API really hands out a new token then.
    clock.advanceMs(7200_000 - 3 * 60_000);
    sandbox.weixin.resetCalls();
    const renewed = await Promise.all(nodes.map((node) => node.accessToken()));
    assert.equal(new Set(renewed).size, 1);
    assert.notEqual(renewed[0], tokens[0]);
    assert.equal(stableTokenCalls(), 1);
  });

  it('keeps handing out the old token when an early refresh fails while it is still valid', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    clock.advanceMs(7200_000);
    const token = await game.accessToken();
    clock.advanceMs(7200_000 - 3 * 60_000);
    sandbox.faults.inject({ endpoint: 'POST /cgi-bin/stable_token', kind: 'weixin-errcode', errcode: -1 });
    assert.equal(await game.accessToken(), token);
    assert.notEqual(await game.accessToken(), token, 'the next call refreshes');
    clock.advanceMs(7200_000);
    sandbox.faults.inject({ endpoint: 'POST /cgi-bin/stable_token', kind: 'weixin-errcode', errcode: -1 });
    assert.equal((await failure(game.accessToken())).code, 'WEIXIN_SYSTEM_BUSY', 'an expired token is never handed out');
  });
});

describe('a rejected access_token is replaced once', () => {
  const withPhone = () => player('tel', { phone: '13800138000' });
  const phoneCode = (h: string) => sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'phone' }).code;

  it('40001: one forced refresh, then the call is retried once and succeeds', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    clock.advanceMs(60_000);
    const before = await game.accessToken();
    sandbox.weixin.endTokens(SANDBOX_MINIGAME_APPID, 'revoke');
    sandbox.weixin.resetCalls();
    sent.length = 0;
    const info = await game.phoneNumber(phoneCode(withPhone()));
    assert.equal(info.purePhoneNumber, '13800138000');
    assert.deepEqual(sandbox.weixin.calls(), { 'POST /cgi-bin/stable_token': 1, 'POST /wxa/business/getuserphonenumber': 2 });
    assert.deepEqual(forcedFlags(), [true]);
    assert.notEqual(await game.accessToken(), before);
  });

  it('42001: an expired token is replaced in normal mode (forced refreshes are rationed), then the call succeeds', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    clock.advanceMs(60_000);
    await game.accessToken();
    sandbox.weixin.endTokens(SANDBOX_MINIGAME_APPID, 'expire');
    sent.length = 0;
    sandbox.weixin.resetCalls();
    assert.equal((await game.phoneNumber(phoneCode(withPhone()))).countryCode, '86');
    assert.deepEqual(forcedFlags(), [false]);
    assert.equal(stableTokenCalls(), 1);
  });

  it('twenty callers hitting the same rejected token share one forced refresh', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    clock.advanceMs(60_000);
    await game.accessToken();
    sandbox.weixin.endTokens(SANDBOX_MINIGAME_APPID, 'revoke');
    sandbox.weixin.resetCalls();
    const codes = Array.from({ length: 20 }, () => phoneCode(withPhone()));
    const infos = await Promise.all(codes.map((c) => game.phoneNumber(c)));
    assert.equal(infos.length, 20);
    assert.equal(stableTokenCalls(), 1);
    assert.equal(sandbox.weixin.calls()['POST /wxa/business/getuserphonenumber'], 40);
  });

  it('a second rejection is the caller’s error: no loop', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    clock.advanceMs(60_000);
    await game.accessToken();
    sandbox.faults.inject({ endpoint: 'POST /wxa/business/getuserphonenumber', kind: 'weixin-errcode', errcode: 40001, count: 2 });
    sandbox.weixin.resetCalls();
    const e = await failure(game.phoneNumber(phoneCode(withPhone())));
    assert.equal(e.code, 'WEIXIN_TOKEN_INVALID');
    assert.equal(weixinPlayerMeaning(e).action, 'retry-later');
    assert.deepEqual(sandbox.weixin.calls(), { 'POST /cgi-bin/stable_token': 1, 'POST /wxa/business/getuserphonenumber': 2 });
  });
});

describe('phone number', () => {
  it('exchanges a getPhoneNumber code once for the number, with the watermark of this app', async () => {
    const game = clientFor(SANDBOX_MINIGAME_APPID);
    const h = player('intl', { phone: '+44 7700 900123' });
    const openid = sandbox.weixin.player(h)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.openid ?? '';
    const code = sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'phone' }).code;
    const info = await game.phoneNumber(code, { openid });
    assert.deepEqual(info, {
      phoneNumber: '+447700900123',
      purePhoneNumber: '7700900123',
      countryCode: '44',
      watermark: { timestampSeconds: Math.floor(clock.nowMs() / 1000), appid: SANDBOX_MINIGAME_APPID },
    });
    const again = await failure(game.phoneNumber(code));
    assert.equal(again.code, 'WEIXIN_CODE_INVALID');
    assert.equal(weixinPlayerMeaning(again).action, 'sign-in-again');
  });
});

describe('OAuth and QR login through the pages', () => {
  const consent = async (url: string, form: Record<string, string>, path: string) => {
    const page = await fetch(url);
    assert.equal(page.status, 200);
    await page.text();
    const params = Object.fromEntries(new URL(url).searchParams);
    const back = await fetch(`${sandbox.pagesUrl}${path}`, {
      method: 'POST',
      body: new URLSearchParams({ ...params, ...form }),
      redirect: 'manual',
    });
    assert.equal(back.status, 302);
    return new URL(back.headers.get('location') ?? '');
  };

  it('snsapi_userinfo: the state comes back unchanged, the code buys a token, the token the profile, the refresh token a new token', async () => {
    const oa = clientFor(SANDBOX_OFFICIAL_ACCOUNT_APPID);
    const h = player('h5');
    sandbox.weixin.upsertPlayer({ handle: h, nickname: '网页玩家' });
    const state = newOAuthState();
    assert.match(state, /^[0-9A-Za-z]{32}$/);
    const url = oa.oauthAuthorizeUrl({ redirectUri: 'https://game.example/auth/wechat?next=/lobby', scope: 'snsapi_userinfo', state });
    assert.ok(url.endsWith('#wechat_redirect'));
    const back = await consent(url, { player: h, action: 'allow' }, '/connect/oauth2/authorize');
    assert.equal(back.searchParams.get('state'), state);
    assert.equal(back.searchParams.get('next'), '/lobby');
    const token = await oa.oauthAccessToken(back.searchParams.get('code') ?? '');
    const expected = sandbox.weixin.player(h)?.apps.find((a) => a.appid === SANDBOX_OFFICIAL_ACCOUNT_APPID);
    assert.equal(token.openid, expected?.openid);
    assert.equal(token.unionid, expected?.unionid);
    assert.equal(token.scope, 'snsapi_userinfo');
    assert.equal(token.isSnapshotUser, false);
    const info = await oa.oauthUserInfo(token.accessToken, token.openid);
    assert.equal(info.nickname, '网页玩家');
    assert.equal(info.unionid, expected?.unionid);
    const renewed = await oa.oauthRefreshToken(token.refreshToken);
    assert.equal(renewed.openid, token.openid);
    assert.equal((await oa.oauthUserInfo(renewed.accessToken, renewed.openid)).openid, token.openid);
    assert.equal((await failure(oa.oauthAccessToken(back.searchParams.get('code') ?? ''))).code, 'WEIXIN_CODE_USED');
  });

  it('snsapi_base: silent for a known player, openid only (no unionid), and no profile', async () => {
    const oa = clientFor(SANDBOX_OFFICIAL_ACCOUNT_APPID);
    const h = player('base');
    const url = oa.oauthAuthorizeUrl({ redirectUri: 'https://game.example/cb', scope: 'snsapi_base', state: 'B1' });
    const res = await fetch(url, { headers: { cookie: `fg_wx_player=${h}` }, redirect: 'manual' });
    assert.equal(res.status, 302);
    const back = new URL(res.headers.get('location') ?? '');
    assert.equal(back.searchParams.get('state'), 'B1');
    const token = await oa.oauthAccessToken(back.searchParams.get('code') ?? '');
    assert.equal(token.unionid, undefined);
    const e = await failure(oa.oauthUserInfo(token.accessToken, token.openid));
    assert.equal(e.code, 'WEIXIN_ERROR');
    assert.equal(e.wechatCode, '48001');
  });

  it('website QR login: the scan comes back with the state, and the unionid is the one the player has in the mini-game', async () => {
    const site = clientFor(SANDBOX_WEBSITE_APPID);
    const h = player('pc');
    const url = site.qrConnectUrl({ redirectUri: 'https://www.game.example/login', state: 'Q9' });
    assert.match(
      url,
      /\/connect\/qrconnect\?appid=wxc000000000000003&redirect_uri=https%3A%2F%2Fwww\.game\.example%2Flogin&response_type=code&scope=snsapi_login&state=Q9#wechat_redirect$/,
    );
    const back = await consent(url, { player: h, action: 'allow' }, '/connect/qrconnect');
    assert.equal(back.searchParams.get('state'), 'Q9');
    const token = await site.oauthAccessToken(back.searchParams.get('code') ?? '');
    assert.equal(token.scope, 'snsapi_login');
    const game = await clientFor(SANDBOX_MINIGAME_APPID).code2session(jscode(h));
    assert.equal(token.unionid, game.unionid);
    assert.notEqual(token.openid, game.openid);
  });

  it('refuses a state or redirect the pages would not take', () => {
    const oa = clientFor(SANDBOX_OFFICIAL_ACCOUNT_APPID);
    assert.throws(() => oa.oauthAuthorizeUrl({ redirectUri: 'https://x.example/', scope: 'snsapi_base', state: '' }), RangeError);
    assert.throws(() => oa.oauthAuthorizeUrl({ redirectUri: 'https://x.example/', scope: 'snsapi_base', state: 'has-dash' }), RangeError);
    assert.throws(
      () => oa.oauthAuthorizeUrl({ redirectUri: 'https://x.example/', scope: 'snsapi_base', state: 'a'.repeat(129) }),
      RangeError,
    );
    assert.throws(() => oa.oauthAuthorizeUrl({ redirectUri: '/relative', scope: 'snsapi_base', state: 'S' }), RangeError);
    assert.throws(() => oa.qrConnectUrl({ redirectUri: 'javascript:alert(1)', state: 'S' }), RangeError);
    assert.throws(() => oa.oauthAuthorizeUrl({ redirectUri: 'https://x.example/#frag', scope: 'snsapi_base', state: 'S' }), RangeError);
  });
});

describe('JS-SDK', () => {
  it('signs wx.config with the official account’s jsapi_ticket', async () => {
    const oa = clientFor(SANDBOX_OFFICIAL_ACCOUNT_APPID);
    const cfg = await oa.jsSdkConfig({ url: 'https://game.example/withdraw?x=1#top', jsApiList: ['requestMerchantTransfer'] });
    const ticket = await oa.jsapiTicket();
    assert.equal(cfg.appId, SANDBOX_OFFICIAL_ACCOUNT_APPID);
    assert.equal(
      cfg.signature,
      jsSdkSignature({
        jsapiTicket: ticket,
        nonceStr: cfg.nonceStr,
        timestampSeconds: cfg.timestamp,
        url: 'https://game.example/withdraw?x=1',
      }),
    );
  });
});

// The simulated api.weixin.qq.com and open.weixin.qq.com, driven over plain HTTP as any client
// would: test players and their codes, code2Session, the stable-token rules, the older token API,
// jsapi_ticket, the phone number, OAuth and QR login pages, faults and call counts.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, SANDBOX_WEBSITE_APPID } from '../src/index.ts';
import { type Loose, type Rig, rig } from './helpers.ts';

let r: Rig;
before(async () => {
  r = await rig();
});
after(() => r.close());

const secretOf = (appid: string) => r.sandbox.weixin.app(appid).secret;

async function get(path: string, params: Record<string, string>): Promise<Loose> {
  const res = await fetch(`${r.sandbox.baseUrl}${path}?${new URLSearchParams(params)}`);
  assert.equal(res.status, 200);
  return res.json();
}

async function post(path: string, params: Record<string, string>, body: unknown): Promise<Loose> {
  const qs = new URLSearchParams(params).toString();
  const res = await fetch(`${r.sandbox.baseUrl}${path}${qs === '' ? '' : `?${qs}`}`, {
    method: 'POST',
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  assert.equal(res.status, 200);
  return res.json();
}

async function admin(method: string, path: string, body?: unknown): Promise<{ status: number; body: Loose }> {
  const res = await fetch(`${r.sandbox.baseUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
}

const session = (appid: string, code: string) =>
  get('/sns/jscode2session', { appid, secret: secretOf(appid), js_code: code, grant_type: 'authorization_code' });
const stable = (appid: string, force?: boolean) =>
  post(
    '/cgi-bin/stable_token',
    {},
    { grant_type: 'client_credential', appid, secret: secretOf(appid), ...(force === undefined ? {} : { force_refresh: force }) },
  );
const ticket = (token: string) => get('/cgi-bin/ticket/getticket', { access_token: token, type: 'jsapi' });

let n = 0;
function handle(prefix: string): string {
  n += 1;
  return `${prefix}${n}`;
}

describe('apps and test players', () => {
  it('starts with the pay appid, a mini-game, an official account and a website app, all under one Open Platform account', async () => {
    const { body } = await admin('GET', '/sandbox/weixin/apps');
    const kinds = Object.fromEntries(body.apps.map((a: Loose) => [a.appid, a.kind]));
    assert.deepEqual(kinds, {
      [r.sandbox.merchant.appid]: 'miniprogram',
      [SANDBOX_MINIGAME_APPID]: 'minigame',
      [SANDBOX_OFFICIAL_ACCOUNT_APPID]: 'officialAccount',
      [SANDBOX_WEBSITE_APPID]: 'website',
    });
    assert.ok(body.apps.every((a: Loose) => a.openPlatformId === 'sandbox-open' && /^[0-9a-f]{32}$|^[0-9A-Za-z]{32}$/.test(a.secret)));
    assert.equal(r.sandbox.weixin.app().secret, r.sandbox.merchant.appSecret);
    const merchant = await admin('GET', '/sandbox/merchant');
    assert.equal(merchant.body.weixinApps.length, 4);
  });

  it('gives a player one openid per app and one unionid per Open Platform account; none where the app is not bound', async () => {
    await admin('POST', '/sandbox/weixin/apps', { appid: 'wxd000000000000004', kind: 'minigame', name: 'solo', openPlatformId: null });
    await admin('POST', '/sandbox/weixin/apps', {
      appid: 'wxe000000000000005',
      kind: 'miniprogram',
      name: 'other',
      openPlatformId: 'other-open',
    });
    const created = await admin('POST', '/sandbox/weixin/players', {
      handle: 'alice',
      nickname: '爱丽丝',
      phone: '+86 138 0013 8000',
      apps: [SANDBOX_MINIGAME_APPID, SANDBOX_OFFICIAL_ACCOUNT_APPID, 'wxd000000000000004', 'wxe000000000000005'],
    });
    assert.equal(created.status, 200);
    const byApp = Object.fromEntries(created.body.apps.map((a: Loose) => [a.appid, a]));
    const game = byApp[SANDBOX_MINIGAME_APPID];
    const oa = byApp[SANDBOX_OFFICIAL_ACCOUNT_APPID];
    assert.match(game.openid, /^o[0-9A-Za-z_-]{27}$/);
    assert.notEqual(game.openid, oa.openid);
    assert.equal(game.unionid, oa.unionid);
    assert.match(game.unionid, /^o[0-9A-Za-z_-]{27}$/);
    assert.equal(byApp.wxd000000000000004.unionid, null);
    assert.notEqual(byApp.wxe000000000000005.unionid, game.unionid);
    assert.deepEqual(created.body.phone, { countryCode: '86', number: '13800138000' });
    assert.equal((await admin('GET', '/sandbox/weixin/players/alice')).body.nickname, '爱丽丝');
    assert.equal((await admin('GET', '/sandbox/weixin/players/nobody')).body.code, 'SANDBOX_PLAYER_NOT_FOUND');
  });

  it('refuses bad players, codes for apps a player does not use, and codes of the wrong kind for an app', async () => {
    const badHandle = await admin('POST', '/sandbox/weixin/players', { handle: 'no spaces' });
    assert.equal(badHandle.status, 400);
    assert.equal(badHandle.body.code, 'SANDBOX_REQUEST_INVALID');
    assert.equal((await admin('POST', '/sandbox/weixin/players', { handle: 'p', phone: '12' })).status, 400);
    assert.equal((await admin('POST', '/sandbox/weixin/players', { handle: 'p', apps: ['wxnope'] })).body.code, 'SANDBOX_APP_NOT_FOUND');
    await admin('POST', '/sandbox/weixin/players', { handle: 'bob', apps: [SANDBOX_MINIGAME_APPID] });
    const unbound = await admin('POST', '/sandbox/weixin/players/bob/codes', { appid: SANDBOX_OFFICIAL_ACCOUNT_APPID, kind: 'oauth' });
    assert.equal(unbound.status, 409);
    assert.equal(unbound.body.code, 'SANDBOX_PLAYER_NOT_BOUND');
    const wrongKind = await admin('POST', '/sandbox/weixin/players/bob/codes', { appid: SANDBOX_MINIGAME_APPID, kind: 'oauth' });
    assert.equal(wrongKind.status, 400);
    const noPhone = await admin('POST', '/sandbox/weixin/players/bob/codes', { appid: SANDBOX_MINIGAME_APPID, kind: 'phone' });
    assert.match(noPhone.body.details.why, /no phone/);
  });
});

describe('jscode2session', () => {
  it('answers openid, session_key and unionid once per code; a reused code is 40163, an unknown or expired one 40029', async () => {
    const h = handle('js');
    r.sandbox.weixin.upsertPlayer({ handle: h });
    const issued = (await admin('POST', `/sandbox/weixin/players/${h}/codes`, { appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' })).body;
    assert.match(issued.code, /^[0-9A-Za-z]{32}$/);
    assert.equal(issued.expiresAtMs, r.clock.nowMs() + 5 * 60_000);
    const ok = await session(SANDBOX_MINIGAME_APPID, issued.code);
    assert.equal(ok.openid, issued.openid);
    assert.equal(ok.unionid, r.sandbox.weixin.player(h)?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.unionid);
    assert.match(ok.session_key, /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(ok.errcode, undefined);
    assert.deepEqual(await session(SANDBOX_MINIGAME_APPID, issued.code), { errcode: 40163, errmsg: 'code been used' });
    assert.deepEqual(await session(SANDBOX_MINIGAME_APPID, 'not-a-code'), { errcode: 40029, errmsg: 'invalid code' });
    const late = r.sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' });
    r.advance(5 * 60_000);
    assert.equal((await session(SANDBOX_MINIGAME_APPID, late.code)).errcode, 40029);
  });

  it('checks the app: unknown appid 40013, wrong secret 40125, a code of another app 40029, missing secret 41004', async () => {
    const h = handle('app');
    r.sandbox.weixin.upsertPlayer({ handle: h });
    const c = r.sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
    const q = { js_code: c, grant_type: 'authorization_code' };
    assert.equal((await get('/sns/jscode2session', { ...q, appid: 'wx0', secret: 'x' })).errcode, 40013);
    assert.equal((await get('/sns/jscode2session', { ...q, appid: SANDBOX_MINIGAME_APPID, secret: 'wrong' })).errcode, 40125);
    assert.equal((await get('/sns/jscode2session', { ...q, appid: SANDBOX_MINIGAME_APPID })).errcode, 41004);
    assert.equal((await session(r.sandbox.merchant.appid, c)).errcode, 40029);
    assert.equal((await session(SANDBOX_MINIGAME_APPID, c)).errcode, undefined, 'the refusals did not spend the code');
  });

  it('leaves unionid out when the app has no Open Platform account', async () => {
    await admin('POST', '/sandbox/weixin/apps', { appid: 'wxf000000000000006', kind: 'minigame', openPlatformId: null });
    const h = handle('solo');
    r.sandbox.weixin.upsertPlayer({ handle: h, apps: ['wxf000000000000006'] });
    const ok = await session(
      'wxf000000000000006',
      r.sandbox.weixin.issueCode({ handle: h, appid: 'wxf000000000000006', kind: 'jscode' }).code,
    );
    assert.equal(typeof ok.openid, 'string');
    assert.equal('unionid' in ok, false);
  });

  it('refuses a high-risk player with 40226 and a player past 100 logins a minute with 45011', async () => {
    const risky = handle('risk');
    r.sandbox.weixin.upsertPlayer({ handle: risky, highRisk: true });
    assert.deepEqual(
      await session(
        SANDBOX_MINIGAME_APPID,
        r.sandbox.weixin.issueCode({ handle: risky, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code,
      ),
      {
        errcode: 40226,
        errmsg: 'high risk user',
      },
    );
    const busy = handle('busy');
    r.sandbox.weixin.upsertPlayer({ handle: busy });
    for (let i = 0; i < 100; i++) {
      const ok = await session(
        SANDBOX_MINIGAME_APPID,
        r.sandbox.weixin.issueCode({ handle: busy, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code,
      );
      assert.equal(ok.errcode, undefined);
    }
    const spare = r.sandbox.weixin.issueCode({ handle: busy, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
    assert.equal((await session(SANDBOX_MINIGAME_APPID, spare)).errcode, 45011);
    r.advance(60_000);
    assert.equal((await session(SANDBOX_MINIGAME_APPID, spare)).errcode, undefined, 'a rate-limited call does not spend the code');
  });

  it('keeps the first version: sandbox.user.loginCode(openid) gives that openid in the pay app', async () => {
    const code = (await admin('POST', '/sandbox/user/login-code', { openid: 'oLegacyPlayer', kind: 'jscode' })).body.code;
    assert.equal((await session(r.sandbox.merchant.appid, code)).openid, 'oLegacyPlayer');
  });
});

describe('access_token', () => {
  const appid = SANDBOX_MINIGAME_APPID;

  it('stable_token: POST JSON only; normal mode repeats the current token until its last five minutes', async () => {
    const viaGet = await get('/cgi-bin/stable_token', { grant_type: 'client_credential', appid, secret: secretOf(appid) });
    assert.equal(viaGet.errcode, 43002);
    assert.equal((await post('/cgi-bin/stable_token', {}, 'not json')).errcode, 47001);
    assert.equal((await post('/cgi-bin/stable_token', {}, { grant_type: 'client_credential', appid })).errcode, 41004);
    assert.equal((await post('/cgi-bin/stable_token', {}, { grant_type: 'password', appid, secret: 'x' })).errcode, 40002);
    assert.equal((await post('/cgi-bin/stable_token', {}, { grant_type: 'client_credential', appid, secret: 'wrong' })).errcode, 40125);
    r.sandbox.weixin.endTokens(appid, 'revoke');
    const first = await stable(appid, true);
    assert.equal(first.expires_in, 7200);
    r.advance(60_000);
    const again = await stable(appid);
    assert.equal(again.access_token, first.access_token);
    assert.equal(again.expires_in, 7140);
    r.advance(7200_000 - 60_000 - 4 * 60_000);
    const rotated = await stable(appid, false);
    assert.notEqual(rotated.access_token, first.access_token);
    assert.equal(rotated.expires_in, 7200);
    assert.equal((await ticket(first.access_token)).errcode, 0, 'the old token works through the handover');
    r.advance(4 * 60_000);
    assert.deepEqual(await ticket(first.access_token), { errcode: 42001, errmsg: 'access_token expired' });
    assert.equal((await ticket(rotated.access_token)).errcode, 0);
  });

  it('stable_token force_refresh: retires the old token (40001), does nothing within 30 s, and stops after 20 a day (45009)', async () => {
    const site = SANDBOX_WEBSITE_APPID;
    r.advance(24 * 3600_000); // a fresh Beijing day for the daily count
    const before = await stable(site);
    r.advance(1000);
    const forced = await stable(site, true);
    assert.notEqual(forced.access_token, before.access_token);
    assert.deepEqual(await ticket(before.access_token), {
      errcode: 40001,
      errmsg: 'invalid credential, access_token is invalid or not latest',
    });
    r.advance(10_000);
    assert.equal((await stable(site, true)).access_token, forced.access_token, 'a forced call within 30 s does not refresh');
    for (let i = 1; i < 20; i++) {
      r.advance(30_000);
      assert.equal((await stable(site, true)).errcode, undefined);
    }
    r.advance(30_000);
    assert.deepEqual(await stable(site, true), { errcode: 45009, errmsg: 'reach max api daily quota limit' });
    assert.equal((await stable(site)).errcode, undefined, 'normal mode still works');
  });

  it('keeps /cgi-bin/token apart: every call is a new token, the previous one works five more minutes', async () => {
    const oa = SANDBOX_OFFICIAL_ACCOUNT_APPID;
    const s = await stable(oa);
    const q = { grant_type: 'client_credential', appid: oa, secret: secretOf(oa) };
    const a = await get('/cgi-bin/token', q);
    const b = await get('/cgi-bin/token', q);
    assert.notEqual(a.access_token, b.access_token);
    assert.equal(b.expires_in, 7200);
    assert.equal((await ticket(a.access_token)).errcode, 0);
    r.advance(5 * 60_000);
    assert.equal((await ticket(a.access_token)).errcode, 40001);
    assert.equal((await ticket(b.access_token)).errcode, 0);
    assert.equal((await stable(oa)).access_token, s.access_token, 'the stable token did not move');
  });

  it('admin can expire (42001) or revoke (40001) an app token without moving the clock', async () => {
    const oa = SANDBOX_OFFICIAL_ACCOUNT_APPID;
    const t = (await stable(oa, true)).access_token;
    const first = await ticket(t);
    assert.equal(first.errcode, 0);
    assert.equal((await ticket(t)).ticket, first.ticket, 'the ticket is stable while valid');
    assert.equal((await admin('POST', `/sandbox/weixin/apps/${oa}/tokens/expire`, {})).body.ended >= 1, true);
    assert.equal((await ticket(t)).errcode, 42001);
    r.advance(30_000);
    const t2 = (await stable(oa)).access_token;
    await admin('POST', `/sandbox/weixin/apps/${oa}/tokens/expire`, { revoke: true });
    assert.equal((await ticket(t2)).errcode, 40001);
    assert.equal((await get('/cgi-bin/ticket/getticket', { access_token: 'nope', type: 'jsapi' })).errcode, 40001);
  });
});

describe('getuserphonenumber', () => {
  it('exchanges a phone code once for phone_info with the app in the watermark; 40029 for a reused code or another app', async () => {
    const h = handle('tel');
    r.sandbox.weixin.upsertPlayer({ handle: h, phone: '+44 7700 900123' });
    const token = (await stable(SANDBOX_MINIGAME_APPID)).access_token;
    const c = r.sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'phone' });
    assert.match(c.code, /^[0-9a-f]{64}$/);
    const ok = await post('/wxa/business/getuserphonenumber', { access_token: token }, { code: c.code });
    assert.deepEqual(ok, {
      errcode: 0,
      errmsg: 'ok',
      phone_info: {
        phoneNumber: '+447700900123',
        purePhoneNumber: '7700900123',
        countryCode: 44,
        watermark: { timestamp: Math.floor(r.clock.nowMs() / 1000), appid: SANDBOX_MINIGAME_APPID },
      },
    });
    assert.equal((await post('/wxa/business/getuserphonenumber', { access_token: token }, { code: c.code })).errcode, 40029);
    const other = r.sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'phone' });
    const payToken = (await stable(r.sandbox.merchant.appid)).access_token;
    assert.equal((await post('/wxa/business/getuserphonenumber', { access_token: payToken }, { code: other.code })).errcode, 40029);
    assert.equal((await post('/wxa/business/getuserphonenumber', { access_token: token }, {})).errcode, 41008);
    assert.equal((await post('/wxa/business/getuserphonenumber', { access_token: 'bad' }, { code: other.code })).errcode, 40001);
  });
});

describe('OAuth pages', () => {
  const oa = SANDBOX_OFFICIAL_ACCOUNT_APPID;
  const authorize = (scope: string, extra: Record<string, string> = {}) =>
    new URLSearchParams({
      appid: oa,
      redirect_uri: 'https://game.example/auth/wechat?from=menu',
      response_type: 'code',
      scope,
      state: 'S7x',
      ...extra,
    });

  beforeEach(() => {
    r.sandbox.weixin.upsertPlayer({ handle: 'carol', nickname: '卡罗尔' });
  });

  it('snsapi_userinfo: the consent page lists the app’s players, Allow comes back with a code and the same state', async () => {
    const page = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_userinfo')}`);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /允许 \/ Allow/);
    assert.match(html, /卡罗尔/);
    const form = new URLSearchParams({ ...Object.fromEntries(authorize('snsapi_userinfo')), player: 'carol', action: 'allow' });
    const back = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(back.status, 302);
    const location = new URL(back.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, 'https://game.example/auth/wechat');
    assert.equal(location.searchParams.get('from'), 'menu');
    assert.equal(location.searchParams.get('state'), 'S7x');
    const code = location.searchParams.get('code') ?? '';
    const q = { appid: oa, secret: secretOf(oa), code, grant_type: 'authorization_code' };
    const token = await get('/sns/oauth2/access_token', q);
    const carol = r.sandbox.weixin.player('carol')?.apps.find((a) => a.appid === oa);
    assert.equal(token.openid, carol?.openid);
    assert.equal(token.unionid, carol?.unionid);
    assert.equal(token.scope, 'snsapi_userinfo');
    assert.equal(token.expires_in, 7200);
    assert.equal(token.is_snapshotuser, 0);
    assert.deepEqual(await get('/sns/oauth2/access_token', q), { errcode: 40163, errmsg: 'code been used' });
    const info = await get('/sns/userinfo', { access_token: token.access_token, openid: token.openid, lang: 'zh_CN' });
    assert.equal(info.nickname, '卡罗尔');
    assert.equal(info.unionid, carol?.unionid);
    assert.match(info.headimgurl, /\/avatar\/carol\.svg$/);
    assert.equal((await get('/sns/userinfo', { access_token: token.access_token, openid: 'oSomeoneElse' })).errcode, 40003);
    const refreshed = await get('/sns/oauth2/refresh_token', {
      appid: oa,
      grant_type: 'refresh_token',
      refresh_token: token.refresh_token,
    });
    assert.equal(refreshed.openid, token.openid);
    assert.notEqual(refreshed.access_token, token.access_token);
    assert.equal((await get('/sns/oauth2/refresh_token', { appid: oa, grant_type: 'refresh_token', refresh_token: 'x' })).errcode, 40030);
    r.advance(7200_000);
    assert.equal((await get('/sns/userinfo', { access_token: token.access_token, openid: token.openid })).errcode, 42001);
  });

  it('Deny comes back with the state alone; a new handle on the page creates a player bound to the app', async () => {
    const base = Object.fromEntries(authorize('snsapi_userinfo'));
    const deny = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...base, player: 'carol', action: 'deny' }),
      redirect: 'manual',
    });
    const denied = new URL(deny.headers.get('location') ?? '');
    assert.equal(denied.searchParams.get('code'), null);
    assert.equal(denied.searchParams.get('state'), 'S7x');
    const fresh = handle('new');
    const allow = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...base, new_handle: fresh, action: 'allow' }),
      redirect: 'manual',
    });
    assert.equal(allow.status, 302);
    assert.deepEqual(
      r.sandbox.weixin.player(fresh)?.apps.map((a) => a.appid),
      [oa],
    );
    assert.match(allow.headers.get('set-cookie') ?? '', new RegExp(`fg_wx_player=${fresh}`));
  });

  it('snsapi_base is silent for a known player and its token carries no unionid and no user info (48001)', async () => {
    const res = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_base')}`, {
      headers: { cookie: 'fg_wx_player=carol' },
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const location = new URL(res.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 'S7x');
    const token = await get('/sns/oauth2/access_token', {
      appid: oa,
      secret: secretOf(oa),
      code: location.searchParams.get('code') ?? '',
      grant_type: 'authorization_code',
    });
    assert.equal(token.scope, 'snsapi_base');
    assert.equal('unionid' in token, false);
    assert.equal((await get('/sns/userinfo', { access_token: token.access_token, openid: token.openid })).errcode, 48001);
    const unknown = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_base')}`, { redirect: 'manual' });
    assert.equal(unknown.status, 200, 'an unknown browser is asked who it is');
    const scripted = await fetch(
      `${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_base', { sandbox_player: 'carol' })}`,
      {
        redirect: 'manual',
      },
    );
    assert.equal(scripted.status, 302);
  });

  it('refuses what WeChat refuses: a website appid, a bad scope, a redirect outside the registered domains', async () => {
    const site = await fetch(
      `${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_userinfo', { appid: SANDBOX_WEBSITE_APPID })}`,
    );
    assert.equal(site.status, 400);
    assert.match(await site.text(), /10016/);
    assert.equal((await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_login')}`)).status, 400);
    await admin('POST', '/sandbox/weixin/apps', { appid: oa, kind: 'officialAccount', redirectDomains: ['h5.example.com'] });
    try {
      const elsewhere = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize('snsapi_userinfo')}`);
      assert.match(await elsewhere.text(), /10003/);
    } finally {
      await admin('POST', '/sandbox/weixin/apps', { appid: oa, kind: 'officialAccount', redirectDomains: null });
    }
  });

  it('website QR login: snsapi_login only, the scan comes back with code and state, the token carries the unionid', async () => {
    const site = SANDBOX_WEBSITE_APPID;
    const q = new URLSearchParams({
      appid: site,
      redirect_uri: 'https://www.game.example/login/done',
      response_type: 'code',
      scope: 'snsapi_login',
      state: 'Q1',
    });
    const page = await fetch(`${r.sandbox.pagesUrl}/connect/qrconnect?${q}`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /扫/);
    const wrongScope = await fetch(
      `${r.sandbox.pagesUrl}/connect/qrconnect?${new URLSearchParams({ ...Object.fromEntries(q), scope: 'snsapi_userinfo' })}`,
    );
    assert.match(await wrongScope.text(), /该链接无法访问/);
    const back = await fetch(`${r.sandbox.pagesUrl}/connect/qrconnect`, {
      method: 'POST',
      body: new URLSearchParams({ ...Object.fromEntries(q), player: 'carol', action: 'allow' }),
      redirect: 'manual',
    });
    const location = new URL(back.headers.get('location') ?? '');
    assert.equal(location.searchParams.get('state'), 'Q1');
    const token = await get('/sns/oauth2/access_token', {
      appid: site,
      secret: secretOf(site),
      code: location.searchParams.get('code') ?? '',
      grant_type: 'authorization_code',
    });
    assert.equal(token.scope, 'snsapi_login');
    assert.equal(token.unionid, r.sandbox.weixin.player('carol')?.apps.find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.unionid);
  });

  it('serves the test-player page: create a player and issue a code by hand', async () => {
    const created = await fetch(`${r.sandbox.pagesUrl}/players`, {
      method: 'POST',
      body: new URLSearchParams([
        ['handle', 'dave'],
        ['nickname', '大卫'],
        ['phone', '13900139000'],
        ['apps', SANDBOX_MINIGAME_APPID],
      ]),
      redirect: 'manual',
    });
    assert.equal(created.status, 302);
    assert.deepEqual(r.sandbox.weixin.player('dave')?.phone, { countryCode: '86', number: '13900139000' });
    const listing = await (await fetch(`${r.sandbox.pagesUrl}/players`)).text();
    assert.match(listing, /大卫/);
    const issued = await (
      await fetch(`${r.sandbox.pagesUrl}/players/code`, {
        method: 'POST',
        body: new URLSearchParams({ handle: 'dave', appid: SANDBOX_MINIGAME_APPID, kind: 'phone', scope: '' }),
      })
    ).text();
    assert.match(issued, /<code[^>]*>[0-9a-f]{64}<\/code>/);
  });
});

describe('faults and call counts', () => {
  it('answers the next N calls of an endpoint with an injected errcode, performing nothing', async () => {
    const h = handle('fault');
    r.sandbox.weixin.upsertPlayer({ handle: h });
    const code = r.sandbox.weixin.issueCode({ handle: h, appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
    const injected = await admin('POST', '/sandbox/faults', {
      endpoint: 'GET /sns/jscode2session',
      kind: 'weixin-errcode',
      errcode: 40226,
      count: 2,
    });
    assert.equal(injected.status, 200);
    assert.deepEqual(await session(SANDBOX_MINIGAME_APPID, code), { errcode: 40226, errmsg: 'high risk user' });
    assert.equal((await session(SANDBOX_MINIGAME_APPID, code)).errcode, 40226);
    assert.equal((await session(SANDBOX_MINIGAME_APPID, code)).errcode, undefined);
    r.sandbox.faults.inject({ endpoint: 'POST /cgi-bin/stable_token', kind: 'weixin-errcode', errcode: 61234, errmsg: 'made up' });
    assert.deepEqual(await stable(SANDBOX_MINIGAME_APPID), { errcode: 61234, errmsg: 'made up' });
    const refused = await admin('POST', '/sandbox/faults', { endpoint: '*', kind: 'weixin-errcode' });
    assert.equal(refused.body.code, 'SANDBOX_FAULT_INVALID');
  });

  it('counts calls per endpoint, faulted ones included, and resets', async () => {
    assert.equal((await admin('DELETE', '/sandbox/weixin/calls')).status, 204);
    await stable(SANDBOX_MINIGAME_APPID);
    await stable(SANDBOX_MINIGAME_APPID);
    await session(SANDBOX_MINIGAME_APPID, 'nope');
    assert.deepEqual((await admin('GET', '/sandbox/weixin/calls')).body.calls, {
      'GET /sns/jscode2session': 1,
      'POST /cgi-bin/stable_token': 2,
    });
    assert.deepEqual(r.sandbox.weixin.calls(), { 'GET /sns/jscode2session': 1, 'POST /cgi-bin/stable_token': 2 });
  });
});

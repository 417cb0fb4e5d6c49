// Profit sharing through wechatpay-axios-plugin, and the api.weixin.qq.com endpoints (login codes,
// OAuth through the consent page, access_token and jsapi_ticket).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Rsa } from 'wechatpay-axios-plugin';
import { failure, jsapiOrder, no, type Rig, rig } from './helpers.ts';

describe('profit sharing', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  async function paid(profitSharing: boolean): Promise<string> {
    const outTradeNo = no('S');
    await r.call(
      'POST',
      'v3/pay/transactions/jsapi',
      jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify', {
        amount: { total: 10_000 },
        settle_info: { profit_sharing: profitSharing },
      }),
    );
    await r.sandbox.user.pay(outTradeNo);
    const q = await r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, {
      params: { mchid: r.sandbox.merchant.mchid },
    });
    return q.data.transaction_id;
  }

  it('adds a receiver with its name encrypted for the public key', async () => {
    const name = Rsa.encrypt('赛事运营有限公司', Rsa.from(r.sandbox.platform.publicKeyPem, Rsa.KEY_TYPE_PUBLIC));
    const res = await r.call(
      'POST',
      'v3/profitsharing/receivers/add',
      { appid: r.sandbox.merchant.appid, type: 'MERCHANT_ID', account: '1900000109', name, relation_type: 'PARTNER' },
      { headers: { 'Wechatpay-Serial': r.sandbox.platform.publicKeyId } },
    );
    assert.equal(res.data.account, '1900000109');
    assert.equal(res.data.relation_type, 'PARTNER');
  });

  it('splits: PROCESSING/PENDING, then FINISHED/SUCCESS; unknown receivers are CLOSED with NO_RELATION', async () => {
    const transactionId = await paid(true);
    const outOrderNo = no('O');
    const res = await r.call('POST', 'v3/profitsharing/orders', {
      appid: r.sandbox.merchant.appid,
      transaction_id: transactionId,
      out_order_no: outOrderNo,
      receivers: [
        { type: 'MERCHANT_ID', account: '1900000109', amount: 1000, description: '平台服务费' },
        { type: 'PERSONAL_OPENID', account: 'oStranger', amount: 100, description: '推广奖励' },
      ],
      unfreeze_unsplit: false,
    });
    assert.equal(res.data.state, 'PROCESSING');
    assert.deepEqual(
      res.data.receivers.map((d: { result: string }) => d.result),
      ['PENDING', 'CLOSED'],
    );
    assert.equal(res.data.receivers[1].fail_reason, 'NO_RELATION');
    await r.sandbox.runDue();
    const q = await r.call('GET', `v3/profitsharing/orders/${outOrderNo}`, undefined, { params: { transaction_id: transactionId } });
    assert.equal(q.data.state, 'FINISHED');
    assert.equal(q.data.receivers[0].result, 'SUCCESS');
    const left = await r.call('GET', `v3/profitsharing/transactions/${transactionId}/amounts`);
    assert.equal(left.data.unsplit_amount, 9000);

    const ret = await r.call('POST', 'v3/profitsharing/return-orders', {
      out_order_no: outOrderNo,
      out_return_no: no('RT'),
      return_mchid: '1900000109',
      amount: 400,
      description: '服务费回退',
    });
    assert.equal(ret.data.result, 'PROCESSING');
    await r.sandbox.runDue();
    const rq = await r.call('GET', `v3/profitsharing/return-orders/${ret.data.out_return_no}`, undefined, {
      params: { out_order_no: outOrderNo },
    });
    assert.equal(rq.data.result, 'SUCCESS');
    const tooMuch = await failure(
      r.call('POST', 'v3/profitsharing/return-orders', {
        out_order_no: outOrderNo,
        out_return_no: no('RT'),
        return_mchid: '1900000109',
        amount: 700,
        description: 'x',
      }),
    );
    assert.equal(tooMuch.response?.data.code, 'INVALID_REQUEST');

    const unfreeze = await r.call('POST', 'v3/profitsharing/orders/unfreeze', {
      transaction_id: transactionId,
      out_order_no: no('U'),
      description: '解冻全部剩余资金',
    });
    assert.equal(unfreeze.data.receivers[0].amount, 9000);
    const nothing = await failure(
      r.call('POST', 'v3/profitsharing/orders/unfreeze', { transaction_id: transactionId, out_order_no: no('U'), description: 'again' }),
    );
    assert.equal(nothing.response?.status, 403);
    assert.equal(nothing.response?.data.code, 'NOT_ENOUGH');
    await r.sandbox.runDue();
  });

  it('refuses orders paid without profit sharing and splits above 30 %', async () => {
    const plain = await paid(false);
    const e1 = await failure(
      r.call('POST', 'v3/profitsharing/orders', {
        appid: r.sandbox.merchant.appid,
        transaction_id: plain,
        out_order_no: no('O'),
        receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 1, description: 'x' }],
        unfreeze_unsplit: true,
      }),
    );
    assert.equal(e1.response?.data.code, 'INVALID_REQUEST');
    const sharable = await paid(true);
    const e2 = await failure(
      r.call('POST', 'v3/profitsharing/orders', {
        appid: r.sandbox.merchant.appid,
        transaction_id: sharable,
        out_order_no: no('O'),
        receivers: [{ type: 'MERCHANT_ID', account: '1900000109', amount: 3001, description: 'x' }],
        unfreeze_unsplit: true,
      }),
    );
    assert.equal(e2.response?.data.code, 'INVALID_REQUEST');
  });
});

describe('api.weixin.qq.com', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  const get = async (path: string, params: Record<string, string>) => {
    const res = await fetch(`${r.sandbox.baseUrl}${path}?${new URLSearchParams(params)}`);
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, unknown>;
  };
  const app = () => ({ appid: r.sandbox.merchant.appid, secret: r.sandbox.merchant.appSecret });

  it('jscode2session: a code works once for the openid it was issued to', async () => {
    const code = r.sandbox.user.loginCode('oMiniPlayer', 'jscode');
    const ok = await get('/sns/jscode2session', { ...app(), js_code: code, grant_type: 'authorization_code' });
    assert.equal(ok.openid, 'oMiniPlayer');
    assert.match(String(ok.session_key), /^[A-Za-z0-9+/]{22}==$/);
    assert.equal(ok.errcode, undefined);
    assert.deepEqual(await get('/sns/jscode2session', { ...app(), js_code: code, grant_type: 'authorization_code' }), {
      errcode: 40029,
      errmsg: 'invalid code',
    });
    const other = r.sandbox.user.loginCode('oMiniPlayer', 'jscode');
    assert.equal(
      (await get('/sns/jscode2session', { ...app(), secret: 'wrong', js_code: other, grant_type: 'authorization_code' })).errcode,
      40125,
    );
    assert.equal(
      (await get('/sns/jscode2session', { ...app(), appid: 'wx0', js_code: other, grant_type: 'authorization_code' })).errcode,
      40013,
    );
    r.advance(5 * 60_000);
    assert.equal(
      (await get('/sns/jscode2session', { ...app(), js_code: other, grant_type: 'authorization_code' })).errcode,
      40029,
      'expired',
    );
  });

  it('H5 OAuth: the consent page redirects back with a code that buys an access_token and the user info', async () => {
    const authorize = new URLSearchParams({
      appid: r.sandbox.merchant.appid,
      redirect_uri: 'https://game.example/auth/wechat',
      response_type: 'code',
      scope: 'snsapi_userinfo',
      state: 'xyz',
    });
    const consent = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize}`);
    const html = await consent.text();
    assert.match(html, /允许 \/ Allow/);
    const form = new URLSearchParams({ ...Object.fromEntries(authorize), openid: 'oH5Player', action: 'allow' });
    const back = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(back.status, 302);
    const location = new URL(back.headers.get('location') ?? '');
    assert.equal(`${location.origin}${location.pathname}`, 'https://game.example/auth/wechat');
    assert.equal(location.searchParams.get('state'), 'xyz');
    const code = location.searchParams.get('code') ?? '';
    const token = await get('/sns/oauth2/access_token', { ...app(), code, grant_type: 'authorization_code' });
    assert.equal(token.openid, 'oH5Player');
    assert.equal(token.scope, 'snsapi_userinfo');
    assert.equal(token.expires_in, 7200);
    assert.equal((await get('/sns/oauth2/access_token', { ...app(), code, grant_type: 'authorization_code' })).errcode, 40163);
    const info = await get('/sns/userinfo', { access_token: String(token.access_token), openid: 'oH5Player', lang: 'zh_CN' });
    assert.equal(info.openid, 'oH5Player');
    assert.equal(typeof info.nickname, 'string');
    assert.equal(info.unionid, token.unionid);
    assert.equal((await get('/sns/userinfo', { access_token: 'nope', openid: 'oH5Player' })).errcode, 40001);

    const deny = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize`, {
      method: 'POST',
      body: new URLSearchParams({ ...Object.fromEntries(authorize), openid: 'oH5Player', action: 'deny' }),
      redirect: 'manual',
    });
    assert.equal(new URL(deny.headers.get('location') ?? '').searchParams.get('code'), null);
  });

  it('snsapi_base is silent for a returning person', async () => {
    const authorize = new URLSearchParams({
      appid: r.sandbox.merchant.appid,
      redirect_uri: 'https://game.example/cb',
      response_type: 'code',
      scope: 'snsapi_base',
      state: 's',
    });
    const res = await fetch(`${r.sandbox.pagesUrl}/connect/oauth2/authorize?${authorize}`, {
      headers: { cookie: 'fg_wx_openid=oReturning' },
      redirect: 'manual',
    });
    assert.equal(res.status, 302);
    const code = new URL(res.headers.get('location') ?? '').searchParams.get('code') ?? '';
    const token = await get('/sns/oauth2/access_token', { ...app(), code, grant_type: 'authorization_code' });
    assert.equal(token.openid, 'oReturning');
    assert.equal((await get('/sns/userinfo', { access_token: String(token.access_token), openid: 'oReturning' })).errcode, 48001);
  });

  it('access_token and jsapi_ticket: 7200 s, the ticket stable while valid, expired tokens refused', async () => {
    const t = await get('/cgi-bin/token', { grant_type: 'client_credential', ...app() });
    assert.equal(t.expires_in, 7200);
    const ticket = await get('/cgi-bin/ticket/getticket', { access_token: String(t.access_token), type: 'jsapi' });
    assert.equal(ticket.errcode, 0);
    assert.equal(ticket.errmsg, 'ok');
    const again = await get('/cgi-bin/ticket/getticket', { access_token: String(t.access_token), type: 'jsapi' });
    assert.equal(again.ticket, ticket.ticket);
    assert.equal((await get('/cgi-bin/token', { grant_type: 'client_credential', ...app(), secret: 'bad' })).errcode, 40125);
    r.advance(7200_000);
    assert.equal((await get('/cgi-bin/ticket/getticket', { access_token: String(t.access_token), type: 'jsapi' })).errcode, 42001);
    assert.equal((await get('/cgi-bin/ticket/getticket', { access_token: 'bad', type: 'jsapi' })).errcode, 40001);
  });
});

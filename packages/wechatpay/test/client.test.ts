// The client's behaviour against a scripted WeChat Pay (a fake fetch that answers as the docs
// describe): what goes on the wire, how answers become typed data, and how every kind of failure is
// reported with its retry advice.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey, verify } from 'node:crypto';
import { createServer } from 'node:http';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { type FetchLike, isWechatPayError, WechatPayClient, type WechatPayError, WechatPayErrors } from '../src/index.ts';
import { API_V3_KEY, APPID, MCHID, MERCHANT_SERIAL, PLATFORM_SERIAL, PUBLIC_KEY_ID, testKeys } from './keys.ts';

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

interface Answer {
  readonly status: number;
  readonly body?: string;
  readonly sign?: 'good' | 'none' | 'signtest';
  readonly serial?: string;
  readonly timestampSeconds?: number;
}

const clock = new ManualClock(1_700_000_000_000);
const { merchant, wechat, platform } = testKeys();

function scripted(answer: (req: Seen) => Answer): { fetch: FetchLike; seen: Seen[] } {
  const seen: Seen[] = [];
  const fetchImpl: FetchLike = async (url, init) => {
    const req: Seen = {
      url,
      method: init.method ?? 'GET',
      headers: Object.fromEntries(Object.entries(init.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v])),
      body: typeof init.body === 'string' ? init.body : '',
    };
    seen.push(req);
    const a = answer(req);
    const body = a.body ?? '';
    const headers = new Headers({ 'Content-Type': 'application/json', 'Request-ID': 'REQ-1' });
    if ((a.sign ?? 'good') !== 'none') {
      const serial = a.serial ?? req.headers['wechatpay-serial'] ?? PUBLIC_KEY_ID;
      const key = serial === PLATFORM_SERIAL ? platform : wechat;
      const ts = String(a.timestampSeconds ?? Math.floor(clock.nowMs() / 1000));
      const nonce = 'e'.repeat(32);
      let signature = Rsa.sign(Formatter.response(ts, nonce, body), createPrivateKey(key.privateKeyPem));
      if (a.sign === 'signtest') signature = `WECHATPAY/SIGNTEST/${signature}`;
      headers.set('Wechatpay-Timestamp', ts);
      headers.set('Wechatpay-Nonce', nonce);
      headers.set('Wechatpay-Serial', serial);
      headers.set('Wechatpay-Signature', signature);
    }
    return new Response(a.status === 204 ? null : body, { status: a.status, headers });
  };
  return { fetch: fetchImpl, seen };
}

function client(fetchImpl: FetchLike, verifierKeys: Record<string, string> = { [PUBLIC_KEY_ID]: wechat.publicKeyPem }, timeoutMs = 5_000) {
  return new WechatPayClient({
    baseUrl: 'http://127.0.0.1:9',
    weixinBaseUrl: 'http://127.0.0.1:9',
    mchid: MCHID,
    appid: APPID,
    appSecret: 'secret-of-the-app',
    serialNo: MERCHANT_SERIAL,
    privateKeyPem: merchant.privateKeyPem,
    apiV3Key: API_V3_KEY,
    verifier: verifierKeys,
    timeoutMs,
    clock,
    fetch: fetchImpl,
  });
}

async function rejects(p: Promise<unknown>): Promise<WechatPayError> {
  try {
    await p;
  } catch (e) {
    assert.ok(isWechatPayError(e), `expected a WechatPayError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected the call to fail');
}

const order = {
  description: '房卡 x10',
  outTradeNo: 'D20260101000001',
  notifyUrl: 'https://example.com/wechatpay/notify',
  amount: { totalFen: 600 as never },
  payerOpenid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o',
};

describe('what goes on the wire', () => {
  it('signs a JSAPI order over the exact body it sends and names the public key in Wechatpay-Serial', async () => {
    const s = scripted(() => ({ status: 200, body: '{"prepay_id":"wx201410272009395522657a690389285100"}' }));
    const created = await client(s.fetch).createJsapiOrder(order);
    const req = s.seen[0];
    assert.ok(req);
    assert.equal(req.url, 'http://127.0.0.1:9/v3/pay/transactions/jsapi');
    assert.equal(req.headers['wechatpay-serial'], PUBLIC_KEY_ID);
    assert.equal(req.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(req.body), {
      appid: APPID,
      mchid: MCHID,
      description: '房卡 x10',
      out_trade_no: 'D20260101000001',
      notify_url: 'https://example.com/wechatpay/notify',
      amount: { total: 600, currency: 'CNY' },
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
    });
    const auth = req.headers.authorization ?? '';
    const items = Object.fromEntries([...auth.matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]));
    assert.equal(items.timestamp, '1700000000');
    const message = Formatter.request('POST', '/v3/pay/transactions/jsapi', items.timestamp, items.nonce_str, req.body);
    assert.ok(verify('sha256', Buffer.from(message), createPublicKey(merchant.publicKeyPem), Buffer.from(items.signature ?? '', 'base64')));
    assert.equal(created.prepayId, 'wx201410272009395522657a690389285100');
    assert.equal(created.paymentParams.package, 'prepay_id=wx201410272009395522657a690389285100');
    assert.equal(created.paymentParams.appId, APPID);
    const payMessage = Formatter.joinedByLineFeed(
      APPID,
      created.paymentParams.timeStamp,
      created.paymentParams.nonceStr,
      created.paymentParams.package,
    );
    assert.ok(Rsa.verify(payMessage, created.paymentParams.paySign, createPublicKey(merchant.publicKeyPem)));
  });

  it('signs GET queries over path and query with an empty body line, and accepts a 204 close', async () => {
    const s = scripted((req) =>
      req.method === 'GET'
        ? {
            status: 200,
            body: JSON.stringify({ appid: APPID, mchid: MCHID, out_trade_no: 'A|b*c-_1', trade_state: 'NOTPAY', amount: { total: 1 } }),
          }
        : { status: 204 },
    );
    const c = client(s.fetch);
    const t = await c.queryOrderByOutTradeNo('A|b*c-_1');
    assert.equal(t.tradeState, 'NOTPAY');
    assert.equal(t.transactionId, undefined);
    assert.equal(s.seen[0]?.url, 'http://127.0.0.1:9/v3/pay/transactions/out-trade-no/A%7Cb*c-_1?mchid=1900000001');
    assert.equal(s.seen[0]?.headers['content-type'], undefined);
    await c.closeOrder('A1234567');
    assert.equal(s.seen[1]?.url, 'http://127.0.0.1:9/v3/pay/transactions/out-trade-no/A1234567/close');
    assert.equal(s.seen[1]?.body, '{"mchid":"1900000001"}');
  });

  it('encrypts user_name with the key it names in Wechatpay-Serial (platform-certificate mode)', async () => {
    const s = scripted(() => ({
      status: 200,
      body: JSON.stringify({
        out_bill_no: 'W1',
        transfer_bill_no: '1330000071100999991182020050700019480001',
        create_time: '2026-01-01T08:00:00+08:00',
        state: 'WAIT_USER_CONFIRM',
        package_info: 'ABBQO+oYAAABAAAAAAAAAAAA',
      }),
    }));
    const c = client(s.fetch, { [PLATFORM_SERIAL]: platform.publicKeyPem });
    const bill = await c.createTransferBill({
      outBillNo: 'W1',
      transferSceneId: '1000',
      openid: 'o-MYE421800elYMDE34nYD456Xoy',
      userName: '张三',
      transferAmountFen: 200_000 as never,
      transferRemark: '活动奖励',
      transferSceneReportInfos: [
        { infoType: '活动名称', infoContent: '新春活动' },
        { infoType: '奖励说明', infoContent: '排行榜奖励' },
      ],
    });
    const req = s.seen[0];
    assert.equal(req?.headers['wechatpay-serial'], PLATFORM_SERIAL);
    const sent = JSON.parse(req?.body ?? '{}') as { user_name: string; transfer_amount: number };
    assert.equal(Rsa.decrypt(sent.user_name, createPrivateKey(platform.privateKeyPem)), '张三');
    assert.equal(sent.transfer_amount, 200_000);
    assert.equal(bill.packageInfo, 'ABBQO+oYAAABAAAAAAAAAAAA');
    assert.deepEqual(c.transferConfirmParams(bill.packageInfo ?? ''), { mchId: MCHID, appId: APPID, package: 'ABBQO+oYAAABAAAAAAAAAAAA' });
  });

  it('refuses amounts that are not positive integer fen before sending anything', async () => {
    const s = scripted(() => ({ status: 200, body: '{}' }));
    await assert.rejects(client(s.fetch).createJsapiOrder({ ...order, amount: { totalFen: 0.5 as never } }), /MONEY_NOT_INTEGER|integer/);
    await assert.rejects(client(s.fetch).createJsapiOrder({ ...order, amount: { totalFen: 0 as never } }), /range/);
    assert.equal(s.seen.length, 0);
  });
});

describe('errors and retry advice', () => {
  const cases: { status: number; code: string; def: string; retrySameRequest: boolean; outcomeUnknown: boolean }[] = [
    { status: 400, code: 'PARAM_ERROR', def: 'WECHATPAY_PARAM_ERROR', retrySameRequest: false, outcomeUnknown: false },
    { status: 400, code: 'ORDER_CLOSED', def: 'WECHATPAY_ORDER_CLOSED', retrySameRequest: false, outcomeUnknown: false },
    { status: 401, code: 'SIGN_ERROR', def: 'WECHATPAY_SIGN_ERROR', retrySameRequest: false, outcomeUnknown: false },
    { status: 403, code: 'NOT_ENOUGH', def: 'WECHATPAY_NOT_ENOUGH', retrySameRequest: true, outcomeUnknown: false },
    { status: 403, code: 'NOTENOUGH', def: 'WECHATPAY_NOT_ENOUGH', retrySameRequest: true, outcomeUnknown: false },
    { status: 404, code: 'ORDERNOTEXIST', def: 'WECHATPAY_ORDER_NOT_EXIST', retrySameRequest: false, outcomeUnknown: false },
    { status: 429, code: 'FREQUENCY_LIMITED', def: 'WECHATPAY_FREQUENCY_LIMITED', retrySameRequest: true, outcomeUnknown: true },
    { status: 500, code: 'SYSTEM_ERROR', def: 'WECHATPAY_SYSTEM_ERROR', retrySameRequest: true, outcomeUnknown: true },
    { status: 500, code: 'SYSTEMERROR', def: 'WECHATPAY_SYSTEM_ERROR', retrySameRequest: true, outcomeUnknown: true },
    { status: 503, code: 'SOMETHING_NEW', def: 'WECHATPAY_UNKNOWN_SERVER_ERROR', retrySameRequest: true, outcomeUnknown: true },
    { status: 400, code: 'SOMETHING_NEW', def: 'WECHATPAY_UNKNOWN_CLIENT_ERROR', retrySameRequest: false, outcomeUnknown: true },
  ];
  for (const c of cases) {
    it(`maps HTTP ${c.status} ${c.code} to ${c.def} (retry same request: ${c.retrySameRequest}, outcome unknown: ${c.outcomeUnknown})`, async () => {
      const s = scripted(() => ({ status: c.status, body: JSON.stringify({ code: c.code, message: '说明' }), sign: 'none' }));
      const e = await rejects(
        client(s.fetch).createRefund({ outRefundNo: 'R1', outTradeNo: 'D1', amount: { refundFen: 1 as never, totalFen: 1 as never } }),
      );
      assert.equal(e.code, c.def);
      assert.equal(e.kind, 'api');
      assert.equal(e.httpStatus, c.status);
      assert.equal(e.retrySameRequest, c.retrySameRequest);
      assert.equal(e.outcomeUnknown, c.outcomeUnknown);
      assert.equal(e.requestId, 'REQ-1');
      assert.equal(e.wechatMessage, '说明');
    });
  }

  it('reports a non-JSON 502 from a proxy as an undocumented server error to retry after a query', async () => {
    const s = scripted(() => ({ status: 502, body: '<html>bad gateway</html>', sign: 'none' }));
    const e = await rejects(client(s.fetch).queryRefund('R1'));
    assert.equal(e.code, 'WECHATPAY_UNKNOWN_SERVER_ERROR');
    assert.equal(e.outcomeUnknown, true);
  });

  it('refuses a 2xx answer that is unsigned, a SIGNTEST probe, stale, or signed under an unknown serial', async () => {
    const body = '{"prepay_id":"wx1"}';
    for (const a of [
      { status: 200, body, sign: 'none' as const },
      { status: 200, body, sign: 'signtest' as const },
      { status: 200, body, timestampSeconds: Math.floor(clock.nowMs() / 1000) - 301 },
      { status: 200, body, serial: PLATFORM_SERIAL },
    ]) {
      const e = await rejects(client(scripted(() => a).fetch).createJsapiOrder(order));
      assert.equal(e.code, WechatPayErrors.WECHATPAY_VERIFICATION_FAILED.code);
      assert.equal(e.kind, 'verification');
      assert.equal(e.outcomeUnknown, true);
      assert.equal(e.retrySameRequest, true);
    }
  });

  it('reports a malformed but verified answer as bad-response, never as data', async () => {
    const s = scripted(() => ({
      status: 200,
      body: JSON.stringify({ appid: APPID, mchid: MCHID, out_trade_no: 'x', trade_state: 'SUCCESS', amount: { total: 1.5 } }),
    }));
    const e = await rejects(client(s.fetch).queryOrderByTransactionId('4200000252201902194148302583'));
    assert.equal(e.kind, 'bad-response');
    assert.match(e.message, /amount\.total/);
  });

  it('reports no answer before the deadline as a timeout whose outcome is unknown', async () => {
    const hang: FetchLike = (_url, init) =>
      new Promise((_resolve, reject) => {
        init.signal?.addEventListener('abort', () => reject(init.signal?.reason));
      });
    const e = await rejects(client(hang, undefined, 30).createJsapiOrder(order));
    assert.equal(e.code, 'WECHATPAY_TIMEOUT');
    assert.equal(e.kind, 'timeout');
    assert.equal(e.outcomeUnknown, true);
    assert.equal(e.retrySameRequest, true);
    const controller = new AbortController();
    const pending = client(hang).queryRefund('R1', { signal: controller.signal });
    controller.abort();
    const aborted = await rejects(pending);
    assert.equal(aborted.kind, 'timeout');
    assert.equal(aborted.details?.reason, 'aborted by caller');
  });

  it('reports a refused connection as a transport error that cannot have reached WeChat Pay', async () => {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    assert.ok(address && typeof address === 'object');
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const c = new WechatPayClient({
      baseUrl: `http://127.0.0.1:${address.port}`,
      mchid: MCHID,
      appid: APPID,
      serialNo: MERCHANT_SERIAL,
      privateKeyPem: merchant.privateKeyPem,
      apiV3Key: API_V3_KEY,
      verifier: { [PUBLIC_KEY_ID]: wechat.publicKeyPem },
      clock,
    });
    const e = await rejects(c.queryOrderByOutTradeNo('D20260101000001'));
    assert.equal(e.kind, 'transport');
    assert.equal(e.outcomeUnknown, false);
  });
});

describe('api.weixin.qq.com', () => {
  it('maps a reused login code to WEIXIN_CODE_INVALID and never leaks the secret into the error', async () => {
    const s = scripted(() => ({ status: 200, body: '{"errcode":40029,"errmsg":"invalid code"}', sign: 'none' }));
    const e = await rejects(client(s.fetch).jscode2session('0a1b2c'));
    assert.equal(e.code, 'WEIXIN_CODE_INVALID');
    assert.equal(e.retrySameRequest, false);
    assert.equal(JSON.stringify(e).includes('secret-of-the-app'), false);
    assert.match(
      s.seen[0]?.url ?? '',
      /\/sns\/jscode2session\?appid=wx8888888888888888&secret=secret-of-the-app&js_code=0a1b2c&grant_type=authorization_code$/,
    );
  });

  it('caches access_token (stable token) and jsapi_ticket until shortly before they expire, and signs wx.config', async () => {
    const s = scripted((req) =>
      req.url.includes('/cgi-bin/stable_token')
        ? { status: 200, body: `{"access_token":"AT${s.seen.length}","expires_in":7200}`, sign: 'none' }
        : { status: 200, body: `{"errcode":0,"errmsg":"ok","ticket":"T${s.seen.length}","expires_in":7200}`, sign: 'none' },
    );
    const c = client(s.fetch);
    const cfg = await c.jsSdkConfig({ url: 'https://h5.example.com/pay?x=1#top', jsApiList: ['requestMerchantTransfer'] });
    assert.equal(s.seen.length, 2);
    assert.equal(s.seen[0]?.method, 'POST');
    assert.deepEqual(JSON.parse(s.seen[0]?.body ?? ''), {
      grant_type: 'client_credential',
      appid: APPID,
      secret: 'secret-of-the-app',
      force_refresh: false,
    });
    assert.match(s.seen[1]?.url ?? '', /\/cgi-bin\/ticket\/getticket\?access_token=AT1&type=jsapi$/);
    assert.equal(cfg.appId, APPID);
    assert.equal(cfg.timestamp, 1_700_000_000);
    await c.jsapiTicket();
    assert.equal(s.seen.length, 2);
    clock.advanceMs(7200_000 - 5 * 60_000);
    // The ticket is due (5-minute margin); the access token still has more than its 4-minute margin.
    await c.jsapiTicket();
    assert.equal(s.seen.length, 3);
    clock.advanceMs(60_000);
    await c.accessToken();
    assert.equal(s.seen.length, 4);
  });

  it('fetches one access_token for concurrent callers', async () => {
    const s = scripted(() => ({ status: 200, body: `{"access_token":"AT${s.seen.length}","expires_in":7200}`, sign: 'none' }));
    const c = client(s.fetch);
    const tokens = await Promise.all([c.accessToken(), c.accessToken(), c.accessToken()]);
    assert.deepEqual(tokens, ['AT1', 'AT1', 'AT1']);
    assert.equal(s.seen.length, 1);
  });

  it('builds the OAuth authorize URL with the redirect encoded and #wechat_redirect', () => {
    const c = client(scripted(() => ({ status: 200 })).fetch);
    assert.equal(
      c.oauthAuthorizeUrl({ redirectUri: 'https://h5.example.com/login?next=/wallet', scope: 'snsapi_userinfo', state: 'S1' }),
      'https://open.weixin.qq.com/connect/oauth2/authorize?appid=wx8888888888888888&redirect_uri=https%3A%2F%2Fh5.example.com%2Flogin%3Fnext%3D%2Fwallet&response_type=code&scope=snsapi_userinfo&state=S1#wechat_redirect',
    );
  });
});

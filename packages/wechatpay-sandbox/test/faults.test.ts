// Every API fault kind, observed from wechatpay-axios-plugin as a client would see it: status codes
// and bodies, whether the operation was performed, and how the answer's signature fails.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { startSandbox } from '../src/index.ts';
import { failure, jsapiOrder, type NotifyEndpoint, no, notifyEndpoint, openNotification, type Rig, rig } from './helpers.ts';

describe('API faults', () => {
  let r: Rig;
  let merchant: NotifyEndpoint;
  before(async () => {
    r = await rig();
    merchant = await notifyEndpoint();
  });
  after(async () => {
    await r.close();
    await merchant.close();
  });
  afterEach(() => r.sandbox.faults.clear());

  const create = (outTradeNo: string, extra: Record<string, unknown> = {}) =>
    r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url, extra));
  const query = (outTradeNo: string) =>
    r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, { params: { mchid: r.sandbox.merchant.mchid } });

  it('http500-before: 500 SYSTEM_ERROR and nothing was created', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-before' });
    const outTradeNo = no();
    const e = await failure(create(outTradeNo));
    assert.equal(e.response?.status, 500);
    assert.equal(e.response?.data.code, 'SYSTEM_ERROR');
    assert.equal((await failure(query(outTradeNo))).response?.data.code, 'ORDER_NOT_EXIST');
    assert.equal((await create(outTradeNo)).status, 200, 'a fault with count 1 hits once');
  });

  it('http500-after: 500 SYSTEM_ERROR although the order was created; the same request then succeeds', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-after' });
    const outTradeNo = no();
    const e = await failure(create(outTradeNo));
    assert.equal(e.response?.status, 500);
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
    assert.equal((await create(outTradeNo)).status, 200);
  });

  it('http429-before and http429-after: 429 FREQUENCY_LIMITED, without and with the operation', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http429-before' });
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http429-after' });
    const a = no();
    const e1 = await failure(create(a));
    assert.equal(e1.response?.status, 429);
    assert.equal(e1.response?.data.code, 'FREQUENCY_LIMITED');
    assert.equal((await failure(query(a))).response?.status, 404);
    const b = no();
    const e2 = await failure(create(b));
    assert.equal(e2.response?.status, 429);
    assert.equal((await query(b)).status, 200);
  });

  it('error answers are signed and verify with the plugin', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-before' });
    const e = await failure(create(no()));
    assert.ok(e.response?.headers['wechatpay-signature']);
  });

  it('slow: the answer comes after the client timeout, the order exists', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'slow', ms: 400 });
    const outTradeNo = no();
    const e = await failure(r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url), { timeout: 100 }));
    assert.equal(e.code, 'ECONNABORTED');
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
  });

  it('bad-signature: the plugin refuses the answer; the operation was performed', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'bad-signature' });
    const outTradeNo = no();
    const e = await failure(create(outTradeNo));
    assert.equal(e.code, 'EV3_RES_HEADER_SIGNATURE_DIGEST');
    assert.equal(e.response?.status, 200);
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
  });

  it('signtest: a WECHATPAY/SIGNTEST/ probe that the plugin refuses', async () => {
    r.sandbox.faults.inject({ endpoint: 'GET /v3/pay/transactions/', kind: 'signtest' });
    const outTradeNo = no();
    await create(outTradeNo);
    const e = await failure(query(outTradeNo));
    assert.equal(e.code, 'EV3_RES_HEADER_SIGNATURE_DIGEST');
    assert.ok(e.response?.headers['wechatpay-signature']?.startsWith('WECHATPAY/SIGNTEST/'));
    assert.equal((await query(outTradeNo)).status, 200, 'only the probed answer is bad');
  });

  it('stale-timestamp: an answer signed 10 minutes ago is refused for its time', async () => {
    r.sandbox.faults.inject({ endpoint: 'GET /v3/certificates', kind: 'stale-timestamp' });
    const e = await failure(r.call('GET', 'v3/certificates'));
    assert.equal(e.code, 'EV3_RES_HEADER_TIMESTAMP_OFFSET');
    assert.equal(Number(e.response?.headers['wechatpay-timestamp']), Math.floor(r.clock.nowMs() / 1000) - 600);
  });

  it('wrong-serial: the answer names a key the client does not have', async () => {
    r.sandbox.faults.inject({ endpoint: 'GET /v3/certificates', kind: 'wrong-serial' });
    const e = await failure(r.call('GET', 'v3/certificates'));
    assert.equal(e.code, 'EV3_RES_HEADER_PLATFORM_SERIAL');
  });

  it('counts: a fault hits `count` matching calls; prefixes and methods must match', async () => {
    r.sandbox.faults.inject({ endpoint: 'GET /v3/pay/transactions/', kind: 'http500-before', count: 2 });
    const outTradeNo = no();
    assert.equal((await create(outTradeNo)).status, 200, 'POST is not GET');
    assert.equal((await failure(query(outTradeNo))).response?.status, 500);
    assert.equal((await failure(query(outTradeNo))).response?.status, 500);
    assert.equal((await query(outTradeNo)).status, 200);
    assert.deepEqual(r.sandbox.faults.list(), []);
  });

  it('paid-after-expiry: the payment succeeds after time_expire, even after the merchant closed the order', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'paid-after-expiry' });
    const outTradeNo = no();
    const expireMs = r.clock.nowMs() + 10 * 60_000;
    const timeExpire = new Date(expireMs + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
    merchant.received.length = 0;
    await create(outTradeNo, { time_expire: timeExpire });
    r.advance(10 * 60_000);
    // The merchant gives up on the order at its expiry and closes it.
    assert.equal(
      (await r.call('POST', `v3/pay/transactions/out-trade-no/${outTradeNo}/close`, { mchid: r.sandbox.merchant.mchid })).status,
      204,
    );
    r.advance(1000);
    await r.sandbox.runDue();
    const q = await query(outTradeNo);
    assert.equal(q.data.trade_state, 'SUCCESS');
    assert.ok(Date.parse(q.data.success_time) > expireMs);
    const [n] = merchant.received;
    assert.ok(n);
    assert.equal(openNotification(r.sandbox, n).resource.trade_state, 'SUCCESS');
  });

  it('user-cancels: the payer cancels on their own; the order stays NOTPAY', async () => {
    r.sandbox.faults.inject({ endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'user-cancels' });
    const outTradeNo = no();
    const { data } = await create(outTradeNo);
    r.advance(1000);
    await r.sandbox.runDue();
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
    const page = await (await fetch(`${r.sandbox.pagesUrl}/cashier?prepay_id=${data.prepay_id}`)).text();
    assert.match(page, /用户已取消/);
  });

  it('applies to api.weixin.qq.com endpoints as well', async () => {
    r.sandbox.faults.inject({ endpoint: 'GET /cgi-bin/token', kind: 'http500-before' });
    r.sandbox.faults.inject({ endpoint: 'GET /cgi-bin/token', kind: 'http429-before' });
    const url = `${r.sandbox.baseUrl}/cgi-bin/token?grant_type=client_credential&appid=${r.sandbox.merchant.appid}&secret=${r.sandbox.merchant.appSecret}`;
    const a = await fetch(url);
    assert.equal(a.status, 500);
    assert.deepEqual(await a.json(), { errcode: -1, errmsg: 'system error' });
    const b = await fetch(url);
    assert.equal(b.status, 429);
    assert.equal(((await b.json()) as { errcode: number }).errcode, 45011);
    assert.equal((await fetch(url)).status, 200);
  });

  it('rejects unknown fault kinds and bad counts', () => {
    assert.throws(() => r.sandbox.faults.inject({ endpoint: '*', kind: 'explode' as never }), { code: 'SANDBOX_FAULT_INVALID' });
    assert.throws(() => r.sandbox.faults.inject({ endpoint: '*', kind: 'slow', count: 0 }), { code: 'SANDBOX_FAULT_INVALID' });
    assert.throws(() => r.sandbox.faults.inject({ endpoint: 'v3/no-slash', kind: 'slow' }), { code: 'SANDBOX_FAULT_INVALID' });
  });
});

describe('admin HTTP endpoints', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  const admin = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(`${r.sandbox.baseUrl}${path}`, { method, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text === '' ? undefined : JSON.parse(text) };
  };

  it('injects, lists and clears faults', async () => {
    const injected = await admin('POST', '/sandbox/faults', [
      { endpoint: 'POST /v3/pay/transactions/jsapi', kind: 'http500-after', count: 3 },
      { method: 'GET', path: '/v3/certificates', kind: 'signtest' },
    ]);
    assert.equal(injected.status, 200);
    assert.equal(injected.body.ids.length, 2);
    const listed = await admin('GET', '/sandbox/faults');
    assert.deepEqual(
      listed.body.faults.map((f: { kind: string; method: string; pathPrefix: string; remaining: number }) => [
        f.kind,
        f.method,
        f.pathPrefix,
        f.remaining,
      ]),
      [
        ['http500-after', 'POST', '/v3/pay/transactions/jsapi', 3],
        ['signtest', 'GET', '/v3/certificates', 1],
      ],
    );
    const e = await failure(r.call('GET', 'v3/certificates'));
    assert.equal(e.code, 'EV3_RES_HEADER_SIGNATURE_DIGEST');
    assert.equal((await admin('DELETE', '/sandbox/faults')).status, 204);
    assert.deepEqual((await admin('GET', '/sandbox/faults')).body.faults, []);
    const bad = await admin('POST', '/sandbox/faults', { endpoint: '*', kind: 'nope' });
    assert.equal(bad.status, 400);
    assert.equal(bad.body.code, 'SANDBOX_FAULT_INVALID');
  });

  it('advances the manual clock and runs what is due', async () => {
    const before = r.clock.nowMs();
    const res = await admin('POST', '/sandbox/clock/advance', { ms: 60_000 });
    assert.equal(res.body.nowMs, before + 60_000);
    assert.equal(r.clock.nowMs(), before + 60_000);
    assert.equal((await admin('POST', '/sandbox/run-due')).status, 200);
    assert.equal((await admin('POST', '/sandbox/clock/advance', { ms: -1 })).status, 400);
  });

  it('drives the person over HTTP: pay, confirm, login codes', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify'));
    assert.equal((await admin('POST', '/sandbox/user/pay', { out_trade_no: outTradeNo })).status, 204);
    const again = await admin('POST', '/sandbox/user/pay', { out_trade_no: outTradeNo });
    assert.equal(again.status, 409);
    assert.equal(again.body.code, 'SANDBOX_ORDER_NOT_PAYABLE');
    const code = await admin('POST', '/sandbox/user/login-code', { openid: 'oAdmin', kind: 'jscode' });
    assert.match(code.body.code, /^[0-9A-Za-z]{32}$/);
    assert.equal((await admin('GET', '/sandbox/merchant')).body.mchid, r.sandbox.merchant.mchid);
    assert.equal((await admin('GET', '/sandbox/nope')).status, 404);
  });

  it('refuses to advance a system clock', async () => {
    const sb = await startSandbox();
    try {
      const res = await fetch(`${sb.baseUrl}/sandbox/clock/advance`, { method: 'POST', body: JSON.stringify({ ms: 1000 }) });
      assert.equal(res.status, 409);
      assert.equal(((await res.json()) as { code: string }).code, 'SANDBOX_CLOCK_NOT_MANUAL');
    } finally {
      await sb.close();
    }
  });
});

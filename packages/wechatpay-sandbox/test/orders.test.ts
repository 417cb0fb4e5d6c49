// Orders through wechatpay-axios-plugin: create (JSAPI, H5, Native), query both ways, close,
// re-entry and validation, the payer's actions, expiry, and the TRANSACTION.SUCCESS notification
// decrypted and verified with the plugin's AesGcm and Rsa.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Formatter, Rsa } from 'wechatpay-axios-plugin';
import { failure, jsapiOrder, type NotifyEndpoint, no, notifyEndpoint, openNotification, type Rig, rig } from './helpers.ts';

describe('orders', () => {
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

  const query = (outTradeNo: string) =>
    r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, { params: { mchid: r.sandbox.merchant.mchid } });

  it('creates a JSAPI order that queries as NOTPAY with no transaction id', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url, { attach: 'room=7' }));
    const { data } = await query(outTradeNo);
    assert.equal(data.trade_state, 'NOTPAY');
    assert.equal(data.trade_state_desc, '订单未支付');
    assert.equal(data.attach, 'room=7');
    assert.equal(data.transaction_id, undefined);
    assert.deepEqual(data.amount, { total: 100, currency: 'CNY', payer_currency: 'CNY' });
  });

  it('pays: SUCCESS with a transaction id, queryable by it, and one signed, encrypted notification', async () => {
    const outTradeNo = no();
    const before = merchant.received.length;
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url, { attach: 'a' }));
    await r.sandbox.user.pay(outTradeNo);
    await r.sandbox.runDue();
    const { data } = await query(outTradeNo);
    assert.equal(data.trade_state, 'SUCCESS');
    assert.match(data.transaction_id, /^4200000\d{21}$/);
    assert.equal(data.trade_type, 'JSAPI');
    assert.equal(data.payer.openid, 'oPlayer000000000000000000001');
    assert.deepEqual(data.amount, { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' });
    assert.equal(data.success_time, '2026-01-05T10:00:00+08:00');
    const byId = await r.call('GET', `v3/pay/transactions/id/${data.transaction_id}`, undefined, {
      params: { mchid: r.sandbox.merchant.mchid },
    });
    assert.equal(byId.data.out_trade_no, outTradeNo);

    assert.equal(merchant.received.length, before + 1);
    const received = merchant.received.at(-1);
    assert.ok(received);
    const n = openNotification(r.sandbox, received);
    assert.ok(n.signatureValid);
    assert.equal(n.serial, r.sandbox.platform.publicKeyId);
    assert.equal(received.headers['wechatpay-signature-type'], 'WECHATPAY2-SHA256-RSA2048');
    assert.equal(n.envelope.event_type, 'TRANSACTION.SUCCESS');
    assert.equal(n.envelope.resource_type, 'encrypt-resource');
    assert.equal(n.envelope.summary, '支付成功');
    assert.match(n.envelope.id, /^[0-9a-f-]{36}$/);
    assert.equal(n.envelope.resource.original_type, 'transaction');
    assert.equal(n.envelope.resource.associated_data, 'transaction');
    assert.equal(n.envelope.resource.algorithm, 'AEAD_AES_256_GCM');
    assert.equal(n.envelope.resource.nonce?.length, 12);
    assert.deepEqual(n.resource, byId.data);
  });

  it('creates H5 and Native orders whose pay links open the cashier', async () => {
    const h5No = no();
    const h5 = await r.call('POST', 'v3/pay/transactions/h5', {
      appid: r.sandbox.merchant.appid,
      mchid: r.sandbox.merchant.mchid,
      description: 'H5',
      out_trade_no: h5No,
      notify_url: merchant.url,
      amount: { total: 990 },
      scene_info: { payer_client_ip: '127.0.0.1', h5_info: { type: 'Wap' } },
    });
    assert.ok(h5.data.h5_url.startsWith(`${r.sandbox.pagesUrl}/cashier?prepay_id=`));
    const page = await fetch(h5.data.h5_url);
    const html = await page.text();
    assert.equal(page.status, 200);
    assert.match(html, /¥9\.90/);
    assert.match(html, /支付 \/ Pay/);
    assert.match(html, /取消 \/ Cancel/);

    const nativeNo = no();
    const native = await r.call('POST', 'v3/pay/transactions/native', {
      appid: r.sandbox.merchant.appid,
      mchid: r.sandbox.merchant.mchid,
      description: 'Native',
      out_trade_no: nativeNo,
      notify_url: merchant.url,
      amount: { total: 1 },
    });
    const pr = /pr=([0-9A-Za-z]+)$/.exec(native.data.code_url)?.[1];
    const form = new URLSearchParams({ out_trade_no: nativeNo, action: 'pay', openid: 'oScanner', redirect_url: '' });
    const paid = await fetch(`${r.sandbox.pagesUrl}/cashier`, {
      method: 'POST',
      body: form,
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    assert.equal(paid.status, 200);
    assert.ok(pr);
    assert.match(await (await fetch(`${r.sandbox.pagesUrl}/cashier?pr=${pr}`)).text(), /SUCCESS/);
    const q = await query(nativeNo);
    assert.equal(q.data.trade_type, 'NATIVE');
    assert.equal(q.data.payer.openid, 'oScanner');
    await r.sandbox.runDue();
  });

  it('requires the H5 scene_info', async () => {
    const e = await failure(
      r.call('POST', 'v3/pay/transactions/h5', {
        appid: r.sandbox.merchant.appid,
        mchid: r.sandbox.merchant.mchid,
        description: 'H5',
        out_trade_no: no(),
        notify_url: merchant.url,
        amount: { total: 1 },
      }),
    );
    assert.equal(e.response?.status, 400);
    assert.equal(e.response?.data.code, 'PARAM_ERROR');
  });

  it('allows re-entry with identical parameters and refuses changed ones', async () => {
    const outTradeNo = no();
    const body = jsapiOrder(r.sandbox, outTradeNo, merchant.url);
    const first = await r.call('POST', 'v3/pay/transactions/jsapi', body);
    const again = await r.call('POST', 'v3/pay/transactions/jsapi', { ...body, time_expire: '2026-01-05T11:00:00+08:00' });
    assert.equal(again.data.prepay_id, first.data.prepay_id);
    const changed = await failure(r.call('POST', 'v3/pay/transactions/jsapi', { ...body, amount: { total: 101 } }));
    assert.equal(changed.response?.status, 400);
    assert.equal(changed.response?.data.code, 'INVALID_REQUEST');
  });

  it('issues a new prepay_id on re-entry after the old one is two hours old', async () => {
    const outTradeNo = no();
    const body = jsapiOrder(r.sandbox, outTradeNo, merchant.url);
    const first = await r.call('POST', 'v3/pay/transactions/jsapi', body);
    r.advance(2 * 3600_000 + 1000);
    const again = await r.call('POST', 'v3/pay/transactions/jsapi', body);
    assert.notEqual(again.data.prepay_id, first.data.prepay_id);
  });

  it('refuses re-entry on a paid order (ORDERPAID) and on a closed one (ORDER_CLOSED)', async () => {
    const paid = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, paid, merchant.url));
    await r.sandbox.user.pay(paid);
    const e1 = await failure(r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, paid, merchant.url)));
    assert.equal(e1.response?.data.code, 'ORDERPAID');
    const closed = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, closed, merchant.url));
    await r.call('POST', `v3/pay/transactions/out-trade-no/${closed}/close`, { mchid: r.sandbox.merchant.mchid });
    const e2 = await failure(r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, closed, merchant.url)));
    assert.equal(e2.response?.status, 400);
    assert.equal(e2.response?.data.code, 'ORDER_CLOSED');
    assert.equal((await query(closed)).data.trade_state, 'CLOSED');
    await r.sandbox.runDue();
  });

  it('closes idempotently, refuses to close a paid order, and 404s an unknown one', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
    const close = () => r.call('POST', `v3/pay/transactions/out-trade-no/${outTradeNo}/close`, { mchid: r.sandbox.merchant.mchid });
    assert.equal((await close()).status, 204);
    assert.equal((await close()).status, 204);
    await assert.rejects(r.sandbox.user.pay(outTradeNo), { code: 'SANDBOX_ORDER_NOT_PAYABLE' });
    const unknown = await failure(r.call('POST', 'v3/pay/transactions/out-trade-no/nosuch1/close', { mchid: r.sandbox.merchant.mchid }));
    assert.equal(unknown.response?.status, 404);
    assert.equal(unknown.response?.data.code, 'ORDER_NOT_EXIST');
  });

  it('validates fields as WeChat Pay does', async () => {
    const cases: [string, Record<string, unknown>, string][] = [
      ['short out_trade_no', { out_trade_no: 'abc' }, 'PARAM_ERROR'],
      ['bad characters', { out_trade_no: 'order#0001' }, 'PARAM_ERROR'],
      ['float amount', { amount: { total: 1.5 } }, 'PARAM_ERROR'],
      ['string amount', { amount: { total: '100' } }, 'PARAM_ERROR'],
      ['zero amount', { amount: { total: 0 } }, 'PARAM_ERROR'],
      ['USD', { amount: { total: 1, currency: 'USD' } }, 'PARAM_ERROR'],
      ['notify_url with query', { notify_url: 'https://merchant.example/notify?x=1' }, 'PARAM_ERROR'],
      ['notify_url not http', { notify_url: 'ftp://merchant.example/notify' }, 'PARAM_ERROR'],
      ['no payer', { payer: undefined }, 'PARAM_ERROR'],
      ['long description', { description: '商'.repeat(128) }, 'PARAM_ERROR'],
      ['bad time_expire', { time_expire: '2026-01-05 12:00:00' }, 'PARAM_ERROR'],
      ['other appid', { appid: 'wx0000000000000000' }, 'APPID_MCHID_NOT_MATCH'],
      ['other mchid', { mchid: '1900000002' }, 'MCH_NOT_EXISTS'],
    ];
    for (const [name, patch, code] of cases) {
      const body = { ...jsapiOrder(r.sandbox, no(), merchant.url), ...patch };
      const e = await failure(r.call('POST', 'v3/pay/transactions/jsapi', body));
      assert.equal(e.response?.status, 400, name);
      assert.equal(e.response?.data.code, code, name);
    }
  });

  it('closes an unpaid order at time_expire and the cashier then refuses payment', async () => {
    const outTradeNo = no();
    const expireMs = r.clock.nowMs() + 30 * 60_000;
    const timeExpire = new Date(expireMs + 8 * 3600_000).toISOString().replace(/\.\d{3}Z$/, '+08:00');
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url, { time_expire: timeExpire }));
    r.advance(30 * 60_000 - 1000);
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
    r.advance(2000);
    assert.equal((await query(outTradeNo)).data.trade_state, 'CLOSED');
    await assert.rejects(r.sandbox.user.pay(outTradeNo), { code: 'SANDBOX_ORDER_NOT_PAYABLE' });
  });

  it('records a payer who cancels in the cashier: still NOTPAY, no notification', async () => {
    const outTradeNo = no();
    const count = merchant.received.length;
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
    await r.sandbox.user.cancelPayment(outTradeNo);
    await r.sandbox.runDue();
    assert.equal((await query(outTradeNo)).data.trade_state, 'NOTPAY');
    assert.equal(merchant.received.length, count);
  });

  it('checks wx.requestPayment parameters signed with the plugin (paySign) and pays', async () => {
    const outTradeNo = no();
    const { data } = await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
    const params = {
      appId: r.sandbox.merchant.appid,
      timeStamp: String(Math.floor(r.clock.nowMs() / 1000)),
      nonceStr: Formatter.nonce(),
      package: `prepay_id=${data.prepay_id}`,
      signType: 'RSA',
    };
    const paySign = Rsa.sign(
      Formatter.joinedByLineFeed(params.appId, params.timeStamp, params.nonceStr, params.package),
      Rsa.from(r.sandbox.merchant.privateKeyPem, Rsa.KEY_TYPE_PRIVATE),
    );
    const post = async (body: Record<string, string>) =>
      (await (await fetch(`${r.sandbox.baseUrl}/sandbox/request-payment`, { method: 'POST', body: JSON.stringify(body) })).json()) as {
        errMsg: string;
      };
    assert.equal((await post({ ...params, paySign: `${paySign.slice(0, -4)}AAA=` })).errMsg, 'requestPayment:fail 支付验证签名失败');
    assert.equal((await post({ ...params, appId: 'wx0000000000000000', paySign })).errMsg, 'requestPayment:fail 支付验证签名失败');
    assert.equal((await post({ ...params, paySign, action: 'cancel' })).errMsg, 'requestPayment:fail cancel');
    assert.equal((await post({ ...params, paySign })).errMsg, 'requestPayment:ok');
    assert.equal((await query(outTradeNo)).data.trade_state, 'SUCCESS');
    const cashier = await fetch(`${r.sandbox.pagesUrl}/cashier?${new URLSearchParams({ ...params, paySign })}`);
    assert.match(await cashier.text(), /订单状态 \/ State: SUCCESS/);
    await r.sandbox.runDue();
  });

  it('answers a person who pays through the cashier form and redirects back', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, merchant.url));
    const form = new URLSearchParams({
      out_trade_no: outTradeNo,
      action: 'pay',
      openid: 'oPlayer000000000000000000001',
      redirect_url: 'https://game.example/paid',
    });
    const res = await fetch(`${r.sandbox.pagesUrl}/cashier`, { method: 'POST', body: form, redirect: 'manual' });
    assert.equal(res.status, 302);
    assert.equal(res.headers.get('location'), 'https://game.example/paid');
    assert.equal((await query(outTradeNo)).data.trade_state, 'SUCCESS');
    await r.sandbox.runDue();
  });
});

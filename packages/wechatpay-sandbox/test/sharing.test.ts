// Profit sharing through wechatpay-axios-plugin. (The api.weixin.qq.com side is in weixin.test.ts.)
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

// The sandbox's virtual-payment APIs over HTTP, as a game server meets them: a paid order is
// refunded whole once (a repeated refund number answers the same refund, a wrong pay_sig is
// refused), and the day's bill is published once the day has ended (China time), as a CSV file
// with the payment, the refund and WeChat's fee. Paths and fields are our reading (README).
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { SANDBOX_MINIGAME_APPID, type Sandbox, startSandbox } from '../src/index.ts';

const APP_KEY = 'sandboxTestVpayAppKey0123456789ab';
const hmac = (key: string, msg: string) => createHmac('sha256', key).update(msg).digest('hex');

describe('virtual payment refunds and bills in the sandbox', () => {
  let sandbox: Sandbox;
  let clock: ManualClock;
  let token: string;
  let openid: string;
  let outTradeNo: string;

  before(async () => {
    clock = new ManualClock(Date.UTC(2026, 0, 15, 2, 0, 0));
    sandbox = await startSandbox({ clock });
    sandbox.vpay.configure({ appid: SANDBOX_MINIGAME_APPID, offerId: '1450000007', appKey: APP_KEY, feePermille: 50 });
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    token = await newToken();
    sandbox.weixin.upsertPlayer({ handle: 'vp-sandbox', apps: [SANDBOX_MINIGAME_APPID] });
    const code = sandbox.weixin.issueCode({ handle: 'vp-sandbox', appid: SANDBOX_MINIGAME_APPID, kind: 'jscode' }).code;
    const s = await fetch(
      `${sandbox.baseUrl}/sns/jscode2session?appid=${SANDBOX_MINIGAME_APPID}&secret=${secret}&js_code=${code}&grant_type=authorization_code`,
    );
    const session = (await s.json()) as { openid: string; session_key: string };
    openid = session.openid;
    outTradeNo = 'vpsandbox0000000001';
    const signData = JSON.stringify({
      mode: 'goods',
      offerId: '1450000007',
      buyQuantity: 5,
      env: 0,
      currencyType: 'CNY',
      productId: 'room_card',
      goodsPrice: 300,
      outTradeNo,
      attach: 'p1',
    });
    const answer = sandbox.vpay.pay({
      appid: SANDBOX_MINIGAME_APPID,
      openid,
      signData,
      paySig: hmac(APP_KEY, `requestMidasPaymentGameItem&${signData}`),
      signature: hmac(session.session_key, signData),
      outcome: 'paid',
      dropPush: true,
    });
    assert.equal(answer.errCode, 0, answer.errMsg);
  });
  after(() => sandbox?.close());

  async function newToken(): Promise<string> {
    const secret = sandbox.weixin.apps().find((a) => a.appid === SANDBOX_MINIGAME_APPID)?.secret as string;
    const t = await fetch(`${sandbox.baseUrl}/cgi-bin/stable_token`, {
      method: 'POST',
      body: JSON.stringify({ grant_type: 'client_credential', appid: SANDBOX_MINIGAME_APPID, secret, force_refresh: true }),
    });
    return ((await t.json()) as { access_token: string }).access_token;
  }

  const xpay = async (path: string, body: unknown, sig?: string) => {
    const raw = JSON.stringify(body);
    const r = await fetch(`${sandbox.baseUrl}${path}?access_token=${token}&pay_sig=${sig ?? hmac(APP_KEY, `${path}&${raw}`)}`, {
      method: 'POST',
      body: raw,
    });
    return (await r.json()) as Record<string, unknown>;
  };

  it('refunds a paid order whole, once per refund number, and checks pay_sig', async () => {
    const body = { openid, order_id: outTradeNo, refund_order_id: 'vrsandbox0001', left_fee: 1500, refund_fee: 1500, env: 0 };
    assert.equal((await xpay('/xpay/refund_order', body, 'f'.repeat(64))).errcode, 268435463);
    assert.equal((await xpay('/xpay/refund_order', { ...body, refund_fee: 100 })).errcode, 268490013, 'only whole refunds');
    const first = await xpay('/xpay/refund_order', body);
    assert.equal(first.errcode, 0);
    assert.equal(first.refund_order_id, 'vrsandbox0001');
    const again = await xpay('/xpay/refund_order', body);
    assert.equal(again.refund_wx_order_id, first.refund_wx_order_id, 'the same refund');
    assert.equal((await xpay('/xpay/refund_order', { ...body, refund_order_id: 'vrsandbox0002' })).errcode, 268490012);
    assert.equal(sandbox.vpay.order(outTradeNo)?.status, 5);
    assert.equal(sandbox.vpay.refunds().length, 1);
  });

  it('publishes the day’s bill once the day has ended, with the payment, the refund and the fee', async () => {
    assert.equal((await xpay('/xpay/download_bill', { begin_ds: 20260115, end_ds: 20260115 })).errcode, 268490020);
    clock.advanceMs(24 * 3600_000);
    token = await newToken();
    const r = await xpay('/xpay/download_bill', { begin_ds: 20260115, end_ds: 20260115 });
    assert.equal(r.errcode, 0);
    const file = await (await fetch(String(r.url))).text();
    const [header, ...lines] = file.trim().split('\n');
    assert.equal(header, 'type,order_id,refund_order_id,wx_order_id,openid,product_id,buy_quantity,fee,platform_fee,time');
    assert.deepEqual(
      lines.map((l) => l.split(',').filter((_, i) => [0, 1, 2, 6, 7, 8].includes(i))),
      [
        ['pay', outTradeNo, '', '5', '1500', '75'],
        ['refund', outTradeNo, 'vrsandbox0001', '5', '1500', '-75'],
      ],
    );
  });
});

// Virtual-payment signatures against worked vectors: each expected value is computed here, apart
// from src/vpay.ts, straight from the documented formula (research wechatpay.md §2.6), over the
// signData example printed in WeChat's documentation. A change of message layout or key in our
// code fails these even when our server and our sandbox agree with each other.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import {
  parseVpayBill,
  VPAY_DELIVER_EVENT,
  vpayApiSig,
  vpayEventSig,
  vpayPaySig,
  vpaySigEqual,
  vpaySignData,
  vpayUserSignature,
  WeixinClient,
} from '../src/index.ts';

const hmac = (key: string, msg: string) => createHmac('sha256', Buffer.from(key, 'utf8')).update(Buffer.from(msg, 'utf8')).digest('hex');

// The documentation's example signData, byte for byte.
const DOC_SIGN_DATA =
  '{"mode":"goods","offerId":"123","buyQuantity":1,"env":0,"currencyType":"CNY","platform":"android","zoneId":"1","productId":"testproductId","goodsPrice":10,"outTradeNo":"xxxxxx","attach":"testdata"}';
const APP_KEY = '12345';
const SESSION_KEY = '9hAb/NEYUlkaMBEsmFgzig==';

describe('virtual payment signatures', () => {
  it('paySig is HMAC-SHA256(AppKey, "requestMidasPaymentGameItem&" + signData) in lower-case hex', () => {
    const expected = hmac(APP_KEY, `requestMidasPaymentGameItem&${DOC_SIGN_DATA}`);
    assert.equal(vpayPaySig(APP_KEY, DOC_SIGN_DATA), expected);
    assert.match(expected, /^[0-9a-f]{64}$/);
  });

  it('the user-state signature is HMAC-SHA256(session_key as issued, signData)', () => {
    assert.equal(vpayUserSignature(SESSION_KEY, DOC_SIGN_DATA), hmac(SESSION_KEY, DOC_SIGN_DATA));
    // Not keyed by the decoded bytes: our reading of the community code (unverified; README).
    const decoded = createHmac('sha256', Buffer.from(SESSION_KEY, 'base64')).update(DOC_SIGN_DATA).digest('hex');
    assert.notEqual(vpayUserSignature(SESSION_KEY, DOC_SIGN_DATA), decoded);
  });

  it('pay_sig of a server call signs uri + "&" + body, PayEventSig signs event + "&" + payload', () => {
    const body = '{"openid":"o1","env":0,"out_trade_no":"vp1"}';
    assert.equal(vpayApiSig(APP_KEY, '/xpay/query_order', body), hmac(APP_KEY, `/xpay/query_order&${body}`));
    const payload = '{"OpenId":"o1","Env":0,"OutTradeNo":"vp1","GoodsInfo":{"ProductId":"room_card","Quantity":5}}';
    assert.equal(vpayEventSig(APP_KEY, VPAY_DELIVER_EVENT, payload), hmac(APP_KEY, `minigame_game_pay_goods_deliver_notify&${payload}`));
  });

  it('signData carries the documented fields in the documented order, currency CNY', () => {
    const s = vpaySignData({
      offerId: '123',
      buyQuantity: 1,
      env: 0,
      productId: 'testproductId',
      goodsPrice: 10,
      outTradeNo: 'xxxxxx',
      attach: 'testdata',
    });
    // The documented example without its optional platform and zoneId.
    const doc = JSON.parse(DOC_SIGN_DATA) as Record<string, unknown>;
    delete doc.platform;
    delete doc.zoneId;
    assert.equal(s, JSON.stringify(doc));
  });

  it('comparison refuses malformed and different signatures', () => {
    const sig = hmac(APP_KEY, 'x');
    assert.equal(vpaySigEqual(sig, sig), true);
    assert.equal(vpaySigEqual(sig, sig.toUpperCase()), false);
    assert.equal(vpaySigEqual(sig, hmac('other', 'x')), false);
    assert.equal(vpaySigEqual(sig, sig.slice(2)), false);
    assert.equal(vpaySigEqual(sig, undefined), false);
  });
});

/** A client whose HTTP is recorded: the token call answers a token, the xpay calls what `answer` says. */
function recordingClient(answer: (path: string) => unknown) {
  const sent: { path: string; query: URLSearchParams; body: string }[] = [];
  const client = new WeixinClient({
    appid: 'wx1234567890abcdef',
    appSecret: 's',
    clock: new ManualClock(1_000_000),
    apiBaseUrl: 'https://api.example',
    fetch: async (input, init) => {
      const url = new URL(input);
      const body = typeof init.body === 'string' ? init.body : '';
      sent.push({ path: url.pathname, query: url.searchParams, body });
      if (url.pathname === '/cgi-bin/stable_token') return new Response(JSON.stringify({ access_token: 'AT', expires_in: 7200 }));
      const a = answer(url.pathname);
      return new Response(typeof a === 'string' ? a : JSON.stringify(a));
    },
  });
  return { client, sent };
}

describe('virtual payment refund and bill calls (paths and fields unverified: our reading)', () => {
  it('signs the refund as uri + "&" + the exact body sent, with the refund number as refund_order_id', async () => {
    const { client, sent } = recordingClient(() => ({
      errcode: 0,
      refund_order_id: 'vrefund0001',
      refund_wx_order_id: 'wxr1',
      pay_order_id: 'vp1',
    }));
    const r = await client.vpayRefundOrder(APP_KEY, {
      openid: 'oOpenid0000000000000000001',
      env: 0,
      outTradeNo: 'vp1',
      refundNo: 'vrefund0001',
      leftFeeFen: 500,
      refundFeeFen: 500,
      bizMeta: 'bought by mistake',
    });
    assert.deepEqual(r, { refundNo: 'vrefund0001', wxRefundId: 'wxr1' });
    const call = sent.find((x) => x.path === '/xpay/refund_order');
    assert.ok(call);
    assert.equal(call.query.get('access_token'), 'AT');
    assert.equal(call.query.get('pay_sig'), hmac(APP_KEY, `/xpay/refund_order&${call.body}`));
    assert.deepEqual(JSON.parse(call.body), {
      openid: 'oOpenid0000000000000000001',
      order_id: 'vp1',
      refund_order_id: 'vrefund0001',
      left_fee: 500,
      refund_fee: 500,
      biz_meta: 'bought by mistake',
      refund_reason: '0',
      req_from: '1',
      env: 0,
    });
    await assert.rejects(
      client.vpayRefundOrder(APP_KEY, {
        openid: 'oOpenid0000000000000000001',
        env: 0,
        outTradeNo: 'vp1',
        refundNo: 'vrefund0001',
        leftFeeFen: 100,
        refundFeeFen: 500,
        bizMeta: '',
      }),
      RangeError,
    );
  });

  it('asks for a day’s bill with a signed body, then reads the file it points at', async () => {
    const file = [
      'time,type,order_id,refund_order_id,wx_order_id,openid,product_id,buy_quantity,fee,platform_fee',
      '1768464000,pay,vp1,,wx1,o1,room_card,5,1500,150',
      '1768467600,refund,vp1,vrefund0001,wxr1,o1,room_card,5,1500,-150',
      '',
    ].join('\r\n');
    const { client, sent } = recordingClient((path) =>
      path === '/xpay/download_bill' ? { errcode: 0, url: 'https://files.example/bill/abc' } : `\uFEFF${file}`,
    );
    const rows = await client.vpayDownloadBill(APP_KEY, '20260115');
    const call = sent.find((x) => x.path === '/xpay/download_bill');
    assert.ok(call);
    assert.equal(call.query.get('pay_sig'), hmac(APP_KEY, `/xpay/download_bill&${call.body}`));
    assert.deepEqual(JSON.parse(call.body), { begin_ds: 20260115, end_ds: 20260115 });
    assert.ok(
      sent.some((x) => x.path === '/bill/abc'),
      'the file was fetched',
    );
    assert.deepEqual(
      rows.map((r) => [r.kind, r.outTradeNo, r.refundNo, r.quantity, r.amountFen, r.feeFen]),
      [
        ['pay', 'vp1', null, 5, 1500, 150],
        ['refund', 'vp1', 'vrefund0001', 5, 1500, -150],
      ],
    );
  });

  it('refuses a bill file it cannot read whole', () => {
    assert.throws(() => parseVpayBill('type,order_id\npay,vp1\n'), /column/);
    const header = 'type,order_id,refund_order_id,wx_order_id,openid,product_id,buy_quantity,fee,platform_fee,time';
    assert.throws(() => parseVpayBill(`${header}\npay,vp1,,wx1,o1,room_card,5,15.00,150,1768464000\n`), /fee is not an integer/);
    assert.throws(() => parseVpayBill(`${header}\nrefund,vp1,,wx1,o1,room_card,5,1500,-150,1768464000\n`), /refund_order_id/);
    assert.throws(() => parseVpayBill(`${header}\ngift,vp1,,wx1,o1,room_card,5,1500,150,1768464000\n`), /type/);
  });
});

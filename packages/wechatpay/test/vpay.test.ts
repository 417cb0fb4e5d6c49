// Virtual-payment signatures against worked vectors: each expected value is computed here, apart
// from src/vpay.ts, straight from the documented formula (research wechatpay.md §2.6), over the
// signData example printed in WeChat's documentation. A change of message layout or key in our
// code fails these even when our server and our sandbox agree with each other.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { describe, it } from 'node:test';
import { VPAY_DELIVER_EVENT, vpayApiSig, vpayEventSig, vpayPaySig, vpaySigEqual, vpaySignData, vpayUserSignature } from '../src/index.ts';

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

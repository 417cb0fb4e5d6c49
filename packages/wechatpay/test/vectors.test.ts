// Known answers from outside our code: examples printed in WeChat's documentation (quoted in
// ../shared/research/wechatpay.md) and values produced or checked by `wechatpay-axios-plugin`, an
// independent implementation. If our signing, paySign, JS-SDK signature, AES-GCM or bill parsing
// drifted from WeChat's format, these fail even when our client and sandbox agree with each other.
import assert from 'node:assert/strict';
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import fc from 'fast-check';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import {
  buildAuthorization,
  buildPaymentParams,
  decryptAesGcm,
  decryptSensitive,
  encryptAesGcm,
  encryptSensitive,
  isWechatPayError,
  jsSdkSignature,
  parseCsvBill,
  parseFee,
  parseFundFlowBill,
  parseNotification,
  parseTradeBill,
  paySignMessage,
  requestSignatureMessage,
  responseSignatureMessage,
  rsaSign,
  WechatPayVerifier,
  yuanTextToFen,
} from '../src/index.ts';
import { API_V3_KEY, MCHID, MERCHANT_SERIAL, PLATFORM_SERIAL, PUBLIC_KEY_ID, testKeys } from './keys.ts';

const AesGcm = (
  Aes as unknown as {
    AesGcm: {
      encrypt(p: string, k: string, iv: string, aad?: string): string;
      decrypt(c: string, k: string, iv: string, aad?: string): string;
    };
  }
).AesGcm;

describe('request signature (WECHATPAY2-SHA256-RSA2048)', () => {
  it('builds the message of the official example GET /v3/certificates exactly', () => {
    // The signing guide's example: GET, /v3/certificates, 1554208460, 593BEC0C930BF1AFEB40B4A08C8FB242, empty body.
    const message = requestSignatureMessage('GET', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', '');
    assert.equal(message, 'GET\n/v3/certificates\n1554208460\n593BEC0C930BF1AFEB40B4A08C8FB242\n\n');
    assert.equal(message, Formatter.request('GET', '/v3/certificates', 1554208460, '593BEC0C930BF1AFEB40B4A08C8FB242', ''));
  });

  it('builds the same message as wechatpay-axios-plugin for a POST with a JSON body', () => {
    const body = '{"appid":"wx8888888888888888","amount":{"total":1}}';
    assert.equal(
      requestSignatureMessage('post', '/v3/pay/transactions/jsapi?x=1%2F2', 1700000000, 'abc', body),
      Formatter.request('POST', '/v3/pay/transactions/jsapi?x=1%2F2', 1700000000, 'abc', body),
    );
  });

  it('signs so that wechatpay-axios-plugin verifies, and verifies what it signs', () => {
    const { merchant } = testKeys();
    const key = createPrivateKey(merchant.privateKeyPem);
    const message = Formatter.request('POST', '/v3/refund/domestic/refunds', 1700000000, 'N0nce', '{"a":"退款"}');
    const ours = rsaSign(message, key);
    assert.equal(Rsa.verify(message, ours, createPublicKey(merchant.publicKeyPem)), true);
    // PKCS#1 v1.5 signatures are deterministic, so the two implementations must agree byte for byte.
    assert.equal(ours, Rsa.sign(message, key));
  });

  it('puts the five items in the Authorization header and signs the canonical URL with its query', () => {
    const { merchant } = testKeys();
    const header = buildAuthorization({
      mchid: MCHID,
      serialNo: MERCHANT_SERIAL,
      privateKey: createPrivateKey(merchant.privateKeyPem),
      method: 'GET',
      canonicalUrl: '/v3/pay/transactions/out-trade-no/T1234567?mchid=1900000001',
      body: '',
      timestampSeconds: 1700000000,
    });
    assert.match(header, /^WECHATPAY2-SHA256-RSA2048 /);
    const items = Object.fromEntries(
      [...header.slice('WECHATPAY2-SHA256-RSA2048 '.length).matchAll(/(\w+)="([^"]*)"/g)].map((m) => [m[1], m[2]]),
    );
    assert.deepEqual(Object.keys(items).sort(), ['mchid', 'nonce_str', 'serial_no', 'signature', 'timestamp']);
    assert.equal(items.mchid, MCHID);
    assert.equal(items.serial_no, MERCHANT_SERIAL);
    assert.match(items.nonce_str ?? '', /^[0-9A-Za-z]{32}$/);
    const message = Formatter.request(
      'GET',
      '/v3/pay/transactions/out-trade-no/T1234567?mchid=1900000001',
      '1700000000',
      items.nonce_str,
      '',
    );
    assert.equal(Rsa.verify(message, items.signature ?? '', createPublicKey(merchant.publicKeyPem)), true);
  });
});

describe('response verification', () => {
  const { wechat, platform } = testKeys();
  const clock = new ManualClock(1_700_000_000_000);
  const verifier = new WechatPayVerifier({ [PUBLIC_KEY_ID]: wechat.publicKeyPem, [PLATFORM_SERIAL]: platform.publicKeyPem }, clock);
  const body = '{"prepay_id":"wx201410272009395522657a690389285100"}';

  function headersFor(serial: string, privatePem: string, ts: string, nonce: string, signedBody: string) {
    return {
      'wechatpay-timestamp': ts,
      'wechatpay-nonce': nonce,
      'wechatpay-serial': serial,
      'wechatpay-signature': Rsa.sign(Formatter.response(ts, nonce, signedBody), createPrivateKey(privatePem)),
    };
  }

  it('builds the same three-line message as wechatpay-axios-plugin, including the empty 204 body', () => {
    assert.equal(responseSignatureMessage('1700000000', 'n', body).toString('utf8'), Formatter.response('1700000000', 'n', body));
    assert.equal(responseSignatureMessage('1700000000', 'n', '').toString('utf8'), '1700000000\nn\n\n');
  });

  it('accepts what wechatpay-axios-plugin signs, in public-key and in platform-certificate mode', () => {
    verifier.verify(headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1700000000', 'a'.repeat(32), body), body);
    verifier.verify(
      new Headers(headersFor(PLATFORM_SERIAL, platform.privateKeyPem, '1700000100', 'b'.repeat(32), body)),
      Buffer.from(body),
    );
  });

  it('picks the key by Wechatpay-Serial: a signature by the other key fails', () => {
    const h = headersFor(PUBLIC_KEY_ID, platform.privateKeyPem, '1700000000', 'n', body);
    assert.throws(
      () => verifier.verify(h, body),
      (e) => isWechatPayError(e) && e.kind === 'verification',
    );
  });

  it('verifies the raw bytes: a re-serialised body fails', () => {
    const h = headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1700000000', 'n', `${body}\n`);
    verifier.verify(h, `${body}\n`);
    assert.throws(() => verifier.verify(h, JSON.stringify(JSON.parse(body))), /signature does not match/);
  });

  it('refuses WECHATPAY/SIGNTEST/ probes, unknown serials, and timestamps more than 300 s away', () => {
    const good = headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1700000000', 'n', body);
    assert.throws(
      () => verifier.verify({ ...good, 'wechatpay-signature': `WECHATPAY/SIGNTEST/${good['wechatpay-signature']}` }, body),
      /SIGNTEST/,
    );
    assert.throws(
      () => verifier.verify({ ...good, 'wechatpay-serial': 'PUB_KEY_ID_0000000000000000000000000000000099' }, body),
      /no platform key/,
    );
    verifier.verify(headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1699999700', 'n', body), body);
    verifier.verify(headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1700000300', 'n', body), body);
    assert.throws(() => verifier.verify(headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1699999699', 'n', body), body), /±300 s/);
    assert.throws(() => verifier.verify(headersFor(PUBLIC_KEY_ID, wechat.privateKeyPem, '1700000301', 'n', body), body), /±300 s/);
    assert.throws(() => verifier.verify({ ...good, 'wechatpay-signature-type': 'WECHATPAY2-SM2-WITH-SM3' }, body), /Signature-Type/);
    const { 'wechatpay-nonce': _n, ...missing } = good;
    assert.throws(() => verifier.verify(missing, body), /headers missing/);
  });
});

describe('wx.requestPayment paySign', () => {
  it('builds the four-line message of the documented example', () => {
    assert.equal(
      paySignMessage(
        'wx8888888888888888',
        '1414561699',
        '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
        'prepay_id=wx201410272009395522657a690389285100',
      ),
      'wx8888888888888888\n1414561699\n5K8264ILTKCH16CQ2502SI8ZNMTM67VS\nprepay_id=wx201410272009395522657a690389285100\n',
    );
  });

  it('produces a parameter set whose paySign wechatpay-axios-plugin verifies and reproduces', () => {
    const { merchant } = testKeys();
    const key = createPrivateKey(merchant.privateKeyPem);
    const p = buildPaymentParams({
      appId: 'wx8888888888888888',
      prepayId: 'wx201410272009395522657a690389285100',
      privateKey: key,
      timestampSeconds: 1414561699,
      nonce: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
    });
    assert.deepEqual(
      { appId: p.appId, timeStamp: p.timeStamp, nonceStr: p.nonceStr, package: p.package, signType: p.signType },
      {
        appId: 'wx8888888888888888',
        timeStamp: '1414561699',
        nonceStr: '5K8264ILTKCH16CQ2502SI8ZNMTM67VS',
        package: 'prepay_id=wx201410272009395522657a690389285100',
        signType: 'RSA',
      },
    );
    const message = Formatter.joinedByLineFeed(p.appId, p.timeStamp, p.nonceStr, p.package);
    assert.equal(Rsa.verify(message, p.paySign, createPublicKey(merchant.publicKeyPem)), true);
    assert.equal(p.paySign, Rsa.sign(message, key));
  });
});

describe('official-account JS-SDK signature', () => {
  it('reproduces the example printed in the JS-SDK documentation', () => {
    const signature = jsSdkSignature({
      jsapiTicket: 'sM4AOVdWfPE4DxkXGEs8VMCPGGVi4C3VM0P37wVUCFvkVAy_90u5h9nbSlYy3-Sl-HhTdfl2fzFy1AOcHKP7qg',
      nonceStr: 'Wm3WZYTPz0wzccnW',
      timestampSeconds: 1414587457,
      url: 'http://mp.weixin.qq.com?params=value',
    });
    assert.equal(signature, '0f9de62fce790f9a083d5c99e95740ceb90c27ed');
  });

  it('signs the URL without its #fragment, as the documentation requires', () => {
    const base = { jsapiTicket: 't', nonceStr: 'n', timestampSeconds: 1 };
    assert.equal(
      jsSdkSignature({ ...base, url: 'https://a.example/p?x=1#/route' }),
      jsSdkSignature({ ...base, url: 'https://a.example/p?x=1' }),
    );
  });
});

describe('AEAD_AES_256_GCM', () => {
  const plaintext = JSON.stringify({ mchid: MCHID, out_trade_no: '1217752501201407033233368018', trade_state: '支付成功' });

  it('decrypts what wechatpay-axios-plugin encrypts (key and nonce as UTF-8 bytes, tag last)', () => {
    const ciphertext = AesGcm.encrypt(plaintext, API_V3_KEY, 'fdasflkja484', 'transaction');
    assert.equal(
      decryptAesGcm(API_V3_KEY, { algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: 'transaction', nonce: 'fdasflkja484' }),
      plaintext,
    );
  });

  it('encrypts what wechatpay-axios-plugin decrypts, with empty associated data too', () => {
    assert.equal(AesGcm.decrypt(encryptAesGcm(API_V3_KEY, 'fdasflkja484', '', plaintext), API_V3_KEY, 'fdasflkja484', ''), plaintext);
  });

  it('rejects a flipped ciphertext bit, a wrong associated_data and a wrong key as verification failures', () => {
    const ciphertext = AesGcm.encrypt(plaintext, API_V3_KEY, 'fdasflkja484', 'transaction');
    const bytes = Buffer.from(ciphertext, 'base64');
    bytes[3] = (bytes[3] ?? 0) ^ 1;
    const cases = [
      { ciphertext: bytes.toString('base64'), associated_data: 'transaction', key: API_V3_KEY },
      { ciphertext, associated_data: 'refund', key: API_V3_KEY },
      { ciphertext, associated_data: 'transaction', key: 'B'.repeat(32) },
    ];
    for (const c of cases) {
      assert.throws(
        () =>
          decryptAesGcm(c.key, {
            algorithm: 'AEAD_AES_256_GCM',
            ciphertext: c.ciphertext,
            associated_data: c.associated_data,
            nonce: 'fdasflkja484',
          }),
        (e) => isWechatPayError(e) && e.kind === 'verification',
      );
    }
  });
});

describe('RSA-OAEP sensitive fields', () => {
  it('encrypts user_name so wechatpay-axios-plugin decrypts it, and decrypts what it encrypts', () => {
    const { wechat } = testKeys();
    const ours = encryptSensitive('张三', createPublicKey(wechat.publicKeyPem));
    assert.equal(Rsa.decrypt(ours, createPrivateKey(wechat.privateKeyPem)), '张三');
    const theirs = Rsa.encrypt('李四', createPublicKey(wechat.publicKeyPem));
    assert.equal(decryptSensitive(theirs, createPrivateKey(wechat.privateKeyPem)), '李四');
  });
});

describe('notifications', () => {
  const { wechat } = testKeys();
  const clock = new ManualClock(1_700_000_000_000);
  const keys = { verifier: new WechatPayVerifier({ [PUBLIC_KEY_ID]: wechat.publicKeyPem }, clock), apiV3Key: API_V3_KEY };

  function notification(eventType: string, ad: string, resource: unknown, tamper = false) {
    let ciphertext = AesGcm.encrypt(JSON.stringify(resource), API_V3_KEY, 'Nonce1234567', ad);
    if (tamper) {
      const b = Buffer.from(ciphertext, 'base64');
      b[0] = (b[0] ?? 0) ^ 0x80;
      ciphertext = b.toString('base64');
    }
    const body = JSON.stringify({
      id: 'EV-2018022511223320873',
      create_time: '2015-05-20T13:29:35+08:00',
      resource_type: 'encrypt-resource',
      event_type: eventType,
      summary: '支付成功',
      resource: { original_type: ad, algorithm: 'AEAD_AES_256_GCM', ciphertext, associated_data: ad, nonce: 'Nonce1234567' },
    });
    const ts = '1700000000';
    const nonce = 'f'.repeat(32);
    const headers = {
      'Wechatpay-Timestamp': ts,
      'Wechatpay-Nonce': nonce,
      'Wechatpay-Serial': PUBLIC_KEY_ID,
      'Wechatpay-Signature': Rsa.sign(Formatter.response(ts, nonce, body), createPrivateKey(wechat.privateKeyPem)),
      'Wechatpay-Signature-Type': 'WECHATPAY2-SHA256-RSA2048',
    };
    return { headers, body };
  }

  it('verifies and decrypts a TRANSACTION.SUCCESS built by wechatpay-axios-plugin into a typed transaction', () => {
    const n = notification('TRANSACTION.SUCCESS', 'transaction', {
      appid: 'wxd678efh567hg6787',
      mchid: MCHID,
      out_trade_no: '1217752501201407033233368018',
      transaction_id: '1217752501201407033233368018',
      trade_type: 'JSAPI',
      trade_state: 'SUCCESS',
      trade_state_desc: '支付成功',
      bank_type: 'CMC',
      attach: '自定义数据',
      success_time: '2018-06-08T10:34:56+08:00',
      payer: { openid: 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o' },
      amount: { total: 100, payer_total: 100, currency: 'CNY', payer_currency: 'CNY' },
    });
    const parsed = parseNotification(keys, n.headers, Buffer.from(n.body));
    assert.equal(parsed.kind, 'transaction');
    assert.equal(parsed.id, 'EV-2018022511223320873');
    assert.equal(parsed.signedBy, PUBLIC_KEY_ID);
    if (parsed.kind !== 'transaction') return;
    assert.equal(parsed.resource.tradeState, 'SUCCESS');
    assert.equal(parsed.resource.amount.totalFen, 100);
    assert.equal(parsed.resource.payerOpenid, 'oUpF8uMuAJO_M2pxb1Q9zNjWeS6o');
  });

  it('types the decrypted example of MCHTRANSFER.BILL.FINISHED printed in the documentation', () => {
    const n = notification('MCHTRANSFER.BILL.FINISHED', 'mch_payment', {
      out_bill_no: 'plfk2020042013',
      transfer_bill_no: '1330000071100999991182020050700019480001',
      state: 'SUCCESS',
      mch_id: '1900001109',
      transfer_amount: 2000,
      openid: 'o-MYE421800elYMDE34nYD456Xoy',
      fail_reason: 'PAYEE_ACCOUNT_ABNORMAL',
      create_time: '2015-05-20T13:29:35+08:00',
      update_time: '2023-08-15T20:33:22+08:00',
    });
    const parsed = parseNotification(keys, n.headers, n.body);
    assert.equal(parsed.kind, 'transfer-bill');
    if (parsed.kind !== 'transfer-bill') return;
    assert.equal(parsed.resource.transferAmountFen, 2000);
    assert.equal(parsed.resource.state, 'SUCCESS');
  });

  it('rejects a notification whose ciphertext was tampered with after signing', () => {
    // Tamper, then sign: the signature is valid, so only the AEAD tag can catch it.
    const n = notification('REFUND.SUCCESS', 'refund', { x: 1 }, true);
    assert.throws(
      () => parseNotification(keys, n.headers, n.body),
      (e) => isWechatPayError(e) && e.kind === 'verification' && /decrypt/.test(e.message),
    );
  });

  it('rejects a body changed after signing before decrypting anything', () => {
    const n = notification('TRANSACTION.SUCCESS', 'transaction', { x: 1 });
    assert.throws(() => parseNotification(keys, n.headers, n.body.replace('支付成功', '支付失败')), /signature does not match/);
  });
});

// A trade bill in the documented format (BOM, CRLF, backticks, summary), rows modelled on the
// examples quoted in the research note, with one large amount to prove exact conversion.
const TRADE_HEADER =
  '交易时间,公众账号ID,商户号,特约商户号,设备号,微信订单号,商户订单号,用户标识,交易类型,交易状态,付款银行,货币种类,应结订单金额,代金券金额,微信退款单号,商户退款单号,退款金额,充值券退款金额,退款类型,退款状态,商品名称,商户数据包,手续费,费率,订单金额,申请退款金额,费率备注';
const TRADE_ROWS = [
  '`2019-02-19 04:58:02,`wxab8acd895ab1638a,`1921000401,`0,`,`4200000252201902194148302583,`OUT20190219045801,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`OTHERS,`CNY,`0.01,`0.00,`0,`0,`0.00,`0.00,`,`,`测试商品,`,`0.00000,`0.60%,`0.01,`0.00,`',
  '`2019-02-19 05:01:46,`wxab8acd895ab1638a,`1921000401,`0,`,`4200000252201902194148302583,`OUT20190219045801,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`REFUND,`OTHERS,`CNY,`0.00,`0.00,`50000000002019021908446470511,`REF4200000252201902194148302583,`0.01,`0.00,`ORIGINAL,`SUCCESS,`测试商品,`,`0.00000,`39.00%,`0.00,`0.01,`',
  '`2019-02-19 09:12:00,`wxab8acd895ab1638a,`1921000401,`0,`,`4200000252201902194148309999,`OUT20190219091200,`oUpF8uMuAJO_M2pxb1Q9zNjWeS6o,`JSAPI,`SUCCESS,`CMB_DEBIT,`CNY,`1234567.89,`0.00,`0,`0,`0.00,`0.00,`,`,`房卡, 10 张,`attach,`7407.40000,`0.60%,`1234567.89,`0.00,`',
];
const TRADE_SUMMARY = [
  '总交易单数,应结订单总金额,退款总金额,充值券退款总金额,手续费总金额,订单总金额,申请退款总金额',
  '`3.0,`1234567.90,`0.01,`0.0,`7407.40,`1234567.90,`0.01',
];
const tradeBill = Buffer.from(`\uFEFF${[TRADE_HEADER, ...TRADE_ROWS, ...TRADE_SUMMARY].join('\r\n')}\r\n`, 'utf8');

describe('bills', () => {
  it('splits a trade bill exactly as wechatpay-axios-plugin Formatter.castCsvBill does', () => {
    const theirs = Formatter.castCsvBill(tradeBill) as { rows: Record<string, string>[]; summary: Record<string, string> };
    const ours = parseCsvBill(tradeBill);
    assert.deepEqual(ours.rows, theirs.rows);
    assert.deepEqual(ours.summary, theirs.summary);
  });

  it('types trade-bill rows with amounts in integer fen, exactly', () => {
    const bill = parseTradeBill(tradeBill);
    assert.equal(bill.rows.length, 3);
    const [pay, refund, big] = bill.rows;
    assert.equal(pay?.settlementTotalFen, 1);
    assert.equal(pay?.tradeState, 'SUCCESS');
    assert.equal(refund?.tradeState, 'REFUND');
    assert.equal(refund?.refundFen, 1);
    assert.equal(refund?.outRefundNo, 'REF4200000252201902194148302583');
    assert.equal(big?.settlementTotalFen, 123456789);
    assert.equal(big?.goodsName, '房卡, 10 张');
    assert.deepEqual(big?.fee, { milliFen: 740740000, fen: 740740, text: '7407.40000' });
    assert.equal(bill.summary.tradeCount, 3);
    assert.equal(bill.summary.settlementTotalFen, 123456790);
    assert.equal(bill.summary.fee.fen, 740740);
  });

  it('refuses a bill whose summary does not add up', () => {
    const bad = Buffer.from(tradeBill.toString('utf8').replace('`1234567.90,`0.01,`0.0', '`1234567.91,`0.01,`0.0'));
    assert.throws(() => parseTradeBill(bad), /应结订单总金额/);
  });

  it('types a fund-flow bill and checks its income and expense totals', () => {
    const file = [
      '\uFEFF记账时间,微信支付业务单号,资金流水单号,业务名称,业务类型,收支类型,收支金额(元),账户结余(元),资金变更提交申请人,备注,业务凭证号',
      '`2019-02-19 04:58:05,`4200000252201902194148302583,`4200000252201902194148302583,`交易,`交易,`收入,`0.01,`100.01,`system,`缺省,`',
      '`2019-02-19 05:01:50,`50000000002019021908446470511,`50000000002019021908446470511,`退款,`退款,`支出,`0.01,`100.00,`system,`缺省,`REF4200000252201902194148302583',
      '资金流水总笔数,收入笔数,收入金额,支出笔数,支出金额',
      '`2,`1,`0.01,`1,`0.01',
      '',
    ].join('\r\n');
    const bill = parseFundFlowBill(file);
    assert.equal(bill.rows[0]?.balanceFen, 10001);
    assert.equal(bill.rows[1]?.direction, '支出');
    assert.deepEqual(
      { ...bill.summary, columns: undefined },
      { flowCount: 2, incomeCount: 1, incomeFen: 1, expenseCount: 1, expenseFen: 1, columns: undefined },
    );
    const theirs = Formatter.castCsvBill(Buffer.from(file)) as { rows: Record<string, string>[] };
    assert.deepEqual(parseCsvBill(file).rows, theirs.rows);
  });

  it('converts any yuan text with two decimals to the exact fen, with no floating point', () => {
    fc.assert(
      fc.property(fc.integer({ min: -Number.MAX_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }), (fen) => {
        const abs = BigInt(Math.abs(fen));
        const text = `${fen < 0 ? '-' : ''}${abs / 100n}.${(abs % 100n).toString().padStart(2, '0')}`;
        assert.equal(yuanTextToFen(text), fen === 0 ? 0 : fen);
      }),
    );
  });

  it('refuses yuan text that would need rounding, and reads fee text to the thousandth of a fen', () => {
    assert.equal(yuanTextToFen('0.1'), 10);
    assert.equal(yuanTextToFen('45.0'), 4500);
    assert.equal(yuanTextToFen('0.06000'), 6);
    assert.throws(() => yuanTextToFen('0.005'), /more than 2 significant decimals/);
    assert.throws(() => yuanTextToFen('1e3'), /not yuan text/);
    assert.deepEqual(parseFee('0.00600'), { milliFen: 600, fen: undefined, text: '0.00600' });
    assert.deepEqual(parseFee('-0.06000'), { milliFen: -6000, fen: -6, text: '-0.06000' });
  });
});

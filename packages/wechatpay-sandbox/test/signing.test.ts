// Request verification and response signing, checked with an implementation that is not ours:
// wechatpay-axios-plugin signs the requests and verifies the answers.
import assert from 'node:assert/strict';
import { X509Certificate } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { Aes, Formatter, Rsa } from 'wechatpay-axios-plugin';
import { failure, jsapiOrder, type Loose, no, type Rig, rig } from './helpers.ts';

type AesGcmLike = { decrypt(c: string, k: string, iv: string, aad: string): string };
const AesGcm = (Aes as unknown as { AesGcm: AesGcmLike }).AesGcm;

/** Sends a request signed by hand (with the plugin's Formatter and Rsa) so tests can break one part of it. */
async function signedFetch(
  r: Rig,
  opts: {
    method: string;
    path: string;
    body?: string;
    timestamp?: number;
    nonce?: string;
    serial?: string;
    mchid?: string;
    tamper?: (msg: string) => string;
    authorization?: string;
  },
): Promise<{ status: number; body: Loose; headers: Headers }> {
  const timestamp = opts.timestamp ?? Math.floor(r.clock.nowMs() / 1000);
  const nonce = opts.nonce ?? Formatter.nonce();
  const body = opts.body ?? '';
  const message = Formatter.request(opts.method, opts.path, timestamp, nonce, body);
  const signature = Rsa.sign((opts.tamper ?? ((m) => m))(message), Rsa.from(r.sandbox.merchant.privateKeyPem, Rsa.KEY_TYPE_PRIVATE));
  const authorization =
    opts.authorization ??
    Formatter.authorization(
      opts.mchid ?? r.sandbox.merchant.mchid,
      nonce,
      signature,
      timestamp,
      opts.serial ?? r.sandbox.merchant.serialNo,
    );
  const res = await fetch(`${r.sandbox.baseUrl}${opts.path}`, {
    method: opts.method,
    headers: { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' },
    body: opts.method === 'GET' ? undefined : body,
  });
  const text = await res.text();
  return { status: res.status, body: text === '' ? undefined : JSON.parse(text), headers: res.headers };
}

describe('public-key mode', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  it('accepts requests signed by wechatpay-axios-plugin and signs answers it verifies', async () => {
    const outTradeNo = no();
    const res = await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify'));
    assert.equal(res.status, 200);
    assert.match(res.data.prepay_id, /^wx\d{14}[0-9a-f]{20}$/);
    assert.equal(res.headers['wechatpay-serial'], r.sandbox.platform.publicKeyId);
    assert.equal(res.headers['wechatpay-signature-type'], 'WECHATPAY2-SHA256-RSA2048');
    assert.match(res.headers['wechatpay-nonce'] ?? '', /^[0-9a-f]{32}$/);
    assert.match(res.headers['request-id'] ?? '', /^[0-9A-F]{32}$/);
    assert.equal(res.headers['wechatpay-timestamp'], String(Math.floor(r.clock.nowMs() / 1000)));
  });

  it('gives the WeChat Pay public key an id of PUB_KEY_ID_ and 32 digits', () => {
    assert.match(r.sandbox.platform.publicKeyId, /^PUB_KEY_ID_\d{32}$/);
    assert.equal(r.sandbox.merchant.apiV3Key.length, 32);
  });

  it('issues a merchant certificate that parses, matches the private key and carries the 40-hex serial', () => {
    const cert = new X509Certificate(r.sandbox.merchant.certificatePem);
    assert.equal(cert.serialNumber, r.sandbox.merchant.serialNo);
    assert.match(r.sandbox.merchant.serialNo, /^[0-9A-F]{40}$/);
    assert.ok(cert.checkPrivateKey(Rsa.from(r.sandbox.merchant.privateKeyPem, Rsa.KEY_TYPE_PRIVATE)));
    assert.ok(cert.verify(cert.publicKey), 'self-signed');
    assert.match(cert.subject, /CN=1900000001/);
  });

  it('signs a 204 answer over an empty body line', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify'));
    const res = await r.call('POST', `v3/pay/transactions/out-trade-no/${outTradeNo}/close`, { mchid: r.sandbox.merchant.mchid });
    assert.equal(res.status, 204);
    const message = `${res.headers['wechatpay-timestamp']}\n${res.headers['wechatpay-nonce']}\n\n`;
    assert.ok(
      Rsa.verify(message, res.headers['wechatpay-signature'] ?? '', Rsa.from(r.sandbox.platform.publicKeyPem, Rsa.KEY_TYPE_PUBLIC)),
    );
  });

  it('answers GET /v3/certificates with an empty list', async () => {
    const res = await r.call('GET', 'v3/certificates');
    assert.deepEqual(res.data, { data: [] });
  });

  it('rejects a signature over a different message with 401 SIGN_ERROR and the observed body shape', async () => {
    const body = JSON.stringify(jsapiOrder(r.sandbox, no(), 'https://merchant.example/notify'));
    const res = await signedFetch(r, {
      method: 'POST',
      path: '/v3/pay/transactions/jsapi',
      body,
      tamper: (m) => m.replace('沙盒', '篡改'),
    });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'SIGN_ERROR');
    assert.equal(res.body.detail.field, 'signature');
    assert.equal(res.body.detail.location, 'authorization');
    assert.equal(res.body.detail.detail.issue, 'sign not match');
    assert.equal(res.body.detail.sign_information.method, 'POST');
    assert.equal(res.body.detail.sign_information.url, '/v3/pay/transactions/jsapi');
    assert.equal(
      res.body.detail.sign_information.sign_message_length,
      Buffer.byteLength(`POST\n/v3/pay/transactions/jsapi\n0000000000\n${'x'.repeat(32)}\n${body}\n`),
    );
  });

  it('performs nothing for a rejected request', async () => {
    const outTradeNo = no();
    const body = JSON.stringify(jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify'));
    await signedFetch(r, { method: 'POST', path: '/v3/pay/transactions/jsapi', body, tamper: (m) => `${m}x` });
    const q = await failure(
      r.call('GET', `v3/pay/transactions/out-trade-no/${outTradeNo}`, undefined, { params: { mchid: r.sandbox.merchant.mchid } }),
    );
    assert.equal(q.response?.status, 404);
    assert.equal(q.response?.data.code, 'ORDER_NOT_EXIST');
  });

  it('rejects a wrong merchant certificate serial with 401 SIGN_ERROR', async () => {
    const res = await signedFetch(r, { method: 'GET', path: '/v3/certificates', serial: '1'.repeat(40) });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'SIGN_ERROR');
    assert.equal(res.body.detail.field, 'serial_no');
  });

  it('rejects an unknown mchid with 401 SIGN_ERROR', async () => {
    const res = await signedFetch(r, { method: 'GET', path: '/v3/certificates', mchid: '1900009999' });
    assert.equal(res.status, 401);
    assert.equal(res.body.code, 'SIGN_ERROR');
  });

  it('rejects timestamps more than 300 s away and accepts them at exactly 300 s', async () => {
    const now = Math.floor(r.clock.nowMs() / 1000);
    for (const ts of [now - 301, now + 301]) {
      const res = await signedFetch(r, { method: 'GET', path: '/v3/certificates', timestamp: ts });
      assert.equal(res.status, 401, `timestamp ${ts - now}`);
      assert.equal(res.body.code, 'SIGN_ERROR');
      assert.equal(res.body.detail.field, 'timestamp');
    }
    assert.equal((await signedFetch(r, { method: 'GET', path: '/v3/certificates', timestamp: now - 300 })).status, 200);
  });

  it('rejects a replayed nonce', async () => {
    const nonce = Formatter.nonce();
    assert.equal((await signedFetch(r, { method: 'GET', path: '/v3/certificates', nonce })).status, 200);
    const replay = await signedFetch(r, { method: 'GET', path: '/v3/certificates', nonce });
    assert.equal(replay.status, 401);
    assert.equal(replay.body.detail.field, 'nonce_str');
  });

  it('rejects missing and malformed Authorization headers', async () => {
    const none = await fetch(`${r.sandbox.baseUrl}/v3/certificates`);
    assert.equal(none.status, 401);
    assert.equal(((await none.json()) as { code: string }).code, 'SIGN_ERROR');
    const wrongScheme = await signedFetch(r, {
      method: 'GET',
      path: '/v3/certificates',
      authorization: 'WECHATPAY2-SHA256-RSA1024 mchid="1"',
    });
    assert.equal(wrongScheme.status, 401);
    const missingItem = await signedFetch(r, {
      method: 'GET',
      path: '/v3/certificates',
      authorization: `WECHATPAY2-SHA256-RSA2048 mchid="${r.sandbox.merchant.mchid}",nonce_str="abc",timestamp="${Math.floor(r.clock.nowMs() / 1000)}",signature="x"`,
    });
    assert.equal(missingItem.status, 401);
    assert.equal(missingItem.body.detail.field, 'serial_no');
  });

  it('accepts the five Authorization items in any order and a query string in the signed URL', async () => {
    const outTradeNo = no();
    await r.call('POST', 'v3/pay/transactions/jsapi', jsapiOrder(r.sandbox, outTradeNo, 'https://merchant.example/notify'));
    const path = `/v3/pay/transactions/out-trade-no/${outTradeNo}?mchid=${r.sandbox.merchant.mchid}`;
    const timestamp = Math.floor(r.clock.nowMs() / 1000);
    const nonce = Formatter.nonce();
    const signature = Rsa.sign(
      Formatter.request('GET', path, timestamp, nonce, ''),
      Rsa.from(r.sandbox.merchant.privateKeyPem, Rsa.KEY_TYPE_PRIVATE),
    );
    const authorization = `WECHATPAY2-SHA256-RSA2048 signature="${signature}",timestamp="${timestamp}",serial_no="${r.sandbox.merchant.serialNo}",nonce_str="${nonce}",mchid="${r.sandbox.merchant.mchid}"`;
    const res = await signedFetch(r, { method: 'GET', path, authorization });
    assert.equal(res.status, 200);
    assert.equal(res.body.out_trade_no, outTradeNo);
  });

  it('verifies over the raw body bytes, so a body with a trailing newline (as Go sends) is accepted', async () => {
    const body = `${JSON.stringify(jsapiOrder(r.sandbox, no(), 'https://merchant.example/notify'))}\n`;
    const res = await signedFetch(r, { method: 'POST', path: '/v3/pay/transactions/jsapi', body });
    assert.equal(res.status, 200);
  });

  it('signs error answers too, with the key the request named', async () => {
    const res = await signedFetch(r, { method: 'GET', path: '/v3/pay/transactions/out-trade-no/nosuchorder?mchid=1900000001' });
    assert.equal(res.status, 404);
    const message = `${res.headers.get('wechatpay-timestamp')}\n${res.headers.get('wechatpay-nonce')}\n${JSON.stringify(res.body)}\n`;
    assert.ok(
      Rsa.verify(message, res.headers.get('wechatpay-signature') ?? '', Rsa.from(r.sandbox.platform.publicKeyPem, Rsa.KEY_TYPE_PUBLIC)),
    );
  });
});

describe('platform-certificate mode', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ keyMode: 'platformCertificate' });
  });
  after(() => r.close());

  it('signs answers with the platform certificate the plugin knows by serial', async () => {
    const res = await r.call('POST', 'v3/pay/transactions/native', {
      appid: r.sandbox.merchant.appid,
      mchid: r.sandbox.merchant.mchid,
      description: 'native',
      out_trade_no: no(),
      notify_url: 'https://merchant.example/notify',
      amount: { total: 1 },
    });
    assert.match(res.data.code_url, /^weixin:\/\/wxpay\/bizpayurl\?pr=[0-9A-Za-z]{7}$/);
    assert.equal(res.headers['wechatpay-serial'], r.sandbox.platform.certificates[0]?.serialNo);
  });

  it('lists the platform certificates encrypted with the APIv3 key', async () => {
    const res = await r.call('GET', 'v3/certificates');
    const [entry] = res.data.data;
    const cert = r.sandbox.platform.certificates[0];
    assert.ok(cert);
    assert.equal(entry.serial_no, cert.serialNo);
    assert.equal(entry.encrypt_certificate.algorithm, 'AEAD_AES_256_GCM');
    assert.equal(entry.encrypt_certificate.associated_data, 'certificate');
    assert.equal(entry.encrypt_certificate.nonce.length, 12);
    const pem = AesGcm.decrypt(
      entry.encrypt_certificate.ciphertext,
      r.sandbox.merchant.apiV3Key,
      entry.encrypt_certificate.nonce,
      'certificate',
    );
    assert.equal(pem, cert.certificatePem);
    const x509 = new X509Certificate(pem);
    assert.equal(x509.serialNumber, cert.serialNo);
    assert.match(entry.effective_time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
  });

  it('signs with the WeChat Pay public key when the request names it in Wechatpay-Serial', async () => {
    const res = await r
      .call('GET', 'v3/certificates', undefined, { headers: { 'Wechatpay-Serial': r.sandbox.platform.publicKeyId } })
      .catch((e) => e);
    // The plugin in certificate mode does not know the public key, so it must refuse the answer.
    assert.equal(res.code, 'EV3_RES_HEADER_PLATFORM_SERIAL');
    assert.equal(res.response.headers['wechatpay-serial'], r.sandbox.platform.publicKeyId);
  });
});

// Encryption and signing vectors, both ways: the spec's published example, vectors assembled by
// hand in this file with node:crypto directly, a request our client made verified by the sandbox's
// code, and a request made by hand (as the reference Node client does it) accepted by both.
import assert from 'node:assert/strict';
import { createCipheriv, createHash } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { type FetchLike, NppaClient } from '../src/index.ts';
import { verifyCall } from '../src/sandbox/auth.ts';
import { DEFAULT_SANDBOX_LIMITS, DOCUMENTED_RATE_LIMITS, SandboxCore } from '../src/sandbox/core.ts';
import { decryptData, encryptData, openBody, sealBody, signatureBase, signedHeaders, signParams, verifySign } from '../src/wire.ts';
import { ai, APP_ID, BIZ_ID, raw, rig, SECRET_KEY, START_MS } from './helpers.ts';

// The spec's worked example (EncryptSignDemoV1.7.java and the interface specification, repeated in
// cupen/game-anti-addiction auth/client_test.go and the cocos demo README).
const SPEC_KEY = '2836e95fcd10e04b0069bb1ee659955b';
const SPEC_PLAINTEXT = '{"ai":"test-accountId","name":"用户姓名","idNum":"371321199012310912"}';
const SPEC_DATA =
  'CqT/33f3jyoiYqT8MtxEFk3x2rlfhmgzhxpHqWosSj4d3hq2EbrtVyx2aLj565ZQNTcPrcDipnvpq/D/vQDaLKW70O83Q42zvR0//OfnYLcIjTPMnqa+SOhsjQrSdu66ySSORCAo';
const SPEC_SIGN = '386c03b776a28c06b8032a958fbd89337424ef45c62d0422706cca633d8ad5fd';

describe('the spec example', () => {
  it('decrypts the published ciphertext to the published plaintext', () => {
    assert.equal(decryptData(SPEC_DATA, SPEC_KEY), SPEC_PLAINTEXT);
  });

  it('signs the published parameters and body to the published sign', () => {
    const body = `{"data":"${SPEC_DATA}"}`;
    const params = { appId: 'test-appId', bizId: 'test-bizId', timestamps: '1584949895758', id: 'test-id', name: 'test-name' };
    assert.equal(signParams(SPEC_KEY, params, body), SPEC_SIGN);
    // The same string, assembled by hand as the spec writes it out.
    const byHand = `${SPEC_KEY}appIdtest-appIdbizIdtest-bizIdidtest-idnametest-nametimestamps1584949895758${body}`;
    assert.equal(signatureBase(SPEC_KEY, params, body), byHand);
    assert.equal(createHash('sha256').update(byHand, 'utf8').digest('hex'), SPEC_SIGN);
  });
});

describe('vectors computed by hand', () => {
  const iv = Buffer.from('000102030405060708090a0b', 'hex');

  it('encrypts with a fixed IV to iv ‖ AES-128-GCM ciphertext ‖ tag, base64', () => {
    const plaintext = '{"ai":"100000000000000001","name":"某一一","idNum":"110000190101010001"}';
    const cipher = createCipheriv('aes-128-gcm', Buffer.from(SECRET_KEY, 'hex'), iv);
    const ct = Buffer.concat([cipher.update(Buffer.from(plaintext, 'utf8')), cipher.final()]);
    const expected = Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64');
    assert.equal(encryptData(plaintext, SECRET_KEY, iv), expected);
    assert.equal(decryptData(expected, SECRET_KEY), plaintext);
    assert.equal(sealBody(JSON.parse(plaintext), SECRET_KEY, iv), `{"data":"${expected}"}`);
  });

  it('signs a GET with its query parameter sorted among the system parameters and no body', () => {
    const h = signedHeaders({
      appId: APP_ID,
      bizId: BIZ_ID,
      secretKey: SECRET_KEY,
      timestampsMs: 1_767_578_400_000,
      query: { ai: '100000000000000001' },
      body: '',
    });
    const byHand = `${SECRET_KEY}ai100000000000000001appId${APP_ID}bizId${BIZ_ID}timestamps1767578400000`;
    assert.deepEqual(h, {
      appId: APP_ID,
      bizId: BIZ_ID,
      timestamps: '1767578400000',
      sign: createHash('sha256').update(byHand).digest('hex'),
    });
  });

  it('refuses tampered, truncated, non-canonical or wrongly keyed ciphertext', () => {
    const data = encryptData('{"a":1}', SECRET_KEY, iv);
    const bytes = Buffer.from(data, 'base64');
    bytes[14] = (bytes[14] ?? 0) ^ 1;
    assert.equal(decryptData(bytes.toString('base64'), SECRET_KEY), null, 'a flipped ciphertext bit');
    assert.equal(decryptData(data, SPEC_KEY), null, 'another key');
    assert.equal(decryptData(data.slice(0, 16), SECRET_KEY), null, 'too short');
    assert.equal(decryptData(`${data}\n`, SECRET_KEY), null, 'not canonical base64');
    assert.deepEqual(openBody('{"data":1}', SECRET_KEY), { ok: false, reason: 'body has no string field data' });
    assert.equal(verifySign({ appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, timestamps: '1', body: '', sign: 'x' }), false);
  });
});

describe('both directions', () => {
  it('a request our client made passes the sandbox verification and decrypts to the input', async () => {
    const clock = new ManualClock(START_MS);
    let captured: { url: string; init: RequestInit } | undefined;
    const spy: FetchLike = async (url, init) => {
      captured = { url, init };
      return new Response('{"errcode":0,"errmsg":"OK","data":{"result":{"status":2}}}', { status: 200 });
    };
    const client = new NppaClient({ appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, baseUrl: 'http://nppa.test', clock, fetch: spy });
    const input = { ai: ai(), name: '张三', idNum: '110000190101010001' };
    assert.deepEqual(await client.check(input), { status: 'failed' });
    assert.ok(captured);
    assert.equal(captured.url, 'http://nppa.test/idcard/authentication/check');
    const core = new SandboxCore(
      clock,
      { appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, timestampSkewMs: 5000, allowedIps: undefined, defaultPendingMs: 0 },
      DEFAULT_SANDBOX_LIMITS,
      DOCUMENTED_RATE_LIMITS,
    );
    const headers = Object.fromEntries(
      Object.entries(captured.init.headers as Record<string, string>).map(([k, v]) => [k.toLowerCase(), v]),
    );
    const verified = verifyCall(core, {
      method: 'POST',
      endpoint: 'check',
      headers: headers as IncomingHttpHeaders,
      rawQuery: '',
      rawBody: Buffer.from(captured.init.body as string, 'utf8'),
      remoteAddress: '127.0.0.1',
    });
    assert.deepEqual(verified.payload, input);
    assert.equal(verified.timestampsMs, START_MS);
  });

  it('a request made by hand, as the reference Node client builds it, is accepted by the sandbox and verifies with our code', async () => {
    const r = await rig();
    try {
      r.sandbox.registerIdentity({ name: '某一一', idNum: '110000190101010001' });
      const payload = JSON.stringify({ ai: ai(), name: '某一一', idNum: '110000190101010001' });
      // zhongweiv/anti-addiction-nodejs app.js: aes-128-gcm with a random 12-byte IV, iv‖ct‖tag, base64.
      const iv = Buffer.from('a1a2a3a4a5a6a7a8a9aaabac', 'hex');
      const cipher = createCipheriv('aes-128-gcm', Buffer.from(SECRET_KEY, 'hex'), iv);
      const ct = Buffer.concat([cipher.update(payload, 'utf8'), cipher.final()]);
      const body = JSON.stringify({ data: Buffer.concat([iv, ct, cipher.getAuthTag()]).toString('base64') });
      const timestamps = String(r.clock.nowMs());
      const sign = createHash('sha256').update(`${SECRET_KEY}appId${APP_ID}bizId${BIZ_ID}timestamps${timestamps}${body}`).digest('hex');
      assert.ok(verifySign({ appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY, timestamps, body, sign }));
      assert.deepEqual(openBody(body, SECRET_KEY), { ok: true, payload: JSON.parse(payload) });
      const res = await fetch(`${r.sandbox.baseUrl}/idcard/authentication/check`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json; charset=utf-8', appId: APP_ID, bizId: BIZ_ID, timestamps, sign },
        body,
      });
      const json = await res.json();
      assert.equal(json.errcode, 0);
      assert.equal(json.errmsg, 'OK');
      assert.equal(json.data.result.status, 0);
      assert.equal(json.data.result.pi.length, 38);
      // The same request with one character of the sign changed is refused.
      const bad = await raw(r, {
        path: '/idcard/authentication/check',
        body,
        headers: { sign: sign.replace(/^./, sign[0] === 'a' ? 'b' : 'a') },
      });
      assert.equal(bad.json.errcode, 1011);
    } finally {
      await r.close();
    }
  });
});

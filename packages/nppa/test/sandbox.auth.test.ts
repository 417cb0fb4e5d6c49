// Each way the sandbox refuses a request before looking at its business, with NPPA's errcode, and
// what our client makes of those that it can meet.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type Rig, ai, raw, rejects, rig } from './helpers.ts';

const CHECK = '/idcard/authentication/check';
const person = () => ({ ai: ai(), name: '某一一', idNum: '110000190101010001' });

describe('request verification', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
    r.sandbox.registerIdentity({ name: '某一一', idNum: '110000190101010001' });
  });
  after(() => r.close());

  it('answers a well-formed request with errcode 0 and errmsg OK', async () => {
    const a = await raw(r, { path: CHECK, payload: person() });
    assert.equal(a.status, 200);
    assert.equal(a.json.errcode, 0);
    assert.equal(a.json.errmsg, 'OK');
  });

  const cases: [string, Parameters<typeof raw>[1], number, string][] = [
    ['an unknown path', { path: '/idcard/authentication/verify', payload: person() }, 1002, 'SYS REQ RESOURCE NOT EXIST'],
    ['the wrong method', { method: 'GET', path: CHECK }, 1003, 'SYS REQ METHOD ERROR'],
    ['a missing sign header', { path: CHECK, payload: person(), headers: { sign: undefined } }, 1004, 'SYS REQ HEADER MISS ERROR'],
    ['a missing appId header', { path: CHECK, payload: person(), headers: { appId: undefined } }, 1004, 'SYS REQ HEADER MISS ERROR'],
    [
      'timestamps in seconds with letters',
      { path: CHECK, payload: person(), headers: { timestamps: '17x' } },
      1004,
      'SYS REQ HEADER MISS ERROR',
    ],
    ['an unknown appId', { path: CHECK, payload: person(), appId: 'ffffffffffffffffffffffffffffffff' }, 1008, 'SYS REQ PARTNER ERROR'],
    ['a bizId the appId does not hold', { path: CHECK, payload: person(), bizId: '1199999999' }, 1010, 'SYS REQ AUTH ERROR'],
    [
      'a timestamp 5.001 s old',
      { path: CHECK, payload: person(), timestampsMs: Date.UTC(2026, 0, 5, 2) - 5_001 },
      1007,
      'SYS REQ EXPIRE ERROR',
    ],
    [
      'a timestamp 5.001 s ahead',
      { path: CHECK, payload: person(), timestampsMs: Date.UTC(2026, 0, 5, 2) + 5_001 },
      1007,
      'SYS REQ EXPIRE ERROR',
    ],
    [
      'a sign made with another key',
      { path: CHECK, payload: person(), secretKey: '0123456789abcdef0123456789abcdef' },
      1011,
      'SYS REQ PARTNER AUTH ERROR',
    ],
    ['a sign over another body', { path: CHECK, payload: person(), headers: { sign: '0'.repeat(64) } }, 1011, 'SYS REQ PARTNER AUTH ERROR'],
    [
      'a body encrypted with another key',
      { path: CHECK, payload: person(), encryptKey: '0123456789abcdef0123456789abcdef' },
      1012,
      'SYS REQ PARAM CHECK ERROR',
    ],
    ['a body that is not JSON', { path: CHECK, body: 'data=abc' }, 1012, 'SYS REQ PARAM CHECK ERROR'],
    ['a body whose data is not base64', { path: CHECK, body: '{"data":"***"}' }, 1012, 'SYS REQ PARAM CHECK ERROR'],
    ['a payload without idNum', { path: CHECK, payload: { ai: ai(), name: '某一一' } }, 1012, 'SYS REQ PARAM CHECK ERROR'],
    ['a malformed identity number', { path: CHECK, payload: { ...person(), idNum: '110000190101010002' } }, 2001, 'BUS AUTH IDNUM ILLEGAL'],
    [
      'a repeated query parameter',
      { method: 'GET', path: '/idcard/authentication/query?ai=a', query: { ai: 'b' } },
      1012,
      'SYS REQ PARAM CHECK ERROR',
    ],
  ];
  for (const [name, req, errcode, errmsg] of cases) {
    it(`answers ${errcode} to ${name}`, async () => {
      const a = await raw(r, req);
      assert.equal(a.status, 200);
      assert.deepEqual(a.json, { errcode, errmsg });
    });
  }

  it('answers 1009 while the caller is not enabled, and serves again once it is', async () => {
    r.sandbox.setEnabled(false);
    try {
      assert.equal((await raw(r, { path: CHECK, payload: person() })).json.errcode, 1009);
      const e = await rejects(r.client.check(person()));
      assert.equal(e.code, 'NPPA_CALLER_DISABLED');
      assert.equal(e.retryable, false);
    } finally {
      r.sandbox.setEnabled(true);
    }
    assert.equal((await raw(r, { path: CHECK, payload: person() })).json.errcode, 0);
  });

  it('maps the refusals our client can meet to their catalogue codes', async () => {
    const wrongApp = r.clientWith({ appId: 'ffffffffffffffffffffffffffffffff' });
    assert.equal((await rejects(wrongApp.check(person()))).code, 'NPPA_CALLER_INVALID');
    const wrongBiz = r.clientWith({ bizId: '1199999999' });
    assert.equal((await rejects(wrongBiz.check(person()))).code, 'NPPA_CALLER_NOT_PERMITTED');
    const wrongKey = r.clientWith({ secretKey: '0123456789abcdef0123456789abcdef' });
    const e = await rejects(wrongKey.check(person()));
    assert.equal(e.code, 'NPPA_SIGNATURE_INVALID');
    assert.equal(e.errcode, 1011);
    assert.equal(e.retryable, false);
    const late = r.clientWith({ clock: { nowMs: () => r.clock.nowMs() - 60_000 } });
    const stale = await rejects(late.check(person()));
    assert.equal(stale.code, 'NPPA_REQUEST_EXPIRED');
    assert.equal(stale.retryable, true);
  });

  it('records every protocol request in the request log, without the query', async () => {
    await r.client.query(ai()).catch(() => undefined);
    const last = r.sandbox.requestLog().at(-1);
    assert.equal(last?.path, '/idcard/authentication/query');
    assert.equal(last?.errcode, 2003);
  });
});

describe('the IP allow-list', () => {
  it('answers 1005 to an address that is not on it', async () => {
    const r = await rig({ allowedIps: ['10.9.9.9'] });
    try {
      const e = await rejects(r.client.check(person()));
      assert.equal(e.code, 'NPPA_IP_NOT_ALLOWED');
      assert.equal(e.errcode, 1005);
    } finally {
      await r.close();
    }
    const open = await rig({ allowedIps: ['127.0.0.1'] });
    try {
      assert.deepEqual(await open.client.check(person()), { status: 'failed' });
    } finally {
      await open.close();
    }
  });
});

// Rate limits and injected faults, observed through our client: each becomes the NppaError a
// caller can act on, retryable where a retry can help.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { BT_LOGIN, CT_GUEST, idNumberFor, type LoginoutRecord, RATE_LIMIT_BLOCK_MS } from '../src/index.ts';
import { abandonOnHang, admin, type Rig, ai, rejects, rig } from './helpers.ts';

describe('rate limits', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ rateLimits: { checkPerSecond: 3, queryPerSecond: 2, loginoutPerSecond: 1 } });
  });
  after(() => r.close());
  const person = () => ({ ai: ai(), name: '冯限流', idNum: idNumberFor('1990-01-01') });

  it('answers 1006 past the per-second limit and blocks the caller for a minute', async () => {
    for (let i = 0; i < 3; i++) assert.equal((await r.client.check(person())).status, 'failed');
    const e = await rejects(r.client.check(person()));
    assert.equal(e.code, 'NPPA_RATE_LIMITED');
    assert.equal(e.errcode, 1006);
    assert.equal(e.retryable, true);
    assert.equal(e.outcomeUnknown, false);
    r.clock.advanceMs(1_000);
    assert.equal((await rejects(r.client.check(person()))).code, 'NPPA_RATE_LIMITED', 'still blocked in the next second');
    r.clock.advanceMs(RATE_LIMIT_BLOCK_MS);
    assert.equal((await r.client.check(person())).status, 'failed');
  });

  it('limits each interface on its own', async () => {
    r.clock.advanceMs(RATE_LIMIT_BLOCK_MS);
    const s = Math.floor(r.clock.nowMs() / 1000);
    const rec: LoginoutRecord = { no: 1, si: 'rl', bt: BT_LOGIN, ot: s, ct: CT_GUEST, di: 'd' };
    assert.deepEqual((await r.client.reportLoginout([rec])).accepted, [1]);
    assert.equal((await rejects(r.client.reportLoginout([rec]))).code, 'NPPA_RATE_LIMITED');
    assert.equal((await r.client.check(person())).status, 'failed', 'the check limit is untouched');
  });

  it('does not rate-limit the interface-test endpoints', async () => {
    r.clock.advanceMs(RATE_LIMIT_BLOCK_MS);
    const code = r.sandbox.testCodes()[5]!;
    for (let i = 0; i < 5; i++) assert.equal((await r.client.query('300000000000000001', { testCode: code })).status, 'failed');
  });
});

describe('faults', () => {
  let r: Rig;
  const person = { name: '陈故障', idNum: idNumberFor('1991-11-11') };
  before(async () => {
    r = await rig();
    r.sandbox.registerIdentity(person);
  });
  after(() => r.close());
  afterEach(() => {
    r.sandbox.faults.clear();
    r.clock.advanceMs(1_000);
  });

  it('hang before: the call is abandoned, nothing happened, and the same ai can be checked again', async () => {
    r.sandbox.faults.inject({ kind: 'hang', endpoint: 'check' });
    const a = ai();
    const e = await abandonOnHang(r, (signal) => r.client.check({ ai: a, ...person }, { signal }));
    assert.equal(e.code, 'NPPA_TIMEOUT');
    assert.equal(e.retryable, true);
    assert.equal(e.outcomeUnknown, true);
    assert.equal((await rejects(r.client.query(a))).code, 'NPPA_AI_NOT_FOUND');
    assert.equal((await r.client.check({ ai: a, ...person })).status, 'ok');
  });

  it('hang after: the check happened, so retrying the ai meets 2004 and a query has the result', async () => {
    r.sandbox.faults.inject({ kind: 'hang', endpoint: 'check', timing: 'after' });
    const a = ai();
    assert.equal((await abandonOnHang(r, (signal) => r.client.check({ ai: a, ...person }, { signal }))).code, 'NPPA_TIMEOUT');
    assert.equal((await rejects(r.client.check({ ai: a, ...person }))).code, 'NPPA_AI_IN_USE');
    assert.equal((await r.client.query(a)).status, 'ok');
  });

  it('http: a 503 page without errcode is a retryable upstream failure', async () => {
    r.sandbox.faults.inject({ kind: 'http', status: 503, endpoint: 'query' });
    const e = await rejects(r.client.query(ai()));
    assert.equal(e.code, 'NPPA_UPSTREAM_UNAVAILABLE');
    assert.equal(e.httpStatus, 503);
    assert.equal(e.retryable, true);
  });

  it('bad-signature: the answer says 1011, which no retry fixes', async () => {
    r.sandbox.faults.inject({ kind: 'bad-signature' });
    const e = await rejects(r.client.check({ ai: ai(), ...person }));
    assert.equal(e.code, 'NPPA_SIGNATURE_INVALID');
    assert.equal(e.retryable, false);
  });

  it('rate-limit: the answer says 1006, retryable', async () => {
    r.sandbox.faults.inject({ kind: 'rate-limit', endpoint: 'loginout' });
    const rec: LoginoutRecord = { no: 1, si: 'f', bt: BT_LOGIN, ot: Math.floor(r.clock.nowMs() / 1000), ct: CT_GUEST, di: 'd' };
    const e = await rejects(r.client.reportLoginout([rec]));
    assert.equal(e.code, 'NPPA_RATE_LIMITED');
    assert.equal(e.retryable, true);
  });

  it('malformed: a truncated body is a retryable malformed answer', async () => {
    r.sandbox.faults.inject({ kind: 'malformed' });
    const e = await rejects(r.client.query(ai()));
    assert.equal(e.code, 'NPPA_BAD_RESPONSE');
    assert.equal(e.retryable, true);
  });

  it('errcode after: the check happened, the answer says 1001 with the outcome unknown', async () => {
    r.sandbox.faults.inject({ kind: 'errcode', errcode: 1001, endpoint: 'check', timing: 'after' });
    const a = ai();
    const e = await rejects(r.client.check({ ai: a, ...person }));
    assert.equal(e.code, 'NPPA_SYSTEM_ERROR');
    assert.equal(e.retryable, true);
    assert.equal(e.outcomeUnknown, true);
    assert.equal((await r.client.query(a)).status, 'ok');
  });

  it('hits only the matching endpoint, `count` times, and then is gone', async () => {
    r.sandbox.faults.inject({ kind: 'errcode', errcode: 1001, endpoint: 'query', count: 2 });
    assert.equal((await r.client.check({ ai: ai(), ...person })).status, 'ok', 'check is not query');
    assert.equal((await rejects(r.client.query(ai()))).code, 'NPPA_SYSTEM_ERROR');
    assert.equal((await rejects(r.client.query(ai()))).code, 'NPPA_SYSTEM_ERROR');
    assert.equal((await rejects(r.client.query(ai()))).code, 'NPPA_AI_NOT_FOUND');
    assert.deepEqual(r.sandbox.faults.list(), []);
  });

  it('is injected, listed and cleared through the admin API, which refuses nonsense', async () => {
    const added = await admin(r, 'POST', '/sandbox/faults', {
      faults: [
        { kind: 'http', status: 500 },
        { kind: 'errcode', errcode: 2002 },
      ],
    });
    assert.equal(added.status, 200);
    assert.equal(added.json.faults.length, 2);
    assert.equal((await admin(r, 'GET', '/sandbox/faults')).json.faults.length, 2);
    assert.equal((await admin(r, 'DELETE', '/sandbox/faults')).status, 204);
    assert.deepEqual(r.sandbox.faults.list(), []);
    for (const bad of [
      { kind: 'explode' },
      { kind: 'errcode', errcode: 1234 },
      { kind: 'http', status: 200 },
      { kind: 'hang', count: 0 },
      { kind: 'partial-failure', endpoint: 'check' },
      { kind: 'partial-failure', timing: 'after' },
    ]) {
      const res = await admin(r, 'POST', '/sandbox/faults', bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.json.code, 'NPPA_SANDBOX_FAULT_INVALID');
    }
  });
});

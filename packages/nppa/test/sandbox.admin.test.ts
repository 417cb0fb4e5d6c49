// The admin API and page, and the interface-test endpoints: what an engineer driving a standalone
// sandbox from a browser or another process sees.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idNumberFor, TEST_CODE_VALID_MS } from '../src/index.ts';
import { startNppaSandbox } from '../src/sandbox/index.ts';
import { admin, type Rig, ai, raw, rejects, rig, TEST_CODES } from './helpers.ts';

describe('admin API', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  it('tells a client everything it needs to connect', async () => {
    const res = await admin(r, 'GET', '/sandbox/config');
    assert.equal(res.status, 200);
    assert.equal(res.json.baseUrl, r.sandbox.baseUrl);
    assert.equal(res.json.appId, r.sandbox.appId);
    assert.equal(res.json.secretKey, r.sandbox.secretKey);
    assert.deepEqual(res.json.testCodes, TEST_CODES);
  });

  it('registers an identity from a birth date and shows its age, minor flag and pi', async () => {
    const res = await admin(r, 'POST', '/sandbox/identities', { name: '何少年', birthDate: '2015-05-05' });
    assert.equal(res.status, 201);
    assert.equal(res.json.birthDate, '2015-05-05');
    assert.equal(res.json.minor, true);
    assert.equal(res.json.ageYears, 10);
    assert.match(res.json.idNum, /^110101201505050\d{2}[\dX]$/);
    assert.equal((await r.client.check({ ai: ai(), name: '何少年', idNum: res.json.idNum })).status, 'ok');
    const list = await admin(r, 'GET', '/sandbox/identities');
    assert.ok(list.json.identities.some((i: { idNum: string }) => i.idNum === res.json.idNum));
  });

  it('refuses an identity twice, a bad number and a bad outcome', async () => {
    const idNum = idNumberFor('1980-08-08');
    assert.equal((await admin(r, 'POST', '/sandbox/identities', { name: '许', idNum })).status, 201);
    const twice = await admin(r, 'POST', '/sandbox/identities', { name: '许', idNum });
    assert.equal(twice.status, 409);
    assert.equal(twice.json.code, 'NPPA_SANDBOX_IDENTITY_EXISTS');
    assert.equal((await admin(r, 'POST', '/sandbox/identities', { name: '许', idNum: '110000190101010002' })).status, 400);
    assert.equal((await admin(r, 'POST', '/sandbox/identities', { name: '许', birthDate: '1980-01-01', outcome: 'maybe' })).status, 400);
    assert.equal((await admin(r, 'DELETE', `/sandbox/identities/${idNum}`)).status, 204);
    assert.equal((await admin(r, 'DELETE', `/sandbox/identities/${idNum}`)).status, 404);
  });

  it('accepts form posts from the page and redirects back to it', async () => {
    const res = await fetch(`${r.sandbox.baseUrl}/sandbox/identities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: '表单', birthDate: '1999-09-09', outcome: 'pending', pendingMs: '1000' }).toString(),
      redirect: 'manual',
    });
    assert.equal(res.status, 303);
    assert.equal(res.headers.get('location'), '/');
    const p = r.sandbox.identities().find((i) => i.name === '表单');
    assert.equal(p?.outcome, 'pending');
    assert.equal(p?.pendingMs, 1000);
    const bad = await fetch(`${r.sandbox.baseUrl}/sandbox/identities`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: 'name=',
    });
    assert.equal(bad.status, 400);
    assert.match(bad.headers.get('content-type') ?? '', /text\/html/);
  });

  it('settles an in-progress record through the API', async () => {
    const p = r.sandbox.registerIdentity({ name: '吕待定', birthDate: '1988-08-18', outcome: 'pending', pendingMs: 3_600_000 });
    const a = ai();
    assert.equal((await r.client.check({ ai: a, name: p.name, idNum: p.idNum })).status, 'pending');
    const records = await admin(r, 'GET', '/sandbox/records');
    assert.equal(records.json.records.find((x: { ai: string }) => x.ai === a)?.status, 1);
    assert.equal((await admin(r, 'POST', `/sandbox/records/${a}/settle`, { status: 'failed' })).status, 200);
    assert.deepEqual(await r.client.query(a), { status: 'failed' });
    assert.equal((await admin(r, 'POST', `/sandbox/records/${ai()}/settle`, { status: 'ok' })).status, 404);
  });

  it('moves a manual clock, and refuses to move the system clock', async () => {
    const before = r.clock.nowMs();
    const res = await admin(r, 'POST', '/sandbox/clock/advance', { ms: 1500 });
    assert.equal(res.json.nowMs, before + 1500);
    const sys = await startNppaSandbox();
    try {
      const refused = await fetch(`${sys.baseUrl}/sandbox/clock/advance`, { method: 'POST', body: '{"ms":1}' });
      assert.equal(refused.status, 409);
    } finally {
      await sys.close();
    }
  });

  it('refuses options that cannot work at start-up', async () => {
    await assert.rejects(startNppaSandbox({ secretKey: 'xyz' }), RangeError);
    await assert.rejects(startNppaSandbox({ pendingMs: -1 }), RangeError);
    await assert.rejects(startNppaSandbox({ testCodes: ['a', 'b'] }), RangeError);
  });

  it('answers 404 with a code for an unknown admin endpoint', async () => {
    const res = await admin(r, 'GET', '/sandbox/nothing');
    assert.equal(res.status, 404);
    assert.equal(res.json.code, 'NPPA_SANDBOX_NOT_FOUND');
  });

  it('renders the page with identities, test codes, reports and faults, escaping what it shows', async () => {
    r.sandbox.registerIdentity({ name: '<script>alert(1)</script>', birthDate: '1977-07-07' });
    r.sandbox.faults.inject({ kind: 'http', status: 500, endpoint: 'query', count: 3 });
    const res = await fetch(`${r.sandbox.baseUrl}/`);
    assert.equal(res.status, 200);
    const html = await res.text();
    assert.ok(!html.includes('<script>alert(1)</script>'));
    assert.ok(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
    for (const text of [r.sandbox.appId, TEST_CODES[0]!, '何少年', 'minor 未成年', 'duplicates 0', 'remaining'])
      assert.ok(html.includes(text), text);
    r.sandbox.faults.clear();
  });
});

describe('interface-test endpoints', () => {
  let r: Rig;
  before(async () => {
    r = await rig();
  });
  after(() => r.close());

  it('answers each scenario’s preset data as the preset says, and marks it passed', async () => {
    const [c1, c2, , c4] = TEST_CODES;
    const ok = await r.client.check({ ai: '100000000000000003', name: '某一三', idNum: '110000190101030002' }, { testCode: c1! });
    assert.deepEqual(ok, { status: 'ok', pi: '1fffblf892i0p1zh6wlec2quukxtw29v4yismp' });
    assert.deepEqual(await r.client.check({ ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' }, { testCode: c2! }), {
      status: 'pending',
    });
    assert.deepEqual(await r.client.query('100000000000000003', { testCode: c4! }), ok);
    const states = r.sandbox.scenarios();
    assert.ok(states[0]?.passedMs !== undefined && states[1]?.passedMs !== undefined && states[3]?.passedMs !== undefined);
    assert.equal(states[2]?.passedMs, undefined);
  });

  it('answers 4003 to data that does not fit the scenario', async () => {
    const [c1, , c3, , , , c7] = TEST_CODES;
    const e = await rejects(r.client.check({ ai: '200000000000000001', name: '某二一', idNum: '110000190201010009' }, { testCode: c1! }));
    assert.equal(e.code, 'NPPA_TEST_PARAMS_INVALID');
    assert.equal(e.errcode, 4003);
    assert.equal(
      (await rejects(r.client.check({ ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' }, { testCode: c3! }))).errcode,
      4003,
    );
    const s = Math.floor(r.clock.nowMs() / 1000);
    const verified = { no: 1, si: 's', bt: 1, ot: s, ct: 0, pi: '1fffbjzos82bs9cnyj1dna7d6d29zg4esnh99u' };
    assert.equal((await rejects(r.client.reportLoginout([verified], { testCode: c7! }))).errcode, 4003, 'testcase07 is guests only');
    assert.equal(r.sandbox.scenarios()[0]?.lastRefusal, 4003);
  });

  it('answers 4002 to an unknown code, a code of another interface, and a code an hour old', async () => {
    assert.equal((await rejects(r.client.query('100000000000000001', { testCode: 'nope00' }))).code, 'NPPA_TEST_TASK_NOT_FOUND');
    assert.equal((await rejects(r.client.query('100000000000000001', { testCode: TEST_CODES[0]! }))).errcode, 4002);
    r.clock.advanceMs(TEST_CODE_VALID_MS);
    const e = await rejects(r.client.query('100000000000000001', { testCode: TEST_CODES[3]! }));
    assert.equal(e.errcode, 4002);
    const fresh = r.sandbox.reissueTestCodes();
    assert.equal(fresh.length, 8);
    assert.deepEqual(await r.client.query('300000000000000001', { testCode: fresh[5]! }), { status: 'failed' });
  });

  it('verifies test requests like production ones', async () => {
    const res = await raw(r, {
      path: `/test/authentication/check/${r.sandbox.testCodes()[0]}`,
      payload: { ai: '100000000000000001', name: '某一一', idNum: '110000190101010001' },
      secretKey: '0123456789abcdef0123456789abcdef',
    });
    assert.equal(res.json.errcode, 1011);
  });
});

// Identity checks through our client against the sandbox: registered adults and minors pass with
// a pi, unknown and mismatched people fail, in-progress checks settle on a later query once the
// sandbox clock has moved, and check records live and die as the spec says.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { idNumberFor, isMinorAt, RESULT_DELETED_AFTER_QUERY_MS, RESULT_QUERYABLE_MS } from '../src/index.ts';
import { type Rig, ai, rejects, rig } from './helpers.ts';

describe('identity statuses', () => {
  let r: Rig;
  const adult = { name: '张成年', idNum: idNumberFor('1990-03-15') };
  const minor = { name: '李未成', idNum: idNumberFor('2012-07-01') };
  before(async () => {
    r = await rig();
    r.sandbox.registerIdentity(adult);
    r.sandbox.registerIdentity(minor);
  });
  after(() => r.close());

  it('verifies a registered adult with a 38-character pi, and the number says adult', async () => {
    const res = await r.client.check({ ai: ai(), ...adult });
    assert.equal(res.status, 'ok');
    assert.ok(res.status === 'ok' && /^1[0-9a-z]{37}$/.test(res.pi));
    assert.equal(isMinorAt(adult.idNum, r.clock.nowMs()), false);
    const listed = r.sandbox.identities().find((i) => i.idNum === adult.idNum);
    assert.equal(listed?.minor, false);
    assert.equal(res.status === 'ok' && res.pi, listed?.pi);
  });

  it('verifies a registered minor, and the number says minor', async () => {
    const res = await r.client.check({ ai: ai(), ...minor });
    assert.equal(res.status, 'ok');
    assert.equal(isMinorAt(minor.idNum, r.clock.nowMs()), true);
    assert.equal(r.sandbox.identities().find((i) => i.idNum === minor.idNum)?.minor, true);
  });

  it('gives the same person the same pi on every check', async () => {
    const a = await r.client.check({ ai: ai(), ...adult });
    const b = await r.client.check({ ai: ai(), ...adult });
    assert.deepEqual(a, b);
  });

  it('fails an unregistered number and a registered number with another name', async () => {
    assert.deepEqual(await r.client.check({ ai: ai(), name: '王五', idNum: idNumberFor('1985-01-01', '310101', '123') }), {
      status: 'failed',
    });
    assert.deepEqual(await r.client.check({ ai: ai(), name: '张成', idNum: adult.idNum }), { status: 'failed' });
  });

  it('answers a query with the result the check gave', async () => {
    const a = ai();
    const checked = await r.client.check({ ai: a, ...adult });
    assert.deepEqual(await r.client.query(a), checked);
    const f = ai();
    await r.client.check({ ai: f, name: '无此人', idNum: idNumberFor('1970-01-01') });
    assert.deepEqual(await r.client.query(f), { status: 'failed' });
  });

  it('refuses to reuse an ai while its result exists (2004)', async () => {
    const a = ai();
    await r.client.check({ ai: a, ...adult });
    const e = await rejects(r.client.check({ ai: a, ...adult }));
    assert.equal(e.code, 'NPPA_AI_IN_USE');
    assert.equal(e.errcode, 2004);
    assert.equal(e.retryable, false);
  });

  it('answers 2003 to a query of an ai that was never checked', async () => {
    const e = await rejects(r.client.query(ai()));
    assert.equal(e.code, 'NPPA_AI_NOT_FOUND');
    assert.equal(e.errcode, 2003);
  });
});

describe('in-progress checks', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ pendingMs: 60_000 });
  });
  after(() => r.close());

  it('settles to ok on a query after the delay on the sandbox clock', async () => {
    const p = r.sandbox.registerIdentity({ name: '赵认证中', birthDate: '2000-02-02', outcome: 'pending' });
    const a = ai();
    assert.deepEqual(await r.client.check({ ai: a, name: p.name, idNum: p.idNum }), { status: 'pending' });
    assert.deepEqual(await r.client.query(a), { status: 'pending' });
    r.clock.advanceMs(59_999);
    assert.deepEqual(await r.client.query(a), { status: 'pending' });
    r.clock.advanceMs(1);
    assert.deepEqual(await r.client.query(a), { status: 'ok', pi: p.pi });
  });

  it('settles to failed when the identity says so, with its own delay', async () => {
    const p = r.sandbox.registerIdentity({
      name: '钱失败',
      birthDate: '2001-03-03',
      outcome: 'pending',
      pendingMs: 5_000,
      settlesTo: 'failed',
    });
    const a = ai();
    assert.deepEqual(await r.client.check({ ai: a, name: p.name, idNum: p.idNum }), { status: 'pending' });
    r.clock.advanceMs(5_000);
    assert.deepEqual(await r.client.query(a), { status: 'failed' });
  });

  it('settles at once when the admin says so', async () => {
    const p = r.sandbox.registerIdentity({ name: '孙手动', birthDate: '2002-04-04', outcome: 'pending' });
    const a = ai();
    await r.client.check({ ai: a, name: p.name, idNum: p.idNum });
    assert.equal(r.sandbox.settle(a, 'ok'), true);
    assert.deepEqual(await r.client.query(a), { status: 'ok', pi: p.pi });
    assert.equal(r.sandbox.settle(a, 'failed'), false, 'a settled record cannot settle again');
  });
});

describe('record lifetimes', () => {
  let r: Rig;
  before(async () => {
    r = await rig({ limits: { recordsMax: 3 } });
    r.sandbox.registerIdentity({ name: '周寿命', idNum: idNumberFor('1995-05-05') });
  });
  after(() => r.close());
  const person = { name: '周寿命', idNum: idNumberFor('1995-05-05') };

  it('deletes a result 300 s after a query returned it, and the ai is free again', async () => {
    const a = ai();
    await r.client.check({ ai: a, ...person });
    assert.equal((await r.client.query(a)).status, 'ok');
    r.clock.advanceMs(RESULT_DELETED_AFTER_QUERY_MS - 1);
    assert.equal((await r.client.query(a)).status, 'ok', 'a second query does not restart the countdown');
    r.clock.advanceMs(1);
    assert.equal((await rejects(r.client.query(a))).code, 'NPPA_AI_NOT_FOUND');
    assert.equal((await r.client.check({ ai: a, ...person })).status, 'ok');
  });

  it('forgets a result 48 hours after the check', async () => {
    const a = ai();
    await r.client.check({ ai: a, ...person });
    r.clock.advanceMs(RESULT_QUERYABLE_MS);
    assert.equal((await rejects(r.client.query(a))).code, 'NPPA_AI_NOT_FOUND');
  });

  it('answers 2002 when the record store is full of live records, and makes room as they expire', async () => {
    r.clock.advanceMs(RESULT_QUERYABLE_MS);
    for (let i = 0; i < 3; i++) await r.client.check({ ai: ai(), ...person });
    const e = await rejects(r.client.check({ ai: ai(), ...person }));
    assert.equal(e.code, 'NPPA_CHECK_QUOTA_REACHED');
    assert.equal(e.errcode, 2002);
    assert.equal(r.sandbox.records().length, 3);
    r.clock.advanceMs(RESULT_QUERYABLE_MS);
    assert.equal((await r.client.check({ ai: ai(), ...person })).status, 'ok');
  });
});

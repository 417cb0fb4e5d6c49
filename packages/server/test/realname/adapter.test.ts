// The NPPA adapters against the NPPA sandbox: every documented errcode the identity check can meet
// becomes the answer the accounts domain acts on (verified, pending, failed, not found, or
// unavailable — with whether the check may have arrived and whether only the operator can fix it);
// the reporter's outcomes carry the per-record refusals and NPPA's one-minute block; and the
// breaker in front of the check answers "unavailable" at once while NPPA is down.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { newAi, NppaClient } from '@fairground/nppa';
import { type NppaSandbox, startNppaSandbox } from '@fairground/nppa/sandbox';
import type { RealNameAnswer, RealNameAuthority } from '../../src/accounts/index.ts';
import { guardRealNameAuthority } from '../../src/cluster/index.ts';
import { nppaPlayReporter, nppaRealNameAuthority } from '../../src/nppa/adapter.ts';
import { CircuitBreaker } from '../../src/ops/breaker.ts';

describe('the NPPA adapters against the sandbox', () => {
  let clock: ManualClock;
  let sandbox: NppaSandbox;
  let authority: RealNameAuthority;
  let client: NppaClient;
  let person: { name: string; idNum: string; pi: string };
  before(async () => {
    clock = new ManualClock(Date.UTC(2026, 2, 1, 4, 0, 0));
    sandbox = await startNppaSandbox({ clock, rateLimits: { checkPerSecond: 1000, queryPerSecond: 1000, loginoutPerSecond: 1000 } });
    client = new NppaClient({ appId: sandbox.appId, bizId: sandbox.bizId, secretKey: sandbox.secretKey, baseUrl: sandbox.baseUrl, clock });
    authority = nppaRealNameAuthority(client);
    person = sandbox.registerIdentity({ name: '测试人', birthDate: '1990-01-01' });
  });
  after(() => sandbox.close());

  const check = () => authority.check(newAi(), { realName: person.name, idNumber: person.idNum });
  const shape = (a: RealNameAnswer) =>
    a.status === 'unavailable'
      ? `unavailable:${a.code}:${a.mayHaveArrived ? 'maybe' : 'no'}:${a.operatorFault ? 'operator' : 'nppa'}`
      : a.status;

  it('maps every errcode of the identity check to what the platform does next', async () => {
    const cases: [number, string][] = [
      [1001, 'unavailable:NPPA_SYSTEM_ERROR:maybe:nppa'],
      [1002, 'unavailable:NPPA_RESOURCE_NOT_FOUND:no:operator'],
      [1003, 'unavailable:NPPA_METHOD_NOT_ALLOWED:no:operator'],
      [1004, 'unavailable:NPPA_HEADERS_MISSING:no:operator'],
      [1005, 'unavailable:NPPA_IP_NOT_ALLOWED:no:operator'],
      [1006, 'unavailable:NPPA_RATE_LIMITED:no:nppa'],
      [1007, 'unavailable:NPPA_REQUEST_EXPIRED:no:nppa'],
      [1008, 'unavailable:NPPA_CALLER_INVALID:no:operator'],
      [1009, 'unavailable:NPPA_CALLER_DISABLED:no:operator'],
      [1010, 'unavailable:NPPA_CALLER_NOT_PERMITTED:no:operator'],
      [1011, 'unavailable:NPPA_SIGNATURE_INVALID:no:operator'],
      [1012, 'unavailable:NPPA_BODY_INVALID:no:operator'],
      [2001, 'failed'],
      [2002, 'unavailable:NPPA_CHECK_QUOTA_REACHED:no:operator'],
      [2004, 'pending'],
    ];
    for (const [errcode, expected] of cases) {
      sandbox.faults.inject({ kind: 'errcode', endpoint: 'check', errcode });
      assert.equal(shape(await check()), expected, `errcode ${errcode}`);
    }
    sandbox.faults.inject({ kind: 'http', endpoint: 'check', status: 502 });
    assert.equal(shape(await check()), 'unavailable:NPPA_UPSTREAM_UNAVAILABLE:maybe:nppa');
    sandbox.faults.inject({ kind: 'malformed', endpoint: 'check' });
    assert.equal(shape(await check()), 'unavailable:NPPA_BAD_RESPONSE:maybe:nppa');
    const ok = await check();
    assert.deepEqual(ok, { status: 'verified', pi: person.pi });
    assert.equal((await authority.check(newAi(), { realName: '别人', idNumber: person.idNum })).status, 'failed');
  });

  it('answers a query of an ai NPPA never got as not found, and of a checked one with its result', async () => {
    assert.deepEqual(await authority.query(newAi()), { status: 'not_found' });
    const ai = newAi();
    await authority.check(ai, { realName: person.name, idNumber: person.idNum });
    assert.deepEqual(await authority.query(ai), { status: 'verified', pi: person.pi });
  });

  it('reports records NPPA refused one by one, and the minute NPPA blocks a caller over its rate limit', async () => {
    const reporter = nppaPlayReporter(client, clock);
    const ot = Math.floor(clock.nowMs() / 1000);
    const events = [
      { no: 1, si: 's_one', bt: 1 as const, ot, pi: person.pi },
      { no: 2, si: 's_two', bt: 1 as const, ot, pi: `1${'0'.repeat(37)}` },
    ];
    const partial = await reporter.report(events);
    assert.deepEqual(partial, { delivered: true, accepted: [1], refused: [{ no: 2, code: 'NPPA_REPORT_PI_INVALID', retryable: false }] });
    sandbox.faults.inject({ kind: 'rate-limit', endpoint: 'loginout' });
    const busy = await reporter.report(events.slice(0, 1));
    assert.equal(busy.delivered, false);
    assert.equal(!busy.delivered && busy.retryAfterMs, clock.nowMs() + 60_000);
    sandbox.faults.inject({ kind: 'bad-signature', endpoint: 'loginout' });
    const refused = await reporter.report(events.slice(0, 1));
    assert.equal(!refused.delivered && refused.retryable, false, 'a refused signature is the operator’s to fix');
  });

  it('opens the breaker after NPPA fails to answer five times; while open, checks answer unavailable without calling NPPA', async () => {
    const breaker = new CircuitBreaker({
      name: 'real-name',
      failuresMax: 5,
      windowMs: 30_000,
      openMs: 30_000,
      callTimeoutMs: 5_000,
      clock,
    });
    const guarded = guardRealNameAuthority(authority, breaker);
    sandbox.faults.inject({ kind: 'http', endpoint: 'check', status: 503, count: 5 });
    for (let i = 0; i < 5; i++)
      assert.equal((await guarded.check(newAi(), { realName: person.name, idNumber: person.idNum })).status, 'unavailable');
    assert.equal(breaker.state, 'open');
    const calls = sandbox.requestLog().length;
    const answer = await guarded.check(newAi(), { realName: person.name, idNumber: person.idNum });
    assert.equal(shape(answer), 'unavailable:KYC_PROVIDER_UNAVAILABLE:no:nppa');
    assert.equal(sandbox.requestLog().length, calls, 'NPPA was not called');
    clock.advanceMs(30_000);
    assert.equal(
      (await guarded.check(newAi(), { realName: person.name, idNumber: person.idNum })).status,
      'verified',
      'the trial call closes it',
    );
    assert.equal(breaker.state, 'closed');
    // An operator's fault (a refused signature) is not NPPA being down: it does not open the breaker.
    sandbox.faults.inject({ kind: 'bad-signature', endpoint: 'check', count: 6 });
    for (let i = 0; i < 6; i++) await guarded.check(newAi(), { realName: person.name, idNumber: person.idNum });
    assert.equal(breaker.state, 'closed');
  });
});

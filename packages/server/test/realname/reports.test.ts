// Play reports through the NPPA adapter against the NPPA sandbox, on SQLite and PostgreSQL: a
// verified player's login and logout arrive once each with their pi (never ct=2, never an
// unverified player); while NPPA is down reports wait and arrive when it returns inside its
// 180-second window, and those that waited longer are kept as expired; records NPPA refuses one
// by one are sent again when the refusal is transient and parked when it is not; an operator's
// retry puts parked ones back; a rate limit makes the queue wait NPPA's minute.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { RealNamePresence } from '../../src/compliance/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { TestPlatform } from '../helpers/platform.ts';
import { type NppaTest, startNppaTest } from './helpers.ts';

type Json = Record<string, unknown>;

let people = 0;
/** A signed-in player the NPPA verified, and their identity at the sandbox. */
async function verifiedPlayer(n: NppaTest, handle: string) {
  people += 1;
  const person = n.sandbox.registerIdentity({
    name: `测试${'甲乙丙丁戊己庚辛壬癸'[people % 10]}${'子丑寅卯'[people % 4]}`,
    birthDate: `19${70 + (people % 20)}-01-0${1 + (people % 9)}`,
  });
  const p = await n.t.readyPlayer(handle);
  const r = await n.t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: person.name, idNumber: person.idNum } });
  assert.equal(r.json.status, 'verified', r.text);
  return { ...p, person };
}

for (const backend of backends()) {
  describe(`play reports to the NPPA on ${backend.name}`, () => {
    let n: NppaTest;
    let t: TestPlatform;
    let realName: RealNamePresence;
    before(async () => {
      n = await startNppaTest(backend);
      t = n.t;
      assert.ok(t.platform.realName);
      realName = t.platform.realName;
    });
    after(() => n.close());

    const states = async (playerId: string) => (await realName.list({ playerId })).map((r) => r.state).reverse();
    /** One pass of the report job, as the worker runs it (sweep, then flush). */
    const reportPass = async () => (await t.platform.jobs.runAll())['realname.report'];

    it("reports a verified player's login and logout once each with their pi; an unverified player is not reported", async () => {
      n.sandbox.clearReports();
      const guest = await t.readyPlayer('rpnobody');
      await t.request('GET', '/api/me', { token: guest.token });
      const p = await verifiedPlayer(n, 'rpone');
      await t.request('GET', '/api/me', { token: p.token });
      await t.request('GET', '/api/me', { token: p.token });
      await reportPass();
      n.clock.advanceMs(3_000);
      assert.equal((await t.request('POST', '/api/auth/logout', { token: p.token })).status, 200);
      await reportPass();
      const view = n.sandbox.reports();
      assert.deepEqual(
        {
          accepted: view.stats.accepted,
          logins: view.stats.logins,
          logouts: view.stats.logouts,
          duplicates: view.stats.duplicates,
          guests: view.stats.guests,
        },
        { accepted: 2, logins: 1, logouts: 1, duplicates: 0, guests: 0 },
      );
      for (const rec of view.recent) {
        assert.equal(rec.pi, p.person.pi);
        assert.equal(rec.ct, 0, 'never a guest');
      }
      const [login, logout] = [view.recent.find((r) => r.bt === 1), view.recent.find((r) => r.bt === 0)];
      assert.equal(login?.si, logout?.si, 'one session id for the login and its logout');
      assert.equal((logout?.ot ?? 0) - (login?.ot ?? 0), 3);
      assert.deepEqual(await states(p.playerId), ['sent', 'sent']);
      assert.deepEqual(await realName.list({ playerId: guest.playerId }), []);
    });

    it('keeps reports while NPPA answers 503 and sends them when it returns; a report that waited past the 180-second window is kept as expired, unaltered', async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'rpdown');
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'loginout', status: 503, count: 2 });
      await t.request('GET', '/api/me', { token: p.token });
      const loginMs = n.clock.nowMs();
      assert.equal(await reportPass(), 0);
      n.clock.advanceMs(10_000);
      assert.equal(await reportPass(), 0);
      const [waiting] = await realName.list({ playerId: p.playerId });
      assert.equal(waiting?.state, 'pending');
      assert.equal(waiting?.attempts, 2);
      assert.match(String(waiting?.lastError), /NPPA_UPSTREAM_UNAVAILABLE/);
      n.clock.advanceMs(10_000);
      assert.equal(await reportPass(), 1);
      assert.equal(n.sandbox.reports().stats.logins, 1);
      assert.equal(n.sandbox.reports().recent[0]?.ot, Math.floor(loginMs / 1000), 'the time it happened, not the time it was sent');

      // A longer outage: the logout waits, and past NPPA's window it can no longer be delivered.
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'loginout', status: 503, count: 100 });
      await t.request('POST', '/api/auth/logout', { token: p.token });
      for (let i = 0; i < 18; i++) {
        n.clock.advanceMs(10_000);
        await reportPass();
      }
      n.sandbox.faults.clear();
      n.clock.advanceMs(10_000);
      await reportPass();
      const [logout] = await realName.list({ playerId: p.playerId });
      assert.equal(logout?.state, 'expired');
      assert.match(String(logout?.lastError), /180 s/);
      assert.equal(n.sandbox.reports().stats.logouts, 0, 'NPPA never took it');
      const counts = (
        await t.request('GET', '/api/admin/realname/reports?state=expired', {
          token: await t.loginOperator(await t.createOperator(['risk'])),
        })
      ).json;
      assert.ok(((counts.counts as Json).expired as number) >= 1);
    });

    it('sends again the records NPPA refused for a transient reason, parks the ones it refused for good, and an operator retry puts them back', async () => {
      n.sandbox.clearReports();
      const a = await verifiedPlayer(n, 'rppartial1');
      const b = await verifiedPlayer(n, 'rppartial2');
      await t.request('GET', '/api/me', { token: a.token });
      await t.request('GET', '/api/me', { token: b.token });
      // NPPA forgets b's pi (3010 for b's record), and refuses a's record once with a per-record 1001.
      n.sandbox.removeIdentity(b.person.idNum);
      n.sandbox.faults.inject({ kind: 'partial-failure', endpoint: 'loginout', records: 1 });
      await reportPass();
      assert.deepEqual(await states(a.playerId), ['pending']);
      assert.deepEqual(await states(b.playerId), ['parked']);
      const [parked] = await realName.list({ playerId: b.playerId });
      assert.equal(parked?.lastError, 'NPPA_REPORT_PI_INVALID');
      n.clock.advanceMs(10_000);
      await reportPass();
      assert.deepEqual(await states(a.playerId), ['sent'], 'the transient refusal was sent again');
      assert.deepEqual(await states(b.playerId), ['parked'], 'parked reports wait for an operator');

      const risk = await t.loginOperator(await t.createOperator(['risk']));
      const support = await t.loginOperator(await t.createOperator(['support']));
      const list = await t.request('GET', '/api/admin/realname/reports?state=parked', { token: support });
      assert.ok((list.json.items as Json[]).some((i) => i.id === parked?.id));
      const before = await t.snapshot();
      for (const body of [
        { ids: [], reason: 'retry' },
        { ids: [parked?.id] },
        { ids: ['bad id!'], reason: 'retry' },
        { ids: [parked?.id], reason: 'retry', all: true },
      ]) {
        const bad = await t.request('POST', '/api/admin/realname/reports/retry', { token: risk, body });
        assert.equal(bad.json.code, 'VALIDATION_FAILED', JSON.stringify(body));
      }
      const notAllowed = await t.request('POST', '/api/admin/realname/reports/retry', {
        token: support,
        body: { ids: [parked?.id], reason: 'retry' },
      });
      assert.equal(notAllowed.json.code, 'AUTH_ROLE_MISSING');
      assert.deepEqual(await t.snapshot(), before);
      assert.deepEqual(await states(b.playerId), ['parked']);

      n.sandbox.registerIdentity({ name: b.person.name, idNum: b.person.idNum });
      const retry = await t.request('POST', '/api/admin/realname/reports/retry', {
        token: risk,
        body: { ids: [parked?.id, 'rn_unknown'], reason: 'NPPA knows the person again' },
      });
      assert.equal(retry.status, 200, retry.text);
      assert.deepEqual(retry.json, { requeued: [parked?.id], tooOld: [], notParked: ['rn_unknown'] });
      await reportPass();
      assert.deepEqual(await states(b.playerId), ['sent']);
      assert.equal(n.sandbox.reports().stats.duplicates, 0);
      assert.equal((await t.platform.audit.list({ action: 'realname.retry_reports' })).items.length, 1);
    });

    it('reports a session that went quiet offline as of its last request plus ten minutes, and its return as a new login and logout pair', async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'rpidle');
      await t.request('GET', '/api/me', { token: p.token });
      const lastMs = n.clock.nowMs();
      await reportPass();
      n.clock.advanceMs(10 * 60_000 + 5_000);
      await reportPass();
      const fresh = await t.loginPlayer('rpidle');
      await t.request('GET', '/api/me', { token: fresh.token });
      await reportPass();
      assert.equal((await t.request('GET', '/api/me', { token: p.token })).status, 200, 'the first session is still signed in');
      await reportPass();
      // Other tests' sessions went quiet too: only this player's records count here.
      const recent = n.sandbox.reports().recent.filter((r) => r.pi === p.person.pi);
      const [login1, logout1, ...later] = recent;
      assert.deepEqual([login1?.bt, logout1?.bt], [1, 0]);
      assert.equal(login1?.si, logout1?.si);
      assert.equal(logout1?.ot, Math.floor((lastMs + 10 * 60_000) / 1000), 'offline as of its last request plus the idle time');
      assert.deepEqual(
        later.map((r) => r.bt),
        [1, 1],
        'the new session, and the first session back: each a new login',
      );
      const sis = new Set(recent.map((r) => r.si));
      assert.equal(sis.size, 3, 'a new si for every online stretch');
      assert.equal(n.sandbox.reports().stats.duplicates, 0);
    });

    it("waits out NPPA's one-minute block after a rate limit (1006), then sends", async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'rpbusy');
      n.sandbox.faults.inject({ kind: 'rate-limit', endpoint: 'loginout' });
      await t.request('GET', '/api/me', { token: p.token });
      await reportPass();
      const [r] = await realName.list({ playerId: p.playerId });
      assert.match(String(r?.lastError), /NPPA_RATE_LIMITED/);
      assert.equal(r?.nextAttemptAtMs, n.clock.nowMs() + 60_000);
      const calls = n.sandbox.requestLog().filter((e) => e.endpoint === 'loginout').length;
      for (let i = 0; i < 5; i++) {
        n.clock.advanceMs(10_000);
        await reportPass();
      }
      assert.equal(n.sandbox.requestLog().filter((e) => e.endpoint === 'loginout').length, calls, 'nothing sent during the block');
      n.clock.advanceMs(10_000);
      await reportPass();
      assert.deepEqual(await states(p.playerId), ['sent']);
    });
  });
}

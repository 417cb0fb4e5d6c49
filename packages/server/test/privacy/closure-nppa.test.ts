// Account closure and the NPPA's behaviour reports, against the NPPA sandbox on a manual clock,
// on SQLite and PostgreSQL: a verified player online on two devices closes the account, and the
// authority hears a logout (bt 0) for each session it heard log in — at the moment of closing,
// with the player's pi and the login's si, not after the idle time; a player whose only request is
// the closing one leaves no login open; the logouts wait in the outbox when the authority is down and arrive
// when it returns.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { type NppaTest, startNppaTest } from '../realname/helpers.ts';

let people = 0;
async function verifiedPlayer(n: NppaTest, handle: string) {
  people += 1;
  const person = n.sandbox.registerIdentity({
    name: `注销${'甲乙丙丁戊己庚辛壬癸'[people % 10]}${'子丑寅卯'[people % 4]}`,
    birthDate: `198${people % 10}-02-0${1 + (people % 9)}`,
  });
  const p = await n.t.readyPlayer(handle);
  const r = await n.t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: person.name, idNumber: person.idNum } });
  assert.equal(r.json.status, 'verified', r.text);
  return { ...p, person };
}

for (const backend of backends()) {
  describe(`account closure reports the logout to the NPPA on ${backend.name}`, () => {
    let n: NppaTest;
    before(async () => {
      n = await startNppaTest(backend);
    });
    after(() => n.close());
    const reportPass = async () => (await n.t.platform.jobs.runAll())['realname.report'];

    it('each session online when the account closes is reported logged out then, with its login’s si and the pi', async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'closenppa1');
      const second = await n.t.loginPlayer('closenppa1');
      await n.t.request('GET', '/api/me', { token: p.token });
      await n.t.request('GET', '/api/me', { token: second.token });
      await reportPass();
      assert.equal(n.sandbox.reports().stats.logins, 2);
      n.clock.advanceMs(7_000);
      const closedAtS = Math.floor(n.clock.nowMs() / 1000);
      const r = await n.t.request('POST', '/api/me/account/close', { token: p.token, body: { confirm: true } });
      assert.equal(r.status, 200, r.text);
      await reportPass();
      const view = n.sandbox.reports();
      assert.equal(view.stats.logouts, 2);
      const logins = view.recent.filter((x) => x.bt === 1);
      const logouts = view.recent.filter((x) => x.bt === 0);
      assert.deepEqual(logouts.map((x) => x.si).sort(), logins.map((x) => x.si).sort(), 'one logout for each login');
      for (const x of logouts) {
        assert.equal(x.pi, p.person.pi);
        assert.equal(x.ot, closedAtS, 'reported at the closing, not after the idle time');
      }
      // Nothing more later: the idle sweep finds no session of the closed account.
      n.clock.advanceMs(3_600_000);
      await reportPass();
      assert.equal(n.sandbox.reports().stats.logouts, 2);
    });

    it('a player whose only request is the closing one leaves no login open at the NPPA', async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'closenppa2');
      n.clock.advanceMs(1_000);
      const r = await n.t.request('POST', '/api/me/account/close', { token: p.token, body: { confirm: true } });
      assert.equal(r.status, 200, r.text);
      await reportPass();
      const view = n.sandbox.reports();
      assert.deepEqual([view.stats.logins, view.stats.logouts], [1, 1], 'the closing request went online, and closing took it offline');
      assert.equal(view.recent.find((x) => x.bt === 0)?.si, view.recent.find((x) => x.bt === 1)?.si);
    });

    it('while the NPPA is down the closing logout waits in the outbox, and arrives when it returns', async () => {
      n.sandbox.clearReports();
      const p = await verifiedPlayer(n, 'closenppa3');
      await n.t.request('GET', '/api/me', { token: p.token });
      await reportPass();
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'loginout', status: 503, count: 1 });
      assert.equal((await n.t.request('POST', '/api/me/account/close', { token: p.token, body: { confirm: true } })).status, 200);
      assert.equal(await reportPass(), 0);
      n.clock.advanceMs(10_000);
      assert.equal(await reportPass(), 1);
      assert.equal(n.sandbox.reports().stats.logouts, 1);
    });
  });
}

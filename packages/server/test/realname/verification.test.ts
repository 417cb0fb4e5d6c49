// Real-name verification through the NPPA adapter against the NPPA sandbox, on SQLite and
// PostgreSQL: verified at submission with the pi and birth date sealed at rest; a mismatch; an
// in-progress check settled by the `realname.verify` job's query; an NPPA outage during submission
// (pending with a clear reason, resolved by query later, the check sent again under the same ai
// only when it never arrived); a lost answer (no second check); the operator's wrong secret key;
// expiry; bad input that changes nothing and reaches no NPPA; and the console's view.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { OPERATOR_ROLES } from '../../src/accounts/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { TestPlatform } from '../helpers/platform.ts';
import { type NppaTest, startNppaTest } from './helpers.ts';

type Json = Record<string, unknown>;

async function attemptCount(t: TestPlatform): Promise<number> {
  const rows = await t.store.reader.query<{ n: unknown }>('SELECT COUNT(*) AS n FROM player_kyc_attempts');
  return Number(rows[0]?.n ?? 0);
}

/** The identity checks and queries the sandbox saw since `from`, as `endpoint:errcode` (play reports left out). */
function requestsSince(n: NppaTest, from: number): string[] {
  return n.sandbox
    .requestLog()
    .slice(from)
    .filter((r) => r.endpoint === 'check' || r.endpoint === 'query')
    .map((r) => `${r.endpoint}:${r.errcode ?? r.httpStatus}`);
}

for (const backend of backends()) {
  describe(`real-name verification through the NPPA on ${backend.name}`, () => {
    let n: NppaTest;
    let t: TestPlatform;
    before(async () => {
      n = await startNppaTest(backend);
      t = n.t;
    });
    after(() => n.close());

    it('verifies an adult at submission: status masked, the pi and the birth date sealed at rest, the age read from the number', async () => {
      const person = n.sandbox.registerIdentity({ name: '王小明', birthDate: '1990-03-07' });
      const p = await t.readyPlayer('nppaadult');
      const from = n.sandbox.requestLog().length;
      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '王小明', idNumber: person.idNum } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'verified');
      assert.equal(r.json.verifiedBy, 'nppa');
      assert.equal(r.json.maskedName, '王**');
      assert.equal(r.json.maskedIdNumber, `${person.idNum.slice(0, 3)}${'*'.repeat(11)}${person.idNum.slice(14)}`);
      assert.deepEqual(requestsSince(n, from), ['check:0'], 'one identity check, answered at once');
      const identity = await t.platform.accounts.kyc.identityOf(p.playerId);
      assert.equal(identity?.pi, person.pi, "the NPPA's pi of the person");
      assert.equal(identity?.birthDate, '1990-03-07');
      const stored = JSON.stringify([
        ...(await t.store.reader.query('SELECT * FROM player_kyc WHERE player_id = ?', [p.playerId])),
        ...(await t.store.reader.query('SELECT * FROM player_kyc_attempts WHERE player_id = ?', [p.playerId])),
      ]);
      for (const secret of ['王小明', person.idNum, person.pi, '1990-03-07', '19900307'])
        assert.ok(!stored.includes(secret), `${secret} is not stored in clear`);
      const facts = await t.platform.compliance.policyFor(p.playerId);
      assert.equal(facts.identity.birthDate, '1990-03-07');
      const again = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '王小明', idNumber: person.idNum } });
      assert.equal(again.json.code, 'KYC_ALREADY_VERIFIED');
    });

    it('answers a mismatch with KYC_REJECTED and shows the failure; a corrected submission verifies', async () => {
      const person = n.sandbox.registerIdentity({ name: '李四', birthDate: '1985-11-12' });
      const p = await t.readyPlayer('nppamismatch');
      const wrong = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '李五', idNumber: person.idNum } });
      assert.equal(wrong.status, 422, wrong.text);
      assert.equal(wrong.json.code, 'KYC_REJECTED');
      const status = (await t.request('GET', '/api/me/kyc', { token: p.token })).json;
      assert.equal(status.status, 'failed');
      assert.equal((status.failure as Json).reason, 'not_matched');
      assert.equal(status.maskedName, '李*');
      assert.equal(await t.platform.accounts.kyc.identityOf(p.playerId), null);
      const right = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '李四', idNumber: person.idNum } });
      assert.equal(right.json.status, 'verified', right.text);
    });

    it('leaves the player pending while NPPA checks, and the job settles it by query once NPPA has', async () => {
      const person = n.sandbox.registerIdentity({ name: '赵六', birthDate: '1992-02-02', outcome: 'pending', pendingMs: 60_000 });
      const p = await t.readyPlayer('nppapending');
      const submittedMs = n.clock.nowMs();
      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '赵六', idNumber: person.idNum } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'pending');
      assert.deepEqual(r.json.pending, { submittedAtMs: submittedMs, reason: 'in_progress', nextCheckAtMs: submittedMs + 15_000 });
      // Pending is not verified: every real-name rule still refuses.
      assert.equal((await t.platform.compliance.policyFor(p.playerId)).identity.pending, true);
      n.clock.advanceMs(15_000);
      await t.platform.jobs.runAll();
      assert.equal((await t.request('GET', '/api/me/kyc', { token: p.token })).json.status, 'pending', 'NPPA still checking');
      n.clock.advanceMs(60_000);
      await t.platform.jobs.runAll();
      const done = (await t.request('GET', '/api/me/kyc', { token: p.token })).json;
      assert.equal(done.status, 'verified');
      assert.equal((await t.platform.accounts.kyc.identityOf(p.playerId))?.pi, person.pi);
    });

    it('keeps a submission made while NPPA is down (HTTP 503): pending with the reason; the job finds the check never arrived, sends it again under the same ai, and verifies', async () => {
      const person = n.sandbox.registerIdentity({ name: '孙七', birthDate: '1988-08-08' });
      const p = await t.readyPlayer('nppaoutage');
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'check', status: 503, count: 1 });
      const from = n.sandbox.requestLog().length;
      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '孙七', idNumber: person.idNum } });
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.status, 'pending');
      assert.equal((r.json.pending as Json).reason, 'unavailable', 'the page tells the player NPPA is not answering');
      const [attempt] = await t.platform.accounts.kyc.attempts(p.playerId);
      assert.match(String(attempt?.lastError), /NPPA_UPSTREAM_UNAVAILABLE/);
      n.clock.advanceMs(30_000);
      await t.platform.jobs.runAll();
      assert.deepEqual(requestsSince(n, from), ['check:503', 'query:2003', 'check:0']);
      assert.equal((await t.request('GET', '/api/me/kyc', { token: p.token })).json.status, 'verified');
      const ais = n.sandbox
        .records()
        .filter((rec) => rec.idNum === person.idNum)
        .map((rec) => rec.ai);
      assert.deepEqual(ais, [attempt?.attemptId], 'the same ai both times');
    });

    it('stops a settling pass at the first query NPPA does not answer; the rest wait for their own back-off', async () => {
      const people = ['蒋一', '蒋二'].map((name, i) => n.sandbox.registerIdentity({ name, birthDate: `198${i}-03-03` }));
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'check', status: 503, count: 2 });
      const players = [];
      for (const [i, person] of people.entries()) {
        const p = await t.readyPlayer(`nppapass${i}`);
        assert.equal(
          (await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: person.name, idNumber: person.idNum } })).json.status,
          'pending',
        );
        players.push(p);
      }
      n.clock.advanceMs(30_000);
      n.sandbox.faults.inject({ kind: 'http', endpoint: 'query', status: 503, count: 1 });
      const from = n.sandbox.requestLog().length;
      assert.equal(await t.platform.accounts.kyc.settleDue(), 1, 'one query, unanswered: the pass ends');
      assert.deepEqual(requestsSince(n, from), ['query:503']);
      await t.platform.accounts.kyc.settleDue();
      n.clock.advanceMs(30_000);
      await t.platform.accounts.kyc.settleDue();
      for (const p of players) assert.equal((await t.platform.accounts.kyc.status(p.playerId)).status, 'verified');
    });

    it('after a lost answer (the check arrived, the answer said 1001) queries and verifies without checking twice', async () => {
      const person = n.sandbox.registerIdentity({ name: '周八', birthDate: '1979-09-09' });
      const p = await t.readyPlayer('nppalost');
      n.sandbox.faults.inject({ kind: 'errcode', endpoint: 'check', errcode: 1001, timing: 'after', count: 1 });
      const from = n.sandbox.requestLog().length;
      const r = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '周八', idNumber: person.idNum } });
      assert.equal(r.json.status, 'pending', r.text);
      n.clock.advanceMs(30_000);
      await t.platform.jobs.runAll();
      assert.deepEqual(requestsSince(n, from), ['check:1001', 'query:0']);
      assert.equal((await t.request('GET', '/api/me/kyc', { token: p.token })).json.status, 'verified');
    });

    it('refuses bad input before anything is stored or sent to NPPA', async () => {
      const person = n.sandbox.registerIdentity({ name: '吴九', birthDate: '1995-01-01' });
      const p = await t.readyPlayer('nppabad');
      const before = { snap: await t.snapshot(), attempts: await attemptCount(t), nppa: n.sandbox.requestLog().length };
      const bad: [unknown, string][] = [
        [{ realName: '吴九', idNumber: `${person.idNum.slice(0, 17)}${person.idNum[17] === '0' ? '1' : '0'}` }, 'KYC_ID_NUMBER_INVALID'],
        [{ realName: '吴9', idNumber: person.idNum }, 'KYC_NAME_INVALID'],
        [{ realName: '吴九', idNumber: '1234' }, 'VALIDATION_FAILED'],
        [{ realName: '吴九' }, 'VALIDATION_FAILED'],
        [{ realName: '吴九', idNumber: person.idNum, extra: 1 }, 'VALIDATION_FAILED'],
        [{ realName: 42, idNumber: person.idNum }, 'VALIDATION_FAILED'],
      ];
      for (const [body, code] of bad) {
        const r = await t.request('POST', '/api/me/kyc', { token: p.token, body });
        assert.equal(r.json.code, code, JSON.stringify(body));
      }
      const raw = await t.request('POST', '/api/me/kyc', { token: p.token, raw: '{"realName":"吴九",', contentType: 'application/json' });
      assert.equal(raw.json.code, 'BODY_MALFORMED');
      assert.deepEqual(await t.snapshot(), before.snap);
      assert.equal(await attemptCount(t), before.attempts);
      assert.equal(n.sandbox.requestLog().length, before.nppa, 'nothing reached NPPA');
    });

    it('refuses a second submission while one waits, and a sixth in a day, storing nothing', async () => {
      const waiting = n.sandbox.registerIdentity({ name: '郑十', birthDate: '1991-01-01', outcome: 'pending', pendingMs: 600_000 });
      const p = await t.readyPlayer('nppatwice');
      assert.equal(
        (await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '郑十', idNumber: waiting.idNum } })).json.status,
        'pending',
      );
      const count = await attemptCount(t);
      const second = await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '郑十', idNumber: waiting.idNum } });
      assert.equal(second.status, 409);
      assert.equal(second.json.code, 'KYC_PENDING');
      assert.equal(await attemptCount(t), count);

      const q = await t.readyPlayer('nppamany');
      const stranger = n.sandbox.registerIdentity({ name: '钱一', birthDate: '1990-10-10' });
      for (let i = 0; i < 5; i++) {
        const r = await t.request('POST', '/api/me/kyc', {
          token: q.token,
          body: { realName: `钱${'二三四五六'[i]}`, idNumber: stranger.idNum },
        });
        assert.equal(r.json.code, 'KYC_REJECTED', r.text);
      }
      const before = { attempts: await attemptCount(t), nppa: n.sandbox.requestLog().length };
      const sixth = await t.request('POST', '/api/me/kyc', { token: q.token, body: { realName: '钱一', idNumber: stranger.idNum } });
      assert.equal(sixth.status, 429);
      assert.equal(sixth.json.code, 'KYC_ATTEMPTS_EXCEEDED');
      assert.equal(await attemptCount(t), before.attempts);
      assert.equal(n.sandbox.requestLog().length, before.nppa);
    });

    it('gives up an attempt NPPA never settles after 49 hours; the player may submit again', async () => {
      const person = n.sandbox.registerIdentity({ name: '冯二', birthDate: '1993-03-03', outcome: 'pending', pendingMs: 7 * 86_400_000 });
      const p = await t.readyPlayer('nppaexpire');
      await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '冯二', idNumber: person.idNum } });
      n.clock.advanceMs(49 * 3_600_000 + 60_000);
      await t.platform.accounts.kyc.settleDue();
      const later = await t.loginPlayer('nppaexpire');
      const s = (await t.request('GET', '/api/me/kyc', { token: later.token })).json;
      assert.equal(s.status, 'failed');
      assert.equal((s.failure as Json).reason, 'expired');
      n.sandbox.removeIdentity(person.idNum);
      const again = n.sandbox.registerIdentity({ name: '冯二', idNum: person.idNum });
      assert.equal(
        (await t.request('POST', '/api/me/kyc', { token: later.token, body: { realName: '冯二', idNumber: again.idNum } })).json.status,
        'verified',
      );
    });

    it('shows the console a player’s attempts and what waits for NPPA, and lets support query now (audited); bad input changes nothing', async () => {
      const person = n.sandbox.registerIdentity({ name: '陈三', birthDate: '1987-07-07', outcome: 'pending', pendingMs: 20_000 });
      const p = await t.readyPlayer('nppaconsole');
      await t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '陈三', idNumber: person.idNum } });
      const support = await t.loginOperator(await t.createOperator(['support']));
      const waiting = await t.request('GET', '/api/admin/realname/verifications', { token: support });
      assert.equal(waiting.status, 200, waiting.text);
      const mine = (waiting.json.items as Json[]).find((i) => i.playerId === p.playerId);
      assert.equal(mine?.state, 'pending');
      assert.equal(mine?.maskedName, '陈*');
      assert.ok(!waiting.text.includes(person.idNum) && !waiting.text.includes('陈三'), 'masked only');
      const view = await t.request('GET', `/api/admin/players/${p.playerId}/realname`, { token: support });
      assert.equal((view.json.kyc as Json).status, 'pending');
      assert.equal((view.json.attempts as Json[]).length, 1);

      const before = await t.snapshot();
      for (const body of [{}, { reason: 'x' }, { reason: 'checking now', extra: true }]) {
        const bad = await t.request('POST', `/api/admin/players/${p.playerId}/realname/query`, { token: support, body });
        assert.equal(bad.json.code, 'VALIDATION_FAILED', JSON.stringify(body));
      }
      const badId = await t.request('GET', '/api/admin/players/not%20an%20id/realname', { token: support });
      assert.equal(badId.json.code, 'VALIDATION_FAILED');
      assert.deepEqual(await t.snapshot(), before);

      n.clock.advanceMs(20_000);
      const q = await t.request('POST', `/api/admin/players/${p.playerId}/realname/query`, {
        token: support,
        body: { reason: 'player asked on the phone' },
      });
      assert.equal(q.status, 200, q.text);
      assert.equal((q.json.kyc as Json).status, 'verified');
      const audit = await t.platform.audit.list({ action: 'realname.query' });
      assert.equal(audit.items[0]?.targetId, p.playerId);

      const finance = await t.loginOperator(await t.createOperator(['finance']));
      const refused = await t.request('POST', `/api/admin/players/${p.playerId}/realname/query`, {
        token: finance,
        body: { reason: 'not my job' },
      });
      assert.equal(refused.json.code, 'AUTH_ROLE_MISSING');
      const detail = await t.request('GET', `/api/admin/players/${p.playerId}`, {
        token: await t.loginOperator(await t.createOperator(OPERATOR_ROLES)),
      });
      assert.equal((detail.json.kyc as Json).verifiedBy, 'nppa');
    });
  });

  describe(`real-name verification with the operator's wrong secret key on ${backend.name}`, () => {
    let n: NppaTest;
    before(async () => {
      n = await startNppaTest(backend, { wrongSecretKey: '0123456789abcdef0123456789abcdef' });
    });
    after(() => n.close());

    it('keeps the submission pending (NPPA answers 1011) and shows the operator why', async () => {
      const person = n.sandbox.registerIdentity({ name: '褚四', birthDate: '1990-04-04' });
      const p = await n.t.readyPlayer('nppawrongkey');
      const r = await n.t.request('POST', '/api/me/kyc', { token: p.token, body: { realName: '褚四', idNumber: person.idNum } });
      assert.equal(r.json.status, 'pending', r.text);
      assert.equal((r.json.pending as Json).reason, 'unavailable');
      const [attempt] = await n.t.platform.accounts.kyc.attempts(p.playerId);
      assert.match(String(attempt?.lastError), /NPPA_SIGNATURE_INVALID/);
      assert.equal(n.sandbox.requestLog().at(-1)?.errcode, 1011);
    });
  });
}

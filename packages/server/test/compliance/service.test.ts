// The compliance service on SQLite and PostgreSQL: policy selection from identity and region,
// every money and play route refused when the applicable policy says so (with no money moved),
// the monthly cap across a month boundary from real ledger deposits, the player's own deposit
// limits and self-exclusion, breaks, operators' overrides, and real-name behaviour reporting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { TestPlatform } from '../helpers/platform.ts';
import { bj, startComplianceTest, verify } from './helpers.ts';
import type { ManualClock } from '@fairground/core';
import type { SandboxRealNameReporter } from '../../src/standins/play-reporting.ts';
import { OPERATOR_ROLES } from '../../src/accounts/index.ts';
import { PAID_SKILL_ACTIONS } from '../../src/compliance/index.ts';

interface Tagged {
  readonly method: string;
  readonly path: string;
  readonly action: string;
  readonly auth: string;
  readonly example: { params?: Record<string, string>; query?: Record<string, unknown>; body?: unknown };
}

async function taggedRoutes(t: TestPlatform): Promise<Tagged[]> {
  const doc = (await t.request('GET', '/openapi.json')).json as { paths: Record<string, Record<string, Record<string, unknown>>> };
  const out: Tagged[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      if (op['x-fairground-kind'] === undefined) continue;
      out.push({
        method: method.toUpperCase(),
        path,
        action: op['x-fairground-action'] as string,
        auth: op['x-fairground-auth'] as string,
        example: op['x-fairground-example'] as Tagged['example'],
      });
    }
  }
  return out;
}

async function callExample(t: TestPlatform, op: Tagged, token: string, playerId: string) {
  let url = op.path;
  for (const [k, v] of Object.entries(op.example.params ?? {}))
    url = url.replace(`{${k}}`, encodeURIComponent(v === 'p_example' ? playerId : v));
  const qs = new URLSearchParams(Object.entries(op.example.query ?? {}).map(([k, v]) => [k, String(v)]));
  if ([...qs].length > 0) url += `?${qs}`;
  return t.request(op.method, url, { token, ...(op.example.body !== undefined ? { body: op.example.body } : {}) });
}

async function deposit(t: TestPlatform, playerId: string, amount: number, key: string): Promise<void> {
  await t.platform.ledger.submit({
    scope: 'test.deposit',
    key,
    debit: systemAccount('provider_clearing', 'CNY'),
    credit: playerAccount(playerId, 'CNY'),
    asset: 'CNY',
    amount,
    code: 'deposit',
  });
}

for (const backend of backends()) {
  describe(`compliance service on ${backend.name}`, () => {
    let t: TestPlatform;
    let clock: ManualClock;
    let reporter: SandboxRealNameReporter;
    before(async () => {
      ({ t, clock, reporter } = await startComplianceTest(backend, {
        defaultPolicy: 'development',
        policies: ['cn-mainland', 'sample-paid-skill'],
        // The test requests come from loopback: the operator maps it to mainland China.
        geoOverrides: [{ cidr: '127.0.0.0/8', region: 'CN' }],
      }));
    });
    after(() => t.close());

    it('picks the policy from the region of the address, then from the verified identity, and an override beats both', async () => {
      const p = await t.readyPlayer('geo1');
      await t.request('GET', '/api/me', { token: p.token });
      let sel = await t.platform.compliance.policyFor(p.playerId);
      assert.equal(sel.policy.name, 'cn-mainland');
      assert.equal(sel.basis, 'region');
      assert.deepEqual(sel.region, { country: 'CN', subdivision: null, source: 'override' });
      // A public US address from the packaged database: the sample paid-skill policy.
      t.platform.compliance.noteAddress(p.playerId, '8.8.8.8');
      sel = await t.platform.compliance.policyFor(p.playerId);
      assert.equal(sel.policy.name, 'sample-paid-skill');
      assert.equal(sel.region?.source, 'database');
      // A verified PRC identity: the China policy covers its residents wherever they connect from.
      await verify(t, p.token, '1990-01-01');
      t.platform.compliance.noteAddress(p.playerId, '8.8.8.8');
      sel = await t.platform.compliance.policyFor(p.playerId);
      assert.equal(sel.policy.name, 'cn-mainland');
      assert.equal(sel.basis, 'identity');
      // An address nobody knows (TEST-NET) and no identity: the default policy.
      const q = await t.readyPlayer('geo2');
      t.platform.compliance.noteAddress(q.playerId, '203.0.113.5');
      assert.equal((await t.platform.compliance.policyFor(q.playerId)).basis, 'default');

      const op = await t.loginOperator(await t.createOperator(['risk']));
      const set = await t.request('PUT', `/api/admin/players/${p.playerId}/jurisdiction`, {
        token: op,
        body: { jurisdiction: 'US', reason: 'player lives in Texas, verified by support' },
      });
      assert.equal(set.status, 200, set.text);
      assert.deepEqual(set.json, { policy: { name: 'sample-paid-skill', version: 1, jurisdiction: 'US' }, basis: 'override' });
      const unknown = await t.request('PUT', `/api/admin/players/${p.playerId}/jurisdiction`, {
        token: op,
        body: { jurisdiction: 'XX', reason: 'typo test' },
      });
      assert.equal(unknown.status, 404);
      assert.equal(unknown.json.code, 'JURISDICTION_UNKNOWN');
      const audit = await t.platform.audit.list({ action: 'compliance.set_jurisdiction' });
      assert.equal(audit.items.length, 1);
      const cleared = await t.request('PUT', `/api/admin/players/${p.playerId}/jurisdiction`, {
        token: op,
        body: { jurisdiction: null, reason: 'pin removed' },
      });
      assert.equal((cleared.json as { basis: string }).basis, 'identity');
    });

    it('refuses every money and play route to a player without real name under the China policy, and moves no money', async () => {
      const p = await t.readyPlayer('guest1');
      const routes = (await taggedRoutes(t)).filter((r) => r.auth === 'player');
      assert.ok(routes.length >= 3, 'player money and play routes exist');
      const beforeSnap = await t.snapshot();
      for (const op of routes) {
        const r = await callExample(t, op, p.token, p.playerId);
        assert.equal(r.status, 403, `${op.method} ${op.path}: ${r.text}`);
        assert.equal(r.json.code, 'COMPLIANCE_DENIED', `${op.method} ${op.path}`);
        // Paid skill matches are off in mainland China for everyone; everything else needs a real name first.
        const expected =
          op.action === 'redeem_points'
            ? 'POINTS_NOT_REDEEMABLE'
            : PAID_SKILL_ACTIONS.includes(op.action as never)
              ? 'GAME_MODE_NOT_ALLOWED'
              : 'REAL_NAME_REQUIRED';
        assert.equal((r.json.details as { reason: string }).reason, expected, op.path);
        assert.equal((r.json.details as { policy: string }).policy, 'cn-mainland@3');
      }
      const afterSnap = await t.snapshot();
      assert.equal(afterSnap.ledger_transfers, beforeSnap.ledger_transfers, 'no ledger row');
      assert.equal(afterSnap.ledger_credits_posted, beforeSnap.ledger_credits_posted);
    });

    it("refuses a verified minor's play routes outside the window (Tuesday) and moves no money", async () => {
      clock.setMs(bj('2026-01-13', '20:30'));
      const p = await t.readyPlayer('minor1');
      await verify(t, p.token, '2012-05-05');
      const routes = (await taggedRoutes(t)).filter(
        (r) => r.auth === 'player' && ['create_room', 'join_room', 'start_free_session'].includes(r.action),
      );
      assert.ok(routes.length >= 1);
      const beforeSnap = await t.snapshot();
      for (const op of routes) {
        const r = await callExample(t, op, p.token, p.playerId);
        assert.equal(r.status, 403, `${op.path}: ${r.text}`);
        assert.equal((r.json.details as { reason: string }).reason, 'MINOR_OUTSIDE_PLAY_WINDOW', op.path);
      }
      assert.equal((await t.snapshot()).ledger_transfers, beforeSnap.ledger_transfers);
      // Friday 20:30 the same check passes and the rooms port sees the window's end.
      clock.setMs(bj('2026-01-16', '20:30'));
      const d = await t.platform.compliance.check('join_room', { kind: 'player', playerId: p.playerId }, {});
      assert.deepEqual(d, { allow: true, windowEndMs: bj('2026-01-16', '21:00') });
      assert.equal(await t.platform.compliance.playWindowEndMs(p.playerId, clock.nowMs()), bj('2026-01-16', '21:00'));
      clock.setMs(bj('2026-01-16', '21:00'));
      assert.equal(await t.platform.compliance.playWindowEndMs(p.playerId, clock.nowMs()), clock.nowMs(), 'closed at 21:00');
    });

    it("counts a minor's deposits in the Beijing month: the cap binds on 31 January 23:59:59 and resets at 1 February 00:00", async () => {
      clock.setMs(bj('2026-01-05', '10:00'));
      const p = await t.readyPlayer('minor2');
      await verify(t, p.token, '2014-02-02');
      const actor = { kind: 'player', playerId: p.playerId } as const;
      for (const [day, amount] of [
        ['2026-01-10', 5000],
        ['2026-01-20', 5000],
        ['2026-01-25', 5001],
      ] as const) {
        clock.setMs(bj(day, '09:00'));
        await deposit(t, p.playerId, amount, `m2-${day}`);
      }
      clock.setMs(bj('2026-01-31', '23:59', 59));
      const jan = await t.platform.compliance.check('deposit', actor, { amountFen: 5000 });
      assert.equal(!jan.allow && jan.code, 'MINOR_MONTHLY_CAP');
      assert.equal(
        (await t.platform.compliance.check('deposit', actor, { amountFen: 4999 })).allow,
        true,
        '20000 exactly is within the cap',
      );
      clock.setMs(bj('2026-02-01', '00:00'));
      assert.deepEqual(await t.platform.compliance.check('deposit', actor, { amountFen: 5000 }), { allow: true });
      // In UTC this instant is still 31 January: the boundary is the policy's zone.
      assert.equal(new Date(clock.nowMs()).getUTCDate(), 31);
      await deposit(t, p.playerId, 5000, 'm2-feb');
      const day = await t.platform.compliance.check('deposit', actor, { amountFen: 1 });
      assert.equal(!day.allow && day.code, 'MINOR_DAILY_CAP');
    });

    it("keeps the player's own deposit limits: lower at once, higher after the cooling-off", async () => {
      clock.setMs(bj('2026-03-02', '10:00'));
      const p = await t.readyPlayer('limits1');
      await verify(t, p.token, '1985-07-07');
      const actor = { kind: 'player', playerId: p.playerId } as const;
      let r = await t.request('PUT', '/api/me/responsible-play/deposit-limits', {
        token: p.token,
        body: { dayFen: 10000, monthFen: 50000 },
      });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual((r.json as { depositLimits: unknown }).depositLimits, { dayFen: 10000, monthFen: 50000 });
      let d = await t.platform.compliance.check('deposit', actor, { amountFen: 10001 });
      assert.equal(!d.allow && d.code, 'SELF_DEPOSIT_LIMIT');
      r = await t.request('PUT', '/api/me/responsible-play/deposit-limits', { token: p.token, body: { dayFen: 30000, monthFen: 50000 } });
      const body = r.json as { depositLimits: unknown; pendingDepositLimits: { dayFen: number; effectiveAtMs: number } };
      assert.deepEqual(body.depositLimits, { dayFen: 10000, monthFen: 50000 }, 'the raise is not in force yet');
      assert.equal(body.pendingDepositLimits.effectiveAtMs, clock.nowMs() + 86_400_000);
      d = await t.platform.compliance.check('deposit', actor, { amountFen: 20000 });
      assert.equal(!d.allow && d.code, 'SELF_DEPOSIT_LIMIT');
      clock.advanceMs(86_400_000);
      assert.equal((await t.platform.compliance.check('deposit', actor, { amountFen: 20000 })).allow, true);
      const token = (await t.loginPlayer('limits1')).token;
      r = await t.request('PUT', '/api/me/responsible-play/deposit-limits', { token, body: { dayFen: 5000, monthFen: 4000 } });
      assert.equal(r.json.code, 'DEPOSIT_LIMIT_INVALID');
      r = await t.request('PUT', '/api/me/responsible-play/deposit-limits', { token, body: { dayFen: 5000, monthFen: null } });
      assert.deepEqual(
        (r.json as { depositLimits: unknown; pendingDepositLimits: unknown }).depositLimits,
        { dayFen: 5000, monthFen: 50000 },
        'lowering the day applies; removing the month waits',
      );
    });

    it('self-exclusion blocks play and deposits, allows withdrawal, and cannot be shortened', async () => {
      clock.setMs(bj('2026-03-03', '10:00'));
      const p = await t.readyPlayer('selfex1');
      await verify(t, p.token, '1980-01-01');
      const actor = { kind: 'player', playerId: p.playerId } as const;
      let r = await t.request('POST', '/api/me/responsible-play/self-exclusion', { token: p.token, body: { days: 2 } });
      assert.equal(r.json.code, 'SELF_EXCLUSION_PERIOD_INVALID');
      r = await t.request('POST', '/api/me/responsible-play/self-exclusion', { token: p.token, body: { days: 7 } });
      assert.equal((r.json as { selfExclusionUntilMs: number }).selfExclusionUntilMs, clock.nowMs() + 7 * 86_400_000);
      for (const action of ['join_room', 'create_room', 'deposit'] as const) {
        const d = await t.platform.compliance.check(action, actor, { amountFen: 100 });
        assert.equal(!d.allow && d.code, 'SELF_EXCLUDED', action);
      }
      assert.equal((await t.platform.compliance.check('withdraw', actor, { amountFen: 100 })).allow, true);
      r = await t.request('POST', '/api/me/responsible-play/self-exclusion', { token: p.token, body: { days: 1 } });
      assert.equal(r.json.code, 'SELF_EXCLUSION_CANNOT_SHORTEN');
      clock.advanceMs(7 * 86_400_000);
      assert.equal((await t.platform.compliance.check('join_room', actor, {})).allow, true);
    });

    it('asks for a break after three hours of continuous play and reminds every hour', async () => {
      clock.setMs(bj('2026-03-04', '09:00'));
      const p = await t.readyPlayer('break1');
      await verify(t, p.token, '1980-02-02');
      const actor = { kind: 'player', playerId: p.playerId } as const;
      for (let i = 0; i < 18; i++) {
        assert.equal((await t.platform.compliance.check('join_room', actor, {})).allow, true, `round ${i}`);
        clock.advanceMs(10 * 60_000);
      }
      const rp = await t.platform.compliance.responsiblePlay(p.playerId);
      assert.equal(rp.play.continuousMs, 3 * 3600_000);
      assert.equal(rp.play.nextReminderAtMs, bj('2026-03-04', '13:00'));
      const d = await t.platform.compliance.check('join_room', actor, {});
      assert.equal(!d.allow && d.code, 'BREAK_REQUIRED');
      assert.equal(!d.allow && d.retryAtMs, bj('2026-03-04', '12:05'));
      clock.setMs(bj('2026-03-04', '12:05'));
      assert.equal((await t.platform.compliance.check('join_room', actor, {})).allow, true);
    });

    it('reports the sessions of verified players online and offline, retrying when the reporter fails; unverified players are not reported', async () => {
      clock.setMs(bj('2026-03-05', '10:00'));
      const realName = t.platform.realName;
      assert.ok(realName);
      const unverified = await t.readyPlayer('realname0');
      await t.request('GET', '/api/me', { token: unverified.token });
      const p = await t.readyPlayer('realname1');
      await verify(t, p.token, '1990-05-05');
      await t.request('GET', '/api/me', { token: p.token });
      await t.request('GET', '/api/me', { token: p.token });
      reporter.failNext(1);
      assert.equal(await realName.flush(), 0, 'the first attempt fails and nothing is lost');
      clock.advanceMs(2_000);
      const sent = await realName.flush();
      assert.equal(sent, 1, 'one login: the unverified player is not reported, and a session goes online once');
      const mine = reporter.accepted.filter((e) => e.ot === Math.floor(bj('2026-03-05', '10:00') / 1000));
      const identity = await t.platform.accounts.kyc.identityOf(p.playerId);
      assert.ok(mine.some((e) => e.bt === 1 && e.pi === identity?.pi && e.pi.length === 38));
      const logout = await t.request('POST', '/api/auth/logout', { token: p.token });
      assert.ok(logout.status < 300, logout.text);
      await realName.flush();
      assert.ok(
        reporter.accepted.some((e) => e.bt === 0 && e.ot === Math.floor(bj('2026-03-05', '10:00', 2) / 1000)),
        'offline at sign-out',
      );
      // Another session goes quiet: after ten idle minutes it is reported offline.
      const q = await t.readyPlayer('realname2');
      await verify(t, q.token, '1991-06-06');
      await t.request('GET', '/api/me', { token: q.token });
      await realName.flush();
      clock.advanceMs(10 * 60_000);
      assert.ok((await realName.sweep()) >= 1);
      await realName.flush();
      assert.ok(reporter.accepted.filter((e) => e.bt === 0).length >= 2);
      for (const who of [p, q]) {
        const states: string[] = (await realName.list({ playerId: who.playerId })).map((r) => r.state);
        assert.deepEqual(states, ['sent', 'sent'], 'a login and a logout, each sent once');
      }
      assert.deepEqual(await realName.list({ playerId: unverified.playerId }), []);
    });

    it('shows the health notice of the default policy at sign-in and of the applicable one elsewhere; the console lists the policies', async () => {
      const pub = await t.request('GET', '/api/compliance/health-notice');
      assert.equal((pub.json as { policy: string }).policy, 'development@2');
      assert.match(JSON.stringify(pub.json), /适度游戏益脑/);
      const p = await t.readyPlayer('notice1');
      const mine = await t.request('GET', '/api/me/health-notice', { token: p.token });
      assert.equal((mine.json as { policy: string }).policy, 'cn-mainland@3');
      const op = await t.loginOperator(await t.createOperator(OPERATOR_ROLES));
      const list = await t.request('GET', '/api/admin/compliance/policies', { token: op });
      assert.deepEqual(
        (list.json as { items: { name: string }[] }).items.map((i) => i.name),
        ['development', 'cn-mainland', 'sample-paid-skill'],
      );
      const view = await t.request('GET', `/api/admin/players/${p.playerId}/compliance`, { token: op });
      assert.equal((view.json as { basis: string }).basis, 'region');
    });
  });
}

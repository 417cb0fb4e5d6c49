// The one cycle the composition root binds by hand: the risk engine holds a withdrawal for review
// through the payments domain, and deciding the risk case decides that withdrawal; deciding the
// withdrawal in the payments review (提现审核) decides its case, so 风控审核 does not keep it waiting.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { startWorld, type World, wallet } from '../payments/world.ts';

for (const backend of backends()) {
  describe(`withdrawal cases on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      // Amounts at or above the engine's review line (¥5,000 by default) wait for an operator.
      w = await startWorld(backend, {
        risk: 'engine',
        settings: { depositMaxFen: 1_000_000, withdrawalMaxFen: 1_000_000, withdrawalDailyMaxFen: 1_000_000 },
      });
    });
    after(() => w.close());

    async function fundedWithdrawal(handle: string): Promise<{ playerId: string; withdrawalId: string; caseId: string }> {
      const p = await w.t.readyPlayer(handle);
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 600_000, channel: 'jsapi', idempotencyKey: `${handle}-dep` },
      });
      await w.sandbox.user.pay((dep.json.deposit as { id: string }).id);
      await w.settle();
      const r = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 550_000, idempotencyKey: `${handle}-wd-0001` },
      });
      assert.equal(r.status, 201, r.text);
      const wd = r.json.withdrawal as { id: string; state: string };
      assert.equal(wd.state, 'review');
      const cases = await w.t.platform.risk.listCases({ playerId: p.playerId, status: 'open' });
      const c = cases.find((x) => x.kind === 'withdrawal');
      assert.ok(c, 'the engine opened a withdrawal case');
      return { playerId: p.playerId, withdrawalId: wd.id, caseId: c.id };
    }

    it('approving the risk case releases the withdrawal held in review', async () => {
      const { playerId, withdrawalId, caseId } = await fundedWithdrawal('casepaid');
      const op = await w.t.loginOperator(await w.t.createOperator(['risk']));
      const approved = await w.t.request('POST', `/api/admin/risk/cases/${caseId}/actions`, {
        token: op,
        body: { action: 'approve', note: 'salary account, called the player' },
      });
      assert.equal(approved.status, 200, approved.text);
      const [after] = await w.t.platform.payments.withdrawals.list({ playerId, limit: 5 });
      assert.equal(after?.id, withdrawalId);
      assert.notEqual(after?.state, 'review', 'the withdrawal left review');
      assert.notEqual(after?.state, 'rejected');
    });

    it('rejecting the risk case rejects the withdrawal and returns the hold', async () => {
      const { playerId, withdrawalId, caseId } = await fundedWithdrawal('caserefused');
      assert.equal((await wallet(w.t, playerId)).availableFen, 50_000, 'held while in review');
      const op = await w.t.loginOperator(await w.t.createOperator(['risk']));
      const rejected = await w.t.request('POST', `/api/admin/risk/cases/${caseId}/actions`, {
        token: op,
        body: { action: 'reject', note: 'the account changed hands' },
      });
      assert.equal(rejected.status, 200, rejected.text);
      const [after] = await w.t.platform.payments.withdrawals.list({ playerId, limit: 5 });
      assert.equal(after?.id, withdrawalId);
      assert.equal(after?.state, 'rejected');
      assert.equal((await wallet(w.t, playerId)).availableFen, 600_000, 'returned in full');
    });

    for (const decision of ['approve', 'reject'] as const) {
      it(`a withdrawal decided in the payments review (${decision}) closes its risk case with the same decision`, async () => {
        const { playerId, withdrawalId, caseId } = await fundedWithdrawal(`review${decision}`);
        const op = await w.t.loginOperator(await w.t.createOperator(['finance']));
        const r = await w.t.request('POST', `/api/admin/payments/withdrawals/${withdrawalId}/${decision}`, {
          token: op,
          body: decision === 'approve' ? { note: 'checked the deposits' } : { reason: 'the account changed hands' },
        });
        assert.equal(r.status, 200, r.text);
        const c = await w.t.platform.risk.getCase(caseId);
        assert.equal(c.status, decision === 'approve' ? 'approved' : 'rejected');
        assert.deepEqual(
          c.events.map((e) => e.action),
          ['opened', decision],
          'the case trail says who decided it, once',
        );
        const open = await w.t.platform.risk.listCases({ playerId, status: 'open' });
        assert.deepEqual(open, [], 'nothing left waiting in the case queue');
        // The case queue's own button now refuses: the case is decided.
        const risk = await w.t.loginOperator(await w.t.createOperator(['risk']));
        const again = await w.t.request('POST', `/api/admin/risk/cases/${caseId}/actions`, {
          token: risk,
          body: { action: decision, note: 'second look' },
        });
        assert.equal(again.status, 409, again.text);
      });
    }

    it('approving from the case queue writes the case trail once', async () => {
      const { caseId } = await fundedWithdrawal('casetrail');
      const op = await w.t.loginOperator(await w.t.createOperator(['risk']));
      const r = await w.t.request('POST', `/api/admin/risk/cases/${caseId}/actions`, {
        token: op,
        body: { action: 'approve', note: 'called the player' },
      });
      assert.equal(r.status, 200, r.text);
      const c = await w.t.platform.risk.getCase(caseId);
      assert.deepEqual(
        c.events.map((e) => e.action),
        ['opened', 'approve'],
      );
    });
  });
}

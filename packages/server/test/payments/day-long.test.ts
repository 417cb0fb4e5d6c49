// The 24-hour case: a withdrawal waits for its payee almost the whole confirmation window while
// every sweep runs, and then the payee confirms. The hold must survive every sweep (only the
// provider decides how a bill ends) and the player must be debited exactly once — whether the
// SUCCESS arrives by notification or, with the notification lost, by our query.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { reconcileThrough, transfersWithKey } from './scenarios.ts';
import { startWorld, wallet, type World } from './world.ts';

const MINUTE_MS = 60_000;

for (const backend of backends()) {
  describe(`a withdrawal confirmed at 23 h 59 m on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend);
    });
    after(() => w.close());

    async function withdrawAndWait(label: string): Promise<{ playerId: string; id: string; startMs: number }> {
      const startMs = w.clock.nowMs();
      const p = await w.t.readyPlayer(label);
      const dep = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 5000, channel: 'jsapi', idempotencyKey: `${label}-deposit` },
      });
      await w.sandbox.user.pay((dep.json.deposit as { id: string }).id);
      await w.settle();
      const r = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 2000, idempotencyKey: `${label}-withdraw` },
      });
      assert.equal(r.status, 201, r.text);
      const id = (r.json.withdrawal as { id: string }).id;
      assert.equal((r.json.withdrawal as { state: string }).state, 'awaiting_confirmation');
      // 23 h 59 m in ten-minute steps, every sweep running after each; the hold is untouched throughout.
      const deadline = w.clock.nowMs() + 24 * 60 * MINUTE_MS - MINUTE_MS;
      while (w.clock.nowMs() < deadline) {
        w.clock.advanceMs(Math.min(10 * MINUTE_MS, deadline - w.clock.nowMs()));
        await w.settle(1);
        assert.equal((await wallet(w.t, p.playerId)).pendingDebitsFen, 2000, 'the hold stays while the payee may still confirm');
      }
      const wd = (await w.t.platform.payments.withdrawals.get(id))!;
      assert.equal(wd.state, 'awaiting_confirmation');
      assert.ok(wd.checks > 5, 'the sweeps asked the provider on the way');
      assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${id}.void`), 0);
      return { playerId: p.playerId, id, startMs };
    }

    async function expectDebitedOnce(playerId: string, id: string): Promise<void> {
      assert.equal((await w.t.platform.payments.withdrawals.get(id))!.state, 'succeeded');
      const money = await wallet(w.t, playerId);
      assert.equal(money.postedFen, 3000, 'debited exactly once');
      assert.equal(money.pendingDebitsFen, 0);
      assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${id}.post`), 1);
      assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${id}.void`), 0);
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    }

    it('SUCCESS by notification: debited exactly once, nothing voided', async () => {
      const { playerId, id, startMs } = await withdrawAndWait('daylong1');
      await w.sandbox.user.confirmTransfer(id);
      await w.settle();
      await expectDebitedOnce(playerId, id);
      // Past the provider's window and a few more sweeps: still exactly once.
      w.clock.advanceMs(3 * 60 * MINUTE_MS);
      await w.settle();
      await expectDebitedOnce(playerId, id);
      await reconcileThrough(w, startMs);
    });

    it('SUCCESS with its notification lost: the next query finds it, debited exactly once', async () => {
      const { playerId, id, startMs } = await withdrawAndWait('daylong2');
      w.sandbox.faults.inject({ endpoint: '*', kind: 'drop-notification' });
      await w.sandbox.user.confirmTransfer(id);
      await w.sandbox.runDue();
      assert.equal((await w.t.platform.payments.withdrawals.get(id))!.state, 'awaiting_confirmation', 'not told yet');
      w.clock.advanceMs(2 * 60 * MINUTE_MS);
      await w.settle();
      await expectDebitedOnce(playerId, id);
      await reconcileThrough(w, startMs);
    });

    it('no confirmation at all: the provider fails the bill after 24 h and only then is the hold returned', async () => {
      const { playerId, id, startMs } = await withdrawAndWait('daylong3');
      w.clock.advanceMs(2 * MINUTE_MS);
      await w.settle();
      w.clock.advanceMs(2 * 60 * MINUTE_MS);
      await w.settle();
      const wd = (await w.t.platform.payments.withdrawals.get(id))!;
      assert.equal(wd.state, 'failed');
      assert.equal(wd.failureCode, 'OVERDUE_CLOSE');
      const money = await wallet(w.t, playerId);
      assert.equal(money.postedFen, 5000, 'returned in full');
      assert.equal(money.pendingDebitsFen, 0);
      await reconcileThrough(w, startMs);
    });
  });
}

// Daily reconciliation against the sandbox's trade and fund-flow bills: a day of deposits,
// withdrawals and refunds reconciles clean; a payment nobody ordered through us appears as exactly
// that one line; a payment whose notification and queries never reached us is listed and repaired
// (credited once) by the reconciliation itself. Finance reads the reports through the console API.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toFen } from '@fairground/core';
import { beijingDate } from '../../src/payments/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { transfersWithKey } from './scenarios.ts';
import { startWorld, wallet, type World } from './world.ts';

const DAY_MS = 86_400_000;

/** 10:05 Beijing time on the day after `ms`. */
function nextBillMorning(ms: number): number {
  const offset = 8 * 3600_000;
  return Math.floor((ms + offset) / DAY_MS) * DAY_MS - offset + DAY_MS + 10 * 3600_000 + 5 * 60_000;
}

for (const backend of backends()) {
  describe(`daily reconciliation on ${backend.name}`, () => {
    let w: World;
    let financeOperator: Awaited<ReturnType<World['t']['createOperator']>>;
    // Access tokens live 15 minutes and these tests move the clock by days: sign in afresh each time.
    const finance = () => w.t.loginOperator(financeOperator);
    before(async () => {
      w = await startWorld(backend);
      financeOperator = await w.t.createOperator(['finance']);
    });
    after(() => w.close());

    async function deposit(label: string, amountFen: number) {
      const p = await w.t.readyPlayer(label);
      const r = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen, channel: 'jsapi', idempotencyKey: `${label}-dep` },
      });
      return { ...p, id: (r.json.deposit as { id: string }).id };
    }

    it('reconciles a day of deposits, withdrawals and refunds clean, and says when bills are not out yet', async () => {
      const day = beijingDate(w.clock.nowMs());
      const a = await deposit('rec-a', 5000);
      const b = await deposit('rec-b', 2500);
      await w.sandbox.user.pay(a.id);
      await w.sandbox.user.pay(b.id);
      await w.settle();
      const wd = await w.t.request('POST', '/api/payments/withdrawals', {
        token: a.token,
        body: { amountFen: 1200, idempotencyKey: 'rec-a-wd' },
      });
      await w.sandbox.user.confirmTransfer((wd.json.withdrawal as { id: string }).id);
      const declined = await w.t.request('POST', '/api/payments/withdrawals', {
        token: a.token,
        body: { amountFen: 300, idempotencyKey: 'rec-a-wd2' },
      });
      await w.sandbox.user.declineTransfer((declined.json.withdrawal as { id: string }).id);
      const rf = await w.t.request('POST', `/api/admin/payments/deposits/${b.id}/refunds`, {
        token: await finance(),
        body: { amountFen: 500, reason: 'partial refund', idempotencyKey: 'rec-b-refund' },
      });
      assert.equal(rf.status, 201, rf.text);
      await w.settle();

      const early = await w.t.request('POST', `/api/admin/payments/reconciliations/${day}/run`, { token: await finance() });
      assert.equal(early.status, 400, 'today has not ended');
      w.clock.setMs(nextBillMorning(w.clock.nowMs()) - 2 * 3600_000);
      const notYet = await w.t.request('POST', `/api/admin/payments/reconciliations/${day}/run`, { token: await finance() });
      assert.equal(notYet.json.code, 'PAYMENT_BILL_NOT_READY', notYet.text);

      w.clock.setMs(nextBillMorning(w.clock.nowMs() - DAY_MS));
      const run = await w.t.request('POST', `/api/admin/payments/reconciliations/${day}/run`, { token: await finance() });
      assert.equal(run.status, 200, run.text);
      assert.equal(run.json.state, 'clean', run.text);
      assert.deepEqual(run.json.items, []);
      const s = run.json.summary as Record<string, number>;
      assert.equal(s.billPayments, 2);
      assert.equal(s.billPaymentsFen, 7500);
      assert.equal(s.ourPaymentsFen, 7500);
      assert.equal(s.billRefundsFen, 500);
      assert.equal(s.transfersOutFen, 1500, 'both bills took money out of the operation account …');
      assert.equal(s.transfersReturnedFen, 300, '… and the declined one brought it back');
      const list = await w.t.request('GET', '/api/admin/payments/reconciliations', { token: await finance() });
      assert.equal((list.json.items as { billDate: string }[])[0]?.billDate, day);
      const one = await w.t.request('GET', `/api/admin/payments/reconciliations/${day}`, { token: await finance() });
      assert.equal(one.json.state, 'clean');
    });

    it('lists exactly the payment nobody ordered through us', async () => {
      const day = beijingDate(w.clock.nowMs());
      const ours = await deposit('rec-c', 1000);
      await w.sandbox.user.pay(ours.id);
      // Someone uses the same merchant account outside the platform.
      await w.client.createNativeOrder({
        description: 'not ours',
        outTradeNo: 'FOREIGN0000001',
        notifyUrl: 'http://127.0.0.1:9/elsewhere',
        amount: { totalFen: toFen(777) },
      });
      await w.sandbox.user.pay('FOREIGN0000001');
      await w.settle();
      w.clock.setMs(nextBillMorning(w.clock.nowMs()));
      const report = await w.t.platform.payments.reconciler.reconcileDay(day);
      assert.equal(report.state, 'mismatches');
      assert.deepEqual(
        report.items.map((i) => [i.kind, i.ref, i.actualFen]),
        [
          ['bill_payment_unknown_order', 'FOREIGN0000001', 777],
          ['fund_flow_unmatched', 'FOREIGN0000001', 777],
        ],
      );
      const shown = await w.t.request('GET', `/api/admin/payments/reconciliations/${day}`, { token: await finance() });
      assert.equal((shown.json.items as unknown[]).length, 2);
    });

    it('lists and repairs a payment whose notification and queries never reached us: credited exactly once', async () => {
      const day = beijingDate(w.clock.nowMs());
      const lost = await deposit('rec-d', 4200);
      w.sandbox.faults.inject({ endpoint: '*', kind: 'drop-notification' });
      await w.sandbox.user.pay(lost.id);
      // Only the provider's side of time runs: our sweeps are down all day.
      await w.sandbox.runDue();
      w.clock.setMs(nextBillMorning(w.clock.nowMs()));
      await w.sandbox.runDue();
      assert.equal((await wallet(w.t, lost.playerId)).postedFen, 0);
      const report = await w.t.platform.payments.reconciler.reconcileDay(day);
      assert.deepEqual(
        report.items.map((i) => [i.kind, i.ref]),
        [['bill_payment_not_credited', lost.id]],
      );
      assert.match(report.items[0]!.detail, /credited/);
      assert.equal((await wallet(w.t, lost.playerId)).postedFen, 4200, 'repaired');
      const d = (await w.t.platform.payments.deposits.get(lost.id))!;
      assert.equal(await transfersWithKey(w, 'payments.deposit', d.transactionId!), 1);
      // Run again: the day is clean now, and nothing is credited twice.
      const again = await w.t.platform.payments.reconciler.reconcileDay(day);
      assert.deepEqual(again.items, []);
      assert.equal(again.runs, 2);
      await w.settle();
      assert.equal((await wallet(w.t, lost.playerId)).postedFen, 4200);
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    });

    it('reconciles a refund made the day after its payment clean on both days, each by its own day', async () => {
      const payDay = beijingDate(w.clock.nowMs());
      const p = await deposit('rec-e', 3000);
      await w.sandbox.user.pay(p.id);
      await w.settle();
      // 09:30 the next morning: finance refunds part of yesterday's payment.
      w.clock.setMs(nextBillMorning(w.clock.nowMs()) - 35 * 60_000);
      const refundDay = beijingDate(w.clock.nowMs());
      assert.notEqual(refundDay, payDay);
      const rf = await w.t.request('POST', `/api/admin/payments/deposits/${p.id}/refunds`, {
        token: await finance(),
        body: { amountFen: 1000, reason: 'changed their mind', idempotencyKey: 'rec-e-refund' },
      });
      assert.equal(rf.status, 201, rf.text);
      await w.settle();
      assert.equal((await w.t.platform.payments.refunds.get((rf.json.refund as { id: string }).id))?.state, 'succeeded');
      w.clock.setMs(nextBillMorning(w.clock.nowMs()));

      const first = await w.t.request('POST', `/api/admin/payments/reconciliations/${payDay}/run`, { token: await finance() });
      assert.equal(first.status, 200, first.text);
      assert.deepEqual(first.json.items, []);
      assert.equal(first.json.state, 'clean');
      const s1 = first.json.summary as Record<string, number>;
      assert.deepEqual([s1.billPayments, s1.billRefunds, s1.ourRefunds], [1, 0, 0], 'the payment day lists the payment only');

      const second = await w.t.request('POST', `/api/admin/payments/reconciliations/${refundDay}/run`, { token: await finance() });
      assert.equal(second.status, 200, second.text);
      assert.deepEqual(second.json.items, []);
      assert.equal(second.json.state, 'clean');
      const s2 = second.json.summary as Record<string, number>;
      assert.deepEqual([s2.billPayments, s2.billRefunds, s2.billRefundsFen, s2.ourRefundsFen], [0, 1, 1000, 1000]);
    });

    it('refuses a day older than WeChat Pay keeps bills with its own code, and stores nothing', async () => {
      const old = beijingDate(w.clock.nowMs() - 120 * DAY_MS);
      const before = await w.t.request('GET', '/api/admin/payments/reconciliations?limit=100', { token: await finance() });
      const r = await w.t.request('POST', `/api/admin/payments/reconciliations/${old}/run`, { token: await finance() });
      assert.equal(r.status, 400, r.text);
      assert.equal(r.json.code, 'PAYMENT_BILL_TOO_OLD');
      assert.equal(r.json.retryable, false);
      assert.equal((r.json.details as { billDate: string }).billDate, old);
      const edge = beijingDate(w.clock.nowMs() - 90 * DAY_MS);
      assert.equal(
        (await w.t.request('POST', `/api/admin/payments/reconciliations/${edge}/run`, { token: await finance() })).json.code,
        'PAYMENT_BILL_TOO_OLD',
      );
      const after = await w.t.request('GET', '/api/admin/payments/reconciliations?limit=100', { token: await finance() });
      assert.deepEqual(after.json.items, before.json.items, 'no report was written');
      assert.equal((await w.t.request('GET', `/api/admin/payments/reconciliations/${old}`, { token: await finance() })).status, 404);
      // A day inside the window still reaches the provider (which has no bills for it: a clean, empty report).
      const recent = beijingDate(w.clock.nowMs() - 60 * DAY_MS);
      const ok = await w.t.request('POST', `/api/admin/payments/reconciliations/${recent}/run`, { token: await finance() });
      assert.equal(ok.status, 200, ok.text);
      assert.equal(ok.json.state, 'clean');
    });
  });
}

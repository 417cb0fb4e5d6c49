// The same provider word arriving several times at once — a notification, its duplicate, a query
// and a close racing each other on several connections — credits, posts or refunds exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { wechatPayProvider } from '../../src/payments/wechatpay/provider.ts';
import { backends } from '../../src/adapters/testing.ts';
import { transfersWithKey } from './scenarios.ts';
import { startWorld, wallet, type World } from './world.ts';

const RACERS = 6;

for (const backend of backends()) {
  describe(`racing applications of one provider answer on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend);
    });
    after(() => w.close());

    it('credits a deposit once when its payment is applied six times at once', async () => {
      const p = await w.t.readyPlayer('racer');
      const r = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 4000, channel: 'jsapi', idempotencyKey: 'racer-dep' },
      });
      const id = (r.json.deposit as { id: string }).id;
      await w.sandbox.user.pay(id);
      const order = await wechatPayProvider(w.client).queryOrder(id);
      const outcomes = await Promise.all(Array.from({ length: RACERS }, () => w.t.platform.payments.deposits.credit(id, order, 'race')));
      assert.equal(outcomes.filter((o) => o === 'credited').length, 1);
      assert.equal(outcomes.filter((o) => o === 'already_credited').length, RACERS - 1);
      assert.equal((await wallet(w.t, p.playerId)).postedFen, 4000);
      assert.equal(await transfersWithKey(w, 'payments.deposit', order.transactionId!), 1);

      const wd = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 1500, idempotencyKey: 'racer-wd' },
      });
      const wid = (wd.json.withdrawal as { id: string }).id;
      // The provider settles the bill but its notification is lost, so the race below is the first word we hear.
      w.sandbox.faults.inject({ endpoint: '*', kind: 'drop-notification' });
      await w.sandbox.user.confirmTransfer(wid);
      await w.sandbox.runDue();
      const bill = await wechatPayProvider(w.client).queryTransfer(wid);
      assert.equal(bill.state, 'success');
      const settled = await Promise.all(
        Array.from({ length: RACERS }, () => w.t.platform.payments.withdrawals.applyTransfer(wid, bill, 'race')),
      );
      assert.equal(settled.filter((o) => o === 'settled').length, 1);
      const money = await wallet(w.t, p.playerId);
      assert.equal(money.postedFen, 2500);
      assert.equal(money.pendingDebitsFen, 0);
      assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${wid}.post`), 1);
      assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${wid}.settle`), 1);
      await w.settle();
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    });

    it('lets concurrent requests fill the daily caps exactly, never past them', async () => {
      const p = await w.t.readyPlayer('capper');
      // Deposits: the daily cap of 2,000,000 fen holds five orders of 400,000; six race for it.
      const deposits = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          w.t.request('POST', '/api/payments/deposits', {
            token: p.token,
            body: { amountFen: 400_000, channel: 'jsapi', idempotencyKey: `cap-dep-${i}` },
          }),
        ),
      );
      assert.deepEqual(deposits.map((r) => r.status).sort(), [201, 201, 201, 201, 201, 409].sort());
      assert.equal(deposits.find((r) => r.status === 409)?.json.code, 'PAYMENT_DAILY_LIMIT_REACHED');
      const paid = deposits.find((r) => r.status === 201)!;
      await w.sandbox.user.pay((paid.json.deposit as { id: string }).id);
      await w.settle();
      assert.equal((await wallet(w.t, p.playerId)).postedFen, 400_000);
      // Withdrawals: the daily cap of 300,000 fen holds seven of 40,000; twelve race for it.
      const withdrawals = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          w.t.request('POST', '/api/payments/withdrawals', { token: p.token, body: { amountFen: 40_000, idempotencyKey: `cap-wd-${i}` } }),
        ),
      );
      const ok = withdrawals.filter((r) => r.status === 201 || r.status === 200);
      assert.equal(ok.length, 7, withdrawals.map((r) => `${r.status} ${String(r.json.code ?? '')}`).join(', '));
      assert.ok(withdrawals.filter((r) => !ok.includes(r)).every((r) => r.json.code === 'PAYMENT_DAILY_LIMIT_REACHED'));
      assert.equal((await wallet(w.t, p.playerId)).pendingDebitsFen, 7 * 40_000, 'exactly the accepted withdrawals hold money');
      await w.settle();
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
    });
  });
}

// The same provider word arriving several times at once — a notification, its duplicate, a query
// and a close racing each other on several connections — credits, posts or refunds exactly once.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { wechatPayProvider } from '../../src/payments/wechatpay/provider.ts';
import { backends } from '../../src/storage/testing.ts';
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
  });
}

// When WeChat Pay keeps failing, new deposits and withdrawals are refused at once with a clear,
// retryable code instead of piling up behind timeouts; what was already decided waits in the
// outbox; after the pause one trial call goes out and, WeChat Pay being back, everything resumes
// by itself — the orders made before the outage included.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { startWorld, wallet, type World } from './world.ts';

for (const backend of backends()) {
  describe(`the circuit breaker on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend);
    });
    after(() => w.close());

    it('refuses new payments while WeChat Pay fails and resumes by itself', async () => {
      const p = await w.t.readyPlayer('breaker');
      w.sandbox.faults.inject({ endpoint: '*', kind: 'http500-before', count: 1000 });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const r = await w.t.request('POST', '/api/payments/deposits', {
          token: p.token,
          body: { amountFen: 1000, channel: 'jsapi', idempotencyKey: `breaker-${i}` },
        });
        assert.equal(r.status, 201, r.text);
        assert.equal((r.json.deposit as { state: string }).state, 'creating', 'recorded, waiting for the provider');
        ids.push((r.json.deposit as { id: string }).id);
      }
      const refused = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 1000, channel: 'jsapi', idempotencyKey: 'breaker-refused' },
      });
      assert.equal(refused.status, 503);
      assert.equal(refused.json.code, 'PAYMENT_PROVIDER_UNAVAILABLE');
      assert.equal(refused.json.retryable, true);
      const wd = await w.t.request('POST', '/api/payments/withdrawals', {
        token: p.token,
        body: { amountFen: 100, idempotencyKey: 'breaker-wd' },
      });
      assert.equal(wd.json.code, 'PAYMENT_PROVIDER_UNAVAILABLE', 'withdrawals too');
      const limits = await w.t.request('GET', '/api/payments/limits', { token: p.token });
      assert.equal(limits.json.providerAvailable, false, 'the client can say so before the player tries');
      const op = await w.t.loginOperator(await w.t.createOperator(['admin']));
      const status = await w.t.request('GET', '/api/admin/payments/status', { token: op });
      assert.equal(status.json.breaker, 'open');
      assert.equal(status.json.outboxPending, 5);

      // While open, the outbox waits instead of hammering WeChat Pay.
      const before = w.sandbox.faults.list()[0]!.remaining;
      w.clock.advanceMs(10_000);
      await w.t.platform.payments.runDue();
      assert.equal(w.sandbox.faults.list()[0]!.remaining, before, 'no call went out while open');

      // WeChat Pay recovers; after the pause one trial goes out, succeeds, and the rest follow.
      w.sandbox.faults.clear();
      w.clock.advanceMs(60_000);
      await w.settle();
      assert.equal((await w.t.request('GET', '/api/payments/limits', { token: p.token })).json.providerAvailable, true);
      for (const id of ids) {
        const d = (await w.t.platform.payments.deposits.get(id))!;
        assert.equal(d.state, 'open', `${id} got its provider order`);
        await w.sandbox.user.pay(id);
      }
      await w.settle();
      assert.equal((await wallet(w.t, p.playerId)).postedFen, 5000);
      const again = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen: 1000, channel: 'jsapi', idempotencyKey: 'breaker-after' },
      });
      assert.equal(again.status, 201);
      assert.equal((again.json.deposit as { state: string }).state, 'open');
    });
  });
}

// Runs of one day's reconciliation at once (an operator's click beside the job) on several
// writer connections: each answers the day's report, the report counts every run, and its
// mismatch lines are those of one run, not of every run. SQLite and PostgreSQL.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { toFen } from '@fairground/core';
import { beijingDate } from '../../src/payments/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { startWorld, type World } from './world.ts';

const DAY_MS = 86_400_000;

for (const backend of backends()) {
  describe(`racing reconciliations on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend, { writers: 4 });
    });
    after(() => w.close());

    it('answers eight parallel runs of one day with one report of eight runs and one run’s mismatches', async () => {
      const day = beijingDate(w.clock.nowMs());
      await w.client.createNativeOrder({
        description: 'not ours',
        outTradeNo: 'FOREIGN0000042',
        notifyUrl: 'http://127.0.0.1:9/elsewhere',
        amount: { totalFen: toFen(420) },
      });
      await w.sandbox.user.pay('FOREIGN0000042');
      await w.settle();
      w.clock.advanceMs(DAY_MS + 3 * 3600_000);
      const token = await w.t.loginOperator(await w.t.createOperator(['finance']));
      const runs = await Promise.all(
        Array.from({ length: 8 }, () => 0).map(() => w.t.request('POST', `/api/admin/payments/reconciliations/${day}/run`, { token })),
      );
      for (const r of runs) assert.equal(r.status, 200, r.text);
      const report = await w.t.request('GET', `/api/admin/payments/reconciliations/${day}`, { token });
      assert.equal(report.json.runs, 8);
      assert.deepEqual(
        (report.json.items as { kind: string; ref: string }[]).map((i) => [i.kind, i.ref]),
        [
          ['bill_payment_unknown_order', 'FOREIGN0000042'],
          ['fund_flow_unmatched', 'FOREIGN0000042'],
        ],
      );
    });
  });
}

// Every cap on a player's payments is counted inside the unit that takes the money, so twelve
// parallel requests get exactly the allowed number through and the rest the cap's code — the
// policy's deposit and withdrawal limits as well as the payment settings' daily count — and the
// wallet proves nothing else moved. SQLite and PostgreSQL with several writer connections.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { backends } from '../../src/adapters/testing.ts';
import type { Reply } from '../helpers/platform.ts';
import { startWorld, wallet, type World } from './world.ts';

const PARALLEL = 12;

/** The development policy with limits of its own: ¥50 of deposits and ¥30 of withdrawals a day. */
function limitedPolicy() {
  const dev = loadPolicyFile(DEVELOPMENT_POLICY_FILE);
  return {
    ...dev,
    name: 'limited',
    limits: {
      deposit: { perDayFenMax: 5000, sources: ['operator'] },
      withdrawal: { perDayFenMax: 3000, sources: ['operator'] },
    },
  };
}

function outcomes(rs: readonly Reply[]): string[] {
  return rs
    .map((r) =>
      r.status < 300
        ? String(r.status)
        : `${r.status} ${String(r.json.code)}${r.json.code === 'COMPLIANCE_DENIED' ? ` ${String((r.json.details as { reason: string }).reason)}` : ''}`,
    )
    .sort();
}

for (const backend of backends()) {
  describe(`parallel payment requests against their caps on ${backend.name}`, () => {
    let w: World;
    before(async () => {
      w = await startWorld(backend, {
        writers: 4,
        policy: limitedPolicy() as ReturnType<typeof loadPolicyFile>,
        settings: { depositDailyMaxFen: 1_000_000, withdrawalDailyCountMax: 5, withdrawalReviewFromFen: 1_000_000 },
      });
    });
    after(async () => {
      assert.deepEqual((await w.t.platform.ledger.checkInvariants()).problems, []);
      await w.close();
    });

    async function funded(user: string, amountFen: number): Promise<{ token: string; playerId: string }> {
      const p = await w.t.readyPlayer(user);
      const r = await w.t.request('POST', '/api/payments/deposits', {
        token: p.token,
        body: { amountFen, channel: 'jsapi', idempotencyKey: `${user}-fund` },
      });
      assert.equal(r.status, 201, r.text);
      await w.sandbox.user.pay((r.json.deposit as { id: string }).id);
      await w.settle();
      assert.equal((await wallet(w.t, p.playerId)).postedFen, amountFen);
      return p;
    }

    it(`opens exactly five ¥10 orders of ${PARALLEL} under the policy's ¥50 a day; the rest are DEPOSIT_DAILY_LIMIT`, async () => {
      const p = await w.t.readyPlayer('cap-dep');
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          w.t.request('POST', '/api/payments/deposits', {
            token: p.token,
            body: { amountFen: 1000, channel: 'jsapi', idempotencyKey: `cap-dep-${i}` },
          }),
        ),
      );
      assert.deepEqual(outcomes(rs), [
        ...Array<string>(5).fill('201'),
        ...Array<string>(PARALLEL - 5).fill('403 COMPLIANCE_DENIED DEPOSIT_DAILY_LIMIT'),
      ]);
      const rows = await w.t.store.reader.query('SELECT id FROM payment_deposits WHERE player_id = ?', [p.playerId]);
      assert.equal(rows.length, 5);
    });

    it(`holds exactly five ¥5 withdrawals of ${PARALLEL} under the settings' five a day; the rest are PAYMENT_DAILY_COUNT_REACHED`, async () => {
      const p = await funded('cap-wd', 5000);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          w.t.request('POST', '/api/payments/withdrawals', { token: p.token, body: { amountFen: 500, idempotencyKey: `cap-wd-${i}` } }),
        ),
      );
      // ¥30 would allow six: the settings' count of five binds first.
      assert.deepEqual(outcomes(rs), [
        ...Array<string>(5).fill('201'),
        ...Array<string>(PARALLEL - 5).fill('409 PAYMENT_DAILY_COUNT_REACHED'),
      ]);
      assert.equal((await wallet(w.t, p.playerId)).pendingDebitsFen, 5 * 500, 'exactly the accepted withdrawals hold money');
    });

    it(`holds withdrawals of ${PARALLEL} parallel ¥8 up to the policy's ¥30 a day: three, the rest WITHDRAWAL_DAILY_LIMIT`, async () => {
      const p = await funded('cap-wd-amount', 5000);
      const rs = await Promise.all(
        Array.from({ length: PARALLEL }, (_, i) =>
          w.t.request('POST', '/api/payments/withdrawals', { token: p.token, body: { amountFen: 800, idempotencyKey: `cap-wda-${i}` } }),
        ),
      );
      assert.deepEqual(outcomes(rs), [
        ...Array<string>(3).fill('201'),
        ...Array<string>(PARALLEL - 3).fill('403 COMPLIANCE_DENIED WITHDRAWAL_DAILY_LIMIT'),
      ]);
      const money = await wallet(w.t, p.playerId);
      assert.equal(money.pendingDebitsFen, 3 * 800);
      assert.equal(money.availableFen, 5000 - 3 * 800);
    });
  });
}

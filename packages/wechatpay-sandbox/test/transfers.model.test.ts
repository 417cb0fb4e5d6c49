// The transfer-bill state machine against a shadow model: random sequences of merchant and payee
// actions and clock jumps, with every answer and the operation-account balance checked after each
// step. Money leaves on creation and comes back exactly once on FAIL or CANCELLED.
import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import fc from 'fast-check';
import { type Rig, rig, transferBill } from './helpers.ts';

type State = 'WAIT_USER_CONFIRM' | 'TRANSFERING' | 'SUCCESS' | 'FAIL' | 'CANCELING' | 'CANCELLED';

interface ShadowBill {
  state: State;
  createdMs: number;
  amountFen: number;
}

type Action =
  | { kind: 'create'; bill: number; amountFen: number }
  | { kind: 'confirm'; bill: number }
  | { kind: 'decline'; bill: number }
  | { kind: 'cancel'; bill: number }
  | { kind: 'advance'; hours: number }
  | { kind: 'runDue' };

const BILLS = 3;
const bill = fc.integer({ min: 0, max: BILLS - 1 });
const action: fc.Arbitrary<Action> = fc.oneof(
  fc.record({ kind: fc.constant('create' as const), bill, amountFen: fc.integer({ min: 10, max: 50_000 }) }),
  fc.record({ kind: fc.constant('confirm' as const), bill }),
  fc.record({ kind: fc.constant('decline' as const), bill }),
  fc.record({ kind: fc.constant('cancel' as const), bill }),
  fc.record({ kind: fc.constant('advance' as const), hours: fc.integer({ min: 1, max: 30 }) }),
  fc.constant({ kind: 'runDue' as const }),
);

const PATH = 'v3/fund-app/mch-transfer/transfer-bills';
let r: Rig;
let run = 0;

before(async () => {
  r = await rig();
});
after(() => r.close());

async function operationFen(): Promise<number> {
  const res = await fetch(`${r.sandbox.baseUrl}/sandbox/balances`);
  return ((await res.json()) as { operationFen: number }).operationFen;
}

it('matches the shadow model for any sequence of actions', async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(action, { minLength: 1, maxLength: 14 }), async (actions) => {
      run += 1;
      const shadow = new Map<number, ShadowBill>();
      const outBillNo = (i: number) => `M${run}X${i}`;
      const startFen = await operationFen();
      const expire = () => {
        for (const b of shadow.values())
          if (b.state === 'WAIT_USER_CONFIRM' && r.clock.nowMs() >= b.createdMs + 24 * 3600_000) b.state = 'FAIL';
      };
      for (const a of actions) {
        expire();
        const b = 'bill' in a ? shadow.get(a.bill) : undefined;
        switch (a.kind) {
          case 'create': {
            const body = transferBill(r.sandbox, outBillNo(a.bill), { transfer_amount: b?.amountFen ?? a.amountFen });
            const res = await r.call('POST', PATH, body);
            if (b === undefined) shadow.set(a.bill, { state: 'WAIT_USER_CONFIRM', createdMs: r.clock.nowMs(), amountFen: a.amountFen });
            assert.equal(res.data.state, shadow.get(a.bill)?.state);
            assert.equal(res.data.package_info !== undefined, res.data.state === 'WAIT_USER_CONFIRM');
            break;
          }
          case 'confirm': {
            const p = r.sandbox.user.confirmTransfer(outBillNo(a.bill));
            if (b !== undefined && (b.state === 'WAIT_USER_CONFIRM' || b.state === 'TRANSFERING')) {
              await p;
              b.state = 'TRANSFERING';
            } else await assert.rejects(p);
            break;
          }
          case 'decline': {
            const p = r.sandbox.user.declineTransfer(outBillNo(a.bill));
            if (b?.state === 'WAIT_USER_CONFIRM') {
              await p;
              b.state = 'FAIL';
            } else await assert.rejects(p);
            break;
          }
          case 'cancel': {
            const p = r.call('POST', `${PATH}/out-bill-no/${outBillNo(a.bill)}/cancel`, {});
            if (b === undefined) assert.equal((await p.catch((e) => e.response)).status, 404);
            else if (b.state === 'WAIT_USER_CONFIRM' || b.state === 'CANCELING' || b.state === 'CANCELLED') {
              if (b.state === 'WAIT_USER_CONFIRM') b.state = 'CANCELING';
              assert.equal((await p).data.state, b.state);
            } else assert.equal((await p.catch((e) => e.response)).status, 400);
            break;
          }
          case 'advance':
            r.advance(a.hours * 3600_000);
            break;
          case 'runDue':
            await r.sandbox.runDue();
            for (const s of shadow.values()) {
              if (s.state === 'TRANSFERING') s.state = 'SUCCESS';
              if (s.state === 'CANCELING') s.state = 'CANCELLED';
            }
            break;
        }
        expire();
        for (const [i, s] of shadow) {
          const q = await r.call('GET', `${PATH}/out-bill-no/${outBillNo(i)}`).catch((e) => e.response);
          if (r.clock.nowMs() - s.createdMs > 30 * 86_400_000) assert.equal(q.status, 404);
          else assert.equal(q.data.state, s.state, `bill ${i} after ${JSON.stringify(a)}`);
        }
        const outstandingFen = [...shadow.values()]
          .filter((s) => s.state !== 'FAIL' && s.state !== 'CANCELLED')
          .reduce((sum, s) => sum + s.amountFen, 0);
        assert.equal(await operationFen(), startFen - outstandingFen);
      }
      // Settle every bill of this run, so the next run starts from a still balance.
      await r.sandbox.runDue();
      r.advance(25 * 3600_000);
      await r.sandbox.runDue();
    }),
    { numRuns: 40 },
  );
});

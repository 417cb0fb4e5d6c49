// Randomized model test: thousands of random ledger operations, valid and invalid, including
// replays of earlier keys, against the real ledger and a simple in-memory shadow model. After
// every step the reply (success, or the error code) and every balance must agree with the model,
// and at the end of each run the auditor's invariants must hold.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import fc from 'fast-check';
import type { Store } from '../storage/ports.ts';
import { backends } from '../adapters/testing.ts';
import { Ledger, playerAccount, type RequestResult, systemAccount } from './index.ts';

const PLAYERS = 4;
const revenue = systemAccount('revenue', 'CNY');
const clearing = systemAccount('provider_clearing', 'CNY');

type Cmd =
  | { kind: 'deposit'; p: number; amount: number }
  | { kind: 'pay'; from: number; to: number; amount: number }
  | { kind: 'fee'; p: number; amount: number }
  | { kind: 'hold'; p: number; amount: number }
  | { kind: 'post'; h: number; part: number }
  | { kind: 'void'; h: number }
  | { kind: 'replay'; r: number }
  | { kind: 'conflict'; r: number }
  | { kind: 'batch'; a: number; b: number; amountA: number; amountB: number }
  | { kind: 'bad'; p: number; amount: unknown };

const amount = fc.oneof(fc.integer({ min: 1, max: 500 }), fc.integer({ min: 1, max: 5000 }));
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), p: fc.nat(PLAYERS - 1), amount }),
  fc.record({ kind: fc.constant('pay' as const), from: fc.nat(PLAYERS - 1), to: fc.nat(PLAYERS - 1), amount }),
  fc.record({ kind: fc.constant('fee' as const), p: fc.nat(PLAYERS - 1), amount }),
  fc.record({ kind: fc.constant('hold' as const), p: fc.nat(PLAYERS - 1), amount }),
  fc.record({ kind: fc.constant('post' as const), h: fc.nat(50), part: fc.integer({ min: 0, max: 100 }) }),
  fc.record({ kind: fc.constant('void' as const), h: fc.nat(50) }),
  fc.record({ kind: fc.constant('replay' as const), r: fc.nat(200) }),
  fc.record({ kind: fc.constant('conflict' as const), r: fc.nat(200) }),
  fc.record({
    kind: fc.constant('batch' as const),
    a: fc.nat(PLAYERS - 1),
    b: fc.nat(PLAYERS - 1),
    amountA: amount,
    amountB: amount,
  }),
  fc.record({
    kind: fc.constant('bad' as const),
    p: fc.nat(PLAYERS - 1),
    amount: fc.constantFrom<unknown>(0, -1, 1.5, Number.NaN, '10', 2 ** 53, -0, null, 1e12),
  }),
);

interface ModelHold {
  id: string;
  p: number;
  amount: number;
  open: boolean;
}

interface SentRequest {
  send: () => Promise<RequestResult>;
  conflicting: () => Promise<RequestResult>;
  result: RequestResult;
}

class Model {
  posted = new Array<number>(PLAYERS).fill(0);
  held = new Array<number>(PLAYERS).fill(0);
  holds: ModelHold[] = [];
  available(p: number): number {
    return this.posted[p]! - this.held[p]!;
  }
}

// One chain shard (the default) and four: the contract is the same whatever the shard count.
for (const backend of backends())
  for (const chainShards of [1, 4]) {
    describe(`ledger model on ${backend.name} with ${chainShards} chain shard(s)`, () => {
      let store: Store;
      let ledger: Ledger;
      const clock = new ManualClock(Date.UTC(2026, 10, 1));
      let run = 0;

      before(async () => {
        store = await backend.open({ clock });
        await store.migrate(Ledger.migrations);
        ledger = new Ledger(store, { clock, transferAmountMax: 100_000, chainShards });
        await ledger.openSystemAccounts();
      });
      after(async () => {
        await store.close();
      });

      it('agrees with the shadow model on every reply and balance', async () => {
        await fc.assert(
          fc.asyncProperty(fc.array(cmd, { minLength: 50, maxLength: 250 }), async (cmds) => {
            run += 1;
            const prefix = `r${run}x`;
            const pid = (p: number) => `${prefix}${p}`;
            const acct = (p: number) => playerAccount(pid(p), 'CNY');
            await store.unitOfWork(async (tx) => {
              for (let p = 0; p < PLAYERS; p += 1) await ledger.openAccount(tx, acct(p));
            });
            const m = new Model();
            const sent: SentRequest[] = [];
            let k = 0;
            const key = () => {
              k += 1;
              return `${prefix}k${k}`;
            };

            async function attempt(
              send: () => Promise<RequestResult>,
              conflicting: () => Promise<RequestResult>,
            ): Promise<RequestResult | string> {
              try {
                const result = await send();
                sent.push({ send, conflicting, result });
                return result;
              } catch (e) {
                if (isAppError(e)) return e.code;
                throw e;
              }
            }

            for (const c of cmds) {
              switch (c.kind) {
                case 'deposit': {
                  const kk = key();
                  const r = await attempt(
                    () =>
                      ledger.submit({
                        scope: 'm',
                        key: kk,
                        debit: clearing,
                        credit: acct(c.p),
                        asset: 'CNY',
                        amount: c.amount,
                        code: 'deposit',
                      }),
                    () =>
                      ledger.submit({
                        scope: 'm',
                        key: kk,
                        debit: clearing,
                        credit: acct(c.p),
                        asset: 'CNY',
                        amount: c.amount + 1,
                        code: 'deposit',
                      }),
                  );
                  assert.equal(typeof r, 'object');
                  m.posted[c.p]! += c.amount;
                  break;
                }
                case 'pay':
                case 'fee': {
                  const from = c.kind === 'pay' ? c.from : c.p;
                  const credit = c.kind === 'pay' ? acct(c.to) : revenue;
                  const kk = key();
                  const r = await attempt(
                    () =>
                      ledger.submit({ scope: 'm', key: kk, debit: acct(from), credit, asset: 'CNY', amount: c.amount, code: 'room_fee' }),
                    () => ledger.submit({ scope: 'm', key: kk, debit: acct(from), credit, asset: 'CNY', amount: c.amount, code: 'prize' }),
                  );
                  if (c.kind === 'pay' && c.from === c.to) assert.equal(r, 'LEDGER_ACCOUNTS_SAME');
                  else if (m.available(from) < c.amount) assert.equal(r, 'LEDGER_INSUFFICIENT_FUNDS');
                  else {
                    assert.equal(typeof r, 'object', String(r));
                    m.posted[from]! -= c.amount;
                    if (c.kind === 'pay') m.posted[c.to]! += c.amount;
                  }
                  break;
                }
                case 'hold': {
                  const kk = key();
                  const r = await attempt(
                    () =>
                      ledger.submit({
                        scope: 'm',
                        key: kk,
                        debit: acct(c.p),
                        credit: systemAccount('withdrawals_in_flight', 'CNY'),
                        asset: 'CNY',
                        amount: c.amount,
                        code: 'withdrawal',
                        pending: {},
                      }),
                    () =>
                      ledger.submit({
                        scope: 'm',
                        key: kk,
                        debit: acct(c.p),
                        credit: systemAccount('withdrawals_in_flight', 'CNY'),
                        asset: 'CNY',
                        amount: c.amount,
                        code: 'withdrawal',
                      }),
                  );
                  if (m.available(c.p) < c.amount) assert.equal(r, 'LEDGER_INSUFFICIENT_FUNDS');
                  else {
                    assert.equal(typeof r, 'object', String(r));
                    m.held[c.p]! += c.amount;
                    m.holds.push({ id: (r as RequestResult).transfers[0]!.id, p: c.p, amount: c.amount, open: true });
                  }
                  break;
                }
                case 'post':
                case 'void': {
                  const h = m.holds[c.h % Math.max(m.holds.length, 1)];
                  if (!h) break;
                  const part = c.kind === 'post' ? Math.max(1, Math.floor((h.amount * c.part) / 100)) : 0;
                  const kk = key();
                  const r = await attempt(
                    () =>
                      c.kind === 'post'
                        ? ledger.submitPost({ scope: 'm', key: kk, pendingId: h.id, amount: part })
                        : ledger.submitVoid({ scope: 'm', key: kk, pendingId: h.id }),
                    () => ledger.submitPost({ scope: 'm', key: kk, pendingId: h.id, amount: part + 1 }),
                  );
                  if (!h.open) assert.equal(r, 'LEDGER_PENDING_CLOSED');
                  else {
                    assert.equal(typeof r, 'object', String(r));
                    h.open = false;
                    m.held[h.p]! -= h.amount;
                    if (c.kind === 'post') m.posted[h.p]! -= part;
                  }
                  break;
                }
                case 'replay': {
                  const s = sent[c.r % Math.max(sent.length, 1)];
                  if (!s) break;
                  const r = await s.send();
                  assert.equal(r.replayed, true);
                  assert.deepEqual(r.transfers, s.result.transfers);
                  break;
                }
                case 'conflict': {
                  const s = sent[c.r % Math.max(sent.length, 1)];
                  if (!s) break;
                  let code = 'OK';
                  try {
                    await s.conflicting();
                  } catch (e) {
                    code = isAppError(e) ? e.code : String(e);
                  }
                  assert.equal(code, 'LEDGER_IDEMPOTENCY_CONFLICT');
                  break;
                }
                case 'batch': {
                  const kk = key();
                  const transfers = [
                    { debit: acct(c.a), credit: revenue, asset: 'CNY' as const, amount: c.amountA, code: 'entry_fee' as const },
                    { debit: acct(c.b), credit: revenue, asset: 'CNY' as const, amount: c.amountB, code: 'entry_fee' as const },
                  ];
                  const r = await attempt(
                    () => ledger.submitBatch({ scope: 'm', key: kk, transfers }),
                    () => ledger.submitBatch({ scope: 'm', key: kk, transfers: transfers.slice(0, 1) }),
                  );
                  const okA = m.available(c.a) >= c.amountA;
                  const okB = c.a === c.b ? m.available(c.a) >= c.amountA + c.amountB : m.available(c.b) >= c.amountB;
                  if (!okA || !okB) assert.equal(r, 'LEDGER_INSUFFICIENT_FUNDS');
                  else {
                    assert.equal(typeof r, 'object', String(r));
                    m.posted[c.a]! -= c.amountA;
                    m.posted[c.b]! -= c.amountB;
                  }
                  break;
                }
                case 'bad': {
                  const r = await attempt(
                    () =>
                      ledger.submit({
                        scope: 'm',
                        key: key(),
                        debit: acct(c.p),
                        credit: revenue,
                        asset: 'CNY',
                        amount: c.amount as number,
                        code: 'room_fee',
                      }),
                    () => Promise.reject(new Error('unused')),
                  );
                  assert.equal(r, 'LEDGER_AMOUNT_INVALID');
                  break;
                }
              }
              for (let p = 0; p < PLAYERS; p += 1) {
                const b = (await ledger.balance(acct(p)))!;
                assert.deepEqual([b.postedFen, b.pendingDebitsFen], [m.posted[p], m.held[p]], `player ${p} after ${JSON.stringify(c)}`);
              }
            }
            const report = await ledger.checkInvariants();
            assert.deepEqual(report.problems, []);
          }),
          { numRuns: backend.name === 'sqlite' ? 16 : 8, seed: 20261123, endOnFailure: true },
        );
      });
    });
  }

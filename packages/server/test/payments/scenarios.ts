// Fault scenarios: one flow (deposit, withdrawal or refund) run end to end through the real API
// while the sandbox injects one fault, then driven to its end by time alone (the sandbox's
// retries and our sweeps), then checked: the ledger's invariants, exactly-once credits and
// debits, full returns on failure, and a clean reconciliation of every day it touched.
import assert from 'node:assert/strict';
import { isAppError } from '@fairground/core';
import type { FaultKind } from '@fairground/wechatpay-sandbox';
import { beijingDate, NOTIFY_PATH } from '../../src/payments/index.ts';
import { wallet, type World } from './world.ts';

export type Flow = 'deposit' | 'withdrawal' | 'refund';
export const FLOWS: readonly Flow[] = ['deposit', 'withdrawal', 'refund'];

/** Every fault the sandbox can inject. */
export const FAULTS: readonly FaultKind[] = [
  'http500-before',
  'http500-after',
  'http429-before',
  'http429-after',
  'slow',
  'drop-notification',
  'duplicate-notification',
  'delay-notification',
  'reorder-notifications',
  'bad-signature',
  'signtest',
  'stale-timestamp',
  'wrong-serial',
  'merchant-balance-low',
  'user-never-confirms',
  'user-cancels',
  'paid-after-expiry',
];

const SIGNATURE_FAULTS: readonly FaultKind[] = ['bad-signature', 'signtest', 'stale-timestamp', 'wrong-serial'];
const DAY_MS = 86_400_000;
const BEIJING_OFFSET_MS = 8 * 3600_000;
export const CLIENT_TIMEOUT_MS = 1000;

/** Faults a flow can meet (a refund never meets a payer or payee, a deposit never a transfer bill). */
export function applies(flow: Flow, fault: FaultKind): boolean {
  if (flow === 'deposit') return fault !== 'merchant-balance-low' && fault !== 'user-never-confirms';
  if (flow === 'withdrawal') return fault !== 'paid-after-expiry';
  return fault !== 'user-never-confirms' && fault !== 'user-cancels' && fault !== 'paid-after-expiry';
}

/** Pairwise cover: every (fault, flow) pair once, each backend meeting every fault and every flow. */
export function pairs(backendIndex: 0 | 1): { fault: FaultKind; flow: Flow }[] {
  const out: { fault: FaultKind; flow: Flow }[] = [];
  FAULTS.forEach((fault, i) => {
    FLOWS.forEach((flow, j) => {
      if ((i + j) % 2 === backendIndex) out.push({ fault, flow });
    });
  });
  return out;
}

function injectFault(w: World, fault: FaultKind): void {
  w.sandbox.faults.inject({ endpoint: '*', kind: fault, count: 1, ...(fault === 'slow' ? { ms: CLIENT_TIMEOUT_MS + 500 } : {}) });
  // Signature faults also hit a notification, so both directions of verification are exercised.
  if (SIGNATURE_FAULTS.includes(fault)) w.sandbox.faults.inject({ endpoint: `POST ${NOTIFY_PATH}`, kind: fault, count: 1 });
}

let players = 0;

async function fundedPlayer(w: World, amountFen: number): Promise<{ token: string; playerId: string; depositId: string }> {
  players += 1;
  const p = await w.t.readyPlayer(`fault${players}`);
  const r = await w.t.request('POST', '/api/payments/deposits', {
    token: p.token,
    body: { amountFen, channel: 'jsapi', idempotencyKey: `setup-deposit-${players}` },
  });
  assert.equal(r.status, 201, r.text);
  const id = (r.json.deposit as { id: string }).id;
  await w.sandbox.user.pay(id);
  await w.settle();
  assert.equal((await wallet(w.t, p.playerId)).postedFen, amountFen, 'setup deposit credited');
  return { ...p, depositId: id };
}

/** Moves time until `done()` or the budget is spent: 15 s steps at first, then minutes, then hours. */
async function driveUntil(w: World, done: () => Promise<boolean>, budgetMs: number): Promise<void> {
  let spent = 0;
  while (!(await done()) && spent < budgetMs) {
    const step = spent < 5 * 60_000 ? 15_000 : spent < 60 * 60_000 ? 5 * 60_000 : 60 * 60_000;
    w.clock.advanceMs(step);
    spent += step;
    await w.settle(2);
  }
}

/** Retries a sandbox user action until the order or bill exists there (our outbox may still be asking). */
async function whenExists(w: World, action: () => Promise<void>): Promise<boolean> {
  for (let i = 0; i < 20; i++) {
    try {
      await action();
      return true;
    } catch (e) {
      if (!isAppError(e) || !/NOT_FOUND/.test(e.code)) return false;
      w.clock.advanceMs(5_000);
      await w.settle(1);
    }
  }
  return false;
}

export interface ScenarioResult {
  readonly startDay: string;
}

async function count(w: World, sql: string, params: readonly (string | number)[]): Promise<number> {
  const rows = await w.t.store.reader.query<{ n: unknown }>(sql, params);
  return Number(rows[0]?.n ?? 0);
}

/** Ledger transfers made under one idempotency key. */
export function transfersWithKey(w: World, scope: string, key: string): Promise<number> {
  return count(w, 'SELECT COUNT(*) AS n FROM ledger_transfers WHERE scope = ? AND idem_key = ?', [scope, key]);
}

export async function runScenario(w: World, flow: Flow, fault: FaultKind): Promise<void> {
  const startMs = w.clock.nowMs();
  if (flow === 'deposit') await depositScenario(w, fault);
  else if (flow === 'withdrawal') await withdrawalScenario(w, fault);
  else await refundScenario(w, fault);
  if (applies(flow, fault)) assert.deepEqual(w.sandbox.faults.list(), [], `the ${fault} fault was met by the ${flow}`);
  w.sandbox.faults.clear();
  // Nothing is left waiting on the provider.
  assert.equal(await w.t.platform.payments.outbox.pendingCount(), 0, 'no provider call left pending');
  const inv = await w.t.platform.ledger.checkInvariants();
  assert.deepEqual(inv.problems, [], 'ledger invariants');
  await reconcileThrough(w, startMs);
}

/** Moves to 10:05 Beijing time of the next day and reconciles every day since `fromMs`: all clean. */
export async function reconcileThrough(w: World, fromMs: number, expectClean = true): Promise<void> {
  const now = w.clock.nowMs();
  const nextDayStart = Math.floor((now + BEIJING_OFFSET_MS) / DAY_MS) * DAY_MS - BEIJING_OFFSET_MS + DAY_MS;
  w.clock.setMs(Math.max(now, nextDayStart + 10 * 3600_000 + 5 * 60_000));
  await w.settle(1);
  for (let day = fromMs; beijingDate(day) < beijingDate(w.clock.nowMs()); day += DAY_MS) {
    const report = await w.t.platform.payments.reconciler.reconcileDay(beijingDate(day));
    if (expectClean) assert.deepEqual(report.items, [], `reconciliation of ${report.billDate} is clean`);
  }
}

async function depositScenario(w: World, fault: FaultKind): Promise<void> {
  players += 1;
  const p = await w.t.readyPlayer(`fault${players}`);
  injectFault(w, fault);
  const r = await w.t.request('POST', '/api/payments/deposits', {
    token: p.token,
    body: { amountFen: 5000, channel: 'jsapi', idempotencyKey: `deposit-${players}` },
  });
  assert.equal(r.status, 201, r.text);
  const id = (r.json.deposit as { id: string }).id;
  const payerPays = fault !== 'user-cancels' && fault !== 'paid-after-expiry';
  if (payerPays) assert.ok(await whenExists(w, () => w.sandbox.user.pay(id)), 'the payer could pay');
  const state = async () => (await w.t.platform.payments.deposits.get(id))?.state;
  await driveUntil(w, async () => (await state()) === 'paid' || (await state()) === 'closed', 40 * 60_000);
  // Late payments and retried notifications have had their chance.
  await driveUntil(w, async () => false, 30 * 60_000);
  const d = (await w.t.platform.payments.deposits.get(id))!;
  const expectPaid = payerPays || fault === 'paid-after-expiry';
  assert.equal(d.state, expectPaid ? 'paid' : 'closed', `deposit state under ${fault}`);
  assert.equal((await wallet(w.t, p.playerId)).postedFen, expectPaid ? 5000 : 0, 'credited exactly once (or not at all)');
  if (expectPaid)
    assert.equal(await transfersWithKey(w, 'payments.deposit', d.transactionId!), 1, 'one credit keyed by the transaction id');
}

async function withdrawalScenario(w: World, fault: FaultKind): Promise<void> {
  const p = await fundedPlayer(w, 5000);
  injectFault(w, fault);
  const r = await w.t.request('POST', '/api/payments/withdrawals', {
    token: p.token,
    body: { amountFen: 2000, idempotencyKey: `withdraw-${players}` },
  });
  assert.equal(r.status, 201, r.text);
  const id = (r.json.withdrawal as { id: string }).id;
  assert.equal((await wallet(w.t, p.playerId)).availableFen, 3000, 'the amount is held at once');
  const payeeConfirms = fault !== 'user-cancels' && fault !== 'user-never-confirms';
  if (payeeConfirms) assert.ok(await whenExists(w, () => w.sandbox.user.confirmTransfer(id)), 'the payee could confirm');
  const final = async () => ['succeeded', 'failed', 'cancelled'].includes((await w.t.platform.payments.withdrawals.get(id))!.state);
  await driveUntil(w, final, 26 * 3600_000);
  await driveUntil(w, async () => false, 30 * 60_000);
  const wd = (await w.t.platform.payments.withdrawals.get(id))!;
  assert.equal(wd.state, payeeConfirms ? 'succeeded' : 'failed', `withdrawal state under ${fault}`);
  const money = await wallet(w.t, p.playerId);
  assert.equal(money.pendingDebitsFen, 0, 'no hold left');
  assert.equal(money.postedFen, payeeConfirms ? 3000 : 5000, payeeConfirms ? 'debited exactly once' : 'returned in full');
  assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${id}.post`), payeeConfirms ? 1 : 0);
  assert.equal(await transfersWithKey(w, 'payments.withdrawal', `${id}.void`), payeeConfirms ? 0 : 1);
}

async function refundScenario(w: World, fault: FaultKind): Promise<void> {
  const p = await fundedPlayer(w, 5000);
  const op = await w.t.loginOperator(await w.t.createOperator(['finance']));
  injectFault(w, fault);
  const r = await w.t.request('POST', `/api/admin/payments/deposits/${p.depositId}/refunds`, {
    token: op,
    body: { amountFen: 1500, reason: `refund under ${fault}`, idempotencyKey: `refund-${players}` },
  });
  assert.equal(r.status, 201, r.text);
  const id = (r.json.refund as { id: string }).id;
  const final = async () => ['succeeded', 'failed'].includes((await w.t.platform.payments.refunds.get(id))!.state);
  await driveUntil(w, final, 3 * 3600_000);
  await driveUntil(w, async () => false, 30 * 60_000);
  const rf = (await w.t.platform.payments.refunds.get(id))!;
  assert.equal(rf.state, 'succeeded', `refund state under ${fault}`);
  const money = await wallet(w.t, p.playerId);
  assert.equal(money.pendingDebitsFen, 0, 'no hold left');
  assert.equal(money.postedFen, 3500, 'refunded amount debited exactly once');
  assert.equal(await transfersWithKey(w, 'payments.refund', `${id}.post`), 1);
  assert.equal((await w.t.platform.payments.deposits.get(p.depositId))!.refundedFen, 1500);
}

// How direct requests travel to a hosted ledger writer (SQLite's writer thread) and how that
// writer groups them: one message per turn of the event loop, at most two groups in flight,
// answers decoded to the same results and error codes,
// and a group sent behind a committing one kept apart from it. The handler here is a stand-in with
// answers released by hand, so nothing depends on timing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { AppError, isAppError, ManualClock } from '@fairground/core';
import { createSqliteStore } from '../adapters/sqlite/index.ts';
import type { HostedHandler } from '../storage/ports.ts';
import { LedgerErrors } from './errors.ts';
import { HostedLedgerClient } from './hosted-client.ts';
import {
  type DirectRequestInput,
  decodeAnswers,
  decodeGroup,
  decodeRequest,
  encodeAnswers,
  encodeError,
  encodeGroup,
  encodeRequest,
  encodeResult,
  type HostedRequest,
  type WireAnswers,
  type WireGroup,
} from './hosted-wire.ts';
import { Ledger, playerAccount, systemAccount, type TransferInput } from './index.ts';
import { LedgerWriter } from './writer.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-hosted-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A hosted handler whose answers are released by the test. */
function fakeHandler() {
  const calls: { request: HostedRequest; answer: (outcomes: WireAnswers) => void; fail: (e: unknown) => void }[] = [];
  const handler: HostedHandler = {
    call(request) {
      return new Promise((resolve, reject) => {
        calls.push({ request: request as HostedRequest, answer: resolve, fail: reject });
      });
    },
  };
  return { handler, calls };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

function req(i: number): DirectRequestInput {
  return {
    kind: 'transfer',
    input: {
      scope: 's',
      key: `k${i}`,
      debit: playerAccount('a', 'CNY'),
      credit: playerAccount('b', 'CNY'),
      asset: 'CNY',
      amount: i + 1,
      code: 'prize',
    },
  };
}

function groupOf(call: { request: HostedRequest }): readonly DirectRequestInput[] {
  assert.equal(call.request.kind, 'group');
  return decodeGroup((call.request as { requests: WireGroup }).requests);
}

it('sends the requests of one turn as one message and answers each on its own', async () => {
  const { handler, calls } = fakeHandler();
  const client = new HostedLedgerClient(handler, new ManualClock(0));
  const answers = [0, 1, 2].map((i) =>
    client.submit(req(i)).then(
      (v) => ({ ok: true as const, v }),
      (e: unknown) => ({ ok: false as const, e }),
    ),
  );
  assert.equal(calls.length, 0, 'nothing crosses before the end of the turn');
  await turn();
  assert.equal(calls.length, 1);
  assert.deepEqual(groupOf(calls[0]!).map(decodeRequest), [req(0), req(1), req(2)]);
  const transfers = [{ id: 'tr_1', amount: 1 }];
  calls[0]!.answer([
    encodeResult(JSON.stringify(transfers), false),
    encodeResult(JSON.stringify(transfers), true),
    encodeError(new AppError(LedgerErrors.LEDGER_INSUFFICIENT_FUNDS, { amount: 3 })),
  ]);
  const [a, b, c] = await Promise.all(answers);
  assert.deepEqual(a, { ok: true, v: { transfers, replayed: false } });
  assert.deepEqual(b, { ok: true, v: { transfers, replayed: true } });
  assert.ok(!c!.ok && isAppError(c!.e) && c!.e.code === 'LEDGER_INSUFFICIENT_FUNDS' && c!.e.status === 409);
  assert.deepEqual((c as { e: AppError }).e.details, { amount: 3 });
});

it('sends a group of plain requests as one JSON text and its answers as one, when every request succeeded', async () => {
  const { handler, calls } = fakeHandler();
  const client = new HostedLedgerClient(handler, new ManualClock(0));
  const answers = [0, 1].map((i) => client.submit(req(i)));
  await turn();
  const sent = (calls[0]!.request as { requests: WireGroup }).requests;
  assert.equal(typeof sent, 'string', 'one string crosses, not a list');
  assert.deepEqual(decodeGroup(sent), [req(0), req(1)]);
  const transfers = [{ id: 'tr_1', amount: 1, metadata: { room: 'r1' } }];
  const text = encodeAnswers([
    { ok: true, json: JSON.stringify(transfers), replayed: false },
    { ok: true, json: JSON.stringify(transfers), replayed: true },
  ]);
  assert.equal(typeof text, 'string');
  calls[0]!.answer(text);
  assert.deepEqual(await Promise.all(answers), [
    { transfers, replayed: false },
    { transfers, replayed: true },
  ]);
  // A failed request makes the answers a list, each outcome on its own.
  const mixed = encodeAnswers([
    { ok: true, json: '[]', replayed: false },
    { ok: false, error: new AppError(LedgerErrors.LEDGER_INSUFFICIENT_FUNDS, { amount: 3 }) },
  ]);
  assert.ok(Array.isArray(mixed));
  const [ok, failed] = decodeAnswers(mixed, 2);
  assert.deepEqual(ok, { ok: true, value: { transfers: [], replayed: false } });
  assert.ok(failed && !failed.ok && isAppError(failed.error) && failed.error.code === 'LEDGER_INSUFFICIENT_FUNDS');
  assert.throws(() => decodeAnswers(text, 3), /answered with 2 outcomes/);
  // A request JSON would change sends its group as a list, that request cloned as it is.
  const odd = { kind: 'transfer', input: { ...req(2).input, amount: 5n } } as unknown as DirectRequestInput;
  const list = encodeGroup([req(1), odd]);
  assert.ok(Array.isArray(list));
  assert.deepEqual(decodeGroup(list)[0], req(1));
  assert.equal(decodeGroup(list)[1], odd);
});

it('keeps at most two groups in flight: later requests wait and go together', async () => {
  const { handler, calls } = fakeHandler();
  const client = new HostedLedgerClient(handler, new ManualClock(0));
  const first = Array.from({ length: 40 }, (_, i) => client.submit(req(i)));
  await turn();
  assert.deepEqual(
    calls.map((c) => groupOf(c).length),
    [40],
    'callers that came back together commit together',
  );
  const second = Array.from({ length: 3 }, (_, i) => client.submit(req(100 + i)));
  await turn();
  assert.deepEqual(
    calls.map((c) => groupOf(c).length),
    [40, 3],
    'a second group goes while the first commits',
  );
  const later = Array.from({ length: 5 }, (_, i) => client.submit(req(200 + i)));
  await turn();
  assert.equal(calls.length, 2, 'both slots taken: the five wait');
  calls[0]!.answer(groupOf(calls[0]!).map(() => encodeResult('[]', false)));
  await Promise.all(first);
  await turn();
  assert.equal(calls.length, 3);
  assert.equal(groupOf(calls[2]!).length, 5, 'the five that waited go as one group');
  calls[1]!.answer(groupOf(calls[1]!).map(() => encodeResult('[]', false)));
  calls[2]!.answer(groupOf(calls[2]!).map(() => encodeResult('[]', false)));
  await Promise.all([...first, ...second, ...later]);
});

it('with directSplitMin, sends a crowd as two groups when nothing is in flight, and then keeps them apart', async () => {
  const { handler, calls } = fakeHandler();
  const client = new HostedLedgerClient(handler, new ManualClock(0), 8);
  const first = Array.from({ length: 40 }, (_, i) => client.submit(req(i)));
  await turn();
  assert.deepEqual(
    calls.map((c) => groupOf(c).length),
    [20, 20],
    'a crowd of 40 crosses as two halves',
  );
  assert.deepEqual(
    groupOf(calls[0]!).map(decodeRequest),
    Array.from({ length: 20 }, (_, i) => req(i)),
    'in arrival order',
  );
  calls[0]!.answer(groupOf(calls[0]!).map(() => encodeResult('[]', false)));
  await Promise.all(first.slice(0, 20));
  const again = Array.from({ length: 20 }, (_, i) => client.submit(req(100 + i)));
  await turn();
  assert.deepEqual(
    calls.map((c) => groupOf(c).length),
    [20, 20, 20],
    'with a group in flight the first half comes back and goes whole',
  );
  calls[1]!.answer(groupOf(calls[1]!).map(() => encodeResult('[]', false)));
  calls[2]!.answer(groupOf(calls[2]!).map(() => encodeResult('[]', false)));
  await Promise.all([...first, ...again]);
  const few = Array.from({ length: 7 }, (_, i) => client.submit(req(200 + i)));
  await turn();
  assert.equal(groupOf(calls[3]!).length, 7, 'fewer than directSplitMin go as one group');
  calls[3]!.answer(groupOf(calls[3]!).map(() => encodeResult('[]', false)));
  await Promise.all(few);
  assert.throws(() => new HostedLedgerClient(handler, new ManualClock(0), 1));
});

it('fails only the group whose message failed, and carries on', async () => {
  const { handler, calls } = fakeHandler();
  const client = new HostedLedgerClient(handler, new ManualClock(0));
  const lost = [client.submit(req(0)), client.submit(req(1))];
  await turn();
  const busy = new AppError({ code: 'STORE_BUSY', domain: 'storage', status: 503, retryable: true, message: 'busy' });
  calls[0]!.fail(busy);
  for (const p of lost) await assert.rejects(p, (e) => e === busy);
  const next = client.submit(req(2));
  await turn();
  assert.equal(calls.length, 2);
  calls[1]!.answer([encodeResult('[]', false)]);
  assert.deepEqual(await next, { transfers: [], replayed: false });
});

it('runs a group that arrives as one message at once, so a group sent behind it commits on its own', async () => {
  const store = createSqliteStore({ path: join(dir, 'groups.db'), writerThread: false });
  try {
    await store.migrate(Ledger.migrations);
    const ledger = new Ledger(store);
    await ledger.openSystemAccounts();
    await store.unitOfWork(async (tx) => {
      for (const p of ['a', 'b']) await ledger.openAccount(tx, playerAccount(p, 'CNY'));
    });
    await ledger.submit({
      scope: 'seed',
      key: 'a',
      debit: systemAccount('provider_clearing', 'CNY'),
      credit: playerAccount('a', 'CNY'),
      asset: 'CNY',
      amount: 1000,
      code: 'deposit',
    });
    const writer = new LedgerWriter(store, {}, { localConnection: true });
    const a = writer.submitMany([req(0), req(1), req(2)]);
    const b = writer.submitMany([req(3), req(4)]);
    const [ra, rb] = await Promise.all([a, b]);
    assert.ok([...ra, ...rb].every((o) => o.status === 'fulfilled'));
    assert.deepEqual(writer.directStats(), { groups: 2, requests: 5, transfers: 5 });
    // A replay is answered from its record: a request in a group, but no new transfer.
    const again = await writer.submitMany([req(0)]);
    assert.equal(again[0]!.status === 'fulfilled' && again[0]!.value.replayed, true);
    assert.deepEqual(writer.directStats(), { groups: 3, requests: 6, transfers: 5 });
    const report = await ledger.checkInvariants();
    assert.deepEqual(report.problems, []);
  } finally {
    await store.close();
  }
});

it('counts the groups of a writer hosted in the SQLite writer thread, one per turn of callers', async () => {
  const store = createSqliteStore({ path: join(dir, 'hosted.db') });
  try {
    await store.migrate(Ledger.migrations);
    const ledger = new Ledger(store);
    await ledger.openSystemAccounts();
    await store.unitOfWork(async (tx) => {
      for (const p of ['a', 'b']) await ledger.openAccount(tx, playerAccount(p, 'CNY'));
    });
    const before = await ledger.directStats();
    const inputs: TransferInput[] = Array.from({ length: 6 }, (_, i) => ({
      scope: 'count',
      key: `c${i}`,
      debit: systemAccount('provider_clearing', 'CNY'),
      credit: playerAccount(i % 2 ? 'a' : 'b', 'CNY'),
      asset: 'CNY',
      amount: 10 + i,
      code: 'deposit',
    }));
    const results = await Promise.all(inputs.map((input) => ledger.submit(input)));
    assert.deepEqual(
      results.map((r) => [r.replayed, r.transfers[0]!.amount]),
      inputs.map((t) => [false, t.amount]),
    );
    const after = await ledger.directStats();
    assert.deepEqual(
      { groups: after.groups - before.groups, requests: after.requests - before.requests, transfers: after.transfers - before.transfers },
      { groups: 1, requests: 6, transfers: 6 },
    );
    // Expected failures come back as the ledger's own errors.
    await assert.rejects(
      ledger.submit({
        ...inputs[0]!,
        key: 'too-much',
        debit: playerAccount('a', 'CNY'),
        credit: playerAccount('b', 'CNY'),
        amount: 1_000_000,
      }),
      (e) => isAppError(e) && e.code === 'LEDGER_INSUFFICIENT_FUNDS',
    );
  } finally {
    await store.close();
  }
});

it('sends plain requests as JSON text and anything JSON would change as it is', () => {
  const plain = req(1);
  assert.equal(typeof encodeRequest(plain), 'string');
  assert.deepEqual(decodeRequest(encodeRequest(plain)), plain);
  const withMetadata: DirectRequestInput = {
    kind: 'transfer',
    input: { ...plain.input, metadata: { room: 'r1', hand: 3, final: true } },
  } as DirectRequestInput;
  assert.deepEqual(decodeRequest(encodeRequest(withMetadata)), withMetadata);
  const odd = [
    { ...plain.input, amount: -0 },
    { ...plain.input, amount: Number.NaN },
    { ...plain.input, amount: 5n },
    { ...plain.input, metadata: { at: new Date(0) } },
    { ...plain.input, metadata: { gone: undefined } },
    { ...plain.input, pending: undefined },
  ];
  for (const input of odd) {
    const r = { kind: 'transfer', input } as unknown as DirectRequestInput;
    assert.equal(encodeRequest(r), r, 'cloned as it is, so validation sees the same value');
  }
});

it('stages a group synchronously yet leaves nothing of a linked batch that failed, for the requests after it', async () => {
  const store = createSqliteStore({ path: join(dir, 'sync-path.db'), writerThread: false });
  try {
    await store.migrate(Ledger.migrations);
    const ledger = new Ledger(store);
    await ledger.openSystemAccounts();
    await store.unitOfWork(async (tx) => {
      for (const p of ['a', 'b', 'c']) await ledger.openAccount(tx, playerAccount(p, 'CNY'));
    });
    for (const p of ['a', 'b']) {
      await ledger.submit({
        scope: 'seed',
        key: p,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(p, 'CNY'),
        asset: 'CNY',
        amount: 100,
        code: 'deposit',
      });
    }
    const writer = new LedgerWriter(store, {}, { localConnection: true });
    const move = (key: string, debit: string, amount: number): DirectRequestInput => ({
      kind: 'transfer',
      input: {
        scope: 'g',
        key,
        debit: playerAccount(debit, 'CNY'),
        credit: playerAccount('c', 'CNY'),
        asset: 'CNY',
        amount,
        code: 'prize',
      },
    });
    // One group: a's 80 is staged by the linked batch, then undone when b's 150 fails; a's own
    // transfer of 100 after it must still find a's full balance.
    const settled = await writer.submitMany([
      {
        kind: 'batch',
        input: {
          scope: 'g',
          key: 'pair',
          transfers: [
            { debit: playerAccount('a', 'CNY'), credit: playerAccount('c', 'CNY'), asset: 'CNY', amount: 80, code: 'prize' },
            { debit: playerAccount('b', 'CNY'), credit: playerAccount('c', 'CNY'), asset: 'CNY', amount: 150, code: 'prize' },
          ],
        },
      },
      move('a-all', 'a', 100),
      move('a-all', 'a', 100),
      move('a-all', 'a', 99),
    ]);
    assert.deepEqual(
      settled.map((o) =>
        o.status === 'fulfilled' ? (o.value.replayed ? 'replayed' : 'new') : isAppError(o.reason) ? o.reason.code : 'other',
      ),
      ['LEDGER_INSUFFICIENT_FUNDS', 'new', 'replayed', 'LEDGER_IDEMPOTENCY_CONFLICT'],
    );
    const balances = await Promise.all(['a', 'b', 'c'].map((p) => ledger.balance(playerAccount(p, 'CNY'))));
    assert.deepEqual(
      balances.map((b) => b?.availableFen),
      [0, 100, 100],
    );
    assert.deepEqual((await ledger.checkInvariants()).problems, []);
  } finally {
    await store.close();
  }
});

// The SQLite writer thread's ledger keeps the account rows and chain heads it committed between
// direct groups. It must never answer from a stale row: not after another domain's unit of work
// moved money through the same connection from the event loop, and not after another connection
// (another process) committed to the same file. Each case drains an account behind the cache's
// back and then asks for more than is left: a stale cache would let it through and leave the
// account negative.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { after, it } from 'node:test';
import { isAppError } from '@fairground/core';
import { createSqliteStore } from '../adapters/sqlite/index.ts';
import type { Store } from '../storage/ports.ts';
import { Ledger, playerAccount, systemAccount, type TransferInput } from './index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-rowcache-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const x = playerAccount('x', 'CNY');
const y = playerAccount('y', 'CNY');
let n = 0;
function move(amount: number): TransferInput {
  n += 1;
  return { scope: 'cache', key: `m${n}`, debit: x, credit: y, asset: 'CNY', amount, code: 'prize' };
}

async function seeded(store: Store, chainShards: number): Promise<Ledger> {
  await store.migrate(Ledger.migrations);
  const ledger = new Ledger(store, { chainShards });
  await ledger.openSystemAccounts();
  await store.unitOfWork(async (tx) => {
    await ledger.openAccount(tx, x);
    await ledger.openAccount(tx, y);
  });
  await ledger.submit({
    scope: 'cache',
    key: `seed${chainShards}`,
    debit: systemAccount('provider_clearing', 'CNY'),
    credit: x,
    asset: 'CNY',
    amount: 1000,
    code: 'deposit',
  });
  return ledger;
}

async function insufficient(p: Promise<unknown>): Promise<boolean> {
  try {
    await p;
    return false;
  } catch (e) {
    if (isAppError(e) && e.code === 'LEDGER_INSUFFICIENT_FUNDS') return true;
    throw e;
  }
}

for (const chainShards of [1, 4]) {
  it(`sees a unit of work that moved money through the same connection (${chainShards} chain shard(s))`, async () => {
    const store = createSqliteStore({ path: join(dir, `same-${chainShards}.db`) });
    try {
      const ledger = await seeded(store, chainShards);
      await ledger.submit(move(100)); // the thread now holds x at 900
      // Another domain's unit, run on the event loop, statement by statement through the thread's connection.
      await store.unitOfWork((tx) => ledger.transfer(tx, move(850)));
      assert.equal(await insufficient(ledger.submit(move(100))), true, 'only 50 left');
      await ledger.submit(move(50));
      assert.equal((await ledger.balance(x))?.availableFen, 0);
      // The chain too: the next direct transfer links to the unit's transfer, not the cached head.
      const report = await ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
    } finally {
      await store.close();
    }
  });

  it(`keeps nothing of a group rolled back whole (${chainShards} chain shard(s))`, async () => {
    const path = join(dir, `rolled-back-${chainShards}.db`);
    const store = createSqliteStore({ path });
    try {
      const ledger = await seeded(store, chainShards);
      // A transfer of 777 fen fails in the group's flush, after its balances were staged: the
      // whole transaction rolls back. Created from another connection before the cache is warm.
      const db = new DatabaseSync(path);
      db.exec('PRAGMA busy_timeout = 5000');
      db.exec("CREATE TRIGGER fail_777 BEFORE INSERT ON ledger_transfers WHEN NEW.amount = 777 BEGIN SELECT RAISE(ABORT, 'refused'); END");
      db.close();
      await ledger.submit(move(100)); // the thread now holds x at 900
      await assert.rejects(ledger.submit(move(777)), /refused/);
      // x is still 900: a cache that kept the rolled-back group's 123 would refuse this.
      await ledger.submit(move(850));
      assert.equal((await ledger.balance(x))?.availableFen, 50);
      assert.equal(await insufficient(ledger.submit(move(51))), true, 'only 50 left');
      assert.deepEqual((await ledger.checkInvariants()).problems, []);
    } finally {
      await store.close();
    }
  });

  it(`sees another connection's commits to the same file (${chainShards} chain shard(s))`, async () => {
    const path = join(dir, `other-${chainShards}.db`);
    const a = createSqliteStore({ path });
    const b = createSqliteStore({ path });
    try {
      const ledgerA = await seeded(a, chainShards);
      const ledgerB = new Ledger(b, { chainShards });
      await ledgerA.submit(move(100)); // A's thread holds x at 900
      await ledgerB.submit(move(850)); // B's thread: another connection, as another process would be
      assert.equal(await insufficient(ledgerA.submit(move(100))), true, 'only 50 left');
      await ledgerA.submit(move(50));
      assert.equal(
        await ledgerB.submit(move(1)).then(
          () => 'moved',
          (e) => (isAppError(e) ? e.code : String(e)),
        ),
        'LEDGER_INSUFFICIENT_FUNDS',
      );
      assert.equal((await ledgerA.balance(x))?.availableFen, 0);
      assert.deepEqual((await ledgerA.checkInvariants()).problems, []);
    } finally {
      await a.close();
      await b.close();
    }
  });
}

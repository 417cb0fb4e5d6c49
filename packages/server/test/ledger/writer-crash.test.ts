// The SQLite writer thread killed while requests are in flight: every transfer a caller saw
// acknowledged is in the database afterwards (read back by a fresh process's store), the
// requests that were in flight fail rather than hang, the store carries on with a new writer
// thread, and retrying the failed requests with their own keys moves each one exactly once.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { isAppError } from '@fairground/core';
import { createSqliteStore, sqliteWriterThread } from '../../src/adapters/sqlite/index.ts';
import { Ledger, playerAccount, type RequestResult, systemAccount, type TransferInput } from '../../src/ledger/index.ts';

const PLAYERS = 40;
const CALLERS = 32;
const ACKS_BEFORE_KILL = 300;
const dir = mkdtempSync(join(tmpdir(), 'fg-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const chainShards of [1, 4]) {
  it(`loses nothing acknowledged when the writer thread dies mid-batch (${chainShards} chain shard(s))`, async () => {
    const path = join(dir, `crash-${chainShards}.db`);
    const store = createSqliteStore({ path });
    await store.migrate(Ledger.migrations);
    const ledger = new Ledger(store, { chainShards });
    await ledger.openSystemAccounts();
    await store.unitOfWork(async (tx) => {
      for (let p = 0; p < PLAYERS; p += 1) await ledger.openAccount(tx, playerAccount(`c${p}`, 'CNY'));
    });
    for (let p = 0; p < PLAYERS; p += 1) {
      await ledger.submit({
        scope: 'seed',
        key: `c${p}`,
        debit: systemAccount('provider_clearing', 'CNY'),
        credit: playerAccount(`c${p}`, 'CNY'),
        asset: 'CNY',
        amount: 1_000_000,
        code: 'deposit',
      });
    }
    const thread = sqliteWriterThread(store);
    assert.ok(thread, 'a file store writes from a worker thread');

    const acknowledged = new Map<string, RequestResult>();
    const failed = new Map<string, TransferInput>();
    const failures: string[] = [];
    let killed: Promise<void> | null = null;
    let inFlightAtKill = 0;
    let inFlight = 0;
    const request = (c: number, i: number): TransferInput => ({
      scope: 'crash',
      key: `${c}-${i}`,
      debit: playerAccount(`c${(c + i) % PLAYERS}`, 'CNY'),
      credit:
        playerAccount(`c${(c + 7 * i + 1) % PLAYERS}`, 'CNY') === playerAccount(`c${(c + i) % PLAYERS}`, 'CNY')
          ? systemAccount('revenue', 'CNY')
          : playerAccount(`c${(c + 7 * i + 1) % PLAYERS}`, 'CNY'),
      asset: 'CNY',
      amount: 1 + ((c * 31 + i) % 97),
      code: 'prize',
    });
    async function caller(c: number): Promise<void> {
      // Each caller stops at its first failure: that request was in flight when the thread died.
      // A request still queued on this side when the thread died goes to the new thread and is
      // acknowledged there; its caller stops too, so every caller ends (none hangs).
      for (let i = 0; ; i += 1) {
        const input = request(c, i);
        inFlight += 1;
        try {
          const r = await ledger.submit(input);
          acknowledged.set(input.key, r);
          if (acknowledged.size === ACKS_BEFORE_KILL && !killed) {
            inFlightAtKill = inFlight - 1;
            killed = thread!.kill();
          } else if (killed) {
            return;
          }
        } catch (e) {
          failed.set(input.key, input);
          failures.push(isAppError(e) ? e.code : String(e));
          return;
        } finally {
          inFlight -= 1;
        }
      }
    }
    await Promise.all(Array.from({ length: CALLERS }, (_, c) => caller(c)));
    await killed;
    assert.ok(inFlightAtKill > 0, 'requests were in flight when the thread died');
    // The groups in flight when the thread died fail (at most two are in flight at once); the
    // callers behind them were answered by the new thread.
    assert.ok(failed.size <= CALLERS, `each caller failed at most once (${failed.size})`);
    assert.ok(
      failures.every((f) => f === 'STORE_BUSY'),
      failures.join(', '),
    );

    // The store carries on with a new thread; retried with their own keys, the failed requests
    // move money once each (a request that committed just before the thread died replays).
    for (const [key, input] of failed) {
      const r = await ledger.submit(input);
      acknowledged.set(key, r);
    }
    await store.close();

    // A fresh store on the file, as after a restart.
    const reopened = createSqliteStore({ path });
    try {
      const audit = new Ledger(reopened, { chainShards });
      assert.deepEqual((await audit.checkInvariants()).problems, []);
      for (const [key, r] of acknowledged) {
        const t = r.transfers[0]!;
        const stored = await audit.getTransfer(t.id);
        assert.ok(stored, `acknowledged transfer ${key} (${t.id}) is stored`);
        assert.equal(stored.amount, t.amount);
        const rows = await reopened.reader.query<{ n: unknown }>(
          "SELECT COUNT(*) AS n FROM ledger_transfers WHERE scope = 'crash' AND idem_key = ?",
          [key],
        );
        assert.equal(Number(rows[0]!.n), 1, `${key} moved money once`);
      }
      const total = await reopened.reader.query<{ n: unknown }>("SELECT COUNT(*) AS n FROM ledger_transfers WHERE scope = 'crash'");
      assert.equal(Number(total[0]!.n), acknowledged.size, 'nothing moved that no caller asked for');
    } finally {
      await reopened.close();
    }
  });
}

// The invariant check runs from the command line and fails the shell when the ledger is broken.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-cli-'));
const path = join(dir, 'ledger.db');
after(() => rmSync(dir, { recursive: true, force: true }));

function check(): { status: number | null; report: { ok: boolean; transfers: number; problems: string[] } } {
  const cli = new URL('../../src/ledger/cli.ts', import.meta.url).pathname;
  const env: NodeJS.ProcessEnv = { ...process.env, FAIRGROUND_SQLITE_PATH: path };
  delete env.DATABASE_URL;
  const r = spawnSync(process.execPath, [cli], { env, encoding: 'utf8' });
  return { status: r.status, report: JSON.parse(r.stdout) };
}

it('reports a sound ledger with exit 0 and a tampered one with exit 1', async () => {
  const store = createSqliteStore({ path });
  await store.migrate(Ledger.migrations);
  const ledger = new Ledger(store);
  await ledger.openSystemAccounts();
  await store.unitOfWork((tx) => ledger.openAccount(tx, playerAccount('cli', 'CNY')));
  await ledger.submit({
    scope: 'cli',
    key: 'one',
    debit: systemAccount('provider_clearing', 'CNY'),
    credit: playerAccount('cli', 'CNY'),
    asset: 'CNY',
    amount: 100,
    code: 'deposit',
  });
  const good = check();
  assert.equal(good.status, 0);
  assert.equal(good.report.ok, true);
  assert.equal(good.report.transfers, 1);
  await store.unitOfWork(async (tx) => {
    await tx.run("UPDATE ledger_accounts SET credits_posted = credits_posted + 1 WHERE id = 'player:cli:CNY'");
  });
  await store.close();
  const bad = check();
  assert.equal(bad.status, 1);
  assert.ok(bad.report.problems.some((p) => p.includes('player:cli:CNY')));
});

it('verifies every chain shard and the roots: a tampered root fails the shell', async () => {
  const shardedPath = join(dir, 'sharded.db');
  const store = createSqliteStore({ path: shardedPath });
  await store.migrate(Ledger.migrations);
  const ledger = new Ledger(store, { chainShards: 4 });
  await ledger.openSystemAccounts();
  for (let p = 0; p < 8; p += 1) {
    await store.unitOfWork((tx) => ledger.openAccount(tx, playerAccount(`s${p}`, 'CNY')));
    await ledger.submit({
      scope: 'cli',
      key: `s${p}`,
      debit: systemAccount('provider_clearing', 'CNY'),
      credit: playerAccount(`s${p}`, 'CNY'),
      asset: 'CNY',
      amount: 100,
      code: 'deposit',
    });
  }
  await ledger.sealRoot();
  const cli = new URL('../../src/ledger/cli.ts', import.meta.url).pathname;
  const run = () => {
    const env: NodeJS.ProcessEnv = { ...process.env, FAIRGROUND_SQLITE_PATH: shardedPath };
    delete env.DATABASE_URL;
    const r = spawnSync(process.execPath, [cli], { env, encoding: 'utf8' });
    return { status: r.status, report: JSON.parse(r.stdout) as { ok: boolean; problems: string[]; shards: unknown[]; roots: number } };
  };
  const good = run();
  assert.equal(good.status, 0);
  assert.equal(good.report.shards.length, 4);
  assert.equal(good.report.roots, 1);
  await store.unitOfWork((tx) => tx.run("UPDATE ledger_roots SET heads = replace(heads, '[[0,', '[[0,1') WHERE seq = 1"));
  await store.close();
  const bad = run();
  assert.equal(bad.status, 1);
  assert.ok(bad.report.problems.includes('root 1 hash does not verify (row altered)'), bad.report.problems.join('; '));
});

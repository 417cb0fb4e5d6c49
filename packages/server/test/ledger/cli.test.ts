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

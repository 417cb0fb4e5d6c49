// Concurrency: 2 processes × 8 callers on a few hot, low-balance accounts — on PostgreSQL with 8
// writer connections each, and on one SQLite file shared by both processes — with one chain
// shard and with four. Afterwards no balance is negative, every asset sums to zero, the
// successes the callers saw equal the money that moved, and no caller saw a deadlock or
// serialization error.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { after, it } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';

const PROCESSES = 2;
const CALLERS = 8;
const OPS = 60;
const PLAYERS = 4;
const START_FEN = 1500;
const schemas: string[] = [];
const dir = mkdtempSync(join(tmpdir(), 'fg-conc-'));

after(async () => {
  for (const schema of schemas) await dropSchema(schema);
  rmSync(dir, { recursive: true, force: true });
});

function runWorker(
  url: string,
  schema: string,
  shards: number,
  name: string,
): Promise<{ succeeded: number; movedFen: number; errors: Record<string, number> }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        new URL('./concurrency-worker.ts', import.meta.url).pathname,
        url,
        schema,
        name,
        String(CALLERS),
        String(OPS),
        String(PLAYERS),
        String(shards),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`worker ${name} exited ${code}`));
      else resolve(JSON.parse(out.trim().split('\n').pop()!));
    });
  });
}

for (const backend of ['postgres', 'sqlite'] as const)
  for (const shards of [1, 4]) {
    it(`keeps hot low-balance accounts consistent under 2 processes × 8 callers on ${backend} with ${shards} chain shard(s)`, async () => {
      const schema = `t_conc_${randomBytes(4).toString('hex')}`;
      const url = backend === 'postgres' ? TEST_PG_URL : `sqlite:${join(dir, `${schema}.db`)}`;
      if (backend === 'postgres') schemas.push(schema);
      const store =
        backend === 'postgres' ? await createPostgresStore({ url, schema }) : createSqliteStore({ path: url.slice('sqlite:'.length) });
      await store.migrate(Ledger.migrations);
      const ledger = new Ledger(store, { chainShards: shards });
      await ledger.openSystemAccounts();
      await store.unitOfWork(async (tx) => {
        for (let p = 0; p < PLAYERS; p += 1) await ledger.openAccount(tx, playerAccount(`hot${p}`, 'CNY'));
      });
      for (let p = 0; p < PLAYERS; p += 1) {
        await ledger.submit({
          scope: 'seed',
          key: `hot${p}`,
          debit: systemAccount('provider_clearing', 'CNY'),
          credit: playerAccount(`hot${p}`, 'CNY'),
          asset: 'CNY',
          amount: START_FEN,
          code: 'deposit',
        });
      }
      const results = await Promise.all(Array.from({ length: PROCESSES }, (_, i) => runWorker(url, schema, shards, `w${i}`)));
      const succeeded = results.reduce((a, r) => a + r.succeeded, 0);
      const movedFen = results.reduce((a, r) => a + r.movedFen, 0);
      const errors: Record<string, number> = {};
      for (const r of results) for (const [k, v] of Object.entries(r.errors)) errors[k] = (errors[k] ?? 0) + v;
      console.log(`concurrency: ${succeeded} succeeded, ${JSON.stringify(errors)}`);
      // The only failure a caller may see is a real lack of funds.
      assert.deepEqual(
        Object.keys(errors).filter((k) => k !== 'LEDGER_INSUFFICIENT_FUNDS'),
        [],
      );
      assert.equal(succeeded + (errors.LEDGER_INSUFFICIENT_FUNDS ?? 0), PROCESSES * CALLERS * OPS);
      assert.ok(succeeded > 0 && (errors.LEDGER_INSUFFICIENT_FUNDS ?? 0) > 0, 'the accounts were hot and low enough to run dry');

      const rows = await store.reader.query<{ n: string; total: string }>(
        "SELECT COUNT(*) AS n, COALESCE(SUM(amount), 0) AS total FROM ledger_transfers WHERE scope = 'conc'",
      );
      assert.equal(Number(rows[0]!.n), succeeded);
      assert.equal(Number(rows[0]!.total), movedFen);
      for (let p = 0; p < PLAYERS; p += 1) {
        const b = (await ledger.balance(playerAccount(`hot${p}`, 'CNY')))!;
        assert.ok(b.postedFen >= 0, `hot${p} is at ${b.postedFen}`);
      }
      const report = await ledger.checkInvariants();
      assert.deepEqual(report.problems, []);
      await store.close();
    });
  }

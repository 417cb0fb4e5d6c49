// The restore drill: a platform keeps moving money while `fairground backup` copies its database;
// the copy is restored with `fairground restore` into a fresh place — a new SQLite file, or a
// throwaway PostgreSQL cluster made with pg_createcluster on a free port — and a platform started
// on it passes the ledger's invariant check and holds every transfer acknowledged before the
// backup began.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { systemClock } from '@fairground/core';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { createPlatform, type Platform } from '../../src/app.ts';
import { loadPolicyFile } from '../../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../../src/config.ts';
import { Ledger, playerAccount, systemAccount } from '../../src/ledger/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';
import { testAdapters } from '../helpers/adapters.ts';
import { testConfig } from '../helpers/platform.ts';

const CLI = new URL('../../src/cli.ts', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'fg-drill-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const SECRETS = { sessionSecret: randomBytes(32).toString('base64url'), dataKey: randomBytes(32) };

function cli(args: string[], env: Record<string, string>): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], {
      env: { PATH: process.env.PATH ?? '', FAIRGROUND_DATA_DIR: join(dir, 'data'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (status) => resolve({ status, stdout, stderr }));
  });
}

async function platformOn(store: Store): Promise<Platform> {
  return createPlatform({
    config: testConfig(SECRETS),
    store,
    clock: systemClock,
    policy: loadPolicyFile(DEVELOPMENT_POLICY_FILE),
    logger: false,
    adapters: testAdapters(systemClock),
  });
}

/** Moves money until stopped; returns the ids of the transfers acknowledged before each moment asked about. */
function keepPaying(platform: Platform, playerId: string) {
  const acked: { id: string; atMs: number }[] = [];
  let stop = false;
  let n = 0;
  const done = (async () => {
    while (!stop) {
      const key = `drill-${n++}`;
      const r = await platform.store.unitOfWork((tx) =>
        platform.ledger.transfer(tx, {
          scope: 'drill',
          key,
          debit: systemAccount('adjustments', 'CNY'),
          credit: playerAccount(playerId, 'CNY'),
          asset: 'CNY',
          amount: 1 + (n % 97),
          code: 'adjustment',
          metadata: { reason: 'restore drill' },
        }),
      );
      acked.push({ id: r.transfers[0]?.id as string, atMs: performance.now() });
      // The embedded store can answer without I/O: let timers and child processes have their turn.
      await new Promise((r) => setImmediate(r));
    }
  })();
  return {
    ackedBefore: (ms: number) => acked.filter((a) => a.atMs < ms).map((a) => a.id),
    async stop() {
      stop = true;
      await done;
      return acked.length;
    },
  };
}

async function verify(store: Store, ids: readonly string[]): Promise<void> {
  const report = await new Ledger(store).checkInvariants();
  assert.equal(report.ok, true, JSON.stringify(report).slice(0, 500));
  for (let i = 0; i < ids.length; i += 200) {
    const batch = ids.slice(i, i + 200);
    const rows = await store.reader.query<{ id: string }>(
      `SELECT id FROM ledger_transfers WHERE id IN (${batch.map(() => '?').join(', ')})`,
      batch,
    );
    assert.equal(rows.length, batch.length, 'every transfer acknowledged before the backup began is in the restore');
  }
  // A platform starts on the restored database and answers.
  const restored = await platformOn(store);
  try {
    const health = await restored.app.inject({ method: 'GET', url: '/api/health' });
    assert.equal(health.statusCode, 200, health.body);
  } finally {
    await restored.close();
  }
}

async function playerOn(platform: Platform): Promise<string> {
  const code = await platform.app.inject({ method: 'POST', url: '/api/sandbox/wechat/codes', payload: { kind: 'h5', user: 'drill' } });
  const login = await platform.app.inject({
    method: 'POST',
    url: '/api/auth/wechat/login',
    payload: { kind: 'h5', code: code.json().code },
  });
  return (login.json() as { player: { id: string } }).player.id;
}

describe('restore drill', () => {
  it('SQLite: a backup taken mid-play restores into a fresh file with every acknowledged transfer', async () => {
    const source = join(dir, 'live.db');
    const store = createSqliteStore({ path: source });
    const platform = await platformOn(store);
    const playerId = await playerOn(platform);
    const payer = keepPaying(platform, playerId);
    await new Promise((r) => setTimeout(r, 300));
    const startedAt = performance.now();
    const backup = await cli(['backup', '--to', join(dir, 'sqlite.backup')], { DATABASE_URL: `sqlite:${source}` });
    assert.equal(backup.status, 0, backup.stderr);
    const moved = await payer.stop();
    const before = payer.ackedBefore(startedAt);
    assert.ok(before.length > 0 && moved > before.length, `money kept moving during the backup (${before.length} before, ${moved} in all)`);
    await platform.close();
    await store.close();

    const target = join(dir, 'restored.db');
    const refused = await cli(['restore', '--from', join(dir, 'sqlite.backup')], { DATABASE_URL: `sqlite:${source}` });
    assert.equal(refused.status, 1, 'a restore never overwrites a live database without --force');
    const restore = await cli(['restore', '--from', join(dir, 'sqlite.backup')], { DATABASE_URL: `sqlite:${target}` });
    assert.equal(restore.status, 0, restore.stderr);
    const restored = createSqliteStore({ path: target });
    try {
      await verify(restored, before);
    } finally {
      await restored.close();
    }
  });

  it('PostgreSQL: a pg_dump taken mid-play restores into a throwaway cluster with every acknowledged transfer', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const store = await createPostgresStore({ url: TEST_PG_URL, schema });
    const platform = await platformOn(store);
    const playerId = await playerOn(platform);
    const payer = keepPaying(platform, playerId);
    await new Promise((r) => setTimeout(r, 300));
    const startedAt = performance.now();
    const file = join(dir, 'pg.backup');
    const backup = await cli(['backup', '--to', file], { DATABASE_URL: TEST_PG_URL, FAIRGROUND_PG_SCHEMA: schema });
    assert.equal(backup.status, 0, backup.stderr);
    const moved = await payer.stop();
    const before = payer.ackedBefore(startedAt);
    assert.ok(before.length > 0 && moved > before.length, `money kept moving during the backup (${before.length} before, ${moved} in all)`);
    await platform.close();
    await store.close();
    await dropSchema(schema);

    // A cluster of its own, on a free port, with nothing in it.
    const version = readdirSync('/etc/postgresql')[0] as string;
    const name = `drill${randomBytes(4).toString('hex')}`;
    const port = await freePort();
    execFileSync('pg_createcluster', [version, name, '-p', String(port), '--start', '--', '--auth=trust'], { stdio: 'ignore' });
    try {
      const admin = `postgres://postgres@127.0.0.1:${port}/postgres`;
      execFileSync('psql', [admin, '-q', '-c', 'CREATE DATABASE drill'], { stdio: 'ignore' });
      const url = `postgres://postgres@127.0.0.1:${port}/drill`;
      const restore = await cli(['restore', '--from', file], { DATABASE_URL: url, FAIRGROUND_PG_SCHEMA: schema });
      assert.equal(restore.status, 0, restore.stderr);
      const again = await cli(['restore', '--from', file], { DATABASE_URL: url, FAIRGROUND_PG_SCHEMA: schema });
      assert.equal(again.status, 1, 'a restore never overwrites a platform without --force');
      const restored = await createPostgresStore({ url, schema });
      try {
        await verify(restored, before);
      } finally {
        await restored.close();
      }
    } finally {
      execFileSync('pg_dropcluster', ['--stop', version, name], { stdio: 'ignore' });
    }
  });
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

// A root survives a kill -9 between the time-stamp request and the token's storage, on SQLite and
// PostgreSQL: a real `fairground` process (main.ts) runs the notary.attest job against a local TSA
// in this test process, which holds its answer; the node is killed while it waits. The root and
// every hand's inclusion proof were stored before the request, so after a restart the node asks
// again for the same root (a fresh nonce, a fresh token) and nothing is rebuilt differently.
import assert from 'node:assert/strict';
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { systemClock } from '@fairground/core';
import { startTsaSandbox, type TsaSandbox } from '@fairground/timestamp';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import { prepareStore } from '../../src/app.ts';
import { NotaryService } from '../../src/notary/index.ts';
import { recordLeafHash } from '../../src/rooms/history.ts';
import type { Store } from '../../src/storage/ports.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';
import { localTsaAuthority } from '../helpers/tsa.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
/** Bounds of real waiting: they only stop a broken test from hanging. */
const WAIT_MS_MAX = 30_000;

async function until(check: () => boolean | Promise<boolean>, label: string, logs: () => string): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}:\n${logs().slice(-3000)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

interface Backend {
  readonly name: string;
  readonly env: Record<string, string>;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

const dir = mkdtempSync(join(tmpdir(), 'fg-notary-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const backends: (() => Backend)[] = [
  () => {
    const path = join(mkdtempSync(join(dir, 'sqlite-')), 'fairground.db');
    return {
      name: 'sqlite',
      env: { DATABASE_URL: `sqlite:${path}` },
      open: async () => createSqliteStore({ path }),
      cleanup: async () => {},
    };
  },
  () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    return {
      name: 'postgres',
      env: { DATABASE_URL: TEST_PG_URL, FAIRGROUND_PG_SCHEMA: schema },
      open: () => createPostgresStore({ url: TEST_PG_URL, schema, clock: systemClock }),
      cleanup: () => dropSchema(schema),
    };
  },
];

const sha = (s: string) => createHash('sha256').update(s).digest('hex');

for (const make of backends) {
  const backend = make();
  describe(`notary roots across a kill -9 on ${backend.name}`, () => {
    let tsa: TsaSandbox;
    let store: Store;
    const procs: ChildProcess[] = [];
    after(async () => {
      for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill('SIGKILL');
      await tsa?.close();
      await store?.close();
      await backend.cleanup();
    });

    const start = (name: string, chainFile: string) => {
      const proc = spawn(process.execPath, [MAIN], {
        env: {
          PATH: process.env.PATH ?? '',
          NODE_ENV: 'test',
          PORT: '0',
          HOST: '127.0.0.1',
          LOG_LEVEL: 'info',
          ...backend.env,
          FAIRGROUND_DATA_DIR: join(dir, `${backend.name}-${name}`),
          FAIRGROUND_SESSION_SECRET: 'crash-test-session-secret-of-some-length',
          FAIRGROUND_KYC_KEY: 'ab'.repeat(32),
          FAIRGROUND_WECHATPAY: 'off',
          FAIRGROUND_NPPA: 'off',
          FAIRGROUND_SERVE_CLIENTS: '0',
          FAIRGROUND_NODE_ID: name,
          FAIRGROUND_TSA_URL: tsa.url,
          FAIRGROUND_TSA_CHAIN_FILE: chainFile,
          // Long enough that the node is still waiting for the held answer when it is killed.
          FAIRGROUND_TSA_TIMEOUT_MS: '60000',
          FAIRGROUND_JOB_INTERVALS_MS: 'notary.attest=200',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      procs.push(proc);
      let logs = '';
      proc.stdout?.on('data', (d: Buffer) => {
        logs += d.toString();
      });
      proc.stderr?.on('data', (d: Buffer) => {
        logs += d.toString();
      });
      const exited = new Promise<void>((r) => proc.once('exit', () => r()));
      return { proc, logs: () => logs, exited };
    };

    it('asks again for the same root after the node died waiting for its token, and loses nothing', async () => {
      tsa = await startTsaSandbox({ clock: systemClock });
      const chainFile = join(dir, `${backend.name}-chain.pem`);
      writeFileSync(chainFile, tsa.chainPem);
      store = await backend.open();
      await prepareStore(store, systemClock);
      const notary = new NotaryService({
        store,
        clock: systemClock,
        authority: localTsaAuthority(tsa, systemClock),
        log: { info: () => {}, warn: () => {}, error: () => {} },
        lagAlertMs: 600_000,
      });
      // Five finished hands of one room, queued as the rooms domain queues them.
      const records = [1, 2, 3, 4, 5].map((n) => JSON.stringify({ v: 1, roomId: 'room_crash', handNumber: n, result: `r${n}` }));
      let head = sha('fairground/rooms/hand-chain/room_crash');
      await store.unitOfWork(async (tx) => {
        for (const [i, json] of records.entries()) {
          head = sha(`${head}:${sha(json)}`);
          await notary.port.enqueue(tx, [
            { chainId: 'room_crash', seq: i + 1, headHash: head, leafHash: recordLeafHash(json), atMs: tx.nowMs },
          ]);
        }
      });

      // The TSA holds its answer to the first query; the node is killed while it waits.
      tsa.faults.inject({ kind: 'slow', ms: 60_000, count: 1 });
      const first = start('n1', chainFile);
      await until(() => tsa.faults.list().length === 0, 'the node to ask the TSA', first.logs);
      const roots = await store.reader.query<{ id: unknown; root_hash: string; state: string; tree_size: unknown }>(
        'SELECT id, root_hash, state, tree_size FROM notary_roots',
      );
      assert.equal(roots.length, 1, 'the root was stored before the TSA was asked');
      const root = roots[0] as (typeof roots)[number];
      assert.equal(root.state, 'waiting');
      assert.equal(Number(root.tree_size), 5);
      const proofsBefore = await store.reader.query<{ seq: unknown; leaf_index: unknown; proof: string }>(
        'SELECT seq, leaf_index, proof FROM notary_leaves ORDER BY seq',
      );
      assert.equal(proofsBefore.length, 5, 'every hand has its inclusion proof before the request');
      first.proc.kill('SIGKILL');
      await first.exited;
      assert.equal(first.proc.signalCode, 'SIGKILL');

      // Restarted, the node asks again for the same root and stores the token beside it.
      const second = start('n2', chainFile);
      await until(
        async () => (await store.reader.query("SELECT 1 AS x FROM notary_roots WHERE state = 'attested'")).length === 1,
        'the root to be attested after the restart',
        second.logs,
      );
      second.proc.kill('SIGTERM');
      await second.exited;
      const after_ = await store.reader.query<{ id: unknown; root_hash: string; state: string; attempts: unknown }>(
        'SELECT id, root_hash, state, attempts FROM notary_roots',
      );
      assert.equal(after_.length, 1, 'no second root: the waiting one was asked for again');
      assert.equal(after_[0]?.root_hash, root.root_hash, 'the same root');
      assert.equal(Number(after_[0]?.id), Number(root.id));
      assert.deepEqual(
        await store.reader.query('SELECT seq, leaf_index, proof FROM notary_leaves ORDER BY seq'),
        proofsBefore,
        'proofs unchanged',
      );
      assert.equal((await store.reader.query('SELECT 1 AS x FROM notary_queue')).length, 0, 'the queue is empty');

      // Every hand verifies, with our verifier and with openssl.
      for (const [i, json] of records.entries()) {
        const bundle = await notary.bundle('room_crash', i + 1, json);
        assert.equal(bundle.root, root.root_hash);
        const work = mkdtempSync(join(dir, 'bundle-'));
        writeFileSync(join(work, 'token.der'), Buffer.from(bundle.token, 'base64'));
        writeFileSync(join(work, 'chain.pem'), bundle.tsaChain);
        writeFileSync(join(work, 'ca.pem'), tsa.caCertPem);
        const out = execFileSync(
          'openssl',
          ['ts', '-verify', '-digest', bundle.root, '-token_in', '-in', 'token.der', '-CAfile', 'ca.pem', '-untrusted', 'chain.pem'],
          { cwd: work, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] },
        );
        assert.match(out, /Verification: OK/);
      }
    });
  });
}

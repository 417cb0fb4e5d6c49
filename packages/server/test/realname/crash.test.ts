// Play reports survive a kill -9 of the node that sends them, on SQLite and PostgreSQL: real
// `fairground` processes (main.ts) report to an NPPA sandbox over HTTP. A batch NPPA recorded
// but whose answer the node never read (the node was killed while waiting) is sent again after
// restart — the one duplicate, which the sandbox counts — and a report the dead node had queued
// but not sent arrives after restart, once. Logins reported before the crash are not sent again.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { systemClock } from '@fairground/core';
import { type NppaSandbox, startNppaSandbox } from '@fairground/nppa/sandbox';
import { createPostgresStore } from '../../src/adapters/postgres/index.ts';
import { createSqliteStore } from '../../src/adapters/sqlite/index.ts';
import type { Store } from '../../src/storage/ports.ts';
import { dropSchema, TEST_PG_URL } from '../../src/adapters/testing.ts';

const MAIN = new URL('../../src/main.ts', import.meta.url).pathname;
/** Bounds of real waiting: they only stop a broken test from hanging. */
const START_MS_MAX = 60_000;
const WAIT_MS_MAX = 20_000;

async function until(check: () => boolean | Promise<boolean>, label: string): Promise<void> {
  const deadline = Date.now() + WAIT_MS_MAX;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${label}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

class Node {
  readonly proc: ChildProcess;
  logs = '';
  url = '';
  readonly exited: Promise<void>;
  constructor(proc: ChildProcess) {
    this.proc = proc;
    const keep = (d: Buffer) => {
      this.logs += d.toString();
    };
    proc.stdout?.on('data', keep);
    proc.stderr?.on('data', keep);
    this.exited = new Promise((r) => proc.once('exit', () => r()));
  }
  async ready(): Promise<void> {
    const deadline = Date.now() + START_MS_MAX;
    for (;;) {
      const m = /"url":"(http:\/\/127\.0\.0\.1:\d+)"[^\n]*fairground ready/.exec(this.logs);
      if (m?.[1]) {
        this.url = m[1];
        return;
      }
      if (this.proc.exitCode !== null || Date.now() > deadline) {
        this.proc.kill('SIGKILL');
        throw new Error(`node did not start:\n${this.logs.slice(-3000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
  async call(method: string, path: string, body?: unknown, token?: string): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  async kill9(): Promise<void> {
    this.proc.kill('SIGKILL');
    await this.exited;
  }
  async stop(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    this.proc.kill('SIGTERM');
    await this.exited;
  }
}

interface Backend {
  readonly name: string;
  readonly env: Record<string, string>;
  open(): Promise<Store>;
  cleanup(): Promise<void>;
}

function sqlite(dir: string): Backend {
  const path = join(dir, 'fairground.db');
  return {
    name: 'sqlite',
    env: { DATABASE_URL: `sqlite:${path}` },
    open: async () => createSqliteStore({ path }),
    cleanup: async () => {},
  };
}

function postgres(): Backend {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  return {
    name: 'postgres',
    env: { DATABASE_URL: TEST_PG_URL, FAIRGROUND_PG_SCHEMA: schema },
    open: () => createPostgresStore({ url: TEST_PG_URL, schema, clock: systemClock }),
    cleanup: () => dropSchema(schema),
  };
}

const dir = mkdtempSync(join(tmpdir(), 'fg-realname-crash-'));
after(() => rmSync(dir, { recursive: true, force: true }));

for (const make of [() => sqlite(mkdtempSync(join(dir, 'sqlite-'))), postgres]) {
  const backend = make();
  describe(`play reports across a kill -9 on ${backend.name}`, () => {
    let sandbox: NppaSandbox;
    const nodes: Node[] = [];
    after(async () => {
      for (const n of nodes) if (n.proc.exitCode === null && n.proc.signalCode === null) await n.kill9();
      await sandbox?.close();
      await backend.cleanup();
    });

    const start = async (name: string): Promise<Node> => {
      const env: Record<string, string> = {
        PATH: process.env.PATH ?? '',
        NODE_ENV: 'test',
        PORT: '0',
        HOST: '127.0.0.1',
        LOG_LEVEL: 'info',
        ...backend.env,
        FAIRGROUND_DATA_DIR: join(dir, `${backend.name}-${name}`),
        FAIRGROUND_SESSION_SECRET: 'crash-test-session-secret-of-some-length',
        FAIRGROUND_KYC_KEY: 'ab'.repeat(32),
        FAIRGROUND_DEV_LOGIN: '1',
        FAIRGROUND_WECHATPAY: 'off',
        FAIRGROUND_SERVE_CLIENTS: '0',
        FAIRGROUND_RATE_LIMIT_PER_10S: '0',
        FAIRGROUND_NODE_ID: name,
        FAIRGROUND_NPPA: 'nppa',
        FAIRGROUND_NPPA_APP_ID: sandbox.appId,
        FAIRGROUND_NPPA_BIZ_ID: sandbox.bizId,
        FAIRGROUND_NPPA_SECRET_KEY: sandbox.secretKey,
        FAIRGROUND_NPPA_BASE_URL: sandbox.baseUrl,
        // Long enough that the node is still waiting for the held answer when it is killed.
        FAIRGROUND_NPPA_TIMEOUT_MS: '30000',
        FAIRGROUND_JOB_INTERVALS_MS: 'realname.report=200,realname.verify=200',
      };
      const node = new Node(spawn(process.execPath, [MAIN], { env, stdio: ['ignore', 'pipe', 'pipe'] }));
      nodes.push(node);
      await node.ready();
      return node;
    };

    it('sends again only the batch whose answer the dead node never read, and delivers what it had queued', async () => {
      sandbox = await startNppaSandbox({ rateLimits: { loginoutPerSecond: 1000 } });
      const people = ['吴一', '吴二', '吴三'].map((name, i) => sandbox.registerIdentity({ name, birthDate: `198${i}-02-02` }));
      const a = await start('a');
      const tokens: string[] = [];
      for (const [i, person] of people.entries()) {
        const login = await a.call('POST', '/api/auth/dev/login', { handle: `crash${i}` });
        const token = (login.json.tokens as { accessToken: string }).accessToken;
        await a.call('POST', '/api/me/terms', { version: '2026-01' }, token);
        const kyc = await a.call('POST', '/api/me/kyc', { realName: person.name, idNumber: person.idNum }, token);
        assert.equal(kyc.json.status, 'verified', JSON.stringify(kyc.json));
        await a.call('GET', '/api/me', undefined, token);
        tokens.push(token);
      }
      await until(() => sandbox.reports().stats.logins === 3, 'three logins reported');
      assert.equal(sandbox.reports().stats.duplicates, 0);

      // NPPA records the next batch and never answers; the node waits for the answer.
      sandbox.faults.inject({ kind: 'hang', endpoint: 'loginout', timing: 'after', count: 1 });
      assert.equal((await a.call('POST', '/api/auth/logout', undefined, tokens[0])).status, 200);
      await until(() => sandbox.reports().stats.logouts === 1, 'the first logout recorded by NPPA');
      // Queued while the pass is stuck: durable in the database, not yet sent.
      assert.equal((await a.call('POST', '/api/auth/logout', undefined, tokens[1])).status, 200);
      await a.kill9();
      assert.equal(sandbox.reports().stats.logouts, 1, 'the second logout never left the dead node');

      const b = await start('b');
      await until(() => sandbox.reports().stats.logouts === 3, 'both logouts after the restart');
      assert.equal((await b.call('POST', '/api/auth/logout', undefined, tokens[2])).status, 200);
      await until(() => sandbox.reports().stats.logouts === 4, 'the third logout');
      const view = sandbox.reports();
      assert.equal(view.stats.logins, 3, 'logins reported before the crash are not sent again');
      assert.equal(view.stats.duplicates, 1, 'one duplicate: the batch in flight when the node died');
      const [dup] = view.duplicates;
      const firstLogout = view.recent.find((r) => r.bt === 0);
      assert.deepEqual({ si: dup?.si, bt: dup?.bt, count: dup?.count }, { si: firstLogout?.si, bt: 0, count: 2 });
      await b.stop();

      const store = await backend.open();
      try {
        const rows = await store.reader.query<{ state: string; bt: unknown; attempts: unknown }>(
          'SELECT state, bt, attempts FROM compliance_realname_outbox ORDER BY created_at_ms',
        );
        assert.deepEqual(
          rows.map((r) => `${Number(r.bt) === 1 ? 'login' : 'logout'}:${r.state}:${Number(r.attempts)}`),
          ['login:sent:1', 'login:sent:1', 'login:sent:1', 'logout:sent:2', 'logout:sent:1', 'logout:sent:1'],
        );
      } finally {
        await store.close();
      }
    });
  });
}

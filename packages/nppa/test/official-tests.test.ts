// The eight official interface tests, run by the CLI against the sandbox exactly as an operator
// runs them against https://wlc.nppa.gov.cn, and the standalone sandbox through its bin.
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { formatOfficialTests, runOfficialTests } from '../src/index.ts';
import { type NppaSandbox, startNppaSandbox } from '../src/sandbox/index.ts';
import { APP_ID, BIZ_ID, rig, SECRET_KEY, TEST_CODES } from './helpers.ts';

const CLI = new URL('../src/cli.ts', import.meta.url).pathname;
const BIN = new URL('../bin/fairground-nppa-sandbox.mjs', import.meta.url).pathname;

function run(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; out: string; err: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, out, err }));
  });
}

describe('official-tests CLI against the sandbox', () => {
  let sandbox: NppaSandbox;
  // The CLI runs in its own process on the real clock, so this sandbox does too.
  before(async () => {
    sandbox = await startNppaSandbox({ appId: APP_ID, bizId: BIZ_ID, secretKey: SECRET_KEY });
  });
  after(() => sandbox.close());
  const env = { NPPA_APP_ID: APP_ID, NPPA_BIZ_ID: BIZ_ID, NPPA_SECRET_KEY: SECRET_KEY };

  it('passes all eight scenarios with credentials from the environment, and the sandbox marks them passed', async () => {
    const res = await run(['official-tests', '--base-url', sandbox.baseUrl, '--codes', sandbox.testCodes().join(',')], env);
    assert.equal(res.code, 0, res.out + res.err);
    const lines = res.out.trim().split('\n');
    assert.equal(lines.length, 10, res.out);
    for (let i = 1; i <= 8; i++) assert.match(lines[i]!, new RegExp(`^testcase0${i}\\s+\\S+\\s+PASS`));
    assert.equal(lines[9], '8/8 passed');
    assert.ok(sandbox.scenarios().every((s) => s.passedMs !== undefined));
  });

  it('fails the scenario whose code is wrong, runs the rest, and exits 1', async () => {
    const codes = sandbox.testCodes();
    codes[4] = 'wrong5';
    const res = await run([
      'official-tests',
      '--base-url',
      sandbox.baseUrl,
      '--app-id',
      APP_ID,
      '--biz-id',
      BIZ_ID,
      '--secret-key',
      SECRET_KEY,
      '--codes',
      codes.join(','),
      '--json',
    ]);
    assert.equal(res.code, 1, res.err);
    const rows = JSON.parse(res.out) as { id: string; passed: boolean; detail: string }[];
    assert.deepEqual(
      rows.map((r) => r.passed),
      [true, true, true, true, false, true, true, true],
    );
    assert.match(rows[4]!.detail, /NPPA_TEST_TASK_NOT_FOUND \(errcode 4002 TEST TASK NOT EXIST\)/);
  });

  it('fails every scenario when the secret key is wrong', async () => {
    const res = await run(['official-tests', '--base-url', sandbox.baseUrl, '--codes', sandbox.testCodes().join(',')], {
      ...env,
      NPPA_SECRET_KEY: '0123456789abcdef0123456789abcdef',
    });
    assert.equal(res.code, 1);
    assert.equal((res.out.match(/FAIL/g) ?? []).length, 8);
    assert.match(res.out, /NPPA_SIGNATURE_INVALID/);
  });

  it('exits 2 with the usage for missing codes or credentials', async () => {
    const noCodes = await run(['official-tests', '--base-url', sandbox.baseUrl], env);
    assert.equal(noCodes.code, 2);
    assert.match(noCodes.err, /--codes needs 8/);
    const noKey = await run(['official-tests', '--codes', TEST_CODES.join(',')], { NPPA_APP_ID: '', NPPA_BIZ_ID: '', NPPA_SECRET_KEY: '' });
    assert.equal(noKey.code, 2);
    const badKey = await run(['official-tests', '--codes', TEST_CODES.join(',')], { ...env, NPPA_SECRET_KEY: 'xyz' });
    assert.equal(badKey.code, 2);
    assert.match(badKey.err, /secretKey must be 32 hex characters/);
  });
});

describe('runOfficialTests in process', () => {
  it('runs on an injected clock and formats a table', async () => {
    const r = await rig();
    try {
      const rows = await runOfficialTests({
        appId: APP_ID,
        bizId: BIZ_ID,
        secretKey: SECRET_KEY,
        codes: TEST_CODES,
        baseUrl: r.sandbox.baseUrl,
        clock: r.clock,
      });
      assert.ok(
        rows.every((row) => row.passed),
        JSON.stringify(rows),
      );
      assert.match(formatOfficialTests(rows), /8\/8 passed$/);
      assert.equal(r.sandbox.reports().stats.accepted, 9, 'one guest record and eight verified ones');
    } finally {
      await r.close();
    }
  });
});

describe('the standalone sandbox bin', () => {
  function start(args: string[]): Promise<{ child: ChildProcess; out: () => string; baseUrl: string }> {
    const child = spawn(process.execPath, [BIN, '--port', '0', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    return new Promise((resolve, reject) => {
      let out = '';
      let err = '';
      child.stdout?.on('data', (c: Buffer) => {
        out += c.toString();
        const m = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (m?.[1] && out.includes('official tests:')) resolve({ child, out: () => out, baseUrl: m[1] });
      });
      child.stderr?.on('data', (c: Buffer) => {
        err += c.toString();
      });
      child.on('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${err}`)));
    });
  }

  function stop(child: ChildProcess): Promise<number | null> {
    return new Promise((resolve) => {
      child.removeAllListeners('exit');
      child.once('exit', (code) => resolve(code));
      child.kill('SIGTERM');
    });
  }

  it('serves with the given credentials and codes, prints them, and stops on SIGTERM', async () => {
    const codes = TEST_CODES.join(',');
    const s = await start(['--app-id', APP_ID, '--biz-id', BIZ_ID, '--secret-key', SECRET_KEY, '--test-codes', codes]);
    try {
      const config = (await (await fetch(`${s.baseUrl}/sandbox/config`)).json()) as Record<string, unknown>;
      assert.equal(config.appId, APP_ID);
      assert.deepEqual(config.testCodes, TEST_CODES);
      assert.ok(s.out().includes(`test codes ${codes}`));
      assert.ok(!s.out().includes('(generated)'));
      const identities = (await (await fetch(`${s.baseUrl}/sandbox/identities`)).json()) as { identities: { minor: boolean }[] };
      assert.equal(identities.identities.length, 18, 'seeded: 16 presets, one adult, one minor');
      assert.equal(identities.identities.filter((i) => i.minor).length, 1);
    } finally {
      assert.equal(await stop(s.child), 0);
    }
  });

  it('generates and prints a secret key when none is given', async () => {
    const s = await start(['--no-seed']);
    try {
      const m = /secretKey {2}([0-9a-f]{32}) {2}\(generated\)/.exec(s.out());
      assert.ok(m, s.out());
      const config = (await (await fetch(`${s.baseUrl}/sandbox/config`)).json()) as Record<string, unknown>;
      assert.equal(config.secretKey, m[1]);
      const identities = (await (await fetch(`${s.baseUrl}/sandbox/identities`)).json()) as { identities: unknown[] };
      assert.equal(identities.identities.length, 0);
    } finally {
      await stop(s.child);
    }
  });
});

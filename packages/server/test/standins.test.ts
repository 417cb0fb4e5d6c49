// A production start runs a stand-in (a port's adapter that only imitates its service) only when
// FAIRGROUND_ACCEPT_STANDINS names that port; otherwise it stops, naming the port. Accepted, it
// starts degraded: the log says so as an error, `/readyz` lists the ports, and the console's
// platform status marks them.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startTsaSandbox } from '@fairground/timestamp';
import { ConfigError, DEVELOPMENT_POLICY_FILE, loadConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-standins-'));
// Production names its time-stamping authority: a local TSA here, reached like a public one.
const tsa = await startTsaSandbox({ unref: true });
const tsaChainFile = join(dir, 'tsa-chain.pem');
writeFileSync(tsaChainFile, tsa.chainPem);
after(async () => {
  await tsa.close();
  rmSync(dir, { recursive: true, force: true });
});
const main = new URL('../src/main.ts', import.meta.url).pathname;

/**
 * What production refuses unless accepted; payments are off and the face check is none by default
 * in production, and sign-in (WeChat), the real-name ports (the NPPA; off without credentials)
 * and the notary (the RFC 3161 client; production must name a TSA) have their real adapters: the
 * face check, configured as its stand-in, is the one left.
 */
const STAND_INS = ['face-check'] as const;
/** What makes production bind every stand-in that is left. */
const STAND_IN_ENV = { FAIRGROUND_FACE_CHECK: 'sandbox' };

function productionEnv(name: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '',
    NODE_ENV: 'production',
    PORT: '0',
    LOG_LEVEL: 'info',
    DATABASE_URL: `sqlite:${join(dir, `${name}.db`)}`,
    FAIRGROUND_DATA_DIR: join(dir, name),
    FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE,
    FAIRGROUND_SESSION_SECRET: 's'.repeat(40),
    FAIRGROUND_KYC_KEY: 'c'.repeat(64),
    // WeChat sign-in with an app nobody answers for: a start never calls WeChat.
    FAIRGROUND_IDENTITY_PROVIDER: 'wechat',
    FAIRGROUND_WECHAT_MP_APPID: 'wxstandinstest0001',
    FAIRGROUND_WECHAT_MP_SECRET: 'f'.repeat(32),
    FAIRGROUND_WECHAT_API_BASE_URL: 'http://127.0.0.1:9',
    FAIRGROUND_SERVE_CLIENTS: '0',
    FAIRGROUND_TSA_URL: tsa.url,
    FAIRGROUND_TSA_CHAIN_FILE: tsaChainFile,
    ...extra,
  };
}

function run(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [main], { env, encoding: 'utf8', timeout: 120_000 }, (error, _stdout, stderr) =>
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
}

describe('stand-ins in production', { concurrency: true }, () => {
  for (const port of STAND_INS) {
    it(`stops with exit 2 naming ${port} when every other stand-in is accepted`, async () => {
      const others = STAND_INS.filter((p) => p !== port).join(',');
      const r = await run(productionEnv(`refuse-${port}`, { ...STAND_IN_ENV, FAIRGROUND_ACCEPT_STANDINS: others }));
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`port ${port} is bound to the stand-in`));
      assert.match(r.stderr, new RegExp(`FAIRGROUND_ACCEPT_STANDINS=${port}`));
    });
  }

  it('stops naming FAIRGROUND_IDENTITY_PROVIDER when production is asked for the sign-in sandbox', async () => {
    const r = await run(
      productionEnv('refuse-signin', {
        ...STAND_IN_ENV,
        FAIRGROUND_IDENTITY_PROVIDER: 'sandbox',
        FAIRGROUND_ACCEPT_STANDINS: 'face-check',
      }),
    );
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /config FAIRGROUND_IDENTITY_PROVIDER: the sign-in sandbox lets anyone sign in as anyone/);
  });

  it('starts degraded with every stand-in accepted: errors in the log, the list on /readyz', async () => {
    const child = spawn(process.execPath, [main], {
      env: productionEnv('accepted', { ...STAND_IN_ENV, FAIRGROUND_ACCEPT_STANDINS: STAND_INS.join(',') }),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      out += d.toString();
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no ready line:\n${out}`)), 30_000);
        child.stdout.on('data', () => {
          const m = /fairground ready: player client (http:\/\/[^/\s]+)\//.exec(out);
          if (m?.[1]) {
            clearTimeout(timer);
            resolve(m[1]);
          }
        });
        child.on('exit', (code) => reject(new Error(`exited ${code}:\n${out}`)));
      });
      const lines = out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as { level: number; port?: string; standIn?: boolean });
      for (const port of STAND_INS) {
        const line = lines.find((l) => l.port === port);
        assert.equal(line?.standIn, true, `${port} reported`);
        assert.equal(line?.level, 50, `${port}: an accepted stand-in is logged as an error`);
      }
      const ready = await fetch(`${url}/readyz`);
      assert.equal(ready.status, 200);
      const body = (await ready.json()) as { status: string; degraded: string[] };
      assert.equal(body.status, 'degraded');
      assert.deepEqual([...body.degraded].sort(), [...STAND_INS].sort());
    } finally {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    }
  });
});

describe('stand-in configuration', () => {
  it('refuses a port name that has no stand-in, the real-name ports and the notary included', () => {
    for (const port of ['payments', 'real-name-check', 'play-reporting', 'notary'])
      assert.throws(
        () => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'cfg'), FAIRGROUND_ACCEPT_STANDINS: `face-check,${port}` }, dir),
        (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_ACCEPT_STANDINS' && e.message.includes(`"${port}"`),
      );
  });

  it('accepts any stand-in outside production and only the named ones in production', () => {
    assert.deepEqual(loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'dev') }, dir).standIns, { any: true });
    const prod = loadConfig(productionEnv('cfg-prod', { FAIRGROUND_ACCEPT_STANDINS: 'face-check,face-check' }), dir);
    assert.deepEqual(prod.standIns, { any: false, ports: ['face-check'] });
    assert.equal(prod.faceCheck, 'off', 'production has no face check unless one is configured');
  });

  it('refuses to accept the sign-in sandbox: sign-in has its real adapter now', () => {
    assert.throws(
      () => loadConfig(productionEnv('cfg-signin', { FAIRGROUND_ACCEPT_STANDINS: 'face-check,sign-in' }), dir),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_ACCEPT_STANDINS' && /FAIRGROUND_IDENTITY_PROVIDER=wechat/.test(e.message),
    );
  });

  it('needs a time-stamping authority in production, with its certificate chain (also from a file)', () => {
    const { FAIRGROUND_TSA_URL: _u, FAIRGROUND_TSA_CHAIN_FILE: _c, ...noTsa } = productionEnv('cfg-tsa');
    assert.throws(
      () => loadConfig(noTsa, dir),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_TSA_URL',
    );
    assert.throws(
      () => loadConfig({ ...noTsa, FAIRGROUND_TSA_URL: tsa.url }, dir),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_TSA_CHAIN',
    );
    assert.throws(
      () =>
        loadConfig(
          { ...noTsa, FAIRGROUND_TSA_URL: tsa.url, FAIRGROUND_TSA_CHAIN: '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----' },
          dir,
        ),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_TSA_CHAIN',
    );
    const c = loadConfig(productionEnv('cfg-tsa-ok'), dir).notary;
    assert.equal(c.mode, 'tsa');
    assert.equal(c.mode === 'tsa' && c.chainPem.includes('BEGIN CERTIFICATE'), true);
    assert.equal(loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'dev-tsa') }, dir).notary.mode, 'local', 'a local TSA in development');
  });

  it('reads job intervals by name and refuses unknown jobs', () => {
    const c = loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'jobs'), FAIRGROUND_JOB_INTERVALS_MS: 'skill.sweep=2000,risk.poll=10000' }, dir);
    assert.equal(c.jobIntervalsMs['skill.sweep'], 2000);
    assert.equal(c.jobIntervalsMs['risk.poll'], 10_000);
    assert.equal(c.jobIntervalsMs['ledger.expire-pending'], 30_000);
    assert.throws(
      () => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'jobs2'), FAIRGROUND_JOB_INTERVALS_MS: 'skill.sweeps=2000' }, dir),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_JOB_INTERVALS_MS',
    );
  });
});

// The NPPA configuration and how a start binds the real-name ports: a development start talks to
// an NPPA sandbox peer in its own process through the real client (a player is verified through
// it end to end); a production start talks to the NPPA the credentials name (here a standalone
// sandbox process stands at the URL) and reports the real-name ports as real; production refuses
// the sandbox, refuses half-given credentials, and refuses a policy requiring real name when no
// authority is configured.
import assert from 'node:assert/strict';
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ConfigError, DEVELOPMENT_POLICY_FILE, loadConfig } from '../src/config.ts';
import { startStagingWeixin } from '../src/wechat/staging.ts';
import { startStagingTsa } from '../src/notary/staging.ts';
import { startStagingNppa } from '../src/nppa/staging.ts';
import { policyFile } from './compliance/helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-nppa-config-'));
// Production names its time-stamping authority: the staging set-up's local TSA, a process of its own.
const tsa = await startStagingTsa({ dir: join(dir, 'tsa') });
after(async () => {
  await tsa.stop();
  rmSync(dir, { recursive: true, force: true });
});
const main = new URL('../src/main.ts', import.meta.url).pathname;
const KEY = '0123456789abcdef0123456789abcdef';
/** How long a start may take to print its ready line (the machine may be busy). */
const START_MS_MAX = 60_000;

function production(name: string, extra: Record<string, string> = {}): Record<string, string> {
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
    FAIRGROUND_WECHAT_MP_APPID: 'wxnppaconfigtest01',
    FAIRGROUND_WECHAT_MP_SECRET: 'f'.repeat(32),
    FAIRGROUND_WECHAT_API_BASE_URL: 'http://127.0.0.1:9',
    FAIRGROUND_SERVE_CLIENTS: '0',
    ...tsa.env,
    ...extra,
  };
}

function keyOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof ConfigError) return e.key;
    throw e;
  }
  return '(no error)';
}

describe('NPPA configuration', () => {
  const cfg = (env: Record<string, string>) => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'cfg'), ...env }, dir);

  it('runs the in-process sandbox outside production, and production without credentials has no authority', () => {
    assert.equal(cfg({}).nppa.mode, 'sandbox');
    assert.equal(cfg({ FAIRGROUND_NPPA: 'off' }).nppa.mode, 'off');
    assert.equal(loadConfig(production('cfg-off'), dir).nppa.mode, 'off');
  });

  it('talks to the NPPA the credentials name, with the secret key inline or from a file', () => {
    const keyFile = join(dir, 'nppa.key');
    writeFileSync(keyFile, `${KEY.toUpperCase()}\n`);
    const c = loadConfig(
      production('cfg-nppa', {
        FAIRGROUND_NPPA_APP_ID: 'a1b2',
        FAIRGROUND_NPPA_BIZ_ID: '1100000001',
        FAIRGROUND_NPPA_SECRET_KEY_FILE: keyFile,
      }),
      dir,
    );
    assert.equal(c.nppa.mode, 'nppa');
    assert.deepEqual(c.nppa.credentials, { appId: 'a1b2', bizId: '1100000001', secretKey: KEY });
    assert.deepEqual(c.nppa.baseUrls, {}, 'the production hosts');
    const viaProxy = cfg({
      FAIRGROUND_NPPA: 'nppa',
      FAIRGROUND_NPPA_APP_ID: 'a1b2',
      FAIRGROUND_NPPA_BIZ_ID: '11',
      FAIRGROUND_NPPA_SECRET_KEY: KEY,
      FAIRGROUND_NPPA_BASE_URL: 'http://127.0.0.1:8788',
      FAIRGROUND_NPPA_CHECK_URL: 'https://check.example',
    }).nppa.baseUrls;
    assert.deepEqual(viaProxy, {
      check: 'https://check.example',
      query: 'http://127.0.0.1:8788',
      loginout: 'http://127.0.0.1:8788',
      test: 'http://127.0.0.1:8788',
    });
  });

  it('refuses what cannot work, naming the variable', () => {
    const creds = { FAIRGROUND_NPPA_APP_ID: 'a1b2', FAIRGROUND_NPPA_BIZ_ID: '11', FAIRGROUND_NPPA_SECRET_KEY: KEY };
    assert.equal(
      keyOf(() => loadConfig(production('cfg-sbx', { FAIRGROUND_NPPA: 'sandbox' }), dir)),
      'FAIRGROUND_NPPA',
    );
    assert.equal(
      keyOf(() => cfg({ FAIRGROUND_NPPA: 'nppa' })),
      'FAIRGROUND_NPPA_APP_ID',
    );
    assert.equal(
      keyOf(() => cfg({ FAIRGROUND_NPPA_APP_ID: 'a1b2', FAIRGROUND_NPPA_SECRET_KEY: KEY })),
      'FAIRGROUND_NPPA_BIZ_ID',
    );
    assert.equal(
      keyOf(() => cfg({ FAIRGROUND_NPPA_APP_ID: 'a1b2', FAIRGROUND_NPPA_BIZ_ID: '11' })),
      'FAIRGROUND_NPPA_SECRET_KEY',
    );
    assert.equal(
      keyOf(() => cfg({ ...creds, FAIRGROUND_NPPA_SECRET_KEY: 'not-hex' })),
      'FAIRGROUND_NPPA_SECRET_KEY',
    );
    assert.equal(
      keyOf(() => cfg({ ...creds, FAIRGROUND_NPPA_SECRET_KEY_FILE: join(dir, 'missing.key') })),
      'FAIRGROUND_NPPA_SECRET_KEY_FILE',
    );
    const { FAIRGROUND_NPPA_SECRET_KEY: _k, ...noKey } = creds;
    assert.equal(
      keyOf(() => cfg({ ...noKey, FAIRGROUND_NPPA_SECRET_KEY_FILE: join(dir, 'missing.key') })),
      'FAIRGROUND_NPPA_SECRET_KEY_FILE',
    );
    assert.equal(
      keyOf(() => cfg({ ...creds, FAIRGROUND_NPPA: 'off' })),
      'FAIRGROUND_NPPA_APP_ID',
    );
    assert.equal(
      keyOf(() => cfg({ ...creds, FAIRGROUND_NPPA_BASE_URL: 'ftp://nppa' })),
      'FAIRGROUND_NPPA_BASE_URL',
    );
    assert.equal(
      keyOf(() => cfg({ ...creds, FAIRGROUND_NPPA_TIMEOUT_MS: '99' })),
      'FAIRGROUND_NPPA_TIMEOUT_MS',
    );
    assert.equal(
      keyOf(() => cfg({ FAIRGROUND_NPPA: 'yes' })),
      'FAIRGROUND_NPPA',
    );
  });
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly lines: Record<string, unknown>[];
  stop(): Promise<void>;
}

async function startMain(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  const url = await new Promise<string>((resolve, reject) => {
    // A start that does not finish is stopped: a child left running would keep this test file alive.
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`no ready line in ${START_MS_MAX} ms:\n${out}`));
    }, START_MS_MAX);
    child.stdout?.on('data', () => {
      const m = /fairground ready: player client (http:\/\/[^/\s]+)\//.exec(out);
      if (m?.[1]) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited ${code}:\n${out}`));
    });
  });
  return {
    child,
    url,
    get lines() {
      return out
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    async stop() {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}

async function call(
  url: string,
  method: string,
  body?: unknown,
  token?: string,
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await fetch(url, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

async function verifiedThrough(
  url: string,
  handle: string,
  person: { name: string; idNum: string },
  weixin?: { code(handle: string, kind: 'jscode'): Promise<string> },
) {
  // Development signs in through the sign-in sandbox's code route; production through WeChat (its sandbox process here).
  const login =
    weixin === undefined
      ? await call(`${url}/api/auth/wechat/login`, 'POST', {
          kind: 'h5',
          code: (await call(`${url}/api/sandbox/wechat/codes`, 'POST', { kind: 'h5', user: handle })).json.code,
        })
      : await call(`${url}/api/auth/wechat/login`, 'POST', { kind: 'miniprogram', code: await weixin.code(handle, 'jscode') });
  const token = (login.json.tokens as { accessToken: string }).accessToken;
  await call(`${url}/api/me/terms`, 'POST', { version: '2026-01' }, token);
  return call(`${url}/api/me/kyc`, 'POST', { realName: person.name, idNumber: person.idNum }, token);
}

describe('starts and the real-name ports', () => {
  it('development: the real client against an in-process NPPA sandbox, through which a player is verified', async () => {
    const s = await startMain({
      PATH: process.env.PATH ?? '',
      NODE_ENV: 'development',
      PORT: '0',
      LOG_LEVEL: 'info',
      FAIRGROUND_DATA_DIR: join(dir, 'dev-start'),
      FAIRGROUND_DEMO_OPERATOR: '0',
      FAIRGROUND_SERVE_CLIENTS: '0',
    });
    try {
      const line = s.lines.find((l) => typeof l.sandbox === 'string' && String(l.msg).startsWith('NPPA sandbox'));
      assert.ok(line, 'the sandbox address is logged');
      const sandboxUrl = line.sandbox as string;
      const port = s.lines.find((l) => l.port === 'real-name-check');
      assert.match(String(port?.adapter), /NPPA client → in-process NPPA sandbox at http:\/\/127\.0\.0\.1:\d+/);
      // The notary time-stamps through a local TSA in the same process, and the node says so.
      const ready = (await (await fetch(`${s.url}/readyz`)).json()) as { degraded: string[]; standIns: Record<string, string> };
      assert.ok(ready.degraded.includes('notary'));
      assert.match(String(ready.standIns.notary), /RFC 3161 client → in-process local TSA at http:\/\/127\.0\.0\.1:\d+/);
      const { identities } = (await (await fetch(`${sandboxUrl}/sandbox/identities`)).json()) as {
        identities: { name: string; idNum: string; minor: boolean }[];
      };
      const adult = identities.find((i) => i.name === '成年测试');
      assert.ok(adult);
      const r = await verifiedThrough(s.url, 'devnppa', adult);
      assert.equal(r.json.status, 'verified', JSON.stringify(r.json));
      assert.equal(r.json.verifiedBy, 'nppa');
      const records = (await (await fetch(`${sandboxUrl}/sandbox/records`)).json()) as { records: { idNum: string }[] };
      assert.ok(
        records.records.some((rec) => rec.idNum === adult.idNum),
        'the sandbox peer received the check',
      );
    } finally {
      await s.stop();
    }
  });

  it('production: the NPPA the credentials name (a standalone sandbox process here), reported as real, with the China policy', async () => {
    // The staging set-up's sandboxes: processes of their own, reached through the configuration they return.
    const sandbox = await startStagingNppa();
    const weixin = await startStagingWeixin({ dataDir: join(dir, 'prod-weixin') });
    try {
      const s = await startMain(
        production('prod-nppa', { FAIRGROUND_POLICY_FILE: policyFile('cn-mainland'), ...sandbox.env, ...weixin.env }),
      );
      try {
        for (const port of ['real-name-check', 'play-reporting']) {
          const line = s.lines.find((l) => l.port === port);
          assert.equal(line?.standIn, undefined, `${port} is bound to a real adapter`);
          assert.ok(String(line?.adapter).startsWith('NPPA '), String(line?.adapter));
        }
        const notary = s.lines.find((l) => l.port === 'notary');
        assert.equal(notary?.standIn, undefined, 'the notary is bound to a real adapter');
        assert.equal(notary?.adapter, `RFC 3161 time-stamping authority at ${tsa.env.FAIRGROUND_TSA_URL}`);
        const ready = (await (await fetch(`${s.url}/readyz`)).json()) as { degraded: string[]; warnings: string[] };
        assert.deepEqual([...ready.degraded].sort(), []);
        // The China policy's minors' calendar: no operator has confirmed it on this fresh database,
        // so the production start logs it and /readyz lists it (or a year without a table, later on).
        const calendar = s.lines.find((l) => l.level === 40 && String(l.msg).startsWith("minors' calendar CN"));
        assert.ok(calendar, "the start-up log warns about the unverified minors' calendar");
        assert.ok(
          ready.warnings.some((w) => w.startsWith("minors' calendar CN")),
          ready.warnings.join('\n'),
        );
        // A player is verified through the sandbox process.
        const { identities } = (await (await fetch(`${sandbox.baseUrl}/sandbox/identities`)).json()) as {
          identities: { name: string; idNum: string }[];
        };
        const adult = identities.find((i) => i.name === '成年测试');
        assert.ok(adult);
        const r = await verifiedThrough(s.url, 'prodnppa', adult, weixin);
        assert.equal(r.json.status, 'verified', JSON.stringify(r.json));
      } finally {
        await s.stop();
      }
    } finally {
      await weixin.stop();
      await sandbox.stop();
    }
  });

  it('production refuses a policy requiring real name when no authority is configured', async () => {
    const r = await new Promise<{ status: number | null; stderr: string }>((resolve) => {
      execFile(
        process.execPath,
        [main],
        { env: production('prod-cn-off', { FAIRGROUND_POLICY_FILE: policyFile('cn-mainland') }), encoding: 'utf8', timeout: 120_000 },
        (error, _o, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
      );
    });
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, /policy cn-mainland requires real name for deposit.*FAIRGROUND_NPPA_APP_ID/);
  });
});

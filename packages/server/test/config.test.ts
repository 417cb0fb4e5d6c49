// Configuration is checked at start: a bad value stops the process with a message naming the key.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { startTsaSandbox } from '@fairground/timestamp';
import { ConfigError, DEVELOPMENT_POLICY_FILE, type DevSecrets, developmentSecrets, loadConfig } from '../src/config.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-config-'));
// Production names its time-stamping authority: a local TSA here, reached like a public one.
const tsa = await startTsaSandbox({ unref: true });
const TSA = { FAIRGROUND_TSA_URL: tsa.url, FAIRGROUND_TSA_CHAIN: tsa.chainPem };
after(async () => {
  await tsa.close();
  rmSync(dir, { recursive: true, force: true });
});
const main = new URL('../src/main.ts', import.meta.url).pathname;

/** Runs main.ts with exactly `env` (plus PATH) and returns how it ended. */
function start(env: Record<string, string>): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [main],
      { env: { PATH: process.env.PATH ?? '', FAIRGROUND_DATA_DIR: join(dir, 'data'), ...env }, encoding: 'utf8', timeout: 120_000 },
      (error, _stdout, stderr) => resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stderr }),
    );
  });
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

/** A WeChat mini-program production may sign players in through (a start never calls WeChat). */
const WECHAT = { FAIRGROUND_WECHAT_MP_APPID: 'wxconfigtest00001', FAIRGROUND_WECHAT_MP_SECRET: 'f'.repeat(32) };

// Each case loads the whole server in a process of its own: three at a time, so a loaded machine
// does not turn a slow start into a failure.
describe('configuration at start', { concurrency: 3 }, () => {
  const cases: Array<[string, Record<string, string>, string]> = [
    ['a port that is not a number', { PORT: 'abc' }, 'PORT'],
    ['a port out of range', { PORT: '70000' }, 'PORT'],
    ['an unknown database scheme', { DATABASE_URL: 'mysql://localhost/x' }, 'DATABASE_URL'],
    ['a Redis URL that is not one', { REDIS_URL: 'http://localhost' }, 'REDIS_URL'],
    ['a short session secret', { FAIRGROUND_SESSION_SECRET: 'short' }, 'FAIRGROUND_SESSION_SECRET'],
    ['a KYC key that is not 32 bytes of hex', { FAIRGROUND_KYC_KEY: 'abcd' }, 'FAIRGROUND_KYC_KEY'],
    [
      'production without a session secret',
      { NODE_ENV: 'production', FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE, ...WECHAT },
      'FAIRGROUND_SESSION_SECRET',
    ],
    ['production without a policy file', { NODE_ENV: 'production' }, 'FAIRGROUND_POLICY_FILE'],
    [
      'production with dev login',
      {
        NODE_ENV: 'production',
        FAIRGROUND_DEV_LOGIN: '1',
        FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE,
        FAIRGROUND_SESSION_SECRET: 'x'.repeat(40),
        FAIRGROUND_KYC_KEY: 'a'.repeat(64),
        ...WECHAT,
      },
      'FAIRGROUND_DEV_LOGIN',
    ],
    ['a policy file that does not exist', { FAIRGROUND_POLICY_FILE: '/nonexistent/policy.json' }, 'FAIRGROUND_POLICY_FILE'],
    ['an access token lifetime over an hour', { FAIRGROUND_ACCESS_TOKEN_TTL_S: '7200' }, 'FAIRGROUND_ACCESS_TOKEN_TTL_S'],
    ['an admin username without a password', { FAIRGROUND_ADMIN_USERNAME: 'root' }, 'FAIRGROUND_ADMIN_PASSWORD'],
  ];
  for (const [name, env, key] of cases) {
    it(`stops with exit 2 naming ${key} for ${name}`, async () => {
      const r = await start(env);
      assert.equal(r.status, 2, r.stderr);
      assert.match(r.stderr, new RegExp(`config ${key}\\b`));
    });
  }

  it('stops naming FAIRGROUND_POLICY_FILE when the policy does not match its schema', async () => {
    const bad = join(dir, 'bad-policy.json');
    writeFileSync(bad, JSON.stringify({ name: 'bad', version: 1, defaultEffect: 'sometimes', actions: {} }));
    const r = await start({ FAIRGROUND_POLICY_FILE: bad });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /config FAIRGROUND_POLICY_FILE: policy .*defaultEffect/);
  });
});

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'defaults') }, dir);
    assert.equal(c.port, 3000);
    assert.equal(c.host, '127.0.0.1');
    assert.equal(c.databaseUrl, `sqlite:${join(dir, 'defaults', 'fairground.db')}`);
    assert.equal(c.redisUrl, undefined);
    assert.equal(c.devLoginAllowed, true);
    assert.equal(c.policyFile, DEVELOPMENT_POLICY_FILE);
    assert.equal(c.env, 'development');
  });

  it('reads the ledger chain shard count, one by default, and refuses more than 64', () => {
    assert.equal(loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'shards') }, dir).ledgerChainShards, 1);
    assert.equal(loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'shards'), FAIRGROUND_LEDGER_CHAIN_SHARDS: '4' }, dir).ledgerChainShards, 4);
    for (const bad of ['0', '65', 'four']) {
      assert.equal(
        keyOf(() => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'shards'), FAIRGROUND_LEDGER_CHAIN_SHARDS: bad }, dir)),
        'FAIRGROUND_LEDGER_CHAIN_SHARDS',
      );
    }
  });

  it('reads the TURN server for browser voice (both variables or neither), the secret also from a file', () => {
    const base = { FAIRGROUND_DATA_DIR: join(dir, 'turn') };
    assert.equal(loadConfig(base, dir).turn, undefined);
    const urls = 'turn:turn.example.com:3478?transport=udp,turns:turn.example.com:5349?transport=tcp';
    const secretFile = join(dir, 'turn_secret');
    writeFileSync(secretFile, 'a-long-turn-secret-0123\n');
    assert.deepEqual(loadConfig({ ...base, FAIRGROUND_TURN_SECRET_FILE: secretFile, FAIRGROUND_TURN_URLS: urls }, dir).turn, {
      secret: 'a-long-turn-secret-0123',
      urls: ['turn:turn.example.com:3478?transport=udp', 'turns:turn.example.com:5349?transport=tcp'],
    });
    assert.equal(
      keyOf(() => loadConfig({ ...base, FAIRGROUND_TURN_URLS: urls }, dir)),
      'FAIRGROUND_TURN_SECRET',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...base, FAIRGROUND_TURN_SECRET: 'a-long-turn-secret-0123' }, dir)),
      'FAIRGROUND_TURN_URLS',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...base, FAIRGROUND_TURN_SECRET: 'short', FAIRGROUND_TURN_URLS: urls }, dir)),
      'FAIRGROUND_TURN_SECRET',
    );
    for (const bad of ['stun:turn.example.com', 'https://turn.example.com', 'turn:a b']) {
      assert.equal(
        keyOf(() => loadConfig({ ...base, FAIRGROUND_TURN_SECRET: 'a-long-turn-secret-0123', FAIRGROUND_TURN_URLS: bad }, dir)),
        'FAIRGROUND_TURN_URLS',
      );
    }
  });

  it('generates development secrets once, keeps them private, and reuses them', () => {
    const data = join(dir, 'secrets');
    const a = loadConfig({ FAIRGROUND_DATA_DIR: data }, dir);
    const b = loadConfig({ FAIRGROUND_DATA_DIR: data }, dir);
    assert.equal(a.sessionSecret, b.sessionSecret);
    assert.deepEqual(a.dataKey, b.dataKey);
    assert.equal(a.dataKey.length, 32);
    assert.equal(statSync(join(data, 'secrets.json')).mode & 0o777, 0o600);
  });

  it('gives two first starts at once on a new data directory one set of development secrets', () => {
    const data = join(dir, 'secrets-race');
    // The other start checks, writes and publishes its secrets between this one's check and its publishing.
    let other: DevSecrets | undefined;
    const mine = developmentSecrets(data, () => {
      other = developmentSecrets(data);
    });
    assert.ok(other !== undefined);
    assert.deepEqual(mine, other, "the start that lost the race reads the winner's secrets");
    assert.equal(loadConfig({ FAIRGROUND_DATA_DIR: data }, dir).sessionSecret, mine.sessionSecret);
    assert.deepEqual(readdirSync(data), ['secrets.json'], 'no draft is left behind');
    assert.equal(statSync(join(data, 'secrets.json')).mode & 0o777, 0o600);
  });

  it('refuses a damaged secrets file by naming the data directory', () => {
    const data = join(dir, 'secrets-damaged');
    mkdirSync(data, { recursive: true });
    writeFileSync(join(data, 'secrets.json'), '{"sessionSec');
    assert.equal(
      keyOf(() => loadConfig({ FAIRGROUND_DATA_DIR: data }, dir)),
      'FAIRGROUND_DATA_DIR',
    );
  });

  it('never generates secrets in production', () => {
    const env = {
      NODE_ENV: 'production',
      FAIRGROUND_DATA_DIR: join(dir, 'prod'),
      FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE,
      ...WECHAT,
      ...TSA,
    };
    assert.equal(
      keyOf(() => loadConfig(env, dir)),
      'FAIRGROUND_SESSION_SECRET',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...env, FAIRGROUND_SESSION_SECRET: 'x'.repeat(32) }, dir)),
      'FAIRGROUND_KYC_KEY',
    );
    const ok = loadConfig({ ...env, FAIRGROUND_SESSION_SECRET: 'x'.repeat(32), FAIRGROUND_KYC_KEY: 'b'.repeat(64) }, dir);
    assert.equal(ok.devLoginAllowed, false);
    assert.equal(ok.seedDemoOperator, false);
    assert.equal(ok.identityProvider, 'wechat', 'production signs in through WeChat by default');
  });

  it('reads WeChat app secrets and the metrics token from files, and refuses the sign-in sandbox in production by name', () => {
    const secretFile = join(dir, 'mp_secret');
    writeFileSync(secretFile, `${'m'.repeat(32)}\n`, { mode: 0o600 });
    const tokenFile = join(dir, 'metrics_token');
    writeFileSync(tokenFile, 't'.repeat(40), { mode: 0o600 });
    const env = {
      NODE_ENV: 'production',
      FAIRGROUND_DATA_DIR: join(dir, 'wechat'),
      FAIRGROUND_POLICY_FILE: DEVELOPMENT_POLICY_FILE,
      FAIRGROUND_SESSION_SECRET: 'x'.repeat(32),
      FAIRGROUND_KYC_KEY: 'b'.repeat(64),
      FAIRGROUND_WECHAT_MP_APPID: 'wxconfigtest00001',
      FAIRGROUND_WECHAT_MP_SECRET_FILE: secretFile,
      FAIRGROUND_METRICS_TOKEN_FILE: tokenFile,
      ...TSA,
    };
    const c = loadConfig(env, dir);
    assert.deepEqual(c.wechat.apps.miniprogram, { appid: 'wxconfigtest00001', secret: 'm'.repeat(32) });
    assert.equal(c.wechat.apps.h5, null);
    assert.equal(c.metricsToken, 't'.repeat(40));
    assert.throws(
      () => loadConfig({ ...env, FAIRGROUND_IDENTITY_PROVIDER: 'sandbox' }, dir),
      (e) => e instanceof ConfigError && e.key === 'FAIRGROUND_IDENTITY_PROVIDER' && /anyone sign in as anyone/.test(e.message),
    );
    assert.equal(loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'wechat-dev') }, dir).identityProvider, 'sandbox');
    // (A start with these stops with exit 2 naming the variable: standins.test.ts starts one.)
    const { FAIRGROUND_WECHAT_MP_APPID: _a, FAIRGROUND_WECHAT_MP_SECRET_FILE: _s, ...noApp } = env;
    assert.equal(
      keyOf(() => loadConfig(noApp, dir)),
      'FAIRGROUND_WECHAT_MP_APPID',
      'production signs in through WeChat: it needs an app',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...env, FAIRGROUND_WECHAT_H5_SECRET: 'h'.repeat(32) }, dir)),
      'FAIRGROUND_WECHAT_H5_APPID',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...env, FAIRGROUND_WECHAT_API_BASE_URL: 'http://wechat.example' }, dir)),
      'FAIRGROUND_WECHAT_API_BASE_URL',
      'secrets travel in these URLs: https (or loopback) only',
    );
    // Virtual payment: the OfferID with the AppKey (from a file too), only with WeChat sign-in of the mini-game.
    const appKeyFile = join(dir, 'vpay_app_key');
    writeFileSync(appKeyFile, 'k'.repeat(32), { mode: 0o600 });
    const vpay = loadConfig(
      { ...env, FAIRGROUND_WECHAT_VPAY_OFFER_ID: '1450000001', FAIRGROUND_WECHAT_VPAY_APP_KEY_FILE: appKeyFile },
      dir,
    );
    assert.deepEqual(vpay.wechat.vpay, { offerId: '1450000001', appKey: 'k'.repeat(32), env: 0, productId: 'room_card' });
    assert.equal(c.wechat.vpay, null);
    assert.equal(
      keyOf(() => loadConfig({ ...env, FAIRGROUND_WECHAT_VPAY_OFFER_ID: '1450000001' }, dir)),
      'FAIRGROUND_WECHAT_VPAY_APP_KEY',
    );
    assert.equal(
      keyOf(() => loadConfig({ ...env, FAIRGROUND_WECHAT_VPAY_APP_KEY: 'k'.repeat(32) }, dir)),
      'FAIRGROUND_WECHAT_VPAY_OFFER_ID',
    );
    assert.equal(
      keyOf(() =>
        loadConfig(
          {
            FAIRGROUND_DATA_DIR: join(dir, 'vpay-dev'),
            FAIRGROUND_WECHAT_VPAY_OFFER_ID: '1450000001',
            FAIRGROUND_WECHAT_VPAY_APP_KEY: 'k'.repeat(32),
          },
          dir,
        ),
      ),
      'FAIRGROUND_WECHAT_VPAY_OFFER_ID',
      'the user-state signature needs the session_key of a real code2session',
    );
  });

  it('lists FAIRGROUND_* variables it does not read instead of ignoring them silently', () => {
    const c = loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'unknown'), FAIRGROUND_SESION_SECRET: 'typo' }, dir);
    assert.deepEqual(c.unknownKeys, ['FAIRGROUND_SESION_SECRET']);
  });
});

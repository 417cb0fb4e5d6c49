// The deployment files, checked where no container engine runs: the image builds and starts with
// the commands the tests use; every fairground service of the compose topology and every systemd
// node loads its configuration in production mode from what those files set; every service has a
// health probe; stop timings cover the drain; the secrets the deployment page tells an operator to
// generate are ones the server accepts.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadConfig, SECRET_KEYS } from '../src/config.ts';
import { missingStartSettings, SERVER_ENV, SERVER_NODE_FLAGS } from '../src/start-flags.ts';

const root = new URL('../../../', import.meta.url).pathname;
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const dir = mkdtempSync(join(tmpdir(), 'fg-deploy-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A certificate chain as a TSA publishes one (a self-signed CA here), standing in for the authority's. */
function tsaChainPem(): string {
  const key = join(dir, 'tsa-ca.key');
  const cert = join(dir, 'tsa-ca.pem');
  if (!existsSync(cert)) {
    execFileSync(
      'openssl',
      [
        'req',
        '-x509',
        '-newkey',
        'ec',
        '-pkeyopt',
        'ec_paramgen_curve:P-256',
        '-nodes',
        '-subj',
        '/CN=Deployment test TSA CA',
        '-days',
        '1',
        '-keyout',
        key,
        '-out',
        cert,
      ],
      { stdio: 'ignore' },
    );
  }
  return readFileSync(cert, 'utf8');
}

/** Secret files with values the server accepts, standing in for an operator's. */
function secretFiles(): Record<string, string> {
  const files: Record<string, string> = {
    FAIRGROUND_TSA_CHAIN: tsaChainPem(),
    DATABASE_URL: 'postgres://fairground:pw@postgres:5432/fairground',
    REDIS_URL: 'redis://redis:6379/0',
    FAIRGROUND_SESSION_SECRET: 's'.repeat(48),
    FAIRGROUND_KYC_KEY: 'c'.repeat(64),
    FAIRGROUND_ADMIN_PASSWORD: 'a long enough password',
    FAIRGROUND_ADMIN_TOTP_SECRET: 'JBSWY3DPEHPK3PXPJBSWY3DP',
    FAIRGROUND_NPPA_APP_ID: '0123456789abcdef0123456789abcdef',
    FAIRGROUND_NPPA_BIZ_ID: '1100000001',
    FAIRGROUND_NPPA_SECRET_KEY: 'fedcba9876543210fedcba9876543210',
    FAIRGROUND_WECHAT_MP_SECRET: 'm'.repeat(32),
    FAIRGROUND_WECHAT_H5_SECRET: 'h'.repeat(32),
    FAIRGROUND_WECHAT_WEB_SECRET: 'w'.repeat(32),
    FAIRGROUND_METRICS_TOKEN: 't'.repeat(48),
    FAIRGROUND_TURN_SECRET: 'turn'.repeat(8),
  };
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(files)) {
    const path = join(dir, key.toLowerCase());
    writeFileSync(path, `${value}\n`);
    out[key] = path;
  }
  return out;
}

/** What an operator exports before `docker compose up` (compose interpolates `${NAME:?…}` from it). */
const OPERATOR_ENV: Record<string, string> = {
  FAIRGROUND_DOMAIN: 'game.example.com',
  FAIRGROUND_WECHAT_MP_APPID: 'wx0123456789abcdef',
  FAIRGROUND_WECHAT_H5_APPID: 'wxfedcba9876543210',
};

function interpolate(value: string): string {
  return value.replace(/\$\{([A-Z0-9_]+)(?::[-?][^}]*)?\}/g, (_m, name: string) => {
    const v = OPERATOR_ENV[name];
    if (v === undefined) throw new Error(`the compose file needs ${name}, which the deployment page does not tell the operator to set`);
    return v;
  });
}

/** An environment as the deployment files set it, with `_FILE` secrets pointing at stand-in files and the policy at a real one. */
function withLocalFiles(env: Record<string, string>): Record<string, string> {
  const files = secretFiles();
  const out: Record<string, string> = {};
  for (const [key, raw] of Object.entries(env)) {
    const value = interpolate(raw);
    const secret = key.endsWith('_FILE') ? key.slice(0, -'_FILE'.length) : null;
    if (secret !== null && SECRET_KEYS.has(secret)) out[key] = files[secret] as string;
    else if (key === 'FAIRGROUND_POLICY_FILE') out[key] = join(root, 'packages/server/src/compliance/policies/cn-mainland.json');
    else if (key === 'FAIRGROUND_DATA_DIR') out[key] = join(dir, 'data');
    else out[key] = value;
  }
  return out;
}

describe('the image', () => {
  it('builds with the build script the tests run and starts the entry the tests start', () => {
    const dockerfile = read('Dockerfile');
    const pkg = JSON.parse(read('package.json')) as { scripts: Record<string, string> };
    assert.match(dockerfile, /^RUN npm run build$/m, 'the image builds the clients with npm run build');
    assert.equal(pkg.scripts.build, 'node packages/web/src/build-clients.ts');
    assert.equal(pkg.scripts.pretest, `${pkg.scripts.build} --if-changed`, 'npm test builds with the same script');
    const cmd = /^CMD (\[.*\])$/m.exec(dockerfile)?.[1];
    assert.deepEqual(JSON.parse(cmd ?? 'null'), ['node', ...SERVER_NODE_FLAGS, 'packages/server/src/main.ts']);
    for (const [name, value] of Object.entries(SERVER_ENV))
      assert.match(dockerfile, new RegExp(`^ENV [^]*?^\\s+${name}=${value} `, 'm'), `the image sets ${name}`);
    const env = Object.entries(SERVER_ENV).map(([name, value]) => `${name}=${value}`);
    assert.equal(
      pkg.scripts.start,
      [...env, 'node', ...SERVER_NODE_FLAGS, 'packages/server/src/main.ts'].join(' '),
      'npm start, which the README uses, starts the same entry with the same flags and environment',
    );
    assert.ok(existsSync(join(root, 'packages/server/src/main.ts')));
    assert.match(dockerfile, /^USER node$/m, 'the server runs as a non-root user');
    assert.match(dockerfile, /^FROM node:24[-\w]* AS build$/m);
    assert.match(dockerfile, /npm ci --omit=dev/, 'only production dependencies in the image');
    assert.match(dockerfile, /^HEALTHCHECK [^\n]*\\\n[^\n]*\/readyz/m, 'the image probes readiness');
  });
});

describe('the start settings', () => {
  it('name what a process was started without, and nothing when it was started as documented', () => {
    const documentedEnv = { ...SERVER_ENV, PATH: '/usr/bin' };
    assert.deepEqual(missingStartSettings([...SERVER_NODE_FLAGS], documentedEnv), []);
    assert.deepEqual(missingStartSettings([], {}), [...SERVER_NODE_FLAGS, ...Object.entries(SERVER_ENV).map(([k, v]) => `${k}=${v}`)]);
    assert.deepEqual(
      missingStartSettings(['--max-semi-space-size=64'], documentedEnv),
      [...SERVER_NODE_FLAGS],
      'another size is not the documented one',
    );
  });
});

describe('the compose topology', () => {
  const compose = parse(read('deploy/compose.yaml'), { merge: true }) as {
    services: Record<
      string,
      { image?: string; environment?: Record<string, string>; healthcheck?: unknown; stop_grace_period?: string; networks?: unknown }
    >;
  };
  const nodes = Object.entries(compose.services).filter(([, s]) => s.image?.startsWith('fairground'));

  it('has PostgreSQL, Redis, an API node, two room nodes, a worker and a TLS proxy, each with a health probe', () => {
    const roles = nodes.map(([, s]) => s.environment?.FAIRGROUND_ROLES).sort();
    assert.deepEqual(roles, ['api', 'rooms', 'rooms', 'worker']);
    for (const name of ['postgres', 'redis', 'caddy']) assert.ok(compose.services[name], name);
    for (const [name, s] of Object.entries(compose.services)) assert.ok(s.healthcheck, `${name} has a health probe`);
  });

  it('sets everything production requires on every node: each loads its configuration', () => {
    for (const [name, s] of nodes) {
      const env = withLocalFiles(s.environment ?? {});
      assert.equal(env.NODE_ENV, 'production', name);
      const config = loadConfig(env, dir);
      assert.equal(config.env, 'production');
      assert.ok(config.cluster, `${name} runs clustered (PostgreSQL and Redis)`);
      assert.deepEqual(config.trustedProxies, ['172.28.0.10'], `${name} trusts the TLS proxy only`);
    }
  });

  it('trusts the proxy at the address the proxy really has, and stops slower than a node drains', () => {
    const caddy = compose.services.caddy as { networks: { fairground: { ipv4_address: string } } };
    for (const [name, s] of nodes) {
      assert.equal(s.environment?.FAIRGROUND_TRUSTED_PROXIES, caddy.networks.fairground.ipv4_address, name);
      const graceS = Number(/^(\d+)s$/.exec(s.stop_grace_period ?? '')?.[1]);
      const drainS = Number(s.environment?.FAIRGROUND_DRAIN_DELAY_MS) / 1000;
      assert.ok(graceS >= drainS + 20, `${name}: ${graceS} s covers a ${drainS} s drain and the hand-over`);
    }
  });
});

describe('the systemd units', () => {
  const envFile = (path: string) =>
    Object.fromEntries(
      read(path)
        .split('\n')
        .filter((l) => l.trim() !== '' && !l.startsWith('#'))
        .map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1)]),
    ) as Record<string, string>;

  it('start the same entry and load their configuration in production mode for every role', () => {
    const unit = read('deploy/systemd/fairground@.service');
    assert.ok(
      unit.split('\n').includes(`ExecStart=/usr/bin/node ${SERVER_NODE_FLAGS.join(' ')} packages/server/src/main.ts`),
      'the unit starts the entry with the documented flags',
    );
    for (const [name, value] of Object.entries(SERVER_ENV)) assert.match(unit, new RegExp(`^Environment=${name}=${value}$`, 'm'));
    assert.match(unit, /^Environment=NODE_ENV=production$/m);
    const stopS = Number(/^TimeoutStopSec=(\d+)$/m.exec(unit)?.[1]);
    const common = envFile('deploy/systemd/common.env.example');
    assert.ok(stopS >= Number(common.FAIRGROUND_DRAIN_DELAY_MS) / 1000 + 20);
    for (const role of ['api', 'rooms-1', 'worker']) {
      const env = withLocalFiles({ ...common, ...envFile(`deploy/systemd/${role}.env.example`), NODE_ENV: 'production' });
      const config = loadConfig(env, dir);
      assert.equal(config.env, 'production', role);
    }
  });
});

describe('the deployment page', () => {
  it('generates secrets the server accepts, read from files', () => {
    const secrets = join(dir, 'secrets');
    execFileSync('sh', [
      '-c',
      `mkdir -p ${secrets} && cd ${secrets} &&
       openssl rand -base64 48 | tr -d '\\n' > session_secret &&
       openssl rand -hex 32 | tr -d '\\n' > kyc_key &&
       openssl rand -hex 24 | tr -d '\\n' > postgres_password &&
       printf %s 0123456789abcdef0123456789abcdef > wechat_mp_secret &&
       printf 'postgres://fairground:%s@postgres:5432/fairground' "$(cat postgres_password)" > database_url`,
    ]);
    for (const f of ['session_secret', 'kyc_key', 'database_url']) chmodSync(join(secrets, f), 0o600);
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        FAIRGROUND_DATA_DIR: join(dir, 'data'),
        FAIRGROUND_POLICY_FILE: join(root, 'packages/server/src/compliance/policies/cn-mainland.json'),
        FAIRGROUND_WECHAT_MP_APPID: 'wx0123456789abcdef',
        FAIRGROUND_WECHAT_MP_SECRET_FILE: join(secrets, 'wechat_mp_secret'),
        DATABASE_URL_FILE: join(secrets, 'database_url'),
        FAIRGROUND_SESSION_SECRET_FILE: join(secrets, 'session_secret'),
        FAIRGROUND_KYC_KEY_FILE: join(secrets, 'kyc_key'),
        FAIRGROUND_TSA_URL: 'https://freetsa.org/tsr',
        FAIRGROUND_TSA_CHAIN_FILE: withLocalFiles({ FAIRGROUND_TSA_CHAIN_FILE: '' }).FAIRGROUND_TSA_CHAIN_FILE as string,
      },
      dir,
    );
    assert.equal(config.dataKey.length, 32);
    assert.match(config.databaseUrl, /^postgres:\/\/fairground:[0-9a-f]{48}@postgres:5432\/fairground$/);
  });

  it('refuses a secret given both ways, and names an unreadable secret file', () => {
    assert.throws(
      () => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'both'), FAIRGROUND_KYC_KEY: 'c'.repeat(64), FAIRGROUND_KYC_KEY_FILE: '/x' }, dir),
      /FAIRGROUND_KYC_KEY_FILE: set FAIRGROUND_KYC_KEY or FAIRGROUND_KYC_KEY_FILE, not both/,
    );
    assert.throws(
      () => loadConfig({ FAIRGROUND_DATA_DIR: join(dir, 'none'), FAIRGROUND_KYC_KEY_FILE: join(dir, 'missing') }, dir),
      /FAIRGROUND_KYC_KEY_FILE: cannot read .*ENOENT/,
    );
  });
});

// `cli.ts create-operator` bootstraps an operator from the command line; the printed TOTP secret
// then signs them in.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, it } from 'node:test';
import { systemClock } from '@fairground/core';
import { base32Decode, totp } from '../src/accounts/index.ts';
import { createPlatform } from '../src/app.ts';
import { loadPolicyFile } from '../src/compliance/index.ts';
import { testAdapters } from './helpers/adapters.ts';
import { loadConfig } from '../src/config.ts';
import { openStore } from '../src/adapters/open.ts';

const dir = mkdtempSync(join(tmpdir(), 'fg-cli-op-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const cli = new URL('../src/cli.ts', import.meta.url).pathname;
const env = { PATH: process.env.PATH ?? '', FAIRGROUND_DATA_DIR: join(dir, 'data') };

it('creates an operator, prints the TOTP secret once, and that operator can sign in', async () => {
  const r = spawnSync(process.execPath, [cli, 'create-operator', '--username', 'alice', '--roles', 'finance,admin'], {
    env,
    input: 'a long enough password\n',
    encoding: 'utf8',
    timeout: 120_000,
  });
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { username: string; roles: string[]; totpSecret: string; otpauthUrl: string };
  assert.equal(out.username, 'alice');
  assert.deepEqual(out.roles, ['finance', 'admin']);
  assert.match(out.otpauthUrl, /^otpauth:\/\/totp\/Fairground%3Aalice\?secret=[A-Z2-7]+/);

  const again = spawnSync(
    process.execPath,
    [cli, 'create-operator', '--username', 'alice', '--roles', 'admin', '--password', 'another long password'],
    {
      env,
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  assert.equal(again.status, 1);
  assert.match(again.stderr, /operator with this username exists/);

  const bad = spawnSync(
    process.execPath,
    [cli, 'create-operator', '--username', 'bob', '--roles', 'janitor', '--password', 'long enough password'],
    {
      env,
      encoding: 'utf8',
    },
  );
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /--roles/);

  const config = loadConfig(env);
  const store = await openStore(config.databaseUrl);
  const platform = await createPlatform({
    config,
    store,
    clock: systemClock,
    policy: loadPolicyFile(config.policyFile),
    logger: false,
    adapters: testAdapters(systemClock),
  });
  try {
    const login = await platform.app.inject({
      method: 'POST',
      url: '/api/admin/auth/login',
      payload: { username: 'alice', password: 'a long enough password', totp: totp(base32Decode(out.totpSecret), Date.now()) },
    });
    assert.equal(login.statusCode, 200, login.body);
    const audit = await platform.audit.list({ action: 'operator.create' });
    assert.equal(audit.items[0]?.operatorUsername, 'cli');
  } finally {
    await platform.close();
    await store.close();
  }
});

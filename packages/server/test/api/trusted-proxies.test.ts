// The client's address behind a load balancer: X-Forwarded-For is believed from the configured
// trusted proxies only (FAIRGROUND_TRUSTED_PROXIES), so every player keeps their own address for
// the same-IP rule, geo policy, rate limits and the audit log, and nobody else can claim one.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { sqliteBackend } from '../../src/adapters/testing.ts';
import { type OperatorLogin, TestPlatform } from '../helpers/platform.ts';

describe('client addresses through trusted proxies', () => {
  let t: TestPlatform;
  let op: OperatorLogin;
  before(async () => {
    t = await TestPlatform.start(sqliteBackend, { config: { trustedProxies: ['10.0.0.0/8'] } });
    op = await t.createOperator(['admin']);
  });
  after(() => t.close());

  async function signInFrom(remoteAddress: string, forwardedFor: string): Promise<string> {
    t.clock.advanceMs(30_000);
    const r = await t.platform.app.inject({
      method: 'POST',
      url: '/api/admin/auth/login',
      remoteAddress,
      headers: { 'content-type': 'application/json', 'x-forwarded-for': forwardedFor },
      payload: JSON.stringify({ username: op.username, password: op.password, totp: t.totpNow(op.totpSecret) }),
    });
    assert.equal(r.statusCode, 200, r.body);
    const audit = await t.platform.audit.list({ action: 'operator.login' });
    return audit.items[0]?.ip as string;
  }

  it('takes the client address from a trusted balancer, through several hops', async () => {
    assert.equal(await signInFrom('10.1.2.3', '203.0.113.7'), '203.0.113.7');
    assert.equal(await signInFrom('10.1.2.3', '198.51.100.9, 10.9.9.9'), '198.51.100.9', 'trusted hops are skipped from the right');
  });

  it('ignores X-Forwarded-For from anyone else, loopback included once proxies are configured', async () => {
    assert.equal(await signInFrom('198.51.100.2', '203.0.113.7'), '198.51.100.2');
    assert.equal(await signInFrom('127.0.0.1', '203.0.113.7'), '127.0.0.1');
  });
});

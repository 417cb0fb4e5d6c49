// Liveness, readiness (draining included) and the Prometheus endpoint of a real platform.
import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TestPlatform } from './helpers/platform.ts';
import { sqliteBackend } from '../src/adapters/testing.ts';

it('answers liveness, readiness and metrics, and reports not ready while draining', async () => {
  const t = await TestPlatform.start(sqliteBackend);
  try {
    const { app } = t.platform;
    assert.equal((await app.inject({ method: 'GET', url: '/livez' })).statusCode, 200);
    const ready = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(ready.statusCode, 200);
    assert.equal(ready.json().checks.database, 'ok');
    await app.inject({ method: 'GET', url: '/api/health' });
    const metrics = await app.inject({ method: 'GET', url: '/metrics' });
    assert.equal(metrics.statusCode, 200);
    assert.match(metrics.body, /fg_http_requests_total\{method="GET",route="\/api\/health",status="200"\} 1/);
    assert.match(metrics.body, /fg_ledger_chain_seq \d+/);
    const openapi = await app.inject({ method: 'GET', url: '/openapi.json' });
    assert.equal(JSON.stringify(openapi.json().paths).includes('/readyz'), false, 'ops endpoints stay out of the API document');
    t.platform.drain();
    const draining = await app.inject({ method: 'GET', url: '/readyz' });
    assert.equal(draining.statusCode, 503);
    assert.equal(draining.json().checks.node, 'draining');
  } finally {
    await t.close();
  }
});

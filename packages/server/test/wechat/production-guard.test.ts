// What a production platform serves: no sandbox route, no development login, no test or bench
// route (a platform given one refuses to start), and /metrics only to the holder of its token —
// in the API document as on the wire. Development serves the sandbox routes, so the difference is
// the environment and nothing else.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { contract } from '../../src/http/endpoint.ts';
import { implement } from '../../src/http/routes.ts';
import { sqliteBackend } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

const TOKEN = 'm'.repeat(40);
const SANDBOX_ROUTES = [
  ['POST', '/api/sandbox/wechat/codes', { kind: 'h5' }],
  ['POST', '/api/sandbox/face-check/tickets', {}],
  ['POST', '/api/auth/dev/login', { handle: 'x' }],
] as const;

describe('a production platform', () => {
  it('registers no sandbox or development route, and lists none in its API document', async () => {
    const t = await TestPlatform.start(sqliteBackend, { config: { env: 'production', devLoginAllowed: false, metricsToken: TOKEN } });
    try {
      for (const [method, url, body] of SANDBOX_ROUTES) {
        const r = await t.request(method, url, { body });
        assert.equal(r.status, 404, url);
        assert.equal(r.json.code, 'ROUTE_NOT_FOUND');
      }
      const doc = (await t.request('GET', '/openapi.json')).json as { paths: Record<string, unknown> };
      const paths = Object.keys(doc.paths);
      assert.deepEqual(
        paths.filter((p) => p.startsWith('/api/sandbox/') || p === '/api/auth/dev/login'),
        [],
      );
      assert.ok(paths.includes('/api/auth/wechat/login'));
      const options = await t.request('GET', '/api/auth/wechat/options');
      assert.equal(options.json.sandboxCodes, false);
      assert.equal(options.json.devLogin, false);
    } finally {
      await t.close();
    }
  });

  it('serves /metrics to its bearer token only, and not at all without one', async () => {
    const withToken = await TestPlatform.start(sqliteBackend, {
      config: { env: 'production', devLoginAllowed: false, metricsToken: TOKEN },
    });
    try {
      const none = await withToken.request('GET', '/metrics');
      assert.equal(none.status, 401);
      assert.equal(none.json.code, 'METRICS_TOKEN_REQUIRED');
      assert.equal((await withToken.request('GET', '/metrics', { headers: { authorization: `Bearer ${'n'.repeat(40)}` } })).status, 401);
      const ok = await withToken.request('GET', '/metrics', { headers: { authorization: `Bearer ${TOKEN}` } });
      assert.equal(ok.status, 200);
      assert.match(ok.text, /fg_http_requests_total/);
    } finally {
      await withToken.close();
    }
    const without = await TestPlatform.start(sqliteBackend, { config: { env: 'production', devLoginAllowed: false } });
    try {
      assert.equal((await without.request('GET', '/metrics')).status, 404);
    } finally {
      await without.close();
    }
  });

  it('refuses to start with test or bench routes', async () => {
    const bench = contract({
      benchFund: {
        method: 'POST',
        url: '/api/bench/fund',
        summary: 'bench only',
        tags: ['bench'],
        auth: 'player',
        response: Type.Object({}),
      },
    });
    await assert.rejects(
      TestPlatform.start(sqliteBackend, {
        config: { env: 'production', devLoginAllowed: false },
        extraRoutes: { benchFund: implement(bench.benchFund, async () => ({})) },
      }),
      /extra \(test or bench\) routes in a production platform/,
    );
  });
});

describe('a development platform', () => {
  it('serves the sandbox routes and /metrics openly', async () => {
    const t = await TestPlatform.start(sqliteBackend);
    try {
      assert.equal((await t.request('POST', '/api/sandbox/wechat/codes', { body: { kind: 'h5' } })).status, 201);
      assert.equal((await t.request('GET', '/metrics')).status, 200);
    } finally {
      await t.close();
    }
  });
});

// Response serializers are compiled on a route's first answer (http/lazy-serializers.ts). What a
// client receives is unchanged: the route's schema still decides the body (a field it does not
// name is left out). And every response schema of the platform still compiles: the test compiles
// all that no request has reached yet, so a schema that cannot compile fails here, not in
// production at its first answer.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { Type } from '@sinclair/typebox';
import { backends } from '../../src/adapters/testing.ts';
import { compileDeferredSerializers } from '../../src/http/lazy-serializers.ts';
import { implement } from '../../src/http/routes.ts';
import { TestPlatform } from '../helpers/platform.ts';

const echoSpec = {
  method: 'GET',
  url: '/api/test/serialized',
  summary: 'Test only: a reply with a field its schema does not name',
  tags: ['test'],
  auth: 'none',
  response: Type.Object({ shown: Type.Integer() }),
} as const;

// Serializers do not touch storage: one backend is enough.
const backend = backends()[0]!;

describe('response serializers compiled on first use', () => {
  let t: TestPlatform;

  before(async () => {
    t = await TestPlatform.start(backend, {
      extraRoutes: { serialized: implement(echoSpec, async () => ({ shown: 7, hidden: 'not in the schema' }) as { shown: number }) },
    });
  });
  after(() => t.close());

  it('answers through the route schema: a field the schema does not name is left out', async () => {
    const reply = await t.request('GET', '/api/test/serialized');
    assert.equal(reply.status, 200);
    assert.deepEqual(reply.json, { shown: 7 });
  });

  it('compiles every response schema of the platform, each once', async () => {
    const compiled = compileDeferredSerializers(t.platform.app);
    assert.ok(compiled >= 200, `compiled ${compiled} serializers`);
    assert.equal(compileDeferredSerializers(t.platform.app), 0);
    // A route answered after the bulk compile uses the serializer already made.
    assert.deepEqual((await t.request('GET', '/api/test/serialized')).json, { shown: 7 });
    assert.equal((await t.request('GET', '/api/health')).status, 200);
  });
});

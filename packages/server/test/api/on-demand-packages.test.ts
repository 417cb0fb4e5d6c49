// A one-process SQLite platform without Redis or a fraud model does not load the Redis client or
// the random forest: they are loaded on first use (bench/README.md, "The idle process and memory
// per player"), and a static import added back would bring their memory into every process.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import { backends } from '../../src/adapters/testing.ts';
import { TestPlatform } from '../helpers/platform.ts';

const loaded = (pkg: string) => Object.keys(createRequire(import.meta.url).cache).some((path) => path.includes(`/node_modules/${pkg}/`));

describe('packages loaded on first use', () => {
  let t: TestPlatform;

  before(async () => {
    t = await TestPlatform.start(backends()[0]!);
  });
  after(() => t.close());

  it('leaves the Redis client and the random forest unloaded on a platform that uses neither', async () => {
    assert.equal((await t.request('GET', '/api/health')).status, 200);
    assert.equal(loaded('ioredis'), false);
    assert.equal(loaded('ml-random-forest'), false);
  });

  it('sees a package once it is loaded (so the check above can fail)', () => {
    const { RandomForestClassifier } = createRequire(import.meta.url)('ml-random-forest') as typeof import('ml-random-forest');
    assert.equal(typeof RandomForestClassifier, 'function');
    assert.equal(loaded('ml-random-forest'), true);
  });
});

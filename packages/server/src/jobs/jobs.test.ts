import assert from 'node:assert/strict';
import { it } from 'node:test';
import { Jobs } from './index.ts';

const quiet = { info() {}, error() {} };

it('runs every job once per pass, survives a failing job, and refuses duplicates', async () => {
  const jobs = new Jobs(quiet);
  let a = 0;
  jobs.add({ name: 'a', intervalMs: 1000, run: async () => (a += 1) });
  jobs.add({
    name: 'b',
    intervalMs: 1000,
    run: async () => {
      throw new Error('boom');
    },
  });
  assert.throws(() => jobs.add({ name: 'a', intervalMs: 1000, run: async () => 0 }), /twice/);
  assert.deepEqual(await jobs.runAll(), { a: 1, b: undefined });
  assert.deepEqual(await jobs.runAll(), { a: 2, b: undefined });
  await jobs.stop();
  assert.deepEqual(await jobs.runAll(), { a: undefined, b: undefined });
});

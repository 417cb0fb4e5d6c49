import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { createPostgresStore } from '../adapters/postgres/index.ts';
import { inProcessLeader, postgresLeader } from '../ops/leader.ts';
import { MetricsRegistry } from '../ops/metrics.ts';
import type { Store } from '../storage/ports.ts';
import { backends, dropSchema, TEST_PG_URL } from '../adapters/testing.ts';
import { Jobs, jobsMigrations } from './index.ts';

const quiet = { info() {}, error() {} };

for (const backend of backends()) {
  describe(`jobs on ${backend.name}`, () => {
    it('runs every job once per pass, survives a failing job, records each pass, and refuses duplicates', async () => {
      const clock = new ManualClock(Date.UTC(2026, 5, 1));
      const store = await backend.open({ clock });
      await store.migrate(jobsMigrations);
      const jobs = new Jobs({ store, clock, log: quiet, nodeId: 'n1' });
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
      assert.deepEqual(await jobs.runDue(), {}, 'nothing is due again within the interval');
      clock.advanceMs(1000);
      assert.deepEqual(await jobs.runDue(), { a: 2, b: undefined });
      const status = await jobs.status();
      assert.deepEqual(
        status.map((s) => [s.name, s.lastOk, s.lastHandled, s.lastNode]),
        [
          ['a', true, 2, 'n1'],
          ['b', false, null, 'n1'],
        ],
      );
      assert.equal(status[1]?.lastError, 'boom');
      const metrics = new MetricsRegistry();
      jobs.registerMetrics(metrics);
      const text = await metrics.collectAndRender();
      assert.match(text, /fg_job_last_ok\{job="a"\} 1/);
      assert.match(text, /fg_job_last_ok\{job="b"\} 0/);
      assert.match(text, /fg_job_passes_total\{job="b",outcome="failed"\} 2/);
      await jobs.stop();
      assert.deepEqual(await jobs.runAll(), { a: undefined, b: undefined }, 'a stopped runner runs nothing');
      await store.close();
    });

    it('two nodes ticking the same job run it once per interval between them', async () => {
      const clock = new ManualClock(Date.UTC(2026, 5, 1));
      const store = await backend.open({ clock });
      await store.migrate(jobsMigrations);
      const runs: string[] = [];
      const node = (id: string) => {
        const j = new Jobs({ store, clock, log: quiet, nodeId: id, leader: inProcessLeader() });
        j.add({ name: 'sweep', intervalMs: 7_500, run: async () => runs.push(id) });
        return j;
      };
      const a = node('a');
      const b = node('b');
      // Each node ticks four times per interval, out of phase with the other, for a minute.
      for (let t = 0; t < 24; t++) {
        await (t % 2 === 0 ? a : b).runDue();
        clock.advanceMs(2_500);
      }
      assert.equal(runs.length, 8, `one pass per 7.5 s over 60 s, got ${runs.join(',')}`);
      assert.ok(runs.includes('a') && runs.includes('b'), 'either node may take a slot');
      await a.stop();
      await b.stop();
      await store.close();
    });
  });
}

describe('jobs across processes on PostgreSQL', () => {
  it('never runs two passes of one job at once: the second process skips while the first holds the lock', async () => {
    const schema = `t_${randomBytes(6).toString('hex')}`;
    const clock = new ManualClock(Date.UTC(2026, 5, 1));
    const stores: Store[] = [];
    for (let i = 0; i < 2; i++) stores.push(await createPostgresStore({ url: TEST_PG_URL, schema, clock }));
    await stores[0]!.migrate(jobsMigrations);
    const locks = [await postgresLeader(TEST_PG_URL, schema), await postgresLeader(TEST_PG_URL, schema)];
    let runs = 0;
    let release!: () => void;
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const job = {
      name: 'slow',
      intervalMs: 1000,
      run: async () => {
        runs += 1;
        await gate;
        return 1;
      },
    };
    const [ja, jb] = [0, 1].map((i) => {
      const j = new Jobs({ store: stores[i]!, clock, log: quiet, nodeId: `n${i}`, leader: locks[i]! });
      j.add(job);
      return j;
    }) as [Jobs, Jobs];
    const first = ja.runAll();
    while (runs === 0) await new Promise((r) => setTimeout(r, 5));
    assert.deepEqual(await jb.runAll(), { slow: undefined }, 'the second process skips while the first leads');
    release();
    assert.deepEqual(await first, { slow: 1 });
    assert.equal(runs, 1);
    await Promise.all([ja.stop(), jb.stop(), ...locks.map((l) => l.close()), ...stores.map((s) => s.close())]);
    await dropSchema(schema);
  });
});

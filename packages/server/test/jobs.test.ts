// Periodic work runs once per interval across the cluster: two worker nodes of the platform on one
// PostgreSQL database, both ticking every job, share each job's passes between them.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { createPostgresStore } from '../src/adapters/postgres/index.ts';
import { createPlatform, type Platform } from '../src/app.ts';
import { loadPolicyFile } from '../src/compliance/index.ts';
import { DEVELOPMENT_POLICY_FILE } from '../src/config.ts';
import { JOB_NAMES, type JobName } from '../src/jobs/schedule.ts';
import { postgresLeader } from '../src/ops/leader.ts';
import { dropSchema, TEST_PG_URL } from '../src/adapters/testing.ts';
import { testAdapters } from './helpers/adapters.ts';
import { testConfig } from './helpers/platform.ts';

it('with two worker nodes each job runs once per interval', async () => {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const clock = new ManualClock(Date.UTC(2026, 5, 1, 4));
  const config = testConfig({ jobIntervalsMs: Object.fromEntries(JOB_NAMES.map((n) => [n, 1000])) as Record<JobName, number> });
  const nodes: Platform[] = [];
  const closers: (() => Promise<void>)[] = [];
  for (const nodeId of ['worker-a', 'worker-b']) {
    const store = await createPostgresStore({ url: TEST_PG_URL, schema, clock });
    const lock = await postgresLeader(TEST_PG_URL, schema);
    const platform = await createPlatform({
      config,
      store,
      clock,
      policy: loadPolicyFile(DEVELOPMENT_POLICY_FILE),
      logger: false,
      adapters: testAdapters(clock),
      nodeId,
      roles: ['api', 'rooms', 'worker'],
      leader: { adapter: 'postgres advisory locks', lock },
    });
    nodes.push(platform);
    closers.push(async () => {
      await platform.close();
      await lock.close();
      await store.close();
    });
  }
  try {
    const passes = new Map<string, number>();
    // Ten seconds of both nodes ticking four times a second, out of phase with each other.
    for (let step = 0; step < 40; step++) {
      const node = nodes[step % 2] as Platform;
      const ran = await node.jobs.runDue();
      for (const name of Object.keys(ran)) {
        passes.set(name, (passes.get(name) ?? 0) + 1);
      }
      clock.advanceMs(250);
    }
    const names = nodes[0]?.jobs.names ?? [];
    assert.deepEqual([...names].sort(), JOB_NAMES.filter((n) => n !== 'cluster.orphans').sort(), 'every job but the cluster one');
    for (const name of names) assert.equal(passes.get(name), 10, `${name}: one pass per second for ten seconds`);
    const status = await nodes[1]?.jobs.status();
    assert.ok(
      status?.every((s) => s.lastOk === true),
      JSON.stringify(status?.filter((s) => s.lastOk !== true)),
    );
    const metrics = await nodes[0]?.metrics.collectAndRender();
    assert.match(metrics ?? '', /fg_job_last_ok\{job="skill.sweep"\} 1/);
  } finally {
    for (const c of closers) await c();
    await dropSchema(schema);
  }
});

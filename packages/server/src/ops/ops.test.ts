import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { isAppError, ManualClock } from '@fairground/core';
import { Redis } from 'ioredis';
import { TEST_PG_URL } from '../adapters/testing.ts';
import { CircuitBreaker } from './breaker.ts';
import { type LeaderLock, postgresLeader, redisLeader } from './leader.ts';
import { MetricsRegistry } from './metrics.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

describe('circuit breaker', () => {
  it('opens after repeated failures, answers BREAKER_OPEN at once, and closes after a good trial', async () => {
    const clock = new ManualClock();
    const states: string[] = [];
    const b = new CircuitBreaker({
      name: 'wechatpay',
      failuresMax: 3,
      windowMs: 10_000,
      openMs: 30_000,
      clock,
      onStateChange: (_, s) => states.push(s),
    });
    let calls = 0;
    const failing = async () => {
      calls += 1;
      throw new Error('502 from upstream');
    };
    for (let i = 0; i < 3; i += 1) await assert.rejects(b.call(failing), /502/);
    assert.equal(b.state, 'open');
    await assert.rejects(b.call(failing), (e) => isAppError(e) && e.code === 'BREAKER_OPEN');
    assert.equal(calls, 3, 'an open breaker does not call the dependency');
    clock.advanceMs(30_000);
    assert.equal(b.state, 'half-open');
    await assert.rejects(b.call(failing), /502/);
    assert.equal(b.state, 'open', 'a failed trial opens it again');
    clock.advanceMs(30_000);
    assert.equal(await b.call(async () => 'ok'), 'ok');
    assert.equal(b.state, 'closed');
    assert.deepEqual(states, ['open', 'closed']);
  });

  it('times a slow call out with DEPENDENCY_TIMEOUT and aborts it', async () => {
    const b = new CircuitBreaker({ name: 'slow', callTimeoutMs: 20 });
    let aborted = false;
    await assert.rejects(
      b.call(
        (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
            });
            setTimeout(resolve, 1000).unref();
          }),
      ),
      (e) => isAppError(e) && e.code === 'DEPENDENCY_TIMEOUT',
    );
    assert.equal(aborted, true);
  });

  it('does not count a caller error (4xx) against the dependency', async () => {
    const b = new CircuitBreaker({ name: 'x', failuresMax: 1 });
    const { AppError, CoreErrors } = await import('@fairground/core');
    await assert.rejects(
      b.call(async () => {
        throw new AppError(CoreErrors.VALIDATION_FAILED);
      }),
    );
    assert.equal(b.state, 'closed');
  });
});

describe('metrics', () => {
  it('renders counters, gauges and histograms in the Prometheus text format', () => {
    const m = new MetricsRegistry();
    m.counter('fg_http_requests_total', 'HTTP requests').inc({ route: '/api/x', status: '200' }, 2);
    m.gauge('fg_rooms_live', 'live rooms', () => 7);
    const h = m.histogram('fg_http_seconds', 'latency', [0.01, 0.1]);
    h.observe(0.005, { route: '/a' });
    h.observe(0.05, { route: '/a' });
    const text = m.render();
    assert.match(text, /# TYPE fg_http_requests_total counter\nfg_http_requests_total\{route="\/api\/x",status="200"\} 2/);
    assert.match(text, /fg_rooms_live 7/);
    assert.match(text, /fg_http_seconds_bucket\{route="\/a",le="0.01"\} 1/);
    assert.match(text, /fg_http_seconds_bucket\{route="\/a",le="\+Inf"\} 2/);
    assert.match(text, /fg_http_seconds_count\{route="\/a"\} 2/);
  });
});

async function leaderContract(name: string, make: () => Promise<[LeaderLock, LeaderLock, () => Promise<void>]>): Promise<void> {
  await it(`${name}: one holder at a time, free again after release`, async () => {
    const [a, b, cleanup] = await make();
    const job = `j${randomBytes(4).toString('hex')}`;
    assert.equal(await a.acquire(job), true);
    assert.equal(await b.acquire(job), false);
    await a.release(job);
    assert.equal(await b.acquire(job), true);
    assert.equal(await a.acquire(job), false);
    await b.release(job);
    await cleanup();
  });
}

describe('leader election', () => {
  leaderContract('postgres', async () => {
    const a = await postgresLeader(TEST_PG_URL);
    const b = await postgresLeader(TEST_PG_URL);
    return [a, b, async () => Promise.all([a.close(), b.close()]).then(() => undefined)];
  });

  it('postgres: a process that dies loses its lock at once', async () => {
    const a = await postgresLeader(TEST_PG_URL);
    const b = await postgresLeader(TEST_PG_URL);
    const job = `d${randomBytes(4).toString('hex')}`;
    assert.equal(await a.acquire(job), true);
    await a.close();
    assert.equal(await b.acquire(job), true);
    await b.close();
  });

  leaderContract('redis', async () => {
    const r1 = new Redis(REDIS_URL);
    const r2 = new Redis(REDIS_URL);
    const prefix = `fgtest:${randomBytes(4).toString('hex')}:`;
    const a = redisLeader(r1, { prefix });
    const b = redisLeader(r2, { prefix });
    return [
      a,
      b,
      async () => {
        await a.close();
        await b.close();
        r1.disconnect();
        r2.disconnect();
      },
    ];
  });
});

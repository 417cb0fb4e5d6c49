// Two API processes share notifications through Redis pub/sub: published on one, delivered by the other.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { it } from 'node:test';
import { createRedisBus } from './redis-bus.ts';

const REDIS_URL = process.env.FAIRGROUND_TEST_REDIS_URL ?? 'redis://127.0.0.1:6379/0';

it('carries a notification from one process’s bus to another’s', async () => {
  const channel = `fg-test:${randomBytes(6).toString('hex')}:notifications`;
  const errors: Error[] = [];
  const a = createRedisBus({ url: REDIS_URL, channel, onError: (e) => errors.push(e) });
  const b = createRedisBus({ url: REDIS_URL, channel, onError: (e) => errors.push(e) });
  try {
    const received = new Promise<{ playerId: string; kind: string }>((resolve) =>
      b.subscribe((playerId, message) => resolve({ playerId, kind: message.kind })),
    );
    // The subscription must be active before publishing: pub/sub keeps nothing for late listeners.
    await b.ready();
    a.publish('p_1', { id: 'nt_1', kind: 'deposit_completed', data: { amountFen: 100 }, createdAtMs: 1 });
    assert.deepEqual(await received, { playerId: 'p_1', kind: 'deposit_completed' });
    assert.deepEqual(errors, []);
  } finally {
    await a.close();
    await b.close();
  }
});

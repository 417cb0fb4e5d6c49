import assert from 'node:assert/strict';
import { it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { CircuitBreaker } from './breaker.ts';

it('opens after repeated failures, lets one trial through after the pause, and closes on its success', () => {
  const clock = new ManualClock(0);
  const b = new CircuitBreaker(clock, { failuresToOpen: 3, openMs: 1000 });
  for (let i = 0; i < 2; i++) {
    assert.equal(b.allow(), true);
    b.failure();
  }
  assert.equal(b.state, 'closed');
  b.success();
  for (let i = 0; i < 3; i++) b.failure();
  assert.equal(b.state, 'open');
  assert.equal(b.allow(), false);
  assert.equal(b.retryAtMs, 1000);
  clock.advanceMs(1000);
  assert.equal(b.state, 'half_open');
  assert.equal(b.allow(), true, 'one trial');
  assert.equal(b.allow(), false, 'only one at a time');
  b.failure();
  assert.equal(b.state, 'open', 'a failed trial opens it again');
  clock.advanceMs(1000);
  assert.equal(b.allow(), true);
  b.success();
  assert.equal(b.state, 'closed');
  assert.equal(b.allow(), true);
});

it('a released trial (a call refused before reaching the provider) frees the slot', () => {
  const clock = new ManualClock(0);
  const b = new CircuitBreaker(clock, { failuresToOpen: 1, openMs: 10 });
  b.failure();
  clock.advanceMs(10);
  assert.equal(b.allow(), true);
  b.release();
  assert.equal(b.allow(), true);
});

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Store } from '../storage/ports.ts';
import { EventBatcher, type PacingTimer } from './batcher.ts';
import { EVENT_PARAMS } from './event-rows.ts';
import { EVENT_BATCH_ROOMS_MAX } from './limits.ts';
import type { RoomEvent } from './state.ts';

/** A hosted store whose writes commit only when the test says so. */
function hostedStore() {
  const calls: { rows: number; commit: () => void; fail: (e: Error) => void }[] = [];
  const store = {
    dialect: 'sqlite',
    host: () => ({
      call: (request: unknown) =>
        new Promise<null>((resolve, reject) => {
          calls.push({ rows: (request as unknown[]).length / EVENT_PARAMS, commit: () => resolve(null), fail: reject });
        }),
    }),
    unitOfWork: () => {
      throw new Error('hosted writes only');
    },
  } as unknown as Store;
  return { store, calls };
}

/** Monotonic time moved by hand; `advance` fires what falls due. */
function manualTimer(): PacingTimer & { advance(ms: number): void; readonly waiting: number } {
  let now = 1_000;
  let due: { atMs: number; fn: () => void }[] = [];
  return {
    nowMs: () => now,
    after: (delayMs, fn) => {
      due.push({ atMs: now + delayMs, fn });
    },
    advance(ms) {
      now += ms;
      const fire = due.filter((d) => d.atMs <= now);
      due = due.filter((d) => d.atMs > now);
      for (const d of fire) d.fn();
    },
    get waiting() {
      return due.length;
    },
  };
}

const turn = () => new Promise<void>((resolve) => setImmediate(resolve));
let seq = 0;
const event = (): RoomEvent => {
  seq += 1;
  return { kind: 'hand_action', action: { type: 'call' }, auto: false, seq, atMs: 0 } as unknown as RoomEvent;
};

/** Resolves to the order in which the writes' promises settled. */
function track(done: string[], name: string, p: Promise<void>): void {
  p.then(
    () => done.push(name),
    () => done.push(`${name} failed`),
  );
}

describe('room event batcher pacing', () => {
  it('coalesces the rows that arrive within the gap into the next commit', async () => {
    const { store, calls } = hostedStore();
    const timer = manualTimer();
    const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 5 }, timer });
    const done: string[] = [];
    track(done, 'a', batcher.write('room-a', [event()]));
    await turn();
    assert.equal(calls.length, 1, 'the first write starts at once');
    calls[0]?.commit();
    await turn();
    // Within the gap: three rooms write in three turns; none starts a commit yet.
    track(done, 'b', batcher.write('room-b', [event()]));
    await turn();
    track(done, 'c', batcher.write('room-c', [event(), event()]));
    await turn();
    timer.advance(2);
    track(done, 'd', batcher.write('room-d', [event()]));
    await turn();
    assert.equal(calls.length, 1, 'nothing starts before the gap has passed');
    timer.advance(3);
    await turn();
    assert.equal(calls.length, 2);
    assert.equal(calls[1]?.rows, 4, 'the three rooms share one commit');
    assert.deepEqual(stats(batcher), { writes: 2, rows: 5 });
    calls[1]?.commit();
    await turn();
    assert.deepEqual(done, ['a', 'b', 'c', 'd']);
  });

  it('resolves a write only after the commit that holds its rows, and fails it with that commit', async () => {
    const { store, calls } = hostedStore();
    const timer = manualTimer();
    const batcher = new EventBatcher(store, { pacing: { inFlightMax: 1, gapMs: 5 }, timer });
    const done: string[] = [];
    track(done, 'a', batcher.write('room-a', [event()]));
    await turn();
    track(done, 'b', batcher.write('room-b', [event()]));
    timer.advance(10);
    await turn();
    assert.equal(calls.length, 1, 'one write in flight: the next waits for it although the gap has passed');
    assert.deepEqual(done, [], 'nothing is settled before its commit');
    calls[0]?.commit();
    await turn();
    await turn();
    assert.deepEqual(done, ['a']);
    assert.equal(calls.length, 2, 'the waiting rows go as soon as the write in flight returns');
    calls[1]?.fail(new Error('disk full'));
    await turn();
    assert.deepEqual(done, ['a', 'b failed']);
  });

  it('starts at once when the gap is zero, up to the writes in flight', async () => {
    const { store, calls } = hostedStore();
    const timer = manualTimer();
    const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 0 }, timer });
    for (const room of ['a', 'b', 'c']) {
      void batcher.write(room, [event()]);
      await turn();
    }
    assert.equal(calls.length, 2);
    assert.equal(timer.waiting, 0, 'no timer without a gap');
    calls[0]?.commit();
    await turn();
    await turn();
    assert.equal(calls.length, 3);
  });

  it('commits at most EVENT_BATCH_ROOMS_MAX rooms together, and settles each writer with the commit that holds its rows', async () => {
    const { store, calls } = hostedStore();
    const timer = manualTimer();
    const batcher = new EventBatcher(store, { pacing: { inFlightMax: 2, gapMs: 0 }, timer });
    const done: string[] = [];
    const rooms = EVENT_BATCH_ROOMS_MAX + 3;
    for (let i = 0; i < rooms; i += 1) track(done, `r${i}`, batcher.write(`room-${i}`, i === rooms - 1 ? [event(), event()] : [event()]));
    await turn();
    assert.deepEqual(
      calls.map((c) => c.rows),
      [EVENT_BATCH_ROOMS_MAX, 4],
      'the first rooms fill one commit, the rest go in the next',
    );
    calls[1]?.fail(new Error('disk full'));
    await turn();
    assert.deepEqual(done, [`r${rooms - 3} failed`, `r${rooms - 2} failed`, `r${rooms - 1} failed`]);
    calls[0]?.commit();
    await turn();
    assert.equal(done.length, rooms);
    assert.deepEqual(
      done.slice(3),
      Array.from({ length: EVENT_BATCH_ROOMS_MAX }, (_, i) => `r${i}`),
      'in the order they wrote',
    );
    // A write after the flush starts a batch of its own.
    track(done, 'late', batcher.write('room-late', [event()]));
    await turn();
    assert.equal(calls.length, 3);
    assert.equal(calls[2]?.rows, 1);
    calls[2]?.commit();
    await turn();
    assert.equal(done.at(-1), 'late');
  });

  it('refuses pacing outside its bounds', () => {
    const { store } = hostedStore();
    assert.throws(() => new EventBatcher(store, { pacing: { inFlightMax: 0 } }));
    assert.throws(() => new EventBatcher(store, { pacing: { gapMs: -1 } }));
    assert.throws(() => new EventBatcher(store, { pacing: { gapMs: 1_000 } }));
  });
});

function stats(b: EventBatcher): { writes: number; rows: number } {
  return { ...b.stats };
}

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DAY_MS, HOUR_MS } from './limits.ts';
import {
  chinaDayStartMs,
  chinaHourOfDay,
  computeMetrics,
  type Dimensions,
  type MetricEvent,
  type MetricResult,
  statusOf,
} from './metrics.ts';

// 2026-01-15 00:00 China time.
const DAY0 = Date.UTC(2026, 0, 14, 16, 0, 0);
const dims: Dimensions = {
  regionOf: (p) => (p?.startsWith('gd') ? 'CN-GD' : p?.startsWith('bj') ? 'CN-BJ' : 'unknown'),
  tierOf: (p, atMs) => (p === 'gd-vip' ? 'vip' : p === 'bj-payer' && atMs >= DAY0 + 10 * HOUR_MS ? 'paying' : 'new'),
};
const ev = (kind: string, atMs: number, actorId: string | null, data: MetricEvent['data'] = {}): MetricEvent => ({
  kind,
  atMs,
  actorId,
  data,
});
const byId = (results: MetricResult[], id: string) => {
  const m = results.find((r) => r.id === id);
  assert.ok(m, id);
  return m;
};
const window = { fromMs: DAY0, toMs: DAY0 + DAY_MS };

describe('operating metrics', () => {
  it('reports China days and hours of day', () => {
    assert.equal(chinaDayStartMs(DAY0 + 5 * HOUR_MS), DAY0);
    assert.equal(chinaDayStartMs(DAY0 - 1), DAY0 - DAY_MS);
    assert.equal(chinaHourOfDay(DAY0), 0);
    assert.equal(chinaHourOfDay(DAY0 + 13 * HOUR_MS + 59 * 60_000), 13);
  });

  it('room creation success rate: created over attempts, by hour of day, region and tier, alerting under 90 %', () => {
    const events: MetricEvent[] = [];
    for (let i = 0; i < 18; i++) events.push(ev('room_created', DAY0 + 9 * HOUR_MS + i, 'gd-vip', { roomId: `r${i}` }));
    for (let i = 0; i < 2; i++) events.push(ev('room_create_failed', DAY0 + 21 * HOUR_MS + i, 'bj-payer', { code: 'ROOM_BUSY' }));
    // Outside the window: ignored.
    events.push(ev('room_create_failed', DAY0 - 1, 'bj-payer'));
    const results = computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 20 });
    const m = byId(results, 'room_creation_success_rate');
    assert.equal(m.sample, 20);
    assert.equal(m.value, 0.9);
    // 90 % is not below the alert line, and not above the 95 % target.
    assert.equal(m.status, 'off_target');
    assert.deepEqual(
      m.byRegion.map((s) => [s.key, s.value, s.sample]),
      [
        ['CN-GD', 1, 18],
        ['CN-BJ', 0, 2],
      ],
    );
    assert.deepEqual(
      m.byTier.map((s) => [s.key, s.sample]),
      [
        ['new', 0],
        ['paying', 2],
        ['vip', 18],
      ],
    );
    assert.equal(m.byHourOfDay.find((h) => h.key === '09')?.value, 1);
    assert.equal(m.byHourOfDay.find((h) => h.key === '21')?.value, 0);
    assert.equal(m.series.length, 24, 'one point per hour of a one-day window');
    assert.equal(m.series[9]?.sample, 18);

    events.push(ev('room_create_failed', DAY0 + 22 * HOUR_MS, 'bj-payer'));
    const worse = byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 20 }), 'room_creation_success_rate');
    assert.ok(worse.value !== null && worse.value < 0.9);
    assert.equal(worse.status, 'alert');
    assert.equal(
      byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 50 }), 'room_creation_success_rate').status,
      'off_target',
      'too few attempts to alert',
    );
  });

  it('time to first hand: the mean over rooms whose first hand started in the window', () => {
    const events = [
      ev('room_created', DAY0 - HOUR_MS, 'gd-a', { roomId: 'early' }),
      ev('room_first_hand_started', DAY0 + 60_000, null, { roomId: 'early', msSinceCreated: HOUR_MS + 60_000 }),
      ev('room_created', DAY0 + HOUR_MS, 'bj-b', { roomId: 'quick' }),
      ev('room_first_hand_started', DAY0 + HOUR_MS + 120_000, null, { roomId: 'quick', msSinceCreated: 120_000 }),
    ];
    const m = byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 1 }), 'time_to_first_hand_ms');
    assert.equal(m.sample, 2);
    assert.equal(m.value, (HOUR_MS + 60_000 + 120_000) / 2);
    assert.equal(m.status, 'off_target', 'over 8 minutes on average');
    assert.equal(m.byRegion.find((s) => s.key === 'CN-GD')?.value, HOUR_MS + 60_000, 'attributed to the room’s creator');
    const quick = byId(computeMetrics(events.slice(2), dims, { window, nowMs: window.toMs, alertSampleMin: 1 }), 'time_to_first_hand_ms');
    assert.equal(quick.status, 'ok');
    assert.equal(quick.alert, null, 'the seed names no alert line for this one');
  });

  it('completion rate counts rooms with a finished hand, and leaves out rooms still forming', () => {
    const at = DAY0 + 10 * HOUR_MS;
    const events = [
      ev('room_created', at, 'gd-a', { roomId: 'played' }),
      ev('hand_finished', at + 600_000, null, { roomId: 'played', handNumber: 1, aborted: false }),
      ev('room_created', at, 'gd-a', { roomId: 'aborted' }),
      ev('hand_finished', at + 600_000, null, { roomId: 'aborted', handNumber: 1, aborted: true }),
      ev('room_created', at, 'gd-a', { roomId: 'dissolved' }),
      ev('room_dissolved', at + 60_000, 'gd-a', { roomId: 'dissolved', hands: 0 }),
      ev('room_created', at + 3 * HOUR_MS, 'gd-a', { roomId: 'forming' }),
    ];
    // Ten minutes after the last room was created: it is still gathering players.
    const early = byId(computeMetrics(events, dims, { window, nowMs: at + 3 * HOUR_MS + 600_000, alertSampleMin: 1 }), 'completion_rate');
    assert.equal(early.sample, 3);
    assert.equal(early.value, 1 / 3);
    assert.equal(early.status, 'alert');
    const later = byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 1 }), 'completion_rate');
    assert.equal(later.sample, 4);
    assert.equal(later.value, 1 / 4);
  });

  it('D1 retention: new players active on the next China day, once that day has ended', () => {
    const events = [
      ev('player_created', DAY0 + HOUR_MS, 'gd-a'),
      ev('player_created', DAY0 + 2 * HOUR_MS, 'bj-b'),
      ev('player_created', DAY0 + 3 * HOUR_MS, 'gd-c'),
      // Same day: does not count as returning.
      ev('player_logged_in', DAY0 + 4 * HOUR_MS, 'bj-b'),
      ev('player_logged_in', DAY0 + DAY_MS + HOUR_MS, 'gd-a'),
      ev('room_joined', DAY0 + DAY_MS + 23 * HOUR_MS, 'gd-c', { roomId: 'x' }),
    ];
    const open = byId(computeMetrics(events, dims, { window, nowMs: DAY0 + DAY_MS + 12 * HOUR_MS, alertSampleMin: 1 }), 'd1_retention');
    assert.equal(open.status, 'no_data', 'the next day has not ended');
    const m = byId(computeMetrics(events, dims, { window, nowMs: DAY0 + 2 * DAY_MS, alertSampleMin: 1 }), 'd1_retention');
    assert.equal(m.sample, 3);
    assert.equal(m.value, 2 / 3);
    assert.equal(m.status, 'ok');
    assert.equal(m.byRegion.find((s) => s.key === 'CN-BJ')?.value, 0);
  });

  it('complaint rate: rooms created in the window that someone complained about, alerting over 5 %', () => {
    const events: MetricEvent[] = [];
    for (let i = 0; i < 20; i++) events.push(ev('room_created', DAY0 + HOUR_MS, 'gd-a', { roomId: `r${i}` }));
    events.push(ev('room_reported', DAY0 + 2 * HOUR_MS, 'bj-b', { roomId: 'r1' }));
    events.push(ev('room_reported', DAY0 + 2 * HOUR_MS, 'gd-c', { roomId: 'r1' }));
    const one = byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 20 }), 'complaint_rate');
    assert.equal(one.value, 0.05, 'two reports of one room are one room');
    assert.equal(one.status, 'off_target', 'on the line: not under the target, not over the alert');
    events.push(ev('complaint_filed', DAY0 + 3 * HOUR_MS, 'bj-b', { roomId: 'r2', complaintId: 'c1' }));
    events.push(ev('complaint_filed', DAY0 + 3 * HOUR_MS, 'bj-b', { roomId: null, complaintId: 'c2' }));
    const two = byId(computeMetrics(events, dims, { window, nowMs: window.toMs, alertSampleMin: 20 }), 'complaint_rate');
    assert.equal(two.value, 0.1);
    assert.equal(two.status, 'alert');
  });

  it('an empty window has no data for any metric, and long windows are charted per day', () => {
    const week = { fromMs: DAY0, toMs: DAY0 + 7 * DAY_MS };
    for (const m of computeMetrics([], dims, { window: week, nowMs: week.toMs, alertSampleMin: 1 })) {
      assert.equal(m.status, 'no_data');
      assert.equal(m.value, null);
      assert.equal(m.series.length, 7);
      assert.equal(m.byHourOfDay.length, 24);
    }
  });

  it('statuses follow the direction of each threshold', () => {
    const rate = { id: 'complaint_rate', unit: 'ratio', target: { op: '<', value: 0.05 }, alert: { op: '>', value: 0.05 } } as const;
    assert.equal(statusOf(rate, 0.01, 100, 20), 'ok');
    assert.equal(statusOf(rate, 0.05, 100, 20), 'off_target');
    assert.equal(statusOf(rate, 0.06, 100, 20), 'alert');
    assert.equal(statusOf(rate, 0.06, 10, 20), 'off_target');
    assert.equal(statusOf(rate, null, 0, 20), 'no_data');
  });
});

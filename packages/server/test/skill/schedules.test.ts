// Repeating tournament schedules on SQLite and PostgreSQL: a template's schedule (times of day,
// optional weekdays, a fixed UTC offset) makes the `skill.schedule` job create one tournament per
// slot — once, however often and on however many nodes it runs — which then runs to its payout or
// is cancelled with every fee refunded; the ledger's invariants after each. Injected clock only.
import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { ManualClock } from '@fairground/core';
import { latestSlotMs, nextSlotMs, type ScheduledTemplate, SCHEDULE_OPERATOR_ID, slotLabel } from '../../src/skill/index.ts';
import { backends } from '../../src/adapters/testing.ts';
import { openWorld, TestClient, type World } from './helpers.ts';

const BEIJING = 480;
const MINUTE_MS = 60_000;
/** 2026-11-02 is a Monday; 12:00 UTC is 20:00 in Beijing. */
const MONDAY_8PM_BEIJING = Date.UTC(2026, 10, 2, 12, 0);

const DAILY: ScheduledTemplate = {
  id: 'evening',
  game: 'match3',
  title: '晚间赛 Evening cup',
  entryFeeFen: 500,
  rakeBps: 1000,
  prizeWeights: [3, 1],
  playersMin: 2,
  playersMax: 50,
  entryWindowMs: 30 * MINUTE_MS,
  playWindowMs: 30 * MINUTE_MS,
  schedule: { times: ['20:00'], utcOffsetMinutes: BEIJING },
};

describe('schedule slots', () => {
  it('finds the latest and the next slot of a daily schedule on the schedule’s own clock', () => {
    const s = { times: ['20:00', '08:30'], utcOffsetMinutes: BEIJING };
    assert.equal(latestSlotMs(s, MONDAY_8PM_BEIJING), MONDAY_8PM_BEIJING);
    assert.equal(latestSlotMs(s, MONDAY_8PM_BEIJING - 1), Date.UTC(2026, 10, 2, 0, 30), '08:30 Beijing is 00:30 UTC');
    assert.equal(nextSlotMs(s, MONDAY_8PM_BEIJING), Date.UTC(2026, 10, 3, 0, 30));
    // 01:00 Beijing on Tuesday is still Monday in UTC: the latest slot is Monday 20:00 Beijing.
    assert.equal(latestSlotMs(s, Date.UTC(2026, 10, 2, 17, 0)), MONDAY_8PM_BEIJING);
  });

  it('labels a slot on its own clock, naming the clock', () => {
    assert.equal(slotLabel(MONDAY_8PM_BEIJING, BEIJING), '11-02 20:00 UTC+8');
    assert.equal(slotLabel(MONDAY_8PM_BEIJING, -330), '11-02 06:30 UTC-5:30');
  });

  it('keeps to the weekdays of a weekly schedule', () => {
    const s = { times: ['20:00'], weekdays: [3, 6], utcOffsetMinutes: BEIJING };
    // Monday evening: the latest Wednesday or Saturday 20:00 is Saturday 2026-10-31.
    assert.equal(latestSlotMs(s, MONDAY_8PM_BEIJING + 1), Date.UTC(2026, 9, 31, 12, 0));
    assert.equal(nextSlotMs(s, MONDAY_8PM_BEIJING), Date.UTC(2026, 10, 4, 12, 0), 'then Wednesday');
  });
});

for (const backend of backends()) {
  describe(`scheduled tournaments on ${backend.name}`, () => {
    const clock = new ManualClock(MONDAY_8PM_BEIJING - 5 * MINUTE_MS);
    let w: World;
    const problems: string[] = [];
    const run = (templates: ScheduledTemplate[], world = w) =>
      world.skill.tournaments.runSchedules(templates, (id, e) => problems.push(`${id}: ${String(e)}`));
    before(async () => {
      w = await openWorld(backend, clock);
    });
    afterEach(() => w.assertInvariants());
    after(() => w.close());

    it('creates the slot’s tournament once when the slot comes, and runs it to its payout', async () => {
      assert.deepEqual(await run([DAILY]), [], 'nothing before 20:00');
      clock.setMs(MONDAY_8PM_BEIJING + 10_000);
      const [t] = await run([DAILY]);
      assert.ok(t);
      assert.equal(t.title, '晚间赛 Evening cup · 11-02 20:00 UTC+8');
      assert.equal(t.entryClosesAtMs, MONDAY_8PM_BEIJING + DAILY.entryWindowMs);
      assert.equal(t.endsAtMs, MONDAY_8PM_BEIJING + DAILY.entryWindowMs + DAILY.playWindowMs);
      assert.deepEqual([t.entryFeeFen, t.rakeBps, t.prizeWeights, t.status], [500, 1000, [3, 1], 'open']);
      assert.deepEqual(await run([DAILY]), [], 'a second pass creates nothing');
      assert.deepEqual(await run([DAILY], { ...w, skill: w.restarted() }), [], 'nor does another node');
      const audit = await w.store.reader.query<{ created_by: string }>('SELECT created_by FROM skill_tournaments WHERE id = ?', [
        t.tournamentId,
      ]);
      assert.equal(audit[0]?.created_by, SCHEDULE_OPERATOR_ID);

      const [a, b] = [await w.player(2000), await w.player(2000)];
      for (const [p, moves] of [
        [a, 8],
        [b, 2],
      ] as const) {
        await w.skill.tournaments.enter(p, t.tournamentId);
        const s = await w.skill.tournaments.play(p, t.tournamentId);
        await new TestClient(w, p, s).play(moves);
        await w.skill.finish(p, s.sessionId, null);
      }
      clock.setMs(t.entryClosesAtMs);
      await w.skill.sweep();
      await w.skill.sweep();
      const settled = await w.skill.tournaments.get(a, t.tournamentId);
      assert.equal(settled.status, 'settled');
      // Pool 1000, rake 100, 900 by 3:1.
      assert.deepEqual(
        settled.standings.map((x) => x.prizeFen),
        [675, 225],
      );
      assert.equal(await w.availableFen(a), 2000 - 500 + 675);
      assert.equal(await w.availableFen(b), 2000 - 500 + 225);
      assert.deepEqual(await w.escrowFen('tournament', t.tournamentId), { posted: 0, pending: 0 });

      // The next day's slot makes the next tournament.
      clock.setMs(MONDAY_8PM_BEIJING + 24 * 60 * MINUTE_MS + 1000);
      const [tomorrow] = await run([DAILY]);
      assert.equal(tomorrow?.title, '晚间赛 Evening cup · 11-03 20:00 UTC+8');
    });

    it('a scheduled tournament cancelled by an operator refunds every entry fee', async () => {
      clock.setMs(MONDAY_8PM_BEIJING + 2 * 24 * 60 * MINUTE_MS + 1000);
      const [t] = await run([DAILY]);
      assert.ok(t);
      const p = await w.player(1000);
      await w.skill.tournaments.enter(p, t.tournamentId);
      assert.equal(await w.availableFen(p), 500);
      const view = await w.skill.tournaments.cancel({ id: 'op_1', username: 'ops' }, t.tournamentId, 'no host tonight');
      assert.equal(view.status, 'cancelled');
      assert.equal(await w.availableFen(p), 1000);
      assert.deepEqual(await run([DAILY]), [], 'a cancelled slot is not created again');
    });

    it('skips a slot whose entry window passed while no node ran, other weekdays, and templates it cannot create', async () => {
      clock.setMs(MONDAY_8PM_BEIJING + 3 * 24 * 60 * MINUTE_MS + DAILY.entryWindowMs + 1000);
      assert.deepEqual(await run([DAILY]), []);
      const weekly: ScheduledTemplate = {
        ...DAILY,
        id: 'weekly',
        schedule: { times: ['20:00'], weekdays: [7], utcOffsetMinutes: BEIJING },
      };
      clock.setMs(MONDAY_8PM_BEIJING + 4 * 24 * 60 * MINUTE_MS + 1000);
      const unknownGame: ScheduledTemplate = { ...DAILY, id: 'gone', game: 'retired_game' };
      problems.length = 0;
      const created = await run([weekly, unknownGame, { ...DAILY, schedule: undefined }]);
      assert.deepEqual(created, [], 'Friday is not Sunday; an unscheduled template is never created by the job');
      assert.equal(problems.length, 1);
      assert.match(problems[0]!, /^gone: /);
    });
  });
}

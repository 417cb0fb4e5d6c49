// Every rule of the shipped mainland-China policy, at its edges, through the pure rules with the
// time given as data (the service tests drive the same rules through a manual clock).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluatePlayer, loadPolicyFile, type PlayerFacts, ZERO_TOTALS } from '../../src/compliance/index.ts';
import { fileURLToPath } from 'node:url';

const POLICIES = fileURLToPath(new URL('../../src/compliance/policies/', import.meta.url));
const cn = loadPolicyFile(`${POLICIES}cn-mainland.json`);

/** Beijing wall time → epoch ms (China has no daylight saving: UTC+8 all year). */
function bj(date: string, time = '12:00', seconds = 0): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  return Date.UTC(y, m - 1, d, h - 8, mi, seconds);
}

function facts(over: Partial<PlayerFacts> = {}): PlayerFacts {
  return {
    nowMs: bj('2026-01-13', '10:00'),
    verified: true,
    birthDate: '1990-05-01',
    region: { country: 'CN', subdivision: null },
    totals: ZERO_TOTALS,
    selfExclusionUntilMs: null,
    depositLimits: { dayFen: null, monthFen: null },
    play: { continuousSinceMs: null, breakUntilMs: null },
    restriction: null,
    ...over,
  };
}

const minor15 = { birthDate: '2010-06-01' };
const code = (d: ReturnType<typeof evaluatePlayer>) => (d.allow ? 'ALLOW' : d.code);

describe('cn-mainland: real name (2021 notice: no service without real-name registration, guest mode included)', () => {
  it('refuses every money and play action to a player without a verified identity', () => {
    for (const action of ['deposit', 'withdraw', 'buy_room_cards', 'create_room', 'join_room', 'start_free_session'] as const) {
      assert.equal(
        code(evaluatePlayer(cn, action, { amountFen: 100 }, facts({ verified: false, birthDate: null }))),
        'REAL_NAME_REQUIRED',
        action,
      );
    }
  });
  it('serves a verified adult at any hour', () => {
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ nowMs: bj('2026-01-13', '03:00') }))), 'ALLOW');
  });
});

describe('cn-mainland: minors play only 20:00–21:00 on Fridays, weekends and statutory holidays (2021 notice)', () => {
  it('Friday 20:59:59 is inside the window and 21:00:00 is outside', () => {
    const inside = evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-01-16', '20:59', 59) }));
    assert.equal(code(inside), 'ALLOW');
    assert.equal(inside.allow && inside.windowEndMs, bj('2026-01-16', '21:00'), 'the decision carries the end of the window');
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-01-16', '21:00') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-01-16', '19:59', 59) }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-01-16', '20:00') }))), 'ALLOW');
  });
  it('a plain Tuesday evening is not a play day', () => {
    assert.equal(
      code(evaluatePlayer(cn, 'create_room', {}, facts({ ...minor15, nowMs: bj('2026-01-13', '20:30') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
  });
  it('a statutory holiday on a weekday (Monday 2026-10-05, National Day) is a play day from the calendar table', () => {
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-10-05', '20:30') }))), 'ALLOW');
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-10-05', '21:00') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
  });
  it('a make-up working day (调休) on a weekend is not a play day: Saturday 2026-10-10 and Sunday 2026-01-04', () => {
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-10-10', '20:30') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-01-04', '20:30') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    // The ordinary Saturday after it is a play day.
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2026-10-17', '20:30') }))), 'ALLOW');
  });
  it('a year missing from the calendar table is closed to minors (fail closed), and adults are unaffected', () => {
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...minor15, nowMs: bj('2027-01-08', '20:30') }))),
      'MINOR_CALENDAR_MISSING',
    );
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ nowMs: bj('2027-01-08', '20:30') }))), 'ALLOW');
  });
  it('minors never enter paid skill matches (they are off for everyone in mainland China)', () => {
    assert.equal(
      code(evaluatePlayer(cn, 'start_paid_session', {}, facts({ ...minor15, nowMs: bj('2026-01-16', '20:30') }))),
      'GAME_MODE_NOT_ALLOWED',
    );
    assert.equal(code(evaluatePlayer(cn, 'enter_tournament', {}, facts())), 'GAME_MODE_NOT_ALLOWED');
  });
});

describe('cn-mainland: age from the identity, on the birthday edge (Beijing dates)', () => {
  const born = { birthDate: '2008-03-15' };
  it('is a minor until the last second before the 18th birthday and an adult from its first second', () => {
    // 2026-03-14 is a Saturday: 23:59:59 is outside the minors' window.
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...born, nowMs: bj('2026-03-14', '23:59', 59) }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ ...born, nowMs: bj('2026-03-15', '00:00') }))), 'ALLOW');
    // 2026-03-15 00:00 in Beijing is still 14 March in UTC: the policy's zone decides.
    assert.equal(new Date(bj('2026-03-15', '00:00')).toISOString().slice(0, 10), '2026-03-14');
  });
  it('a 29 February birthday comes on 1 March in a common year', () => {
    const leap = { birthDate: '2008-02-29' };
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ ...leap, nowMs: bj('2026-02-28', '22:00') }))),
      'MINOR_OUTSIDE_PLAY_WINDOW',
    );
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, facts({ ...leap, nowMs: bj('2026-03-01', '00:00') }))), 'ALLOW');
  });
});

describe('cn-mainland: minors spending caps (2019 notice bands; 2024 regulation daily cap)', () => {
  const at = bj('2026-01-13', '10:00');
  const deposit = (birthDate: string, amountFen: number, totals = ZERO_TOTALS) =>
    code(evaluatePlayer(cn, 'deposit', { amountFen }, facts({ birthDate, nowMs: at, totals })));
  it('under 8: no payment at all', () => {
    assert.equal(deposit('2019-01-14', 1), 'MINOR_PAYMENT_DENIED');
  });
  it('8 to under 16: ¥50 a payment, ¥50 a day, ¥200 a month', () => {
    assert.equal(deposit('2018-01-13', 5000), 'ALLOW', 'turned 8 today');
    assert.equal(deposit('2018-01-14', 100), 'MINOR_PAYMENT_DENIED', 'turns 8 tomorrow');
    assert.equal(deposit('2012-01-01', 5001), 'MINOR_PAYMENT_CAP');
    assert.equal(deposit('2012-01-01', 5000, { ...ZERO_TOTALS, depositsDayFen: 1, depositsMonthFen: 1 }), 'MINOR_DAILY_CAP');
    assert.equal(deposit('2012-01-01', 5000, { ...ZERO_TOTALS, depositsMonthFen: 15000 }), 'ALLOW');
    assert.equal(deposit('2012-01-01', 5000, { ...ZERO_TOTALS, depositsMonthFen: 15001 }), 'MINOR_MONTHLY_CAP');
  });
  it('16 to under 18: ¥100 a payment and a day, ¥400 a month; adults fall under the general limits only', () => {
    assert.equal(deposit('2009-01-01', 10000), 'ALLOW');
    assert.equal(deposit('2009-01-01', 10001), 'MINOR_PAYMENT_CAP');
    assert.equal(deposit('2009-01-01', 10000, { ...ZERO_TOTALS, depositsMonthFen: 30001 }), 'MINOR_MONTHLY_CAP');
    assert.equal(deposit('2008-01-13', 10001), 'ALLOW', 'turned 18 today');
  });
});

describe('cn-mainland: deposit and withdrawal limits, points, room caps, health notice', () => {
  it('applies the per-transaction, daily and monthly deposit limits', () => {
    const d = (amountFen: number, totals = ZERO_TOTALS) => code(evaluatePlayer(cn, 'deposit', { amountFen }, facts({ totals })));
    assert.equal(d(500000), 'ALLOW');
    assert.equal(d(500001), 'DEPOSIT_TRANSACTION_LIMIT');
    assert.equal(d(100000, { ...ZERO_TOTALS, depositsDayFen: 1900001, depositsMonthFen: 1900001 }), 'DEPOSIT_DAILY_LIMIT');
    assert.equal(d(100000, { ...ZERO_TOTALS, depositsMonthFen: 9900001 }), 'DEPOSIT_MONTHLY_LIMIT');
  });
  it('applies the withdrawal limits', () => {
    const w = (amountFen: number, totals = ZERO_TOTALS) => code(evaluatePlayer(cn, 'withdraw', { amountFen }, facts({ totals })));
    assert.equal(w(500000), 'ALLOW');
    assert.equal(w(500001), 'WITHDRAWAL_TRANSACTION_LIMIT');
    assert.equal(w(1, { ...ZERO_TOTALS, withdrawalsDayFen: 1000000, withdrawalsMonthFen: 1000000 }), 'WITHDRAWAL_DAILY_LIMIT');
  });
  it('never lets points be redeemed (2007 notice), and the schema cannot enable it', () => {
    assert.equal(code(evaluatePlayer(cn, 'redeem_points', {}, facts())), 'POINTS_NOT_REDEEMABLE');
    assert.equal(cn.games?.pointsRedeemable, false);
    assert.equal(cn.games?.pointsTransferable, false);
  });
  it('caps room points per hand and per day (2007 notice) and keeps prizes by results off', () => {
    assert.deepEqual(cn.games?.roomPoints, { handPointsMax: 2000, dayPointsMax: 20000 });
    assert.equal(cn.games?.prizeByResults, false);
  });
  it('shows the health notice at login and on the room creation page', () => {
    assert.deepEqual(cn.healthNotice?.showAt, ['login', 'room_creation']);
    assert.match(cn.healthNotice?.text.zh ?? '', /适度游戏益脑，沉迷游戏伤身/);
  });
  it('cites a defined source for every rule, and marks the repealed 2010 measures as history', () => {
    const ids = new Map((cn.sources ?? []).map((s) => [s.id, s]));
    assert.equal(ids.get('mct-2010-measures')?.status, 'history');
    assert.equal(ids.get('nppa-2021-minors')?.status, 'in_force');
    for (const band of cn.minors?.spendingBands ?? []) assert.ok(band.sources.includes('nppa-2019-minors'));
    assert.ok(cn.minors?.spendingBands.slice(1).every((b) => b.sources.includes('sc-2024-minors-online')));
  });
});

describe('cn-mainland: responsible play and restrictions', () => {
  it('self-exclusion blocks play and deposits but not withdrawing the remaining balance', () => {
    const excluded = facts({ selfExclusionUntilMs: bj('2026-02-13') });
    assert.equal(code(evaluatePlayer(cn, 'join_room', {}, excluded)), 'SELF_EXCLUDED');
    assert.equal(code(evaluatePlayer(cn, 'deposit', { amountFen: 100 }, excluded)), 'SELF_EXCLUDED');
    assert.equal(code(evaluatePlayer(cn, 'withdraw', { amountFen: 100 }, excluded)), 'ALLOW');
  });
  it('requires a break after three hours of continuous play', () => {
    const now = bj('2026-01-13', '15:00');
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ nowMs: now, play: { continuousSinceMs: now - 10_799_000, breakUntilMs: null } }))),
      'ALLOW',
    );
    const d = evaluatePlayer(cn, 'join_room', {}, facts({ nowMs: now, play: { continuousSinceMs: now - 10_800_000, breakUntilMs: null } }));
    assert.equal(code(d), 'BREAK_REQUIRED');
    assert.equal(!d.allow && d.retryAtMs, now + 900_000);
  });
  it('a restriction from the risk domain refuses with its own code', () => {
    assert.equal(
      code(evaluatePlayer(cn, 'join_room', {}, facts({ restriction: { code: 'PLAYER_BANNED', message: 'banned' } }))),
      'PLAYER_BANNED',
    );
  });
});
